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

import re
from pathlib import Path
from functools import cached_property
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
NAME_END = set("城市县区镇村乡省州盟旗局厅委办院所站园港湾岛山湖河街路")   # last characters of names
NUMERAL = set("〇零一二三四五六七八九十百千万亿两")   # left out of a phrase, these change the wording, not the spelling
# single-character words that start or end a phrase of their own: 向镇人民政府 is not 乡镇人民政府
LONE = FUNCTION | set("向在对从由把被给为于以同跟是有又也都就将能会可应须要得等其不没很再才已所此")
# person names (issue 11 item 5): the 100 most common surnames and the compound surnames of the
# 百家姓 (a public-domain classical list); a short span right after one, next to a title or role,
# is a name (欧阳政夫同志, 市长周正府), not a misspelt 政府
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
               "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
               "严覃武戴莫孔向汤")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "令狐", "夏侯", "端木", "独孤", "南宫", "西门", "呼延", "轩辕", "澹台", "公冶", "申屠", "太史",
                     "闻人", "万俟", "百里")
_ROLE_AFTER = re.compile(r"同志|书记|主任|局长|县长|市长|区长|乡长|镇长|村长|主席|委员|厅长|部长|处长|科长|经理|"
                         r"董事|先生|女士|老师|教授|校长|院长|所长|队长|组长|站长|等同志|讲话|发言|主持|指出|强调|表示")
_ROLE_BEFORE = re.compile(r"(书记|主任|局长|县长|市长|区长|乡长|镇长|村长|主席|委员|厅长|部长|处长|科长|经理|"
                          r"董事长|校长|院长|所长|队长|组长|站长|同志|代表|居民|村民|联系人|负责人)[：:]?$")
OP_TEXT = {"sub": "错字", "del": "漏字", "ins": "多字", "swap": "字序颠倒"}


class Term(NamedTuple):     # immutable; made on demand (the index keeps term texts in one list)
    text: str
    code: str
    strict: bool       # hand-written state/organ names and key formulations


class Index:
    """The expanded lexicons, loaded from one marshal file of a few long strings (near-index.bin):
    splitting them is a few milliseconds where parsing 3.3 MB of JSON lists took ~80 ms. Per-pattern
    targets and term objects are decoded when a text first needs them."""

    def __init__(self, packed: dict, codes: set[str]):
        texts = packed["terms"].split("\n")
        self._texts, self._codes, self._strict = texts, packed["codes"], packed["strict"]
        self._on = {i for i, c in enumerate(CODES) if c in codes}
        self._number = dict(zip(texts, range(len(texts))))
        self._made: dict[int, Term | None] = {}
        self._packed = packed
        self._targets = packed["targets"].split("\n")
        self._decoded: dict[int, list] = {}
        patterns = packed["patterns"].split("\n") if packed["patterns"] else []
        self.matcher = _automaton(patterns) if patterns else None

    # built when first needed: the exact anchor filters leave most pages without a single
    # comparison, and these 60k keys are most of the load time left after the automaton
    @cached_property
    def known(self) -> frozenset[str]:
        return frozenset(self._packed["known"].split("\n"))

    @cached_property
    def confusion(self) -> dict[str, str]:
        return dict(zip(self._packed["confusion_keys"], self._packed["confusion"].split("\n")))

    @cached_property
    def wild(self) -> dict[str, str]:    # a term with one character replaced by \0 → "number * 64 + position,..."
        return dict(zip(self._packed["wild_keys"].split("\n"), self._packed["wild"].split("\n")))

    @cached_property
    def dele(self) -> dict[str, str]:    # a term with one interior character left out → the same
        return dict(zip(self._packed["dele_keys"].split("\n"), self._packed["dele"].split("\n")))

    def numbered(self, i: int) -> Term | None:
        """Term number ``i`` (None: its rule is off)."""
        t = self._made.get(i, 0)
        if t == 0:
            code = int(self._codes[i])
            t = Term(self._texts[i], CODES[code], self._strict[i] == "1") if code in self._on else None
            self._made[i] = t
        return t

    def term(self, text: str) -> Term | None:
        i = self._number.get(text)
        return None if i is None else self.numbered(i)

    @property
    def terms(self) -> dict[str, Term]:
        """Every term of the enabled rules (for the evaluation script; the detector looks up)."""
        return {t.text: t for t in map(self.numbered, range(len(self._texts))) if t is not None}

    def targets(self, pi: int) -> list:
        """Pattern ``pi``'s targets: ["P"|"S", term length, chars, ends] halves, ["V", term number, op, j]."""
        got = self._decoded.get(pi)
        if got is None:
            got = self._decoded[pi] = [_target(x) for x in self._targets[pi].split(";")]
        return got


