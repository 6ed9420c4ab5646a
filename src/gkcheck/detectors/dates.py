"""Date checks (D001-D006): impossible dates, wrong weekdays, dates ahead of publication, and a
发文字号 year that contradicts the 成文日期.

Dates are found once per document by :mod:`.datefind`. A date written without a year
(``1月8日``) takes the year that puts it nearest to its anchor: the nearest full date written
before it in the document (never later than the document date), else the document date. The
publication date compared against is the caller's (``--publish-date``), else the page's
PubDate meta, else today (a file checked before publication is published now).

Precision first: a body date later than the publication date is reported only when its
sentence says the event has happened (已, 召开了 ...) and says nothing about plans, deadlines,
ranges or validity (将于, 拟, 截至, 前, 至, 有效期 ...).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Iterator

from ..config import Config
from ..model import Hit, Location
from ..rules import Rule
from ..textview import Context, TextView
from .datefind import (DOC_NUMBER_RE, HAN, WEEKDAYS, DateMention, doc_number_prefix, find_dates,
                       is_valid, parse_loose_date, resolve_year)

PUBDATE_KEYS = ("pubdate", "publishdate", "article:published_time")

# the signature block: an issuing organisation on its own line, then the date
_ORG_LINE = re.compile(
    rf"^[{HAN}（）()·\s]{{2,60}}?(?:人民政府|政府|办公室|办公厅|委员会|委|局|厅|部|署|院|办|中心|小组|处|科|所|站|队|会|"
    rf"镇|乡|街道|办事处|公司|集团|党委|党组|支部|法院|检察院|协会|学校|大学|医院|馆|社|团|室|组)"
    rf"(?:[（(](?:盖章|印章|章)[）)])?$"
)
_SIGN_SUFFIX = re.compile(r"^(?:印发|发布|签发|制发)?$")
_LABEL_SIGN = re.compile(r"成文(?:日期|时间)[ \t\u3000]*[：:][ \t\u3000]*$")
_LABEL_DOCNUM = re.compile(r"发文字号[ \t\u3000]*[：:][ \t\u3000]*$")

# sentences that report an event as having happened ...
_PAST = re.compile(
    r"已(?!知|久|而|故)|(?<![为除罢极好不])了(?![解如却结得不])|圆满(?:完成|结束|举行|召开|闭幕)"
    r"|顺利(?:召开|举行|举办|完成|结束|闭幕|通过)|胜利(?:召开|闭幕)|隆重(?:举行|召开)|成功(?:举办|召开|举行)"
)
# ... and the words that make it a plan, a deadline, a range or a period instead
_NOT_PAST = re.compile(
    r"将|拟|预计|预期|计划|截至|截止|前|起|届时|有效期|报名|期限|至|到(?=[\d０-９〇一二三四五六七八九十 ])|"
    r"要求|须|应(?!急|用|对)|务必|请|定于|安排|待|即将|预定|预约|期间|为期|每年|每月|下一步|力争|争取|确保|方案|"
    r"以来|之后|以后|后续|开始|时间[：:]|日期[：:]|若|如果|如需|如有|倘|一旦|期满|到期|延期|推迟|暂定|或"
)
_BLANK_OR_PAREN = " \t\u3000\u00a0（）()"
_BLANKS = " \t\u3000\u00a0"
_RANGE_MARKS = "-—–~～至到、"
_SENTENCE_END = "。！？；!?;\n"
SENTENCE_MAX = 200


@dataclass(frozen=True)
class _Signature:
    mention: DateMention
    date: date
    segment: int


class DateDetector:
    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]):
        self.codes = {c for c in enabled if rules[c].detector == "dates"}

    def detect(self, view: TextView, ctx: Context) -> Iterator[Hit]:
        if not self.codes:
            return
        text = view.text
        mentions = list(find_dates(text))
        meta_key, meta_value, meta_date = _meta_pubdate(view.document.meta)

        # publication date: the caller's, else the page's PubDate, else now
        if ctx.publish_date is not None:
            ref, ref_name = ctx.publish_date, f"发布日期 {ctx.publish_date.isoformat()}"
        elif meta_date is not None:
            ref, ref_name = meta_date, f"页面发布日期（{meta_key}）{meta_date.isoformat()}"
        else:
            ref, ref_name = ctx.today, f"今天 {ctx.today.isoformat()}（未提供发布日期）"

        if "D003" in self.codes:
            yield from self._future_pubdate(view, ctx, meta_key, meta_value, meta_date)

        resolved = _resolve(mentions, ctx.doc_date)
        signatures = _signatures(view, mentions, resolved)
        signed = {s.mention.start for s in signatures}
        full_dates = [(m.start, d) for m, d in zip(mentions, resolved)
                      if m.kind != "md" and m.day is not None and d is not None]

        for m, when in zip(mentions, resolved):
            if when is None and not _possible(m):   # a date made from a mention is a possible one
                if "D001" in self.codes:
                    yield Hit("D001", m.start, m.end, message=_impossible_message(m),
                              advice=_possible_dates(m))
                continue
            if m.weekday is not None and "D002" in self.codes:
                anchor = _nearest_full_date(m, full_dates) if m.kind == "md" else None
                hit = _weekday_hit(m, when, anchor)
                if hit:
                    yield hit
            if when is None or when <= ref or view.kind(view.segment_index(m.start)) in ("meta", "attr"):
                continue
            if m.start in signed:
                if "D004" in self.codes:
                    yield Hit("D004", m.start, m.end,
                              message=f"成文日期（落款）{when.isoformat()} 晚于{ref_name}")
            elif "D005" in self.codes and _reported_as_past(text, m):
                yield Hit("D005", m.start, m.end,
                          message=f"已发生的事件日期 {when.isoformat()} 晚于{ref_name}")

        if "D006" in self.codes and signatures:
            yield from _doc_number_year(view, signatures)

    def _future_pubdate(self, view: TextView, ctx: Context, key: str | None, value: str | None,
                        when: date | None) -> Iterator[Hit]:
        if when is not None and when > ctx.today and key and value is not None:
            msg = f"页面发布日期（{key}）{when.isoformat()} 晚于实际发稿日期 {ctx.today.isoformat()}"
            located = _meta_segment(view, key)
            if located is not None:
                yield Hit("D003", located[0], located[1], message=msg, match=value)
            else:
                yield Hit("D003", -1, -1, message=msg, match=value,
                          location=Location(part=f"meta:{key}"))
        if ctx.publish_date is not None and ctx.publish_date > ctx.today:
            yield Hit("D003", -1, -1, match=ctx.publish_date.isoformat(),
                      message=f"指定的发布日期 {ctx.publish_date.isoformat()} 晚于实际发稿日期 "
                              f"{ctx.today.isoformat()}",
                      location=Location(part="发布日期"))


# -- publication date ---------------------------------------------------------------------------

def _meta_pubdate(meta: dict[str, str]) -> tuple[str | None, str | None, date | None]:
    by_lower: dict[str, str] = {}
    for k in meta:
        by_lower.setdefault(k.lower(), k)  # the name as written before a reader's lower-case copy
    for key in PUBDATE_KEYS:
        if key in by_lower:
            name = by_lower[key]
            value = meta[name]
            if value and value.strip():
                return name, value, parse_loose_date(value)
    return None, None, None


def _meta_segment(view: TextView, key: str) -> tuple[int, int] | None:
    for i in range(len(view.starts)):
        if view.kind(i) == "meta" and (view.document.segments[i].name or "").lower() == key.lower():
            start, end = view.segment_span(i)
            return start, end
    return None


# -- years of month-day dates -------------------------------------------------------------------

def _resolve(mentions: list[DateMention], doc_date: date) -> list[date | None]:
    """Each mention as a date (None for impossible ones and year-month dates). A long document
    repeats the same few hundred dates: each is made (and each year resolved) once."""
    out: list[date | None] = []
    anchor: date | None = None
    made: dict[tuple[int | None, int, int | None], date | None] = {}
    years: dict[tuple[int, int, date], int | None] = {}
    for m in mentions:
        if m.kind == "md":
            a = min(anchor, doc_date) if anchor else doc_date
            if m.day:
                key = (m.month, m.day, a)
                year = years[key] if key in years else years.setdefault(key, resolve_year(m.month, m.day, a))
            else:
                year = None
            if year:
                key = (year, m.month, m.day)
                out.append(made[key] if key in made else made.setdefault(key, m.as_date(year)))
            else:
                out.append(None)
        else:
            key = (m.year, m.month, m.day)
            when = made[key] if key in made else made.setdefault(key, m.as_date())
            out.append(when)
            if when is not None and m.day is not None:
                anchor = when
    return out


def _nearest_full_date(m: DateMention, full_dates: list[tuple[int, date]]) -> date | None:
    """The full date written nearest to ``m`` (before or after it), if the document has one;
    ``full_dates`` is sorted by position."""
    i = bisect_left(full_dates, (m.start,))
    near = [full_dates[j] for j in (i - 1, i) if 0 <= j < len(full_dates)]
    return min(near, key=lambda item: abs(item[0] - m.start))[1] if near else None


def _possible(m: DateMention) -> bool:
    return is_valid(m.year, m.month, m.day)


def _impossible_message(m: DateMention) -> str:
    if not 1 <= m.month <= 12:
        return f"日期不存在：没有{m.month}月"
    if m.month == 2 and m.day == 29:
        return f"日期不存在：{m.year}年不是闰年，2月没有29日"
    return f"日期不存在：{m.month}月没有{m.day}日"


def _possible_dates(m: DateMention) -> str:
    """Which dates the writer may have meant: 2月30日 → 2月28日（闰年29日）或 3月1日、3月2日."""
    import calendar

    if not 1 <= m.month <= 12:
        return "月份只有1至12月：核对原始材料，改为正确的月份"
    if m.day is None:
        return "核对原始材料，改为正确的日期"
    leap = m.year is not None and calendar.isleap(m.year)
    last = calendar.monthrange(m.year if m.year else 2001, m.month)[1]
    if m.month == 2 and m.year is None:
        month_end = "2月28日（闰年29日）"
    else:
        month_end = f"{m.month}月{last}日"
    over = m.day - last
    nxt = m.month % 12 + 1
    if m.month == 2 and m.day == 29 and not leap:
        options = f"{m.year}年2月只有28天：可能是2月28日或3月1日"
    elif over <= 3:
        later = "、".join(f"{nxt}月{d}日" for d in range(1, over + 1))
        options = f"{m.month}月只有{last}天：可能是{month_end}，或顺延的{later}"
    else:
        options = f"{m.month}月只有{last}天：可能把日写错了（如{m.month}月{str(m.day)[-1] if str(m.day)[-1] != '0' else '1'}日、{m.month}月{last}日），请核对原始材料"
    return options


def _weekday_hit(m: DateMention, when: date | None, anchor: date | None) -> Hit | None:
    if m.kind == "md":
        # the year is a guess: check only against a year written in the document, and report
        # only when no year next to it makes the weekday right
        if anchor is None:
            return None
        years = (anchor.year - 1, anchor.year, anchor.year + 1)
        days = [d for d in (m.as_date(y) for y in years) if d is not None]
        if not days or any(d.weekday() == m.weekday for d in days) or when is None:
            return None
    elif when is None or when.weekday() == m.weekday:
        return None
    right = WEEKDAYS[when.weekday()]
    return Hit("D002", m.start, m.full_end, suggestion=f"星期{right}",
               message=f"{when.year}年{when.month}月{when.day}日是星期{right}，"
                       f"不是星期{WEEKDAYS[m.weekday or 0]}")


# -- the signature (成文日期/落款) ----------------------------------------------------------------

def _signatures(view: TextView, mentions: list[DateMention],
                resolved: list[date | None]) -> list[_Signature]:
    """Dates that sign the document: alone on their line after the issuing organisation's line
    (or with 印发 after them), or labelled 成文日期：."""
    out: list[_Signature] = []
    text = view.text
    for m, when in zip(mentions, resolved):
        if when is None or m.kind not in ("ymd", "cn"):
            continue
        # both forms below need only blanks, or a label's colon, between the line start and the
        # date: test the character before the blanks first (most dates are inside a sentence)
        p = m.start
        while p > 0 and text[p - 1] in _BLANKS:
            p -= 1
        if p > 0 and text[p - 1] not in "\n：:":
            continue
        index = view.segment_index(m.start)
        seg_start, seg_end = view.segment_span(index)
        if _LABEL_SIGN.search(text, max(seg_start, m.start - 12), m.start):
            out.append(_Signature(m, when, index))
            continue
        if view.kind(index) != "text":
            continue
        before = text[seg_start:m.start].strip(" \t\u3000\u00a0")
        after = text[m.full_end:seg_end].strip(" \t\u3000\u00a0")
        if before or not _SIGN_SUFFIX.match(after):
            continue
        if after == "印发" or _org_before(view, index):
            out.append(_Signature(m, when, index))
    return out


def _nearest(signatures: list[_Signature], segments: list[int], index: int) -> _Signature:
    """The signature whose segment is nearest to ``index`` (the earlier one on a tie), found by
    bisection: a long compilation has thousands of 发文字号 and of signatures."""
    i = bisect_left(segments, index)
    distance = min(abs(segments[j] - index) for j in (i - 1, i) if 0 <= j < len(segments))
    j = bisect_left(segments, index - distance)
    if j == len(segments) or segments[j] != index - distance:
        j = bisect_left(segments, index + distance)
    return signatures[j]


def _org_before(view: TextView, index: int) -> bool:
    for i in range(index - 1, max(-1, index - 4), -1):
        line = view.segment_text(i).strip(" \t\u3000\u00a0")
        if line:
            return bool(_ORG_LINE.match(line)) and len(line) <= 60
    return False


# -- body dates reported as past events ----------------------------------------------------------

def _reported_as_past(text: str, m: DateMention) -> bool:
    lo = max(0, m.start - SENTENCE_MAX)
    s = max(text.rfind(ch, lo, m.start) for ch in _SENTENCE_END) + 1
    s = max(s, lo)
    hi = min(len(text), m.full_end + SENTENCE_MAX)
    ends = [i for i in (text.find(ch, m.full_end, hi) for ch in _SENTENCE_END) if i >= 0]
    e = min(ends) if ends else hi
    before = text[s:m.start].rstrip(" \t\u3000\u00a0")
    after = text[m.full_end:e].lstrip(" \t\u3000\u00a0")
    # part of a range (1月1日至31日, 2024年1月—3月) or of a list of dates
    if (before and before[-1] in _RANGE_MARKS) or (after and after[0] in _RANGE_MARKS):
        return False
    # inside a title 《……2025年1月1日……》 or a quotation
    if before.count("《") > before.count("》") or before.count("“") > before.count("”"):
        return False
    sentence = before + after
    if _NOT_PAST.search(sentence):
        return False
    return bool(_PAST.search(sentence))


# -- 发文字号 year against the 成文日期 ------------------------------------------------------------

def _doc_number_year(view: TextView, signatures: list[_Signature]) -> Iterator[Hit]:
    """A document's own 发文字号 (alone on its line, or labelled 发文字号：) whose year is not the
    year of the next signature date after it (labelled pairs: the 成文日期 nearest to it)."""
    text = view.text
    numbers: list[tuple[int, int, int, int, bool]] = []  # start, end, year, segment, labelled
    for n in view.matches(DOC_NUMBER_RE):   # shared with the format rules (F001)
        index = view.segment_index(n.start())
        seg_start, seg_end = view.segment_span(index)
        start = doc_number_prefix(text, n.start())
        labelled = bool(_LABEL_DOCNUM.search(text, max(seg_start, start - 12), start))
        alone = (not text[seg_start:start].strip(_BLANK_OR_PAREN)
                 and not text[n.end():seg_end].strip(_BLANK_OR_PAREN) and start < n.start())
        if (labelled or alone) and view.kind(index) != "meta":
            numbers.append((start, n.end(), int(n.group("year")), index, labelled))
    segments = [s.segment for s in signatures]   # ascending: signatures are in text order
    for k, (start, end, year, index, labelled) in enumerate(numbers):
        nxt = numbers[k + 1][3] if k + 1 < len(numbers) else None
        if labelled:
            # a metadata block: 发文字号 and 成文日期 within a few lines of each other
            sig = _nearest(signatures, segments, index)
            if abs(sig.segment - index) > 8:
                continue
        else:
            first_after = bisect_right(segments, index)
            if first_after == len(signatures):
                continue
            sig = signatures[first_after]
            if nxt is not None and nxt < sig.segment:
                continue  # another 发文字号 before the signature: unclear which it belongs to
        sig_year = sig.date.year
        if year == sig_year or (year == sig_year + 1 and sig.date.month == 12):
            continue
        yield Hit("D006", start, end,
                  message=f"发文字号年份 {year} 与成文日期 {sig.date.isoformat()} 的年份不一致")
