"""PPTX (and WPS .dps saved as OOXML): slide text, tables, speaker notes, comments, hidden slides.

Slides are read in presentation order (``p:sldIdLst``). Every shape's paragraphs (groups and
placeholders too) become one segment per paragraph at ``Location(page=slide number,
paragraph=n)``; a table (``a:tbl``) becomes cells with ``row``/``col`` and a
:class:`~gkcheck.model.Table` whose row 0 is the header row. A hidden slide (``show="0"``)
keeps its text with ``hidden="隐藏幻灯片"`` and is a fact. Speaker notes (``part="演讲者备注"``,
hidden: the audience does not see them) and comments (legacy ``p:cm`` and modern threaded
comments, ``hidden="批注"``) are read; hyperlinks (``a:hlinkClick``) go to ``Document.links``;
the people in the document properties become facts. The package is read within the OOXML zip
limits (:mod:`.ooxml`).

Not read: text on slide masters and layouts (placeholder prompts, master footers), charts
(``c:chart`` parts), SmartArt data, pictures; embedded files are checked as members of the
package by the checker (docs/formats.md).
"""

from __future__ import annotations

from lxml import etree

from ..model import Document, Fact, Link, Location, Segment, Table
from . import Limits, ReadError
from .ooxml import REL_HYPERLINK, Package, properties
from .places import BODY, Paragraphs, attached, cell_place, slide_place

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
HIDDEN_SLIDE, NOTES, COMMENT = "隐藏幻灯片", "演讲者备注", "批注"
_SKIP_PH = {"sldImg", "sldNum", "dt", "hdr", "ftr"}
_TITLE_PH = {"title", "ctrTitle"}


class _Places:
    """How a person names the places of one slide or its notes: ``第2张幻灯片标题``, the other
    shapes' paragraphs that show text as ``第2张幻灯片正文第N段`` (in reading order), tables as
    ``第2张幻灯片表格1 第2行第3列`` and the notes as ``第2张幻灯片备注`` / ``备注第2段``."""

    def __init__(self, page: int, notes: bool = False):
        self.slide = slide_place(page)
        self.names = Paragraphs("备注" if notes else BODY, self.slide)
        self.tables = 0

    def table(self) -> str:
        self.tables += 1
        return f"{self.slide}表格{self.tables}"


def _rid(el: etree._Element) -> str | None:
    for key, value in el.attrib.items():
        if key.endswith("}id") and "relationships" in key:
            return value
    return None


class _Slides:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.segments: list[Segment] = []
        self.tables: list[Table] = []
        self.links: list[Link] = []
        self.facts: list[Fact] = []

    def paragraph_text(self, p: etree._Element, rels: dict[str, tuple[str, str, str]], where: Location) -> str:
        parts: list[str] = []
        for el in p.iter(A + "r", A + "fld", A + "br"):
            if el.tag == A + "br":
                parts.append("\n")
                continue
            t = el.find(A + "t")
            text = t.text or "" if t is not None else ""
            parts.append(text)
            rpr = el.find(A + "rPr")
            link = rpr.find(A + "hlinkClick") if rpr is not None else None
            rid = _rid(link) if link is not None else None
            if rid and rid in rels and rels[rid][0] == REL_HYPERLINK:
                self.links.append(Link(rels[rid][1], text, where, "a", where.hidden))
        return "".join(parts)

    def shapes(self, tree: etree._Element, rels: dict[str, tuple[str, str, str]], page: int, part: str | None,
               hidden: str | None, counter: list[int], places: _Places, notes: bool = False) -> None:
        for el in tree:
            tag = el.tag
            if tag == P + "grpSp":
                self.shapes(el, rels, page, part, hidden, counter, places, notes)
            elif tag == P + "sp":
                ph = el.find(f"{P}nvSpPr/{P}nvPr/{P}ph")
                kind = ph.get("type") if ph is not None else None
                if notes and kind in _SKIP_PH:
                    continue
                body = el.find(P + "txBody")
                if body is not None:
                    title = f"{places.slide}标题" if kind in _TITLE_PH and not notes else None
                    for p in body.iter(A + "p"):
                        counter[0] += 1
                        where = Location(page=page, part=part, paragraph=counter[0], hidden=hidden,
                                         block=title or places.names.next())
                        text = self.paragraph_text(p, rels, where)
                        if text.strip():
                            self.segments.append(Segment(text, where))
                        elif title is None:
                            places.names.skip()  # an empty paragraph: nobody counts it
            elif tag == P + "graphicFrame":
                for tbl in el.iter(A + "tbl"):
                    self.table(tbl, rels, page, part, hidden, counter, places.table())

    def table(self, tbl: etree._Element, rels: dict[str, tuple[str, str, str]], page: int, part: str | None,
              hidden: str | None, counter: list[int], name: str) -> None:
        grid: list[tuple[int, ...]] = []
        counter[0] += 1
        first = counter[0]
        for r, tr in enumerate(tbl.iter(A + "tr")):
            row: list[int] = []
            for c, tc in enumerate(tr.iter(A + "tc")):
                where = Location(page=page, part=part, paragraph=first, row=r + 1, col=c + 1, hidden=hidden,
                                 block=cell_place(name, r + 1, c + 1))
                text = "\n".join(self.paragraph_text(p, rels, where) for p in tc.iter(A + "p")).strip("\n")
                if tc.get("hMerge") in ("1", "true") or tc.get("vMerge") in ("1", "true") or not text.strip():
                    row.append(-1)
                    continue
                row.append(len(self.segments))
                self.segments.append(Segment(text, where, kind="cell"))
            grid.append(tuple(row))
        width = max((len(r) for r in grid), default=0)
        if width:
            ref = name
            self.tables.append(Table(ref, tuple(r + (-1,) * (width - len(r)) for r in grid)))

    def comments(self, root: etree._Element, page: int, authors: dict[str, str]) -> tuple[int, list[str]]:
        count, who = 0, []
        for cm in root.iter("{*}cm"):
            body = cm.find("{*}text")
            if body is not None:
                text = (body.text or "").strip()
            else:
                text = "\n".join("".join(t.text or "" for t in p.iter(A + "t")) for p in cm.iter(A + "p")).strip()
            if not text:
                continue
            count += 1
            self.segments.append(Segment(text, Location(page=page, part=COMMENT, paragraph=count, hidden=COMMENT,
                                                        block=attached(slide_place(page), COMMENT))))
            name = authors.get(cm.get("authorId") or "", "")
            if name and name not in who:
                who.append(name)
        return count, who


