"""The statistical context check for misspelt words nobody listed (T020).

One vectorised pass finds the candidate positions: every pair of adjacent Chinese characters is
tested against a bitset of the bigrams of the official corpus; a character of a pair the corpus
never or hardly ever shows is a candidate. A second vectorised pass (:func:`windows`) searches the
masked-word index for every window of 2-4 characters around a candidate and keeps the filling
characters that are sound or shape neighbours of the written one; a third (:func:`known_spans`)
finds the known words near the candidates. Python runs only on windows with an alternative: it is
reported when the window is not itself a word, the character bigram model of official-document
Chinese makes the corrected text much more probable (score = log-likelihood gain + a bonus for a
frequent word) and no guard applies (:func:`_guarded`): proper names (place names, name suffixes,
surname + given name before a title), document numbers (文号), quoted titles (《》), deliberate
patterns (应公开尽公开, 外链暗链, 拴养和圈养, 暨 between two meeting names, a term the text repeats
in new contexts), short labels in quotes or brackets, allowed words, wrong forms the dictionary
rules list.

``typo-level`` (config or ``--typo-level``): ``normal`` (default), ``strict`` (lower threshold,
more findings) or ``off`` (the model is never loaded).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Iterator

from ..config import Config
from ..dictionary import load_allowlist
from ..model import Hit
from ..rules import Rule
from ..textview import Context, TextView

RULE = "T020"
LEVELS = ("strict", "normal", "off")
# score thresholds (natural-log likelihood gain + word bonus), tuned on the tuning half of odw.train
THRESHOLD = {"normal": 5.0, "strict": 3.0}
ERROR_SCORE = 1e9          # never: the statistical check reports warnings only (see docs)
WORD_WEIGHT = 0.5          # weight of log10(word frequency) in the score
MAX_WINDOW = 4
NAME_OVERRIDE = 15.0       # a score this high overrides the name-suffix guard (管里科 -> 管理科)
STANDALONE_COUNT = 10000   # a character this frequent may stand alone before or after a word
COVER_FREQ = 20000           # a character inside a word this frequent (outside the window) is kept

_ROLE = re.compile(r"(同志|书记|主任|局长|县长|市长|区长|乡长|镇长|村长|主席|委员|副|厅长|部长|处长|科长|"
                   r"经理|董事|先生|女士|老师|教授|校长|院长|所长|队长|组长|站长|等同志|：|:)")
_ROLE_BEFORE = re.compile(r"(书记|主任|局长|县长|市长|区长|乡长|镇长|村长|主席|委员|厅长|部长|处长|科长|经理|"
                          r"董事长|校长|院长|所长|队长|组长|站长|同志|代表|居民|村民)$")
_NUMERALS = "〇一二三四五六七八九十百千万两"
QUOTED_MAX = 10            # a span in “” this short is a name or a coinage, left alone
# a name's suffix: of places and enterprises (checked two characters on), of bodies (the next one)
_PLACE_SUFFIX = re.compile(r"(村|乡|镇|县|区|旗|街道|社区|居委|嘎查|苏木|公司|集团|厂|店|路|街|巷|湾|岭|坪|沟|寨|"
                           r"屯|庄|桥|湖|河|江|山|塘)")
_BODY_SUFFIX = "局委厅处科室院所站队"
_DIVISION_ONLY = re.compile(r"(村|乡|镇|县|旗|街道|社区|嘎查|苏木)")   # 锁营村: also one character on
_DOC_NO = re.compile(r"[〔［\[(（]\s*\d{4}\s*[〕］\])）]|\d+号")
# 暨 joins two names of meetings, events or bodies (调度会暨业务培训会, 庆祝大会暨表彰大会): a connector
_JOINED = re.compile(r"暨[\u4e00-\u9fff]{0,20}?(会|议|式|典礼|活动|仪式|论坛|节|赛|展|班|周年|成立|揭牌|启动)")
_DIVISION_SUFFIX = "省市县区乡镇村旗州盟"
_JOIN = "和与及、或"
_SHORT_SPANS = (("“", "”"), ("（", "）"), ("(", ")"))


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def candidate_positions(model, text: str):
    """Positions of characters in a rare (or unseen) bigram of two Chinese characters."""
    import numpy as np

    if len(text) < 2:
        return np.empty(0, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    cjk = (codes >= 0x4E00) & (codes <= 0x9FFF)
    pairs = np.flatnonzero(cjk[:-1] & cjk[1:])
    if not len(pairs):
        return pairs
    idx = model.table[np.minimum(codes, 65535)]
    keys = (idx[pairs].astype(np.uint32) << 13) | idx[pairs + 1]
    frequent = (model.frequent[keys >> 3] >> (keys & 7).astype(np.uint8)) & 1
    rare = pairs[frequent == 0]           # index 0 (a character the model lacks) is never set
    return np.unique(np.concatenate([rare, rare + 1]))


def _score(model, text: str, p: int, alt: str, word: str) -> float:
    """Log-likelihood gain of writing ``alt`` at ``p`` under the bigram model, plus the word bonus."""
    orig = text[p]
    prev = text[p - 1] if p > 0 and _is_cjk(text[p - 1]) else ""
    nxt = text[p + 1] if p + 1 < len(text) and _is_cjk(text[p + 1]) else ""
    gain = model.logp(prev, alt) - model.logp(prev, orig)
    if nxt:
        gain += model.logp(alt, nxt) - model.logp(orig, nxt)
    return gain + WORD_WEIGHT * math.log10(max(model.words.get(word, 1), 1))


def _patterned(text: str, p: int) -> bool:
    """The written character sits in a deliberate pattern, not a slip of the input method:
    between two copies of the same 1-3 characters (应公开尽公开, 应收尽收, 能减尽减), in a
    parallel pair sharing it two characters away (外链暗链), or it modifies the same head as the
    compound it is joined to (拴养和圈养)."""
    n = len(text)
    for k in (1, 2, 3):
        if p - k >= 0 and p + 1 + k <= n and text[p - k:p] == text[p + 1:p + 1 + k] \
                and all(_is_cjk(c) for c in text[p - k:p]):
            return True
    ch = text[p]
    if (p + 2 < n and text[p + 2] == ch and _is_cjk(text[p + 1])) or \
            (p >= 2 and text[p - 2] == ch and _is_cjk(text[p - 1])):
        return True
    # two compounds sharing their head, joined: 拴养和圈养, 乱拆、乱建 (the written one is a modifier)
    head = text[p + 1:p + 2]
    return bool(head) and _is_cjk(head) and (
        (text[p + 2:p + 3] in _JOIN and text[p + 4:p + 5] == head)
        or (p >= 3 and text[p - 2:p - 1] in _JOIN and text[p - 3:p - 2] == head))


REPEAT_REACH = 30_000   # characters either side searched for the same pair


def _repeated_term(text: str, p: int) -> bool:
    """The written pair at ``p`` recurs in the text before different characters (错敏信息 ...
    错敏词): a term the writer uses on purpose, not a slip of the input method, which rarely repeats
    itself in a new context."""
    for a in (p - 1, p):
        pair = text[a:a + 2]
        if a < 0 or len(pair) < 2 or not (_is_cjk(pair[0]) and _is_cjk(pair[1])):
            continue
        # within the surrounding REPEAT_REACH characters (a report, not a whole 20 MB compilation:
        # searching all of a long text for every correction would be quadratic)
        lo, hi = max(0, a - REPEAT_REACH), a + REPEAT_REACH
        follows = set()
        i = text.find(pair, lo, hi)
        while i >= 0 and len(follows) < 2:
            follows.add(text[i + 2:i + 3])
            i = text.find(pair, i + 1, hi)
        if len(follows) >= 2:
            return True
    return False


def _guarded(model, text: str, p: int, s: int, e: int, allowed: frozenset[str],
             score: float = 0.0) -> str | bool:
    """Why the finding at ``p`` (window [s, e), ``score``) is left alone, as a short label
    ("name", "suffix", "pattern", ...), or False. Proper names, document numbers, quoted titles,
    deliberate patterns and allowed words are left alone; a score of at least NAME_OVERRIDE is
    reported although a name suffix follows (管里科)."""
    n = len(text)
    if _patterned(text, p):
        return "pattern"
    if text[p] == "暨" and _JOINED.match(text, p):
        return "joined"                                # 调度会暨业务培训会: 暨 joins two names
    for i in range(max(0, s - 6), e):              # a place or other name overlapping the window
        for j in range(max(s + 1, i + 2), min(n, i + 8) + 1):
            if text[i:j] in model.names or text[i:j] in allowed:
                return "name"
    if e - s <= 3 and score < NAME_OVERRIDE and (_PLACE_SUFFIX.match(text[e:e + 3]) or text[e:e + 1] in _BODY_SUFFIX
                       or (_DIVISION_ONLY.match(text[e + 1:e + 3]) and _is_cjk(text[e]))
                       or (p < e - 1 and text[e - 1] in _DIVISION_SUFFIX)
                       or (p == e - 1 and text[p] in _BODY_SUFFIX + _DIVISION_SUFFIX
                           and not _is_cjk(text[p + 1:p + 2] or "a"))):
        return "suffix"      # 马荃镇, 扶贫开发局, 省工信厅, 新旅局: a name before or ending in its suffix
    if text[p] in _DIVISION_SUFFIX and text[p + 1:p + 2] == "直":
        return "suffix"      # 县直单位, 市直机关: the division's own bodies
    if _listed_name(model, text, p, s, e):
        return "person"      # 申请人严英玉，/ 经审核，罗宇（身份证号码…: a name in a 公示 list
    for q in (p - 1, p - 2):                       # surname + given name (+ title)
        if q >= 0 and text[q] in model.surnames and (_ROLE.match(text[q + 2:q + 5])
                                                    or _ROLE.match(text[q + 3:q + 6])):
            return "surname-role"
    if _ROLE.match(text[p + 1:p + 4]) and p >= 1 and text[p - 1] in model.surnames:
        return "role-after"
    for q in (p - 1, p - 2):                       # title + surname + given name: 市长李克坚
        if q >= 0 and text[q] in model.surnames and _ROLE_BEFORE.search(text[max(0, q - 4):q]):
            return "role-before"
    for left, right in _SHORT_SPANS:   # a short coinage in quotes (“三字诀”), a label in brackets
        opened = text.rfind(left, max(0, p - QUOTED_MAX), p)          # (快手短视频), （镇）
        if opened >= 0 and text.rfind(right, opened, p) < 0 and right in text[p:opened + QUOTED_MAX + 2]:
            return "quoted"
    if _repeated_term(text, p):
        return "repeated"
    near = text[max(0, p - 12):p + 12]
    if _DOC_NO.search(near):
        return "docno"
    opened = text.rfind("《", max(0, p - 60), p)
    if opened >= 0 and text.rfind("》", opened, p) < 0:
        return "title"
    return False


# what stands before a name in a 公示 or a list: 申请人, 联系人, 工作人员, 志愿者 ...
_NAME_HOLDER = ("人", "员", "者", "户主", "姓名", "同志")


def _listed_name(model, text: str, p: int, s: int, e: int) -> bool:
    """The window lies in a person's name that ends a run of Chinese characters (申请人严英玉，,
    经审核，罗宇（身份证号码: a surname and one or two more characters, after nothing but
    punctuation or a word for a person such as 申请人)."""
    a = p
    while a > 0 and p - a < 12 and _is_cjk(text[a - 1]):
        a -= 1
    b = p + 1
    while b < len(text) and b - p < 12 and _is_cjk(text[b]):
        b += 1
    if e > b:
        return False
    for q in range(max(a, b - 3), b - 1):          # a name of 2-3 characters: text[q:b]
        if s >= q and text[q] in model.surnames and (q == a or text[a:q].endswith(_NAME_HOLDER)):
            return True
    return False


def _covered(spans: dict[tuple[int, int], int], p: int, s: int, e: int) -> bool:
    """``p`` belongs to a frequent word of the text that reaches outside the window [s, e):
    the written character is explained (我县已 is not 我现已)."""
    for size in range(2, MAX_WINDOW + 1):
        for a in range(p - size + 1, p + 1):
            if (a < s or a + size > e) and spans.get((a, size), 0) >= COVER_FREQ:
                return True
    return False


def _steals(spans: dict[tuple[int, int], int], p: int, s: int, e: int) -> bool:
    """A character of the window (other than ``p``) belongs to a known word of the text that
    reaches outside the window: the correction would break that word (串联起 -> 联系)."""
    for q in range(s, e):
        if q == p:
            continue
        for size in range(2, MAX_WINDOW + 1):
            for a in range(q - size + 1, q + 1):
                if (a < s or a + size > e) and (a, size) in spans:
                    return True
    return False


def _starts_word(spans: dict[tuple[int, int], int], p: int) -> bool:
    return any((p, size) in spans for size in range(2, MAX_WINDOW + 1))


def _codes(model, text: str):
    """The character index of every character of ``text`` (0: not modelled), as uint64."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    idx = model.table[np.minimum(codes, 65535)].astype(np.uint64)
    idx[codes > 65535] = 0
    return idx


