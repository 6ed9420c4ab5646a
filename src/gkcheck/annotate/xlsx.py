"""XLSX: a cell comment (批注) and a highlighted fill on every cell with a finding, on a copy.

The package is edited the way the masker edits it (:mod:`gkcheck.masking.xlsx`), not through
openpyxl: openpyxl rewrites the whole workbook and drops what it does not model (images,
charts, pivot tables, extension lists), while here only these parts change:

- the sheet: the cell's ``s`` points to a copy of its cell format with a yellow solid fill
  (``xl/styles.xml`` gains one fill and one ``xf`` per original format), and a
  ``<legacyDrawing>`` element is added when the sheet had no comments;
- a new ``xl/commentsN.xml`` and ``xl/drawings/vmlDrawingN.vml`` (the legacy comment shapes Excel,
  WPS and LibreOffice read), their relationships and content types. A sheet that already has
  comments keeps them: a cell that already has one gets gkcheck's text appended to it, another
  cell gets a new comment and shape in the existing parts.

Findings without a cell (hidden sheets, document properties, comments) and findings whose cell
cannot be found are listed in one comment on cell A1 of the first sheet.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Sequence

from lxml import etree

from ..masking.package import read_part, rewrite, serialize
from ..masking.xlsx import S, Xlsx, col_index
from ..readers.ooxml import R_NS
from .text import AnnotateError, Note

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_VML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
FILL = "FFFFEB3B"
AUTHOR = "gkcheck"
# elements that come after <legacyDrawing> in a worksheet (CT_Worksheet's sequence)
_AFTER_LEGACY = {f"{{{S}}}{t}" for t in ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                                          "webPublishItems", "tableParts", "extLst")}
_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")

VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{n}"/></o:shapelayout>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
VML_SHAPE = ('<v:shape id="_x0000_s{sid}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
             'margin-top:2pt;width:240pt;height:{h}pt;z-index:{z};visibility:hidden" fillcolor="#ffffe1" '
             'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
             '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
             '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/>'
             '<x:SizeWithCells/><x:Anchor>{c1}, 15, {r0}, 2, {c4}, 15, {r4}, 16</x:Anchor><x:AutoFill>False</x:AutoFill>'
             '<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>')


def _el(tag: str, attrib: dict[str, str] | None = None) -> etree._Element:
    return etree.Element(f"{{{S}}}{tag}", attrib or {})


def _sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None) -> etree._Element:
    return etree.SubElement(parent, f"{{{S}}}{tag}", attrib or {})


def _safe(text: str) -> str:
    return "".join(ch if ch in "\t\n" or ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF
                   and ch not in "\ufffe\uffff" else "\ufffd" for ch in text)


class Styles:
    """``xl/styles.xml`` with one highlighted copy of each cell format used by a marked cell."""

    def __init__(self, book: Xlsx):
        self.name = "xl/styles.xml"
        self.tree = read_part(book.pkg, self.name)
        self.copies: dict[int, int] = {}
        self.fill_id: int | None = None

    def highlighted(self, s: int) -> int | None:
        if self.tree is None:
            return None
        if s in self.copies:
            return self.copies[s]
        root = self.tree.getroot()
        xfs = root.find(f"{{{S}}}cellXfs")
        if xfs is None or not len(xfs):
            return None
        if self.fill_id is None:
            fills = root.find(f"{{{S}}}fills")
            if fills is None:
                return None
            fill = _sub(fills, "fill")
            pattern = _sub(fill, "patternFill", {"patternType": "solid"})
            _sub(pattern, "fgColor", {"rgb": FILL})
            _sub(pattern, "bgColor", {"indexed": "64"})
            fills.set("count", str(len(fills)))
            self.fill_id = len(fills) - 1
        base = xfs[s] if 0 <= s < len(xfs) else xfs[0]
        xf = etree.fromstring(etree.tostring(base))
        xf.set("fillId", str(self.fill_id))
        xf.set("applyFill", "1")
        xfs.append(xf)
        xfs.set("count", str(len(xfs)))
        self.copies[s] = len(xfs) - 1
        return self.copies[s]


def _lines_text(lines: Sequence[str]) -> str:
    return _safe("\n".join(lines))


class SheetComments:
    """The comments of one sheet: its existing parts or new ones."""

    def __init__(self, book: Xlsx, sheet_part: str, n: int, names: set[str]):
        self.book, self.sheet_part, self.n = book, sheet_part, n
        rels = book.pkg.rels(sheet_part)
        self.comments_name = next((r[2] for r in rels.values() if r[0] == REL_COMMENTS and r[2]), None)
        self.vml_name = next((r[2] for r in rels.values() if r[0] == REL_VML and r[2]), None)
        self.new = self.comments_name is None
        self.vml_tree: etree._ElementTree | None = None
        self.vml_extra: list[str] = []
        if self.new:
            k = n
            while f"xl/comments{k}.xml" in names or f"xl/drawings/vmlDrawing{k}.vml" in names:
                k += 1
            self.comments_name, self.vml_name = f"xl/comments{k}.xml", f"xl/drawings/vmlDrawing{k}.vml"
            root = etree.Element(f"{{{S}}}comments", nsmap={None: S})
            _sub(_sub(root, "authors"), "author").text = AUTHOR
            _sub(root, "commentList")
            self.tree = etree.ElementTree(root)
            self.idmap = k
        else:
            tree = read_part(book.pkg, self.comments_name)
            if tree is None:
                raise AnnotateError(f"批注部件 {self.comments_name} 缺失，未生成副本")
            self.tree = tree
            self.idmap = n
        self.by_ref = {c.get("ref"): c for c in self.tree.getroot().iter(f"{{{S}}}comment")}
        authors = self.tree.getroot().find(f"{{{S}}}authors")
        names_ = [a.text for a in authors] if authors is not None else []
        if AUTHOR in names_:
            self.author = names_.index(AUTHOR)
        else:
            if authors is None:
                authors = _el("authors")
                self.tree.getroot().insert(0, authors)
            _sub(authors, "author").text = AUTHOR
            self.author = len(authors) - 1
        self.shapes = 0

    def add(self, ref: str, lines: Sequence[str]) -> None:
        text = _lines_text(lines)
        existing = self.by_ref.get(ref)
        if existing is not None:   # a comment already there: gkcheck's text appended to it
            holder = existing.find(f"{{{S}}}text")
            if holder is None:
                holder = _sub(existing, "text")
            run = _sub(holder, "r")
            t = _sub(run, "t", {XML_SPACE: "preserve"})
            t.text = "\n" + text
            return
        comment_list = self.tree.getroot().find(f"{{{S}}}commentList")
        if comment_list is None:
            comment_list = _sub(self.tree.getroot(), "commentList")
        c = _sub(comment_list, "comment", {"ref": ref, "authorId": str(self.author)})
        t = _sub(_sub(c, "text"), "t", {XML_SPACE: "preserve"})
        t.text = text
        self.by_ref[ref] = c
        m = _REF.fullmatch(ref)
        row, col = (int(m.group(2)) - 1, col_index(m.group(1))) if m else (0, 0)
        self.shapes += 1
        height = min(400, 14 * (len(lines) + text.count("\n") // 2 + 2))
        self.vml_extra.append(VML_SHAPE.format(sid=self.idmap * 1024 + 900 + self.shapes, h=height, z=self.shapes,
                                               c1=col + 1, r0=max(row - 1, 0), c4=col + 5, r4=row + 6,
                                               row=row, col=col))

    def parts(self) -> dict[str, bytes]:
        out = {self.comments_name: serialize(self.tree)}
        if not self.vml_extra:
            return out
        if self.new:
            out[self.vml_name] = (VML_HEAD.format(n=self.idmap) + "".join(self.vml_extra) + "</xml>").encode("utf-8")
        else:
            raw = self.book.pkg.read(self.vml_name) if self.vml_name else None
            if raw is None:
                raise AnnotateError(f"工作表 {self.sheet_part} 的批注图形部件缺失，未生成副本")
            text = raw.decode("utf-8", "replace")
            end = text.rfind("</xml>")
            if end < 0:
                raise AnnotateError(f"批注图形部件 {self.vml_name} 无法识别，未生成副本")
            out[self.vml_name] = (text[:end] + "".join(self.vml_extra) + text[end:]).encode("utf-8")
        return out


def annotate_xlsx(data: bytes, notes: Sequence[Note]) -> tuple[bytes, int, int]:
    """The copy, how many findings got a comment at their cell, how many are listed on A1."""
    book = Xlsx(data)
    if not book.sheets:
        raise AnnotateError("XLSX 文件没有可读的工作表，无法生成批注副本")
    styles = Styles(book)
    parts = dict(book.sheets)
    names = set(book.pkg.names())
    per_sheet: dict[str, SheetComments] = {}
    dirty_sheets: set[str] = set()
    by_cell: dict[tuple[str, str], list[Note]] = {}
    listed: list[Note] = []
    for note in notes:
        loc = note.finding.location
        cell = None
        if loc.sheet in parts and loc.cell:
            first = loc.cell.replace("$", "").upper().split(":")[0]   # a range (a column): its first cell
            cell = book.sheet_cells(parts[loc.sheet], loc.sheet).get(first)
        if cell is None and not note.whole_file:
            found = book.find(loc, note.finding.match) if note.finding.match and not note.whole_file else None
            cell = found[0] if found else None
        if cell is None:
            listed.append(note)
            continue
        by_cell.setdefault((cell.sheet, cell.ref), []).append(note)

    def sheet_comments(sheet: str) -> SheetComments:
        if sheet not in per_sheet:
            per_sheet[sheet] = SheetComments(book, parts[sheet], len(per_sheet) + 1, names)
            names.update({per_sheet[sheet].comments_name, per_sheet[sheet].vml_name})
        return per_sheet[sheet]

    for (sheet, ref), cell_notes in by_cell.items():
        lines: list[str] = []
        for note in cell_notes:
            lines += note.lines()
        sheet_comments(sheet).add(ref, ["gkcheck：", *lines])
        cell = book.sheet_cells(parts[sheet], sheet)[ref]
        new_s = styles.highlighted(int(cell.el.get("s") or 0))
        if new_s is not None:
            cell.el.set("s", str(new_s))
            dirty_sheets.add(parts[sheet])
    if listed:
        first = book.sheets[0][0]
        lines = [f"gkcheck：以下 {len(listed)} 处问题不在某个单元格中（隐藏的工作表、文档属性、批注等），逐条列出："]
        lines += [f"{n}. {note.finding.location.describe()}：" + " ".join(note.lines()) for n, note in enumerate(listed, 1)]
        sheet_comments(first).add("A1", lines)
    replaced: dict[str, bytes] = {}
    added: dict[str, bytes] = {}
    types = read_part(book.pkg, "[Content_Types].xml")
    if types is None:
        raise AnnotateError("XLSX 文件缺少 [Content_Types].xml，无法生成批注副本")
    ct = types.getroot()
    if not any(el.get("Extension", "").lower() == "vml" for el in ct):
        ct.insert(0, etree.Element(f"{{{CT_NS}}}Default", {"Extension": "vml", "ContentType": CT_VML}))
    for sheet, sc in per_sheet.items():
        part = parts[sheet]
        for name, payload in sc.parts().items():
            (replaced if name in book.pkg.infos else added)[name] = payload
        if sc.new:
            ct.append(etree.Element(f"{{{CT_NS}}}Override", {"PartName": "/" + sc.comments_name,
                                                              "ContentType": CT_COMMENTS}))
            rels_name, rels = _sheet_rels(book, part)
            _add_rel(rels, REL_COMMENTS, _relative(part, sc.comments_name))
            rid_vml = _add_rel(rels, REL_VML, _relative(part, sc.vml_name))
            (replaced if rels_name in book.pkg.infos else added)[rels_name] = serialize(rels)
            tree = _sheet_tree(book, part)
            root = tree.getroot()
            if root.find(f"{{{S}}}legacyDrawing") is not None:
                raise AnnotateError(f"工作表 {sheet} 已有旧式绘图（表单控件），无法再加批注图形，未生成副本")
            legacy = etree.Element(f"{{{S}}}legacyDrawing", {f"{{{R_NS}}}id": rid_vml})
            after = next((el for el in root if el.tag in _AFTER_LEGACY), None)
            if after is not None:
                after.addprevious(legacy)
            else:
                root.append(legacy)
            dirty_sheets.add(part)
    replaced["[Content_Types].xml"] = serialize(types)
    for part in dirty_sheets:
        replaced[part] = serialize(_sheet_tree(book, part))
    if styles.tree is not None and styles.copies:
        replaced[styles.name] = serialize(styles.tree)
    out = rewrite(book.pkg, replaced)
    if added:
        buffer = io.BytesIO(out)
        with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as z:
            for name, payload in added.items():
                z.writestr(name, payload)
        out = buffer.getvalue()
    anchored = sum(len(v) for v in by_cell.values())
    return out, anchored, len(listed)


def _sheet_tree(book: Xlsx, part: str) -> etree._ElementTree:
    if part not in book.trees:
        tree = read_part(book.pkg, part)
        if tree is None:
            raise AnnotateError(f"工作表部件 {part} 缺失")
        book.trees[part] = tree
    return book.trees[part]


def _sheet_rels(book: Xlsx, part: str) -> tuple[str, etree._ElementTree]:
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    tree = read_part(book.pkg, name)
    if tree is None:
        tree = etree.ElementTree(etree.Element(f"{{{PKG_RELS}}}Relationships", nsmap={None: PKG_RELS}))
    return name, tree


def _add_rel(tree: etree._ElementTree, kind: str, target: str) -> str:
    taken = {el.get("Id") for el in tree.getroot()}
    n = 1
    while f"rIdGk{n}" in taken:
        n += 1
    etree.SubElement(tree.getroot(), f"{{{PKG_RELS}}}Relationship", {"Id": f"rIdGk{n}", "Type": kind, "Target": target})
    return f"rIdGk{n}"


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part))
