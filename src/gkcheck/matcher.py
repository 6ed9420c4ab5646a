"""Multi-pattern matching behind a small interface.

The engine is ahocorasick-rs (Rust ``aho-corasick``) in leftmost-longest mode: one pass over
the text finds every dictionary entry, and where entries overlap the longest one starting first
wins, so a correct longer word (an allowed entry) shadows a wrong shorter one inside it.
docs/performance.md has the measurements behind the choice (it is 10-19x faster than
pyahocorasick on government text, and pyahocorasick's ``iter_long`` drops a match at the
end of a string).
"""

from __future__ import annotations

from typing import Protocol, Sequence


class Matcher(Protocol):
    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Non-overlapping leftmost-longest matches as ``(pattern_index, start, end)`` in characters."""


# ahocorasick-rs keeps a byte-to-character offset table of the whole string (about 20 bytes per
# character): a 20 MB text would take 180 MB for one call. Long texts go in pieces cut at line
# breaks, which no pattern contains, so the matches are the same.
CHUNK_CHARS = 1 << 20


class AhoCorasickMatcher:
    __slots__ = ("_ac", "size", "_chunked")

    def __init__(self, patterns: Sequence[str]):
        import ahocorasick_rs

        self.size = len(patterns)
        self._ac = ahocorasick_rs.AhoCorasick(
            list(patterns), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self._chunked = not any("\n" in p for p in patterns)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if len(text) <= CHUNK_CHARS or not self._chunked:
            return self._ac.find_matches_as_indexes(text, overlapping=False)
        found: list[tuple[int, int, int]] = []
        pos, n = 0, len(text)
        while pos < n:
            cut = text.rfind("\n", pos, pos + CHUNK_CHARS) + 1 if pos + CHUNK_CHARS < n else n
            if cut <= pos:              # no line break in a whole chunk: the rest in one piece
                cut = n
            piece = self._ac.find_matches_as_indexes(text[pos:cut], overlapping=False)
            found.extend((i, start + pos, end + pos) for i, start, end in piece)
            pos = cut
        return found


class _EmptyMatcher:
    size = 0

    def find(self, text: str) -> list[tuple[int, int, int]]:
        return []


def compile_matcher(patterns: Sequence[str]) -> Matcher:
    if not patterns:
        return _EmptyMatcher()
    return AhoCorasickMatcher(patterns)
