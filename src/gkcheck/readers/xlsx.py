"""XLSX: cell values from python-calamine (7× openpyxl), the rest from the package parts.

Every sheet is read, hidden and very hidden ones too: one segment per non-empty cell
(``kind="cell"``, ``Location(sheet=..., cell="C12")``) with the value as the user sees it (text
as stored, whole numbers without ".0", big numbers never in scientific notation, dates as
YYYY-MM-DD, booleans as TRUE/FALSE), and one :class:`~gkcheck.model.Table` per sheet. What the
user does not see is marked in ``Location.hidden``: 隐藏工作表 / 深度隐藏工作表 (sheet state in
xl/workbook.xml), 隐藏行 / 隐藏列 (``<row hidden>``/``<col hidden>`` in the sheet XML) and 批注
(cell comments, threaded ones too). Sheet hyperlinks go to ``Document.links``; hidden sheets,
rows, columns, comments and the people in the document properties go to ``Document.facts``.

Before calamine sees the package every XML part it could read has been inflated within
:class:`~gkcheck.readers.Limits` (see :mod:`.ooxml`), so a zip bomb never reaches it.
"""

from __future__ import annotations

import gc
import io
import re
from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Iterator

from lxml import etree

from ..model import Document, Fact, LazySegments, Link, Location, Segment, SegmentBlock, Table
from . import Limits, ReadError
from .ooxml import Package, parse_xml, properties
from .text import column_name
from .xlsx_parts import (SHEET_NAME, drawing_segments, loose_charts, pivot_cache_texts, sheet_texts,
                         uncached_formulas, workbook_texts)

HIDDEN_SHEET, VERY_HIDDEN_SHEET = "隐藏工作表", "深度隐藏工作表"
HIDDEN_ROW, HIDDEN_COL, COMMENT = "隐藏行", "隐藏列", "批注"
_STATE = {"hidden": HIDDEN_SHEET, "veryHidden": VERY_HIDDEN_SHEET}

_SHEET_DATA = re.compile(rb"<([\w.-]+:)?sheetData\b")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TRUE = (b"1", b"true")
# cell and row references, for the extent calamine will allocate densely (the literal forms are
# 5× faster; the general ones run only when a file writes attributes another way)
_FAST_COL, _FAST_ROW = re.compile(rb'r="([A-Z]{1,3})[0-9]'), re.compile(rb'r="([0-9]+)"')
_ANY_COL = re.compile(rb"\sr\s*=\s*[\"']([A-Z]{1,3})[0-9]")
_ANY_ROW = re.compile(rb"\sr\s*=\s*[\"']([0-9]+)[\"']")
_ODD_ATTR = (b"r='", b"r =", b"r\t=", b"r\n=", b"r\r=")
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)")


def _rel_id(el: etree._Element) -> str | None:
    for key, value in el.attrib.items():
        if key.endswith("}id") and "relationships" in key:
            return value
    return None


# -- values as the user sees them ---------------------------------------------------------------

def number_text(value: float) -> str:
    """Excel's 15 significant digits, never in scientific notation: 5.0 → "5",
    1.10101199001011e17 → "110101199001011000", 0.1 + 0.2 → "0.3"."""
    if value.is_integer() and -1e15 < value < 1e15:
        return str(int(value))
    text = format(value, ".15g")
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def value_text(value: object) -> str:
    """Any calamine value but str and float (those take the fast path in the cell loop)."""
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        h, rest = divmod(abs(seconds), 3600)
        return f"{sign}{h}:{rest // 60:02d}:{rest % 60:02d}"
    if isinstance(value, float):
        return number_text(value)
    return str(value)


# -- the sheet XML: hidden rows and columns, hyperlinks -------------------------------------------

class SheetLayout:
    """What the sheet XML says besides the values: hidden rows and columns (1-based), hyperlinks."""

    def __init__(self) -> None:
        self.hidden_rows: set[int] = set()
        self.hidden_cols: set[int] = set()
        self.hyperlinks: list[tuple[str, str | None, str | None, str | None]] = []  # ref, rid, location, display
        self.extent = 0  # cells in the rectangle from the first to the last used row and column
        self.texts: list[Segment] = []  # headers, footers, data validation, uncached formulas


