"""One string for the whole document, so each detector makes one pass per file, not one per cell.

Segments are joined with ``\\n`` (no dictionary entry or pattern spans a newline, so nothing
matches across two cells or paragraphs); :meth:`TextView.locate` maps an offset back to the
segment it came from.

The string detectors match (:attr:`TextView.text`) is normalised for matching
(:func:`normalize`): characters nobody sees are removed (format characters such as U+200B,
U+FEFF, the soft hyphen and variation selectors; control characters a browser or Office does
not show, such as NUL) and look-alike forms become the ordinary character (full-width digits
and letters, CJK compatibility ideographs, Kangxi radicals). A value hidden from the checks with
such characters (``138\\u200b0013\\u200b8000``, ``１３８００１３８０００``, ``截\\u200b止目前``)
is found like the plain one, and reported and masked as written: hits are offsets in the
normalised text; the view maps them back to the original (:meth:`TextView.original_span`,
:meth:`TextView.locate`). Chinese punctuation (，。：（）and the ideographic space U+3000) is
kept: it is correct usage that the format rules judge.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import accumulate
from operator import sub
from typing import Iterator

from .model import Document, LazySegments, Location, Segment

SEP = "\n"

# -- normalisation for matching ---------------------------------------------------------------

# Removed: every character of Unicode category Cf except the few shown as a sign (VISIBLE_FORMAT),
# the other default-ignorable code points (Hangul fillers, variation selectors, tags), and C0/C1
# controls except tab, line feed, form feed and carriage return (white space a reader sees as a
# break). tests/test_normalize.py checks this against unicodedata.
INVISIBLE = ("\x00-\x08\x0b\x0e-\x1f\x7f-\x9f"
             "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
             "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
             "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff")
# Cf characters a reader sees (Arabic number signs and the like): kept
VISIBLE_FORMAT = "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
# Mapped one to one: full-width digits and letters and the symbols that occur inside numbers and
# addresses (＋ － ． ／ ＠ ＿); NOT the full-width punctuation of Chinese text (，：；？！（）…).
FULLWIDTH = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d\uff0e\uff0f\uff20\uff3f"
FULLWIDTH_SYMBOLS = "＋－．／＠＿"
# CJK radicals (supplement and Kangxi) and compatibility ideographs: mapped to the unified
# ideograph they look like (NFKC, and the radicals table for the supplement)
LOOKALIKE = "\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f"

_SUSPECT = re.compile(f"[{INVISIBLE}{FULLWIDTH}{LOOKALIKE}]")
_INVISIBLE_RUN = re.compile(f"[{INVISIBLE}]+")
INVISIBLE_CHAR = re.compile(f"[{INVISIBLE}]")
_MAPPED_RUN = re.compile(f"[{FULLWIDTH}{LOOKALIKE}]+")


@cache
def lookalike_table() -> dict[int, str]:
    """Code point → the character detectors see instead (built once, when first needed)."""
    table: dict[int, str] = {}
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        for cp in range(lo, hi + 1):
            table[cp] = chr(cp - 0xFEE0)
    for ch in FULLWIDTH_SYMBOLS:
        table[ord(ch)] = chr(ord(ch) - 0xFEE0)
    for lo, hi in ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for cp in range(lo, hi + 1):
            nfkc = unicodedata.normalize("NFKC", chr(cp))
            if nfkc != chr(cp) and len(nfkc) == 1:
                table[cp] = nfkc
    table.update(_radical_equivalents())
    return table


def _radical_equivalents() -> dict[int, str]:
    """CJK Radicals Supplement characters NFKC leaves alone (⻔ ⻢ ⻓ ...) → the unified ideograph
    they look like, from ``dictionaries/cjk-radical-equivalents.tsv`` (built from the Unicode
    Character Database by scripts/build_radical_equivalents.py)."""
    from .resources import data_dir

    path = data_dir("dictionaries") / "cjk-radical-equivalents.tsv"
    out: dict[int, str] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            radical, ideograph = line.rstrip("\n").split("\t")[:2]
            if len(radical) == 1 and len(ideograph) == 1:
                out.setdefault(ord(radical), ideograph)
    return out


@dataclass(frozen=True)
class Normalized:
    """``text`` normalised for matching, and how to map its offsets back to ``original``.

    Mapping keeps offsets (one character for one); only removal moves them: ``cuts[k]`` is the
    offset in ``text`` where the k-th removed run was, ``shifts[k]`` the characters removed up
    to and including it."""

    text: str
    original: str
    cuts: tuple[int, ...] = ()
    shifts: tuple[int, ...] = ()
    removed: tuple[tuple[int, int], ...] = ()  # the removed runs, as spans of ``original``

    @property
    def changed(self) -> bool:
        return self.text is not self.original

    def to_original(self, offset: int) -> int:
        """The offset in ``original`` of the character at ``offset`` in ``text``."""
        if not self.cuts:
            return offset
        k = bisect_right(self.cuts, offset) - 1
        return offset + self.shifts[k] if k >= 0 else offset

    def span(self, start: int, end: int) -> tuple[int, int]:
        """``text[start:end]`` as a span of ``original``: from its first character to its last,
        with whatever was removed between them (not what was removed before or after)."""
        if not self.cuts:
            return start, end
        o_start = self.to_original(start)
        return o_start, (self.to_original(end - 1) + 1 if end > start else o_start)


def normalize(text: str) -> Normalized:
    """``text`` for matching (see the module doc). One regular-expression search when there is
    nothing to normalise; otherwise work per run of affected characters, never per character."""
    if _SUSPECT.search(text) is None:
        return Normalized(text, text)
    removed = tuple(m.span() for m in _INVISIBLE_RUN.finditer(text))
    cuts: list[int] = []
    shifts: list[int] = []
    gone = 0
    for s, e in removed:
        cuts.append(s - gone)
        gone += e - s
        shifts.append(gone)
    out = _INVISIBLE_RUN.sub("", text) if removed else text
    if _MAPPED_RUN.search(out) is not None:
        table = lookalike_table()
        out = _MAPPED_RUN.sub(lambda m: m.group().translate(table), out)
    if out == text:
        return Normalized(text, text)
    return Normalized(out, text, tuple(cuts), tuple(shifts), removed)


def normalized_starts(starts: tuple[int, ...], removed: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """Segment starts in the normalised text: each start less what was removed before it (a
    removed run never holds the separator, so it lies wholly before or after a start)."""
    if not removed:
        return starts
    diff = [0] * (len(starts) + 1)
    for s, e in removed:
        diff[bisect_right(starts, s)] += e - s
    return tuple(map(sub, starts, accumulate(diff[:-1])))


@dataclass(frozen=True)
class TextView:
    """``text`` is every segment's text joined with SEP and normalised for matching
    (:func:`normalize`); segment ``i`` starts at ``starts[i]`` in it. ``original`` is the joined
    text as written (the same string when nothing needed normalising) and ``original_starts``
    its segment starts. Offsets detectors see and give are offsets in ``text``;
    :meth:`original_span` and :meth:`locate` map them to the text as written.

    Detectors ask the view (not ``document.segments``) for what they need per segment:
    :meth:`kind`, :meth:`hidden`, :meth:`locate`, :meth:`hidden_segments`. For a spreadsheet's
    :class:`~gkcheck.model.LazySegments` these answer without making a Segment per cell."""

    document: Document
    text: str
    starts: tuple[int, ...]
    original: str | None = None
    original_starts: tuple[int, ...] | None = None
    norm: Normalized | None = None

    @classmethod
    def of(cls, document: Document) -> "TextView":
        segments = document.segments
        texts = segments.texts if isinstance(segments, LazySegments) else [s.text for s in segments]
        starts = tuple(accumulate([len(t) + 1 for t in texts[:-1]], initial=0)) if texts else ()
        joined = SEP.join(texts)
        norm = normalize(joined)
        if not norm.changed:
            return cls(document, joined, starts)
        return cls(document, norm.text, normalized_starts(starts, norm.removed), joined, starts, norm)

    def __post_init__(self) -> None:
        if self.original is None:
            object.__setattr__(self, "original", self.text)
            object.__setattr__(self, "original_starts", self.starts)

    # -- offsets in the text as written ------------------------------------------------------

    def original_offset(self, offset: int) -> int:
        return self.norm.to_original(offset) if self.norm is not None else offset

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """``text[start:end]`` as a span of :attr:`original` (what the file says there)."""
        return self.norm.span(start, end) if self.norm is not None else (start, end)

    def original_segment_span(self, index: int) -> tuple[int, int]:
        starts = self.original_starts
        assert starts is not None and self.original is not None
        start = starts[index]
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self.original)
        return start, end

    # -- segments ------------------------------------------------------------------------------

    def segment_index(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def segment_at(self, offset: int) -> tuple[Segment, int]:
        """The segment holding ``offset`` and the offset inside it (in the segment as written)."""
        i = self.segment_index(offset)
        return self.document.segments[i], self._local(i, offset)

    def _local(self, i: int, offset: int) -> int:
        if self.norm is None:
            return offset - self.starts[i]
        assert self.original_starts is not None
        return self.norm.to_original(offset) - self.original_starts[i]

    def locate(self, offset: int) -> Location:
        i = self.segment_index(offset)
        local = self._local(i, offset)
        segments = self.document.segments
        if isinstance(segments, LazySegments):
            return segments.locate(i, local)
        return segments[i].locate(local)

    def segment_span(self, index: int) -> tuple[int, int]:
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return start, end

    def segment_text(self, index: int) -> str:
        """Segment ``index`` as detectors see it (normalised)."""
        start, end = self.segment_span(index)
        return self.text[start:end]

    def kind(self, index: int) -> str:
        """``document.segments[index].kind``."""
        segments = self.document.segments
        return segments.kind(index) if isinstance(segments, LazySegments) else segments[index].kind

    def hidden(self, index: int) -> str | None:
        """``document.segments[index].base.hidden``: why that text is not seen, or None."""
        segments = self.document.segments
        if isinstance(segments, LazySegments):
            return segments.hidden(index)
        return segments[index].base.hidden

    def hidden_segments(self) -> Iterator[tuple[int, str]]:
        """``(index, reason)`` of every segment whose text is hidden, in order."""
        segments = self.document.segments
        if isinstance(segments, LazySegments):
            yield from segments.hidden_items()
            return
        for i, seg in enumerate(segments):
            if seg.base.hidden:
                yield i, seg.base.hidden


@dataclass(frozen=True)
class Context:
    """What a detector may know about the document besides its text.

    ``today`` is the checker's clock (fixed in tests); ``publish_date`` is the publication date the
    caller gave (``--publish-date``, the API argument or the config), or None; ``doc_date`` is the
    date the document speaks from: that publication date, else the page's own PubDate meta
    (``Document.meta``), else ``today``.
    """

    today: date
    doc_date: date
    publish_date: date | None = None
