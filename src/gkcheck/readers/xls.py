"""XLS (Excel 97-2003 BIFF8) and WPS .et spreadsheets: read natively with xlrd, as the XLSX
reader reads a workbook.

Why xlrd and not python-calamine (which reads .xls values about 10x faster): on damaged .xls
files (random bytes changed, tests/test_hostile_formats.py) calamine aborted the whole Python
process ("Fatal Python error: Aborted"), and one bad file must never stop a batch; xlrd is pure
Python and fails with an exception. Measured on a busy 2-core machine: 1,000 rows × 8 columns
in 0.14 s for xlrd alone, 0.36 s for the whole reader.

The ``Workbook`` stream comes out of the compound file through :func:`.ole.stream` (bounded by
the file size) and xlrd parses its records with ``formatting_info=True``, which is what gives
the sheet states (hidden / very hidden, BOUNDSHEET), hidden rows (ROW) and columns (COLINFO) and
the cell notes (NOTE + TXO). Cells become the same :class:`~.xlsx.SheetCells` blocks as in an
XLSX file (values as the user sees them, ``名单!C12`` locations, one table per sheet whose row 0
is the header row), so every table rule works alike. The people in the document properties
(SummaryInformation) and the last user xlrd finds (WRITEACCESS) become facts.

Not read: charts, drawings and pictures, form controls, conditional formats, cell text colour
(white text on white); a hyperlink to a place inside the workbook. A FILEPASS record (password
to open) is an error.
"""

from __future__ import annotations

import gc
from typing import Any

from ..model import Document, Fact, LazySegments, Link, Location, Segment, SegmentBlock, Table
from . import Limits, ReadError
from .ole import ENCRYPTED, properties, roots, stream
from .text import column_name
from .xlsx import COMMENT, HIDDEN_COL, HIDDEN_ROW, HIDDEN_SHEET, VERY_HIDDEN_SHEET, SheetCells, SheetLayout

_STATE = {1: HIDDEN_SHEET, 2: VERY_HIDDEN_SHEET}


def _book(data: bytes) -> Any:
    import xlrd

    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False,
                                  logfile=_Null(), ragged_rows=False)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ReadError(ENCRYPTED) from None
        raise ReadError(f"XLS 工作簿无法读取（文件可能已损坏）：{exc}") from None
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # xlrd raises struct.error, IndexError, AssertionError on bad records
        raise ReadError(f"XLS 工作簿结构损坏，无法读取（{type(exc).__name__}：{exc}）") from None


class _Null:
    def write(self, *_: object) -> None:
        pass


def _row_values(sheet: Any, r: int, datemode: int, xlrd: Any) -> list[object]:
    types, values = sheet.row_types(r), sheet.row_values(r)
    out: list[object] = []
    for t, v in zip(types, values):
        if t == xlrd.XL_CELL_TEXT:
            out.append(v)
        elif t == xlrd.XL_CELL_NUMBER:
            out.append(float(v))
        elif t == xlrd.XL_CELL_DATE:
            try:
                out.append(xlrd.xldate_as_datetime(v, datemode))
            except Exception:
                out.append(float(v))
        elif t == xlrd.XL_CELL_BOOLEAN:
            out.append(bool(v))
        elif t == xlrd.XL_CELL_ERROR:
            out.append(xlrd.error_text_from_code.get(v, "#ERR"))
        else:
            out.append("")
    return out


def read_xls(ole: Any, data: bytes, path: str, limits: Limits) -> Document:
    collecting = gc.isenabled()
    gc.disable()  # as for XLSX: many new objects, no cycles
    try:
        return _read_xls(ole, data, path, limits)
    finally:
        if collecting:
            gc.enable()


