"""DOCX: the WordprocessingML parts read with lxml (7× python-docx, docs/DEPENDENCIES).

What a reader of the published document sees is one segment per paragraph (one per table cell,
its paragraphs joined by newlines), in ``part`` 正文 / 页眉 / 首页页眉 / 偶数页页眉 / 页脚 ... /
脚注 / 尾注 / 文本框 with the 1-based ``paragraph`` inside that part. A word split over runs,
tracked insertions and field results are joined into the text as Word shows it. What the reader
does not see becomes its own segment with ``hidden`` set: tracked deletions
(``修订：已删除``, moved-away text ``修订：已移走``), hidden text (``隐藏文字``, direct or by
style) and comments (``批注``, located at the paragraph they are anchored to). Hyperlinks
(``w:hyperlink`` and HYPERLINK fields) go to ``Document.links``; tracked changes, comments, hidden
text and the people in the document properties go to ``Document.facts``.
"""

from __future__ import annotations

import re

from lxml import etree

from ..model import Document, Fact, Link, Location, Segment, Table
from . import Limits, ReadError
from .ooxml import REL_HYPERLINK, Package, parse_xml, properties

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
A_HLINK = "{http://schemas.openxmlformats.org/drawingml/2006/main}hlinkClick"
R_IDS = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
         "{http://purl.oclc.org/ooxml/officeDocument/relationships}id")

P, R, T, TBL, TR, TC = W + "p", W + "r", W + "t", W + "tbl", W + "tr", W + "tc"
DELTEXT, INSTR, FLDCHAR, FLDSIMPLE = W + "delText", W + "instrText", W + "fldChar", W + "fldSimple"
INS, DEL, MOVEFROM, MOVETO = W + "ins", W + "del", W + "moveFrom", W + "moveTo"
HYPERLINK, SDT, SDTCONTENT, CUSTOMXML, SMARTTAG = (W + "hyperlink", W + "sdt", W + "sdtContent",
                                                   W + "customXml", W + "smartTag")
RPR, PPR, VANISH, RSTYLE, PSTYLE = W + "rPr", W + "pPr", W + "vanish", W + "rStyle", W + "pStyle"
TXBX, ALTERNATE, CHOICE, FALLBACK = W + "txbxContent", MC + "AlternateContent", MC + "Choice", MC + "Fallback"
COMMENT_START, COMMENT_REF = W + "commentRangeStart", W + "commentReference"
TAB, BR, CR, NBHYPHEN = W + "tab", W + "br", W + "cr", W + "noBreakHyphen"
DRAWING, PICT, OBJECT = W + "drawing", W + "pict", W + "object"
VAL, TYPE, ID = W + "val", W + "type", W + "id"
FORMAT_CHANGES = tuple(W + t for t in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
                                       "trPrChange", "tcPrChange", "numberingChange"))

DELETED, MOVED, VANISHED, COMMENT = "修订：已删除", "修订：已移走", "隐藏文字", "批注"
BODY = "正文"
_REF_LABEL = {"default": "", "first": "首页", "even": "偶数页"}
_OFF = ("0", "false", "off")
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_HYPERLINK_FIELD = re.compile(r"\s*HYPERLINK\b(.*)", re.IGNORECASE | re.DOTALL)
_FIELD_ARG = re.compile(r'\\([A-Za-z])(?:\s+(?:"([^"]*)"|(\S+)))?|"([^"]*)"|(\S+)')
_SWITCHES_WITH_ARG = set("lotm")


def _rid(el: etree._Element) -> str | None:
    for key in R_IDS:
        value = el.get(key)
        if value:
            return value
    return None


def _on(el: etree._Element | None) -> bool:
    return el is not None and (el.get(VAL) or "1").lower() not in _OFF


def _choose(alt: etree._Element) -> etree._Element | None:
    """The branch of mc:AlternateContent to read: the first Choice, else the Fallback (never both)."""
    fallback = None
    for child in alt:
        if child.tag == CHOICE:
            return child
        if child.tag == FALLBACK:
            fallback = child
    return fallback


