"""The matcher scans long texts in pieces cut at line breaks (memory); the matches must be
exactly those of one pass over the whole text."""

from __future__ import annotations

import random

from gkcheck import matcher
from gkcheck.matcher import compile_matcher


def test_pieces_give_the_matches_of_one_pass(monkeypatch):
    patterns = ["截止目前", "截止", "坐谈会", "目前", "县工商局", "工商", "登陆", "登陆页面"]
    m = compile_matcher(patterns)
    rng = random.Random(11)
    alphabet = list("截止目前坐谈会县工商局登陆页面，。") + ["\n"] * 3
    monkeypatch.setattr(matcher, "CHUNK_CHARS", 16)
    checked = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        whole = m._ac.find_matches_as_indexes(text, overlapping=False)
        assert m.find(text) == whole, text
        checked += len(whole)
    assert checked > 1000


def test_a_pattern_with_a_line_break_turns_pieces_off(monkeypatch):
    m = compile_matcher(["甲\n乙"])
    monkeypatch.setattr(matcher, "CHUNK_CHARS", 4)
    assert m.find("一二三甲\n乙四五六") == [(0, 3, 6)]
