"""XLSX: the worksheet and shared-string XML are edited directly, so styles, number formats,
column widths, images, charts and every formula not touched stay as the user had them.

- a shared-string cell: its ``<si>`` is masked in place (run by run for rich text, so each run
  keeps its font); every cell sharing that string shows the masked value, so no copy is left;
- an inline-string cell: its ``<is>`` likewise;
- a numeric cell (a phone or ID typed as a number): becomes an inline-string cell holding the
  masked text, with its style (``s``) kept;
- a formula cell whose value holds the data: the formula is replaced by the masked value (a
  formula would compute the full value again) and ``calcChain.xml`` is dropped so Excel rebuilds it.

A finding names its sheet and cell; when that cell does not hold the value, the other cells of
the same sheet and then of the other sheets are searched. Afterwards every shared or inline
string still holding a masked value is masked the same way.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Callable, Iterator, Sequence

from lxml import etree

from ..model import Location
from ..readers.ooxml import R_NS
from ..readers.text import column_name
from .edits import Applied, Edit, MaskError, Outcome, Sweep, nearest, replace_in_pieces
from .loose import A_T, attribute_holders, settle, sweep_holders, text_holders
from .package import iterparse, open_package, part_bytes, read_part, rewrite, serialize

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_C, _ROW, _V, _F, _IS, _SI = (f"{{{S}}}{t}" for t in ("c", "row", "v", "f", "is", "si"))
_T, _RUN = f"{{{S}}}t", f"{{{S}}}r"
_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
THREADED = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
_PIVOT_PARTS = re.compile(r"xl/pivotCache/pivotCache(?:Definition|Records)[^/]*\.xml")
_DRAWN_PARTS = re.compile(r"xl/(?:charts|drawings)/[^/]+\.xml")
_HEADERS = tuple(f"{{{S}}}{t}" for t in ("oddHeader", "evenHeader", "firstHeader", "oddFooter", "evenFooter",
                                         "firstFooter"))
_COMMENT_PARTS = re.compile(r"xl/(?:[^/]+/)*(?:comments?|threadedComments?)[^/]*\.xml", re.I)


def col_index(name: str) -> int:
    n = 0
    for ch in name:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _text_elements(container: etree._Element) -> list[etree._Element]:
    """The ``<t>`` elements of an ``<si>``/``<is>``: plain, or one per rich-text run; phonetic
    guides (``rPh``) are not part of the value."""
    out = []
    for child in container:
        if child.tag == _T:
            out.append(child)
        elif child.tag == _RUN:
            t = child.find(_T)
            if t is not None:
                out.append(t)
    return out


def _set_texts(elements: list[etree._Element], old: list[str], new: list[str]) -> None:
    for el, a, b in zip(elements, old, new):
        if a != b:
            el.text = b
            if b != b.strip():
                el.set(XML_SPACE, "preserve")


def number_text(value: str) -> str:
    """A numeric cell's value as a reader shows it: ``13800138000`` for ``1.3800138E10``."""
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    if d == d.to_integral_value() and abs(d) < Decimal(10) ** 20:
        return str(int(d))
    return value


@dataclass
class Cell:
    sheet: str
    ref: str
    el: etree._Element


class Streamed:
    """A sheet read row by row: its rows, masked and serialized, in a temporary file, and the rest
    of the sheet (columns, headers and footers, data validation ...) as a small tree whose
    ``sheetData`` holds a marker where the rows go back."""

    def __init__(self, skeleton: etree._ElementTree, rows: IO[bytes], marker: str | None):
        self.skeleton, self.rows, self.marker = skeleton, rows, marker
        self.changed = False

    def pieces(self) -> Iterator[bytes]:
        """The sheet's XML, piece by piece."""
        whole = serialize(self.skeleton)
        if self.marker is None:
            yield whole
            return
        head, sep, tail = whole.partition(self.marker.encode("ascii"))
        assert sep, "the marker of the rows is always serialized"
        yield head
        self.rows.seek(0)
        while True:
            chunk = self.rows.read(1 << 20)
            if not chunk:
                break
            yield chunk
        yield tail