def _target(field: str) -> list:
    kind, *parts = field.split(":")
    if kind == "V":
        return ["V", int(parts[0]), parts[1], int(parts[2])]
    return [kind, int(parts[0]), parts[1], parts[2]]


def _automaton(patterns: list[str]):
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(patterns, implementation=ahocorasick_rs.Implementation.NoncontiguousNFA)


ARTEFACT = "near-index.bin"


def _rows(path: Path) -> Iterator[list[str]]:
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def index_data(folder: Path) -> dict:
    """Everything the detector needs but the automaton, from the lexicon files (scripts/
    build_protected.py packs it into near-index.bin: parsing and expanding the
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
    halves: dict[tuple[str, str, int], tuple[set[str], set[str]]] = {}
    wild: dict[str, list[int]] = {}
    dele: dict[str, list[int]] = {}
    for i, (w, code, strict) in enumerate(terms):
        n = len(w)
        if n >= 4:
            m = n // 2
            # per half and term length: the characters that must be found just beyond the half
            # and at the far end of the span whatever the one edit is (see _far_end)
            chars, ends = halves.setdefault((w[:m], "P", n), (set(), set()))
            chars.update(w[m:m + 2])
            ends.update(w[-2:])
            chars, ends = halves.setdefault((w[m:], "S", n), (set(), set()))
            chars.update(w[max(0, m - 2):m])
            ends.update(w[:2])
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
    for (half, side, n), (chars, ends) in sorted(halves.items()):
        targets.setdefault(half, []).append([side, n, "".join(sorted(chars)), "".join(sorted(ends))])
    patterns = sorted(targets)
    return {"terms": terms, "known": "\n" + "\n".join(sorted(known)) + "\n", "confusion": confusion,
            "patterns": patterns, "targets": [targets[p] for p in patterns],
            "wild": _packed(wild), "dele": _packed(dele)}


def _packed(table: dict[str, list[int]]) -> dict[str, int | list[int]]:
    """[term number, position, ...] lists as one int (number * 64 + position) where there is
    one pair (almost always): a third of the objects to load."""
    return {k: v[0] * 64 + v[1] if len(v) == 2 else [a * 64 + b for a, b in zip(v[::2], v[1::2])]
            for k, v in sorted(table.items())}


def _pairs(value: str) -> Iterator[tuple[int, int]]:
    for x in value.split(","):
        x = int(x)
        yield x >> 6, x & 63


def pack(data: dict) -> dict:
    """index_data's result as a few long strings (near-index.bin, written with marshal)."""
    terms, patterns = data["terms"], data["patterns"]
    for t, _, _ in terms:
        assert not set(t) & set(":;,\n"), t
    encoded = []
    for targets in data["targets"]:
        fields = []
        for x in targets:
            if x[0] == "V":
                fields.append(f"V:{x[1]}:{x[2]}:{x[3]}")
            else:
                fields.append(f"{x[0]}:{x[1]}:{x[2]}:{x[3]}")
        encoded.append(";".join(fields))

    def ints(v: int | list[int]) -> str:
        return str(v) if isinstance(v, int) else ",".join(map(str, v))

    conf = data["confusion"]
    assert all(len(k) == 1 for k in conf)
    return {"format": 1, "terms": "\n".join(t for t, _, _ in terms),
            "codes": "".join(str(CODES.index(c)) for _, c, _ in terms),
            "strict": "".join("1" if x else "0" for _, _, x in terms),
            "known": data["known"].strip("\n"),
            "confusion_keys": "".join(conf), "confusion": "\n".join(conf.values()),
            "wild_keys": "\n".join(data["wild"]), "wild": "\n".join(map(ints, data["wild"].values())),
            "dele_keys": "\n".join(data["dele"]), "dele": "\n".join(map(ints, data["dele"].values())),
            "patterns": "\n".join(patterns), "targets": "\n".join(encoded)}


