"""RTF: the text of a Rich Text Format file, read with our own tokenizer (a token at a time,
never a character at a time: text between control words is one regular-expression match).

Text is decoded as Word and WPS write it: ``\\uN`` with its fallback skipped (``\\ucN``), ``\\'hh``
bytes in the code page of the current font's charset (``\\fcharset134`` → GBK) or of
``\\ansicpg``. Segments are as in the DOCX reader: one per paragraph in ``part`` 正文 / 页眉 /
页脚 / 首页页眉 ... / 脚注 / 尾注 / 文本框 with its 1-based ``paragraph``; table cells (``\\cell``,
``\\row``) carry ``row``/``col`` and form a table. Hidden text (``\\v``), tracked deletions
(``\\deleted``) and comments (``\\annotation``, at the paragraph they are anchored to) are their
own segments with ``hidden`` set; tracked insertions (``\\revised``) are visible and named in a
fact. HYPERLINK fields become links; ``\\author``/``\\operator`` in ``\\info`` become facts and
``\\creatim``/``\\revtim`` metadata.

Not read: pictures and embedded objects (``\\object``, ``\\pict``: their count is a fact),
text hidden by a style, list numbering text.
"""

from __future__ import annotations

import re

from ..model import Document, Fact, Link, Location, Segment, Table
from . import Limits, ReadError
from .places import Paragraphs, attached, cell_place

from .wordtext import BODY, COMMENT, DELETED, VANISHED, WordText  # noqa: F401 (names the readers share)
_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|[\r\n]+|([^\\{}\r\n]+)")
_STORIES = {b"header": "页眉", b"headerl": "页眉", b"headerr": "页眉", b"headerf": "首页页眉",
            b"footer": "页脚", b"footerl": "页脚", b"footerr": "页脚", b"footerf": "首页页脚",
            b"shptxt": "文本框", b"annotation": COMMENT}
_SKIP = {b"fonttbl", b"colortbl", b"stylesheet", b"pict", b"listtable", b"listoverridetable", b"rsidtbl",
         b"generator", b"xmlnstbl", b"themedata", b"colorschememapping", b"latentstyles", b"datastore",
         b"mmathPr", b"pgdsctbl", b"sp", b"nonshppict", b"bkmkstart", b"bkmkend", b"atnid", b"atndate",
         b"atnref", b"datafield", b"filetbl", b"revtbl", b"objdata", b"objclass", b"objname", b"fldtype",
         b"shprslt", b"pntext", b"pntxta", b"pntxtb", b"listtext", b"wgrffmtfilter", b"passwordhash", b"xmlopen",
         b"file", b"keywords", b"comment", b"doccomm", b"userprops", b"protusertbl", b"panose", b"falt",
         b"template", b"docvar", b"ftnsep", b"ftnsepc", b"aftnsep", b"aftnsepc"}
_INFO_PEOPLE = {b"author": ("creator", "作者"), b"operator": ("last_modified_by", "最后修改者"),
                b"manager": ("manager", "管理者"), b"company": ("company", "单位")}
_SYMBOLS = {b"par": "\r", b"sect": "\r", b"page": "\r", b"line": "\n", b"tab": "\t", b"emdash": "—",
            b"endash": "–", b"bullet": "•", b"lquote": "‘", b"rquote": "’", b"ldblquote": "“",
            b"rdblquote": "”", b"emspace": " ", b"enspace": " ", b"qmspace": " ", b"cell": "\x07",
            b"nestcell": "\n", b"row": "\x1d", b"nestrow": "\n", b"column": "\r"}
_CHARSETS = {134: "gbk", 136: "big5", 128: "cp932", 129: "cp949", 0: "cp1252", 1: None, 2: None,
             161: "cp1253", 162: "cp1254", 177: "cp1255", 178: "cp1256", 186: "cp1257", 204: "cp1251",
             222: "cp874", 238: "cp1250"}
