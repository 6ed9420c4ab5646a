"""HTML pages: the text a reader sees, block by block, located by source line and column.

The page is decoded (byte-order mark → ``<meta charset>`` → detection, see
:mod:`gkcheck.encoding`) and walked once by a small tokenizer: regular expressions over the
decoded source, an explicit stack of open elements and no recursion, so 100,000 nested
``<div>`` cost what 100,000 ``<br>`` cost. A parser library would give a tree but not where
each text node was written; here every character keeps its line and column.

- One block element (``p``, ``div``, ``td``, ``li``, ``h1`` ...) is one :class:`Segment` whose
  text joins its inline descendants (``<b>截止</b>目前`` is ``截止目前``); entities are decoded
  (``&nbsp;`` is a space); a run of white space is one space, and none at all where a line
  break falls between two CJK characters (as CSS does); ``<br>`` is ``\\n``. ``anchors`` map
  offsets back to source positions after all of this.
- ``<title>`` (``part="title"``), ``alt``/``title`` attributes (``kind="attr"``) and the
  政府网站发展指引 ``<meta>`` tags (``kind="meta"``) are segments too; every ``<meta
  name|property>`` is in ``Document.meta``.
- HTML comments and text hidden by the ``hidden`` attribute or by style (:mod:`.css`) are
  segments whose ``Location.hidden`` says why; scripts, styles, ``<iframe>`` fallback text and
  ``<noembed>`` are not text at all. ``<noscript>`` text is checked as visible, but a link in it
  counts as hidden (it is shown only when scripts are off).
- Hyperlinks and embedded resources are ``Document.links`` (the URL as written, entities
  decoded); ``id`` and ``<a name>`` values are ``Document.anchors``.
- Each ``<table>`` is a :class:`Table` (``表格N``, N counting ``<table>`` tags in source
  order); a cell spanning rows or columns has its segment index in every grid position it
  covers. A cell holding more than one visible block (paragraphs, a nested table) is layout,
  not data: its blocks stay separate ``text`` segments without ``row``/``col`` and the table
  points at the first of them.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache

from ..encoding import decode
from ..model import Document, GkcheckError, Link, Location, Segment, Table
from . import Limits, ReadError
from .css import (STYLE_ATTRS, STYLE_TAGS, VISIBLE, Sheet, State, element_state, link_reason,
                  parse_stylesheet)

_WS = "\t\n\f\r "
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
CHARSET_SCAN_BYTES = 4096

_MARKUP = re.compile(r"""
<(?:
   !--(?:-?>|(?P<comment>.*?)--!?>|(?P<open_comment>.*))
  |[!?][^>]*>
  |/(?P<end>[A-Za-z][^\t\n\f\r />]*)[^>]*>
  |(?P<start>[A-Za-z][^\t\n\f\r />]*)
   (?P<attrs>(?:[\t\n\f\r /]++
              |[^\t\n\f\r />][^\t\n\f\r />=]*+
               (?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >]*+))?+
             )*+)
   >
)""", re.S | re.X)
_ATTR = re.compile(r"""([^\t\n\f\r />][^\t\n\f\r />=]*)"""
                   r"""(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]*)))?""")
_SPECIAL = re.compile(r"[&\t\n\f\r ]")
_PIECE = re.compile(r"[\t\n\f\r ]+|&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_WS_RUN = re.compile(r"[\t\n\f\r ]+")
_ATTR_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;)")
# East Asian wide characters: a line break between two of them is not a space (CSS Text 3)
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]")
_STYLE_OPEN = re.compile(r"<style\b([^>]*)>", re.I)
_STYLE_CLOSE = re.compile(r"</style[\t\n\f\r ]*>", re.I)
_COMMENT_SPAN = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_MEDIA = re.compile(r"""media\s*=\s*["']?\s*([^"'>]*)""", re.I)
_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?\s*([^'"\s][^'"]*)""", re.I)
_WRITES_HTML = re.compile(r"document\s*\.\s*write(?:ln)?\s*\(|\.innerHTML\s*\+?=|insertAdjacentHTML", re.I)
_SCRIPT_LINK = re.compile(r"""<a\b[^<>]*?\bhref\s*=\s*\\?["']?([^"'\\\s>]+)[^<>]*>(.{0,500}?)<\\?/a\s*>""", re.I | re.S)
_SCRIPT_HIDING = re.compile(r"""\b(style|class)\s*=\s*\\?["']([^"'\\]*)""", re.I)
_TAG = re.compile(r"<[^<>]*>")
_CONDITIONAL = re.compile(r"\s*\[if\b|\s*<!\[endif\]|.*<!\[endif\]\s*$", re.S)

VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
                  "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"})
