"""The privacy scan runs its number and e-mail patterns only inside the stretches _windows finds:
each pattern must find there exactly what one pass over the whole text finds."""

from __future__ import annotations

import random
from datetime import date

from gkcheck.detectors import privacy
from gkcheck.detectors.privacy import (CARD, EMAIL, ID15, ID18, ID_SPACED, LANDLINE, MASKED, MOBILE,
                                       PASSPORT, _windows, _within, scan)

PATTERNS = {"numbers": (ID18, ID_SPACED, ID15, MOBILE, LANDLINE, CARD, PASSPORT), "emails": (EMAIL,),
            "masked": (MASKED,)}
PIECES = list("0123456789Xx*＊×ＸｘEGP -+()（）转_./@%a身证号电话。，\n\t：:０９١") + [
    "11010519491231002X", "13812345678", "138 1234 5678", "+86", "(0797)", "0797-8123456", "6222",
    "6222021234567890123", "110105*******1234", "138****5678", "a@b.cn", "zhang.san@qq.com", "G12345678",
    "E1234567", "360702 19900307 451X", "www.", "http://a/b?id=", "1.5", "GZ-2024-"]


def _everywhere(text: str) -> list[tuple[str, tuple[int, int]]]:
    return [(p.pattern, m.span()) for group in PATTERNS.values() for p in group for m in p.finditer(text)]


def _windowed(text: str) -> list[tuple[str, tuple[int, int]]]:
    windows = dict(zip(("numbers", "emails", "masked"), _windows(text)))
    return [(p.pattern, m.span()) for name, group in PATTERNS.items() for p in group
            for m in _within(p, text, windows[name])]


def _kept(found: list[tuple[str, tuple[int, int]]], text: str) -> list[tuple[str, tuple[int, int]]]:
    """What the scan looks at: masked-value matches without a mask character are skipped."""
    return [(p, span) for p, span in found
            if p != MASKED.pattern or not privacy.MASK_SET.isdisjoint(text[span[0]:span[1]])]


def test_the_windows_hold_every_match_of_the_whole_text():
    rng = random.Random(6)
    samples = ["", "身份证号：11010519491231002X", "电话13812345678_", "卡号6222021234567890123.5",
               "邮箱a@b.cn。", "（0797）8123456转123", "110105*******1234", "x" * 300 + "13812345678"]
    samples += ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 24))) for _ in range(20000)]
    for text in samples:
        assert _kept(_windowed(text), text) == _kept(_everywhere(text), text), text


def test_the_scan_finds_what_it_finds_with_the_whole_text_as_one_window(monkeypatch):
    rng = random.Random(7)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts.append("公示：".join(texts[:300]))
    windowed = [scan(text, date(2024, 6, 1)) for text in texts]
    monkeypatch.setattr(privacy, "_windows", lambda text: ([(0, len(text))],) * 3)
    everywhere = [scan(text, date(2024, 6, 1)) for text in texts]
    assert sum(map(len, everywhere)) > 300, "the random texts hold personal data"
    assert windowed == everywhere


def test_the_stretch_pattern_matches_what_its_plain_form_matches():
    """_WINDOW is written class-first (the engine then skips to a possible first character);
    it must find exactly the stretches of the plain ``class{6,}``."""
    import re

    plain = re.compile(privacy._WINDOW_CHARS + "{6,}")
    rng = random.Random(66)
    samples = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    found = 0
    for text in samples:
        spans = [m.span() for m in privacy._WINDOW.finditer(text)]
        assert spans == [m.span() for m in plain.finditer(text)], text
        found += len(spans)
    assert found > 1000
