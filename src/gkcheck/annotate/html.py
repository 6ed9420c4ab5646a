"""HTML: a copy of the page with every finding in visible text wrapped in
``<mark class="gkcheck" title="...">``, and a corrected copy.

The page is decoded and edited as the masker does it (:mod:`gkcheck.masking.text`): only
characters are inserted, every other byte stays. A mark goes only into text content — never
inside a tag, an attribute, a comment, ``<script>``/``<style>``/``<title>``/``<textarea>`` or the
``<head>``; a match written across tags (``截<b>止</b>目前``) gets one mark per piece of text.
Findings that cannot be marked there (attributes such as ``alt``/``href``, ``<meta>``, hidden
text, comments, the page as a whole, text overlapping another mark) are listed in a box inserted
at the top of ``<body>``, each with its place. The corrected copy applies the safe fixes through
the masker (so a fix in an ``alt`` text is made too).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from typing import Sequence

from ..masking.edits import Edit
from ..masking.text import Source, find_spans, mask_source
from ..readers.html import declared_charset
from .text import AnnotateError, Note

_RAW = ("script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript",
        "plaintext", "template")
_TOKEN = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[!?/]?[A-Za-z][^>]*>?", re.S)
_BODY = re.compile(r"<body\b[^>]*>", re.I)
MARK_STYLE = "background:#ffeb3b;color:inherit;outline:1px solid #e65100"
BOX_STYLE = ("border:2px solid #e65100;background:#fff8e1;color:#000;padding:8px 12px;margin:8px;"
             "font:14px/1.6 sans-serif;white-space:normal")


def text_regions(src: str) -> list[tuple[int, int]]:
    """The stretches of ``src`` that are text content a reader sees: between tags, after
    ``<body>`` (or ``</head>``), outside comments and raw-text elements."""
    body = _BODY.search(src)
    start = body.end() if body else 0
    if body is None:
        head_end = re.search(r"</head\s*>", src, re.I)
        start = head_end.end() if head_end else 0
    regions: list[tuple[int, int]] = []
    pos = start
    raw_end: re.Pattern[str] | None = None
    for m in _TOKEN.finditer(src, start):
        if raw_end is not None:
            if raw_end.match(m.group()):
                raw_end = None
                pos = m.end()
            continue
        if m.start() > pos:
            regions.append((pos, m.start()))
        pos = m.end()
        tag = re.match(r"<([A-Za-z][A-Za-z0-9]*)", m.group())
        if tag and tag.group(1).lower() in _RAW and not m.group().rstrip(">").endswith("/"):
            raw_end = re.compile(rf"</{tag.group(1)}\s*>", re.I)
    if raw_end is None and pos < len(src):
        regions.append((pos, len(src)))
    return regions


def _inside(regions: list[tuple[int, int]], starts: list[int], a: int, b: int) -> bool:
    i = bisect_right(starts, a) - 1
    return i >= 0 and regions[i][0] <= a and b <= regions[i][1]


def _pieces(spans: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The source spans of a match's characters joined where they touch."""
    out: list[tuple[int, int]] = []
    for s, e, _ in spans:
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _attr(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "&#10;")


def mark_html(data: bytes, notes: Sequence[Note]) -> tuple[bytes, list[tuple[Note, str]]]:
    """The page with marks and the box; ``(note, "anchored" | "listed")`` for every note."""
    source = Source(data, declared_charset(data))
    src = source.text
    regions = text_regions(src)
    starts = [a for a, _ in regions]
    taken: list[tuple[int, int]] = []
    inserts: list[tuple[int, int, str]] = []      # (position, order, text)
    placed: list[tuple[Note, str]] = []
    listed: list[Note] = []
    for n, note in enumerate(notes):
        f = note.finding
        if note.whole_file or f.location.hidden or f.location.line is None:
            listed.append(note)
            continue
        found = find_spans(source, f.location, f.match, True, taken)
        if found is None:
            listed.append(note)
            continue
        pieces = _pieces(found[0])
        if not all(_inside(regions, starts, a, b) for a, b in pieces):
            listed.append(note)
            continue
        taken.append((found[0][0][0], found[0][-1][1]))
        title = _attr(note.title())
        for a, b in pieces:
            inserts.append((a, 1, f'<mark class="gkcheck" data-rule="{_attr(f.rule)}" style="{MARK_STYLE}" '
                               f'title="{title}">'))
            inserts.append((b, 0, "</mark>"))
        placed.append((note, "anchored"))
    if listed:
        body = _BODY.search(src)
        at = body.end() if body else 0
        items = "".join(f"<li>{html.escape(n.finding.location.describe())}：{html.escape('；'.join(n.lines()))}</li>"
                        for n in listed)
        box = (f'<div class="gkcheck-box" role="note" style="{BOX_STYLE}"><strong>gkcheck：以下 {len(listed)} 处问题'
               f"在隐藏内容、属性、链接地址中或关于整个页面，无法在正文中标出：</strong><ol>{items}</ol></div>")
        inserts.append((at, 2, box))
        placed += [(n, "listed") for n in listed]
    out: list[str] = []
    pos = 0
    for at, _, text in sorted(inserts, key=lambda x: (x[0], x[1])):
        out.append(src[pos:at])
        out.append(text)
        pos = at
    out.append(src[pos:])
    try:
        return source.encode("".join(out)), placed
    except Exception as exc:  # a character of a message the page's encoding cannot hold
        raise AnnotateError(str(exc)) from None


def fix_html(data: bytes, notes: Sequence[Note]) -> tuple[bytes, list[Note]]:
    """The page with the safe fixes applied; the notes that were applied."""
    edits = [Edit(n.finding, n.fix) for n in notes if n.fix is not None and not n.whole_file]
    if not edits:
        return data, []
    outcome = mask_source(Source(data, declared_charset(data)), edits, markup=True)
    done = {id(a.edit.finding) for a in outcome.applied}
    return outcome.data, [n for n in notes if id(n.finding) in done]