_COLUMNS: list[str] = []
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def row_cells(row: etree._Element, row_no: int) -> Iterator[tuple[str, etree._Element]]:
    """``(reference, cell)`` of each cell of a row: its ``r``, or the column after the previous
    cell's when it has none, in the row's number (as :meth:`Xlsx.sheet_cells` numbers them)."""
    col = -1
    letters: str | None = None  # the previous cell's column when it was taken from r as written
    digits = str(row_no)
    nd = len(digits)
    for c in row.iter(_C):
        r = c.get("r")
        if r is not None and r.endswith(digits) and 0 < len(r) - nd <= 3:
            head = r[:-nd]
            if head.isascii() and head.isalpha() and head.isupper():  # "D12" in row 12: as it is
                letters = head
                yield r, c
                continue
        m = _REF.fullmatch(r or "")
        if m:
            col = col_index(m.group(1))
        else:
            col = (col_index(letters) if letters is not None else col) + 1
        letters = None
        while len(_COLUMNS) <= col:
            _COLUMNS.append(column_name(len(_COLUMNS)))
        yield _COLUMNS[col] + digits, c


def _declarations(el: etree._Element) -> list[bytes]:
    """The namespace declarations in scope at ``el`` as lxml writes them on a serialized child:
    the child's copy of them is dropped, the sheet's root already declares them."""
    out = []
    for prefix, uri in el.nsmap.items():
        name = b"xmlns" if prefix is None else b"xmlns:" + prefix.encode("ascii")
        out.append(b" " + name + b'="' + uri.encode("utf-8").replace(b"&", b"&amp;").replace(b'"', b"&quot;") + b'"')
    return out


