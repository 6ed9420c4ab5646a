"""The date pattern is written for speed (a first-character test before the forms and their
lookbehinds); it must find exactly what the plain form finds, with the same groups."""

from __future__ import annotations

import random
import re

from gkcheck.detectors.datefind import _DATE_PLAIN, _DATE_RE, DATE_HEAD_GROUPS, find_dates

PIECES = list("2024年1月5日号二〇一十三元-/.。，；！？、\n \t：:（）(星期周abcX3O０0") + [
    "2023", "12", "www.", "http://a/b?", "\u3000", "1.2.3", "2024-01-", "十二月", "v2.0",
    "360702198506120034", "13907970000", "20二三年"]
_PLAIN = re.compile(_DATE_PLAIN)


def _with_head(m: re.Match[str], text: str) -> dict[str, str | None]:
    """The fast pattern's groups as the plain form's: the year or month with its first character."""
    groups = m.groupdict()
    for name in DATE_HEAD_GROUPS:
        if groups[name] is not None:
            groups[name] = text[m.start():m.end(name)]
    return groups


def test_the_fast_pattern_matches_what_the_plain_form_matches():
    rng = random.Random(20241)
    samples = ["", "2024年1月5日", "。2024-01-05。", "见http://x.gov.cn/2024/01/05/a.html，2024年1月5日印发",
               "二〇二四年一月五日\n1月32日、2月30日", "x" * 500 + "2024.1.5" + "。" * 100 + "3月4日",
               "102024年1月5日", "1二〇二四年一月五日", "身份证360702198506120034，2024年1月5日"]
    samples += ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    found = 0
    for text in samples:
        fast = [(m.span(), _with_head(m, text)) for m in _DATE_RE.finditer(text)]
        assert fast == [(m.span(), m.groupdict()) for m in _PLAIN.finditer(text)], text
        found += len(fast)
    assert found > 300   # the samples do hold dates of every form


def test_find_dates_finds_each_form_once():
    text = "第一句没有。会议于2024年1月5日召开，很好；\n" + "无关" * 100 + "。3月4日\n二〇二四年一月五日"
    assert [(m.start, m.kind) for m in find_dates(text)] == [
        (text.index("2024"), "ymd"), (text.index("3月4日"), "md"), (text.index("二〇二四"), "cn")]


def test_nearest_signature_by_bisection_is_the_first_nearest_in_text_order():
    """D006 pairs a labelled 发文字号 with the nearest signature; found by bisection (a long
    compilation has thousands of both), it must be exactly what min() over the list gives."""
    import random

    from gkcheck.detectors.dates import _nearest

    class Sig:
        def __init__(self, segment: int):
            self.segment = segment

    rng = random.Random(2012)
    for _ in range(20000):
        segments = sorted(rng.randint(0, 30) for _ in range(rng.randint(1, 8)))
        signatures = [Sig(s) for s in segments]
        index = rng.randint(0, 35)
        expected = min(signatures, key=lambda s: abs(s.segment - index))
        assert _nearest(signatures, segments, index) is expected, (segments, index)


def test_year_resolution_shortcut_gives_the_nearest_year():
    """resolve_year answers the anchor's own year at once when that date is within 182 days; it
    must be what the nearest of the three years (the earlier on a tie) is."""
    from datetime import date, timedelta

    from gkcheck.detectors.datefind import is_valid, resolve_year

    def nearest(month: int, day: int, anchor: date) -> int | None:
        years = [y for y in (anchor.year - 1, anchor.year, anchor.year + 1) if is_valid(y, month, day)]
        return min(years, key=lambda y: abs((date(y, month, day) - anchor).days)) if years else None

    rng = random.Random(182)
    for _ in range(20000):
        anchor = date(2019, 1, 1) + timedelta(days=rng.randint(0, 3000))
        month, day = rng.randint(1, 12), rng.randint(1, 31)
        assert resolve_year(month, day, anchor) == nearest(month, day, anchor), (month, day, anchor)


def test_after_year_shortcut_is_the_plain_test():
    from gkcheck.detectors.datefind import _after_year

    rng = random.Random(3)
    pieces = list("年月 \t\u3000\u00a012a\n")
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        start = rng.randint(0, len(text))
        plain = text[max(0, start - 3):start].rstrip(" \t\u3000\u00a0").endswith("年")
        assert _after_year(text, start) == plain, (text, start)