SPAN_REACH = 2 * MAX_WINDOW - 2     # words that matter start within this many characters of p


def known_spans(model, idx, positions) -> dict[tuple[int, int], int]:
    """Every known word of the text near ``positions``: ``{(start, size): frequency}`` (frequency
    0: a word that may be written but is never suggested). One vectorised binary search."""
    import numpy as np

    n = len(idx)
    p_arr = np.asarray(positions, dtype=np.int64)
    if not len(p_arr) or n < 2:
        return {}
    starts = np.unique((p_arr[:, None] + np.arange(-SPAN_REACH, SPAN_REACH + 1)[None, :]).ravel())
    starts = starts[(starts >= 0) & (starts < n - 1)]
    out: dict[tuple[int, int], int] = {}
    for size in range(2, MAX_WINDOW + 1):
        a = starts[starts + size <= n]
        key = np.zeros(len(a), dtype=np.uint64)
        ok = np.ones(len(a), dtype=bool)
        for j in range(size):
            v = idx[a + j]
            ok &= v > 0
            key |= v << np.uint64(48 - 16 * j)
        a, key = a[ok], key[ok]
        at = np.minimum(np.searchsorted(model.word_keys, key), len(model.word_keys) - 1)
        hit = np.flatnonzero(model.word_keys[at] == key)
        out.update(((x, size), f) for x, f in zip(a[hit].tolist(), model.word_freq[at[hit]].tolist()))
    return out


