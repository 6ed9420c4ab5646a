"""PDF text outside the page's text layer (issue 12, docs/formats.md).

- annotations: the contents of comment annotations (sticky notes, highlights, stamps ...) are
  hidden ``PDF注释`` (H003 when they say something); a free-text annotation is drawn on the page,
  so its contents are visible text (``part="PDF 文本框注释"``); a form field's value (``V``) is
  visible (``part="PDF 表单域"``). Links and pop-ups (which repeat their parent) are skipped.
- file attachments (embedded files): each is read by the reader of its kind, its segments placed
  in ``part="PDF 附件 名称"``; one no reader reads is a ``Fact("unchecked_attachment")`` (H005).
"""

from __future__ import annotations

import ctypes
from dataclasses import replace
from typing import Callable

from ..model import Document, Fact, Link, Location, Segment
from . import Limits
from .places import attached, page_place

COMMENT = "PDF注释"
MAX_ANNOTS = 2_000            # annotations read per page
MAX_ATTACHMENT_NESTING = 2    # a PDF attached to a PDF attached to a PDF ...
UNCHECKED_ATTACHMENT = "unchecked_attachment"


def _string(raw, annot, key: str) -> str:  # type: ignore[no-untyped-def]
    size = raw.FPDFAnnot_GetStringValue(annot, key.encode("ascii"), None, 0)
    if size <= 2:
        return ""
    buf = ctypes.create_string_buffer(size)
    raw.FPDFAnnot_GetStringValue(annot, key.encode("ascii"), ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)), size)
    return buf.raw[:size - 2].decode("utf-16-le", "replace")


def annotation_segments(raw, page, number: int) -> list[Segment]:  # type: ignore[no-untyped-def]
    """The text of the annotations of one page."""
    out: list[Segment] = []
    count = raw.FPDFPage_GetAnnotCount(page.raw)
    for i in range(min(count, MAX_ANNOTS)):
        annot = raw.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            kind = raw.FPDFAnnot_GetSubtype(annot)
            if kind in (raw.FPDF_ANNOT_LINK, raw.FPDF_ANNOT_POPUP):
                continue
            if kind == raw.FPDF_ANNOT_WIDGET:
                text, where = _string(raw, annot, "V"), Location(page=number, part="PDF 表单域")
            elif kind == raw.FPDF_ANNOT_FREETEXT:
                text, where = _string(raw, annot, "Contents"), Location(page=number, part="PDF 文本框注释")
            else:
                text, where = _string(raw, annot, "Contents"), Location(page=number, part="PDF 注释",
                                                                       hidden=COMMENT)
            if text.strip():  # named as a person finds it: 第2页的PDF 注释“…”
                out.append(Segment(text, replace(where, block=attached(page_place(number), where.part or ""))))
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return out


ReadPdf = Callable[[bytes, str, Limits, int], Document]  # the PDF reader itself, ``nesting`` deep


def attachments(doc, limits: Limits, nesting: int,
                read_pdf: ReadPdf) -> tuple[list[Segment], list[Fact], list[Link]]:  # type: ignore[no-untyped-def]
    """Segments, facts and links of the files attached to the PDF; an attached PDF is read by
    ``read_pdf`` (:func:`.pdf.read_pdf_nested`, passed in by the module that owns the recursion)."""
    from ..sniff import UnsupportedFile, sniff
    from . import READERS, reader_for

    segments: list[Segment] = []
    facts: list[Fact] = []
    links: list[Link] = []
    try:
        count = doc.count_attachments()
    except Exception:
        return segments, facts, links
    for i in range(min(count, 1000)):
        name = f"附件{i + 1}"
        try:
            att = doc.get_attachment(i)
            name = att.get_name() or name
            data = bytes(att.get_data())
        except Exception as exc:
            facts.append(Fact(UNCHECKED_ATTACHMENT, f"PDF 附件“{name}”无法取出（{exc}），未检查",
                              Location(part=f"PDF 附件 {name}"), name))
            continue
        label = f"PDF 附件 {name}"
        try:
            kind = sniff(data, name)
            if kind not in READERS or (kind == "pdf" and nesting >= MAX_ATTACHMENT_NESTING):
                raise UnsupportedFile(f"{kind} 格式")
            if kind == "pdf":
                inner: Document = read_pdf(data, name, limits, nesting + 1)
            else:
                inner = reader_for(kind)(data, name, limits)
        except Exception as exc:  # not readable: not checked, and said so
            facts.append(Fact(UNCHECKED_ATTACHMENT, f"PDF 附件“{name}”无法读取（{exc}），未检查",
                              Location(part=label), name))
            continue
        for k in range(len(inner.segments)):
            seg = inner.segments[k]
            # the place inside the attachment as a person names it, after the attachment's name
            # (a web page's bare 正文 is numbered by the checker, so it is not carried over)
            block = f"{label} {seg.base.block}" if seg.base.block and seg.base.block != "正文" else None
            segments.append(Segment(seg.text, replace(seg.base, part=label + (seg.base.part or ""), block=block),
                                    seg.anchors, "text" if seg.kind == "cell" else seg.kind, seg.name))
        facts.extend(inner.facts)
        links.extend(replace(link, location=replace(link.location, part=label)) for link in inner.links)
    return segments, facts, links
