"""Marked-up copies (批注副本): every finding shown in the document itself, where the editor works.

- DOCX: a Word comment at every finding (rule, message, the text, the suggestion); with ``fix``,
  the safe suggestions as tracked changes by ``gkcheck`` to accept or reject one by one
  (:mod:`gkcheck.annotate.docx`);
- XLSX: a cell comment and a highlighted fill on every cell with a finding (:mod:`.xlsx`);
- HTML: each finding in visible text wrapped in ``<mark class="gkcheck" title="...">``, the rest
  in a box at the top; with ``fix``, a corrected copy (:mod:`.html`).

Safe fixes (:func:`gkcheck.annotate.text.safe_fix`): a typo or variant with one suggestion,
stacked or half-width punctuation, personal data masked. Originals are never changed: the API
returns bytes, the command writes new files (``gkcheck annotate FILE... --output DIR``).

>>> from gkcheck.annotate import annotate_bytes
>>> copy = annotate_bytes(open("通知.docx", "rb").read(), "通知.docx", fix=True)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..model import Finding, GkcheckError
from .text import AnnotateError, Note, Unsupported, notes_for, safe_fix

if TYPE_CHECKING:
    from ..checker import Checker

KINDS = ("docx", "xlsx", "html")
FIXED_SUFFIX = ".fixed"   # the corrected copy of a page: 通知.html → 通知.fixed.html


@dataclass(frozen=True)
class Annotated:
    """The marked-up copy, the corrected copy (HTML with ``fix``; DOCX carries its fixes as tracked
    changes in ``data``), and how many findings were ``anchored`` at their text, ``listed`` in the
    note at the start, and ``fixed``."""

    data: bytes
    type: str
    findings: tuple[Finding, ...]
    anchored: int
    listed: int
    fixed: int
    corrected: bytes | None = None


def annotate(data: bytes, filename: str, findings: Sequence[Finding] | None = None, *,
             checker: "Checker | None" = None, fix: bool = False,
             publish_date: date | str | None = None, when: datetime | None = None) -> Annotated:
    """Annotate one file given as bytes. ``findings``: those of a check you already ran on these
    bytes; without them the file is checked with ``checker`` (default: all rules).
    Raises :class:`~gkcheck.model.GkcheckError` (message in Chinese) when the file cannot be read
    or is not DOCX, XLSX or HTML."""
    from ..sniff import sniff

    if findings is None:
        from ..checker import Checker

        # every cell of a list column gets its own comment (folding is for reports, docs/privacy.md)
        result = (checker or Checker()).check_bytes(data, filename, publish_date=publish_date,
                                                    expand_columns=True)
        if result.status != "ok":
            raise AnnotateError(result.error or "无法读取文件")
        kind, findings = result.type or "", result.findings
    else:
        kind = sniff(data, filename)
    if kind not in KINDS:
        raise Unsupported(f"不支持为 {kind.upper() or '此类'} 文件生成批注副本（支持 DOCX、XLSX、HTML）")
    notes = notes_for(list(findings), fix)
    if kind == "docx":
        from .docx import annotate_docx

        out, placed = annotate_docx(data, notes, when=when)
        hows = [p.how for p in placed]
        return Annotated(out, kind, tuple(findings), hows.count("anchored") + hows.count("fixed"),
                         hows.count("listed"), hows.count("fixed"))
    if kind == "xlsx":
        from .xlsx import annotate_xlsx

        out, anchored, listed = annotate_xlsx(data, notes)
        return Annotated(out, kind, tuple(findings), anchored, listed, 0)
    from .html import fix_html, mark_html

    out, marks = mark_html(data, notes)
    hows = [how for _, how in marks]
    corrected, done = fix_html(data, notes) if fix else (None, [])
    return Annotated(out, kind, tuple(findings), hows.count("anchored"), hows.count("listed"), len(done),
                     corrected)


def annotate_bytes(data: bytes, filename: str, findings: Sequence[Finding] | None = None, *,
                   checker: "Checker | None" = None, fix: bool = False,
                   publish_date: date | str | None = None) -> bytes:
    """The annotated copy of one file as bytes (see :func:`annotate`). With ``fix``: a DOCX with
    comments and tracked changes; an HTML page corrected (no marks); an XLSX is not changed
    beyond its comments and fills."""
    result = annotate(data, filename, findings, checker=checker, fix=fix, publish_date=publish_date)
    return result.corrected if result.corrected is not None else result.data


def fixed_name(path: Path) -> Path:
    return path.with_name(path.stem + FIXED_SUFFIX + path.suffix)


__all__ = ["Annotated", "AnnotateError", "Unsupported", "GkcheckError", "Note", "annotate", "annotate_bytes",
           "fixed_name", "safe_fix"]
