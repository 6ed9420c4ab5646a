"""One string for the whole document, so each detector makes one pass per file, not one per cell.

Segments are joined with ``\\n`` (no dictionary entry or pattern spans a newline, so nothing
matches across two cells or paragraphs); :meth:`TextView.locate` maps an offset back to the
segment it came from.

The string detectors match (:attr:`TextView.text`) is normalised for matching
(:func:`normalize`): characters nobody sees are removed (format characters such as U+200B,
U+FEFF, the soft hyphen and variation selectors; control characters a browser or Office does
not show, such as NUL) and look-alike forms become the ordinary character (full-width digits
and letters, CJK compatibility ideographs, CJK radicals and strokes). A value hidden from the checks with
such characters (``138\\u200b0013\\u200b8000``, ``１３８００１３８０００``, ``截\\u200b止目前``)
is found like the plain one, and reported and masked as written: hits are offsets in the
normalised text; the view maps them back to the original (:meth:`TextView.original_span`,
:meth:`TextView.locate`). Chinese punctuation (，。：（）and the ideographic space U+3000) is
kept: it is correct usage that the format rules judge.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import accumulate, chain, repeat
from operator import sub
from typing import Iterator, Sequence

from .model import Document, LazySegments, Location, Segment

SEP = "\n"

# -- normalisation for matching ---------------------------------------------------------------

# Removed: every character of Unicode category Cf except the few shown as a sign (VISIBLE_FORMAT),
# the other default-ignorable code points (Hangul fillers, variation selectors, tags), and C0/C1
# controls except tab, line feed, form feed and carriage return (white space a reader sees as a
# break). tests/test_normalize.py checks this against unicodedata.
INVISIBLE_BMP = ("\x00-\x08\x0b\x0e-\x1f\x7f-\x9f"
                 "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                 "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb")
INVISIBLE_ASTRAL = "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
INVISIBLE = INVISIBLE_BMP + INVISIBLE_ASTRAL
# Cf characters a reader sees (Arabic number signs and the like): kept
VISIBLE_FORMAT = "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
# Mapped one to one: full-width digits and letters and the symbols that occur inside numbers and
# addresses (＋ － ． ／ ＠ ＿); NOT the full-width punctuation of Chinese text (，：；？！（）…).
FULLWIDTH = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d\uff0e\uff0f\uff20\uff3f"
FULLWIDTH_SYMBOLS = "＋－．／＠＿"
# CJK radicals (supplement and Kangxi), CJK strokes and compatibility ideographs: mapped to the
# unified ideograph they look like (NFKC, and dictionaries/cjk-radical-equivalents.txt)
LOOKALIKE_BMP = "\u2e80-\u2fdf\u31c0-\u31ef\uf900-\ufaff"
LOOKALIKE_ASTRAL = "\U0002f800-\U0002fa1f"

# Two sets of patterns: a class of characters below U+10000 compiles to a bitmap (one lookup per
# character), a class with any character above it to a list of ranges tried in turn (5x slower
# over a 20 MB text). Most texts hold no character above U+FFFF and use the first set only.
_SUSPECT_BMP = re.compile(f"[{INVISIBLE_BMP}{FULLWIDTH}{LOOKALIKE_BMP}]")
_SUSPECT_ASTRAL = re.compile(f"[{INVISIBLE_ASTRAL}{LOOKALIKE_ASTRAL}]")
# A run is written [c][c]* rather than [c]+: the engine skips ahead to a possible first character
# only when the pattern starts with a plain class (2.5x faster over a text with few runs)
_INVISIBLE_RUNS = tuple(re.compile(f"([{c}][{c}]*)") for c in (INVISIBLE_BMP, INVISIBLE))
_MAPPED_RUNS = tuple(re.compile(f"[{c}][{c}]*") for c in (FULLWIDTH + LOOKALIKE_BMP,
                                                          FULLWIDTH + LOOKALIKE_BMP + LOOKALIKE_ASTRAL))
_ANY_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
INVISIBLE_CHAR = re.compile(f"[{INVISIBLE}]")
# CPython keeps a string in 1, 2 or 4 bytes a character (PEP 393): its size says whether it can
# hold a character above U+FFFF without reading it
_HEAD = sys.getsizeof("\u0100") - 4


def _wide(text: str) -> bool:
    """Whether ``text`` may hold a character above U+FFFF (exact on CPython, a search elsewhere)."""
    if text.isascii():
        return False
    size, n = sys.getsizeof(text), len(text) + 1
    if size == _HEAD + 4 * n:
        return True
    if size in (_HEAD + n, _HEAD + 2 * n):
        return False
    return _ANY_ASTRAL.search(text) is not None


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
    for cp, ideograph in _radical_equivalents().items():
        table.setdefault(cp, ideograph)
    return table


def _radical_equivalents() -> dict[int, str]:
    """CJK radicals and strokes NFKC leaves alone (⻔ ⻢ ㇐ ...) → the unified ideograph they look
    like, from ``dictionaries/cjk-radical-equivalents.txt`` (built from the Unicode Character
    Database by scripts/build_radical_equivalents.py)."""
    from .resources import data_dir

    out: dict[int, str] = {}
    with (data_dir("dictionaries") / "cjk-radical-equivalents.txt").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            radical, ideograph = line.split("\t")[:2]
            if len(radical) == 1 and len(ideograph) == 1:
                out[ord(radical)] = ideograph
    return out


@dataclass(frozen=True, eq=False)
class Normalized:
    """``text`` normalised for matching, and how to map its offsets back to ``original``.

    Mapping keeps offsets (one character for one); only removal moves them: the k-th removed run
    started at ``run_starts[k]`` in ``original`` and at ``cuts[k]`` in ``text``, and ``shifts[k]``
    characters were removed up to and including it."""

    text: str
    original: str
    cuts: Sequence[int] = ()
    shifts: Sequence[int] = ()
    run_starts: Sequence[int] = ()

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

    def starts(self, original_starts: tuple[int, ...]) -> tuple[int, ...]:
        """Segment starts in ``text`` from those in ``original``: each less what was removed before
        it (a removed run never holds the separator, so it lies wholly before or after a start)."""
        if not self.run_starts:
            return original_starts
        before = array("q", [0])
        before.extend(self.shifts)
        removed = map(before.__getitem__, map(bisect_left, repeat(self.run_starts), original_starts))
        return tuple(map(sub, original_starts, removed))


def normalize(text: str) -> Normalized:
    """``text`` for matching (see the module doc). One bitmap search when there is nothing to
    normalise; otherwise passes in C (re.split, str.replace, map and accumulate over arrays), with
    a Python step per piece of text, per run of mapped characters while they are few, never per
    character."""
    wide = _wide(text)
    if _SUSPECT_BMP.search(text) is None and not (wide and _SUSPECT_ASTRAL.search(text)):
        return Normalized(text, text)
    out, cuts, shifts, run_starts = _drop_invisible(text, _INVISIBLE_RUNS[wide])
    out = _map_lookalikes(out, _MAPPED_RUNS[wide])
    if out == text:
        return Normalized(text, text)
    return Normalized(out, text, cuts, shifts, run_starts)


PIECE = 1 << 18  # characters split at a time: bounds the memory of a text full of invisible runs


def _drop_invisible(text: str, runs: re.Pattern[str]) -> tuple[str, array, array, array]:
    """``text`` without the characters ``runs`` matches, and where the removed runs were. Done a
    piece at a time (a run cut at a piece's end is two runs at the same place, which maps the same)."""
    kept: list[str] = []
    cuts, shifts, run_starts = array("q"), array("q"), array("q")
    gone = 0
    for at in range(0, len(text), PIECE):
        parts = runs.split(text[at:at + PIECE])  # kept, removed, kept, ..., kept (the pattern captures)
        if len(parts) == 1:
            kept.append(parts[0])
            continue
        lengths = array("q", map(len, parts))
        ends = array("q", accumulate(lengths, initial=at))[1:]   # where each part ends in text
        removed = lengths[1::2]
        run_starts.extend(ends[0::2][:-1])
        new_shifts = array("q", accumulate(removed, initial=gone))[1:]
        cuts.extend(map(sub, ends[0::2][:-1], chain((gone,), new_shifts)))
        shifts.extend(new_shifts)
        gone = new_shifts[-1]
        kept.append("".join(parts[0::2]))  # one string a piece: a list of every kept run costs 76 bytes a run
    return "".join(kept), cuts, shifts, run_starts


def _map_lookalikes(text: str, runs: re.Pattern[str]) -> str:
    """``text`` with full-width forms, radicals and compatibility ideographs mapped, in one pass
    with a Python call per run while runs are few (a call costs ~250 times a character's share of
    a C pass); a text dense with them (a list typed in full-width digits) instead gets one
    str.replace pass per distinct character, or str.translate when there are many distinct ones."""
    table = lookalike_table()
    few = max(1000, len(text) // 100)
    out, n = runs.subn(lambda m: m.group().translate(table), text, count=few)
    if n < few:
        return out
    present = set("".join(runs.findall(text)))
    if len(present) <= 60:  # a str.replace pass each still beats a dictionary lookup per character
        for ch in present:
            text = text.replace(ch, table.get(ord(ch), ch))
        return text
    return text.translate(table)


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
    # candidates found once per document and shared by the detectors that ask (matches())
    _shared: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, document: Document) -> "TextView":
        segments = document.segments
        texts = segments.texts if isinstance(segments, LazySegments) else [s.text for s in segments]
        starts = tuple(accumulate([len(t) + 1 for t in texts[:-1]], initial=0)) if texts else ()
        joined = SEP.join(texts)
        norm = normalize(joined)
        if not norm.changed:
            return cls(document, joined, starts)
        return cls(document, norm.text, norm.starts(starts), joined, starts, norm)

    def __post_init__(self) -> None:
        if self.original is None:
            object.__setattr__(self, "original", self.text)
            object.__setattr__(self, "original_starts", self.starts)

    def matches(self, pattern: "re.Pattern[str]") -> "list[re.Match[str]]":
        """Every match of ``pattern`` in :attr:`text`, found in one pass per document however many
        detectors ask (the 发文字号 pattern serves both the date rule D006 and the format rule F001)."""
        found = self._shared.get(pattern)
        if found is None:
            found = self._shared[pattern] = list(pattern.finditer(self.text))
        return found

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
    (``Document.meta``), else ``today``. ``expand_columns``: see :attr:`Config.expand_columns`.
    """

    today: date
    doc_date: date
    publish_date: date | None = None
    # one finding per cell even in a column that P009 summarises (mask, annotate, --expand-columns)
    expand_columns: bool = False
