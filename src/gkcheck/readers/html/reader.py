"""The walk over one page: tokens, the stack of open elements, blocks into segments."""

from __future__ import annotations

import html
import re
from bisect import bisect_right

from ...model import Document, Fact, Link, Location, Segment, Table
from .. import Limits
from ..css import STYLE_ATTRS, STYLE_TAGS, VISIBLE, Sheet, State, element_state, parse_stylesheet
from .buffer import _Buffer
from .embedded import SCRIPT_TEMPLATE, EmbeddedMixin
from .links import LinksMixin
from .syntax import (_ATTR, DATA_ATTRS, FORM_TAGS, MAX_GRID, _CELL, _COMMENT_SPAN, _CONDITIONAL, _LINK, _MARKUP, _MEDIA, _ON_CLOSE,
                     _PIECE, _SPECIAL, _STYLE_CLOSE, _STYLE_OPEN, _TABLE, _WRITES_HTML, _WS, _WS_RUN, BLOCK,
                     COMMENT, FORMATTING, HEADINGS, IMPLIES_END, LINK_ATTRS, MAX_LINK_PARTS, MAX_LINK_TEXT,
                     P_CLOSERS, RCDATA, SCOPE, SKIPPED, SPECIAL, TABLE_PARTS, VOID, Attr, _raw_end,
                     clean_text, unescape_attr)
from .regions import RegionsMixin
from .tables import TablesMixin, _Cell, _Table


_SELECT_ENDS = frozenset({"select", "option", "optgroup", "template", "table", "caption", "tbody", "thead",
                          "tfoot", "tr", "td", "th"})


class Reader(TablesMixin, LinksMixin, EmbeddedMixin, RegionsMixin):
    def __init__(self, text: str, limits: Limits):
        self.src = text
        self.max_depth = max(8, limits.max_depth)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.segments: list[Segment] = []
        self.links: list[list] = []  # [url, text parts, location, tag, hidden, fallback text]
        self.meta: dict[str, str] = {}
        self.facts: list[Fact] = []
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
        self.regions: list[tuple[int, str]] = []  # (stack depth, region) of open 导航/页脚... elements
        self.block_info: dict[int, tuple[str | None, int, bool]] = {}  # segment → region, table, heading
        self.closing = ""  # the block element being closed while its text is flushed
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
            elif kind == "bogus":  # not shown, but in the page's source like a comment
                body = m.group("bogus")
                if not body[:8].lower().startswith("!doctype"):
                    self.comment(body[1:], m.start("bogus") + 1)
            # else <!-->: nothing to read
        self.pop_to(0)
        self.flush()
        while self.table_stack:  # tables opened past the depth limit
            self.end_table()
        self.tables.sort(key=lambda t: int(t.ref[2:]))
        self.label_blocks()
        links = tuple(Link(url, clean_text("".join(parts))[:MAX_LINK_TEXT] or fallback, loc, tag, hidden)
                      for url, parts, loc, tag, hidden, fallback in self.links)
        return Document(path, "html", tuple(self.segments), self.meta, tuple(self.tables), links,
                        facts=tuple(self.facts), encoding=encoding, anchors=frozenset(self.anchors))

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
        info = (self.regions[-1][1] if self.regions else None,
                self.table_stack[-1].number if cell is not None and self.table_stack else 0,
                self.closing in HEADINGS or bool(self.open.get("h1") or self.open.get("h2") or self.open.get("h3")
                                                 or self.open.get("h4") or self.open.get("h5") or self.open.get("h6")))
        for reason, buf in self.blocks.items():
            if not buf.length:
                continue
            self.block_info[len(self.segments)] = info
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
            if tag in FORM_TAGS:
                self.form_segments(tag, attrs, state)
            if "style" in attrs:
                self.css_content(attrs["style"][0], attrs["style"][1], state.reason)
            if tag in DATA_ATTRS:
                item = attrs.get(DATA_ATTRS[tag])
                if item and item[0].lstrip(_WS)[:5].lower() == "data:":
                    self.data_url(tag, item[0], item[1], item[2], state)
            if tag == "iframe" and "srcdoc" in attrs:
                self.srcdoc(attrs, state)
        if tag in VOID:
            return pos
        region = self.region_of(tag, attrs)
        if tag in SKIPPED or tag in RCDATA:
            if tag != "script" and tag != "textarea" and self.open.get("select"):
                return pos  # a browser ignores the tag inside <select>: what follows is option text
            return self.raw_text(tag, pos, state, attrs)
        self.push(tag, state, link, region)
        return pos

    def push(self, tag: str, state: State, link: int, region: str | None = None) -> None:
        if len(self.stack) >= self.max_depth:
            self.overflow += 1
            return
        if region is not None:
            self.regions.append((len(self.stack), region))
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
        if self.open.get("select") and tag not in _SELECT_ENDS:
            return  # inside <select> a browser ignores other end tags (a table's close the select)
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
                self.closing = tag
                self.flush()
                self.closing = ""
            if self.regions and self.regions[-1][0] >= len(stack):
                self.regions.pop()
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

    def raw_text(self, tag: str, pos: int, state: State, attrs: dict[str, Attr]) -> int:
        """Content of script/style/title/textarea ...: read to the matching end tag."""
        src = self.src
        if tag == "plaintext":
            close = len(src)
            after = close
        else:
            m = _raw_end(tag).search(src, pos)
            close, after = (m.start(), m.end()) if m else (len(src), len(src))
        body = src[pos:close]
        if tag == "script":
            if _WRITES_HTML.search(body):
                self.script_links(body, pos, state)
            kind = attrs["type"][0].strip().lower() if "type" in attrs else ""
            if ("html" in kind or "template" in kind or "tmpl" in kind) and body.strip(_WS):
                self.nested(body, body, pos, "脚本模板", state.reason or SCRIPT_TEMPLATE)
            elif "src" not in attrs and "json" not in kind:
                self.script_strings(body, pos, state.reason)
        elif tag == "style":
            self.css_content(body, pos, state.reason)
        elif tag in RCDATA and body.strip(_WS):
            if tag == "title":
                self.lone_segment(body, pos, part="title")
            else:  # textarea, xmp, plaintext: a block of its own
                entities = tag == "textarea"
                self.feed(self.buffer(state.reason), body, pos, entities)
                self.flush()
        return after
