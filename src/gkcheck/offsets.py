"""Character offsets of findings in the string that was checked.

:meth:`Checker.check_text` reports places as line and column (what an editor needs); a program
that highlights findings in the same string (a CMS editor, the web page of ``gkcheck serve``,
the spaCy component) needs offsets. :func:`char_offsets` converts, and refuses to guess: a
finding whose match is not written exactly at its place gets ``(None, None)``.

>>> from gkcheck import Checker
>>> text = "第一行\r\n截止目前已完成"
>>> findings = Checker().check_text(text)
>>> [(f.match, text[s:e]) for f, (s, e) in zip(findings, char_offsets(text, findings))]
[('截止目前', '截止目前')]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from typing import Sequence

from .model import Finding, Offsets

QUOTE_CHARS = 12   # characters of a block's start quoted in a human location (``正文第3段“为进一步…”``)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACE_RUN = re.compile(r"\s+")
# a quote names a place, it never shows personal data: digit runs (phone, ID and card numbers, cut
# anywhere by the quote's length) keep their first 3 characters, an e-mail name its first one
_NUMBER_RUN = re.compile(r"[0-9０-９][0-9０-９Xx\-－ ]{4,}")
_MAIL_NAME = re.compile(r"[A-Za-z0-9._%+-]+(?=@)")


@dataclass(frozen=True, slots=True)
class Astral:
    """Where a text holds characters above U+FFFF (two UTF-16 code units each, one code point), so
    a code-point offset becomes a UTF-16 one with a bisect. ``positions`` is None for a text
    without any (most texts: known without reading it, see :func:`gkcheck.textview._wide`)."""

    positions: tuple[int, ...] | None = None

    @classmethod
    def of(cls, text: str) -> "Astral":
        from .textview import _wide

        if not _wide(text):
            return cls(None)
        return cls(tuple(m.start() for m in _ASTRAL.finditer(text)) or None)

    def utf16(self, offset: int) -> int:
        """``offset`` (code points into the text) in UTF-16 code units."""
        return offset if self.positions is None else offset + bisect_left(self.positions, offset)

    def local(self, base: int, start: int, end: int, scope: str = "segment") -> Offsets:
        """``[start:end]`` of the text as offsets from ``base`` (a segment's start)."""
        b16 = self.utf16(base)
        return Offsets(start - base, end - base, self.utf16(start) - b16, self.utf16(end) - b16, scope)


def quote(text: str, start: int, end: int) -> str:
    """The first :data:`QUOTE_CHARS` characters of ``text[start:end]`` with white space collapsed,
    and ``…`` when there is more; a run of 5 or more digits shows its first 3 (``138********``)
    and an e-mail address the first character of its name, so no report shows personal data in it."""
    head = _SPACE_RUN.sub(" ", text[start:min(end, start + 4 * QUOTE_CHARS)]).strip()
    rest = end - start > 4 * QUOTE_CHARS or len(head) > QUOTE_CHARS
    head = _NUMBER_RUN.sub(_hide_number, head)
    if "@" in head:
        head = _MAIL_NAME.sub(lambda m: m.group()[0] + "***", head)
    return head[:QUOTE_CHARS] + ("…" if rest else "")


def _hide_number(m: re.Match[str]) -> str:
    run = m.group().rstrip(" -－")
    return run[:3] + "*" * (len(run) - 3) + m.group()[len(run):]


def text_offsets(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` of ``Checker.check_text(text)`` with :class:`~gkcheck.model.Offsets` into
    ``text`` itself (``scope="text"``) where the match is written there exactly; the others keep
    the offsets into their segment."""
    if not findings:
        return findings
    astral = Astral.of(text)
    out: list[Finding] = []
    for f, (s, e) in zip(findings, char_offsets(text, findings)):
        if s is not None and e is not None:
            f = replace(f, offsets=Offsets(s, e, astral.utf16(s), astral.utf16(e), "text"))
        out.append(f)
    return out


def char_offsets(text: str, findings: Sequence[Finding]) -> list[tuple[int | None, int | None]]:
    """Where each finding of ``Checker.check_text(text)`` sits in ``text`` as character offsets,
    or ``(None, None)`` when it has no exact place (its match is not written at its position)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # check_text counts lines after normalising line ends; map back to offsets in ``text``
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line)
        pos += 2 if text.startswith("\r\n", pos) else 1
    out: list[tuple[int | None, int | None]] = []
    for f in findings:
        line, column = f.location.line, f.location.column
        if not f.match or line is None or column is None or not 1 <= line <= len(starts):
            out.append((None, None))
            continue
        start = starts[line - 1] + column - 1
        end = start + len(f.match)
        out.append((start, end) if text[start:end] == f.match else (None, None))
    return out


__all__ = ["Astral", "char_offsets", "quote", "text_offsets"]
