"""One string for the whole document, so each detector makes one pass per file, not one per cell.

Segments are joined with ``\\n`` (no dictionary entry or pattern spans a newline, so nothing
matches across two cells or paragraphs); :meth:`TextView.locate` maps an offset back to the
segment it came from.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Iterator

from .model import Document, LazySegments, Location, Segment

SEP = "\n"


@dataclass(frozen=True)
class TextView:
    """``text`` is every segment's text joined with SEP; segment ``i`` starts at ``starts[i]``.

    Detectors ask the view (not ``document.segments``) for what they need per segment:
    :meth:`kind`, :meth:`hidden`, :meth:`locate`, :meth:`hidden_segments`. For a spreadsheet's
    :class:`~gkcheck.model.LazySegments` these answer without making a Segment per cell."""

    document: Document
    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, document: Document) -> "TextView":
        segments = document.segments
        texts = segments.texts if isinstance(segments, LazySegments) else [s.text for s in segments]
        starts = tuple(accumulate([len(t) + 1 for t in texts[:-1]], initial=0)) if texts else ()
        return cls(document, SEP.join(texts), starts)

    def segment_index(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def segment_at(self, offset: int) -> tuple[Segment, int]:
        """The segment holding ``offset`` and the offset inside it."""
        i = self.segment_index(offset)
        return self.document.segments[i], offset - self.starts[i]

    def locate(self, offset: int) -> Location:
        i = self.segment_index(offset)
        segments = self.document.segments
        if isinstance(segments, LazySegments):
            return segments.locate(i, offset - self.starts[i])
        return segments[i].locate(offset - self.starts[i])

    def segment_span(self, index: int) -> tuple[int, int]:
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return start, end

    def segment_text(self, index: int) -> str:
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
