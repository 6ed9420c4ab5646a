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


PAIR_PIECES = list("《》“”‘’（）【】\n 文a1…") + ["《通知》", "“十四五”", "（一）", "1）", "首页 》 通知", "《关于“x”的通知》",
                                               "don’t", "\u3000“", "……", "\n\n"]


def _f002(text: str) -> list[tuple[int, int, str]]:
    from datetime import date

    from gkcheck.detectors.format import FormatDetector
    from gkcheck.model import Document, LazySegments, LineBlock
    from gkcheck.rules import load_rules
    from gkcheck.textview import Context, TextView

    lines = text.split("\n")
    doc = Document("t.txt", "text", LazySegments(lines, [LineBlock(0, lines)]))
    detector = FormatDetector(config=None, rules=load_rules(), enabled={"F002"})
    day = date(2024, 1, 1)
    # sorted: within a segment the kinds come out in the order first met, and the checker orders
    # findings by position anyway
    return sorted((h.start, h.end, h.message) for h in detector.detect(TextView.of(doc), Context(day, day)))


def test_pairs_left_to_python_give_the_hits_every_mark_gives(monkeypatch):
    """F002 hands Python only the marks left after one pass steps over pairs with no mark inside;
    the hits must be those of the per-segment stacks over every mark."""
    from gkcheck.detectors import format as fmt

    rng = random.Random(15834)
    samples = ["《a》", "《《a》", "《a》》", "“a\n”", "《关于“x”的通知》", "（一）a）", "“段一\n“段二”"]
    samples += ["".join(rng.choice(PAIR_PIECES) for _ in range(rng.randint(0, 30))) for _ in range(4000)]
    fast = [_f002(text) for text in samples]
    monkeypatch.setattr(fmt, "_PAIR_LEFT", re.compile(f"([{fmt._MARKS}])"))   # every mark, one by one
    plain = [_f002(text) for text in samples]
    assert fast == plain
    assert sum(map(len, fast)) > 1000   # the samples do hold unpaired marks
