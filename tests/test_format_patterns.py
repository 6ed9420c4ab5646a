"""The format detector's patterns are written for speed (first character first, lookbehind after
it); each must match exactly what the plain form of the same pattern matches."""

from __future__ import annotations

import random
import re

from gkcheck.detectors.datefind import DOC_NUMBER_PLAIN, DOC_NUMBER_RE, HAN
from gkcheck.detectors.format import _HALF_SIMPLE, _STACKED

PLAIN = {
    "F001": (DOC_NUMBER_RE, re.compile(DOC_NUMBER_PLAIN)),
    "F003": (_STACKED, re.compile(r"[，。；：、]{2,}")),
    "F004": (_HALF_SIMPLE, re.compile(rf"(?<=[{HAN}])[,;:?!](?= ?[{HAN}])")),
}
PIECES = list("国办发赣府字〔〕[]【】（）()［］﹝﹞〖〗「」 \u3000第号楼2024019０，。；：、,;:?!a\n") + [
    "2023", "〔2024〕", "[2019]", "第05号", "〔2024〕1号", "号楼", "，，", "。。。", "a,b", "中,文", "中, 文"]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


def test_each_fast_pattern_matches_what_its_plain_form_matches():
    rng = random.Random(9704)
    samples = ["国办发〔2017〕47号", "赣府字[2024]第05号", "（2024）3号", "。〔2024〕3号", "中,文;字:吗?是!",
               "一，，二。。三、，四", "a,b中, 文"]
    samples += ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 24))) for _ in range(20000)]
    found = 0
    for text in samples:
        for rule, (fast, plain) in PLAIN.items():
            spans = _spans(fast, text)
            assert spans == _spans(plain, text), (rule, text)
            found += len(spans)
    assert found > 1000
