"""Build the statistical model behind the context typo check (T020-T029): models/typo-lm/.

Usage:
    .venv/bin/python scripts/build_lm.py [--jieba PATH/TO/jieba/dict.txt] [--data ../shared/data]

Without ``--jieba`` the script fetches the jieba 0.42.1 source distribution with ``pip download``
(MIT licence) and reads ``jieba/dict.txt`` from it. Sources, licences and filtering are written
down in docs/dictionaries.md ("上下文统计模型"). The ECSpell odw sentences are evaluation data and
are never read here.

Output (all memory-mapped lazily by gkcheck.typostat.model; no Python dict or set is built at load).
A word of at most four characters is a 64-bit key: four 16-bit character indices, the first in the
high bits, 0xFFFF for the "?" of a masked word (typostat.model.Model.key):
- ``chars.npy``       uint16[65536]: code point -> character index (0 = not a modelled character);
  ``chars.txt`` the characters in index order
- ``unigram.npy``     uint32[n_chars]: corpus count of each character index
- ``bigram_keys.npy`` uint32 sorted: ``a << 13 | b`` for every character bigram seen in the corpus;
  ``bigram_counts.npy`` uint16 its count (capped); ``frequent.npy`` the bitset (8 MB) of the
  bigrams seen more than RARE times, which the candidate pass tests
- ``word_keys.npy`` uint64 sorted / ``word_freq.npy`` uint32: every known word and its frequency;
  0 for a word that may be written but is never suggested (rare jieba words, ECSpell vocabulary)
- ``masked_keys.npy`` uint64 sorted (a target word with one character masked), ``masked_ptr.npy``
  uint32 and ``masked_fill.npy`` uint16: the character indices that fill the mask
- ``confuse_bits.npy`` bitset (8 MB) of ``written << 13 | neighbour``: sound and shape neighbours
- ``names.npy`` uint64 sorted: BLAKE2b-64 of the place names never "corrected"
- ``meta.json``: surnames (first characters of jieba's person names), total character count
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from gkcheck.typostat.model import MASK, name_key  # noqa: E402  (the runtime's key formats)
OUT = REPO / "models" / "typo-lm"
MAX_CHARS = 8191            # 13-bit character index, 0 reserved
BIGRAM_CAP = 65535
CJK = re.compile(r"[\u4e00-\u9fff]+")
JIEBA = "jieba==0.42.1"
PYCORRECTOR = "pycorrector==1.1.4"
# Debian package unicode-data; Unihan is part of the Unicode Character Database (Unicode License v3)
UNIHAN = Path("/usr/share/unicode/Unihan_DictionaryLikeData.txt.bz2")
SERIES_MAX = 24             # larger phonetic series (e.g. of 青, 工) are too loose to be confusable


RARE = 2                    # a bigram seen at most this often makes a candidate (typostat.model.RARE)


def bitset(keys: np.ndarray) -> np.ndarray:
    """One bit per possible 26-bit bigram key (8 MB), set for ``keys`` (sorted)."""
    bits = np.zeros(1 << 23, dtype=np.uint8)
    if len(keys):
        byte = (keys >> 3).astype(np.int64)
        value = (np.uint8(1) << (keys & 7).astype(np.uint8)).astype(np.uint8)
        starts = np.flatnonzero(np.r_[True, byte[1:] != byte[:-1]])
        bits[byte[starts]] = np.bitwise_or.reduceat(value, starts)
    return bits


def read_corpus(data: Path) -> list[str]:
    """Texts of the government work reports (1960 on: the 1950s ones are in traditional
    characters), the Party congress reports and the laws; Markdown markup removed."""
    texts = []
    for name in ("government_work_reports.jsonl", "cpc_congress_reports.jsonl"):
        for line in (data / "gov-corpus" / name).read_text("utf-8").splitlines():
            doc = json.loads(line)
            if int(doc.get("year") or 2000) < 1960:
                continue
            texts.append(doc["content"])
    with gzip.open(data / "law-corpus" / "laws.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            texts.append(re.sub(r"<!--.*?-->|^#+ ", "", json.loads(line)["text"], flags=re.M))
    return texts


def pip_download(spec: str, kind: str) -> Path:
    """A new folder holding ``spec`` as ``pip download`` fetches it from PyPI (``kind``:
    ``--only-binary`` for the wheel, ``--no-binary`` for the source archive)."""
    tmp = Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", kind, ":all:", "-q", "-d", str(tmp),
                    spec], check=True)
    return tmp


def pycorrector_file(name: str, wheel: Path | None) -> str:
    """A data file of pycorrector 1.1.4 (Apache-2.0), from its wheel (``pip download`` by default)."""
    import zipfile

    if wheel is None:
        (wheel,) = pip_download(PYCORRECTOR, "--only-binary").glob("pycorrector-*.whl")
    with zipfile.ZipFile(wheel) as z:
        return z.read(f"pycorrector/data/{name}").decode("utf-8")


def same_stroke(wheel: Path | None) -> dict[str, set[str]]:
    """pycorrector's ``same_stroke.txt``: lines of characters of similar shape (火 灭 灾 伙 ...);
    every character of a line is a shape neighbour of the line's first one, and back."""
    out: dict[str, set[str]] = {}
    for line in pycorrector_file("same_stroke.txt", wheel).splitlines():
        chars = [c for c in line.split("\t") if len(c) == 1 and CJK.fullmatch(c)]
        for c in chars[1:]:
            out.setdefault(chars[0], set()).add(c)
            out.setdefault(c, set()).add(chars[0])
    return out


