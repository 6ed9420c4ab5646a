"""HTML: the page source is edited by line and column, so markup, scripts and white space stay
byte for byte; a value written with tags or character references inside (``<b>1101</b>01…``,
``&#49;``) is masked character by character without touching the tags."""

from __future__ import annotations

from typing import Sequence

from ..readers.html import declared_charset  # decoded exactly as the reader decoded it
from .edits import Edit, Outcome
from .text import Source, mask_source


def mask_html(data: bytes, path: str, edits: Sequence[Edit]) -> Outcome:
    return mask_source(Source(data, declared_charset(data)), edits, markup=True)
