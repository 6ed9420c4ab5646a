"""XLSX: the text a workbook shows besides its cells (issue 12, defect 5; docs/formats.md).

- sheet names (``part="工作表名称"``), chart sheets included;
- print headers and footers (``<headerFooter>``: 页眉/页脚, first-page and even-page ones too),
  with Excel's codes (``&P``, ``&"宋体,加粗"``, ``&12`` ...) taken out;
- data validation: the input prompt and error message (titles too) and the literal list of a
  list validation (``"是,否"``), located at the first cell of the range (``part="数据验证"``);
- formulas without a cached value (a file written by a program that does not calculate): their
  string literals joined, located at the cell (``part="公式"``); with a cached value the cell's
  value is what the user sees and is read as usual;
- charts (on a sheet through its drawing, or as a chart sheet): titles, axis titles, series
  names, category caches, text in shapes (``part="图表 chart1.xml"``); shapes and text boxes of
  a sheet's drawing (``part="图形 drawing1.xml"``); chart and drawing parts no sheet points at;
- defined names holding text (hidden ``定义的名称``), the literal text of custom number formats,
  and strings a pivot cache keeps that no cell shows (hidden ``数据透视表缓存``).

None of this is hidden from a reader of the file except what is on a hidden sheet (the sheet's
reason is kept); it is read as visible text in its own place.
"""

from __future__ import annotations

import re

from lxml import etree

from ..model import Location, Segment
from .ooxml import Package

SHEET_NAME, HEADER, FOOTER, VALIDATION, FORMULA, CHART, SHAPE = (
    "工作表名称", "页眉", "页脚", "数据验证", "公式", "图表", "图形")
_HF_LABEL = {"oddHeader": HEADER, "evenHeader": "偶数页" + HEADER, "firstHeader": "首页" + HEADER,
             "oddFooter": FOOTER, "evenFooter": "偶数页" + FOOTER, "firstFooter": "首页" + FOOTER}
# &P page, &N pages, &D &T &F &A &Z, &B &I &U &E &S &X &Y &O &H &G, &"font,style", &12 size,
# &Kcolour; && is a literal & (the &L &C &R sections are split first)
_HF_CODE = re.compile(r'&(?:"[^"]*"|K[0-9A-Fa-f]{6}|K\d{2}[+-]\d{3}|\d{1,3}|[PNDTFAZBIUESXYOHGpndtfazbiuesxyohg])')
_HF_SECTION = re.compile(r"&[LCRlcr]")
_FORMULA_STRING = re.compile(r'"((?:[^"]|"")*)"')
_CELL_OPEN = re.compile(rb"<(?:[\w.-]+:)?c[\s>]")
_C_CLOSE = re.compile(rb"</(?:[\w.-]+:)?c>")
_F_OPEN = re.compile(rb"<(?:[\w.-]+:)?f(?=[\s>/])[^>]*?(/?)>")
_V_TEXT = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>\s*[^<\s]")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3}[0-9]+)["']""")
_TEXTY = re.compile(r"[^\W_]")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&"}
_ENTITY = re.compile(r"&(?:lt|gt|quot|apos|amp);|&#(\d+);|&#x([0-9A-Fa-f]+);")
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def header_footer_text(raw: str) -> str:
    """A header/footer as printed: codes out, the left, centre and right sections apart."""
    sections = _HF_SECTION.split(raw.replace("&&", "\x00"))
    return " ".join(_HF_CODE.sub("", s).replace("\x00", "&").strip() for s in sections).strip()