class Xlsx:
    def __init__(self, data: bytes):
        self.pkg = open_package(data, "xlsx")
        workbook = read_part(self.pkg, "xl/workbook.xml")
        if workbook is None:
            raise MaskError("XLSX 文件缺少 xl/workbook.xml，无法处理")
        rels = self.pkg.rels("xl/workbook.xml")
        self.sheets: list[tuple[str, str]] = []  # (name, part)
        for sheet in workbook.getroot().iter(f"{{{S}}}sheet"):
            rid = sheet.get(f"{{{R_NS}}}id")
            if rid in rels and rels[rid][2] in set(self.pkg.names()):
                self.sheets.append((sheet.get("name") or "", rels[rid][2]))
        self.sst_name = next((r[2] for r in rels.values() if r[0] == SHARED_STRINGS), "xl/sharedStrings.xml")
        self.calc_chain = next((r[2] for r in rels.values() if r[0] == CALC_CHAIN), None)
        self.trees: dict[str, etree._ElementTree] = {}
        self.cells: dict[str, dict[str, Cell]] = {}
        self.dirty: set[str] = set()
        self.formulas_dropped = False
        sst = read_part(self.pkg, self.sst_name)
        if sst is not None:
            self.trees[self.sst_name] = sst
        self.sst: list[etree._Element] = list(sst.getroot().iter(_SI)) if sst is not None else []
        self._sst_texts: list[str] | None = None  # each shared string's text, made on first use
        self.streamed: dict[str, Streamed] = {}  # sheet part → its rows, already written out
        # cell comments (legacy and threaded): (part, the elements whose text makes the comment)
        self.comments: list[tuple[str, list[etree._Element]]] = []
        for name in sorted(n for n in self.pkg.names() if _COMMENT_PARTS.fullmatch(n)):
            tree = read_part(self.pkg, name)
            if tree is None:
                continue
            self.trees[name] = tree
            for text in tree.getroot().iter(f"{{{S}}}text"):
                self.comments.append((name, _text_elements(text)))
            for text in tree.getroot().iter(f"{{{THREADED}}}text"):
                self.comments.append((name, [text]))

    def sheet_cells(self, part: str, name: str) -> dict[str, Cell]:
        if part not in self.cells:
            tree = read_part(self.pkg, part)
            if tree is None:
                self.cells[part] = {}
                return self.cells[part]
            self.trees[part] = tree
            cells: dict[str, Cell] = {}
            row_no = 0
            for row in tree.getroot().iter(_ROW):
                row_no = int(row.get("r") or row_no + 1)
                col = -1
                for c in row.iter(_C):
                    m = _REF.fullmatch(c.get("r") or "")
                    col = col_index(m.group(1)) if m else col + 1
                    ref = f"{column_name(col)}{row_no}"
                    cells[ref] = Cell(name, ref, c)
            self.cells[part] = cells
        return self.cells[part]

    def all_cells(self, first: str | None) -> Iterator[Cell]:
        order = sorted(self.sheets, key=lambda s: s[0] != first)
        for name, part in order:
            yield from self.sheet_cells(part, name).values()

    def stream_sheet(self, name: str, part: str, visit: Callable[[str, int, etree._Element], bool]) -> None:
        """Read a sheet row by row, call ``visit(sheet, row number, row)`` on each row (True when
        it changed a cell), write the row out and drop it, so a sheet of a million cells is never
        held as a tree."""
        data = part_bytes(self.pkg, part)
        if data is None:
            return
        rows = tempfile.TemporaryFile()
        changed = False
        sheet_data = None
        decls: list[bytes] = []
        row_no = 0
        try:
            events = iterparse(data, _ROW)
            for _, row in events:
                parent = row.getparent()
                if parent is not sheet_data:
                    if sheet_data is not None:
                        rows.close()
                        raise MaskError(f"工作表 {part} 的行不在同一个 sheetData 中，不是正常的 XLSX 文件，未生成副本")
                    sheet_data = parent
                    decls = _declarations(parent) if parent is not None else []
                row_no = int(row.get("r") or row_no + 1)
                if visit(name, row_no, row):
                    changed = True
                piece = etree.tostring(row, encoding="UTF-8", with_tail=True)
                gt = piece.index(b">")
                head = piece[:gt]
                for d in decls:
                    head = head.replace(d, b"", 1)
                rows.write(head + piece[gt:])
                if parent is not None:
                    parent.remove(row)
            root = events.root
        except etree.XMLSyntaxError as exc:
            rows.close()
            raise MaskError(f"部件 {part} 的 XML 无法解析（文件可能已损坏）：{exc}") from None
        del data
        marker = None
        if sheet_data is not None:
            marker = f"gkcheck-rows-{uuid.uuid4().hex}"
            sheet_data.text = (sheet_data.text or "") + marker
        tree = etree.ElementTree(root)
        self.trees[part] = tree
        self.streamed[part] = Streamed(tree, rows, marker)
        self.streamed[part].changed = changed
        if changed:
            self.dirty.add(part)

    # -- a cell's value ------------------------------------------------------------------------

    def _container(self, c: etree._Element) -> tuple[etree._Element, str] | None:
        t = c.get("t")
        if t == "s":
            v = c.find(_V)
            try:
                return self.sst[int((v.text or "").strip())], self.sst_name
            except (AttributeError, ValueError, IndexError):
                return None
        if t == "inlineStr":
            found = c.find(_IS)
            return (found, "") if found is not None else None
        return None

    def sst_text(self, index: int) -> str:
        if self._sst_texts is None:
            self._sst_texts = ["".join(t.text or "" for t in _text_elements(si)) for si in self.sst]
        return self._sst_texts[index]

    def text(self, c: etree._Element) -> str | None:
        t = c.get("t")
        if t == "inlineStr":  # the fast path of a list written by a program: one <is><t>
            found = c.find(_IS)
            if found is not None and len(found) == 1 and found[0].tag == _T:
                return found[0].text or ""
        elif t == "s":
            v = c.find(_V)
            try:
                return self.sst_text(int((v.text or "").strip()))
            except (AttributeError, ValueError, IndexError):
                return None
        container = self._container(c)
        if container is not None:
            return "".join(t.text or "" for t in _text_elements(container[0]))
        if c.get("t") in ("b", "e"):
            return None
        v = c.find(_V)
        if v is None or v.text is None:
            return None
        return v.text if c.get("t") in ("str", "d") else number_text(v.text)

    def replace(self, cell: Cell, part: str, start: int, end: int, new: str) -> str | None:
        """Mask ``[start, end)`` of the cell's value; a note for the report, or None."""
        c = cell.el
        if c.get("t") == "inlineStr":  # one <is><t>: the masked value in place
            found = c.find(_IS)
            if found is not None and len(found) == 1 and found[0].tag == _T:
                t = found[0]
                old = t.text or ""
                t.text = masked = old[:start] + new + old[end:]
                if masked != masked.strip():
                    t.set(XML_SPACE, "preserve")
                self.dirty.add(part)
                return None
        container = self._container(c)
        if container is not None:
            el, holder = container
            texts = _text_elements(el)
            old = [t.text or "" for t in texts]
            pieces = replace_in_pieces(old, start, end, new)
            _set_texts(texts, old, pieces)
            if holder and self._sst_texts is not None:
                self._sst_texts[int((c.find(_V).text or "").strip())] = "".join(pieces)
            self.dirty.add(holder or part)
            return None
        value = self.text(c)
        assert value is not None
        masked = value[:start] + new + value[end:]
        f = c.find(_F)
        note = "数字单元格改为文本"
        if f is not None:
            if f.get("t") in ("shared", "array") and f.get("ref"):
                raise MaskError(f"{cell.sheet}!{cell.ref} 是共享公式或数组公式的主单元格，其结果含个人信息，"
                                "无法只替换这一格；请先把公式改为数值后再脱敏")
            note = "公式已替换为脱敏后的值"
            self.formulas_dropped = True
        for child in list(c):
            c.remove(child)
        c.set("t", "inlineStr")
        is_ = etree.SubElement(c, _IS)
        t = etree.SubElement(is_, _T)
        t.text = masked
        if masked != masked.strip():
            t.set(XML_SPACE, "preserve")
        self.dirty.add(part)
        return note

    def find(self, loc: Location, match: str) -> tuple[Cell, str, int, bool] | None:
        parts = dict(self.sheets)
        if loc.sheet in parts and loc.cell:
            cell = self.sheet_cells(parts[loc.sheet], loc.sheet).get(loc.cell.replace("$", "").upper())
            if cell is not None:
                value = self.text(cell.el)
                at = nearest(value, match, (loc.column - 1) if loc.column else None) if value else -1
                if at >= 0:
                    return cell, parts[loc.sheet], at, True
        for cell in self.all_cells(loc.sheet):
            value = self.text(cell.el)
            at = value.find(match) if value else -1
            if at >= 0:
                return cell, parts[cell.sheet], at, False
        return None

    def holds(self, loc: Location, value: str) -> bool:
        """Whether the cell at ``loc`` already shows ``value`` (a string it shares with a cell
        masked before it)."""
        parts = dict(self.sheets)
        if loc.sheet not in parts or not loc.cell:
            return False
        cell = self.sheet_cells(parts[loc.sheet], loc.sheet).get(loc.cell.replace("$", "").upper())
        return cell is not None and value in (self.text(cell.el) or "")

    def mask_containers(self, sweep: Sweep) -> list[tuple[str, str]]:
        """Mask every value of ``sweep`` in every shared string and comment; (part, value) of each."""
        changed: list[tuple[str, str]] = []
        # a shared string is joined once (sst_text); its elements are looked at only when it holds a value
        holders: list = [(self.sst_name, i) for i in range(len(self.sst))] + self.comments
        for part, texts in holders:
            if isinstance(texts, int):
                if not sweep.find(self.sst_text(texts)):
                    continue
                texts = _text_elements(self.sst[texts])
            old = [t.text or "" for t in texts]
            matches = sweep.find("".join(old))
            if not matches:
                continue
            pieces = old
            for start, end, edit in matches:
                pieces = replace_in_pieces(pieces, start, end, edit.new)
                changed.append((part, edit.finding.match))
            _set_texts(texts, old, pieces)
            self.dirty.add(part)
        return changed

    def loose_holders(self) -> list:
        """Text outside cells the reader reads: charts and shapes, headers and footers, data
        validation prompts and lists, formula literals (all sheets are loaded by the sweep),
        defined names, number formats, pivot caches."""
        holders = []
        for name in sorted(n for n in self.pkg.names() if _DRAWN_PARTS.fullmatch(n)):
            tree = read_part(self.pkg, name)
            if tree is not None:
                self.trees[name] = tree
                holders += [(name, h) for h in text_holders(tree.getroot(), A_T, "{*}v")]
        rels = self.pkg.rels("xl/workbook.xml")
        styles = [t for kind, _, t in rels.values() if kind.endswith("/styles") and t]
        pivots = sorted(n for n in self.pkg.names() if _PIVOT_PARTS.fullmatch(n))
        for name in ["xl/workbook.xml", *styles, *pivots]:
            tree = self.trees.get(name) or read_part(self.pkg, name)
            if tree is None:
                continue
            self.trees[name] = tree
            root = tree.getroot()
            holders += [(name, h) for h in text_holders(root, f"{{{S}}}definedName")]
            holders += [(name, h) for h in attribute_holders(root, f"{{{S}}}numFmt", ("formatCode",))]
            holders += [(name, h) for h in attribute_holders(root, f"{{{S}}}s", ("v",))]
        for _, part in self.sheets:
            tree = self.trees.get(part)
            if tree is None:
                continue
            root = tree.getroot()
            holders += [(part, h) for h in text_holders(root, *_HEADERS, _F, f"{{{S}}}formula1")]
            holders += [(part, h) for h in attribute_holders(root, f"{{{S}}}dataValidation",
                                                             ("promptTitle", "prompt", "errorTitle", "error"))]
        return holders

    def save(self) -> bytes:
        replaced: dict = {name: self.streamed[name].pieces() if name in self.streamed else serialize(self.trees[name])
                          for name in self.dirty}
        if self.formulas_dropped and self.calc_chain:
            replaced[self.calc_chain] = None
            replaced.update(self._without_calc_chain())
        return rewrite(self.pkg, replaced)

    def _without_calc_chain(self) -> dict[str, bytes]:
        """[Content_Types].xml and the workbook relationships without calcChain.xml."""
        out: dict[str, bytes] = {}
        types = read_part(self.pkg, "[Content_Types].xml")
        if types is not None:
            for el in list(types.getroot()):
                if (el.get("PartName") or "").lstrip("/") == self.calc_chain:
                    types.getroot().remove(el)
            out["[Content_Types].xml"] = serialize(types)
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = read_part(self.pkg, rels_name)
        if rels is not None:
            for el in list(rels.getroot()):
                if el.get("Type") == CALC_CHAIN:
                    rels.getroot().remove(el)
            out[rels_name] = serialize(rels)
        return out


