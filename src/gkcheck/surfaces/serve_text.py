"""The marked-up text of an uploaded file for the web page (``GET /v1/jobs/{id}/text``).

After a job has checked an upload, the file is read once more and its text laid out as the
engine saw it: the paragraphs, table cells, headers and footers of a DOCX (or the cells of a
sheet, the pages of a PDF), each with its place in words, or — for a text or HTML file, whose
findings count in the file's text — the whole text. Each finding is placed by its ``offsets``
(a segment is found by the machine fields of the finding's location) and kept only where the
text there is its ``match``; the others are counted as not placed. Personal data is masked
(the masking policy of ``/v1/mask``, plus each privacy finding's masked match laid over its
place) before any text leaves the server. Only for results small enough to show whole:
:data:`MAX_FINDINGS` findings, :data:`MAX_SEGMENTS` segments, :data:`MAX_CHARS` characters.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any, Callable

from ..model import FileResult, Finding, Location

if TYPE_CHECKING:
    from ..checker import Checker

MAX_FINDINGS = 1000
MAX_SEGMENTS = 20_000
MAX_CHARS = 2_000_000
# the machine fields that tell a segment of a document from the others
_KEY = ("sheet", "cell", "page", "part", "paragraph", "row", "col", "hidden", "member", "block")


def _key(loc: Location) -> tuple:
    return tuple(getattr(loc, name) for name in _KEY)


def marked_text(checker: "Checker", data: bytes, result: FileResult, first: int,
                mask: Callable[[str], str]) -> dict[str, Any] | None:
    """``{"segments": [{"where", "text", "marks": [[start, end, [finding numbers]]]}], "unplaced": n}``
    for one checked upload, or None when it is not shown (an error, an archive, too large, or
    no finding placed). Finding numbers count from ``first`` + 1 across the job's files (the
    page's list numbers them so); ``start``/``end`` are code points in the segment's text."""
    from ..readers import read
    from ..reporters import private_values, shown_match
    from ..textview import TextView

    findings = result.findings
    if (result.status != "ok" or result.type in (None, "zip") or not findings
            or len(findings) > MAX_FINDINGS):
        return None
    if all(f.offsets is not None and f.offsets.scope == "text" for f in findings if f.offsets is not None):
        from ..ledger.suppress import decode

        text = decode(data, result.encoding).replace("\r\n", "\n").replace("\r", "\n")
        if len(text) > MAX_CHARS:
            return None
        texts, wheres, starts = [text], ["全文"], [0]
        place = _text_place
    else:
        doc = read(data, result.path, checker.limits)
        if len(doc.segments) > MAX_SEGMENTS:
            return None
        view = TextView.of(doc)
        count = len(doc.segments)
        texts = [view.original[slice(*view.original_segment_span(i))] for i in range(count)]
        if sum(map(len, texts)) > MAX_CHARS:
            return None
        keys: dict[tuple, list[int]] = {}
        wheres = []
        for i, segment in enumerate(doc.segments):
            keys.setdefault(_key(segment.base), []).append(i)
            wheres.append(segment.base.describe())
        starts = [view.original_segment_span(i)[0] for i in range(count)]
        place = _segment_place(keys, starts)
    private = private_values(result)
    shown = [list(mask(t)) for t in texts]
    marks: dict[int, list[list[Any]]] = {}
    unplaced = 0
    for k, f in enumerate(findings):
        at = place(f)
        if at is None or texts[at[0]][at[1]:at[2]] != f.match or not f.match:
            unplaced += 1
            continue
        i, start, end = at
        if f.category == "privacy":
            masked = shown_match(f, private)
            if len(masked) == end - start:
                shown[i][start:end] = masked
        marks.setdefault(i, []).append([start, end, [first + k + 1]])
    if not marks:
        return None
    # a small document is shown whole; a long one only where something was found (with a note)
    whole = len(texts) <= 2000
    out = []
    for i, text in enumerate(texts):
        if whole or i in marks:
            out.append({"where": wheres[i], "text": "".join(shown[i]), "marks": marks.get(i, [])})
    return {"segments": out, "unplaced": unplaced, "whole": whole, "total": len(texts)}


def _text_place(f: Finding) -> tuple[int, int, int] | None:
    o = f.offsets
    return None if o is None else (0, o.start, o.end)


def _segment_place(keys: dict[tuple, list[int]], starts: list[int]) -> Callable[[Finding], Any]:
    def place(f: Finding) -> tuple[int, int, int] | None:
        o = f.offsets
        if o is None:
            return None
        if o.scope == "segment":
            found = keys.get(_key(f.location))
            if not found or len(found) != 1:
                return None
            return found[0], o.start, o.end
        i = bisect_right(starts, o.start) - 1
        return (i, o.start - starts[i], o.end - starts[i]) if i >= 0 else None
    return place


__all__ = ["MAX_FINDINGS", "marked_text"]