def sheet_layout(data: bytes, name: str, sheet: str | None = None, reason: str | None = None) -> SheetLayout:
    """Read everything but ``<sheetData>`` with lxml, and find hidden rows inside it by their
    attribute (a byte search: a sheet of a million cells is never parsed twice)."""
    layout = SheetLayout()
    m = _SHEET_DATA.search(data)
    if m is None:
        outline, start, end = data, 0, 0
    else:
        start = m.start()
        gt = data.find(b">", m.end())
        if gt < 0:
            raise ReadError(f"工作表 {name} 的 XML 不完整，文件可能已被截断")
        if data[gt - 1:gt] == b"/":
            end = gt + 1
        else:
            close = data.rfind(b"</" + (m.group(1) or b"") + b"sheetData>")
            if close < 0:
                raise ReadError(f"工作表 {name} 的 XML 不完整，文件可能已被截断")
            end = data.find(b">", close) + 1
        outline = data[:start] + data[end:]
    root = parse_xml(outline, name)
    for col in root.iter("{*}col"):
        if (col.get("hidden") or "").lower() in ("1", "true"):
            lo, hi = _int(col.get("min")), _int(col.get("max"))
            if lo and hi and hi >= lo:
                layout.hidden_cols.update(range(lo, min(hi, 16384) + 1))
    for link in root.iter("{*}hyperlink"):
        ref = link.get("ref")
        if ref:
            layout.hyperlinks.append((ref, _rel_id(link), link.get("location"), link.get("display")))
    if sheet is not None:
        layout.texts = sheet_texts(root, sheet, reason)
    if end:
        _hidden_rows(data, start, end, layout.hidden_rows)
        layout.extent = _extent(data, start, end)
        if sheet is not None:
            layout.texts += uncached_formulas(data, start, end, sheet, reason)
    return layout


def _extent(data: bytes, start: int, end: int) -> int:
    """How many cells calamine will allocate for this sheet: it makes a dense range from the
    first to the last used cell, so one cell at XFD1048576 would ask for 17 billion."""
    odd = any(data.find(a, start, end) >= 0 for a in _ODD_ATTR)
    cols = set((_ANY_COL if odd else _FAST_COL).findall(data, start, end))
    rows = [int(r) for r in (_ANY_ROW if odd else _FAST_ROW).findall(data, start, end)]
    numbers = []
    for letters in cols:
        n = 0
        for ch in letters:
            n = n * 26 + ch - 64
        numbers.append(n)
    tags = len(_ROW_TAG.findall(data, start, end)) if not rows else 0
    height = (max(rows) - min(rows) + 1) if rows else tags
    width = (max(numbers) - min(numbers) + 1) if numbers else 1
    return max(height, 1) * width


def _hidden_rows(data: bytes, start: int, end: int, out: set[int]) -> None:
    pos = start
    while True:
        i = data.find(b"hidden", pos, end)
        if i < 0:
            return
        pos = i + 6
        lt = data.rfind(b"<", start, i)
        if lt < 0 or data.find(b">", lt, i) >= 0:
            continue  # in text, not in a tag
        if not _ROW_TAG.match(data, lt):
            continue
        gt = data.find(b">", i)
        tag = data[lt:gt + 1]
        attrs = {k: a or b for k, a, b in _ATTR.findall(tag)}
        if attrs.get(b"hidden", b"").lower() not in _TRUE:
            continue
        number = _int(attrs.get(b"r", b"").decode("ascii", "replace"))
        if not number:  # rows without r= are numbered by position
            number = len(_ROW_TAG.findall(data, start, lt)) + 1
        out.add(number)
        pos = max(pos, gt)


def _int(value: str | None) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


