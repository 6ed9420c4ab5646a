"""Finding dates (and the years in 发文字号) in running Chinese text.

Forms recognised, each with stray spaces between the parts allowed (PDF and Word exports
write ``2023 年 2 月 24 日``):

- ``2023年11月20日`` / ``2023年11月20号`` / ``2023年11月`` (Arabic or full-width digits);
- ``二〇二三年十一月二十日`` (〇, 零, ○, О and 0 all accepted for zero);
- ``2023-11-20``, ``2023/11/20``, ``2023.11.20`` (year 1900-2099, not inside a URL or a
  longer run of digits and dots such as a version number or an IP address);
- ``11月20日`` with no year: the year is resolved later by :func:`resolve_year`.

A following weekday (``（星期一）``, ``(周一)``, ``星期一``) is attached to the date it follows.
The finder only finds; whether a date is possible is :func:`is_valid`'s business, so that
``2023年2月30日`` is found and can be reported.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Iterator

SP = "[ \t\u3000\u00a0]*"           # stray spaces inside a date, never a newline
_SPACES = " \t\u3000\u00a0"
HAN = "\u3400-\u4dbf\u4e00-\u9fff"

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "О": 0, "O": 0, "0": 0, "０": 0, "Ｏ": 0,
              "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_ZERO = "〇零○ОO0０Ｏ"
_CN_SMALL = "(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"

_DATE_PLAIN = (
    # 2023年11月20日, 2023年11月 (the year not glued to a longer number or a word)
    rf"(?<![\dA-Za-z.\-/])(?P<y>(?:19|20)\d\d){SP}年{SP}(?P<m>\d{{1,2}}){SP}月"
    rf"(?:{SP}(?P<d>\d{{1,2}}){SP}[日号])?"
    # 二〇二三年十一月二十日
    rf"|(?P<cy>[{_CN_ZERO}一二三四五六七八九]{{4}})年(?P<cm>十[一二]?|[一二三四五六七八九]|元)月"
    rf"(?:(?P<cd>{_CN_SMALL})[日号])?"
    # 2023-11-20, 2023/11/20, 2023.11.20
    rf"|(?<![\dA-Za-z.\-/:_=%#])(?P<iy>(?:19|20)\d\d)(?P<sep>[-/.])(?P<im>\d{{1,2}})(?P=sep)"
    rf"(?P<id>\d{{1,2}})(?![\dA-Za-z_]|[.\-/]\d)"
    # 11月20日 (no year)
    rf"|(?<![\dA-Za-z.\-/年])(?P<mm>\d{{1,2}}){SP}月{SP}(?P<md>\d{{1,2}}){SP}[日号]"
)
# The same forms written for speed (tests/test_datefind_patterns.py compares the two on random
# text). Every form starts with a digit or a Chinese numeral: the pattern starts with that class,
# so the engine skips to such a character in a tight loop instead of starting a match attempt at
# every character (an attempt that only tests a lookahead costs 0.17 s over the 20 MB text, the
# class 0.08 s). The first character taken, each form then tests its second character first
# (which the engine does without entering the form) and its lookbehinds after. So the groups
# y, cy, iy and mm hold the year or month without its first character, which is the match's
# first: the year is text[match.start():match.end("y")] (DATE_HEAD_GROUPS). Over the 20 MB benchmark
# text 0.25 → 0.15 s; over the 100k-row list's cells (digits everywhere, no dates) 0.44 → 0.40 s.
_CN_NUMERAL = f"{_CN_ZERO}一二三四五六七八九"
_SP1 = "[ \t\u3000\u00a0月]"   # what follows a one-digit month: a stray space or 月
_DATE_RE = re.compile(
    rf"[\d{_CN_NUMERAL}]"
    rf"(?:[09](?<![\dA-Za-z.\-/]..)(?<=19|20)(?P<y>\d\d){SP}年{SP}(?P<m>\d{{1,2}}){SP}月"
    rf"(?:{SP}(?P<d>\d{{1,2}}){SP}[日号])?"
    rf"|[{_CN_NUMERAL}](?<=[{_CN_NUMERAL}][{_CN_NUMERAL}])[{_CN_NUMERAL}](?P<cy>[{_CN_NUMERAL}])年"
    rf"(?P<cm>十[一二]?|[一二三四五六七八九]|元)月(?:(?P<cd>{_CN_SMALL})[日号])?"
    rf"|[09](?<![\dA-Za-z.\-/:_=%#]..)(?<=19|20)(?P<iy>\d\d)(?P<sep>[-/.])(?P<im>\d{{1,2}})(?P=sep)"
    rf"(?P<id>\d{{1,2}})(?![\dA-Za-z_]|[.\-/]\d)"
    rf"|(?<![\dA-Za-z.\-/年].)(?<=\d)(?:\d|(?={_SP1}))"   # the two ways are told apart by the second character
    rf"(?P<mm>){SP}月{SP}(?P<md>\d{{1,2}}){SP}[日号])"
)
DATE_HEAD_GROUPS = ("y", "cy", "iy", "mm")  # groups of _DATE_RE that start after the match's first character

_WEEKDAY_RE = re.compile(
    rf"{SP}(?:[（(]{SP}(?:星期|礼拜|周)(?P<a>[一二三四五六日天]){SP}[）)]"
    rf"|(?:星期|礼拜)(?P<b>[一二三四五六日天])|周(?P<c>[一二三四五六日])(?![年月末边]))"
)
WEEKDAYS = "一二三四五六日"
_WEEKDAY_FIRST = " \t\u3000\u00a0（(星礼周"  # every first character _WEEKDAY_RE can match (and "" at the end)
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

# 发文字号: 机关代字 + 〔年份〕 + 序号 + 号, with the brackets people get wrong. The plain form
# reads best; the compiled one tests the bracket first and the Chinese character before it
# after (same matches and groups, tests/test_format_patterns.py): the plain lookbehind is tried
# at every character of the text, five times slower over a long document.
_DOC_OPENERS = "[〔\\[【（(［﹝〖「]"
_DOC_NUMBER_REST = (
    rf"[ \u3000]*(?P<year>(?:19|20)\d\d)[ \u3000]*"
    rf"(?P<close>[〕\]】）)］﹞〗」])[ \u3000]*(?P<di>第)?[ \u3000]*(?P<num>\d{{1,5}})[ \u3000]*号"
    rf"(?![楼房室院栋单元线车位床台])"
)
DOC_NUMBER_PLAIN = rf"(?<=[{HAN}])(?P<open>{_DOC_OPENERS}){_DOC_NUMBER_REST}"
DOC_NUMBER_RE = re.compile(rf"(?P<open>{_DOC_OPENERS})(?<=[{HAN}]{_DOC_OPENERS}){_DOC_NUMBER_REST}")
_PREFIX_STOP = set("的之和与及或按照据依见在为是于经由对将把以了等各、，。；：:;,（(《》“”‘’ \t\u3000")


@dataclass(frozen=True)
class DateMention:
    """One date as written: ``text[start:end]``; ``year`` is None until resolved for ``md``.

    ``kind``: ``ymd`` / ``ym`` (Arabic year, month[, day]), ``cn`` (Chinese numerals),
    ``iso`` (2023-11-20 and its / . variants), ``md`` (month and day only).
    ``weekday`` (0 = Monday) and ``weekday_end`` describe a following 星期/周, if any.
    """

    start: int
    end: int
    kind: str
    year: int | None
    month: int
    day: int | None
    weekday: int | None = None
    weekday_end: int | None = None

    @property
    def full_end(self) -> int:
        return self.weekday_end if self.weekday_end is not None else self.end

    def as_date(self, year: int | None = None) -> date | None:
        y = year if year is not None else self.year
        if y is None or self.day is None or not is_valid(y, self.month, self.day):
            return None
        return date(y, self.month, self.day)


_new = object.__new__


def _mention(start: int, end: int, kind: str, year: int | None, month: int, day: int | None,
             weekday: int | None = None, weekday_end: int | None = None) -> DateMention:
    """``DateMention(...)`` without the frozen dataclass's ``__init__``, which sets each field with
    ``object.__setattr__`` (2 µs a date; the 20 MB benchmark text has 43k dates)."""
    m = _new(DateMention)
    d = m.__dict__
    d["start"], d["end"], d["kind"], d["year"] = start, end, kind, year
    d["month"], d["day"], d["weekday"], d["weekday_end"] = month, day, weekday, weekday_end
    return m


def cn_number(s: str) -> int:
    """二十一 → 21, 十 → 10, 元 → 1 (元月)."""
    if s == "元":
        return 1
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS[s]


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int | None, month: int) -> int:
    """Days in ``month`` of ``year`` (February of an unknown year has 29)."""
    if not 1 <= month <= 12:
        raise ValueError(f"bad month {month}")
    if month == 2:
        return 29 if year is None or calendar.isleap(year) else 28
    return _MONTH_DAYS[month - 1]


def is_valid(year: int | None, month: int, day: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= days_in_month(year, month)


_FULLWIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULLWIDTH_DIGIT = re.compile("[０-９]")

def find_dates(text: str) -> Iterator[DateMention]:
    if _FULLWIDTH_DIGIT.search(text):
        text = text.translate(_FULLWIDTH_DIGITS)  # same length: offsets stay valid
    weekday_at = _WEEKDAY_RE.match
    for m in _DATE_RE.finditer(text):
        # one groups() call instead of a group() call per name (43k dates in the 20 MB benchmark)
        y, mo, d, cy, cm, cd, iy, _, im, id_, mm, md = m.groups()
        start, end = m.span()
        # y, cy, iy, mm: without the first character (see _DATE_RE)
        if y:
            mention = (start, end, "ymd" if d else "ym", int(text[start:m.end(1)]), int(mo), int(d) if d else None)
        elif cy:
            year = int("".join(str(_CN_DIGITS[c]) for c in text[start:m.end(4)]))
            if not 1900 <= year <= 2099:
                continue
            mention = (start, end, "cn", year, cn_number(cm), cn_number(cd) if cd else None)
        elif iy:
            if _in_url(text, start):
                continue
            mention = (start, end, "iso", int(text[start:m.end(7)]), int(im), int(id_))
        else:
            if _after_year(text, start):
                continue
            mention = (start, end, "md", None, int(text[start:m.end(11)]), int(md))
        # a weekday starts with a blank, a bracket, 星期, 礼拜 or 周: test that character first
        if mention[5] is not None and text[end:end + 1] in _WEEKDAY_FIRST:
            w = weekday_at(text, end)
            if w:
                name = w.group("a") or w.group("b") or w.group("c")
                yield _mention(*mention, _WEEKDAY_INDEX[name], w.end())
                continue
        yield _mention(*mention)


def _in_url(text: str, start: int) -> bool:
    """Is ``start`` inside a URL, a path or an e-mail address (a run of ASCII with / @ = ?)."""
    lo = max(0, start - 200)
    run = re.search(r"[!-~]*$", text[lo:start])
    token = run.group(0) if run else ""
    return any(c in token for c in "/@=?\\") or "www." in token


def _after_year(text: str, start: int) -> bool:
    """``2023 年 11月20日`` that the full pattern did not take (a year out of range)."""
    if start and text[start - 1] not in _SPACES:
        return text[start - 1] == "年"   # what the slice below ends with when it ends in no space
    before = text[max(0, start - 3):start].rstrip(_SPACES)
    return before.endswith("年")


def resolve_year(month: int, day: int, anchor: date) -> int | None:
    """The year that puts ``month``/``day`` nearest to ``anchor`` (a January report's
    ``12月4日`` is last December); None when the day exists in none of the three years."""
    if is_valid(anchor.year, month, day) and abs((date(anchor.year, month, day) - anchor).days) <= 182:
        return anchor.year  # the other two years are at least 365 - 182 days further away
    best: tuple[int, int] | None = None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        if is_valid(y, month, day):
            gap = abs((date(y, month, day) - anchor).days)
            if best is None or gap < best[0]:
                best = (gap, y)
    return best[1] if best else None


def parse_loose_date(value: str) -> date | None:
    """The date at the start of a meta value (``2024-01-12 10:30:00``, ``2024年1月12日``)."""
    value = re.sub(r"(?<=\d)T(?=\d)", " ", value.strip()[:40])  # 2024-01-12T10:00:00+08:00
    for m in find_dates(value):
        if m.start > 0:
            return None
        return m.as_date()
    return None


def doc_number_prefix(text: str, bracket: int, limit: int = 10) -> int:
    """Where the 机关代字 before a 发文字号's bracket starts (``国办发`` in ``按国办发〔…``
    is approximated by stopping at function words and punctuation)."""
    i = bracket
    lo = max(0, bracket - limit)
    while i > lo and text[i - 1] not in _PREFIX_STOP and "\u3400" <= text[i - 1] <= "\u9fff":
        i -= 1
    return i