# the windows around a candidate: (size, offset of the candidate in it), smallest first
_COMBOS = [(size, off) for size in range(2, MAX_WINDOW + 1) for off in range(size - 1, -1, -1)]


def windows(model, text: str, positions, idx=None) -> dict[int, list[tuple[int, int, str]]]:
    """For each position, the windows of 2-4 characters around it that one sound or shape neighbour
    of the written character turns into a known word: ``{p: [(start, end, alternatives)]}``.

    One vectorised pass: the masked key of every window (the written character replaced by "?")
    is searched in the masked-word index, each filling character in the confusion pairs."""
    import numpy as np

    from .model import MASK

    p_arr = np.asarray(positions, dtype=np.int64)
    if not len(p_arr):
        return {}
    idx = _codes(model, text) if idx is None else idx
    n = len(idx)
    size = np.array([c[0] for c in _COMBOS], dtype=np.int64)
    off = np.array([c[1] for c in _COMBOS], dtype=np.int64)
    start = p_arr[:, None] - off[None, :]                        # |P| x combos
    ok = (start >= 0) & (start + size[None, :] <= n)
    key = np.zeros(start.shape, dtype=np.uint64)
    for j in range(MAX_WINDOW):
        inside = j < size[None, :]
        at = np.clip(start + j, 0, n - 1)
        v = idx[at]
        ok &= ~inside | (v > 0)
        v = np.where(j == off[None, :], np.uint64(MASK), v)
        key |= np.where(inside, v, np.uint64(0)) << np.uint64(48 - 16 * j)
    rows = np.flatnonzero(ok.ravel())
    key = key.ravel()[rows]
    found = np.searchsorted(model.masked_keys, key)
    found = np.minimum(found, len(model.masked_keys) - 1)
    hit = model.masked_keys[found] == key
    rows, found = rows[hit], found[hit]
    if not len(rows):
        return {}
    lo = model.masked_ptr[found].astype(np.int64)
    count = model.masked_ptr[found + 1].astype(np.int64) - lo
    rep = np.repeat(np.arange(len(rows)), count)
    fill = model.masked_fill[lo[rep] + np.arange(len(rep)) - np.repeat(np.cumsum(count) - count, count)]
    p_of = p_arr[rows // len(_COMBOS)][rep]
    pair = (idx[p_of].astype(np.uint32) << np.uint32(13)) | fill.astype(np.uint32)
    keep = np.flatnonzero((model.confuse_bits[pair >> np.uint32(3)] >> (pair & np.uint32(7)).astype(np.uint8)) & 1)
    out: dict[int, dict[tuple[int, int], str]] = {}
    chars = model.chars
    combo = (rows % len(_COMBOS))[rep[keep]].tolist()
    for p, c, f in zip(p_of[keep].tolist(), combo, fill[keep].tolist()):
        sz, o = _COMBOS[c]
        win = out.setdefault(p, {})
        win[(p - o, p - o + sz)] = win.get((p - o, p - o + sz), "") + chars[f]
    return {p: [(s, e, alts) for (s, e), alts in sorted(w.items(), key=lambda kv: (kv[0][1] - kv[0][0], kv[0][0]))]
            for p, w in out.items()}


def best_correction(model, text: str, p: int, found: list[tuple[int, int, str]] | None = None,
                    spans: dict[tuple[int, int], int] | None = None) -> tuple[float, int, int, str, str] | None:
    """The best-scoring (score, start, end, alternative character, corrected word) at ``p``;
    ``found`` and ``spans`` are :func:`windows` and :func:`known_spans` when already computed."""
    orig = text[p]
    if orig in _NUMERALS:
        return None
    if found is None:
        found = windows(model, text, [p]).get(p, [])
    if not found:
        return None
    if spans is None:
        spans = known_spans(model, _codes(model, text), [p])
    standalone = model.unigram[model.index(orig)] >= STANDALONE_COUNT
    best = None
    for s, e, alts in found:
        size = e - s
        alts = [a for a in alts if a not in _NUMERALS]     # 三审 is not 二审
        if not alts:
            continue
        window = text[s:e]
        if any(c in _NUMERALS for c in window):
            continue           # 张三 is not 长三, 三审 is not 二审
        if (s, size) in spans:
            continue           # written as a word (权力/权利 are left to the dictionary; 冰壶)
        if standalone and size > 2 and (
                p == s and (s + 1, size - 1) in spans or p == e - 1 and (s, size - 1) in spans):
            continue           # 瓶颈与障碍: 与 + 障碍, not 无障碍
        if _steals(spans, p, s, e) or _covered(spans, p, s, e):
            continue
        if size == 2 and p == s + 1 and window[0] in _DIVISION_SUFFIX and s > 0 \
                and _is_cjk(text[s - 1]) and _starts_word(spans, p):
            continue           # 嘉定镇年报: a place name's suffix, then a word (年报), not 镇内
        for alt in alts:
            word = window[:p - s] + alt + window[p - s + 1:]
            score = _score(model, text, p, alt, word) + 0.5 * (size - 2)
            if best is None or score > best[0]:
                best = (score, s, e, alt, word)
    return best


def corrections(model, text: str, threshold: float, skip=None) -> list[tuple[float, int, int, str, str]]:
    """Best corrections at every candidate position scoring at least ``threshold``. The result at
    ``p`` depends only on text[p-6:p+7] (windows of 4, words of 4 around them), so a repeated
    context (boilerplate, repeated names) is scored once per text."""
    seen: dict[tuple[str, int], tuple | None] = {}
    found = []
    positions = candidate_positions(model, text)
    if skip is not None and len(positions):
        positions = positions[~skip[positions]]   # characters whose segment is left alone anyway
    idx = _codes(model, text)
    # in batches of candidates, so the windows and known words held at once stay bounded however
    # long the text (a batch's words are those within SPAN_REACH of its candidates: same result)
    for b in range(0, len(positions), BATCH):
        near = windows(model, text, positions[b:b + BATCH], idx)
        spans = known_spans(model, idx, list(near))
        for p in sorted(near):
            a = max(0, p - 2 * MAX_WINDOW + 2)
            key = (text[a:p + 2 * MAX_WINDOW - 1], p - a)
            if key in seen:
                rel = seen[key]
            else:
                best = best_correction(model, text, p, near[p], spans)
                rel = None if best is None or best[0] < threshold else (
                    best[0], best[1] - p, best[2] - p, best[3], best[4])
                seen[key] = rel
            if rel is not None:
                found.append((rel[0], p + rel[1], p + rel[2], rel[3], rel[4], p))
    return found


BATCH = 8192   # candidate positions per vectorised batch


def _level(config: Config) -> str:
    level = getattr(config, "typo_level", "normal")
    return level if level in LEVELS else "normal"


class ContextTypoDetector:
    """Factory signature of the registry; the model loads on the first text checked."""

    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]):
        self.level = _level(config)
        self.threshold = THRESHOLD.get(self.level, THRESHOLD["normal"])
        allowed = list(config.allow)
        for path in config.allowlists:
            allowed.extend(load_allowlist(Path(path)))
        self.allowed = frozenset(allowed)
        self.on = RULE in enabled and self.level != "off"
        self._config, self._dictionary_rules = config, {c for c in enabled if rules[c].detector == "dictionary"}
        self._listed: frozenset[str] | None = None

    def listed(self) -> frozenset[str]:
        """Wrong forms the dictionary rules (T001, E...) report (人民检查院): where one of them
        overlaps a correction, that rule reports it and T020 stays quiet (read at the first finding)."""
        if self._listed is None:
            from ..detectors.dictionary import load_entries

            entries, _ = load_entries(self._config, self._dictionary_rules)
            self._listed = frozenset(e.match for e in entries)
        return self._listed

    def detect(self, view: TextView, ctx: Context) -> Iterator[Hit]:
        if not self.on or not view.text:
            return
        from .model import load

        model = load()
        text = view.text
        skip = _unscored_segments(view)
        found = []
        for a, b in chunks(text):   # bounded memory on a 20 MB text; windows never cross a line
            part = corrections(model, text[a:b], self.threshold, None if skip is None else skip[a:b])
            found.extend((f[0], f[1] + a, f[2] + a, f[3], f[4]) for f in part
                         if not _guarded(model, text, f[5] + a, f[1] + a, f[2] + a, self.allowed, f[0]))
        # of overlapping corrections the most probable one wins
        taken: list[tuple[int, int]] = []
        for score, s, e, alt, word in sorted(found, key=lambda f: -f[0]):
            if any(s < te and ts < e for ts, te in taken):
                continue
            if _short_segment(view, s) or _listed_here(text, s, e, self.listed()):
                continue
            taken.append((s, e))
            yield Hit(RULE, s, e, suggestion=word, note=_note(text[s:e], word, score))


