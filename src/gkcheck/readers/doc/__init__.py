"""DOC (Word 97-2003) and WPS .wps files in the same container, read natively ([MS-DOC]).

The text of a .doc is one run of characters positions (CPs) cut into stories by the FIB: main
text, footnotes, headers/footers, comments, endnotes, text boxes, header text boxes. The piece
table (CLX) says where each CP's bytes are. Each story becomes segments like the DOCX reader's:
one per paragraph (one per table cell, its paragraphs joined by newlines) in ``part`` 正文 /
脚注 / 页眉 / 首页页眉 / 偶数页页眉 / 页脚 ... / 批注 / 尾注 / 文本框 / 页眉文本框 with the 1-based
``paragraph`` in that part; cells carry their ``row``/``col`` and form a :class:`Table` whose row
0 is the header row. Field codes are dropped and field results kept (as Word shows them);
HYPERLINK fields become links. What the reader does not see is its own segment with ``hidden``
set: text formatted hidden directly (sprmCFVanish, ``隐藏文字``), tracked deletions
(``修订：已删除``) and comments (``批注``, located at the paragraph they are anchored to).
Tracked insertions are visible text and are named in the tracked-changes fact. The people in
SummaryInformation and the comment authors become facts.

Not read: text hidden by a style rather than directly, pictures and embedded objects (the
number of embedded objects is a fact), macros, Word 6/95 files; fFarEast-only properties.
A file with fEncrypted or fObfuscated set is an error.
"""

from __future__ import annotations

import re
import struct
from bisect import bisect_right
from typing import Any

from ...model import Document, Fact, Link, Location, Segment, Table
from .. import Limits, ReadError
from ..ole import ENCRYPTED, properties, stream
from ..places import Paragraphs, attached, cell_place
from .binary import (CLX, GRPXST_ATN_OWNERS, PLC_SPA_MOM, PLCFAND_REF, PLCFAND_TXT, PLCFHDD, PLCFTXBX_TXT, Fib,
                     broken, char_runs, covers, para_runs, parse_fib, pieces, plc, text_of, xsts)

from ..wordtext import BODY, COMMENT, DELETED, VANISHED, WordText  # noqa: F401 (names the readers share)
_HEADER_LABELS = ("偶数页页眉", "页眉", "偶数页页脚", "页脚", "首页页眉", "首页页脚")
_DROP = "drop"
_MARKS = re.compile("[\r\x07\x0c]")
_FIELD = re.compile("[\x13\x14\x15]")
_HYPERLINK = re.compile(r'\s*HYPERLINK\s+(?:\\[a-z]\s+(?:"[^"]*"\s+)?)*"([^"]+)"(?:\s+\\l\s+"([^"]*)")?',
                        re.IGNORECASE)
# what Word shows for its special characters: line break, hyphens; object anchors and note marks
# are not text
_CLEAN = {0x0B: "\n", 0x1E: "-", 0x1F: None, 0xA0: " "}
_CLEAN.update({c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0B, 0x1E)})


def read_doc(ole: Any, data: bytes, path: str, limits: Limits) -> Document:
    word = stream(ole, "WordDocument", len(data))
    assert word is not None
    fib = parse_fib(word)
    if fib.encrypted or fib.flags & 0x8000:
        raise ReadError(ENCRYPTED)
    table = stream(ole, fib.table_stream, len(data), required=False)
    if table is None:
        raise broken(f"缺少 {fib.table_stream} 数据流")
    cp_table = pieces(fib.blob(table, CLX))
    ccp = fib.ccp
    total = sum(ccp.values())
    if total > len(word):
        raise broken("字符数超过数据流大小")
    text = text_of(word, cp_table, total + 1)
    reader = _Reader(text, char_runs(word, table, fib, cp_table), para_runs(word, table, fib, cp_table))
    pos = 0
    spans: dict[str, tuple[int, int]] = {}
    for name in ("text", "ftn", "hdd", "mcr", "atn", "edn", "txbx", "hdrtxbx"):
        spans[name] = (pos, pos + ccp[name])
        pos += ccp[name]
    reader.story(*spans["text"], BODY, tables=True)
    reader.story(*spans["ftn"], "脚注")
    _headers(reader, fib, table, *spans["hdd"])
    reader.story(*spans["edn"], "尾注")
    _textboxes(reader, fib, table, *spans["txbx"])
    reader.story(*spans["hdrtxbx"], "页眉文本框")
    comments, authors = _comments(reader, fib, table, *spans["atn"])
    facts = reader.facts(comments, authors)
    objects = _embedded_count(ole)
    if objects:
        facts.append(Fact("hidden_objects_unchecked", f"文档中有 {objects} 个嵌入对象（OLE 对象，如嵌入的表格或文档），"
                          "其中的文字未检查，请人工核对", Location(part=BODY), str(objects)))
    meta, props = properties(ole)
    facts.extend(props)
    return Document(path, "doc", tuple(reader.segments), meta=meta, tables=tuple(reader.tables),
                    links=tuple(reader.links), facts=tuple(facts))


