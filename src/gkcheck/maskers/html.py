"""HTML: the page source is edited by line and column, so markup, scripts and white space stay
byte for byte; a value written with tags or character references inside (``<b>1101</b>01…``,
``&#49;``) is masked character by character without touching the tags."""

from __future__ import annotations

import re
from typing import Sequence

from . import Edit, Outcome
from .text import Source, mask_source

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta charset>`` or http-equiv)."""
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def mask_html(data: bytes, path: str, edits: Sequence[Edit]) -> Outcome:
    return mask_source(Source(data, declared_charset(data)), edits, markup=True)
