"""find_dates runs the date pattern only over the clauses that can hold a date: what it finds must
be exactly what one pass over the whole text finds."""

from __future__ import annotations

import random

import re

from gkcheck.detectors.datefind import _DATE_PLAIN, _DATE_RE, clauses, find_dates

PIECES = list("2024年1月5日号二〇一十三元-/.。，；！？、\n \t：:（）(星期周abcX3O０") + [
    "2023", "12", "www.", "http://a/b?", "\u3000", "1.2.3", "2024-01-", "十二月", "v2.0"]


_PLAIN = re.compile(_DATE_PLAIN)


def _everywhere(text: str) -> list[tuple[int, int]]:
    """The plain pattern (no first-character test) over the whole text: the reference."""
    return [m.span() for m in _PLAIN.finditer(text)]


def _in_clauses(text: str) -> list[tuple[int, int]]:
    return [m.span() for start, end in clauses(text) for m in _DATE_RE.finditer(text, start, end)]


def test_the_clauses_hold_every_match_of_the_whole_text():
    rng = random.Random(20241)
    samples = ["", "2024年1月5日", "。2024-01-05。", "见http://x.gov.cn/2024/01/05/a.html，2024年1月5日印发",
               "二〇二四年一月五日\n1月32日、2月30日", "x" * 500 + "2024.1.5" + "。" * 100 + "3月4日"]
    samples += ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    for text in samples:
        assert _in_clauses(text) == _everywhere(text), text
        assert ([m.groupdict() for m in _DATE_RE.finditer(text)]
                == [m.groupdict() for m in _PLAIN.finditer(text)]), text


def test_clauses_start_after_a_break_and_end_at_one():
    text = "第一句没有。会议于2024年1月5日召开，很好；\n" + "无关" * 100 + "。3月4日\n"
    spans = clauses(text)
    assert spans and all(s == 0 or text[s - 1] in "\n，。；！？、" for s, _ in spans)
    assert all(e == len(text) or text[e] in "\n，。；！？、" for _, e in spans)
    assert "无关无关" not in "".join(text[s:e] for s, e in spans)
    assert [m.start for m in find_dates(text)] == [text.index("2024"), text.index("3月4日")]


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
