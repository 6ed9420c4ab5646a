"""Near misses of protected terms (T010-T014): a span one edit away from a protected name,
formulation, division name, idiom or official phrase that is not itself a known word.

The protected lexicons and the confusion table are data (dictionaries/protected/, built by
scripts/build_protected.py; docs/dictionaries.md). They are read when the first document is
checked, not at start-up. One Aho-Corasick pass (overlapping) finds *anchors*: each term of four
or more characters is split in two halves, and one edit leaves one half intact; 2-3 character
terms get their confusable substitutions listed. Only where an anchor is found does Python
compare the text with the term, and only a candidate pays for word segmentation (rjieba) to
check it is not a real word and does not cut across words.

What counts as one edit: a substitution by a character of the confusion table (sound, shape,
fuzzy pinyin) — or, inside a name of the state or an organ of five or more characters, by any
character —, an interior deletion (terms of five or more characters), an interior insertion
(a doubled character, or any character in a state or organ name), an adjacent transposition.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from ..config import Config
from ..dictionary import load_allowlist
from ..matcher import CHUNK_CHARS
from ..model import Hit
from ..resources import data_dir
from ..rules import Rule
from ..textview import Context, TextView

CODES = ("T010", "T011", "T012", "T013", "T014")
STRICT_CODES = {"T010"}          # names of the state and its organs: any interior substitution
EDGE_SHY = {"T011", "T014"}      # phrases: a changed first or last character is often another phrase
FILES = ("state-names.txt", "formulations.txt", "divisions.txt", "fixed-expressions.txt", "idioms.txt",
         "official-phrases.txt")
KNOWN_FILES = ("division-names-all.txt",)
CONTEXT = 8                      # characters either side segmented to check a candidate
_BREAKS = "\n。，、；：？！“”‘’（）《》〈〉【】,.;:?!()[] \t"
# a 2-character name (政府, 人大, 监委) is only compared after a level or at the start of a phrase:
# 卫健委 is not a misspelt 监委
LEVELS = set("国省市县区乡镇村州盟旗党本各级府委")
FUNCTION = set("的之和与及了而或并")
NUMERAL = set("〇零一二三四五六七八九十百千万亿两")   # left out of a phrase, these change the wording, not the spelling
# single-character words that start or end a phrase of their own: 向镇人民政府 is not 乡镇人民政府
LONE = FUNCTION | set("向在对从由把被给为于以同跟是有又也都就将能会可应须要得等其")
OP_TEXT = {"sub": "错字", "del": "漏字", "ins": "多字", "swap": "字序颠倒"}


class Term(NamedTuple):     # immutable; 10k made at load, 2-3x faster than a frozen dataclass
    text: str
    code: str
    strict: bool       # hand-written state/organ names and key formulations


@dataclass(frozen=True)
class Index:
    terms: dict[str, Term]        # protected terms of the enabled rules
    known: str                    # every known word between line breaks ("\n词\n" in known)
    confusion: dict[str, str]
    matcher: object
    targets: list[list]           # per pattern: ["P"|"S", lengths, chars] halves, ["V", term number, op, j]
    wild: dict[str, int | list[int]]   # a term with one character replaced by \0 → number * 64 + position
    dele: dict[str, int | list[int]]   # a term with one interior character left out → the same
    numbered: tuple[Term | None, ...]   # term number → term (None: its rule is off)


ARTEFACT = "near-index.json"


def _rows(path: Path) -> Iterator[list[str]]:
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def index_data(folder: Path) -> dict:
    """Everything the detector needs but the automaton, from the lexicon files, as JSON-ready
    data (scripts/build_protected.py writes it to near-index.json: parsing and expanding the
    lexicons in Python at every start took 0.5-1.5 s)."""
    terms: list[list] = []
    number: dict[str, int] = {}
    known: set[str] = set()
    for name in FILES:
        hand = name == "state-names.txt"
        for row in _rows(folder / name):
            text, code = row[0], row[1]
            known.add(text)
            if code in CODES and text not in number:
                number[text] = len(terms)
                terms.append([text, code, hand or code in STRICT_CODES])
    for name in KNOWN_FILES:
        known.update(r[0] for r in _rows(folder / name))
    confusion = {r[0]: r[1] for r in _rows(folder / "confusion.txt")}
    targets: dict[str, list[list]] = {}
    halves: dict[tuple[str, str], tuple[set[int], set[str]]] = {}
    wild: dict[str, list[int]] = {}
    dele: dict[str, list[int]] = {}
    for i, (w, code, strict) in enumerate(terms):
        n = len(w)
        if n >= 4:
            m = n // 2
            lengths, chars = halves.setdefault((w[:m], "P"), (set(), set()))
            lengths.add(n)
            chars.update(w[m:m + 2])
            lengths, chars = halves.setdefault((w[m:], "S"), (set(), set()))
            lengths.add(n)
            chars.update(w[max(0, m - 2):m])
            for k in range(n):
                wild.setdefault(w[:k] + "\0" + w[k + 1:], []).extend((i, k))
            if n >= 5:
                for j in range(1, n - 1):
                    dele.setdefault(w[:j] + w[j + 1:], []).extend((i, j))
            swapped = w[:m - 1] + w[m] + w[m - 1] + w[m + 1:]
            if swapped != w and swapped not in known:   # across the halves (行政理管部门)
                targets.setdefault(swapped, []).append(["V", i, "swap", m - 1])
        else:
            for j, c in enumerate(w):
                for r in confusion.get(c, ""):
                    v = w[:j] + r + w[j + 1:]
                    if v not in known:
                        targets.setdefault(v, []).append(["V", i, "sub", j])
            if n == 3:
                for j in (0, 1):     # 务国院, 国院务
                    v = w[:j] + w[j + 1] + w[j] + w[j + 2:]
                    if v != w and v not in known:
                        targets.setdefault(v, []).append(["V", i, "swap", j])
            if n == 2 and strict and w[::-1] not in known:          # 府政
                targets.setdefault(w[::-1], []).append(["V", i, "swap", 0])
    for (half, side), (lengths, chars) in sorted(halves.items()):
        targets.setdefault(half, []).append([side, sorted(lengths), "".join(sorted(chars))])
    patterns = sorted(targets)
    return {"terms": terms, "known": "\n" + "\n".join(sorted(known)) + "\n", "confusion": confusion,
            "patterns": patterns, "targets": [targets[p] for p in patterns],
            "wild": _packed(wild), "dele": _packed(dele)}


def _packed(table: dict[str, list[int]]) -> dict[str, int | list[int]]:
    """[term number, position, ...] lists as one int (number * 64 + position) where there is
    one pair (almost always): a third of the objects to load."""
    return {k: v[0] * 64 + v[1] if len(v) == 2 else [a * 64 + b for a, b in zip(v[::2], v[1::2])]
            for k, v in sorted(table.items())}


def _pairs(value: int | list[int]) -> Iterator[tuple[int, int]]:
    if isinstance(value, int):
        yield value >> 6, value & 63
    else:
        for x in value:
            yield x >> 6, x & 63


def load_index(codes: set[str], folder: Path | None = None) -> Index:
    import json

    import ahocorasick_rs

    folder = folder or data_dir("dictionaries") / "protected"
    data = json.loads((folder / ARTEFACT).read_text("utf-8"))
    numbered = tuple(Term(t, c, bool(s)) if c in codes else None for t, c, s in data["terms"])
    terms = {t.text: t for t in numbered if t is not None}
    patterns = data["patterns"]
    matcher = ahocorasick_rs.AhoCorasick(
        patterns, implementation=ahocorasick_rs.Implementation.NoncontiguousNFA) if patterns else None
    return Index(terms, data["known"], data["confusion"], matcher, data["targets"],
                 data["wild"], data["dele"], numbered)


def _near(idx: "Index", text: str, a: int, b: int, side: str, lengths: tuple[int, ...]
          ) -> Iterator[tuple[int, int, Term, str, int]]:
    """Spans one edit away from a term of one of ``lengths`` whose half is text[a:b]."""
    terms, wild, dele, confusion, numbered = idx.terms, idx.wild, idx.dele, idx.confusion, idx.numbered
    h = b - a
    for n in lengths:
        if side == "P":
            s, e = a, a + n
            lo, hi = h, n              # positions of the term that may be wrong
        else:
            s, e = b - n, b
            lo, hi = 0, n - h
        if s < 0 or e > len(text):
            continue
        w = text[s:e]
        if w in terms:
            continue
        for k in range(lo, hi):
            found = wild.get(w[:k] + "\0" + w[k + 1:])
            if found is not None:
                for ti, _ in _pairs(found):
                    t = numbered[ti]
                    if t is not None and (w[k] in confusion.get(t.text[k], "") or
                                          (t.strict and n >= 5 and 0 < k < n - 1)):
                        yield s, e, t, "sub", k
        for k in range(lo, hi - 1):
            t = terms.get(w[:k] + w[k + 1] + w[k] + w[k + 2:])
            if t is not None and len(t.text) == n:
                yield s, e, t, "swap", k
        if n >= 5:
            d = text[s:e - 1] if side == "P" else text[s + 1:e]
            ds = s if side == "P" else s + 1
            found = dele.get(d)
            if found is not None:
                for ti, j in _pairs(found):
                    t = numbered[ti]
                    if t is not None and lo <= j < hi:
                        yield ds, ds + n - 1, t, "del", j
        i = text[s:e + 1] if side == "P" else text[max(0, s - 1):e]
        if len(i) == n + 1:
            is_ = s if side == "P" else s - 1
            for j in range(max(1, lo), min(hi + 1, n)):
                t = terms.get(i[:j] + i[j + 1:])
                if t is not None:
                    yield is_, is_ + n + 1, t, "ins", j


def _is_cjk(s: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in s)


def _listed_wrong_forms(config: Config, rules: dict[str, Rule], enabled: set[str]) -> frozenset[str]:
    """Wrong forms the dictionary rules (T001, E...) already report: a span one of them covers is
    left to that rule, so an editor does not see 人民检查院 twice."""
    from .dictionary import load_entries

    codes = {c for c in enabled if rules[c].detector == "dictionary"}
    entries, _ = load_entries(config, codes)
    return frozenset(e.match for e in entries)


class NearMissDetector:
    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]):
        self._codes = {c for c in enabled if rules[c].detector == "nearmiss"}
        self._config, self._rules, self._enabled = config, rules, enabled
        self._listed: frozenset[str] | None = None
        allowed = set(config.allow)
        for path in config.allowlists:
            allowed.update(load_allowlist(path))
        self._allowed = frozenset(allowed)
        self._index: Index | None = None

    def index(self) -> Index:
        if self._index is None:
            self._index = load_index(self._codes)
        return self._index

    def detect(self, view: TextView, ctx: Context) -> Iterator[Hit]:
        if not self._codes:
            return
        idx = self.index()
        if idx.matcher is None:
            return
        text = view.text
        seen: set[tuple[int, int]] = set()
        taken_until = -1
        found = []
        n_text = len(text)
        for pi, a, b in _matches(idx.matcher, text):
            for target in idx.targets[pi]:
                kind = target[0]
                if kind == "V":
                    t = idx.numbered[target[1]]
                    if t is None:
                        continue
                    cands = ((a, b, t, target[2], target[3]),)
                else:
                    chars = target[2]
                    if kind == "P":
                        if not ((b < n_text and text[b] in chars) or (b + 1 < n_text and text[b + 1] in chars)):
                            continue
                    elif not ((a > 0 and text[a - 1] in chars) or (a > 1 and text[a - 2] in chars)):
                        continue
                    cands = _near(idx, text, a, b, kind, target[1])
                for cand in cands:
                    if (cand[0], cand[1]) not in seen and self._accept(idx, text, *cand):
                        seen.add((cand[0], cand[1]))
                        found.append(cand)
        if found:
            if self._listed is None:
                self._listed = _listed_wrong_forms(self._config, self._rules, self._enabled)
            listed = self._listed
            found = [c for c in found if not _listed_here(text, c[0], c[1], listed)]
        found.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        for s, e, t, op, j in found:
            if s < taken_until:
                continue
            taken_until = e
            yield Hit(t.code, s, e, suggestion=t.text,
                      note=f"与“{t.text}”只差一个字（{OP_TEXT[op]}）")

    def _accept(self, idx: Index, text: str, s: int, e: int, t: Term, op: str, j: int) -> bool:
        w = text[s:e]
        n = len(t.text)
        if not _is_cjk(w) or f"\n{w}\n" in idx.known or w in self._allowed:
            return False
        if op == "sub":
            wrong, right = w[j], t.text[j]
            if (wrong in NUMERAL or right in NUMERAL) and t.code != "T013":
                return False    # 第三次会议 / 第二次会议: another number, not a misspelling
            if not t.strict and (wrong in FUNCTION or right in FUNCTION):
                return False    # 全国各族人民的团结 / 全国各族人民大团结
            if wrong in LONE and (n == 2 or j in (0, n - 1)):
                return False    # 向镇人民政府, 驾驶人有: a word of its own beside the rest
            if wrong not in idx.confusion.get(right, "") and not (
                    t.strict and n >= 5 and 0 < j < n - 1):
                return False
        elif op == "del":
            if n < 5 or j == 0 or j == n - 1 or (not t.strict and t.text[j] in FUNCTION):
                return False    # 取得新进展 / 取得新的进展
            if (j == 1 and w[1:] in idx.terms) or (j == n - 2 and w[:-1] in idx.terms):
                return False    # 事发地人民政府 is 人民政府 after 事发地, not 地方人民政府
        elif op == "ins":
            doubled = w[j] in (w[j - 1], w[j + 1])
            if n < 4 or j == 0 or j == len(w) - 1 or (w[j] in FUNCTION and not doubled):
                return False    # 人民代表大会的常务委员会
            if not t.strict and not doubled:
                return False
        if self._allowed and any(a in text[max(0, s - 10):e + 10] and _overlaps(text, a, s, e)
                                 for a in self._allowed):
            return False
        before = text[s - 1] if s > 0 else ""
        # 小江镇政府: a changed first character after other text may belong to a name before it
        after_text = op == "sub" and j == 0 and not t.strict and t.code != "T013" and _is_cjk(before)
        if _in_title(text, s) and not t.strict:
            return False
        if op == "sub" and w[j] not in idx.confusion.get(t.text[j], ""):   # any character (a name)
            if w[j] in LONE:
                return False    # 诉中向人民法院 is not 中级人民法院
            if (j == 1 and w[2:] in idx.terms) or (j == n - 2 and w[:-2] in idx.terms):
                import rjieba

                if rjieba.has_word(w[:2] if j == 1 else w[-2:]):
                    return False    # 向中国人民法院: a word (中国) before a name (人民法院)
        return _segmentation_agrees(text, s, e, t, op, j, after_text)


def _matches(matcher, text: str) -> Iterator[tuple[int, int, int]]:
    """Overlapping matches, long texts in pieces cut at line breaks (no term holds one): a 20 MB
    text in one call would hold ~6 million match tuples and ahocorasick-rs's offset table at once."""
    pos, n = 0, len(text)
    while pos < n:
        cut = text.rfind("\n", pos, pos + CHUNK_CHARS) + 1 if pos + CHUNK_CHARS < n else n
        if cut <= pos:
            cut = n
        for pi, a, b in matcher.find_matches_as_indexes(text[pos:cut] if pos or cut < n else text,
                                                        overlapping=True):
            yield pi, a + pos, b + pos
        pos = cut