def jieba_dict(path: Path | None) -> tuple[dict[str, int], dict[str, str]]:
    """jieba's dictionary: word -> frequency, and word -> part-of-speech tag."""
    if path is None:
        (sdist,) = pip_download(JIEBA, "--no-binary").glob("jieba-*.tar.gz")
        with tarfile.open(sdist) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("jieba/dict.txt"))
            raw = tar.extractfile(member).read().decode("utf-8")
    else:
        raw = path.read_text("utf-8")
    freq, tags = {}, {}
    for line in raw.splitlines():
        parts = line.split(" ")
        if len(parts) >= 2:
            freq[parts[0]] = int(parts[1])
            tags[parts[0]] = parts[2] if len(parts) > 2 else ""
    return freq, tags


def ecspell_lists(data: Path) -> dict[str, int]:
    """Words of the ECSpell word lists (MIT): 公文写作, 成语, 法律; value = a rough frequency."""
    extra = data / "ecspell-extra"
    words: dict[str, int] = {}
    for line in (extra / "wordlist-公文写作.txt").read_text("utf-8").splitlines():
        w = line.split("\t")[0].strip()
        words[w] = max(words.get(w, 0), 100)
    for line in (extra / "vocab-公文写作.txt").read_text("utf-8").splitlines():
        words[line.strip()] = max(words.get(line.strip(), 0), 100)
    for line in (extra / "wordlist-成语.txt").read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[1].strip().isdigit() and int(parts[1]) >= 50:
            words[parts[0].strip()] = max(words.get(parts[0].strip(), 0), 100)
    for line in (extra / "wordlist-法律.txt").read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[1].strip().isdigit() and int(parts[1]) >= 20000:
            words[parts[0].strip()] = max(words.get(parts[0].strip(), 0), 100)
    return {w: f for w, f in words.items() if CJK.fullmatch(w)}


