"""One string for the whole document, so each detector makes one pass per file, not one per cell.

Segments are joined with ``\\n`` (no dictionary entry or pattern spans a newline, so nothing
matches across two cells or paragraphs); :meth:`TextView.locate` maps an offset back to the
segment it came from.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from .model import Document, Location, Segment

SEP = "\n"


@dataclass(frozen=True)
class TextView:
    document: Document
    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, document: Document) -> "TextView":
        starts: list[int] = []
        pos = 0
        for seg in document.segments:
            starts.append(pos)
            pos += len(seg.text) + 1
        return cls(document, SEP.join(s.text for s in document.segments), tuple(starts))

    def segment_index(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def segment_at(self, offset: int) -> tuple[Segment, int]:
        """The segment holding ``offset`` and the offset inside it."""
        i = self.segment_index(offset)
        return self.document.segments[i], offset - self.starts[i]

    def locate(self, offset: int) -> Location:
        seg, local = self.segment_at(offset)
        return seg.locate(local)

    def segment_span(self, index: int) -> tuple[int, int]:
        start = self.starts[index]
        return start, start + len(self.document.segments[index].text)


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
