"""The data that flows through gkcheck: documents in, findings out.

readers turn bytes into a :class:`Document` (segments that remember where they came from);
detectors turn a document's text into :class:`Hit` records; the engine turns hits into
:class:`Finding` records with locations; reporters render a :class:`Report`.
Everything here is a plain frozen dataclass.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Iterator, Protocol, overload

CATEGORIES = ("typo", "sensitive", "expression", "privacy", "date", "link", "format", "hidden", "site")
SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
# what people read (reports, web page, rule docs)
CATEGORY_NAMES = {"typo": "错别字", "sensitive": "敏感内容", "expression": "严重表述错误",
                  "privacy": "个人隐私", "date": "日期", "link": "链接", "format": "格式",
                  "hidden": "隐藏内容", "site": "网站栏目"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
OCR_NOTE = "OCR 识别，请核对原图"  # the note of every finding in text recognised by OCR


def ocr_note(location: "Location", note: str | None) -> str | None:
    """``note`` with :data:`OCR_NOTE` and the confidence first when ``location`` is recognised text."""
    if location.ocr is None:
        return note
    said = f"{OCR_NOTE}（置信度 {location.ocr:.2f}）"
    return f"{said}；{note}" if note else said

FILE_TYPES = ("text", "csv", "markdown", "html", "docx", "xlsx", "pdf", "doc", "xls", "pptx", "ofd", "rtf", "zip", "image")


@dataclass(frozen=True, slots=True)
class Location:
    """Where a piece of text sits in its file. Unused fields stay None.

    ``line``/``column`` are 1-based and counted in characters of the source line (text-like
    files, HTML); ``paragraph`` is the 1-based paragraph index inside ``part`` (DOCX);
    ``sheet``/``cell`` name a spreadsheet cell; ``page`` a PDF page (1-based); ``row``/``col``
    a table cell (1-based) in DOCX and HTML tables; ``hidden`` says why the text is not
    visible to a reader of the published page (hidden sheet, tracked deletion, comment ...);
    ``member`` names the file inside an archive the text came from (``名单.xlsx``,
    ``inner.zip!名单.xlsx``) when one result covers a whole archive (``Checker.check_bytes``);
    a scan reports each member as a file of its own and leaves it None.

    ``block`` names the place as a person sees it (``正文第3段``, ``表格2 第3行第1列``, ``页脚``,
    ``导航``, ``正文第3段的批注``, ``第2张幻灯片标题``, ``第2页``), set by the readers that know
    the visible structure (HTML, DOCX, .doc/.wps, RTF, PPTX, PDF, OFD, OCR; the shared names are in
    ``gkcheck.readers.places``); ``quote`` is the first words of that block (set by the checker,
    which also adds a PDF/OFD page's printed line: ``第2页第5行``) so it can be found without
    counting. :meth:`describe` (the JSON's ``location.text``) is built from them when set.
    ``box`` is ``"x,y,w,h"`` in pixels of the image (or of the PDF page rendered for OCR) that
    holds text recognised by OCR, and ``ocr`` the recogniser's confidence (0–1) for that text;
    both stay None for text read from the file itself.
    """

    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None
    page: int | None = None
    part: str | None = None
    paragraph: int | None = None
    row: int | None = None
    col: int | None = None
    hidden: str | None = None
    member: str | None = None
    block: str | None = None
    quote: str | None = None
    # the JSON's ``location.text`` when a location is read back from a report (``Location(**d)``)
    text: str | None = None
    box: str | None = None
    ocr: float | None = None

    def to_dict(self) -> dict[str, Any]:
        # not dataclasses.asdict: that deep-copies every field, and reports call this per finding
        out = {name: getattr(self, name) for name in _LOCATION_FIELDS}
        out["text"] = self.describe()
        return out

    def describe(self) -> str:
        """The place as a person finds it (the JSON's ``location.text``): ``正文第3段“为进一步规范…”``,
        ``表格2 第3行第1列``, ``页脚``, ``名单!C12``, ``第2页 第5行第3字``, ``第3行第5字``."""
        if self.text is not None:
            return self.text
        bits: list[str] = []
        if self.member:
            bits.append(f"[{self.member}]")
        if self.block is not None:
            block = f"正文第{self.paragraph}段" if self.block == "正文" and self.paragraph else self.block
            bits.append(block + (f"“{self.quote}”" if self.quote else "")
                        + (f"（隐藏：{self.hidden}）" if self.hidden else ""))
            if self.box is not None:
                bits.append(f"({self.box.replace(',', ', ')})")
            return " ".join(bits)
        if self.sheet is not None and self.cell is not None:
            bits.append(f"{self.sheet}!{self.cell}")
        elif self.cell is not None:
            bits.append(self.cell)
        elif self.sheet is not None:
            bits.append(f"工作表“{self.sheet}”")
        if self.page is not None:
            bits.append(f"第{self.page}页")
        if self.part and self.part not in ("body", "text"):
            bits.append(self.part)
        if self.paragraph is not None:
            bits.append(f"第{self.paragraph}段")
        if self.row is not None:
            bits.append(f"表格第{self.row}行第{self.col}列")
        if self.line is not None:
            bits.append(f"第{self.line}行" + (f"第{self.column}字" if self.column else ""))
        elif self.column is not None and self.cell is None:
            bits.append(f"第{self.column}字")
        if self.box is not None:
            bits.append(f"({self.box.replace(',', ', ')})")
        if self.hidden:
            bits.append(f"（隐藏：{self.hidden}）")
        return " ".join(bits) or "文件"


# the machine fields of the JSON ``location`` (``block``/``quote`` reach it as ``text``)
_LOCATION_FIELDS = tuple(f.name for f in fields(Location) if f.name not in ("block", "quote", "text"))


@dataclass(frozen=True)
class Segment:
    """A run of text from one place in a file.

    ``anchors`` map offsets in ``text`` back to source positions: a sorted tuple of
    ``(offset, line, column)``; the position of offset ``o`` is that of the last anchor at or
    before ``o`` plus the distance. Without anchors, ``base``'s line/column (if any) is the
    position of offset 0 and offsets count along one line.
    ``kind`` is ``text`` for running text, ``meta`` for a <meta> value (``name`` holds its
    name), ``attr`` for an attribute (alt, title), ``cell`` for a spreadsheet/table cell.
    """

    text: str
    base: Location = field(default_factory=Location)
    anchors: tuple[tuple[int, int, int], ...] = ()
    kind: str = "text"
    name: str | None = None

    def locate(self, offset: int) -> Location:
        base = self.base
        if self.anchors:
            i = bisect_right(self.anchors, (offset, 1 << 62, 0)) - 1
            if i < 0:
                i = 0
            off, line, col = self.anchors[i]
            return _moved(base, line, col + (offset - off))
        if base.line is not None:
            return _moved(base, base.line, (base.column or 1) + offset)
        return _moved(base, None, offset + 1)


def _moved(loc: Location, line: int | None, column: int) -> Location:
    """``loc`` at another line/column. Built positionally (the field order is the model's
    contract): dataclasses.replace costs 4x as much, and a spreadsheet may have 300k findings."""
    return Location(line, column, loc.sheet, loc.cell, loc.page, loc.part, loc.paragraph, loc.row,
                    loc.col, loc.hidden, loc.member, loc.block, loc.quote, loc.text, loc.box, loc.ocr)



class Block(Protocol):
    """A run of segments ``start`` ≤ i < ``stop`` in :class:`LazySegments` that makes each
    :class:`Segment` (and its Location) only when asked; ``i`` is always the document-wide index."""

    start: int
    stop: int

    def segment(self, i: int) -> Segment: ...
    def kind(self, i: int) -> str: ...
    def hidden(self, i: int) -> str | None: ...
    def locate(self, i: int, offset: int) -> Location: ...
    def hidden_items(self) -> Iterator[tuple[int, str]]: ...


class SegmentBlock:
    """A :class:`Block` of ready-made segments (a spreadsheet's comments between its sheets)."""

    def __init__(self, start: int, segments: Sequence[Segment]):
        self.start, self.stop, self._segments = start, start + len(segments), tuple(segments)

    def segment(self, i: int) -> Segment:
        return self._segments[i - self.start]

    def kind(self, i: int) -> str:
        return self.segment(i).kind

    def hidden(self, i: int) -> str | None:
        return self.segment(i).base.hidden

    def locate(self, i: int, offset: int) -> Location:
        return self.segment(i).locate(offset)

    def hidden_items(self) -> Iterator[tuple[int, str]]:
        for i, seg in enumerate(self._segments, self.start):
            if seg.base.hidden:
                yield i, seg.base.hidden


class LineBlock:
    """A :class:`Block` of the lines of a plain-text file: segment ``i`` is line ``i - start + 1``
    at column 1. A 20 MB text has 80,000 lines; making a Segment and a Location for each cost
    more than reading the file."""

    def __init__(self, start: int, lines: Sequence[str], part: str = "text"):
        self.start, self.stop, self._lines, self._part = start, start + len(lines), lines, part

    def segment(self, i: int) -> Segment:
        return Segment(self._lines[i - self.start], Location(line=i - self.start + 1, column=1, part=self._part))

    def kind(self, i: int) -> str:
        return "text"

    def hidden(self, i: int) -> str | None:
        return None

    def locate(self, i: int, offset: int) -> Location:
        return Location(line=i - self.start + 1, column=offset + 1, part=self._part)

    def hidden_items(self) -> Iterator[tuple[int, str]]:
        return iter(())


class LazySegments(Sequence[Segment]):
    """``Document.segments`` for a reader with very many small segments (spreadsheet cells).

    The texts sit in one list and a :class:`Segment` is made only when someone asks for it, so a
    sheet of 800k cells costs a list of strings, not 1.6 million objects (3 s and 500 MB). It is
    a sequence like the tuple other readers give; hot paths ask ``texts[i]``, :meth:`kind`,
    :meth:`hidden`, :meth:`locate` and :meth:`hidden_items` instead (:class:`~gkcheck.textview.TextView`
    does it for detectors)."""

    def __init__(self, texts: list[str], blocks: Sequence[Block]):
        self.texts = texts
        self._blocks = tuple(blocks)
        self._starts = [b.start for b in self._blocks]
        if sum(b.stop - b.start for b in self._blocks) != len(texts):
            raise ValueError("blocks do not cover the texts")

    def _block(self, i: int) -> Block:
        return self._blocks[bisect_right(self._starts, i) - 1]

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, i: int) -> Segment: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Segment, ...]: ...

    def __getitem__(self, i: int | slice) -> Segment | tuple[Segment, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        if i < 0:
            i += len(self.texts)
        if not 0 <= i < len(self.texts):
            raise IndexError("segment index out of range")
        return self._block(i).segment(i)

    def __iter__(self) -> Iterator[Segment]:
        for block in self._blocks:
            for i in range(block.start, block.stop):
                yield block.segment(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (tuple, LazySegments)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def kind(self, i: int) -> str:
        return self._block(i).kind(i)

    def hidden(self, i: int) -> str | None:
        return self._block(i).hidden(i)

    def locate(self, i: int, offset: int) -> Location:
        """The location of ``offset`` in segment ``i`` (``self[i].locate(offset)``)."""
        return self._block(i).locate(i, offset)

    def hidden_items(self) -> Iterator[tuple[int, str]]:
        """``(index, reason)`` of every segment whose ``base.hidden`` is set, in order."""
        for block in self._blocks:
            yield from block.hidden_items()


@dataclass(frozen=True)
class Table:
    """A table as the reader saw it: ``cells[r][c]`` is an index into ``Document.segments`` or -1.

    Row 0 is the first row of the table (usually the header). ``ref`` names the range for
    reports (``名单!A1:H31``, ``表格2``)."""

    ref: str
    cells: tuple[tuple[int, ...], ...]
    hidden_cols: frozenset[int] = frozenset()
    hidden_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Link:
    """A hyperlink or embedded resource: ``url`` exactly as written in the source."""

    url: str
    text: str
    location: Location
    tag: str = "a"
    hidden: str | None = None  # why the anchor is invisible (display:none ...), None if visible


@dataclass(frozen=True)
class Fact:
    """Something about the file as a whole that a detector may report (hidden sheet, tracked
    changes, document properties): ``kind`` is a short key, ``detail`` human readable."""

    kind: str
    detail: str
    location: Location = field(default_factory=Location)
    value: str | None = None


@dataclass(frozen=True)
class Document:
    """What a reader produced from one file."""

    path: str
    type: str
    segments: Sequence[Segment]  # a tuple, or LazySegments for a spreadsheet's cells
    meta: dict[str, str] = field(default_factory=dict)
    tables: tuple[Table, ...] = ()
    links: tuple[Link, ...] = ()
    facts: tuple[Fact, ...] = ()
    encoding: str | None = None
    # ids and names a ``#fragment`` of this page can target (HTML ``id=`` and ``<a name=>``);
    # None when the reader does not collect them (then in-page anchors are not checked)
    anchors: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """What a detector reports: a rule and a span of the joined document text.

    ``start``/``end`` are offsets in :attr:`Text.text`; a hit about the file as a whole (a fact, a
    link, a table column) has ``start = -1`` and carries its own ``location`` and ``match``.
    ``message`` and ``severity`` override the rule's defaults when set.
    """

    rule: str
    start: int
    end: int
    suggestion: str | None = None
    message: str | None = None
    severity: str | None = None
    match: str | None = None
    location: Location | None = None
    note: str | None = None
    advice: str | None = None   # what to do when there is no one replacement (the possible dates ...)
    cells: tuple[str, ...] | None = None   # a folded column (P009): every cell it covers


@dataclass(frozen=True, slots=True)
class Offsets:
    """Where a finding's ``match`` is written, for a program that highlights it: ``text[start:end]``
    in code points (Python) and ``[start_utf16:end_utf16]`` in UTF-16 code units (JavaScript,
    Java, C#) of the text named by ``scope``: ``"text"`` the whole text submitted to
    ``check_text``/``POST /v1/check`` as it was sent (CR LF kept), ``"segment"`` the text of the
    segment the match is in (a paragraph, cell, page or line as the reader extracted it, before
    normalisation). docs/json-report.md."""

    start: int
    end: int
    start_utf16: int
    end_utf16: int
    scope: str = "segment"

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "start": self.start, "end": self.end,
                "start_utf16": self.start_utf16, "end_utf16": self.end_utf16}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    category: str
    severity: str
    message: str
    match: str
    suggestion: str | None
    location: Location
    context: str
    note: str | None = None
    # what to do when ``suggestion`` is None: the hit's own advice (the dates that exist, the
    # nearest existing file) or the rule's 怎么改
    advice: str | None = None
    # set only when a scan runs with a ledger (docs/ledger.md): the finding's fingerprint and
    # whether the ledger already knew it ("new" | "known" | "ignored" | "reopened")
    fingerprint: str | None = None
    ledger_state: str | None = None
    # a folded list column (P009, docs/privacy.md): the reference of every cell whose own
    # privacy finding it stands for (``("C2", "C3", ...)``); None when nothing is folded
    cells: tuple[str, ...] | None = None
    # where ``match`` is written (None for a finding about the file as a whole)
    offsets: Offsets | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "match": self.match,
            "suggestion": self.suggestion,
            "location": self.location.to_dict(),
            "context": self.context,
            "note": self.note,
            "advice": self.advice,
            # a Finding rebuilt from a report (``Finding(**d)``) holds the JSON's dict
            "offsets": self.offsets.to_dict() if isinstance(self.offsets, Offsets) else self.offsets,
        }
        if self.cells is not None:
            out["cells"] = list(self.cells)
        if self.fingerprint is not None:
            out["fingerprint"] = self.fingerprint
            out["ledger_state"] = self.ledger_state
        return out


@dataclass(frozen=True)
class FileResult:
    path: str
    type: str | None
    status: str  # "ok" | "error"
    error: str | None = None
    findings: tuple[Finding, ...] = ()
    encoding: str | None = None
    # findings left out by in-document markers (<!-- gkcheck-disable-next-line T001 -->)
    suppressed: int = 0

    def to_dict(self, findings: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "type": self.type,
            "status": self.status,
            "error": self.error,
            "encoding": self.encoding,
            "suppressed": self.suppressed,
        }
        if findings:
            out["findings"] = [f.to_dict() for f in self.findings]
        return out


REPORT_SCHEMA_VERSION = 1  # bumped only when a field changes meaning or goes away (docs/json-report.md)


SKIP_KINDS = ("images", "other", "hidden", "excluded", "outside")  # walk.py counts them


@dataclass(frozen=True)
class Report:
    """``skipped``: what the folder walk passed over without checking, by kind (``images``,
    ``other`` non-document files, ``hidden`` files and folders, ``excluded`` by a pattern, links
    ``outside`` the folder); empty when nothing was walked (API calls, single files)."""

    files: tuple[FileResult, ...]
    version: str
    skipped: dict[str, int] = field(default_factory=dict, hash=False, compare=False)

    def summary(self) -> dict[str, Any]:
        by_sev = {s: 0 for s in SEVERITIES}
        by_cat = {c: 0 for c in CATEGORIES}
        for f in self.files:
            for x in f.findings:
                by_sev[x.severity] += 1
                by_cat[x.category] += 1
        return {
            "files": len(self.files),
            "files_with_findings": sum(1 for f in self.files if f.findings),
            "files_failed": sum(1 for f in self.files if f.status == "error"),
            "findings": sum(by_sev.values()),
            "suppressed": sum(f.suppressed for f in self.files),
            "by_severity": by_sev,
            "by_category": by_cat,
            "skipped": {k: int(self.skipped.get(k, 0)) for k in SKIP_KINDS},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "tool": {"name": "gkcheck", "version": self.version},
            "files": [f.to_dict() for f in self.files],
            "summary": self.summary(),
        }


class GkcheckError(Exception):
    """A problem the user can act on (bad config, unreadable file); its message is shown as is."""