def _comments(pkg: Package, rels: dict[str, tuple[str, str, str]]) -> tuple[dict[str, str], list[str]]:
    """Cell reference → comment text (threaded comments win over their legacy copy), authors."""
    legacy: dict[str, str] = {}
    threaded: dict[str, list[str]] = {}
    authors: list[str] = []
    for kind, _, target in rels.values():
        if kind.endswith("/comments"):
            root = pkg.xml(target)
            if root is None:
                continue
            names = [a.text or "" for a in root.iter("{*}author")]
            for c in root.iter("{*}comment"):
                ref = c.get("ref")
                text = "".join(t.text or "" for t in c.iter("{*}t")).strip()
                if ref and text:
                    legacy[ref] = text
                    who = names[_int(c.get("authorId"))] if _int(c.get("authorId")) < len(names) else ""
                    if who and who not in authors:
                        authors.append(who)
        elif kind.endswith("/threadedComment"):
            root = pkg.xml(target)
            if root is None:
                continue
            for c in root.iter("{*}threadedComment"):
                ref = c.get("ref")
                body = c.find("{*}text")
                text = (body.text or "").strip() if body is not None else ""
                if ref and text:
                    threaded.setdefault(ref, []).append(text)
    legacy.update({ref: "\n".join(texts) for ref, texts in threaded.items()})
    return legacy, authors


# -- the workbook ---------------------------------------------------------------------------------

def _workbook(pkg: Package) -> tuple[str, list[tuple[str, str, str]]]:
    """The workbook part and its sheets in order: (name, state, sheet part)."""
    main = "xl/workbook.xml"
    for kind, _, target in pkg.rels("").values():
        if kind.endswith("/officeDocument") and pkg.has(target):
            main = target
    root = pkg.xml(main)
    if root is None:
        raise ReadError("文件不是有效的 XLSX 工作簿（缺少 xl/workbook.xml）")
    rels = pkg.rels(main)
    sheets = []
    for sheet in root.iter("{*}sheet"):
        rid = _rel_id(sheet)
        target = rels.get(rid or "", ("", "", ""))[2]
        sheets.append((sheet.get("name") or "", sheet.get("state") or "visible", target))
    return main, sheets