_HYPERLINK = re.compile(r'\s*HYPERLINK\s+(?:\\[a-z]\s+(?:"[^"]*"\s+)?)*"([^"]+)"(?:\s+\\l\s+"([^"]*)")?', re.I)
_DATE_PARTS = (b"yr", b"mo", b"dy", b"hr", b"min")
_ENDS = ("\r", "\x07", "\x1d")
_NO_MARKS = {0x0D: None, 0x07: None, 0x1D: None}
_READ_STARRED = {b"footnote", b"ud", b"fldinst", b"shpinst", b"atnauthor", b"annotation", b"shptxt"}


class _State:
    __slots__ = ("dest", "hidden", "deleted", "inserted", "uc", "font", "intbl", "field")

    def __init__(self) -> None:
        self.dest: str | None = BODY  # story label, "skip", "info:<name>", "fldinst", "fldrslt"
        self.hidden = self.deleted = self.inserted = self.intbl = False
        self.uc = 1
        self.font = -1
        self.field: list[str] | None = None

    def copy(self) -> "_State":
        s = _State()
        for k in self.__slots__:
            setattr(s, k, getattr(self, k))
        return s


class _Story:
    """One story (body, a header, a note, a comment): its part, what hides it, the paragraph
    number its text keeps (a comment's anchor), and how its paragraphs are named for people:
    counted by ``names`` or all called ``block`` (a comment: ``正文第3段的批注``)."""

    def __init__(self, label: str, hidden: str | None = None, fixed: int | None = None,
                 names: Paragraphs | None = None, block: str | None = None):
        self.label, self.hidden, self.fixed = label, hidden, fixed
        self.names = names or Paragraphs(label)
        self.block = block
        self.frags: list[tuple[str | None, str]] = []

    def place(self) -> str:
        """The name of the paragraph being read (a comment or link inside it)."""
        return self.block or self.names.peek()


def read_rtf(data: bytes, path: str, limits: Limits) -> Document:
    return _Parser(data, path, limits).run()


