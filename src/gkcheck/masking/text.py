"""Text-like files (TXT, CSV, Markdown) and the shared machinery for HTML: decode the bytes the
way the readers do, replace the matched characters by line and column, encode with the file's
own encoding (a GBK file stays GBK, a BOM stays, line endings stay)."""

from __future__ import annotations

import codecs
import html
import re
from bisect import bisect_right
from typing import Sequence

from ..encoding import decode
from ..model import GkcheckError, Location
from .edits import Applied, Edit, MaskError, Outcome, nearest

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")

Span = tuple[int, int, int]  # source start, source end, index of the character in the match


class Source:
    """A decoded text file that knows how to become bytes again in its own encoding."""

    def __init__(self, data: bytes, declared: str | None = None):
        try:
            self.text, self.encoding = decode(data, declared)
        except GkcheckError as exc:
            raise MaskError(str(exc)) from None
        self._bom = b""
        self._codec = self.encoding
        if self.encoding.endswith(" (BOM)"):
            base = self.encoding[:-len(" (BOM)")]
            for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                               (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                               (codecs.BOM_UTF16_BE, "utf-16-be")):
                if data.startswith(bom) and codec.startswith(base):
                    self._bom, self._codec = bom, codec
                    break
        if self.encode(self.text) != data:
            raise MaskError(f"文件按 {self.encoding} 编码解码后不能逐字节写回原样，为免改动其他内容，未生成副本")
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        # the readers drop a leading U+FEFF the decoder left in place
        self._shift = 1 if self.text.startswith("\ufeff") else 0

    def offset(self, loc: Location) -> int | None:
        """The offset in :attr:`text` of a 1-based line and column, or None if out of range."""
        if loc.line is None or not 1 <= loc.line <= len(self.line_starts):
            return None
        pos = self.line_starts[loc.line - 1] + (loc.column or 1) - 1 + (self._shift if loc.line == 1 else 0)
        return pos if 0 <= pos < len(self.text) else None

    def line_span(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.line_starts, pos) - 1
        end = self.line_starts[i + 1] if i + 1 < len(self.line_starts) else len(self.text)
        return self.line_starts[i], end

    def location(self, pos: int, base: Location) -> Location:
        i = bisect_right(self.line_starts, pos) - 1
        col = pos - self.line_starts[i] + 1 - (self._shift if i == 0 else 0)
        return Location(line=i + 1, column=col, part=base.part)

    def encode(self, text: str) -> bytes:
        try:
            return self._bom + text.encode(self._codec)
        except UnicodeEncodeError as exc:
            bad = text[exc.start:exc.end]
            raise MaskError(f"脱敏后的字符“{bad}”无法按文件原编码 {self.encoding} 保存，未生成副本"
                            "（可用 --char 换一个遮盖字符）") from None


def walk(src: str, pos: int, match: str, markup: bool) -> list[Span] | None:
    """Read ``match`` from ``src`` at ``pos``: the source span of each of its characters, or None
    if the source there does not say ``match``. With ``markup`` (HTML) tags between characters
    are stepped over, character references stand for their character and a run of white space
    for one space."""
    spans: list[Span] = []
    i, k, n = pos, 0, len(src)
    while k < len(match):
        if i >= n:
            return None
        c = src[i]
        if markup and c == "<" and k > 0:
            end = src.find("-->", i) + 3 if src.startswith("<!--", i) else src.find(">", i) + 1
            if end <= 0:
                return None
            i = end
            continue
        want = match[k]
        if markup and k > 0 and c.isspace() and not want.isspace():
            i += 1  # a line break the reader dropped (between CJK characters)
            continue
        if markup and c == "&":
            m = _ENTITY.match(src, i)
            if m:
                ch = html.unescape(m.group())
                if ch == want or (ch.isspace() and want.isspace()):
                    spans.append((i, m.end(), k))
                    i, k = m.end(), k + 1
                    continue
                return None
        if want.isspace() and c.isspace():
            j = i + 1
            while markup and j < n and src[j].isspace():
                j += 1
            spans.append((i, j, k))
            i, k = j, k + 1
            continue
        if c != want:
            return None
        spans.append((i, i + 1, k))
        i, k = i + 1, k + 1
    return spans


def find_spans(source: Source, loc: Location, match: str, markup: bool,
               taken: Sequence[tuple[int, int]]) -> tuple[list[Span], bool] | None:
    """Where ``match`` is written: at the finding's line and column if the source says it there
    (``True``), else at the nearest place that does (``False``); None if nowhere."""
    src = source.text

    def free(spans: list[Span] | None) -> bool:
        return bool(spans) and not any(spans[0][0] < e and s < spans[-1][1] for s, e in taken)

    hint = source.offset(loc)
    if hint is not None:
        spans = walk(src, hint, match, markup)
        if spans and free(spans):
            return spans, True
    at = nearest(src, match, hint, taken)
    if at >= 0:
        return [(at + k, at + k + 1, k) for k in range(len(match))], False
    if markup:  # written with tags or character references inside: try the finding's line
        lo, hi = source.line_span(hint) if hint is not None else (0, len(src))
        for i in sorted(range(lo, hi), key=lambda i: abs(i - (hint or 0))):
            if src[i] in (match[0], "&"):
                spans = walk(src, i, match, markup)
                if spans and free(spans):
                    return spans, False
    return None


def mask_source(source: Source, edits: Sequence[Edit], markup: bool) -> Outcome:
    """Apply ``edits`` to the decoded text and encode it again."""
    taken: list[tuple[int, int]] = []
    planned: list[tuple[list[Span], Edit]] = []
    applied: list[Applied] = []
    missed: list[Edit] = []
    for edit in edits:
        f = edit.finding
        found = find_spans(source, f.location, f.match, markup, taken)
        if found is None:
            missed.append(edit)
            continue
        spans, exact = found
        taken.append((spans[0][0], spans[-1][1]))
        planned.append((spans, edit))
        loc = f.location if exact else source.location(spans[0][0], f.location)
        applied.append(Applied(edit, loc, None if exact else "在报告位置附近找到并脱敏"))
    text = source.text
    pieces: list[tuple[int, int, str]] = []
    for spans, edit in planned:
        new, match = edit.new, edit.finding.match
        if len(new) == len(match):
            pieces.extend((s, e, new[k]) for s, e, k in spans if new[k] != match[k])
        else:
            pieces.append((spans[0][0], spans[0][1], new))
            pieces.extend((s, e, "") for s, e, _ in spans[1:])
    out, pos = [], 0
    for s, e, new in sorted(pieces):
        out.append(text[pos:s])
        out.append(new)
        pos = e
    out.append(text[pos:])
    return Outcome(source.encode("".join(out)), tuple(applied), tuple(missed))


def mask_text_file(data: bytes, path: str, edits: Sequence[Edit]) -> Outcome:
    return mask_source(Source(data), edits, markup=False)
