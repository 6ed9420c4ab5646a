"""Maskers: write a finding's masked value back into the file it came from, one module per format.

A masker gets the file's bytes and a list of :class:`Edit` (a privacy finding and the value to
put in place of its ``match``) and returns the new bytes, what it changed and what it could not
find. It changes nothing but the characters of the matches: every other byte of a text file,
every run property, style, image and formula of an Office file stays as it was.

Text pieces (DOCX runs, the runs of an XLSX rich-text cell) are edited through
:func:`replace_in_pieces`, so a value split over several runs is masked in each run and every
run keeps its formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Callable, Sequence

from ..model import Finding, GkcheckError, Location

MASKERS: dict[str, str] = {
    "text": "gkcheck.masking.text:mask_text_file",
    "markdown": "gkcheck.masking.text:mask_text_file",
    "csv": "gkcheck.masking.text:mask_text_file",
    "html": "gkcheck.masking.html:mask_html",
    "docx": "gkcheck.masking.docx:mask_docx",
    "xlsx": "gkcheck.masking.xlsx:mask_xlsx",
    "image": "gkcheck.masking.image:mask_image",   # OCR'd images: the value's box filled (Pillow)
    "pdf": "gkcheck.masking.pdf:mask_pdf",         # OCR'd scanned pages only: the page becomes the masked picture
}


class MaskError(GkcheckError):
    """The file cannot be masked (cannot be parsed, or a character cannot be written back)."""


@dataclass(frozen=True)
class Edit:
    """Replace ``finding.match`` at ``finding.location`` by ``new`` (same text, middle hidden)."""

    finding: Finding
    new: str


@dataclass(frozen=True)
class Applied:
    """An edit that was made: where (the finding's location, or where the value was found when
    the location did not hold it) and a note for the report (e.g. a formula replaced by its value)."""

    edit: Edit
    location: Location
    note: str | None = None


@dataclass(frozen=True)
class Outcome:
    data: bytes
    applied: tuple[Applied, ...]
    missed: tuple[Edit, ...]


Masker = Callable[[bytes, str, Sequence[Edit]], Outcome]


def masker_for(kind: str) -> Masker:
    if kind not in MASKERS:
        raise MaskError(f"不支持为 {kind.upper()} 文件生成脱敏副本")
    module, _, attr = MASKERS[kind].partition(":")
    return getattr(import_module(module), attr)


# -- editing text split over pieces -------------------------------------------------------------

def replace_in_pieces(pieces: list[str], start: int, end: int, new: str) -> list[str]:
    """Replace ``[start, end)`` of ``"".join(pieces)`` by ``new`` and return the new pieces.

    When ``new`` has the length of the span (masking replaces character for character), each
    character stays in the piece it was in, so every run keeps its share and its formatting;
    otherwise the whole of ``new`` goes into the first piece the span touches."""
    out = list(pieces)
    same = len(new) == end - start
    pos = 0
    placed = False
    for i, text in enumerate(pieces):
        lo, hi = pos, pos + len(text)
        pos = hi
        a, b = max(lo, start), min(hi, end)
        if a >= b:
            continue
        if same:
            out[i] = text[:a - lo] + new[a - start:b - start] + text[b - lo:]
        elif not placed:
            out[i] = text[:a - lo] + new + text[b - lo:]
            placed = True
        else:
            out[i] = text[:a - lo] + text[b - lo:]
    return out


def nearest(text: str, match: str, hint: int | None, taken: Sequence[tuple[int, int]] = ()) -> int:
    """Offset of the occurrence of ``match`` in ``text`` closest to ``hint`` (the first one without
    a hint) that does not overlap a span in ``taken``; -1 if there is none."""
    if not match:
        return -1
    best, best_d = -1, None
    i = text.find(match)
    while i >= 0:
        if not any(i < e and s < i + len(match) for s, e in taken):
            d = abs(i - hint) if hint is not None else i
            if best_d is None or d < best_d:
                best, best_d = i, d
        i = text.find(match, i + 1)
    return best


class Sweep:
    """Finds every value already masked somewhere else (one Aho-Corasick pass per text, however
    many values), so a copy of a value the reader did not show is masked too."""

    def __init__(self, edits: Sequence[Edit]):
        import ahocorasick_rs

        self.by_value: dict[str, Edit] = {}
        for edit in edits:
            self.by_value.setdefault(edit.finding.match, edit)
        self.values = list(self.by_value)
        self._ac = (ahocorasick_rs.AhoCorasick(self.values, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
                    if self.values else None)

    def find(self, text: str) -> list[tuple[int, int, Edit]]:
        """``(start, end, edit)`` of each value in ``text``, last first (so edits keep offsets)."""
        if self._ac is None or not text:
            return []
        found = self._ac.find_matches_as_indexes(text)
        return [(s, e, self.by_value[self.values[i]]) for i, s, e in reversed(found)]