def _read_xls(ole: Any, data: bytes, path: str, limits: Limits) -> Document:
    import xlrd

    names = roots(ole)
    workbook = stream(ole, names.get("workbook") or names["book"], len(data))
    assert workbook is not None
    book = _book(workbook)
    texts: list[str] = []
    blocks: list[SegmentBlock | SheetCells] = []
    tables: list[Table] = []
    links: list[Link] = []
    facts: list[Fact] = []
    total = 0
    comments_total = 0
    authors: list[str] = []
    for sheet in book.sheets():
        name = sheet.name
        reason = _STATE.get(sheet.visibility)
        total += sheet.nrows * sheet.ncols
        if total > limits.max_cells:
            raise ReadError(f"工作簿的单元格数超过上限 {limits.max_cells:,}，无法完整检查")
        if reason:
            where = "深度隐藏（只能在 VBA 编辑器中取消隐藏）" if sheet.visibility == 2 else "隐藏"
            facts.append(Fact("hidden_sheet", f"工作表“{name}”已{where}", Location(sheet=name, hidden=reason), name))
        layout = SheetLayout()
        layout.hidden_rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
        layout.hidden_cols = {c + 1 for c, info in sheet.colinfo_map.items() if info.hidden}
        cells: SheetCells | None = None
        if sheet.nrows and sheet.ncols:
            cells = SheetCells(name, 0, 0, sheet.ncols, reason, layout, len(texts))
            rows = [_row_values(sheet, r, book.datemode, xlrd) for r in range(sheet.nrows)]
            cells.read(rows, texts)
            del rows
            blocks.append(cells)
            tables.append(cells.table())
        for label, hidden, kind in (("行", layout.hidden_rows, "hidden_rows"), ("列", layout.hidden_cols, "hidden_cols")):
            if not hidden:
                continue
            numbers = sorted(hidden)
            shown = "、".join(str(n) if label == "行" else column_name(n - 1) for n in numbers[:10])
            more = "等" if len(numbers) > 10 else ""
            facts.append(Fact(kind, f"工作表“{name}”有 {len(numbers)} 个隐藏{label}（{shown}{more}）",
                              Location(sheet=name, hidden=HIDDEN_ROW if label == "行" else HIDDEN_COL),
                              str(len(numbers))))
        notes = []
        for (r, c), note in sorted(getattr(sheet, "cell_note_map", {}).items()):
            text = (note.text or "").strip()
            if not text:
                continue
            notes.append(Segment(text, Location(sheet=name, cell=f"{column_name(c)}{r + 1}", hidden=COMMENT)))
            who = (note.author or "").strip()
            if who and who not in authors:
                authors.append(who)
        if notes:
            blocks.append(SegmentBlock(len(texts), notes))
            texts.extend(s.text for s in notes)
            comments_total += len(notes)
        for link in getattr(sheet, "hyperlink_list", []):
            url = (link.url_or_path or "").strip()
            if link.type not in ("url", "unc", "local file") or not url:
                continue
            if link.textmark:
                url += "#" + link.textmark
            r, c = link.frowx, link.fcolx
            ref = f"{column_name(c)}{r + 1}"
            index = cells.index(ref) if cells is not None else None
            text = texts[index] if index is not None else (link.desc or "").strip()
            hidden = cells.hidden(index) if cells is not None and index is not None else reason
            links.append(Link(url.rstrip("\x00"), text, Location(sheet=name, cell=ref, hidden=hidden), "a", hidden))
    if comments_total:
        who = f"，批注人：{'、'.join(authors)}" if authors else ""
        facts.append(Fact("comments", f"工作簿包含 {comments_total} 条单元格批注{who}",
                          Location(hidden=COMMENT), str(comments_total)))
    meta, props = properties(ole)
    facts.extend(props)
    user = (getattr(book, "user_name", "") or "").strip()
    if user and not props:  # WRITEACCESS: the last user, when the properties name nobody
        facts.append(Fact("last_modified_by", f"文档属性中的最后保存者：{user}", Location(part="文档属性"), user))
    return Document(path, "xls", LazySegments(texts, blocks), meta=meta, tables=tuple(tables),
                    links=tuple(links), facts=tuple(facts))