def _textboxes(el: etree._Element) -> list[etree._Element]:
    """Outermost w:txbxContent under ``el``, skipping the mc:Fallback copy of each drawing."""
    found: list[etree._Element] = []
    if el.tag == ALTERNATE:
        branch = _choose(el)
        if branch is None:
            return found
        el = branch
    stack = [el]
    while stack:
        node = stack.pop()
        for child in reversed(node):
            tag = child.tag
            if tag == TXBX:
                found.append(child)
            elif tag == ALTERNATE:
                branch = _choose(child)
                if branch is not None:
                    stack.append(branch)
            elif isinstance(tag, str):
                stack.append(child)
    found.reverse()
    return found


def field_url(instr: str) -> str | None:
    """The target of a HYPERLINK field code as written (``\\l`` bookmark appended after #)."""
    m = _HYPERLINK_FIELD.match(instr)
    if not m:
        return None
    url = anchor = None
    for sw, sw_q, sw_bare, quoted, bare in _FIELD_ARG.findall(m.group(1)):
        if sw:
            if sw.lower() == "l":
                anchor = sw_q or sw_bare
            continue
        if url is None:
            url = quoted or bare
    if url:
        return url + ("#" + anchor if anchor else "")
    return None


_STYLES_SEEN: dict[tuple[object, ...], frozenset[str]] = {}  # fingerprint → hidden style ids
_STYLES_SEEN_MAX = 64


def _hidden_styles(pkg: Package, name: str) -> frozenset[str]:
    """Style ids whose run properties hide text (w:vanish), following w:basedOn; remembered per
    styles part (byte for byte), since a batch of notices from one template shares one."""
    key = pkg.fingerprint(name) if name else None
    if key is not None and key in _STYLES_SEEN:
        return _STYLES_SEEN[key]
    hidden = _read_hidden_styles(pkg, name)
    if key is not None:
        if len(_STYLES_SEEN) >= _STYLES_SEEN_MAX:
            _STYLES_SEEN.clear()  # atomic, so safe when the server reads in threads
        _STYLES_SEEN[key] = hidden
    return hidden


def _read_hidden_styles(pkg: Package, name: str) -> frozenset[str]:
    data = pkg.read(name) if name else None
    if data is None:
        return frozenset()
    reduced = _styles_that_matter(data)
    if reduced == b"":
        return frozenset()
    root = parse_xml(reduced or data, name)
    based: dict[str, str] = {}
    own: dict[str, bool] = {}
    for style in root.iter(W + "style"):
        sid = style.get(W + "styleId")
        if not sid:
            continue
        parent = style.find(W + "basedOn")
        if parent is not None and parent.get(VAL):
            based[sid] = parent.get(VAL)  # type: ignore[assignment]
        rpr = style.find(RPR)
        vanish = rpr.find(VANISH) if rpr is not None else None
        if vanish is not None:
            own[sid] = _on(vanish)
    hidden = set()
    for sid in set(based) | set(own):
        cur, seen = sid, set()
        while cur and cur not in own and cur not in seen:
            seen.add(cur)
            cur = based.get(cur)  # type: ignore[assignment]
        if cur in own and own[cur]:
            hidden.add(sid)
    return frozenset(hidden)


_W_URI = W[1:-1].encode()
_ATTRS = rb"""(?:[^>"']|"[^"]*"|'[^']*')*?"""


