"""HTML pages: the text a reader sees, block by block, located by source line and column.

The page is decoded (byte-order mark → ``<meta charset>`` → detection, see
:mod:`gkcheck.encoding`) and walked once by a small tokenizer: regular expressions over the
decoded source, an explicit stack of open elements and no recursion, so 100,000 nested
``<div>`` cost what 100,000 ``<br>`` cost. A parser library would give a tree but not where
each text node was written; here every character keeps its line and column.

- One block element (``p``, ``div``, ``td``, ``li``, ``h1`` ...) is one :class:`Segment` whose
  text joins its inline descendants (``<b>截止</b>目前`` is ``截止目前``); entities are decoded
  (``&nbsp;`` is a space); a run of white space is one space, and none at all where a line
  break falls between two CJK characters (as CSS does); ``<br>`` is ``\\n``. ``anchors`` map
  offsets back to source positions after all of this.
- ``<title>`` (``part="title"``), ``alt``/``title`` attributes (``kind="attr"``) and the
  政府网站发展指引 ``<meta>`` tags (``kind="meta"``) are segments too; every ``<meta
  name|property>`` is in ``Document.meta``.
- HTML comments and text hidden by the ``hidden`` attribute or by style (:mod:`.css`) are
  segments whose ``Location.hidden`` says why; scripts, styles, ``<iframe>`` fallback text and
  ``<noembed>`` are not text at all. ``<noscript>`` text is checked as visible, but a link in it
  counts as hidden (it is shown only when scripts are off).
- Hyperlinks and embedded resources are ``Document.links`` (the URL as written, entities
  decoded); ``id`` and ``<a name>`` values are ``Document.anchors``.
- Each ``<table>`` is a :class:`Table` (``表格N``, N counting ``<table>`` tags in source
  order); a cell spanning rows or columns has its segment index in every grid position it
  covers. A cell holding more than one visible block (paragraphs, a nested table) is layout,
  not data: its blocks stay separate ``text`` segments without ``row``/``col`` and the table
  points at the first of them.
"""


from __future__ import annotations

import re

from ...encoding import decode
from ...model import Document, GkcheckError
from .. import Limits, ReadError
from .reader import Reader
from .syntax import clean_text, unescape_attr

__all__ = ["CHARSET_SCAN_BYTES", "clean_text", "declared_charset", "read_html", "unescape_attr"]

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
CHARSET_SCAN_BYTES = 4096


def read_html(data: bytes, path: str, limits: Limits) -> Document:
    declared = declared_charset(data)
    try:
        text, encoding = decode(data, declared)
    except GkcheckError as exc:
        raise ReadError(str(exc)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Reader(text, limits).run(path, encoding)


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first bytes: ``<meta charset>``, ``<meta
    http-equiv=Content-Type content="...; charset=gbk">`` or ``<?xml encoding>``."""
    m = _CHARSET.search(data[:CHARSET_SCAN_BYTES])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii")