# the 56 nationalities of the PRC (their official names, public fact), for the names of autonomous
# divisions: 元江哈尼族彝族傣族自治县, 恩施土家族苗族自治州
PEOPLES = ("汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
           "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
           "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
AUTONOMOUS = re.compile("(?:(?:" + "|".join(sorted(PEOPLES, key=len, reverse=True)) + ")族|维吾尔)+(?:各族)?自治(?:区|州|县|旗)$")


def place_names(data: Path) -> set[str]:
    names = set()
    for line in (REPO / "dictionaries" / "gb2260-divisions.txt").read_text("utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        name = line.split("\t")[1]
        names.add(name)
        short = re.sub(r"(特别行政区|自治区|自治州|自治县|自治旗|地区|街道|新区|省|市|县|区|盟|旗|镇|乡)$", "", name)
        if len(short) >= 2:
            names.add(short)
        # 元江哈尼族彝族傣族自治县 -> 元江 (and 元江哈尼族...): the place before its peoples' names
        bare = AUTONOMOUS.sub("", name)
        if bare != name and len(bare) >= 2:
            names.add(bare)
    raw = (data / "ecspell-extra" / "wordlist-地名.txt").read_bytes().decode("utf-8-sig")
    for line in re.split(r"\r\n|\r|\n", raw):
        w = line.split("\t")[0].strip()
        if 2 <= len(w) <= 8 and CJK.fullmatch(w):
            names.add(w)
    return names


def phonetic_series(chars: set[str]) -> dict[str, list[str]]:
    """Unihan kPhonetic (Unicode Character Database, Unicode License v3): character -> the numbers of
    the phonetic series it belongs to (Casey's classes), for the modelled characters."""
    import bz2

    out: dict[str, list[str]] = {}
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as fh:
        for line in fh:
            if "\tkPhonetic\t" not in line:
                continue
            code, _, value = line.rstrip("\n").split("\t")
            ch = chr(int(code[2:], 16))
            if ch in chars:
                out[ch] = [re.sub(r"[^0-9]", "", v) for v in value.split()]
    return out


def confusion(data: Path, chars: set[str], shapes: dict[str, set[str]]) -> dict[str, str]:
    """Sound (ECSpell + same toneless pinyin, with z/zh c/ch s/sh n/l en/eng in/ing an/ang
    merged) and shape (ECSpell; one Unihan phonetic series of at most SERIES_MAX modelled
    characters) neighbours, restricted to modelled characters."""
    from pypinyin import Style, lazy_pinyin

    extra = data / "ecspell-extra"
    sets: dict[str, set[str]] = {ch: set(near) for ch, near in shapes.items()}
    for name in ("soundConfusion.json", "shapeConfusion.json"):
        for ch, near in json.loads((extra / name).read_text("utf-8")).items():
            sets.setdefault(ch, set()).update(near)

    def fuzzy(ch: str) -> str:
        py = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
        if not py:
            return ""
        s = py[0]
        s = re.sub(r"^(z|c|s)h", r"\1", s)
        s = re.sub(r"^l", "n", s)
        s = re.sub(r"(e|i|a)ng$", r"\1n", s)
        return s

    by_sound: dict[str, set[str]] = {}
    for ch in chars:
        key = fuzzy(ch)
        if key:
            by_sound.setdefault(key, set()).add(ch)
    # characters of one phonetic series (Unihan kPhonetic: 狙/阻/组, 渡/度): shape and sound alike
    series: dict[str, set[str]] = {}
    for ch, classes in phonetic_series(chars).items():
        for c in classes:
            series.setdefault(c, set()).add(ch)
    for members in series.values():
        if len(members) <= SERIES_MAX:
            for ch in members:
                sets.setdefault(ch, set()).update(members)
    out = {}
    for ch in chars:
        near = set(sets.get(ch, ())) | by_sound.get(fuzzy(ch), set())
        near = {c for c in near if c in chars and c != ch}
        if near:
            out[ch] = "".join(sorted(near))
    return out


def build(data: Path, jieba_path: Path | None, pycorrector: Path | None) -> dict[str, int]:
    import ahocorasick_rs

    texts = read_corpus(data)
    runs = [r for t in texts for r in CJK.findall(t)]
    char_count = Counter()
    for r in runs:
        char_count.update(r)
    jieba, tags = jieba_dict(jieba_path)
    ecs = ecspell_lists(data)

    # characters: by corpus frequency, those seen at least twice
    # characters: those of the corpus by frequency, then those of common jieba words, so that a
    # correction target like 诠释 is modelled even where the corpus has it rarely
    chars = [c for c, n in char_count.most_common()]
    seen = set(chars)
    for w, f in sorted(jieba.items(), key=lambda kv: -kv[1]):
        if f < 20:
            break
        for c in w:
            if c not in seen and CJK.fullmatch(c):
                seen.add(c)
                chars.append(c)
    chars = chars[:MAX_CHARS]
    index = {c: i + 1 for i, c in enumerate(chars)}
    table = np.zeros(65536, dtype=np.uint16)
    for c, i in index.items():
        table[ord(c)] = i
    unigram = np.zeros(len(chars) + 1, dtype=np.uint32)
    for c, i in index.items():
        unigram[i] = char_count[c]

    # bigrams over CJK runs (a run boundary is punctuation, a digit, a letter or a line break)
    joined = "\x00".join(runs)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    idx = table[np.minimum(codes, 65535)].astype(np.uint32)
    idx[codes > 65535] = 0
    keys = (idx[:-1] << 13) | idx[1:]
    keys = keys[(idx[:-1] > 0) & (idx[1:] > 0)]
    bkeys, bcounts = np.unique(keys, return_counts=True)
    bcounts = np.minimum(bcounts, BIGRAM_CAP).astype(np.uint16)

    # word corpus counts: every candidate word, overlapping, over the corpus
    cands = sorted(w for w in set(jieba) | set(ecs)
                   if 2 <= len(w) <= 4 and CJK.fullmatch(w) and all(c in index for c in w))
    ac = ahocorasick_rs.AhoCorasick(cands)
    corpus_count = Counter()
    for r in runs:
        if len(r) >= 2:
            corpus_count.update(i for i, _, _ in ac.find_matches_as_indexes(r, overlapping=True))
    words: dict[str, int] = {}
    for i, w in enumerate(cands):
        jf, cc, listed = jieba.get(w, 0), corpus_count.get(i, 0), w in ecs
        # a word is a "known word" (a correction target, and never itself corrected) when it is
        # common in jieba's table, attested in the official corpus, or listed by ECSpell
        if jf >= 50 or (cc >= 2 and (jf >= 3 or listed)) or (cc >= 5) or (listed and jf >= 3) \
                or (listed and cc >= 1):
            words[w] = jf + 20 * cc + (100 if listed else 0)
    # how official documents name their own body: 我县, 本市, 该局, 全省 ... (prefix x suffix)
    for prefix in "我本该全各":
        for suffix in "省市县区镇乡村局委办厅院校所州盟旗":
            words[prefix + suffix] = max(words.get(prefix + suffix, 0), 100000)
    masked: dict[str, str] = {}
    for w in words:
        for j in range(len(w)):
            key = w[:j] + "?" + w[j + 1:]
            masked[key] = masked.get(key, "") + w[j]

    # person names from jieba's nr tags -> surnames (first character of two/three-character names)
    names = place_names(data)
    surnames = Counter()
    for w, tag in tags.items():
        if tag == "nr" and 2 <= len(w) <= 3 and CJK.fullmatch(w):
            surnames[w[0]] += 1
    common_surnames = "".join(sorted(c for c, n in surnames.items() if n >= 30))
    confuse = confusion(data, set(index), same_stroke(pycorrector))

    OUT.mkdir(parents=True, exist_ok=True)
    np.save(OUT / "chars.npy", table)
    np.save(OUT / "unigram.npy", unigram)
    np.save(OUT / "bigram_keys.npy", bkeys.astype(np.uint32))
    np.save(OUT / "bigram_counts.npy", bcounts)
    # the candidate pass's bitset (one bit per possible bigram key, set when seen more than RARE
    # times), stored so that loading is a memory map instead of an 8 MB computation
    np.save(OUT / "frequent.npy", bitset(bkeys[bcounts > RARE].astype(np.uint32)))
    # words that are never "corrected" although too rare to be correction targets (秧田, 冰壶)
    # and every word of the ECSpell official-writing lists (外链, 年报): domain vocabulary
    other = ({w for w, f in jieba.items() if f >= 5 and 2 <= len(w) <= 4 and CJK.fullmatch(w)}
             | {w for w in ecs if 2 <= len(w) <= 4}) - set(words)

    def key(word: str, mask: int = -1) -> int | None:
        """Four 16-bit character indices, the first in the high bits (typostat.model.Model.key)."""
        k = 0
        for j, c in enumerate(word):
            i = MASK if j == mask else index.get(c, 0)
            if not i:
                return None
            k |= i << (48 - 16 * j)
        return k

    lexicon = {key(w): f for w, f in words.items()}
    lexicon.update((key(w), 0) for w in other if key(w) is not None and key(w) not in lexicon)
    wkeys = np.array(sorted(lexicon), dtype=np.uint64)
    np.save(OUT / "word_keys.npy", wkeys)
    np.save(OUT / "word_freq.npy", np.array([min(lexicon[int(k)], 2**32 - 1) for k in wkeys], dtype=np.uint32))
    mkeys = sorted((key(k.replace("?", "x"), k.index("?")), v) for k, v in masked.items())
    np.save(OUT / "masked_keys.npy", np.array([k for k, _ in mkeys], dtype=np.uint64))
    np.save(OUT / "masked_ptr.npy", np.cumsum([0] + [len(v) for _, v in mkeys]).astype(np.uint32))
    np.save(OUT / "masked_fill.npy", np.array([index[c] for _, v in mkeys for c in v], dtype=np.uint16))
    # written << 13 | neighbour, one bit each (8 MB, mostly zero: about 0.9 MB in the wheel)
    pairs = np.unique(np.array([index[a] << 13 | index[b] for a, near in confuse.items() for b in near],
                               dtype=np.uint32))
    np.save(OUT / "confuse_bits.npy", bitset(pairs))
    (OUT / "confuse_pairs.npy").unlink(missing_ok=True)
    np.save(OUT / "names.npy", np.array(sorted({name_key(n) for n in names}), dtype=np.uint64))
    (OUT / "chars.txt").write_text("\0" + "".join(chars), "utf-8")
    (OUT / "meta.json").write_text(json.dumps({"version": 2, "surnames": common_surnames,
                                               "total": int(unigram.sum())}, ensure_ascii=False), "utf-8")
    (OUT / "lexicon.marshal").unlink(missing_ok=True)
    return {"texts": len(texts), "chars_in_corpus": sum(map(len, runs)), "char_index": len(chars),
            "bigrams": len(bkeys), "words": len(words), "masked": len(masked),
            "known (written only)": len(lexicon) - len(words), "names": len(names), "surnames": len(common_surnames), "confuse": len(confuse)}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jieba", type=Path, help="jieba's dict.txt (default: pip download jieba 0.42.1)")
    ap.add_argument("--pycorrector", type=Path,
                    help="pycorrector's wheel (default: pip download pycorrector 1.1.4)")
    # ../shared beside the checkout (as the README's layout has it), or beside a worktree's parent
    shared = next((p for p in (REPO.parent / "shared", REPO.parent.parent / "shared") if (p / "data").is_dir()),
                  REPO.parent / "shared")
    ap.add_argument("--data", type=Path, default=shared / "data")
    args = ap.parse_args(argv)
    stats = build(args.data, args.jieba, args.pycorrector)
    for k, v in stats.items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