SKIPPED = frozenset({"script", "style", "iframe", "noembed", "noframes"})  # content not shown
RCDATA = frozenset({"title", "textarea", "xmp", "plaintext"})  # content is text, not markup
BLOCK = frozenset("""address article aside blockquote body button caption center dd details dialog
    dir div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head header
    hgroup hr html iframe legend li listing main marquee menu nav ol optgroup option p plaintext
    pre section select summary table tbody td textarea tfoot th thead tr ul xmp""".split())
P_CLOSERS = frozenset("""address article aside blockquote center details dialog dir div dl dd dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li listing main
    menu nav ol p plaintext pre section summary table ul xmp""".split())
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SCOPE = frozenset({"table", "td", "th", "caption", "marquee", "object", "applet", "template",
                   "html", "button"})
IMPLIES_END = P_CLOSERS | HEADINGS | {"li", "dd", "dt", "a", "td", "th", "tr", "tbody", "thead", "tfoot",
                                      "option", "optgroup"}
FORMATTING = frozenset({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike",
                        "strong", "tt", "u"})
SPECIAL = BLOCK | {"applet", "object", "noscript", "template", "image"}
TABLE_PARTS = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot", "caption"})
NOT_SHOWN = frozenset({"html", "head", "meta", "link", "style", "script", "base", "title",
                       "noscript", "template"})
LINK_ATTRS = {"a": "href", "area": "href", "link": "href", "script": "src", "img": "src",
              "iframe": "src", "frame": "src", "embed": "src", "source": "src", "video": "src",
              "audio": "src", "track": "src", "input": "src", "object": "data", "form": "action"}
UNSEEN_LINK_TAGS = frozenset({"link", "script", "meta"})  # never displayed: never 暗链
# 《政府网站发展指引》 page metadata, plus keywords/description: checked as text
GUIDE_METAS = frozenset(name.lower() for name in (
    "SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ColumnDescription",
    "ColumnKeywords", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author",
    "Description", "Image", "Url"))
COMMENT = "HTML注释"
HIDDEN_ROW = "隐藏行："
MAX_SPAN = 1000            # colspan/rowspan are clamped to this (as browsers clamp colspan)
MAX_GRID = 1_000_000       # grid positions a page's tables may cover before spans are ignored
MAX_LINK_PARTS = 64        # text nodes that name one link
MAX_LINK_TEXT = 200        # characters of a link's text

_NONE, _SPACE, _NL_SPACE, _BREAK = 0, 1, 2, 3
_LINK, _CELL, _TABLE, _PRE = 1, 2, 3, 4
_ON_CLOSE = {"a": _LINK, "option": _LINK, "td": _CELL, "th": _CELL, "table": _TABLE, "pre": _PRE,
             "listing": _PRE}
Attr = tuple[str, int, int]  # decoded value, start and end of the raw value in the source