def _listed_here(text: str, s: int, e: int, listed: frozenset[str]) -> bool:
    """A listed wrong form (2-16 characters) overlaps text[s:e]."""
    for i in range(max(0, s - 15), e):
        for j in range(max(i + 2, s + 1), min(len(text), i + 16) + 1):
            if text[i:j] in listed:
                return True
    return False


SHORT = 6   # characters: a segment this short is a name, a unit or a label, not a sentence


def _short_segment(view: TextView, start: int) -> bool:
    """A hit in a segment of at most :data:`SHORT` characters (a list's 姓名 cell 王军娜, a unit,
    a label) has no sentence around it for the statistics to judge: left alone."""
    i = view.segment_index(start)
    a, b = view.segment_span(i)
    return len(view.text[a:b].strip()) <= SHORT


CHUNK = 1 << 18   # characters of text scored at once (the arrays of one chunk: ~20 MB)


def chunks(text: str, size: int | None = None) -> Iterator[tuple[int, int]]:
    """``[a, b)`` pieces of ``text`` of about ``size`` characters, cut at a line break (or a
    。): only Chinese characters are modelled, so no window, word or neighbour of a candidate
    reaches across such a cut and each piece is scored as the whole text would be."""
    size = size or CHUNK
    n, a = len(text), 0
    while a < n:
        b = a + size
        if b >= n:
            b = n
        else:
            cut = max(text.rfind("\n", a + 1, b), text.rfind("。", a + 1, b))
            if cut <= a:                   # no break inside: the next one after it
                ahead = [i for i in (text.find("\n", b), text.find("。", b)) if i >= 0]
                cut = min(ahead) if ahead else n
            b = cut
        yield a, b
        a = b


