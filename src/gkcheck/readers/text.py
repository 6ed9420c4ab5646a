"""Plain text, Markdown and CSV: decoded (see :mod:`gkcheck.encoding`), one segment a line or cell."""

from __future__ import annotations

import re

from ..encoding import decode
from ..model import Document, LazySegments, LineBlock, Location, Segment, Table
from . import Limits, ReadError


def _lines(data: bytes) -> tuple[list[str], str]:
    text, encoding = decode(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.split("\n"), encoding


def read_text(data: bytes, path: str, limits: Limits) -> Document:
    lines, encoding = _lines(data)
    kind = "markdown" if path.lower().endswith((".md", ".markdown")) else "text"
    return Document(path, kind, LazySegments(lines, [LineBlock(0, lines)]), encoding=encoding)


def column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


_FIELD = {d: re.compile(r'"((?:[^"]|"")*)"|([^%s]*)' % re.escape(d)) for d in (",", "\t", ";")}


def _delimiter(first: str) -> str:
    return max((",", "\t", ";"), key=first.count)


def read_csv(data: bytes, path: str, limits: Limits) -> Document:
    """Every cell a segment with its line, column and spreadsheet-style reference; one table."""
    lines, encoding = _lines(data)
    if lines and lines[-1] == "":
        lines.pop()
    delim = _delimiter(lines[0]) if lines else ","
    field = _FIELD[delim]
    segments: list[Segment] = []
    rows: list[tuple[int, ...]] = []
    for lineno, line in enumerate(lines, 1):
        pos, col, row = 0, 0, []
        while True:
            m = field.match(line, pos)
            if m is None:  # cannot happen: the pattern matches the empty string
                raise ReadError(f"CSV 第 {lineno} 行无法解析")
            if m.group(1) is not None:
                value, start = m.group(1).replace('""', '"'), m.start() + 1
            else:
                value, start = m.group(2), m.start()
            ref = f"{column_name(col)}{lineno}"
            row.append(len(segments))
            segments.append(Segment(value, Location(line=lineno, column=start + 1, cell=ref, part="text"),
                                    kind="cell"))
            pos = m.end()
            if pos >= len(line) or line[pos] != delim:
                break
            pos += 1
            col += 1
        rows.append(tuple(row))
    table = Table(f"A1:{column_name(max((len(r) for r in rows), default=1) - 1)}{len(rows)}", tuple(rows))
    return Document(path, "csv", tuple(segments), tables=(table,) if rows else (), encoding=encoding)
