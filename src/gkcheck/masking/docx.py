"""DOCX: the matched characters are replaced inside the ``w:t`` (and ``w:delText``) elements of the
paragraph the finding points to, run by run, so every run keeps its properties (bold, colour,
font) even when a number is split over several runs. Nothing else in the package changes.

A finding names its part and 1-based paragraph; when that paragraph does not hold the value (a
reader that counts paragraphs differently), the nearest paragraph that does is used, first in
the same part, then in the others. Afterwards every other place in the package that still holds
a masked value (the compatibility copy of a text box, a header repeating it) is masked the same
way, so no copy of the value is left in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from lxml import etree

from ..model import Location
from .edits import Applied, Edit, Outcome, Sweep, nearest, replace_in_pieces
from .loose import A_T, attribute_holders, mask_plain_part, settle, sweep_holders, text_holders
from .package import open_package, read_part, rewrite, serialize

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_P, _R, _T, _DEL = f"{{{W}}}p", f"{{{W}}}r", f"{{{W}}}t", f"{{{W}}}delText"
_TAB, _BR, _CR, _NBH = f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr", f"{{{W}}}noBreakHyphen"
_TXBX, _TC = f"{{{W}}}txbxContent", f"{{{W}}}tc"
_NOTES = (f"{{{W}}}footnote", f"{{{W}}}endnote")
_TYPE = f"{{{W}}}type"
_PARTS = re.compile(r"word/(?:document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
# the reader's part labels (readers/docx.py) → the part files that hold them
_LABELS = (("页眉", "header"), ("页脚", "footer"), ("脚注", "footnotes"), ("尾注", "endnotes"),
           ("批注", "comments"), ("正文", "document"))
_NAMES = {"document": "正文", "header": "页眉", "footer": "页脚", "footnotes": "脚注",
          "endnotes": "尾注", "comments": "批注"}
TEXTBOX, COMMENT = "文本框", "批注"
_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_DIAGRAMS = re.compile(r"word/diagrams/(?:data|drawing)[^/]*\.xml")


@dataclass
class Paragraph:
    """The text of one ``w:p``: its pieces (``w:t``/``w:delText`` elements are editable, tabs and
    breaks are not) in document order, without the paragraphs nested in it (text boxes)."""

    el: etree._Element
    elements: list[etree._Element | None] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    boxes: list["Paragraph"] = field(default_factory=list)  # text-box paragraphs anchored here
    dirty: bool = False

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def replace(self, start: int, end: int, new: str) -> None:
        pieces = replace_in_pieces(self.pieces, start, end, new)
        for i, el in enumerate(self.elements):
            if el is None:
                pieces[i] = self.pieces[i]  # tabs and breaks stay what they are
            elif pieces[i] != self.pieces[i]:
                el.text = pieces[i]
                if pieces[i] != pieces[i].strip():
                    el.set(XML_SPACE, "preserve")
        self.pieces = pieces
        self.dirty = True


def paragraphs(root: etree._Element) -> tuple[list[Paragraph], list[Paragraph]]:
    """The paragraphs of a part numbered as the reader numbers them (text-box paragraphs and the
    separators of footnotes left out; each text box's paragraphs hang on its anchor paragraph),
    and every paragraph of the part."""
    every = {p: Paragraph(p) for p in root.iter(_P)}
    for el in root.iter(_T, _DEL, _TAB, _BR, _CR, _NBH):
        if el.tag not in (_T, _DEL) and (el.getparent() is None or el.getparent().tag != _R):
            continue  # tab stops in paragraph properties, not characters
        p = next(el.iterancestors(_P), None)
        if p is None or p not in every:
            continue
        para = every[p]
        para.elements.append(el if el.tag in (_T, _DEL) else None)
        para.pieces.append(el.text or "" if el.tag in (_T, _DEL) else
                           {_TAB: "\t", _NBH: "-"}.get(el.tag, "\n"))
    main: list[Paragraph] = []
    for p, para in every.items():
        box = next(p.iterancestors(_TXBX), None)
        if box is not None:
            anchor = next(box.iterancestors(_P), None)
            while anchor is not None and next(anchor.iterancestors(_TXBX), None) is not None:
                anchor = next(next(anchor.iterancestors(_TXBX)).iterancestors(_P), None)
            if anchor in every:
                every[anchor].boxes.append(para)
            continue
        note = next(p.iterancestors(*_NOTES), None)
        if note is not None and note.get(_TYPE) not in (None, "normal"):
            continue
        main.append(para)
    return main, list(every.values())


def part_label(name: str) -> str:
    base = re.sub(r"\d+$", "", name.removeprefix("word/").removesuffix(".xml"))
    return _NAMES.get(base, name)


def _base(name: str) -> str:
    return re.sub(r"\d+$", "", name.removeprefix("word/").removesuffix(".xml"))


def _part_order(loc: Location, names: list[str]) -> tuple[list[str], list[str]]:
    """The parts a finding at ``loc`` is in (all headers for 页眉 ...), and the others."""
    wanted = loc.part or ""
    base = "comments" if loc.hidden == COMMENT else next(
        (b for label, b in _LABELS if label in wanted), "document")
    first = [n for n in names if _base(n) == base]
    return first, [n for n in names if n not in first]


class Docx:
    def __init__(self, data: bytes):
        self.pkg = open_package(data, "docx")
        self.names = sorted((n for n in self.pkg.names() if _PARTS.fullmatch(n)),
                            key=lambda n: (n != "word/document.xml", n))
        self.trees: dict[str, etree._ElementTree] = {}
        self.paras: dict[str, list[Paragraph]] = {}
        self.every: dict[str, list[Paragraph]] = {}
        self.loose_dirty: set[str] = set()
        self.replaced: dict[str, bytes] = {}

    def part(self, name: str) -> list[Paragraph]:
        if name not in self.paras:
            tree = read_part(self.pkg, name)
            if tree is None:
                self.paras[name], self.every[name] = [], []
            else:
                self.trees[name] = tree
                self.paras[name], self.every[name] = paragraphs(tree.getroot())
        return self.paras[name]

    def numbered(self, name: str) -> list[tuple[int, Paragraph]]:
        """Every paragraph of a part with the reader's number, text-box paragraphs included."""
        return [(i, q) for i, p in enumerate(self.part(name)) for q in (p, *p.boxes)]

    def find(self, loc: Location, match: str) -> tuple[str, int, Paragraph, int, bool] | None:
        """(part, paragraph index, paragraph, offset, exact) of ``match`` for a finding at ``loc``."""
        preferred, others = _part_order(loc, self.names)
        hint = (loc.paragraph - 1) if loc.paragraph else None
        col = (loc.column - 1) if loc.column else None
        if hint is not None:
            for name in preferred:
                paras = self.part(name)
                if not 0 <= hint < len(paras):
                    continue
                anchor = paras[hint]
                candidates = anchor.boxes if TEXTBOX in (loc.part or "") else [anchor]
                if loc.row is not None:  # a table cell: its text is all the cell's paragraphs
                    tc = next(anchor.el.iterancestors(_TC), None)
                    candidates = [p for p in paras[hint:hint + 64] if next(p.el.iterancestors(_TC), None) is tc]
                for para in candidates:
                    at = nearest(para.text, match, col)
                    if at >= 0:
                        return name, hint, para, at, True
        for name in preferred + others:
            near = hint if hint is not None and name in preferred else 0
            found = sorted(((abs(i - near), i, k) for k, (i, p) in enumerate(self.numbered(name))
                            if match in p.text))
            if found:
                _, i, k = found[0]
                para = self.numbered(name)[k][1]
                # a comment is located at the paragraph it is anchored to: any paragraph of it will do
                exact = loc.hidden == COMMENT and name in preferred
                return name, i, para, para.text.find(match), exact
        return None

    def loose_holders(self) -> list:
        """Text outside paragraphs the reader reads: SmartArt (data and its drawing cache), alt text."""
        holders = []
        for name in sorted(n for n in self.pkg.names() if _DIAGRAMS.fullmatch(n)):
            tree = read_part(self.pkg, name)
            if tree is not None:
                self.trees[name] = tree
                holders += [(name, h) for h in text_holders(tree.getroot(), A_T)]
        for name in self.names:
            self.part(name)
            if name in self.trees:
                holders += [(name, h) for h in attribute_holders(self.trees[name].getroot(), _DOCPR, ("descr", "title"))]
        return holders

    def chunk_parts(self) -> list[str]:
        """The altChunk parts (HTML, text ...) the main part and its headers/footers point at."""
        return sorted({target for name in self.names for kind, _, target in self.pkg.rels(name).values()
                       if kind.endswith("/aFChunk") and target})

    def save(self) -> bytes:
        replaced: dict[str, bytes | None] = {name: serialize(self.trees[name]) for name, paras in self.every.items()
                                             if any(p.dirty for p in paras)}
        replaced.update({name: serialize(self.trees[name]) for name in self.loose_dirty})
        replaced.update(self.replaced)
        return rewrite(self.pkg, replaced)


def mask_docx(data: bytes, path: str, edits: Sequence[Edit]) -> Outcome:
    doc = Docx(data)
    applied: list[Applied] = []
    missed: list[Edit] = []
    for edit in edits:
        f = edit.finding
        found = doc.find(f.location, f.match)
        if found is None:
            missed.append(edit)
            continue
        name, index, para, at, exact = found
        para.replace(at, at + len(f.match), edit.new)
        loc = f.location if exact else Location(part=part_label(name), paragraph=index + 1)
        applied.append(Applied(edit, loc, None if exact else "在报告位置附近找到并脱敏"))
    # the same values anywhere else in the package: copies the reader does not show (the
    # compatibility copy of a text box), so no copy of a masked value is left in the file
    sweep = Sweep([a.edit for a in applied])
    for name in doc.names:
        doc.part(name)
        for para in doc.every[name]:
            for start, end, edit in sweep.find(para.text):
                para.replace(start, end, edit.new)
                applied.append(Applied(edit, Location(part=part_label(name)), "同一号码的另一处副本"))
    # text outside paragraphs (SmartArt, alt text, altChunk parts: masking/loose.py)
    every = Sweep(list(edits))
    changed = sweep_holders(doc.loose_holders(), every)
    doc.loose_dirty.update(part for part, _ in changed)
    settle(changed, missed, applied, "SmartArt 图形或图片替代文字", every)
    for name in doc.chunk_parts():
        chunk = doc.pkg.read(name)
        done = mask_plain_part(chunk, every) if chunk is not None else None
        if done and done[1]:
            doc.replaced[name] = done[0]
            settle([(name, v) for v in done[1]], missed, applied, "嵌入内容（altChunk）", every)
    return Outcome(doc.save() if applied else data, tuple(applied), tuple(missed))
