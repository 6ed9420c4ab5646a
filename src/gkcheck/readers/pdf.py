"""PDF: the text layer through pypdfium2 (9–50× pdfminer.six, reading order kept).

One segment per page (``Location(page=n)``); anchors give the line and column of every offset
inside the page. A line wrap between two CJK characters is removed before matching (PDF text
breaks words at the end of every printed line: "截止目" / "前" must read "截止目前"); the anchors
keep the locations of the characters after the join right. Other line breaks stay as newlines.
URI link annotations go to ``Document.links``, Author to ``Document.facts``, Title and dates to
``Document.meta``. A PDF without any text (a scan) or one that needs a password is a
:class:`ReadError`.
"""

from __future__ import annotations

import ctypes
import re

from ..model import Document, Fact, Link, Location, Segment
from . import Limits, ReadError

SCANNED = "PDF 没有文本层（可能是扫描件），无法检查；请提供带文字层的 PDF 或先做 OCR"
_NEWLINES = re.compile(r"\r\n|\r|\n")
_WRAP_END = "。！？；：!?;:"  # a line ending a sentence keeps its break


def _cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3134F)


def join_lines(lines: list[str]) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    """Join one page's lines: no break between two CJK characters, a newline elsewhere.

    Returns the text and anchors ``(offset, line, column)`` for the start of every line."""
    parts: list[str] = []
    anchors: list[tuple[int, int, int]] = []
    pos = 0
    prev = ""
    for number, line in enumerate(lines, 1):
        line = line.rstrip(" \t\x00")
        if parts:
            if not (prev and line and _cjk(prev) and prev not in _WRAP_END and _cjk(line[0])):
                parts.append("\n")
                pos += 1
        anchors.append((pos, number, 1))
        parts.append(line)
        pos += len(line)
        if line:
            prev = line[-1]
        else:
            prev = ""
    return "".join(parts), tuple(anchors)


def _links(pdfium, raw, doc, page, textpage, number: int) -> list[Link]:
    out: list[Link] = []
    pos = ctypes.c_int(0)
    link = raw.FPDF_LINK()
    seen = 0
    while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(pos), ctypes.byref(link)):
        seen += 1
        if seen > 10_000:
            break
        action = raw.FPDFLink_GetAction(link)
        if not action or raw.FPDFAction_GetType(action) != raw.PDFACTION_URI:
            continue
        size = raw.FPDFAction_GetURIPath(doc.raw, action, None, 0)
        if size <= 1:
            continue
        buf = ctypes.create_string_buffer(size)
        raw.FPDFAction_GetURIPath(doc.raw, action, buf, size)
        url = buf.raw[:size - 1].decode("utf-8", "replace")
        text = ""
        rect = raw.FS_RECTF()
        if raw.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
            try:
                text = textpage.get_text_bounded(rect.left, rect.bottom, rect.right, rect.top)
            except pdfium.PdfiumError:
                text = ""
        text = " ".join(_NEWLINES.split(text)).strip()
        out.append(Link(url, text, Location(page=number), "a"))
    return out


def read_pdf(data: bytes, path: str, limits: Limits) -> Document:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("PDF 已加密（需要密码才能打开），无法检查；请提供未加密的 PDF") from None
        raise ReadError(f"PDF 文件无法打开（可能已损坏或被截断）：{exc}") from None
    try:
        count = len(doc)
        if count > limits.max_pages:
            raise ReadError(f"PDF 有 {count} 页，超过上限 {limits.max_pages} 页")
        segments: list[Segment] = []
        links: list[Link] = []
        empty: list[int] = []
        for number in range(1, count + 1):
            page = doc[number - 1]
            try:
                textpage = page.get_textpage()
                try:
                    raw_text = textpage.get_text_range()
                    links.extend(_links(pdfium, raw, doc, page, textpage, number))
                finally:
                    textpage.close()
            except pdfium.PdfiumError as exc:
                raise ReadError(f"PDF 第 {number} 页无法读取：{exc}") from None
            finally:
                page.close()
            text, anchors = join_lines(_NEWLINES.split(raw_text))
            if not text.strip():
                empty.append(number)
                continue
            segments.append(Segment(text, Location(page=number), anchors))
        if not segments:
            raise ReadError(SCANNED)
        meta, facts = _metadata(doc)
    finally:
        doc.close()
    if empty:
        shown = "、".join(map(str, empty[:10])) + ("等" if len(empty) > 10 else "")
        facts.append(Fact("pages_without_text", f"PDF 有 {len(empty)} 页没有文本层（第 {shown} 页，"
                          "可能是扫描页），这些页未检查", Location(page=empty[0]), str(len(empty))))
    return Document(path, "pdf", tuple(segments), meta=meta, links=tuple(links), facts=tuple(facts))


def _metadata(doc) -> tuple[dict[str, str], list[Fact]]:  # type: ignore[no-untyped-def]
    meta: dict[str, str] = {}
    facts: list[Fact] = []
    try:
        info = doc.get_metadata_dict(skip_empty=True)
    except Exception:  # metadata is optional: never a reason not to check the text
        return meta, facts
    for key in ("Title", "Subject", "Keywords", "CreationDate", "ModDate", "Producer", "Creator"):
        if info.get(key):
            meta[key] = info[key]
    author = (info.get("Author") or "").strip()
    if author:
        facts.append(Fact("creator", f"文档属性中的作者：{author}", Location(part="文档属性"), author))
    return meta, facts