def read_html(data: bytes, path: str, limits: Limits) -> Document:
    declared = declared_charset(data)
    try:
        text, encoding = decode(data, declared)
    except GkcheckError as exc:
        raise ReadError(str(exc)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Reader(text, limits).run(path, encoding)


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first bytes: ``<meta charset>``, ``<meta
    http-equiv=Content-Type content="...; charset=gbk">`` or ``<?xml encoding>``."""
    m = _CHARSET.search(data[:CHARSET_SCAN_BYTES])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii")


def unescape_attr(value: str) -> str:
    """An attribute value as the browser reads it: references decoded, but a named one only
    when it ends in ``;`` (``?a=1&copy=2`` stays as written)."""
    if "&" not in value:
        return value
    return _ATTR_ENTITY.sub(lambda m: html.unescape(m.group()), value)


_WIDE_BREAK = re.compile(r"(?<=" + _WIDE.pattern + r")[\t\f\r ]*\n[\t\n\f\r ]*(?=" + _WIDE.pattern + ")")


def clean_text(text: str) -> str:
    """Decoded text with white space collapsed as in a segment (used for link text)."""
    text = html.unescape(text).replace("\xa0", " ")
    return _WS_RUN.sub(" ", _WIDE_BREAK.sub("", text)).strip(_WS)


class _Buffer:
    """The text of one block (of one visibility) being collected, with its anchors."""

    __slots__ = ("parts", "length", "anchors", "pending", "pending_pos", "last", "line", "col", "off",
                 "where")

    def __init__(self, where):
        self.parts: list[str] = []
        self.length = 0
        self.anchors: list[tuple[int, int, int]] = []
        self.pending = _NONE
        self.pending_pos = 0
        self.last = ""
        self.line = self.col = self.off = 0
        self.where = where  # pos → (line, column)

    def emit(self, s: str, pos: int) -> None:
        """Append ``s`` (no line break inside), written at source offset ``pos``."""
        if self.pending:
            if self.length:
                if self.pending == _BREAK:
                    self._put("\n", self.pending_pos)
                elif not (self.pending == _NL_SPACE and _WIDE.match(self.last) and _WIDE.match(s)):
                    self._put(" ", self.pending_pos)
            self.pending = _NONE
        self._put(s, pos)

    def _put(self, s: str, pos: int) -> None:
        if "\xa0" in s:
            s = s.replace("\xa0", " ")
        line, col = self.where(pos)
        if line != self.line or col != self.col + (self.length - self.off) or not self.anchors:
            self.anchors.append((self.length, line, col))
            self.line, self.col, self.off = line, col, self.length
        self.parts.append(s)
        self.length += len(s)
        self.last = s[-1]

    def space(self, newline: bool, pos: int) -> None:
        if self.pending == _BREAK:
            return
        kind = _NL_SPACE if newline else _SPACE
        if self.pending == _NONE:
            self.pending, self.pending_pos = kind, pos
        elif kind > self.pending:
            self.pending = kind

    def brk(self, pos: int) -> None:
        if self.pending != _BREAK:
            self.pending, self.pending_pos = _BREAK, pos

    def text(self) -> str:
        return "".join(self.parts)


class _Cell:
    __slots__ = ("row", "col", "rowspan", "colspan", "indices", "nested", "index")

    def __init__(self, row: int, col: int, rowspan: int, colspan: int):
        self.row, self.col, self.rowspan, self.colspan = row, col, rowspan, colspan
        self.indices: list[tuple[int, str | None]] = []  # segments of this cell, with hidden reason
        self.nested = False
        self.index = -1


class _Table:
    __slots__ = ("number", "row", "next_col", "occupied", "cells", "hidden_rows", "outer_cell")

    def __init__(self, number: int, outer_cell: _Cell | None):
        self.number = number
        self.row = -1
        self.next_col = 0
        self.occupied: dict[int, set[int]] = {}
        self.cells: list[_Cell] = []
        self.hidden_rows: set[int] = set()
        self.outer_cell = outer_cell


class _Reader:
    def __init__(self, text: str, limits: Limits):
        self.src = text
        self.max_depth = max(8, limits.max_depth)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.segments: list[Segment] = []
        self.links: list[list] = []  # [url, text parts, location, tag, hidden, fallback text]
        self.meta: dict[str, str] = {}
        self.anchors: set[str] = set()
        self.tables: list[Table] = []
        self.stack: list[tuple[str, State, int]] = []  # tag, state, open link to restore on close
        self.open: dict[str, int] = {}  # tag → how many are on the stack
        self.state = VISIBLE
        self.overflow = 0  # start tags past max_depth, not on the stack
        self.blocks: dict[str | None, _Buffer] = {}
        self.cell: _Cell | None = None
        self.table_stack: list[_Table] = []
        self.table_count = 0
        self.grid_budget = MAX_GRID
        self.open_link = -1
        self.pre = 0
        self.sheet: Sheet = {}
        self.read_style_sheets()

    def read_style_sheets(self) -> None:
        """Every ``<style>`` block, wherever it stands (CSS applies to the whole page), except
        commented-out ones and ones for print media."""
        text = self.src
        comments: list[int] = []  # start, end, start, end ... of comments, in order
        if "<!--" in text:
            for m in _COMMENT_SPAN.finditer(text):
                comments += m.span()
        pos = 0
        while True:
            m = _STYLE_OPEN.search(text, pos)
            if m is None:
                return
            close = _STYLE_CLOSE.search(text, m.end())
            end = close.start() if close else len(text)
            media = _MEDIA.search(m.group(1))
            if bisect_right(comments, m.start()) % 2 == 0 and not (
                    media and not re.search(r"\b(?:all|screen)\b", media.group(1), re.I)):
                parse_stylesheet(text[m.end():end], self.sheet)
            if close is None:
                return
            pos = close.end()

    # -- positions --------------------------------------------------------------------------

    def where(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.line_starts, pos) - 1
        return i + 1, pos - self.line_starts[i] + 1

    def location(self, pos: int, **fields) -> Location:
        line, col = self.where(pos)
        return Location(line=line, column=col, **fields)

    # -- the walk ---------------------------------------------------------------------------

    def run(self, path: str, encoding: str) -> Document:
        src = self.src
        end = src.rfind(">") + 1  # no markup can end after the last ">"
        search = _MARKUP.search
        pos, size = 0, len(src)
        while pos < size:
            m = search(src, pos, end) if pos < end else None
            if m is None:
                rest = src.find("<!--", pos)
                if rest < 0:
                    self.text(src[pos:], pos)
                else:  # an unterminated comment runs to the end of the page
                    if rest > pos:
                        self.text(src[pos:rest], pos)
                    self.comment(src[rest + 4:], rest + 4)
                break
            start = m.start()
            if start > pos:
                raw = src[pos:start]
                # white space between tags matters only inside a block or a link
                if self.blocks or self.open_link >= 0 or raw.strip(_WS):
                    self.text(raw, pos)
            pos = m.end()
            kind = m.lastgroup
            if kind == "attrs":
                tag, attrs = m.group(4, 5)
                pos = self.start_tag(tag.lower(), attrs, m.start(5), start, pos)
            elif kind == "end":
                self.end_tag(m.group(3).lower(), start)
            elif kind == "comment":
                self.comment(m.group("comment"), m.start("comment"))
            elif kind == "open_comment":
                self.comment(src[m.start("open_comment"):], m.start("open_comment"))
                break
            # else <!DOCTYPE>, <?xml?>, <![CDATA[, <!-->: nothing to read
        self.pop_to(0)
        self.flush()
        while self.table_stack:  # tables opened past the depth limit
            self.end_table()
        self.tables.sort(key=lambda t: int(t.ref[2:]))
        links = tuple(Link(url, clean_text("".join(parts))[:MAX_LINK_TEXT] or fallback, loc, tag, hidden)
                      for url, parts, loc, tag, hidden, fallback in self.links)
        return Document(path, "html", tuple(self.segments), self.meta, tuple(self.tables), links,
                        encoding=encoding, anchors=frozenset(self.anchors))

    # -- text -------------------------------------------------------------------------------

    def buffer(self, reason: str | None) -> _Buffer:
        buf = self.blocks.get(reason)
        if buf is None:
            buf = self.blocks[reason] = _Buffer(self.where)
        return buf

    def text(self, raw: str, pos: int) -> None:
        if self.open_link >= 0:
            parts = self.links[self.open_link][1]
            if len(parts) < MAX_LINK_PARTS:  # an <a> never closed does not swallow the page
                parts.append(raw)
        if not raw.strip(_WS):
            buf = self.blocks.get(self.state.reason)
            if buf is not None:
                if self.pre:
                    self.feed(buf, raw, pos)
                else:
                    buf.space("\n" in raw, pos)
            return
        self.feed(self.buffer(self.state.reason), raw, pos)

    def feed(self, buf: _Buffer, raw: str, pos: int, entities: bool = True) -> None:
        pattern = _PIECE if entities else _WS_RUN
        if not (_SPECIAL if entities else _WS_RUN).search(raw):
            buf.emit(raw, pos)
            return
        i = 0
        for m in pattern.finditer(raw):
            s, e = m.span()
            if s > i:
                buf.emit(raw[i:s], pos + i)
            piece = m.group()
            if piece[0] == "&":
                decoded = html.unescape(piece)
                # "&copy2024" is "©" + "2024": the digits keep their own columns
                k, n = 0, min(len(decoded), len(piece)) - 1
                while k < n and decoded[-1 - k] == piece[-1 - k]:
                    k += 1
                if k:
                    buf.emit(decoded[:-k], pos + s)
                    buf.emit(decoded[-k:], pos + e - k)
                else:
                    buf.emit(decoded, pos + s)
            elif self.pre:
                at = pos + s
                for k, part in enumerate(piece.split("\n")):
                    if k:
                        buf.brk(at - 1)
                    if part:
                        buf.emit(part, at)
                    at += len(part) + 1
            else:
                buf.space("\n" in piece, pos + s)
            i = e
        if i < len(raw):
            buf.emit(raw[i:], pos + i)

    def flush(self) -> None:
        """End the current block: its text becomes segments, one per visibility."""
        if self.open_link >= 0:  # a link around blocks: their texts apart
            self.links[self.open_link][1].append(" ")
        if not self.blocks:
            return
        cell = self.cell
        for reason, buf in self.blocks.items():
            if not buf.length:
                continue
            _, line, col = buf.anchors[0]
            if cell is not None:
                cell.indices.append((len(self.segments), reason))
                loc = Location(line=line, column=col, row=cell.row + 1, col=cell.col + 1, hidden=reason)
                kind = "cell"
            else:
                loc = Location(line=line, column=col, hidden=reason)
                kind = "text"
            self.segments.append(Segment(buf.text(), loc, tuple(buf.anchors), kind))
        self.blocks = {}

    def lone_segment(self, raw: str, pos: int, entities: bool = True, **fields) -> None:
        """A segment of its own (title, attribute, meta, comment) from ``raw`` at ``pos``."""
        buf = _Buffer(self.where)
        saved, self.pre = self.pre, 0
        self.feed(buf, raw, pos, entities)
        self.pre = saved
        if buf.length:
            kind = fields.pop("kind", "text")
            name = fields.pop("name", None)
            _, line, col = buf.anchors[0]
            self.segments.append(Segment(buf.text(), Location(line=line, column=col, **fields),
                                         tuple(buf.anchors), kind, name))

    def comment(self, body: str, pos: int) -> None:
        if not body.strip(_WS) or _CONDITIONAL.match(body):
            return  # empty, or an IE conditional comment (<!--[if lt IE 9]>...)
        self.lone_segment(body, pos, entities=False, hidden=COMMENT)

    # -- tags -------------------------------------------------------------------------------

    @staticmethod
    def attributes(raw: str, offset: int) -> dict[str, Attr]:
        """Name → (decoded value, start, end of the raw value in the source); the first of a
        repeated name wins, as in a browser."""
        attrs: dict[str, Attr] = {}
        for m in _ATTR.finditer(raw):
            name = m.group(1).lower()
            if name in attrs:
                continue
            g = m.lastindex
            if g == 1:
                attrs[name] = ("", offset + m.end(1), offset + m.end(1))
            else:
                value = m.group(g)
                start, end = m.span(g)
                attrs[name] = (unescape_attr(value), offset + start, offset + end)
        return attrs

    def start_tag(self, tag: str, raw_attrs: str, attrs_at: int, start: int, pos: int) -> int:
        """Handle a start tag ending at ``pos``; returns where the walk goes on."""
        attrs = self.attributes(raw_attrs, attrs_at) if raw_attrs.strip(_WS + "/") else {}
        if attrs:
            for key in ("id", "name"):
                if key in attrs and (key == "id" or tag in ("a", "map")) and attrs[key][0]:
                    self.anchors.add(attrs[key][0])
        if tag in IMPLIES_END:
            self.implied_end(tag)
        parent = self.state
        state = parent
        if tag in STYLE_TAGS or (attrs and not STYLE_ATTRS.isdisjoint(attrs)) or tag in self.sheet:
            state = element_state(parent, tag, {k: v[0] for k, v in attrs.items()}, self.sheet)
        if tag in BLOCK or tag == "br":
            if tag == "br":
                for buf in self.blocks.values():
                    buf.brk(start)
            else:
                self.flush()
        if tag == "meta":
            self.meta_tag(attrs)
        elif tag in TABLE_PARTS or tag == "table":
            state = self.table_tag(tag, attrs, parent, state)
        link = -1
        if attrs:
            if "alt" in attrs or "title" in attrs:
                self.attr_segments(tag, attrs, state)
            if tag in LINK_ATTRS or tag == "option":
                link = self.link_tag(tag, attrs, state)
        if tag in VOID:
            return pos
        if tag in SKIPPED or tag in RCDATA:
            return self.raw_text(tag, pos, state)
        self.push(tag, state, link)
        return pos

    def push(self, tag: str, state: State, link: int) -> None:
        if len(self.stack) >= self.max_depth:
            self.overflow += 1
            return
        saved = -1
        if tag == "a" or tag == "option":  # text from here to the end tag names link ``link``
            saved, self.open_link = self.open_link, link
        elif tag == "pre" or tag == "listing":
            self.pre += 1
        self.stack.append((tag, state, saved))
        self.open[tag] = self.open.get(tag, 0) + 1
        self.state = state

    def end_tag(self, tag: str, start: int) -> None:
        if self.overflow:
            self.overflow -= 1
            if tag in BLOCK:
                self.flush()
            return
        if tag == "br":
            for buf in self.blocks.values():
                buf.brk(start)
            return
        stack = self.stack
        if stack and stack[-1][0] == tag:
            self.pop_to(len(stack) - 1)
            return
        if self.open.get(tag):
            if tag in FORMATTING:
                self.close_open((tag,), SCOPE)
                return
            # a block's end tag closes what is open inside it; an inline one (</span>) does not
            # reach past a block: <span><p>x</span>y</p> leaves the span open, as browsers do
            stops = ("table",) if tag in TABLE_PARTS else (() if tag == "table" else
                                                           SCOPE if tag in SPECIAL else SPECIAL)
            for i in range(len(stack) - 1, -1, -1):
                name = stack[i][0]
                if name == tag:
                    self.pop_to(i)
                    return
                if name in stops:
                    break
        elif tag == "p":  # </p> with no open <p> is an empty paragraph: a block boundary
            self.flush()

    def implied_end(self, tag: str) -> None:
        """Close what a start tag closes implicitly (an open ``<p>`` before a ``<div>`` ...)."""
        open_ = self.open
        if tag in P_CLOSERS and open_.get("p"):
            self.close_open(("p",), SCOPE)
        if tag == "li" and open_.get("li"):
            self.close_open(("li",), SCOPE | {"ul", "ol"})
        elif (tag == "dd" or tag == "dt") and (open_.get("dd") or open_.get("dt")):
            self.close_open(("dd", "dt"), SCOPE | {"dl"})
        elif tag in HEADINGS and self.stack and self.stack[-1][0] in HEADINGS:
            self.pop_to(len(self.stack) - 1)
        elif tag == "a" and open_.get("a"):
            self.close_open(("a",), SCOPE)
        elif tag in ("td", "th") and (open_.get("td") or open_.get("th")):
            self.close_open(("td", "th"), ("tr", "table"))
        elif tag == "tr" and (open_.get("tr") or open_.get("td") or open_.get("th")):
            self.close_open(("tr", "td", "th"), ("table", "tbody", "thead", "tfoot"))
        elif tag in ("tbody", "thead", "tfoot") and open_.get("table"):
            self.close_open(("tr", "td", "th", "tbody", "thead", "tfoot", "caption"), ("table",), last=True)
        elif tag == "option" and open_.get("option"):
            self.close_open(("option",), ("select", "datalist", "optgroup"))
        elif tag == "optgroup" and (open_.get("option") or open_.get("optgroup")):
            self.close_open(("option", "optgroup"), ("select",))

    def close_open(self, names, stops, last: bool = False) -> None:
        """Close the innermost open element named in ``names`` unless one in ``stops`` comes
        first; with ``last``, the outermost such element before a stop. A formatting element
        (``<b>``, ``<a>`` ...) with a block open inside it is taken off the stack alone, so
        ``<b><p>截止</b>目前</p>`` stays one paragraph (as the HTML adoption agency does)."""
        found, block_inside = -1, False
        for i in range(len(self.stack) - 1, -1, -1):
            name = self.stack[i][0]
            if name in names:
                found = i
                if not last:
                    break
            elif name in stops:
                break
            elif name in SPECIAL:
                block_inside = True
        if found < 0:
            return
        if block_inside and self.stack[found][0] in FORMATTING:
            tag, _, link = self.stack.pop(found)
            self.open[tag] -= 1
            if tag == "a":
                self.open_link = link
            return
        self.pop_to(found)

    def pop_to(self, index: int) -> None:
        stack = self.stack
        while len(stack) > index:
            tag, _, link = stack.pop()
            self.open[tag] -= 1
            if tag in BLOCK and (self.blocks or self.open_link >= 0):
                self.flush()
            action = _ON_CLOSE.get(tag)
            if action is None:
                continue
            if action == _LINK:
                self.open_link = link
            elif action == _CELL:
                self.end_cell()
            elif action == _TABLE:
                self.end_table()
            else:
                self.pre -= 1
        self.state = stack[-1][1] if stack else VISIBLE

    def raw_text(self, tag: str, pos: int, state: State) -> int:
        """Content of script/style/title/textarea ...: read to the matching end tag."""
        src = self.src
        if tag == "plaintext":
            close = len(src)
            after = close
        else:
            m = _raw_end(tag).search(src, pos)
            close, after = (m.start(), m.end()) if m else (len(src), len(src))
        body = src[pos:close]
        if tag == "script" and _WRITES_HTML.search(body):
            self.script_links(body, pos, state)
        elif tag in RCDATA and body.strip(_WS):
            if tag == "title":
                self.lone_segment(body, pos, part="title")
            else:  # textarea, xmp, plaintext: a block of its own
                entities = tag == "textarea"
                self.feed(self.buffer(state.reason), body, pos, entities)
                self.flush()
        return after

    def script_links(self, body: str, pos: int, state: State) -> None:
        """Links a script writes into the page (``document.write('<a href=...>')``), a common way
        to plant 暗链; hidden when the written markup hides them (or the script sits hidden)."""
        reason = link_reason(state)
        if reason is None:
            for m in _SCRIPT_HIDING.finditer(body):
                name = "style" if m.group(1).lower() == "style" else "class"
                found = element_state(VISIBLE, "div", {name: m.group(2)}, self.sheet).reason
                if found:
                    reason = f"脚本写入的隐藏内容（{found}）"
                    break
        for m in _SCRIPT_LINK.finditer(body):
            url = m.group(1).replace("\\/", "/")
            text = clean_text(_TAG.sub("", m.group(2).replace("\\/", "/")))[:MAX_LINK_TEXT]
            self.links.append([url, [text], self.location(pos + m.start(1), hidden=reason), "a", reason, ""])

    # -- attributes, metadata, links ---------------------------------------------------------

    def attr_segments(self, tag: str, attrs: dict[str, Attr], state: State) -> None:
        if tag in NOT_SHOWN:
            return
        for name in ("alt", "title"):
            item = attrs.get(name)
            if item and item[0].strip(_WS):
                _, at, end = item
                self.lone_segment(self.src[at:end], at, kind="attr", name=name, part=f"{name}属性",
                                  hidden=state.reason)

    def meta_tag(self, attrs: dict[str, Attr]) -> None:
        key_item = attrs.get("name") or attrs.get("property")
        content = attrs.get("content")
        if content is None:
            return
        value, at, end = content
        if key_item and key_item[0].strip():
            key = key_item[0].strip()
            self.meta.setdefault(key, value)
            if key.lower() != key:
                self.meta.setdefault(key.lower(), value)
            if key.lower() in GUIDE_METAS and value.strip(_WS):
                self.lone_segment(self.src[at:end], at, kind="meta", name=key, part=f"meta {key}")
        equiv = attrs.get("http-equiv")
        if equiv and equiv[0].strip().lower() == "refresh":
            m = _REFRESH_URL.search(value)
            if m:
                url = m.group(1).strip()
                self.links.append([url, [], self.location(at + m.start(1)), "meta", None, ""])

    def link_tag(self, tag: str, attrs: dict[str, Attr], state: State) -> int:
        """Record the link a tag makes, if any; returns its index or -1."""
        if tag == "option":
            item = attrs.get("value")
            if not item or not re.match(r"[\t\n\f\r ]*(?:https?:)?//", item[0], re.I):
                return -1
        elif tag == "input" and attrs.get("type", ("",))[0].strip().lower() != "image":
            return -1
        else:
            item = attrs.get(LINK_ATTRS[tag])
        if item is None or not item[0].strip(_WS):
            return -1
        url, at, _ = item
        hidden = None if tag in UNSEEN_LINK_TAGS else link_reason(state)
        fallback = ""
        for key in ("alt", "title", "aria-label"):
            if attrs.get(key) and attrs[key][0].strip():
                fallback = clean_text(attrs[key][0])
                break
        if tag == "img" and self.open_link >= 0 and not self.links[self.open_link][5]:
            self.links[self.open_link][5] = fallback  # an image link is named by its alt text
        self.links.append([url, [], self.location(at, hidden=hidden), tag, hidden, fallback])
        return len(self.links) - 1

    # -- tables -----------------------------------------------------------------------------

    def table_tag(self, tag: str, attrs: dict[str, Attr], parent: State, state: State) -> State:
        if len(self.stack) >= self.max_depth:
            return state  # past the depth limit: no table structure
        if tag == "table":
            self.table_count += 1
            if self.cell is not None:
                self.cell.nested = True
            self.table_stack.append(_Table(self.table_count, self.cell))
            self.cell = None
            return state
        if not self.table_stack or not self.open.get("table"):
            return state
        table = self.table_stack[-1]
        if tag == "tr":
            table.row += 1
            table.next_col = 0
            if state.reason and state.reason != parent.reason:
                reason = HIDDEN_ROW + state.reason
                table.hidden_rows.add(table.row)
                state = state._replace(reason=reason, hard=reason)
            return state
        if tag in ("td", "th"):
            if table.row < 0:
                table.row, table.next_col = 0, 0
            taken = table.occupied.get(table.row, ())
            col = table.next_col
            while col in taken:
                col += 1
            rowspan = _span(attrs.get("rowspan"))
            colspan = _span(attrs.get("colspan"))
            if rowspan * colspan > self.grid_budget:
                rowspan = colspan = 1
            self.grid_budget -= rowspan * colspan
            for r in range(table.row + 1, table.row + rowspan):
                table.occupied.setdefault(r, set()).update(range(col, col + colspan))
            table.next_col = col + colspan
            cell = _Cell(table.row, col, rowspan, colspan)
            table.cells.append(cell)
            self.cell = cell
        return state

    def end_cell(self) -> None:
        cell = self.cell
        if cell is None:
            return
        self.cell = None
        visible = [i for i, reason in cell.indices if reason is None]
        if cell.nested or len(visible) > 1:  # layout, not data
            for i, _ in cell.indices:
                seg = self.segments[i]
                self.segments[i] = Segment(seg.text, replace(seg.base, row=None, col=None), seg.anchors, "text")
        if visible:
            cell.index = visible[0]
        elif cell.indices:
            cell.index = cell.indices[0][0]

    def end_table(self) -> None:
        if not self.table_stack:
            return
        self.end_cell()
        table = self.table_stack.pop()
        self.cell = table.outer_cell
        if not table.cells:
            return
        rows = table.row + 1
        cols = max(c.col + c.colspan for c in table.cells)
        if rows * cols > MAX_GRID:  # too big to lay out: each row keeps its own cells in order
            ragged: list[list[int]] = [[] for _ in range(rows)]
            for c in table.cells:
                ragged[c.row].append(c.index)
            grid = ragged
        else:
            grid = [[-1] * cols for _ in range(rows)]
            for c in table.cells:
                for r in range(c.row, min(c.row + c.rowspan, rows)):
                    row = grid[r]
                    for k in range(c.col, c.col + c.colspan):
                        row[k] = c.index
        self.tables.append(Table(f"表格{table.number}", tuple(tuple(r) for r in grid),
                                 hidden_rows=frozenset(table.hidden_rows)))


@lru_cache(maxsize=None)
def _raw_end(tag: str) -> re.Pattern[str]:
    return re.compile(r"</" + tag + r"(?=[\t\n\f\r />])[^>]*>", re.I)


def _span(item: Attr | None) -> int:
    if not item:
        return 1
    m = re.match(r"[\t\n\f\r ]*(\d+)", item[0])
    return min(MAX_SPAN, max(1, int(m.group(1)))) if m else 1