class _Parser(WordText):
    def __init__(self, data: bytes, path: str, limits: Limits):
        self.data, self.path, self.limits = data, path, limits
        self.codepage = "cp1252"
        self.fonts: dict[int, str | None] = {}
        self.segments: list[Segment] = []
        self.tables: list[Table] = []
        self.links: list[Link] = []
        self.facts: list[Fact] = []
        self.meta: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.names: dict[str, Paragraphs] = {}  # notes and text boxes: counted across the document
        self.body_n = 0
        self.row: list[int] = []
        self.grid: list[list[int]] = []
        self.cell: list[tuple[str | None, str]] = []
        self.cell_n: int | None = None
        self.hidden_count = self.deleted_count = self.comments = self.objects = 0
        self.first_hidden: Location | None = None
        self.insertions: list[tuple[str, Location]] = []
        self.authors: list[str] = []

    # -- output ---------------------------------------------------------------------------------

    def _next(self, label: str) -> int:
        self.counts[label] = self.counts.get(label, 0) + 1
        return self.counts[label]

    def emit(self, story: _Story, frags: list[tuple[str | None, str]], where: Location, kind: str) -> int:
        return self.emit_runs(frags, where, kind)

    def paragraph(self, story: _Story, end: str, intbl: bool) -> None:
        frags, story.frags = story.frags, []
        # tracked insertions stay in the visible text; they are also listed for the fact
        visible_frags = [(None if r == "inserted" else r, t) for r, t in frags]
        inserted = "".join(t for r, t in frags if r == "inserted").strip()
        if inserted:
            self.insertions.append((inserted, Location(part=story.label, block=self._here(story, intbl))))
        is_body = story.label == BODY and story.hidden is None
        if is_body and (intbl or end in ("\x07", "\x1d")):
            if end == "\x1d":
                if self.cell or self.row:
                    if self.cell:
                        self._cell()
                    self.grid.append(self.row)
                    self.row = []
                return
            if self.cell_n is None:
                self.body_n += 1
                self.cell_n = self.body_n
            elif self.cell:
                self.cell.append((None, "\n"))
            self.cell.extend(visible_frags)
            if end == "\x07":
                self._cell()
            return
        if is_body:
            self._close_table()
        if story.fixed is not None:
            n = story.fixed
        elif is_body:
            self.body_n += 1
            n = self.body_n
        else:
            n = self._next(story.label)
        block = story.block or story.names.next()
        where = Location(part=story.label, paragraph=n, hidden=story.hidden, block=block)
        if self.emit(story, visible_frags, where, "text") < 0 and story.block is None:
            story.names.skip()  # shows no text: a person counting paragraphs does not count it

    def cell_place(self) -> str:
        """The name of the table cell being read: ``表格1 第2行第3列``."""
        return cell_place(f"表格{len(self.tables) + 1}", len(self.grid) + 1, len(self.row) + 1)

    def _here(self, story: _Story, intbl: bool) -> str:
        """The name of the place being read in ``story`` (a table cell of the body when ``intbl``)."""
        return self.cell_place() if intbl and story.label == BODY and story.hidden is None else story.place()

    def _cell(self) -> None:
        loc = Location(part=BODY, paragraph=self.cell_n, row=len(self.grid) + 1, col=len(self.row) + 1,
                       block=self.cell_place())
        self.row.append(self.emit(_Story(BODY), self.cell, loc, "cell"))
        self.cell, self.cell_n = [], None

    def _close_table(self) -> None:
        if self.cell:
            self._cell()
        if self.row:
            self.grid.append(self.row)
            self.row = []
        if self.grid:
            width = max(len(r) for r in self.grid)
            self.tables.append(Table(f"表格{len(self.tables) + 1}",
                                     tuple(tuple(r) + (-1,) * (width - len(r)) for r in self.grid)))
            self.grid = []

    # -- the token loop -------------------------------------------------------------------------

    def decode(self, raw: bytes, state: _State) -> str:
        enc = self.fonts.get(state.font) or self.codepage
        try:
            return raw.decode(enc, "replace")
        except LookupError:
            return raw.decode("gbk", "replace")

    def run(self) -> Document:
        data = self.data
        if not data.lstrip()[:6].startswith(b"{\\rtf"):
            raise ReadError("文件不是有效的 RTF 文档")
        stack: list[_State] = []
        state = _State()
        stories: dict[int, _Story] = {}   # id of the group state that opened a story → story
        body = _Story(BODY)
        story_stack: list[_Story] = [body]
        pending = bytearray()             # \'hh bytes, decoded together (double-byte code pages)
        skip = 0                          # fallback characters still to skip after \uN
        info_text: list[str] = []
        field_stack: list[dict[str, object]] = []
        max_depth = self.limits.max_depth * 4
        pos, end = 0, len(data)
        match = _TOKEN.match

        def put(text: str) -> None:
            if state.dest is None or state.dest == "skip" or not text:
                return
            if state.dest.startswith("info:") or state.dest == "fldinst":
                info_text.append(text)
                if state.dest == "fldinst" and field_stack:
                    field_stack[-1]["code"] = str(field_stack[-1]["code"]) + text
                return
            story = story_stack[-1]
            if text in _ENDS:
                self.paragraph(story, text, state.intbl)
                return
            text = text.translate(_NO_MARKS)
            reason = DELETED if state.deleted else VANISHED if state.hidden else "inserted" if state.inserted else None
            story.frags.append((reason, text))
            if field_stack and field_stack[-1]["result"] is not None and reason is None:
                field_stack[-1]["result"] = str(field_stack[-1]["result"]) + text

        def flush() -> None:
            nonlocal skip
            if pending:
                raw = bytes(pending)
                pending.clear()
                if skip:
                    dropped = min(skip, len(raw))
                    raw, skip = raw[dropped:], skip - dropped
                put(self.decode(raw, state))

        while pos < end:
            m = match(data, pos)
            if m is None:  # a lone backslash at the very end
                break
            pos = m.end()
            word, arg, hexa, sym, brace, text = m.groups()
            if hexa is not None:
                pending.append(int(hexa, 16))
                continue
            if pending:
                flush()
            if text is not None:
                if state.dest == "skip":
                    continue
                raw = text
                if skip:
                    dropped = min(skip, len(raw))
                    raw, skip = raw[dropped:], skip - dropped
                if raw:
                    put(self.decode(raw, state))
                continue
            if brace == b"{":
                if len(stack) > max_depth:
                    raise ReadError(f"RTF 分组嵌套超过 {max_depth} 层，可能是恶意构造的文件，已停止读取")
                stack.append(state)
                state = state.copy()
                state.field = None
                skip = 0
                continue
            if brace == b"}":
                if id(state) in stories:
                    story = stories.pop(id(state))
                    if story.frags:
                        self.paragraph(story, "\r", False)
                    story_stack.pop()
                if state.dest and state.dest.startswith("info:"):
                    self._info(state.dest[5:], "".join(info_text).strip())
                    info_text.clear()
                if state.field is not None and field_stack:
                    field = field_stack.pop()
                    hm = _HYPERLINK.match(str(field["code"]))
                    if hm:
                        url = hm.group(1) + (f"#{hm.group(2)}" if hm.group(2) else "")
                        where = Location(part=story_stack[-1].label,
                                         paragraph=(self.body_n + 1) if story_stack[-1].label == BODY else None,
                                         block=self._here(story_stack[-1], state.intbl))
                        self.links.append(Link(url, str(field["result"] or "").strip(), where, "a", None))
                if not stack:
                    break  # the end of the document group
                state = stack.pop()
                skip = 0
                continue
            if sym is not None:
                if sym == b"*":
                    # an ignorable destination: skipped unless its control word is one we read
                    nxt = match(data, pos)
                    if not (nxt and nxt.group(1) in _READ_STARRED):
                        state.dest = "skip"
                    continue
                if state.dest == "skip":
                    continue
                ch = {b"~": "\u00a0", b"_": "-", b"-": "", b"{": "{", b"}": "}", b"\\": "\\",
                      b"\n": "\r", b"\r": "\r", b"|": "", b":": ""}.get(sym)
                if ch:
                    put(ch)
                continue
            if word is None:
                continue
            n = int(arg) if arg is not None else None
            if word == b"bin":
                pos += max(n or 0, 0)  # raw bytes follow: never tokens
                if pos > end:
                    raise ReadError("RTF 中的二进制数据超出文件末尾，文件可能已被截断")
                continue
            if state.dest == "skip":
                continue
            if word in _SKIP:
                state.dest = "skip"
                if word == b"fonttbl":
                    self._fonts(data, m.end())
                continue
            if word in (b"object", b"shppict"):
                self.objects += word == b"object"
                continue
            if word in _STORIES:
                label = _STORIES[word]
                if label == COMMENT:
                    self.comments += 1
                    where_n = self.body_n + 1
                    block = attached(self._here(story_stack[-1], state.intbl), COMMENT)
                    story = _Story(BODY, COMMENT, where_n, block=block) if story_stack[-1].label == BODY else \
                        _Story(story_stack[-1].label, COMMENT, None, block=block)
                elif label == "文本框":  # in the body: named after its anchor paragraph, as in DOCX
                    parent = story_stack[-1]
                    in_body = parent.label == BODY and parent.hidden is None
                    story = _Story(label, names=self.names.setdefault(label, Paragraphs(label)),
                                   block=attached(self._here(parent, state.intbl), label) if in_body else None)
                else:
                    story = _Story(label)
                stories[id(state)] = story
                story_stack.append(story)
                state.hidden = state.deleted = state.inserted = state.intbl = False
                continue
            if word == b"footnote":
                nxt = data[m.end():m.end() + 16]
                label = "尾注" if b"\\ftnalt" in nxt else "脚注"
                story = _Story(label, names=self.names.setdefault(label, Paragraphs(label)))
                stories[id(state)] = story
                story_stack.append(story)
                state.intbl = False
                continue
            if word == b"info":
                state.dest = "info:"
                continue
            if (state.dest or "").startswith("info:"):
                if word in _INFO_PEOPLE or word in (b"title", b"subject", b"creatim", b"revtim", b"printim"):
                    state.dest = "info:" + word.decode()
                    info_text.clear()
                    continue
                if word in _DATE_PARTS and n is not None:
                    info_text.append(f"{word.decode()}={n};")
                    continue
            if word == b"atnauthor":
                state.dest = "info:atnauthor"
                info_text.clear()
                continue
            if word == b"field":
                state.field = []
                field_stack.append({"code": "", "result": None})
                continue
            if word == b"fldinst":
                state.dest = "fldinst"
                continue
            if word == b"fldrslt":
                if field_stack:
                    field_stack[-1]["result"] = ""
                continue
            if word == b"ansicpg" and n:
                self.codepage = _codepage(n)
            elif word == b"uc" and n is not None:
                state.uc = max(0, min(n, 8))
            elif word == b"u" and n is not None:
                put(chr(n + 65536 if n < 0 else n) if 0 <= (n + 65536 if n < 0 else n) < 0x110000 else "")
                skip = state.uc
                continue
            elif word == b"f" and n is not None:
                state.font = n
            elif word == b"v":
                state.hidden = n != 0
            elif word == b"deleted":
                state.deleted = n != 0
            elif word == b"revised":
                state.inserted = n != 0
            elif word == b"intbl":
                state.intbl = True
            elif word == b"pard":
                state.intbl = False
            elif word == b"plain":
                state.hidden = state.deleted = state.inserted = False
            elif word in _SYMBOLS:
                put(_SYMBOLS[word])
            skip = 0
        if pending:
            flush()
        if stack:
            raise ReadError(f"RTF 文件不完整（还有 {len(stack)} 层分组没有结束），可能已被截断，无法完整检查")
        if body.frags:
            self.paragraph(body, "\r", False)
        self._close_table()
        return self._document()

    # -- header tables --------------------------------------------------------------------------

    def _fonts(self, data: bytes, start: int) -> None:
        """\\fN ... \\fcharsetN pairs of the font table: the code page of each font."""
        depth, pos, font = 1, start, -1
        for m in _TOKEN.finditer(data, start):
            word, arg, brace = m.group(1), m.group(2), m.group(5)
            if brace == b"{":
                depth += 1
            elif brace == b"}":
                depth -= 1
                if depth == 0:
                    break
            elif word == b"f" and arg:
                font = int(arg)
            elif word == b"fcharset" and arg and font >= 0:
                self.fonts[font] = _CHARSETS.get(int(arg), None)
            elif word == b"cpg" and arg and font >= 0:
                self.fonts[font] = _codepage(int(arg))
            pos = m.end()
            if pos - start > 1 << 22:
                break

    def _info(self, name: str, text: str) -> None:
        if not text:
            return
        key = name.encode()
        if key in _INFO_PEOPLE:
            kind, label = _INFO_PEOPLE[key]
            self.facts.append(Fact(kind, f"文档属性中的{label}：{text}", Location(part="文档属性"), text))
        elif name in ("title", "subject"):
            self.meta[name] = text
        elif name in ("creatim", "revtim", "printim"):
            parts = dict(p.split("=") for p in text.split(";") if "=" in p)
            try:
                stamp = f"{int(parts['yr']):04d}-{int(parts.get('mo', 1)):02d}-{int(parts.get('dy', 1)):02d}"
            except (KeyError, ValueError):
                return
            if stamp.startswith("0000"):
                return
            self.meta[{"creatim": "created", "revtim": "modified", "printim": "lastPrinted"}[name]] = stamp
        elif name == "atnauthor" and text not in self.authors:
            self.authors.append(text)

    def _document(self) -> Document:
        facts = [*self.facts, *self.revision_facts(self.comments, self.authors)]
        if self.objects:
            facts.append(Fact("hidden_objects_unchecked", f"文档中有 {self.objects} 个嵌入对象，其中的文字未检查，请人工核对",
                              Location(part=BODY), str(self.objects)))
        return Document(self.path, "rtf", tuple(self.segments), meta=self.meta, tables=tuple(self.tables),
                        links=tuple(self.links), facts=tuple(facts))


def _codepage(n: int) -> str:
    return {936: "gbk", 65001: "utf-8", 1200: "utf-16-le"}.get(n, f"cp{n}")
