"""sniff._looks_binary counts control bytes with bytes.translate; the plain per-byte count it
replaced must give the same verdict on any input."""

from __future__ import annotations

import random

from gkcheck.sniff import _looks_binary


def plain_looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    nul = sample.count(0)
    if nul:
        lopsided = max(sample[0::2].count(0), sample[1::2].count(0)) >= nul * 0.9
        return not (lopsided and nul > len(sample) // 8)
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) // 20


def test_control_byte_count_matches_the_plain_form():
    rng = random.Random(15)
    text = "公示名单\t身份证号\r\n".encode("utf-8")
    verdicts = set()
    for _ in range(3000):
        n = rng.randrange(0, 10000)
        # text with a varying share of control bytes (none to many), and no NUL so the count decides
        share = rng.choice((0.0, 0.01, 0.04, 0.05, 0.06, 0.2))
        data = bytes(rng.choice(range(1, 32)) if rng.random() < share else text[i % len(text)] for i in range(n))
        assert _looks_binary(data) == plain_looks_binary(data)
        verdicts.add(_looks_binary(data))
    assert verdicts == {True, False}
