"""In-document suppression markers, applied after detection.

An editor who has reviewed a finding and accepts it can say so in the document itself::

    <!-- gkcheck-disable-next-line T001 人名，已核实 -->
    <!-- gkcheck-disable T001,P002 附件原文照录 --> ... <!-- gkcheck-enable T001,P002 -->

In HTML the marker is an HTML comment; in text, CSV and Markdown files it is a line of its own
(bare, or as an HTML comment in Markdown). A marker names one or more rule codes — a marker
without a code does nothing, so no marker silences everything by accident. Markers are found in
the decoded source (the HTML reader is not involved) and matched against the source line of
each finding; every finding left out is counted in ``FileResult.suppressed``.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..model import Finding

MARKER_TYPES = frozenset({"html", "text", "csv", "markdown"})
_MARKER = re.compile(r"gkcheck-(disable-next-line|disable|enable)\b([^\n]*)")
_CODE = re.compile(r"[A-Z][0-9]{3}")
_HTML_MARKER = re.compile(r"<!--\s*gkcheck-(disable-next-line|disable|enable)\b(.*?)-->", re.S)
_LINE_MARKER = re.compile(r"^\s*(?:<!--\s*|#\s*|//\s*)?gkcheck-(disable-next-line|disable|enable)\b(.*?)(?:-->)?\s*$",
                          re.M)


def codes_of(rest: str) -> frozenset[str]:
    """The rule codes at the start of a marker's text (``T001,P002 理由`` → {T001, P002})."""
    codes: set[str] = set()
    for token in re.split(r"[\s,，、]+", rest.strip()):
        if _CODE.fullmatch(token):
            codes.add(token)
        elif token:
            break               # the reason starts
    return frozenset(codes)


def markers(text: str, doc_type: str) -> list[tuple[int, str, frozenset[str]]]:
    """``(line, kind, codes)`` of each marker in the decoded source, in order."""
    if "gkcheck-" not in text:
        return []
    pattern = _HTML_MARKER if doc_type == "html" else _LINE_MARKER
    out = []
    for m in pattern.finditer(text):
        codes = codes_of(m.group(2))
        if codes:
            out.append((text.count("\n", 0, m.start()) + 1, m.group(1), codes))
    return out


def rules_by_line(found: list[tuple[int, str, frozenset[str]]], n_lines: int) -> dict[int, frozenset[str]]:
    """Line → the rule codes silenced on it."""
    silenced: dict[int, set[str]] = {}
    open_ranges: dict[str, int] = {}
    for line, kind, codes in found:
        if kind == "disable-next-line":
            silenced.setdefault(line + 1, set()).update(codes)
        elif kind == "disable":
            for code in codes:
                open_ranges.setdefault(code, line)
        else:
            for code in codes:
                start = open_ranges.pop(code, None)
                if start is not None:
                    for ln in range(start, line + 1):
                        silenced.setdefault(ln, set()).add(code)
    for code, start in open_ranges.items():   # a disable without enable runs to the end
        for ln in range(start, n_lines + 1):
            silenced.setdefault(ln, set()).add(code)
    return {k: frozenset(v) for k, v in silenced.items()}


def apply(findings: Sequence[Finding], text: str, doc_type: str) -> tuple[list[Finding], int]:
    """``(kept, suppressed_count)`` for the findings of one document whose source is ``text``."""
    if doc_type not in MARKER_TYPES:
        return list(findings), 0
    found = markers(text, doc_type)
    if not found:
        return list(findings), 0
    silenced = rules_by_line(found, text.count("\n") + 1)
    kept = [f for f in findings
            if f.location.line is None or f.location.page is not None
            or f.rule not in silenced.get(f.location.line, ())]
    return kept, len(findings) - len(kept)


def decode(data: bytes, encoding: str | None) -> str:
    """The document's source as the reader decoded it (markers are ASCII, so a replacement
    character elsewhere does no harm)."""
    name = (encoding or "utf-8").split()[0]       # the reader's name may carry a note: "utf-16 (BOM)"
    if name.lower() == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(name, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")