def read_xlsx(data: bytes, path: str, limits: Limits) -> Document:
    """Read a workbook; the cyclic garbage collector is paused meanwhile: a million new cell
    objects hold no cycles, and rescanning them as they pile up cost 0.5-0.9 s on 800k cells."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_xlsx(data, path, limits)
    finally:
        if collecting:
            gc.enable()


def _read_xlsx(data: bytes, path: str, limits: Limits) -> Document:
    import python_calamine

    pkg = Package(data, limits, "xlsx")
    workbook, sheets = _workbook(pkg)
    parts = {target for _, _, target in sheets}
    for name in list(pkg.names()):  # everything calamine may inflate, within limits, first
        if name.endswith((".xml", ".rels")) and name not in parts:
            pkg.read(name)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine's errors: zip, XML, password, unsupported
        raise ReadError(f"XLSX 工作簿无法读取（文件可能已损坏或加密）：{exc}") from None

    texts: list[str] = []           # every segment's text; cells are located lazily by their block
    blocks: list[SegmentBlock | SheetCells] = []
    tables: list[Table] = []
    links: list[Link] = []
    facts: list[Fact] = []
    total_cells = 0
    hidden_rows_total = hidden_cols_total = comments_total = 0
    all_authors: list[str] = []
    states = {n: s for n, s, _ in sheets}
    targets = {n: t for n, _, t in sheets}
    try:
        names = book.sheet_names
        kinds = {m.name: str(m.typ) for m in book.sheets_metadata}
    except Exception as exc:
        raise ReadError(f"XLSX 工作簿无法读取：{exc}") from None

    extras: list[Segment] = []  # what the workbook shows besides cells (readers/xlsx_parts.py)
    drawn: set[str] = set()
    for sheet_name, state, target in sheets:
        if sheet_name.strip():
            extras.append(Segment(sheet_name, Location(sheet=sheet_name, part=SHEET_NAME,
                                                       hidden=_STATE.get(state))))
        if target:
            extras += drawing_segments(pkg, target, sheet_name, _STATE.get(state), drawn)
    for sheet_name in names:
        if "Work" not in kinds.get(sheet_name, "WorkSheet"):
            continue  # chart and dialog sheets hold no cells
        state = states.get(sheet_name, "visible")
        sheet_reason = _STATE.get(state)
        target = targets.get(sheet_name, "")
        xml = pkg.read(target) if target else None
        layout = sheet_layout(xml, target, sheet_name, sheet_reason) if xml else SheetLayout()
        extras += layout.texts
        rels = pkg.rels(target) if target else {}
        del xml
        if total_cells + layout.extent > limits.max_cells:  # before calamine allocates the range
            raise ReadError(f"工作簿的单元格数超过上限 {limits.max_cells:,}（工作表“{sheet_name}”的数据区域有 "
                            f"{layout.extent:,} 个单元格），无法完整检查")
        try:
            sheet = book.get_sheet_by_name(sheet_name)
            start = sheet.start
            height, width = sheet.height, sheet.width
        except Exception as exc:
            raise ReadError(f"工作表“{sheet_name}”无法读取：{exc}") from None
        total_cells += height * width
        if total_cells > limits.max_cells:
            raise ReadError(f"工作簿的单元格数超过上限 {limits.max_cells:,}，无法完整检查")
        if sheet_reason:
            where = "深度隐藏（只能在 VBA 编辑器中取消隐藏）" if state == "veryHidden" else "隐藏"
            facts.append(Fact("hidden_sheet", f"工作表“{sheet_name}”已{where}",
                              Location(sheet=sheet_name, hidden=sheet_reason), sheet_name))
        row0, col0 = start if start else (0, 0)
        cells: SheetCells | None = None
        if start is not None and height and width:
            cells = SheetCells(sheet_name, row0, col0, width, sheet_reason, layout, len(texts))
            cells.read(sheet.to_python(), texts)
            blocks.append(cells)
            tables.append(cells.table())
        for label, hidden, kind in (("行", layout.hidden_rows, "hidden_rows"),
                                    ("列", layout.hidden_cols, "hidden_cols")):
            if not hidden:
                continue
            numbers = sorted(hidden)
            shown = "、".join(str(n) if label == "行" else column_name(n - 1) for n in numbers[:10])
            more = "等" if len(numbers) > 10 else ""
            count = len(numbers)
            if label == "行":
                hidden_rows_total += count
            else:
                hidden_cols_total += count
            facts.append(Fact(kind, f"工作表“{sheet_name}”有 {count} 个隐藏{label}（{shown}{more}）",
                              Location(sheet=sheet_name, hidden=HIDDEN_ROW if label == "行" else HIDDEN_COL),
                              str(count)))
        comments, authors = _comments(pkg, rels)
        if comments:
            blocks.append(SegmentBlock(len(texts), [Segment(text, Location(sheet=sheet_name, cell=ref, hidden=COMMENT))
                                                    for ref, text in comments.items()]))
            texts.extend(comments.values())
        comments_total += len(comments)
        all_authors.extend(a for a in authors if a not in all_authors)
        for ref, rid, location, display in layout.hyperlinks:
            if not rid or rid not in rels:
                continue  # a link to a place inside the workbook
            url = rels[rid][1] + ("#" + location if location else "")
            first = ref.split(":")[0]
            index = cells.index(first) if cells is not None else None
            text = texts[index] if index is not None else (display or "")
            hidden = cells.hidden(index) if cells is not None and index is not None else sheet_reason
            links.append(Link(url, text, Location(sheet=sheet_name, cell=first, hidden=hidden), "a", hidden))

    extras += loose_charts(pkg, drawn)
    extras += workbook_texts(pkg, workbook)
    if any(n.startswith("xl/pivotCache/") for n in pkg.names()):
        extras += pivot_cache_texts(pkg, set(texts))
    if extras:
        blocks.append(SegmentBlock(len(texts), extras))
        texts.extend(seg.text for seg in extras)
    if comments_total:
        who = f"，批注人：{'、'.join(all_authors)}" if all_authors else ""
        facts.append(Fact("comments", f"工作簿包含 {comments_total} 条单元格批注{who}",
                          Location(hidden=COMMENT), str(comments_total)))
    meta, props = properties(pkg)
    facts.extend(props)
    return Document(path, "xlsx", LazySegments(texts, blocks), meta=meta, tables=tuple(tables),
                    links=tuple(links), facts=tuple(facts))


class SheetCells:
    """One sheet's non-empty cells as a block of :class:`~gkcheck.model.LazySegments`: segment
    ``i`` is a cell (``kind="cell"``, ``Location(sheet=..., cell="C12")``), made only when asked.

    The grid (``Table.cells``) holds each cell's segment index row by row, so the row of segment
    ``i`` is found by bisecting the index of each row's first cell, and its column in that row."""

    def __init__(self, sheet: str, row0: int, col0: int, width: int, sheet_reason: str | None,
                 layout: SheetLayout, start: int):
        self.sheet, self.row0, self.col0, self.width = sheet, row0, col0, width
        self.sheet_reason = sheet_reason
        self.hidden_rows = layout.hidden_rows
        self.hidden_cols = layout.hidden_cols
        self.start = self.stop = start
        self.texts: list[str] = []  # the document's texts, filled by read()
        self.grid: list[tuple[int, ...]] = []
        self.row_starts: list[int] = []  # segment index of each row's first cell (or of the next row's)
        self.refs = [column_name(col0 + c) for c in range(width)]
        self.col_reason = [HIDDEN_COL if col0 + c + 1 in layout.hidden_cols else None for c in range(width)]

    def read(self, rows: list[list[object]], texts: list[str]) -> None:
        """The hot loop: each cell's text as the user sees it into ``texts``, its index into the
        grid. A row with no empty cell (most rows of a list) takes the fast path."""
        self.texts = texts
        append, extend = texts.append, texts.extend
        grid, row_starts, width = self.grid, self.row_starts, self.width
        n = self.start
        empty = [-1] * width
        for row in rows:
            row_starts.append(n)
            if "" not in row:
                if all(type(v) is str for v in row):
                    extend(row)
                else:
                    extend([v if type(v) is str else cell_text(v) for v in row])
                grid.append(tuple(range(n, n + len(row))) + tuple(empty[len(row):]))
                n += len(row)
                continue
            out = empty[:]
            for c, value in enumerate(row):
                if type(value) is str:
                    if not value:
                        continue
                    append(value)
                else:
                    append(cell_text(value))
                out[c] = n
                n += 1
            grid.append(tuple(out))
        self.stop = n

    def table(self) -> Table:
        height = len(self.grid)
        hidden_rows = frozenset(n - self.row0 - 1 for n in self.hidden_rows if 0 <= n - self.row0 - 1 < height)
        hidden_cols = frozenset(c for c in range(self.width) if self.col_reason[c])
        ref = f"{self.sheet}!{self.refs[0]}{self.row0 + 1}:{self.refs[-1]}{self.row0 + height}"
        return Table(ref, tuple(self.grid), hidden_cols, hidden_rows)

    # -- the Block protocol of LazySegments ----------------------------------------------------

    def _where(self, i: int) -> tuple[int, int]:
        r = bisect_right(self.row_starts, i) - 1
        return r, self.grid[r].index(i)

    def _reason(self, r: int, c: int) -> str | None:
        return self.sheet_reason or (HIDDEN_ROW if self.row0 + r + 1 in self.hidden_rows else None) \
            or self.col_reason[c]

    def kind(self, i: int) -> str:
        return "cell"

    def hidden(self, i: int) -> str | None:
        return self._reason(*self._where(i))

    def locate(self, i: int, offset: int) -> Location:
        r, c = self._where(i)
        return Location(None, offset + 1, self.sheet, f"{self.refs[c]}{self.row0 + r + 1}", None, None, None,
                        None, None, self._reason(r, c))

    def segment(self, i: int) -> Segment:
        r, c = self._where(i)
        return Segment(self.texts[i],
                       Location(sheet=self.sheet, cell=f"{self.refs[c]}{self.row0 + r + 1}", hidden=self._reason(r, c)),
                       (), "cell")

    def hidden_items(self) -> Iterator[tuple[int, str]]:
        if not (self.sheet_reason or self.hidden_rows or any(self.col_reason)):
            return
        for r, row in enumerate(self.grid):
            for c, i in enumerate(row):
                if i >= 0:
                    reason = self._reason(r, c)
                    if reason:
                        yield i, reason

    def index(self, ref: str) -> int | None:
        """The segment index of the cell ``ref`` (``B3``, ``$B$3``), None for an empty one."""
        m = _CELL_REF.match(ref.upper())
        if m is None:
            return None
        letters, digits = m.groups()
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        r, c = int(digits) - 1 - self.row0, col - 1 - self.col0
        if 0 <= r < len(self.grid) and 0 <= c < self.width and self.grid[r][c] >= 0:
            return self.grid[r][c]
        return None


def cell_text(value: object) -> str:
    """A cell value that is not a string as the user sees it."""
    return number_text(value) if type(value) is float else value_text(value)  # type: ignore[arg-type]
