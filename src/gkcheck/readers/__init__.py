"""Readers: bytes of one file → a :class:`~gkcheck.model.Document` of located segments.

Each format lives in its own module, imported only when a file of that format is read, so a
run over HTML pages never pays for the spreadsheet reader. Every reader parses untrusted input
within :class:`Limits` and raises :class:`ReadError` (a message for the user) when it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Callable

from ..model import Document, GkcheckError
from ..sniff import sniff

READERS: dict[str, str] = {
    "text": "gkcheck.readers.text:read_text",
    "markdown": "gkcheck.readers.text:read_text",
    "csv": "gkcheck.readers.text:read_csv",
    "html": "gkcheck.readers.html:read_html",
    "docx": "gkcheck.readers.docx:read_docx",
    "xlsx": "gkcheck.readers.xlsx:read_xlsx",
    "pdf": "gkcheck.readers.pdf:read_pdf",
    "cfb": "gkcheck.readers.cfb:read_cfb",      # .doc/.xls/.wps/.et: decided by the streams inside
    "pptx": "gkcheck.readers.pptx:read_pptx",
    "ofd": "gkcheck.readers.ofd:read_ofd",
    "rtf": "gkcheck.readers.rtf:read_rtf",
    "zip": "gkcheck.readers.archive:read_zip",
    "image": "gkcheck.readers.ocr:read_image",  # only when the ocr extra is installed (sniff.py)
}


class ReadError(GkcheckError):
    """The file cannot be read; the message says why, in words an editor understands."""


@dataclass(frozen=True)
class Limits:
    """Bounds for parsing untrusted files."""

    max_unzipped_bytes: int = 512 * 1024 * 1024   # all parts of one DOCX/XLSX together
    max_part_bytes: int = 256 * 1024 * 1024       # one XML part
    max_ratio: int = 200                           # unzipped/zipped size of one part (zip bombs)
    max_zip_entries: int = 10_000
    max_depth: int = 256                           # element nesting (HTML, XML)
    max_cells: int = 5_000_000                     # XLSX cells
    max_pages: int = 5_000                         # PDF pages
    max_image_pixels: int = 60_000_000             # an image for OCR (a 600 dpi A3 scan is 50 M)
    ocr_page_seconds: float = 60.0                 # OCR of one image or PDF page


Reader = Callable[[bytes, str, Limits], Document]


def reader_for(kind: str) -> Reader:
    module, _, attr = READERS[kind].partition(":")
    return getattr(import_module(module), attr)


def read(data: bytes, path: str, limits: Limits = Limits()) -> Document:
    """Read one file whose type is decided by its content (and its name where content can't)."""
    return reader_for(sniff(data, path))(data, path, limits)
