"""Masking the text an Office file shows outside its paragraphs and cells (issue 12, defect 5):
SmartArt data and image alt text in a DOCX, chart and shape texts, print headers and footers,
data-validation prompts and lists and formula literals in an XLSX, and the HTML or plain-text
``altChunk`` parts of a DOCX.

Each such place is a :class:`Holder` (an element's text or one attribute). A value is masked
where it is written whole; a value split by markup or codes (``"139"&"0797..."``, ``&B`` inside
a header) is not found here, its edit stays missed and no copy is written (the re-check of
:func:`gkcheck.masking.files.mask_bytes` is the last guard either way).
"""

from __future__ import annotations

from typing import Iterable

from lxml import etree

from ..model import GkcheckError, Location
from .edits import Applied, Edit, Sweep

A_T = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"


class Holder:
    """The text of an element, or of one of its attributes."""

    __slots__ = ("el", "attr")

    def __init__(self, el: etree._Element, attr: str | None = None):
        self.el, self.attr = el, attr

    def get(self) -> str:
        return (self.el.get(self.attr) if self.attr else self.el.text) or ""

    def set(self, value: str) -> None:
        if self.attr:
            self.el.set(self.attr, value)
        else:
            self.el.text = value


def text_holders(root: etree._Element, *tags: str) -> list[Holder]:
    return [Holder(el) for el in root.iter(*tags) if el.text]


def attribute_holders(root: etree._Element, tag: str, names: Iterable[str]) -> list[Holder]:
    return [Holder(el, name) for el in root.iter(tag) for name in names if el.get(name)]


def sweep_holders(holders: Iterable[tuple[str, Holder]], sweep: Sweep) -> list[tuple[str, str]]:
    """Mask every value of ``sweep`` in every holder; ``(part, value)`` of each place masked."""
    changed: list[tuple[str, str]] = []
    for part, holder in holders:
        text = holder.get()
        found = sweep.find(text)
        if not found:
            continue
        for start, end, edit in found:  # last first: offsets stay right
            text = text[:start] + edit.new + text[end:]
            changed.append((part, edit.finding.match))
        holder.set(text)
    return changed


def mask_plain_part(data: bytes, sweep: Sweep) -> tuple[bytes, list[str]] | None:
    """A text or HTML part (an altChunk) with every value of ``sweep`` masked where written whole;
    None when it cannot be decoded and encoded back byte for byte."""
    from .text import Source

    try:
        source = Source(data)
    except GkcheckError:
        return None
    text = source.text
    found = sweep.find(text)
    if not found:
        return data, []
    values = []
    for start, end, edit in found:
        text = text[:start] + edit.new + text[end:]
        values.append(edit.finding.match)
    try:
        return source.encode(text), values
    except GkcheckError:
        return None


def settle(changed: list[tuple[str, str]], missed: list[Edit], applied: list[Applied], label: str,
           sweep: Sweep) -> None:
    """Count the places masked: a missed edit whose value was masked there is applied there;
    any other place is another copy of a value already masked."""
    for part, value in changed:
        waiting = [e for e in missed if e.finding.match == value]
        if waiting:
            missed.remove(waiting[0])
            applied.append(Applied(waiting[0], waiting[0].finding.location, f"在{label}中脱敏"))
        else:
            applied.append(Applied(sweep.by_value[value], Location(part=part), f"同一号码在{label}中的另一处"))