def load_index(codes: set[str], folder: Path | None = None) -> Index:
    import marshal

    folder = folder or data_dir("dictionaries") / "protected"
    return Index(marshal.loads((folder / ARTEFACT).read_bytes()), codes)


def _near(idx: "Index", text: str, a: int, b: int, side: str, n: int) -> Iterator[tuple[int, int, Term, str, int]]:
    """Spans one edit away from a term of ``n`` characters whose half is text[a:b]."""
    number, term, wild, dele, confusion, numbered = (idx._number, idx.term, idx.wild, idx.dele, idx.confusion,
                                                     idx.numbered)
    h = b - a
    if side == "P":
        s, e = a, a + n
        lo, hi = h, n              # positions of the term that may be wrong
    else:
        s, e = b - n, b
        lo, hi = 0, n - h
    if s < 0 or e > len(text):
        return
    w = text[s:e]
    if w in number:
        return
    for k in range(lo, hi):
        found = wild.get(w[:k] + "\0" + w[k + 1:])
        if found is not None:
            for ti, _ in _pairs(found):
                t = numbered(ti)
                if t is not None and (w[k] in confusion.get(t.text[k], "") or
                                      (t.strict and n >= 5 and 0 < k < n - 1)):
                    yield s, e, t, "sub", k
    for k in range(lo, hi - 1):
        t = term(w[:k] + w[k + 1] + w[k] + w[k + 2:])
        if t is not None and len(t.text) == n:
            yield s, e, t, "swap", k
    if n >= 5:
        d = text[s:e - 1] if side == "P" else text[s + 1:e]
        ds = s if side == "P" else s + 1
        found = dele.get(d)
        if found is not None:
            for ti, j in _pairs(found):
                t = numbered(ti)
                if t is not None and lo <= j < hi:
                    yield ds, ds + n - 1, t, "del", j
    i = text[s:e + 1] if side == "P" else text[max(0, s - 1):e]
    if len(i) == n + 1:
        is_ = s if side == "P" else s - 1
        for j in range(max(1, lo), min(hi + 1, n)):
            t = term(i[:j] + i[j + 1:])
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
        decoded, targets, number = idx._decoded, idx.targets, idx._number
        for pos, matches in _matches(idx.matcher, text):
            for pi, a, b in matches:   # one loop over a piece's matches, no generator per match
                if pos:
                    a, b = a + pos, b + pos
                for target in decoded.get(pi) or targets(pi):
                    kind = target[0]
                    if kind == "V":
                        t = idx.numbered(target[1])
                        if t is None:
                            continue
                        cands = ((a, b, t, target[2], target[3]),)
                    else:
                        n, chars, ends = target[1], target[2], target[3]
                        if kind == "P":     # exact filters (see index_data): the character after the
                            e = a + n       # half and one near the far end must be the term's
                            if not ((b < n_text and text[b] in chars) or (b + 1 < n_text and text[b + 1] in chars)):
                                continue
                            if not (text[e - 2:e + 1] and any(c in ends for c in text[e - 2:e + 1])):
                                continue
                            if text[a:e] in number:
                                continue    # the term itself (most anchors that pass)
                        else:
                            s = b - n
                            if s < 0 or not ((a > 0 and text[a - 1] in chars) or (a > 1 and text[a - 2] in chars)):
                                continue
                            if not any(c in ends for c in text[max(0, s - 1):s + 2]):
                                continue
                            if text[s:b] in number:
                                continue
                        cands = _near(idx, text, a, b, kind, n)
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
        if not _is_cjk(w) or w in idx.known or w in self._allowed:
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
            if (j == 1 and idx.term(w[1:])) or (j == n - 2 and idx.term(w[:-1])):
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
        if n <= 3 and _person_name(text, s, e):
            return False    # 欧阳政夫同志, 市长周正府: a person's name
        if op == "sub" and j == len(w) - 1 and n <= 3 and w[j] in SURNAMES and _GIVEN_NAME.match(text, e) \
                and _ends_a_word(text, s):
            return False    # 申请人戴勇，: 申请人, then a surname and a given name (not 县人戴反映)
        if _DOC_NO_AFTER.match(text, e):
            return False    # 深圳府办字〔2024〕134号: an issuer's abbreviation in a document number
        if _in_title(text, s) and not t.strict:
            return False
        if op == "sub" and w[j] not in idx.confusion.get(t.text[j], ""):   # any character (a name)
            if w[j] in LONE:
                return False    # 诉中向人民法院 is not 中级人民法院
            if (j == 1 and idx.term(w[2:])) or (j == n - 2 and idx.term(w[:-2])):
                import rjieba

                if rjieba.has_word(w[:2] if j == 1 else w[-2:]):
                    return False    # 向中国人民法院: a word (中国) before a name (人民法院)
        return _segmentation_agrees(text, s, e, t, op, j, after_text)