def mask_xlsx(data: bytes, path: str, edits: Sequence[Edit]) -> Outcome:
    """Each sheet is read and written row by row (:meth:`Xlsx.stream_sheet`): a finding's value is
    masked in its cell when the row comes by, and every other copy of a masked value in any cell
    likewise; a finding whose cell does not hold its value is settled at the end by the copy found
    elsewhere (the first one in sheet order, its own sheet first)."""
    book = Xlsx(data)
    applied: list[Applied] = []
    missed: list[Edit] = []
    sheets = dict(book.sheets)
    by_row: dict[tuple[str, int], dict[str, list[Edit]]] = {}  # (sheet, row) → cell → its findings
    elsewhere: list[Edit] = []  # findings whose place names no cell of a sheet
    for edit in edits:
        loc = edit.finding.location
        ref = loc.cell
        if loc.sheet not in sheets or not ref:
            elsewhere.append(edit)
            continue
        digits = ref.lstrip(_LETTERS)
        if not (digits.isascii() and digits.isdigit() and 0 < len(ref) - len(digits) <= 3 and digits[0] != "0"):
            m = _REF.fullmatch(ref.replace("$", "").upper())  # $D$12, d12: as the reader never writes them
            if m is None:
                elsewhere.append(edit)
                continue
            ref = column_name(col_index(m.group(1))) + str(int(m.group(2)))
            digits = m.group(2)
        by_row.setdefault((loc.sheet, int(digits)), {}).setdefault(ref, []).append(edit)
    sweep = Sweep(edits)
    # where the sweep first masked each value, per sheet: (index in applied, location, note)
    first_copy: dict[tuple[str, str], tuple[int, Location, str | None]] = {}

    def visit(sheet: str, row_no: int, row: etree._Element) -> bool:
        changed = False
        text = book.text
        here = by_row.pop((sheet, row_no), None)
        part = sheets[sheet]
        extra: list[str] = []  # values not written as the text of their elements
        for ref, c in row_cells(row, row_no):
            t = c.get("t")
            if t == "s" or t is None or t == "n":  # a shared string (an index) or a number (1.38E10)
                v = c.find(_V)
                raw = v.text if v is not None else None
                if raw and (t == "s" or not (raw.isdigit() and raw.isascii() and raw[0] != "0" and len(raw) < 21)):
                    shown = text(c)
                    if shown and shown != raw:
                        extra.append(shown)
            mine = here.pop(ref, None) if here else None
            if not mine:
                continue
            value = text(c)
            cell = Cell(sheet, ref, c)
            for edit in mine:
                f = edit.finding
                loc = f.location
                if value == f.match:  # the whole cell, as in most lists: no search
                    at = 0
                else:
                    at = nearest(value, f.match, (loc.column - 1) if loc.column else None) if value else -1
                if at >= 0:
                    note = book.replace(cell, part, at, at + len(f.match), edit.new)
                    applied.append(Applied(edit, loc, note))
                    value = value[:at] + edit.new + value[at + len(f.match):]  # what the cell now shows
                    changed = True
                elif value is not None and edit.new in value:
                    applied.append(Applied(edit, loc, None))  # masked with the string it shares
                else:
                    elsewhere.append(edit)
        if here:
            for cell_edits in here.values():  # a cell the row does not have
                elsewhere.extend(cell_edits)
        # every other copy of a masked value: one pass over the row, cell by cell only when the
        # row holds one. Each cell's value and formula is a substring of `joined` (the text of its
        # <t>, <v> and <f> elements, runs of a rich string contiguous; shared strings and numbers
        # as the reader shows them added), so no match there means none in any cell.
        joined = "".join(row.itertext(_T, _V, _F, with_tail=False))
        if extra:
            joined += "\n" + "\n".join(extra)
        if not sweep.find(joined):
            return changed
        part = sheets[sheet]
        for ref, c in row_cells(row, row_no):
            value = text(c)
            found = sweep.find(value) if value else None
            if found:
                cell = Cell(sheet, ref, c)
                for start, end, edit in found:
                    note = book.replace(cell, part, start, end, edit.new)
                    where = Location(sheet=sheet, cell=ref)
                    first_copy.setdefault((sheet, edit.finding.match), (len(applied), where, note))
                    applied.append(Applied(edit, where, "同一号码的另一处" + (f"，{note}" if note else "")))
                changed = True
            formula = c.find(_F)
            if formula is not None and formula.text:  # a literal in a formula (its result is masked above)
                found = sweep.find(formula.text)
                if found:
                    literal = formula.text
                    for start, end, edit in found:
                        literal = literal[:start] + edit.new + literal[end:]
                        in_formulas.append((part, edit.finding.match))
                    formula.text = literal
                    changed = True
        return changed

    in_formulas: list[tuple[str, str]] = []
    for name, part in book.sheets:
        if part not in book.streamed:
            book.stream_sheet(name, part, visit)
    for cells in by_row.values():  # rows that are not in the sheet
        for cell_edits in cells.values():
            elsewhere.extend(cell_edits)
    # a finding whose cell did not hold its value: the copy the sweep masked stands for it
    order = [name for name, _ in book.sheets]
    for edit in elsewhere:
        f = edit.finding
        mine = sorted(order, key=lambda n: n != f.location.sheet)
        hit = next((first_copy.pop((n, f.match)) for n in mine if (n, f.match) in first_copy), None)
        if hit is None:
            missed.append(edit)
            continue
        index, where, note = hit
        applied[index] = Applied(edit, where, "在报告位置附近找到并脱敏" + (f"，{note}" if note else ""))
    # every shared string and comment still holding a masked value (a comment is masked only
    # here: the reader locates it at its cell, which does not hold the value)
    for part, value in book.mask_containers(sweep):
        if part == book.sst_name:
            continue  # a string no cell shows any more
        waiting = [e for e in missed if e.finding.match == value]
        if waiting:
            missed.remove(waiting[0])
            applied.append(Applied(waiting[0], waiting[0].finding.location, None))
        else:
            applied.append(Applied(sweep.by_value[value], Location(part=part), "同一号码在批注中的另一处"))
    # text outside cells: charts, shapes, headers/footers, data validation, formulas (masking/loose.py)
    changed = in_formulas + sweep_holders(book.loose_holders(), sweep)
    book.dirty.update(part for part, _ in changed)
    settle(changed, missed, applied, "图表、页眉页脚、数据验证或公式", sweep)
    try:
        return Outcome(book.save() if applied else data, tuple(applied), tuple(missed))
    finally:
        for streamed in book.streamed.values():
            streamed.rows.close()
