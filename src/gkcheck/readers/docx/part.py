"""Reading the block content of one part: paragraphs, runs, fields, tables, text boxes."""

from __future__ import annotations

from lxml import etree

from ...model import Link, Location, Segment, Table
from ..ooxml import REL_HYPERLINK
from .builder import _Builder, _Field, _Link, _Plain
from .names import (A_HLINK, ALT_TEXT, ALTCHUNK, ALTERNATE, BODY, BR, COMMENT, COMMENT_REF, COMMENT_START,
                    CR, CUSTOMXML, DEL, DELETED, DELTEXT, DOCPR, DRAWING, FLDCHAR, FLDSIMPLE, HYPERLINK, ID,
                    INS, INSTR, MOVED, MOVEFROM, MOVETO, NBHYPHEN, OBJECT, P, PICT, PPR, PSTYLE, R, RPR, RSTYLE,
                    SDT, SDTCONTENT, SMARTTAG, T, TAB, TBL, TC, TR, VAL, VANISH, VANISHED, W, _choose, _on,
                    _rid, _textboxes, field_url)


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with ``tag``, looking through content controls and custom XML wrappers."""
    out: list[etree._Element] = []
    for child in el:
        if child.tag == tag:
            out.append(child)
        elif child.tag in (SDT, SDTCONTENT, CUSTOMXML):
            inner = child.find(SDTCONTENT) if child.tag == SDT else child
            if inner is not None:
                out.extend(_children(inner, tag))
    return out


def _cell_paragraphs(tc: etree._Element, part: _Part) -> list[etree._Element]:
    """The paragraphs of a cell; nested tables are read as tables of their own on the way."""
    out: list[etree._Element] = []
    for child in tc:
        tag = child.tag
        if tag == P:
            out.append(child)
        elif tag == TBL:
            part.table(child)
        elif tag in (SDT, SDTCONTENT, CUSTOMXML):
            inner = child.find(SDTCONTENT) if tag == SDT else child
            if inner is not None:
                out.extend(_cell_paragraphs(inner, part))
    return out


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class _Part:
    """Reads the block content of one part (body, header, footnotes, a text box ...)."""

    def __init__(self, b: _Builder, label: str, rels: dict[str, tuple[str, str, str]],
                 hidden: str | None = None, fixed_paragraph: int | None = None,
                 plain: _Plain | None = None, fixed_block: str | None = None) -> None:
        self.b = b
        self.plain = plain
        self.label = label
        self.rels = rels
        self.hidden = hidden
        self.fixed = fixed_paragraph
        self.count = 0
        # the place as a person finds it (Location.block): paragraphs outside tables are counted
        # apart from table cells (正文第N段, 表格2 第3行第1列); text boxes and comments keep their anchor's
        self.fixed_block = fixed_block
        self.outside = 0
        self.block: str | None = fixed_block
        self.fields: list[_Field] = []
        self.active: list[_Link] = []

    # -- blocks -------------------------------------------------------------------------------

    def blocks(self, parent: etree._Element) -> None:
        for el in parent:
            tag = el.tag
            if tag == P:
                self.emit_paragraph(el)
            elif tag == TBL:
                self.table(el)
            elif tag == SDT:
                content = el.find(SDTCONTENT)
                if content is not None:
                    self.blocks(content)
            elif tag in (CUSTOMXML, INS, DEL, MOVEFROM, MOVETO, SDTCONTENT):
                self.blocks(el)
            elif tag == ALTERNATE:
                branch = _choose(el)
                if branch is not None:
                    self.blocks(branch)
            elif tag == ALTCHUNK:
                rid = _rid(el)
                if rid:
                    self.b.chunks.append((rid, Location(part=self.label, paragraph=self.count or None,
                                                        hidden=self.hidden), self.rels))

    def location(self, paragraph: int, hidden: str | None = None, row: int | None = None,
                 col: int | None = None) -> Location:
        return Location(part=self.label, paragraph=paragraph, row=row, col=col,
                        hidden=self.hidden or hidden, block=self.block)

    def next_block(self) -> str | None:
        """The human name of the next paragraph outside a table: ``正文第N段``, ``页脚`` (the
        first paragraph of a header/footer/note part) or ``页脚第N段``."""
        if self.fixed_block is not None:
            return self.fixed_block
        self.outside += 1
        if self.label == BODY:
            return f"正文第{self.outside}段"
        return self.label if self.outside == 1 else f"{self.label}第{self.outside}段"

    def uncount(self) -> None:
        """The paragraph just named shows no text: a person counting paragraphs skips it."""
        if self.fixed_block is None:
            self.outside -= 1

    def number(self) -> int:
        """The number of the next paragraph (text boxes and comments keep their anchor's)."""
        if self.fixed is None:
            self.count += 1
            return self.count
        return self.fixed

    def plain_text(self, p: etree._Element) -> str | None:
        """The text of ``p`` when it is plain here (see :class:`_Plain`; not inside an open
        field or link), else None: the paragraph needs the full walk."""
        plain = self.plain
        if plain is None or p in plain.rich or self.fields or self.active:
            return None
        pieces = plain.texts.get(p)
        return "".join(pieces) if pieces else ""

    def emit_paragraph(self, p: etree._Element) -> None:
        self.block = self.next_block()
        text = self.plain_text(p)
        if text is not None:
            n = self.number()
            if text:
                where = Location(part=self.label, paragraph=n, hidden=self.hidden or None, block=self.block)
                self.b.segments.append(Segment(text, where))
            if not text.strip():
                self.uncount()
            return
        n, frags, boxes = self.paragraph(p)
        visible = "".join(text for reason, text in frags if reason is None)
        if visible:
            self.b.segments.append(Segment(visible, self.location(n)))
        if not visible.strip():
            self.uncount()
        self.emit_hidden(n, frags)
        self.emit_textboxes(n, boxes)

    def emit_hidden(self, n: int, frags: list[tuple[str | None, str]], row: int | None = None,
                    col: int | None = None) -> None:
        piece: list[str] = []
        current: str | None = None
        for reason, text in [*frags, (None, "")]:
            if reason != current:
                if current is not None and "".join(piece).strip():
                    loc = self.location(n, current, row, col)
                    self.b.segments.append(Segment("".join(piece), loc, kind="cell" if row else "text"))
                    if current == VANISHED:
                        self.b.hidden_count += 1
                        self.b.first_hidden = self.b.first_hidden or loc
                piece, current = [], reason
            if reason is not None:
                piece.append(text)

    def emit_textboxes(self, n: int, boxes: list[etree._Element]) -> None:
        for box in boxes:
            label = "文本框" if self.label == BODY else self.label + "文本框"
            _Part(self.b, label, self.rels, self.hidden, n, self.plain,
                  f"{self.block}的文本框" if self.block else None).blocks(box)

    def table(self, tbl: etree._Element) -> None:
        self.b.table_count += 1
        ref = f"表格{self.b.table_count}" if self.label == BODY else f"{self.label}表格{self.b.table_count}"
        grid: list[list[int]] = []
        for tr in _children(tbl, TR):
            row: list[int] = []
            trpr = tr.find(W + "trPr")
            before = trpr.find(W + "gridBefore") if trpr is not None else None
            if before is not None:
                row.extend([-1] * _int(before.get(VAL), 0))
            for tc in _children(tr, TC):
                tcpr = tc.find(W + "tcPr")
                span, merged = 1, False
                if tcpr is not None:
                    gs = tcpr.find(W + "gridSpan")
                    span = max(1, _int(gs.get(VAL), 1)) if gs is not None else 1
                    vm = tcpr.find(W + "vMerge")
                    merged = vm is not None and vm.get(VAL) != "restart"
                r, c = len(grid) + 1, len(row) + 1
                index = self.cell(tc, r, c, ref)  # a merged continuation still counts its paragraphs
                row.append(-1 if merged else index)
                row.extend([-1] * (span - 1))
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        cells = tuple(tuple(r + [-1] * (width - len(r))) for r in grid)
        self.b.tables.append(Table(ref, cells))

    def cell(self, tc: etree._Element, row: int, col: int, ref: str) -> int:
        texts: list[str] = []
        first: int | None = None
        hidden: list[tuple[int, list[tuple[str | None, str]]]] = []
        boxes: list[tuple[int, list[etree._Element]]] = []
        block = f"{self.fixed_block}的" if self.fixed_block else ""
        block += f"{ref} 第{row}行第{col}列"
        for p in _cell_paragraphs(tc, self):  # nested tables are read here, before self.block is set
            self.block = block
            plain = self.plain_text(p)
            if plain is not None:  # nothing hidden in it: no emit_hidden
                n = self.number()
                first = n if first is None else first
                if plain:
                    texts.append(plain)
                continue
            n, frags, tb = self.paragraph(p)
            first = n if first is None else first
            visible = "".join(text for reason, text in frags if reason is None)
            if visible:
                texts.append(visible)
            hidden.append((n, frags))
            if tb:
                boxes.append((n, tb))
        index = -1
        text = "\n".join(texts)
        if text and first is not None:
            index = len(self.b.segments)
            self.b.segments.append(Segment(text, self.location(first, None, row, col), kind="cell"))
        for n, frags in hidden:
            self.emit_hidden(n, frags, row, col)
        for n, tb in boxes:
            self.emit_textboxes(n, tb)
        return index

    # -- inside a paragraph --------------------------------------------------------------------

    def paragraph(self, p: etree._Element) -> tuple[int, list[tuple[str | None, str]], list[etree._Element]]:
        n = self.number()
        frags: list[tuple[str | None, str]] = []
        boxes: list[etree._Element] = []
        style_hidden = False
        ppr = p.find(PPR)
        if ppr is not None:
            ps = ppr.find(PSTYLE)
            style_hidden = ps is not None and ps.get(VAL) in self.b.hidden_styles
        self.inline(p, None, frags, boxes, n, style_hidden)
        return n, frags, boxes

    def add(self, frags: list[tuple[str | None, str]], reason: str | None, text: str | None) -> None:
        if not text:
            return
        if self.fields and not self.fields[-1].result:
            return  # text inside a field instruction is not shown
        frags.append((reason, text))
        if reason is None:
            for link in self.active:
                link.text.append(text)

    def inline(self, el: etree._Element, reason: str | None, frags: list[tuple[str | None, str]],
               boxes: list[etree._Element], n: int, style_hidden: bool) -> None:
        for child in el:
            tag = child.tag
            if tag == R:
                self.run(child, reason, frags, boxes, n, style_hidden)
            elif tag in (INS, MOVETO):
                start = len(frags)
                self.inline(child, reason, frags, boxes, n, style_hidden)
                inserted = "".join(t for r, t in frags[start:] if r is None)
                if inserted.strip() and self.hidden is None:
                    self.b.insertions.append((inserted, self.location(n)))
            elif tag == DEL:
                self.inline(child, reason or DELETED, frags, boxes, n, style_hidden)
            elif tag == MOVEFROM:
                self.inline(child, reason or MOVED, frags, boxes, n, style_hidden)
            elif tag == HYPERLINK:
                link = self.hyperlink(child, n, reason)
                if link is not None:
                    self.active.append(link)
                self.inline(child, reason, frags, boxes, n, style_hidden)
                if link is not None:
                    self.active.remove(link)
                    self.finish(link)
            elif tag == FLDSIMPLE:
                url = field_url(child.get(W + "instr") or "")
                link = _Link(url, self.location(n, reason)) if url else None
                if link is not None:
                    self.active.append(link)
                self.inline(child, reason, frags, boxes, n, style_hidden)
                if link is not None:
                    self.active.remove(link)
                    self.finish(link)
            elif tag in (SMARTTAG, CUSTOMXML, SDTCONTENT, W + "bdo", W + "dir"):
                self.inline(child, reason, frags, boxes, n, style_hidden)
            elif tag == SDT:
                content = child.find(SDTCONTENT)
                if content is not None:
                    self.inline(content, reason, frags, boxes, n, style_hidden)
            elif tag == ALTERNATE:
                branch = _choose(child)
                if branch is not None:
                    self.inline(branch, reason, frags, boxes, n, style_hidden)
            elif tag == COMMENT_START:
                self.anchor_comment(child, n)

    def hyperlink(self, el: etree._Element, n: int, reason: str | None) -> _Link | None:
        rid = _rid(el)
        anchor = el.get(W + "anchor")
        if rid and rid in self.rels:
            url = self.rels[rid][1] + ("#" + anchor if anchor else "")
            return _Link(url, self.location(n, reason))
        return None

    def finish(self, link: _Link) -> None:
        self.b.links.append(Link(link.url, "".join(link.text).strip(), link.location, link.tag,
                                 link.location.hidden))

    def anchor_comment(self, el: etree._Element, n: int) -> None:
        cid = el.get(ID)
        if cid is not None and cid not in self.b.comment_anchor:
            self.b.comment_anchor[cid] = Location(part=self.label, paragraph=n, hidden=COMMENT, block=self.block)

    def run(self, r: etree._Element, reason: str | None, frags: list[tuple[str | None, str]],
            boxes: list[etree._Element], n: int, style_hidden: bool) -> None:
        hidden = reason
        if hidden is None:
            rpr = r.find(RPR)
            vanish = rpr.find(VANISH) if rpr is not None else None
            if vanish is not None:
                if _on(vanish):
                    hidden = VANISHED
            elif style_hidden:
                hidden = VANISHED
            elif rpr is not None:
                rs = rpr.find(RSTYLE)
                if rs is not None and rs.get(VAL) in self.b.hidden_styles:
                    hidden = VANISHED
        for child in r:
            tag = child.tag
            if tag == T:
                self.add(frags, hidden, child.text)
            elif tag == DELTEXT:
                self.add(frags, reason or DELETED, child.text)
            elif tag == TAB:
                self.add(frags, hidden, "\t")
            elif tag in (BR, CR):
                self.add(frags, hidden, "\n")
            elif tag == NBHYPHEN:
                self.add(frags, hidden, "-")
            elif tag == FLDCHAR:
                self.field_char(child.get(W + "fldCharType"), n, hidden)
            elif tag == INSTR:
                if self.fields and not self.fields[-1].result:
                    self.fields[-1].instr.append(child.text or "")
            elif tag in (DRAWING, PICT, OBJECT, ALTERNATE):
                boxes.extend(_textboxes(child))
                for pr in child.iter(DOCPR):
                    for attr in ("descr", "title"):
                        value = pr.get(attr)
                        if value and value.strip():
                            self.b.segments.append(Segment(value, Location(
                                part=f"{self.label}{ALT_TEXT}", paragraph=n, hidden=self.hidden or hidden,
                                block=f"{self.block}的{ALT_TEXT}" if self.block else None),
                                kind="attr", name=attr))
                for h in child.iter(A_HLINK):
                    rid = _rid(h)
                    if rid and rid in self.rels and self.rels[rid][0] == REL_HYPERLINK:
                        self.b.links.append(Link(self.rels[rid][1], h.get("tooltip") or "",
                                                 self.location(n, hidden), "img", self.hidden or hidden))
            elif tag == COMMENT_REF:
                self.anchor_comment(child, n)

    def field_char(self, kind: str | None, n: int, hidden: str | None) -> None:
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            field = self.fields[-1]
            field.result = True
            url = field_url("".join(field.instr))
            if url:
                field.link = _Link(url, self.location(n, hidden))
                self.active.append(field.link)
        elif kind == "end" and self.fields:
            field = self.fields.pop()
            if field.link is not None:
                if field.link in self.active:
                    self.active.remove(field.link)
                self.finish(field.link)
            elif not field.result:
                url = field_url("".join(field.instr))
                if url:  # a field without a result: the link has no text
                    self.finish(_Link(url, self.location(n, hidden)))
