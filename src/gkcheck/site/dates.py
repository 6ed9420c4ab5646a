"""Where an item's publication date comes from: the page's PubDate meta, the 发布时间 line of the
article, the date beside its link on a list page, or its URL. Each source is kept; the item's date is
taken in that order of trust, and a disagreement between sources is reported (W009)."""

from __future__ import annotations

import re
from datetime import date

from ..detectors.datefind import parse_loose_date

SOURCES = ("meta", "line", "list", "url")
SOURCE_NAMES = {"meta": "页面PubDate", "line": "正文发布时间", "list": "列表日期", "url": "网址日期",
                "export": "CMS导出"}

_NUM_DATE = r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_NEAR = re.compile(_NUM_DATE)
_LINE = re.compile(r"(?:发布时间|发布日期|发文日期|发稿时间|成文日期|更新时间|日期|时间)\s*[：:]\s*" + _NUM_DATE)
_URL = (re.compile(r"/art/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/"),
        re.compile(r"/t((?:19|20)\d\d)(\d\d)(\d\d)_"),
        re.compile(r"/((?:19|20)\d\d)[-_]?(\d\d)[-_]?(\d\d)/"),
        re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/"))


def _ymd(m: re.Match[str] | None) -> date | None:
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def near_date(text: str) -> date | None:
    """A full date written beside a link (``[2024-01-12]``, ``2024年1月12日``)."""
    return _ymd(_NEAR.search(text))


def line_date(text: str) -> date | None:
    """The date of the article's 发布时间/发布日期 line."""
    return _ymd(_LINE.search(text))


def url_date(url: str) -> date | None:
    for pattern in _URL:
        d = _ymd(pattern.search(url))
        if d is not None:
            return d
    return None


def meta_date(value: str | None) -> date | None:
    return parse_loose_date(value) if value else None


def choose(dates: dict[str, date]) -> tuple[date | None, str | None, bool]:
    """(date, its source, whether the sources disagree) by the order of :data:`SOURCES`."""
    for source in ("export", *SOURCES):
        if source in dates:
            return dates[source], source, len(set(dates.values())) > 1
    return None, None, False
