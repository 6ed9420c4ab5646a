"""Text a browser shows that is not a text node: ``<iframe srcdoc>``, ``data:`` documents in
``<object>``/``<embed>``/``<iframe>``, form values and placeholders, CSS ``content:`` strings and
the string literals of inline scripts (issue 12, defect 5; docs/formats.md lists each place).

- ``srcdoc`` and a ``data:`` URL of type ``text/html`` or ``image/svg+xml`` are read as pages of
  their own (at most :data:`MAX_NESTING` deep); their segments carry ``part`` (``iframe
  srcdoc``, ``data: 文档``) and the frame's hidden reason; a ``text/plain`` one is one segment.
  Where the characters are written as themselves (no character reference, percent escape or
  base64) every offset keeps its line and column, otherwise the segment sits at the attribute.
  A ``data:`` object of any other type (a PDF, Flash, an Office file) cannot be read: it is a
  ``Fact("unchecked_embedded")`` (H005), never silently passed.
- ``value`` of ``<input>`` (visible for text-like types; ``type=hidden`` and ``password`` are
  hidden), ``placeholder`` of ``<input>``/``<textarea>``, ``label`` of ``<option>``/``<optgroup>``
  are ``kind="attr"`` segments; the ``value`` of ``<option>``/``<button>`` (sent, not shown) is
  hidden text.
- CSS ``content:`` strings in ``<style>`` and ``style=""`` are segments (``part="CSS content"``):
  a browser draws them before/after an element. Icon-font glyphs (private use characters) and
  strings with no letter or digit are left out.
- Inline scripts: string literals holding a CJK character or a run of digits are segments with
  ``hidden`` :data:`SCRIPT_TEXT`: what a script writes is shown only when it runs, so they are
  judged by the privacy, typo and other detectors but not reported as hidden text by H001. A
  ``<script type="text/html">`` (a client-side template) is read as a page, hidden as
  :data:`SCRIPT_TEMPLATE`.
"""

from __future__ import annotations

import base64
import binascii
import re
from bisect import bisect_right
from dataclasses import replace
from urllib.parse import unquote_to_bytes

from ...model import Fact, Segment
from ..css import State
from .syntax import _WS, Attr

MAX_NESTING = 4
MAX_DATA_BYTES = 8 * 1024 * 1024
SRCDOC, DATA_DOC = "iframe srcdoc", "data: 文档"
SCRIPT_TEXT = "脚本中的文字（脚本运行时才可能显示）"
SCRIPT_TEMPLATE = "脚本模板（脚本运行时才显示）"
CSS_CONTENT = "CSS content"
HIDDEN_INPUT, PASSWORD, FORM_VALUE = "隐藏表单字段（input type=hidden）", "密码框", "表单提交值（不显示）"
UNCHECKED_EMBEDDED = "unchecked_embedded"

_DATA_URL = re.compile(r"[\t\n\f\r ]*data:([^,]*),", re.I)
_TEXT_INPUTS = frozenset({"", "text", "search", "tel", "url", "email", "number", "submit", "reset",
                          "button", "date", "datetime-local", "month", "week", "time"})
_CSS_CONTENT = re.compile(r"""\bcontent\s*:\s*((?:"(?:[^"\\\n]|\\.)*+"|'(?:[^'\\\n]|\\.)*+'|[^;}"']++)++)""",
                          re.I | re.S)
_CSS_STRING = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'""", re.S)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[\t\n\f\r ]?|(\n)|(.))", re.S)
_JS_TOKEN = re.compile(r"""//[^\n]*|/\*.*?(?:\*/|\Z)|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`""",
                       re.S)
_JS_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\n)|(.))", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}
_WORTH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[0-9０-９]{5}")
_WORDISH = re.compile(r"[^\W_]", re.U)
_TAGS = re.compile(r"<[^<>]*>")


