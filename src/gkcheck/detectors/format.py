"""Mechanical format checks (F001-F005) from GB/T 9704-2012 and GB/T 15834-2011.

- F001 发文字号: 六角括号〔〕 around the year, no 第, no leading zeros (``国办发〔2017〕47号``).
- F002 paired punctuation (《》 “” ‘’ （） 【】) left open or closed without an opening, counted
  within one segment (paragraph, line, cell); a pair split over two consecutive segments
  (a hard-wrapped line) is a pair, and an open quotation is fine when the next paragraph starts
  with the same opening quote (GB/T 15834 4.1.3.4: a quotation over several paragraphs repeats
  only the opening quote).
- F003 doubled or stacked pause marks (，， 。。 ，。); …… and —— are correct and never matched.
- F004 half-width , ; : ? ! and ( ) between Chinese characters (never between digits, in URLs
  or in English text: both neighbours must be Chinese).
- F005 an HTML article page without the metadata the 政府网站发展指引 makes mandatory.

Every check is a regular expression over the whole text, run once per document. A pattern that
must look behind its first character starts with that character instead and looks behind it
afterwards: Python's engine skips quickly to a possible first character, but tries a leading
lookbehind at every position of the text (0.3 s a pass on a 20 MB text against 0.07 s).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from ..config import Config
from ..model import Hit, Location
from ..rules import Rule
from ..textview import Context, TextView
from .datefind import DOC_NUMBER_RE, HAN, doc_number_prefix

# -- F001 发文字号 -------------------------------------------------------------------------------------

# -- F002 paired punctuation ---------------------------------------------------------------------
PAIRS = {"《": "》", "“": "”", "‘": "’", "（": "）", "【": "】"}
CLOSERS = {v: k for k, v in PAIRS.items()}
_MARKS = "《》“”‘’（）【】"
# The marks left to pair in Python: one regex pass steps over the text between marks and over
# every pair with no other mark inside on one line (《通知》, （一）, “十四五”): such a pair always
# pairs with itself in the per-segment stacks below, so leaving it out changes nothing, and it is
# most of them (88k marks in the 20 MB benchmark text, 20k left). Possessive, so linear.
_PAIR_LEFT = re.compile(
    "(?:[^" + _MARKS + "]++|" + "|".join(f"{o}[^{_MARKS}\n]*+{c}" for o, c in PAIRS.items())
    + ")*+(?:([" + _MARKS + "])|\\Z)")
_APOSTROPHE = re.compile(r"(?<=[A-Za-z])’(?=[A-Za-z])")
# a list marker closed by a bare parenthesis: 1） 一） a）
_LIST_MARK = re.compile(r"^[ \t\u3000]*[0-9０-９一二三四五六七八九十a-zA-Z①-⑳]{1,3}）")
_TRUNCATED = ("…", "...", "⋯")

# -- F003 stacked pause marks ----------------------------------------------------------------------
_STACKED = re.compile(r"[，。；：、][，。；：、]+")  # = {2,}, but a third faster in Python's engine

# -- F004 half-width punctuation between Chinese characters ----------------------------------------
_HALF_SIMPLE = re.compile(rf"[,;:?!](?<=[{HAN}][,;:?!])(?= ?[{HAN}])")  # a Chinese character before
_HALF_PARENS = re.compile(r"\((?P<body>[^()\n]{1,40})\)")
_HAN_RE = re.compile(rf"[{HAN}]")
_HAN_RUN = re.compile(rf"[{HAN}][{HAN}]*")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
HALF_WIDTH_EACH = 5     # up to this many are reported one by one; more become one finding
HALF_WIDTH_LISTED = 20  # places named in that finding's note

# -- F005 page metadata ------------------------------------------------------------------------------
# The 政府网站发展指引 (国办发〔2017〕47号) 网页元数据: site and column metadata on every page,
# ArticleTitle/PubDate/ContentSource on article pages are mandatory; Keywords, Author,
# Description, Image and Url are optional and not required here.
REQUIRED_META = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType",
                 "ArticleTitle", "PubDate", "ContentSource")
ARTICLE_MIN_HAN = 200       # Chinese characters of running text that make a page an article
ARTICLE_MIN_PARAGRAPH = 50  # ... with at least one paragraph this long


class FormatDetector:
    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]):
        self.codes = {c for c in enabled if rules[c].detector == "format"}

    def detect(self, view: TextView, ctx: Context) -> Iterator[Hit]:
        codes = self.codes
        if "F001" in codes:
            yield from _doc_numbers(view.text, view.matches(DOC_NUMBER_RE))
        if "F002" in codes:
            yield from _unpaired(view)
        if "F003" in codes:
            for m in _STACKED.finditer(view.text):
                yield Hit("F003", m.start(), m.end(),
                          suggestion=m.group(0)[0] if len(set(m.group(0))) == 1 else None)
        if "F004" in codes:
            yield from _half_width(view)
        if "F005" in codes:
            yield from _missing_meta(view)


# -- F001 ---------------------------------------------------------------------------------------------

def _doc_numbers(text: str, found: Iterable[re.Match[str]]) -> Iterator[Hit]:
    for m in found:
        problems = []
        if m.group("open") != "〔" or m.group("close") != "〕":
            problems.append(f"年份应使用六角括号〔〕，不用“{m.group('open')}{m.group('close')}”")
        if m.group("di"):
            problems.append("序号前不加“第”")
        num = m.group("num")
        if len(num) > 1 and num.startswith("0"):
            problems.append("序号不编虚位（不加前导 0）")
        if not problems:
            continue
        start = doc_number_prefix(text, m.start())
        if start == m.start():
            continue  # no 机关代字 before the bracket: not a 发文字号
        prefix = text[start:m.start()]
        yield Hit("F001", start, m.end(), suggestion=f"{prefix}〔{m.group('year')}〕{int(num)}号",
                  message="发文字号格式不规范：" + "；".join(problems))


# -- F002 ---------------------------------------------------------------------------------------------

def _unpaired(view: TextView) -> Iterator[Hit]:
    text = view.text
    # per segment: unmatched openers (positions) and closers (positions) of each kind
    opens: dict[int, dict[str, list[int]]] = {}
    closes: dict[int, dict[str, list[int]]] = {}
    starts = view.starts
    index, next_start, skip = -1, -1, False  # the segment of the last mark: matches come in order
    for m in _PAIR_LEFT.finditer(text):
        pos = m.start(1)
        if pos < 0:
            break  # the end of the text
        ch = text[pos]
        if pos >= next_start:
            index = view.segment_index(pos)
            next_start = starts[index + 1] if index + 1 < len(starts) else len(text) + 1
            skip = view.kind(index) in ("meta", "attr")
        if skip:
            continue
        if ch in PAIRS:
            opens.setdefault(index, {}).setdefault(ch, []).append(pos)
            continue
        opener = CLOSERS[ch]
        stack = opens.get(index, {}).get(opener)
        if stack:
            stack.pop()
        else:
            closes.setdefault(index, {}).setdefault(opener, []).append(pos)
    # the segments with a mark left unpaired (most have every mark paired and need no more work)
    touched = sorted(i for i in set(opens) | set(closes)
                     if any(opens.get(i, {}).values()) or any(closes.get(i, {}).values()))
    for index in touched:
        seg = view.segment_text(index)
        seg_start = view.starts[index]
        for opener, positions in list(closes.get(index, {}).items()):
            positions[:] = [p for p in positions if not _excused_closer(seg, p - seg_start, opener)]
        if seg.rstrip().endswith(_TRUNCATED):
            opens.pop(index, None)  # a truncated title or summary
            continue
        head = len(seg) - len(seg.lstrip(" \t\u3000\u00a0")) + seg_start
        for opener in "“‘":
            positions = opens.get(index, {}).get(opener)
            if positions and positions[0] == head:
                del positions[0]  # a paragraph of a quotation over several paragraphs
    for index in touched:
        if not any(opens.get(index, {}).values()):
            continue  # nothing left open here to pair with what follows
        following = _next_nonblank(view, index)
        for opener, positions in opens[index].items():
            for nxt in following:
                if not positions:
                    break
                later = closes.get(nxt, {}).get(opener, [])
                n = min(len(positions), len(later))
                if n:  # the pair goes on over a line break or an inline element
                    del positions[len(positions) - n:]
                    del later[:n]
            if positions and opener in "“‘" and following and \
                    view.segment_text(following[0]).lstrip(" \t\u3000").startswith(opener):
                positions.clear()  # a quotation over several paragraphs
    for index in touched:
        for opener, positions in opens.get(index, {}).items():
            for p in positions:
                yield Hit("F002", p, p + 1, message=f"“{opener}”没有配对的“{PAIRS[opener]}”")
        for opener, positions in closes.get(index, {}).items():
            for p in positions:
                yield Hit("F002", p, p + 1,
                          message=f"“{PAIRS[opener]}”前面没有配对的“{opener}”")


def _excused_closer(seg: str, local: int, opener: str) -> bool:
    if opener == "（":
        m = _LIST_MARK.match(seg)
        return bool(m and m.end() - 1 == local)
    if opener == "‘":
        return bool(_APOSTROPHE.match(seg, local))
    if opener == "《":
        # a breadcrumb separator: 首页 》 政务公开 》 通知公告
        around = seg[max(0, local - 1):local + 2]
        return "《" not in seg and (around.startswith((" ", "\u3000")) or around.endswith((" ", "\u3000"))
                                    or seg.count("》") >= 2)
    return False


def _next_nonblank(view: TextView, index: int, count: int = 3) -> list[int]:
    """The next ``count`` non-empty segments (within a few lines: blank lines are skipped)."""
    out: list[int] = []
    for i in range(index + 1, min(len(view.starts), index + 2 * count + 2)):
        if view.segment_text(i).strip(" \t\u3000\u00a0"):
            out.append(i)
            if len(out) == count:
                break
    return out


# -- F004 ---------------------------------------------------------------------------------------------

def _half_width(view: TextView) -> Iterator[Hit]:
    """Half-width marks between Chinese characters, in running text only (a meta Keywords list
    or an attribute is not prose). A document typed throughout in half-width mode is one finding
    with every place in its note: the fix is one replace-all, and 70 warnings would bury the rest."""
    hits = sorted((h for h in _half_width_hits(view)
                   if view.kind(view.segment_index(h.start)) not in ("meta", "attr")),
                  key=lambda h: h.start)
    if len(hits) <= HALF_WIDTH_EACH:
        yield from hits
        return
    first = hits[0]
    places = [view.locate(h.start).describe() for h in hits[:HALF_WIDTH_LISTED]]
    more = f" 等 {len(hits)} 处" if len(hits) > HALF_WIDTH_LISTED else ""
    marks = "".join(sorted({(h.match or view.text[h.start:h.end])[0] for h in hits}))
    yield Hit("F004", first.start, first.end,
              message=f"全文有 {len(hits)} 处中文之间使用了半角标点（{marks}），应统一改为全角（，；：？！（））",
              note="位置：" + "、".join(places) + more)


def _half_width_hits(view: TextView) -> Iterator[Hit]:
    text = view.text
    for m in _HALF_SIMPLE.finditer(text):
        ch = m.group(0)
        yield Hit("F004", m.start(), m.end(), suggestion=_FULL[ch],
                  message=f"中文之间使用了半角标点“{ch}”，应使用全角“{_FULL[ch]}”")
    for m in _HALF_PARENS.finditer(text):
        body = m.group("body")
        if not _HAN_RE.search(body) or not _HAN_RE.match(body):
            continue  # (PDF) (%) (2023): not Chinese inside
        before = text[m.start() - 1:m.start()] if m.start() else ""
        after = text[m.end():m.end() + 1]
        if not (_HAN_RE.match(before) or _HAN_RE.match(after)):
            continue
        yield Hit("F004", m.start(), m.end(), suggestion=f"（{body}）",
                  message="中文之间使用了半角括号“()”，应使用全角“（）”")


# -- F005 ---------------------------------------------------------------------------------------------

def _missing_meta(view: TextView) -> Iterator[Hit]:
    doc = view.document
    if doc.type != "html":
        return
    present = {k.lower() for k, v in doc.meta.items() if v and v.strip()}
    missing = [k for k in REQUIRED_META if k.lower() not in present]
    if not missing:
        return  # nothing missing: the text need not be counted
    # an article: enough Chinese text, one paragraph long enough; counted in runs, and only
    # until both are known to hold
    han = longest = 0
    for seg in doc.segments:
        if seg.kind != "text":
            continue
        n = sum(map(len, _HAN_RUN.findall(seg.text)))
        han += n
        longest = max(longest, n)
        if han >= ARTICLE_MIN_HAN and longest >= ARTICLE_MIN_PARAGRAPH:
            break
    if han >= ARTICLE_MIN_HAN and longest >= ARTICLE_MIN_PARAGRAPH:
        yield Hit("F005", -1, -1, match="、".join(missing), location=Location(part="head"),
                  message=f"文章页缺少 {len(missing)} 项必需的元数据 <meta>",
                  advice="在文章页模板的 <head> 中加入："
                         + " ".join(f'<meta name="{k}" content="…">' for k in missing))