def _listed_here(text: str, s: int, e: int, listed: frozenset[str]) -> bool:
    """A listed wrong form overlaps text[s:e] (checked on the substrings around the span)."""
    lo, hi = max(0, s - 8), min(len(text), e + 8)
    for i in range(lo, e):
        for j in range(max(i + 2, s + 1), min(hi, i + 16) + 1):
            if text[i:j] in listed:
                return True
    return False


def _overlaps(text: str, word: str, s: int, e: int) -> bool:
    lo = max(0, s - len(word) + 1)
    i = text.find(word, lo, e + len(word) - 1)
    return i >= 0 and i < e and i + len(word) > s


def _in_title(text: str, s: int) -> bool:
    left = text.rfind("《", max(0, s - 60), s)
    return left >= 0 and text.find("》", left, s) < 0 and text.find("》", s, s + 60) >= 0


def _segmentation_agrees(text: str, s: int, e: int, t: Term, op: str, j: int,  # noqa: C901
                         after_text: bool = False) -> bool:
    """The candidate is a span of its own (it does not cut a real word of the sentence) and is
    not a word; outside the state and organ names, a substituted character must not make a real
    word of two or more characters (扫黑险恶 has 险恶: only a protected formulation decides)."""
    import rjieba

    w = text[s:e]
    n = len(t.text)
    if rjieba.has_word(w):
        return False
    lo, hi = max(0, s - CONTEXT), min(len(text), e + CONTEXT)
    for ch in _BREAKS:
        k = text.rfind(ch, lo, s)
        if k >= 0:
            lo = max(lo, k + 1)
        k = text.find(ch, e, hi)
        if k >= 0:
            hi = min(hi, k)
    bounds: set[int] = set()
    covering = None
    previous = ""
    for tok, ts, te in rjieba.tokenize(text[lo:hi], hmm=False):
        bounds.add(ts + lo)
        bounds.add(te + lo)
        if te + lo == s:
            previous = tok
        if op == "sub" and ts + lo <= s + j < te + lo:
            covering = tok
    agrees = None
    if s not in bounds or e not in bounds:
        agrees = _correction_agrees(text, s, e, t, lo, hi)
        if not agrees:
            return False    # 最高人民法院 holds 高人民法院; 执政服务 holds 政服
    if n == 2 and op == "sub" and j == 0 and rjieba.has_word(text[s + 1:e + 1]):
        return False        # 区域内大数据 is not 人大: its 大 belongs to 大数(据)
    if after_text and rjieba.has_word(text[s - 1:s + 1]):
        return False        # 小江镇政府 is not 乡镇政府 (江 may end a name: 小江)
    if n == 2 or op == "del" or after_text:
        # jieba with its HMM joins unknown neighbours into words (事发地, 驾驶人): a candidate that
        # cuts such a word is a remainder of it, not a misspelt term
        hmm = {x for _, ts, te in rjieba.tokenize(text[lo:hi], hmm=True) for x in (ts + lo, te + lo)}
        if (s not in hmm or e not in hmm) and not ((
                agrees if agrees is not None else _correction_agrees(text, s, e, t, lo, hi))):
            return False
    if n == 2 and previous and _is_cjk(previous) and previous not in LEVELS | LONE and len(previous) < 2:
        return False        # 市卫健委: after a lone character (卫) a 2-character name may be part of
                            # an abbreviation jieba does not know; after a word (数字政复) or a level it is not
    if (op == "sub" and not t.strict and covering and len(covering) >= 2 and covering not in t.text
            and (n < 6 or j in (0, n - 1) or not (
                agrees if agrees is not None else _correction_agrees(text, s, e, t, lo, hi)))):
        return False        # 扫黑险恶 (险恶) is reported only because 扫黑除恶 is a strict term; in a
                            # longer phrase (国有大众型企业) the rest of it decides, but not at its
                            # edge (下级人民政府 is not 上级人民政府)
    if op in ("del", "sub") and (op == "del" or (not t.strict and t.code in EDGE_SHY and j in (0, n - 1))):
        # the term's own word at the changed character: a dropped character must break a word
        # that is not a word without it (走有中国特色 → 走中国特色: 有 stands alone; 加大对中西部 →
        # 加大对西部: 西部 is a word), and a changed first or last character of a phrase must
        # belong to a longer word (市人民政府 → 县人民政府, 社会保障法 → 社会保障是: they do not)
        word, k = next(((tok, ts) for tok, ts, te in rjieba.tokenize(t.text, hmm=False) if ts <= j < te),
                       ("", 0))
        if word == t.text and n > 4:    # a name that is one jieba word: its parts (海关 in …海关)
            parts = [(te - ts, tok, ts) for tok, ts, te in rjieba.tokenize(t.text, mode="search", hmm=False)
                     if ts <= j < te and 2 <= te - ts < n]
            if parts:
                _, word, k = min(parts)
        if len(word) < 2:
            return False
        if op == "del":
            rest = word[:j - k] + word[j - k + 1:]
            if len(rest) >= 2 and rjieba.has_word(rest):
                return False
            if len(rest) == 1 and ((k == 0 and rjieba.has_word(text[max(0, s - 1):s + 1])) or
                                   (k + len(word) == n and rjieba.has_word(text[e - 1:e + 1]))):
                return False    # 事发地人民政府 (地方人民政府), 中华人民共和国关境 (海关): a lone
                                # character left at the edge makes a word with the text beside it
    if op == "ins":
        left, right = rjieba.cut(w[:j], hmm=False), rjieba.cut(w[j + 1:], hmm=False)
        if left and right and len(left[-1]) >= 2 and len(right[0]) >= 2:
            return False    # 人民对政府: a word put between two words of 人民政府, not a typo in it
    if op == "swap" or (op != "sub" and (t.strict or t.code in EDGE_SHY)):
        inner = [tok for tok, ts, te in rjieba.tokenize(w, hmm=False)]
        if all(len(tok) >= 2 for tok in inner):
            return False    # 中国现代化, 放开市场: real words put together, not a misspelling
    return True


def _singles(tokens) -> int:
    return sum(1 for tok, _, _ in tokens if len(tok) == 1 and "\u4e00" <= tok <= "\u9fff")


def _correction_agrees(text: str, s: int, e: int, t: Term, lo: int, hi: int) -> bool:
    """The sentence reads better with the term put back (政辅有关部门, 市民人政府): with the term,
    no word crosses its edges (a word may hold all of it: 市政府), and the words around have
    fewer lone characters than without it."""
    import rjieba

    fixed = text[lo:s] + t.text + text[e:hi]
    a, b = s - lo, s - lo + len(t.text)
    toks = rjieba.tokenize(fixed, hmm=False)
    if any(ts < a < te or ts < b < te for _, ts, te in toks if not (ts <= a and b <= te)):
        return False
    return _singles(rjieba.tokenize(text[lo:hi], hmm=False)) > _singles(toks)