def css_unescape(s: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return "" if m.group(2) else m.group(3)
    return _CSS_ESCAPE.sub(one, s) if "\\" in s else s


def js_unescape(s: str) -> str:
    def one(m: re.Match[str]) -> str:
        hexa = m.group(1) or m.group(2) or m.group(3)
        if hexa:
            code = int(hexa, 16)
            return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        if m.group(4):
            return ""
        c = m.group(5)
        return _JS_SIMPLE.get(c, c)
    return _JS_ESCAPE.sub(one, s) if "\\" in s else s


def _shown(text: str) -> bool:
    """Worth a segment: a letter or digit that is not an icon-font glyph."""
    return bool(_WORDISH.search(re.sub(r"[\ue000-\uf8ff]", "", text)))


class EmbeddedMixin:
    """The embedded-text part of :class:`~.reader.Reader`."""

    nesting = 0

    # -- attributes ---------------------------------------------------------------------------

    def form_segments(self, tag: str, attrs: dict[str, Attr], state: State) -> None:
        kind = attrs["type"][0].strip().lower() if "type" in attrs else ""
        items: list[tuple[str, str | None]] = []
        if tag == "input":
            if kind == "hidden":
                items.append(("value", HIDDEN_INPUT))
            elif kind == "password":
                items.append(("value", PASSWORD))
            elif kind in _TEXT_INPUTS:
                items.append(("value", state.reason))
            elif kind not in ("image", "file"):  # checkbox, radio, range, colour: sent, not shown
                items.append(("value", FORM_VALUE))
            items.append(("placeholder", state.reason))
        elif tag == "textarea":
            items.append(("placeholder", state.reason))
        elif tag in ("option", "optgroup"):
            items.append(("label", state.reason))
            if tag == "option":
                items.append(("value", FORM_VALUE))
        elif tag == "button":
            items.append(("value", FORM_VALUE))
        for name, reason in items:
            item = attrs.get(name)
            if item and item[0].strip(_WS):
                _, at, end = item
                self.lone_segment(self.src[at:end], at, kind="attr", name=name, part=f"{tag} {name}属性",
                                  hidden=reason or state.reason)

    def srcdoc(self, attrs: dict[str, Attr], state: State) -> None:
        item = attrs.get("srcdoc")
        if item and item[0].strip(_WS):
            value, at, end = item
            self.nested(value, self.src[at:end], at, SRCDOC, state.reason)

    def data_url(self, tag: str, url: str, at: int, end: int, state: State) -> None:
        """A ``data:`` document in an object, embed, iframe or frame."""
        m = _DATA_URL.match(url)
        if m is None:
            return
        params = [p.strip().lower() for p in m.group(1).split(";")]
        media = params[0] or "text/plain"
        b64 = "base64" in params[1:]
        charset = next((p[8:] for p in params[1:] if p.startswith("charset=")), "utf-8")
        payload = url[m.end():]
        where = self.location(at, hidden=state.reason)
        if media.startswith("image/") and media != "image/svg+xml":
            return  # a picture: no text layer (pictures are not read anywhere)
        readable = media in ("text/html", "text/plain", "application/xhtml+xml", "image/svg+xml", "text/xml")
        try:
            raw = base64.b64decode("".join(payload.split()), validate=False) if b64 else unquote_to_bytes(payload)
            if len(raw) > MAX_DATA_BYTES:
                raise ValueError("too big")
            text = raw.decode(charset if readable else "utf-8", "strict")
        except (binascii.Error, ValueError, LookupError, UnicodeDecodeError):
            readable = False
            text = ""
        if not readable:
            self.facts.append(Fact(UNCHECKED_EMBEDDED, f"第 {where.line} 行 <{tag}> 以 data: 地址嵌入的 {media} "
                                   "内容无法读取，未检查", where, f"data:{media}"))
            return
        literal = self.src[at:end] if not b64 and "%" not in payload else None
        if media == "text/plain":
            if text.strip(_WS):
                if literal is not None and literal.endswith(text):
                    start = at + len(literal) - len(text)
                    self.lone_segment(text, start, entities=False, part=DATA_DOC, hidden=state.reason)
                else:
                    self.segments.append(Segment(text, replace(where, part=DATA_DOC)))
            return
        if literal is not None and literal.endswith(text):
            self.nested(text, text, at + len(literal) - len(text), DATA_DOC, state.reason)
        else:
            self.nested(text, None, at, DATA_DOC, state.reason)

    def nested(self, text: str, raw: str | None, at: int, part: str, reason: str | None,
               links: bool = True) -> None:
        """Read ``text`` (the decoded value of ``raw`` written at ``at``) as a page of its own."""
        from .. import Limits

        if self.nesting >= MAX_NESTING:
            where = self.location(at, hidden=reason)
            self.facts.append(Fact(UNCHECKED_EMBEDDED, f"第 {where.line} 行嵌套超过 {MAX_NESTING} 层的 {part} "
                                   "未检查", where, part))
            return
        inner = type(self)(text, Limits(max_depth=self.max_depth))  # the Reader this is mixed into
        inner.nesting = self.nesting + 1
        inner.where = _mapper(self.where, raw, text, at)
        doc = inner.run("", "")
        for seg in doc.segments:
            base = seg.base
            hidden = base.hidden or reason
            self.segments.append(Segment(seg.text, replace(base, part=base.part or part, hidden=hidden, block=None,
                                                           row=None, col=None),
                                         seg.anchors, "text" if seg.kind == "cell" else seg.kind, seg.name))
        self.facts.extend(doc.facts)
        for link in doc.links if links else ():
            self.links.append([link.url, [link.text], link.location, link.tag, link.hidden or reason, ""])

    # -- CSS and scripts ------------------------------------------------------------------------

    def css_content(self, css: str, pos: int, reason: str | None) -> None:
        if "content" not in css.lower():
            return
        for m in _CSS_CONTENT.finditer(css):
            for s in _CSS_STRING.finditer(m.group(1)):
                g = 1 if s.group(1) is not None else 2
                raw = s.group(g)
                value = css_unescape(raw)
                if not _shown(value):
                    continue
                at = pos + m.start(1) + s.start(g)
                if value == raw:
                    self.lone_segment(raw, at, entities=False, part=CSS_CONTENT, hidden=reason)
                else:
                    self.segments.append(Segment(value, self.location(at, part=CSS_CONTENT, hidden=reason)))

    def script_strings(self, body: str, pos: int, reason: str | None) -> None:
        if not _WORTH.search(body):
            return
        for m in _JS_TOKEN.finditer(body):
            g = m.lastindex
            if not g:
                continue  # a comment
            raw = m.group(g)
            if not _WORTH.search(raw) and "\\u" not in raw:
                continue
            value = js_unescape(raw)
            if not _WORTH.search(value):
                continue
            at = pos + m.start(g)
            hidden = reason or SCRIPT_TEXT
            if "<" in value and ">" in value:  # markup a script writes: read as a page
                self.nested(value, raw if value == raw else None, at, "脚本字符串", hidden, links=False)
            elif value == raw and "\n" not in raw:
                self.lone_segment(raw, at, entities=False, part="脚本字符串", hidden=hidden)
            else:
                self.segments.append(Segment(value, self.location(at, part="脚本字符串", hidden=hidden)))


def _mapper(outer_where, raw: str | None, text: str, at: int):  # type: ignore[no-untyped-def]
    """``pos`` in ``text`` → the line and column in the outer page of the character it came from."""
    if raw is None:
        spot = outer_where(at)
        return lambda pos: spot
    if raw == text:
        return lambda pos: outer_where(at + pos)
    # character references in the attribute: a breakpoint after each one
    import html as _html
    from .syntax import _ATTR_ENTITY

    decoded_at: list[int] = [0]
    raw_at: list[int] = [0]
    d = r = 0
    for m in _ATTR_ENTITY.finditer(raw):
        d += m.start() - r
        r = m.start()
        decoded_at.append(d)
        raw_at.append(r)
        d += len(_html.unescape(m.group()))
        r = m.end()
        decoded_at.append(d)
        raw_at.append(r)

    def where(pos: int) -> tuple[int, int]:
        i = bisect_right(decoded_at, pos) - 1
        return outer_where(at + raw_at[i] + (pos - decoded_at[i]))
    return where
