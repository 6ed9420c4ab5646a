"""What one DOCX read so far holds, and the paragraphs that need no full walk."""

from __future__ import annotations

from lxml import etree

from ...model import Fact, Link, Location, Segment, Table
from ..ooxml import Package
from .names import (ALTERNATE, BR, COMMENT_REF, COMMENT_START, CR, CUSTOMXML, DEL, DELTEXT, DRAWING, FLDCHAR,
                    FLDSIMPLE, HYPERLINK, INS, INSTR, MOVEFROM, MOVETO, NBHYPHEN, OBJECT, P, PICT, PSTYLE, R,
                    RSTYLE, SDT, SDTCONTENT, SMARTTAG, T, TAB, TXBX, VANISH, W)
from .styles import _hidden_styles


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
        self.chunks: list[tuple[str, Location, dict[str, tuple[str, str, str]]]] = []  # altChunk: rid, where, rels

    @property
    def hidden_styles(self) -> frozenset[str]:
        """Read on first use: only a document that names a paragraph or run style needs the
        styles part (a template's is ~350 KB; none of a python-docx notice's paragraphs do)."""
        if self._hidden_styles is None:
            self._hidden_styles = _hidden_styles(self.pkg, self.styles_part)
        return self._hidden_styles
