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

from typing import Sequence

from .model import Finding


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


__all__ = ["char_offsets"]