def _headers(reader: "_Reader", fib: Fib, table: bytes, start: int, end: int) -> None:
    if end <= start:
        return
    cps, _ = plc(fib.blob(table, PLCFHDD), 0)
    if len(cps) < 2:
        reader.story(start, end, "页眉页脚")
        return
    for i in range(6, len(cps) - 1):
        lo, hi = start + cps[i], start + cps[i + 1]
        if lo < hi <= end:
            label, section = _HEADER_LABELS[(i - 6) % 6], (i - 6) // 6 + 1
            reader.story(lo, hi, label, place=label if section == 1 else f"{label}（第{section}节）")


def _textboxes(reader: "_Reader", fib: Fib, table: bytes, start: int, end: int) -> None:
    """The main document's text boxes, each named after the paragraph its shape is anchored in
    (``正文第5段的文本框``, as in DOCX): PlcftxbxTxt gives each box's text and shape id (FTXBXS.lid),
    PlcSpaMom each shape's anchor CP. Without them the story is read as one ``文本框``."""
    if end <= start:
        return
    boxes, ftxbxs = plc(fib.blob(table, PLCFTXBX_TXT), 22)
    shapes, fspa = plc(fib.blob(table, PLC_SPA_MOM), 26)
    anchors = {struct.unpack_from("<i", fspa, k * 26)[0]: shapes[k] for k in range(len(fspa) // 26)}
    ranges: list[tuple[int, int, str | None]] = []
    for k in range(len(ftxbxs) // 22):
        lo, hi = start + boxes[k], start + boxes[k + 1]
        if lo < hi <= end:
            cp = anchors.get(struct.unpack_from("<i", ftxbxs, k * 22 + 14)[0])
            anchor = reader.where(cp) if cp is not None else None
            ranges.append((lo, hi, attached(anchor.block, "文本框") if anchor is not None else None))
    if not ranges or ranges[0][0] != start or any(a[1] != b[0] for a, b in zip(ranges, ranges[1:])):
        reader.story(start, end, "文本框")   # boxes not as the PLC says: one story, nothing lost
        return
    for lo, hi, named in ranges:
        reader.story(lo, hi, "文本框", block=named)
    if ranges[-1][1] < end:
        reader.story(ranges[-1][1], end, "文本框")


def _comments(reader: "_Reader", fib: Fib, table: bytes, start: int, end: int) -> tuple[int, list[str]]:
    if end <= start:
        return 0, []
    refs, atrd = plc(fib.blob(table, PLCFAND_REF), 30)
    txt, _ = plc(fib.blob(table, PLCFAND_TXT), 0)
    owners = xsts(fib.blob(table, GRPXST_ATN_OWNERS))
    authors: list[str] = []
    count = 0
    notes = len(refs) - 1 if refs else len(txt) - 2  # PlcfandTxt ends with the story's last mark
    for k in range(max(min(notes, len(txt) - 1), 0)):
        lo, hi = start + txt[k], start + txt[k + 1]
        if not lo < hi <= end:
            continue
        count += 1
        anchor: Location | None = None
        if k < len(refs) - 1:
            anchor = reader.where(refs[k])
            ibst, = struct.unpack_from("<h", atrd, k * 30 + 20)
            if 0 <= ibst < len(owners) and owners[ibst] and owners[ibst] not in authors:
                authors.append(owners[ibst])
        if anchor is not None:
            reader.story(lo, hi, anchor.part or BODY, hidden=COMMENT, fixed=anchor.paragraph,
                         block=attached(anchor.block, COMMENT))
        else:
            reader.story(lo, hi, "批注", hidden=COMMENT, fixed=count, block=f"第{count}条批注")
    return count, authors


def _embedded_count(ole: Any) -> int:
    """Embedded objects whose content this reader does not check: those in ``ObjectPool`` that
    are not OLE packages or OOXML documents (readers/archive.py takes those out as files)."""
    try:
        objects: dict[tuple[str, ...], set[str]] = {}
        for e in ole.listdir(streams=True, storages=True):
            if len(e) >= 2 and e[0] == "ObjectPool":
                objects.setdefault(tuple(e[:2]), set()).update(n.lstrip("\x01").lower() for n in e[2:3])
    except Exception:
        return 0
    return sum(1 for streams in objects.values() if not streams & {"ole10native", "package"})


class _Reader(WordText):
    """Turns CP ranges (stories) into segments, tables and links."""

    def __init__(self, text: str, chars: dict[str, list[tuple[int, int]]],
                 paras: dict[str, list[tuple[int, int]]]):
        self.text = text
        self.in_table, self.ttp = paras["in_table"], paras["ttp"]
        self.inserted = chars["inserted"]
        self.segments: list[Segment] = []
        self.tables: list[Table] = []
        self.links: list[Link] = []
        self.counts: dict[str, int] = {}
        self.para_starts: list[int] = []      # main story: CP of each paragraph start
        self.para_numbers: list[int] = []
        self.para_blocks: list[str] = []      # main story: each paragraph's place (Location.block)
        self.hidden_count = 0
        self.first_hidden: Location | None = None
        self.deleted_count = 0
        self.insertions: list[tuple[str, Location]] = []
        self._labels = [(r, VANISHED) for r in chars["vanish"]] + [(r, DELETED) for r in chars["deleted"]]
        self._vanish, self._deleted = chars["vanish"], chars["deleted"]

    # -- locations ------------------------------------------------------------------------------

    def where(self, cp: int) -> Location | None:
        """The main-story paragraph holding ``cp``."""
        i = bisect_right(self.para_starts, cp) - 1
        return Location(part=BODY, paragraph=self.para_numbers[i], block=self.para_blocks[i]) if i >= 0 else None

    # -- one story ------------------------------------------------------------------------------

    def _fields(self, start: int, end: int) -> tuple[list[tuple[int, int]], list[tuple[str, int, int, int]]]:
        """Field codes to drop (CP ranges, markers included) and HYPERLINK fields (url, field
        start, result start, result end)."""
        drop: list[tuple[int, int]] = []
        links: list[tuple[str, int, int, int]] = []
        stack: list[list[int]] = []  # [begin, separator or -1]
        for m in _FIELD.finditer(self.text, start, end):
            c, at = m.group(), m.start()
            if c == "\x13":
                if len(stack) > 64:
                    raise broken("域嵌套过深")
                stack.append([at, -1])
            elif not stack:
                drop.append((at, at + 1))
            elif c == "\x14":
                if stack[-1][1] < 0:
                    stack[-1][1] = at
                    begin = stack[-1][0]
                    drop.append((begin, at + 1))
                else:
                    drop.append((at, at + 1))
            else:
                begin, sep = stack.pop()
                if sep < 0:
                    drop.append((begin, at + 1))
                else:
                    drop.append((at, at + 1))
                    code = self.text[begin + 1:sep]
                    hm = _HYPERLINK.match(code)
                    if hm:
                        url = hm.group(1) + (f"#{hm.group(2)}" if hm.group(2) else "")
                        links.append((url, begin, sep + 1, at))
        for begin, sep in stack:  # unclosed fields: drop their code
            drop.append((begin, sep + 1 if sep >= 0 else end))
        return _merge(drop), links

    def story(self, start: int, end: int, label: str, *, tables: bool = False, hidden: str | None = None,
              fixed: int | None = None, place: str | None = None, block: str | None = None) -> None:
        """Segments of the CP range of one story in part ``label``; ``place`` names its paragraphs
        (``页眉（第2节）``; ``label`` by default) unless ``block`` names them all (a comment)."""
        if end <= start:
            return
        names = Paragraphs(place or label)
        drop, hyperlinks = self._fields(start, end)
        bounds = _Overlay(start, end, drop, self._deleted, self._vanish)
        row: list[int] = []
        grid: list[list[int]] = []
        cell: list[tuple[str | None, str]] = []
        cell_n: int | None = None
        link_at: dict[int, tuple[int, str]] = {}
        pos = start
        marks = [(m.start(), m.group()) for m in _MARKS.finditer(self.text, start, end)]
        if not marks or marks[-1][0] != end - 1:
            marks.append((end, "\r"))
        have_ttp = bool(self.ttp)
        previous_cell_end = False
        for at, mark in marks:
            frags = bounds.cut(self.text, pos, at)
            para_start, pos = pos, at + 1
            in_table = tables and mark == "\x07" or (tables and covers(self.in_table, at))
            if mark == "\x07" and tables and (covers(self.ttp, at) if have_ttp else
                                              (previous_cell_end and not any(t for _, t in frags))):
                if cell:  # text before a row end that was not closed as a cell
                    row.append(self._cell(label, cell, cell_n or 0, len(grid), len(row), hidden, block))
                grid.append(row)
                row, cell, cell_n, previous_cell_end = [], [], None, False
                continue
            n = fixed if fixed is not None else self._next(label)
            if block is not None:
                named = block
            elif in_table:
                named = cell_place(self._table_ref(label), len(grid) + 1, len(row) + 1)
            else:
                named = names.next()
            if label == BODY and hidden is None:
                self.para_starts.append(para_start)
                self.para_numbers.append(n)
                self.para_blocks.append(named)
            link_at[para_start] = (n, named)
            if in_table:
                if cell_n is None:
                    cell_n = n
                elif cell:
                    cell.append((None, "\n"))
                cell.extend(frags)
                if mark == "\x07":
                    row.append(self._cell(label, cell, cell_n, len(grid), len(row), hidden, block))
                    cell, cell_n = [], None
                previous_cell_end = mark == "\x07"
                continue
            previous_cell_end = False
            if grid or row:
                self._table(label, grid + ([row] if row else []))
                grid, row = [], []
            if self._emit(frags, Location(part=label, paragraph=n, hidden=hidden, block=named), "text") < 0 \
                    and block is None:
                names.skip()  # shows no text: a person counting paragraphs does not count it
        if grid or row:
            self._table(label, grid + ([row] if row else []))
        starts = sorted(link_at)
        for url, begin, lo, hi in hyperlinks:
            i = bisect_right(starts, begin) - 1
            n, at_block = link_at[starts[i]] if i >= 0 else (None, None)
            shown = "".join(t for r, t in bounds.cut(self.text, lo, hi) if r is None).translate(_CLEAN).strip()
            self.links.append(Link(url, shown, Location(part=label, paragraph=n, hidden=hidden, block=at_block),
                                   "a", hidden))
        for lo, hi in self.inserted:
            if lo < end and hi > start and len(self.insertions) < 50:
                where = self.where(lo) if label == BODY else Location(part=label)
                shown = "".join(t for r, t in bounds.cut(self.text, max(lo, start), min(hi, end))
                                if r is None).translate(_CLEAN).strip()
                if shown:
                    self.insertions.append((shown, where or Location(part=label)))

    def _next(self, label: str) -> int:
        self.counts[label] = self.counts.get(label, 0) + 1
        return self.counts[label]

    def _emit(self, frags: list[tuple[str | None, str]], where: Location, kind: str) -> int:
        return self.emit_runs(frags, where, kind, _CLEAN)

    def _cell(self, label: str, frags: list[tuple[str | None, str]], n: int, r: int, c: int,
              hidden: str | None, block: str | None) -> int:
        where = block or cell_place(self._table_ref(label), r + 1, c + 1)
        return self._emit(frags, Location(part=label, paragraph=n, row=r + 1, col=c + 1, hidden=hidden,
                                          block=where), "cell")

    def _table_ref(self, label: str) -> str:
        """The name of the table being read (tables are numbered across the document)."""
        k = len(self.tables) + 1
        return f"表格{k}" if label == BODY else f"{label}表格{k}"

    def _table(self, label: str, grid: list[list[int]]) -> None:
        width = max((len(r) for r in grid), default=0)
        if not width:
            return
        ref = self._table_ref(label)
        self.tables.append(Table(ref, tuple(tuple(r) + (-1,) * (width - len(r)) for r in grid)))

    # -- facts ----------------------------------------------------------------------------------

    def facts(self, comments: int, authors: list[str]) -> list[Fact]:
        return self.revision_facts(comments, authors)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    from .binary import merge
    return merge(ranges)


class _Overlay:
    """The CP ranges of one story labelled drop (field codes), deleted, hidden, or visible:
    elementary intervals between every boundary, so a paragraph is cut with a bisect, never
    character by character."""

    def __init__(self, start: int, end: int, drop: list[tuple[int, int]], deleted: list[tuple[int, int]],
                 vanish: list[tuple[int, int]]):
        points = {start, end}
        layers = []
        for label, ranges in ((_DROP, drop), (DELETED, deleted), (VANISHED, vanish)):
            inside = [(lo, hi) for lo, hi in ranges if lo < end and hi > start]
            layers.append((label, inside))
            for lo, hi in inside:
                points.add(max(lo, start))
                points.add(min(hi, end))
        self.points = sorted(points)
        self.labels: list[str | None] = []
        for i in range(len(self.points) - 1):
            p = self.points[i]
            label = None
            for name, ranges in layers:
                if ranges and covers(ranges, p):
                    label = name
                    break
            self.labels.append(label)

    def cut(self, text: str, lo: int, hi: int) -> list[tuple[str | None, str]]:
        out: list[tuple[str | None, str]] = []
        if hi <= lo:
            return out
        i = max(bisect_right(self.points, lo) - 1, 0)
        while i < len(self.labels) and self.points[i] < hi:
            a, b = max(self.points[i], lo), min(self.points[i + 1], hi)
            label = self.labels[i]
            if a < b and label != _DROP:
                out.append((label, text[a:b]))
            i += 1
        return out