# after a span: one or two more characters of a given name, then the name ends (戴勇，)
_GIVEN_NAME = re.compile(r"[\u4e00-\u9fff]{1,2}(?![\u4e00-\u9fff])")
# after a span: the rest of a document number's issuer abbreviation and its year (府办字〔2024〕)
_DOC_NO_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}[〔［\[]\d{4}[〕］\]]")


def _ends_a_word(text: str, s: int) -> bool:
    """text[s] ends a word that starts one or two characters before it (申请人, 负责人)."""
    import rjieba

    return any(s >= k and _is_cjk(text[s - k:s + 1]) and rjieba.has_word(text[s - k:s + 1]) for k in (2, 1))


def _person_name(text: str, s: int, e: int) -> bool:
    """text[s:e] is a person's given name: it follows a surname, and a title or role word is just
    after it or just before the surname."""
    if text[max(0, s - 2):s] in COMPOUND_SURNAMES:
        first = s - 2
    elif s > 0 and text[s - 1] in SURNAMES:
        first = s - 1
    else:                   # (a span starting with a surname is too often a wrong first character: 丁协委员)
        return False
    return bool(_ROLE_AFTER.match(text, e) or _ROLE_BEFORE.search(text, max(0, first - 5), first))


def _matches(matcher, text: str) -> Iterator[tuple[int, list[tuple[int, int, int]]]]:
    """(offset, overlapping matches in the piece at that offset): long texts in pieces cut at line
    breaks (no term holds one): a 20 MB text in one call would hold ~6 million match tuples and
    ahocorasick-rs's offset table at once."""
    pos, n = 0, len(text)
    while pos < n:
        cut = text.rfind("\n", pos, pos + CHUNK_CHARS) + 1 if pos + CHUNK_CHARS < n else n
        if cut <= pos:
            cut = n
        yield pos, matcher.find_matches_as_indexes(text[pos:cut] if pos or cut < n else text, overlapping=True)
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
            if len(rest) == 1 and k == 0 and (
                    text[s] in NAME_END or any(rjieba.has_word(x) for x in (
                        text[max(0, s - 1):s + 1], text[s:s + 3]))):
                return False    # 事发地人民政府 (地方人民政府): a lone character left at the edge makes a
                                # word with the text beside it; 生态城总体规划: it ends a name
            if len(rest) == 1 and k + len(word) == n and any(rjieba.has_word(x) for x in (
                    text[e - 1:e + 1], text[max(0, e - 3):e])):
                return False    # 中华人民共和国关境 (海关), 社会保障金 (社会保障基金): the same at the end
    if op == "ins":
        left, right = rjieba.cut(w[:j], hmm=False), rjieba.cut(w[j + 1:], hmm=False)
        if left and right and len(left[-1]) >= 2 and len(right[0]) >= 2:
            return False    # 人民对政府: a word put between two words of 人民政府, not a typo in it
    if op == "swap" or (op != "sub" and (t.strict or t.code in EDGE_SHY)):
        inner = [tok for tok, ts, te in rjieba.tokenize(w, hmm=False)]
        if all(len(tok) >= 2 for tok in inner) and (
                op != "swap" or n < 6 or (rjieba.has_word(w[j:j + 2]) and rjieba.has_word(t.text[j:j + 2]))):
            return False    # 中国现代化, 放开市场: real words put together, not a misspelling; in a
                            # longer phrase two swapped characters are wrong (监管督理部门) unless both
                            # orders are words (利用外国资金 / 利用国外资金)
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