def _styles_that_matter(data: bytes) -> bytes | None:
    """The styles part cut down to what :func:`_hidden_styles` reads: each w:style whole if it
    mentions w:vanish, else only its start tag and w:basedOn; ``b""`` when nothing can hide text.

    A template's styles.xml is ~350 KB of table borders and latent styles (python-docx's default
    takes 10 ms to parse, 20 times the rest of a one-page notice); the bytes are only scanned.
    None (parse the part whole) whenever the cut could differ from the parsed part: not UTF-8,
    the WordprocessingML namespace bound other than once on the root, comments, CDATA, DOCTYPE,
    processing instructions, or w:style / w:basedOn written in a way the scan does not expect.
    """
    head = re.match(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*<([A-Za-z_][\w.-]*):styles(?=[\s/>])"
                    + _ATTRS + rb"(/?)>", data)
    if head is None or head.group(2):
        return None
    if b"vanish" not in data:  # no DOCTYPE either: the head has none, and it comes first
        return b""
    prefix = re.escape(head.group(1))
    if b"<!" in data or data.find(b"<?", head.end()) >= 0 or data.count(_W_URI) != 1 \
            or len(re.findall(rb"xmlns:" + prefix + rb"\s*=", data)) != 1 \
            or not re.search(rb"xmlns:" + prefix + rb"""\s*=\s*["']""" + re.escape(_W_URI),
                             data[:head.end()]):
        return None
    start = re.compile(rb"<" + prefix + rb":style(?=[\s/>])" + _ATTRS + rb"(/?)>")
    end = re.compile(rb"</" + prefix + rb":style\s*>")
    based_tag = re.compile(rb"<" + prefix + rb":basedOn(?=[\s/>])")
    based = re.compile(rb"<" + prefix + rb":basedOn(?=[\s/>])" + _ATTRS + rb"/>")
    out = [data[:head.end()]]
    pos = head.end()
    while (m := start.search(data, pos)) is not None:
        if m.group(1):  # <w:style .../>
            out.append(m.group(0))
            pos = m.end()
            continue
        e = end.search(data, m.end())
        if e is None:
            return None
        body = data[m.end():e.start()]
        if start.search(body):
            return None
        if b"vanish" in body:
            out.append(data[m.start():e.end()])
        else:
            kept = based.findall(body)
            if len(kept) != len(based_tag.findall(body)):
                return None
            out.extend([m.group(0), *kept, e.group(0)])
        pos = e.end()
    out.append(b"</" + head.group(1) + b":styles>")
    return b"".join(out)


class _Link:
    __slots__ = ("url", "text", "location", "tag")

    def __init__(self, url: str, location: Location, tag: str = "a") -> None:
        self.url, self.location, self.tag = url, location, tag
        self.text: list[str] = []


class _Field:
    __slots__ = ("instr", "result", "link")

    def __init__(self) -> None:
        self.instr: list[str] = []
        self.result = False
        self.link: _Link | None = None


class _Plain:
    """The paragraphs of one part that are plain runs of text, and their text, found by lxml's C
    iteration instead of a Python walk per run (the walk cost ~10 µs per paragraph).

    A paragraph is plain when nothing under it is read specially by :meth:`_Part.inline` /
    :meth:`_Part.run`: no tracked change, field, hyperlink, comment anchor, hidden text, drawing,
    text box or content wrapper (and no style reference when some style hides text). Its text is
    then exactly its ``w:p/w:r/w:t`` (tab, break, non-breaking hyphen) children in document order.
    """

    __slots__ = ("rich", "texts")

    _TEXT = {T: None, TAB: "\t", BR: "\n", CR: "\n", NBHYPHEN: "-"}
    _SPECIAL = (INS, DEL, MOVEFROM, MOVETO, DELTEXT, INSTR, FLDCHAR, FLDSIMPLE, HYPERLINK, SMARTTAG,
                CUSTOMXML, SDT, SDTCONTENT, W + "bdo", W + "dir", ALTERNATE, COMMENT_START,
                COMMENT_REF, DRAWING, PICT, OBJECT, VANISH, TXBX)

    def __init__(self, root: etree._Element, b: _Builder) -> None:
        rich: set[etree._Element] = set()
        special = self._SPECIAL
        if next(root.iter(PSTYLE, RSTYLE), None) is not None and b.hidden_styles:
            special += (PSTYLE, RSTYLE)
        for el in root.iter(*special):
            for p in el.iterancestors(P):
                if p in rich:
                    break
                rich.add(p)
        texts: dict[etree._Element, list[str]] = {}
        fixed = self._TEXT
        for el in root.iter(*fixed):
            r = el.getparent()
            if r is None or r.tag != R:
                continue
            p = r.getparent()
            if p is None or p.tag != P:
                continue
            text = fixed[el.tag] or el.text
            if text:
                texts.setdefault(p, []).append(text)
        self.rich = rich
        self.texts = texts