def _authors(pkg: Package) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in ("ppt/commentAuthors.xml", "ppt/authors.xml"):
        root = pkg.xml(part)
        if root is None:
            continue
        for a in root.iter("{*}cmAuthor", "{*}author"):
            key = a.get("id") or ""
            name = a.get("name") or ""
            if key and name:
                out[key] = name
    return out


def read_pptx(data: bytes, path: str, limits: Limits) -> Document:
    pkg = Package(data, limits, "pptx")
    main = "ppt/presentation.xml"
    for kind, _, target in pkg.rels("").values():
        if kind.endswith("/officeDocument") and pkg.has(target):
            main = target
    root = pkg.xml(main)
    if root is None:
        raise ReadError("文件不是有效的 PPTX 演示文稿（缺少 ppt/presentation.xml）")
    rels = pkg.rels(main)
    out = _Slides(pkg)
    authors = _authors(pkg)
    hidden_slides: list[int] = []
    comments_total, comment_authors = 0, []
    for page, sld in enumerate(root.iter(P + "sldId"), 1):
        target = rels.get(_rid(sld) or "", ("", "", ""))[2]
        slide = pkg.xml(target) if target else None
        if slide is None:
            raise ReadError(f"第 {page} 张幻灯片（{target or '未知部件'}）缺失，文件可能已损坏")
        hidden = HIDDEN_SLIDE if (slide.get("show") or "1").lower() in ("0", "false") else None
        if hidden:
            hidden_slides.append(page)
        srels = pkg.rels(target)
        tree = slide.find(f"{P}cSld/{P}spTree")
        if tree is not None:
            out.shapes(tree, srels, page, None, hidden, [0], _Places(page))
        for kind, _, part in srels.values():
            if kind.endswith("/notesSlide"):
                notes = pkg.xml(part)
                ntree = notes.find(f"{P}cSld/{P}spTree") if notes is not None else None
                if ntree is not None:
                    out.shapes(ntree, pkg.rels(part), page, NOTES, NOTES, [0], _Places(page, notes=True), notes=True)
            elif kind.endswith("/comments"):
                croot = pkg.xml(part)
                if croot is not None:
                    n, who = out.comments(croot, page, authors)
                    comments_total += n
                    comment_authors.extend(w for w in who if w not in comment_authors)
    facts = out.facts
    for page in hidden_slides:
        facts.append(Fact("hidden_slide", f"第 {page} 张幻灯片已隐藏（放映时不显示，但文件中仍有其内容）",
                          Location(page=page, hidden=HIDDEN_SLIDE, block=slide_place(page)), str(page)))
    if comments_total:
        who = f"，批注人：{'、'.join(comment_authors)}" if comment_authors else ""
        facts.append(Fact("comments", f"演示文稿包含 {comments_total} 条批注{who}", Location(part=COMMENT, hidden=COMMENT),
                          str(comments_total)))
    meta, props = properties(pkg)
    facts.extend(props)
    return Document(path, "pptx", tuple(out.segments), meta=meta, tables=tuple(out.tables),
                    links=tuple(out.links), facts=tuple(facts))