SHEETS = frozenset({"xlsx", "xls", "csv"})
LABEL_CELL = 32            # characters: a spreadsheet cell up to this long without a sentence mark
_SENTENCE_MARK = re.compile(r"[，。；：！？,;]")


def _unscored_segments(view: TextView):
    """A mask over ``view.text``: True on the characters of segments left alone, which are not
    scored at all: segments of at most :data:`SHORT` characters (a list's 姓名 cells; their
    corrections :func:`_short_segment` would drop anyway) and, in a spreadsheet, cells of at most
    :data:`LABEL_CELL` characters with no sentence mark (住址, 单位名称, 项目名称: names and
    labels, with no sentence around them for the statistics to judge). None when there are none."""
    import numpy as np

    if len(view.starts) < 2:
        return None
    starts = np.fromiter(view.starts, dtype=np.int64, count=len(view.starts))
    lengths = np.diff(np.append(starts, len(view.text) + 1)) - 1   # without the separator
    short = lengths <= SHORT
    if view.document.type in SHEETS:
        text = view.text
        for i in np.flatnonzero(~short & (lengths <= LABEL_CELL)).tolist():
            a = view.starts[i]
            if view.kind(i) == "cell" and not _SENTENCE_MARK.search(text, a, a + int(lengths[i])):
                short[i] = True
    if not short.any():
        return None
    return np.repeat(short, lengths + 1)[:len(view.text)]


def _note(written: str, word: str, score: float) -> str:
    level = "高" if score >= 12 else "中"
    return f"“{written}”疑为“{word}”（上下文统计，置信度{level}，评分 {score:.1f}）"