class _Builder:
    """Everything read so far from one DOCX."""

    def __init__(self, pkg: Package, styles_part: str) -> None:
        self.pkg = pkg
        self.styles_part = styles_part
        self._hidden_styles: frozenset[str] | None = None
        self.segments: list[Segment] = []
        self.tables: list[Table] = []
        self.links: list[Link] = []
        self.facts: list[Fact] = []
        self.comment_anchor: dict[str, Location] = {}
        self.insertions: list[tuple[str, Location]] = []  # tracked insertions: visible, but noted
        self.hidden_count = 0
        self.first_hidden: Location | None = None
        self.table_count = 0

    @property
    def hidden_styles(self) -> frozenset[str]:
        """Read on first use: only a document that names a paragraph or run style needs the
        styles part (a template's is ~350 KB; none of a python-docx notice's paragraphs do)."""
        if self._hidden_styles is None:
            self._hidden_styles = _hidden_styles(self.pkg, self.styles_part)
        return self._hidden_styles


class _Part:
    """Reads the block content of one part (body, header, footnotes, a text box ...)."""

    def __init__(self, b: _Builder, label: str, rels: dict[str, tuple[str, str, str]],
                 hidden: str | None = None, fixed_paragraph: int | None = None,
                 plain: _Plain | None = None) -> None:
        self.b = b
        self.plain = plain
        self.label = label
        self.rels = rels
        self.hidden = hidden
        self.fixed = fixed_paragraph
        self.count = 0
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

    def location(self, paragraph: int, hidden: str | None = None, row: int | None = None,
                 col: int | None = None) -> Location:
        return Location(part=self.label, paragraph=paragraph, row=row, col=col,
                        hidden=self.hidden or hidden)

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
        text = self.plain_text(p)
        if text is not None:
            n = self.number()
            if text:
                where = Location(part=self.label, paragraph=n, hidden=self.hidden or None)
                self.b.segments.append(Segment(text, where))
            return
        n, frags, boxes = self.paragraph(p)
        visible = "".join(text for reason, text in frags if reason is None)
        if visible:
            self.b.segments.append(Segment(visible, self.location(n)))
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
            _Part(self.b, label, self.rels, self.hidden, n, self.plain).blocks(box)

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
                index = self.cell(tc, r, c)  # a merged continuation still counts its paragraphs
                row.append(-1 if merged else index)
                row.extend([-1] * (span - 1))
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        cells = tuple(tuple(r + [-1] * (width - len(r))) for r in grid)
        self.b.tables.append(Table(ref, cells))

    def cell(self, tc: etree._Element, row: int, col: int) -> int:
        texts: list[str] = []
        first: int | None = None
        hidden: list[tuple[int, list[tuple[str | None, str]]]] = []
        boxes: list[tuple[int, list[etree._Element]]] = []
        for p in _cell_paragraphs(tc, self):
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
            self.b.comment_anchor[cid] = Location(part=self.label, paragraph=n, hidden=COMMENT)

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


# -- the parts ------------------------------------------------------------------------------------

def _section_labels(body: etree._Element) -> dict[str, str]:
    """Relationship id of each header/footer → its label (页眉, 首页页脚 ... （第2节）)."""
    sections = [s for s in body.iter(W + "sectPr") if s.getparent().tag != W + "sectPrChange"]
    labels: dict[str, str] = {}
    for k, sect in enumerate(sections, 1):
        for ref in sect:
            if ref.tag not in (W + "headerReference", W + "footerReference"):
                continue
            rid = _rid(ref)
            if not rid or rid in labels:
                continue
            what = "页眉" if ref.tag == W + "headerReference" else "页脚"
            label = _REF_LABEL.get(ref.get(TYPE) or "default", "") + what
            labels[rid] = label + (f"（第{k}节）" if len(sections) > 1 and k > 1 else "")
    return labels


def _main_part(pkg: Package) -> str:
    rels = pkg.rels("")
    for _, (kind, _, target) in rels.items():
        if kind.endswith("/officeDocument") and pkg.has(target):
            return target
    return "word/document.xml"