def sheet_texts(root: etree._Element, sheet: str, reason: str | None) -> list[Segment]:
    """Headers, footers and data validation of one sheet (its XML without ``<sheetData>``)."""
    out: list[Segment] = []
    for hf in root.iter("{*}headerFooter"):
        for child in hf:
            if not isinstance(child.tag, str):
                continue
            label = _HF_LABEL.get(etree.QName(child).localname)
            if label and child.text:
                text = header_footer_text(child.text)
                if _TEXTY.search(text):
                    out.append(Segment(text, Location(sheet=sheet, part=label, hidden=reason)))
    for dv in root.iter("{*}dataValidation"):
        first = (dv.get("sqref") or "").split(" ")[0].split(":")[0] or None
        where = Location(sheet=sheet, cell=first, part=VALIDATION, hidden=reason)
        for attr in ("promptTitle", "prompt", "errorTitle", "error"):
            value = dv.get(attr)
            if value and _TEXTY.search(value):
                out.append(Segment(value, where, name=attr))
        if dv.get("type") == "list":
            f1 = dv.find("{*}formula1")
            literals = _FORMULA_STRING.findall(f1.text or "") if f1 is not None else []
            items = "\n".join(v.replace('""', '"').replace(",", "\n") for v in literals)
            if _TEXTY.search(items):
                out.append(Segment(items, where, name="list"))
    return out


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            code = int(m.group(1), 10) if m.group(1) else int(m.group(2), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return _ENTITIES[m.group()]
    return _ENTITY.sub(one, text)


def uncached_formulas(data: bytes, start: int, end: int, sheet: str, reason: str | None) -> list[Segment]:
    """String literals of the formulas in ``<sheetData>`` (``data[start:end]``) whose cell has no
    cached value: what Excel shows once it calculates, that a reader of values never sees. A
    byte scan (the sheet is not parsed twice); literals are joined (``"139"&"0797"`` is one)."""
    out: list[Segment] = []
    pos = start
    while True:
        m = _F_OPEN.search(data, pos, end)
        if m is None:
            break
        pos = m.end()
        if m.group(1):
            continue  # <f .../>: a shared formula's follower, no text of its own
        close = data.find(b"</", pos, end)
        if close < 0:
            break
        body = data[pos:close]
        if b'"' not in body:
            continue
        cell_close = _C_CLOSE.search(data, close, end)
        if _V_TEXT.search(data, close, cell_close.start() if cell_close else end):
            continue  # a cached value: the cell's value is read
        text = "".join(v.replace('""', '"') for v in _FORMULA_STRING.findall(_xml_text(body)))
        if not _TEXTY.search(text):
            continue
        cell_at = data.rfind(b"<", start, m.start())
        while cell_at >= start and not _CELL_OPEN.match(data, cell_at):
            cell_at = data.rfind(b"<", start, cell_at)
        ref_m = _R_ATTR.search(data, cell_at, m.start()) if cell_at >= start else None
        ref = ref_m.group(1).decode("ascii").upper() if ref_m else None
        out.append(Segment(text, Location(sheet=sheet, cell=ref, part=FORMULA, hidden=reason), kind="cell"))
    return out


def _drawing_texts(root: etree._Element) -> list[str]:
    """Paragraph texts of the shapes in a drawing or chart part (``a:p`` → its ``a:t`` runs)."""
    texts: list[str] = []
    for p in root.iter(A + "p"):
        text = "".join(t.text or "" for t in p.iter(A + "t"))
        if _TEXTY.search(text):
            texts.append(text)
    return texts


def chart_texts(root: etree._Element) -> list[str]:
    """A chart's titles and shape texts, then the text caches of its series (names, categories)."""
    texts = _drawing_texts(root)
    for cache in root.iter("{*}strCache", "{*}multiLvlStrCache", "{*}strLit"):
        for v in cache.iter("{*}v"):
            if v.text and _TEXTY.search(v.text):
                texts.append(v.text)
    for tx in root.iter("{*}tx"):  # a literal series name (c:tx/c:v)
        v = tx.find("{*}v")
        if v is not None and v.text and _TEXTY.search(v.text):
            texts.append(v.text)
    return texts


def drawing_segments(pkg: Package, part: str, sheet: str | None, reason: str | None,
                     seen: set[str]) -> list[Segment]:
    """The shapes of a sheet's (or chart sheet's) drawing and the charts it holds."""
    out: list[Segment] = []
    for kind, _, target in pkg.rels(part).values():
        name = kind.rsplit("/", 1)[-1]
        if name not in ("drawing", "chart") or target in seen:
            continue
        seen.add(target)
        root = pkg.xml(target)
        if root is None:
            continue
        if name == "chart":
            label = f"{CHART} {target.rsplit('/', 1)[-1]}"
            out += [Segment(t, Location(sheet=sheet, part=label, hidden=reason)) for t in chart_texts(root)]
        else:
            label = f"{SHAPE} {target.rsplit('/', 1)[-1]}"
            out += [Segment(t, Location(sheet=sheet, part=label, hidden=reason)) for t in _drawing_texts(root)]
            out += drawing_segments(pkg, target, sheet, reason, seen)
    return out


def loose_charts(pkg: Package, seen: set[str]) -> list[Segment]:
    """Chart and drawing parts no sheet points at (still in the file, still read)."""
    out: list[Segment] = []
    for name in sorted(pkg.names()):
        if name in seen or not re.fullmatch(r"xl/(?:charts/chart|drawings/drawing)[^/]*\.xml", name):
            continue
        seen.add(name)
        root = pkg.xml(name)
        if root is None:
            continue
        chart = "/charts/" in name
        label = f"{CHART if chart else SHAPE} {name.rsplit('/', 1)[-1]}"
        out += [Segment(t, Location(part=label)) for t in (chart_texts(root) if chart else _drawing_texts(root))]
    return out


DEFINED_NAME, NUMBER_FORMAT, PIVOT_CACHE = "定义的名称", "数字格式", "数据透视表缓存"
_FORMAT_LITERAL = re.compile(r'"([^"]*)"|\\(.)')


def workbook_texts(pkg: Package, workbook: str) -> list[Segment]:
    """Defined names holding text (hidden: seen only in the Name Manager) and the literal text of
    custom number formats (shown in every cell that uses them: ``"电话："0``)."""
    out: list[Segment] = []
    root = pkg.xml(workbook)
    if root is not None:
        for dn in root.iter("{*}definedName"):
            text = "".join(v.replace('""', '"') for v in _FORMULA_STRING.findall(dn.text or ""))
            if _TEXTY.search(text):
                name = dn.get("name") or ""
                out.append(Segment(text, Location(part=f"{DEFINED_NAME} {name}", hidden=DEFINED_NAME)))
    for kind, _, target in pkg.rels(workbook).values():
        if not kind.endswith("/styles") or not target:
            continue
        styles = pkg.xml(target)
        if styles is None:
            continue
        for fmt in styles.iter("{*}numFmt"):
            text = "".join(a or b for a, b in _FORMAT_LITERAL.findall(fmt.get("formatCode") or ""))
            if _TEXTY.search(text):
                out.append(Segment(text, Location(part=f"{NUMBER_FORMAT} {fmt.get('numFmtId') or ''}".strip())))
    return out


def pivot_cache_texts(pkg: Package, cell_texts: set[str]) -> list[Segment]:
    """Strings a pivot table's cache keeps that no cell shows any more (the source rows were
    deleted, the cache was not): hidden ``数据透视表缓存``. A string some cell shows is not
    repeated."""
    out: list[Segment] = []
    for name in sorted(pkg.names()):
        if not re.fullmatch(r"xl/pivotCache/pivotCache(?:Definition|Records)[^/]*\.xml", name):
            continue
        root = pkg.xml(name)
        if root is None:
            continue
        seen: set[str] = set()
        for s in root.iter("{*}s"):
            value = s.get("v") or ""
            if value and value not in cell_texts and value not in seen and _TEXTY.search(value):
                seen.add(value)
                out.append(Segment(value, Location(part=f"{PIVOT_CACHE} {name.rsplit('/', 1)[-1]}",
                                                   hidden=PIVOT_CACHE)))
    return out