def read_docx(data: bytes, path: str, limits: Limits) -> Document:
    pkg = Package(data, limits, "docx")
    main = _main_part(pkg)
    root = pkg.xml(main)
    if root is None:
        raise ReadError("文件不是有效的 DOCX 文档（缺少 word/document.xml）")
    body = root.find(W + "body")
    if body is None:
        raise ReadError("DOCX 文档没有正文（word/document.xml 缺少 w:body），文件可能已损坏")
    rels = pkg.rels(main)
    by_type: dict[str, list[tuple[str, str]]] = {}
    for rid, (kind, _, target) in rels.items():
        by_type.setdefault(kind.rsplit("/", 1)[-1], []).append((rid, target))
    styles = next((t for _, t in by_type.get("styles", [])), "")
    b = _Builder(pkg, styles)

    _Part(b, BODY, rels, plain=_Plain(body, b)).blocks(body)

    labels = _section_labels(body)
    seen: set[str] = set()
    for kind, default in (("header", "页眉"), ("footer", "页脚")):
        for rid, target in sorted(by_type.get(kind, []), key=lambda x: (x[0] not in labels, x[1])):
            if target in seen:
                continue
            seen.add(target)
            part = pkg.xml(target)
            if part is not None:
                _Part(b, labels.get(rid, default), pkg.rels(target),
                      plain=_Plain(part, b)).blocks(part)

    for kind, tag, label in (("footnotes", W + "footnote", "脚注"), ("endnotes", W + "endnote", "尾注")):
        for _, target in by_type.get(kind, []):
            part = pkg.xml(target)
            if part is None:
                continue
            reader = _Part(b, label, pkg.rels(target), plain=_Plain(part, b))
            for note in part.iter(tag):
                if note.get(TYPE) in (None, "normal"):
                    reader.blocks(note)

    comments = 0
    authors: list[str] = []
    for _, target in by_type.get("comments", []):
        part = pkg.xml(target)
        if part is None:
            continue
        crels = pkg.rels(target)
        plain = _Plain(part, b)
        for comment in part.iter(W + "comment"):
            comments += 1
            author = comment.get(W + "author")
            if author and author not in authors:
                authors.append(author)
            anchor = b.comment_anchor.get(comment.get(ID) or "")
            reader = _Part(b, anchor.part if anchor else "批注", crels, COMMENT,
                           anchor.paragraph if anchor else None, plain)
            start = len(b.segments)
            reader.blocks(comment)
            if anchor is None:  # unanchored: number the comments themselves
                for i in range(start, len(b.segments)):
                    seg = b.segments[i]
                    b.segments[i] = Segment(seg.text, Location(part="批注", paragraph=comments,
                                                               hidden=COMMENT), kind=seg.kind)

    b.facts.extend(_facts(root, pkg, by_type, b, comments, authors))
    meta, props = properties(pkg)
    b.facts.extend(props)
    return Document(path, "docx", tuple(b.segments), meta=meta, tables=tuple(b.tables),
                    links=tuple(b.links), facts=tuple(b.facts))


def _facts(root: etree._Element, pkg: Package, by_type: dict[str, list[tuple[str, str]]], b: _Builder,
           comments: int, authors: list[str]) -> list[Fact]:
    roots = [root]
    for kind in ("header", "footer", "footnotes", "endnotes"):
        for _, target in by_type.get(kind, []):
            part = pkg.xml(target)
            if part is not None:
                roots.append(part)
    ins = dels = moves = formats = 0
    for r in roots:
        ins += sum(1 for _ in r.iter(INS))
        dels += sum(1 for _ in r.iter(DEL))
        moves += sum(1 for _ in r.iter(MOVEFROM, MOVETO))
        formats += sum(1 for _ in r.iter(*FORMAT_CHANGES))
    facts: list[Fact] = []
    total = ins + dels + moves + formats
    if total:
        bits = [f"{label} {n} 处" for label, n in (("插入", ins), ("删除", dels), ("移动", moves),
                                                  ("格式修改", formats)) if n]
        detail = f"文档包含 {total} 处修订痕迹（{'，'.join(bits)}）"
        if b.insertions:
            shown = "、".join(f"“{text[:30]}”" for text, _ in b.insertions[:3])
            detail += f"；修订插入的文字：{shown}" + ("等" if len(b.insertions) > 3 else "")
        where = b.insertions[0][1] if b.insertions else Location(part=BODY)
        facts.append(Fact("tracked_changes", detail, where, str(total)))
    if comments:
        who = f"，批注人：{'、'.join(authors)}" if authors else ""
        facts.append(Fact("comments", f"文档包含 {comments} 条批注{who}", Location(part="批注", hidden=COMMENT),
                          str(comments)))
    if b.hidden_count:
        facts.append(Fact("hidden_text", f"文档包含 {b.hidden_count} 处隐藏文字",
                          b.first_hidden or Location(), str(b.hidden_count)))
    return facts
