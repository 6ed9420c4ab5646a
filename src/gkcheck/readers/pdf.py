"""PDF: the text layer through pypdfium2 (9–50× pdfminer.six, reading order kept).

One segment per page (``Location(page=n)``); anchors give the line and column of every offset
inside the page. A line wrap between two CJK characters is removed before matching (PDF text
breaks words at the end of every printed line: "截止目" / "前" must read "截止目前"); the anchors
keep the locations of the characters after the join right. Other line breaks stay as newlines.
URI link annotations go to ``Document.links``, Author to ``Document.facts``, Title and dates to
``Document.meta``. A PDF without any text (a scan) or one that needs a password is a
:class:`ReadError`.

A page whose text layer is not the page's text is not checked text either: a scanned page
(images cover at least half of it) whose text objects cover less than 2% of the image area (a
stamped "- 1 -", a file name in the footer) and a page with no text at all but with something
drawn on it. Each such page is a ``Fact("unchecked_page", ..., Location(page=n))`` (reported by
H005, and the list of pages an OCR step would read: :func:`unchecked_pages`); a PDF with no page
of usable text is refused like one without any text. A blank page (nothing drawn) is not news.
With the ``ocr`` extra installed, such a page is rendered and recognised instead
(:func:`gkcheck.readers.ocr.read_pdf_page`: segments with page, box and confidence); only a
page whose OCR failed or ran out of time stays an unchecked page.
Annotations, form field values and attached files are read by :mod:`.pdf_extra`.
"""

from __future__ import annotations

import ctypes
import re

from ..model import Document, Fact, Link, Location, Segment
from . import Limits, ReadError
from .pdf_extra import annotation_segments, attachments
from .places import page_place

SCANNED = "PDF 没有文本层（可能是扫描件），无法检查；请提供带文字层的 PDF 或先做 OCR"
SCANNED_PAGES = ("PDF 各页都是图片（扫描件），文字层只有零星文字（如页码），无法检查；"
                 "请提供带文字层的 PDF 或先做 OCR")
UNCHECKED_PAGE = "unchecked_page"  # Fact.kind of a page not checked (an image without usable text)
IMAGE_SHARE = 0.5     # images cover at least this share of the page: a scanned page ...
TEXT_SHARE = 0.02     # ... whose text objects cover less than this share of the image area
FEW_CHARS = 200       # a page with at least this many characters of text is read, never judged
MAX_OBJECTS = 20_000  # page objects looked at per page
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


def _area(box: tuple[float, float, float, float], page: tuple[float, float, float, float]) -> float:
    """Area of ``box`` inside the page box (left, bottom, right, top)."""
    w = min(box[2], page[2]) - max(box[0], page[0])
    h = min(box[3], page[3]) - max(box[1], page[1])
    return w * h if w > 0 and h > 0 else 0.0


def coverage(page, raw) -> tuple[float, float, float, int]:  # type: ignore[no-untyped-def]
    """Page area, the area its images cover, the area its text objects cover (each clipped to
    the page, overlaps counted twice and capped at the page area) and how many objects are drawn.

    Form XObjects count by their bounds: as image where they hold an image, as text where they
    hold text (their inner objects are positioned in the form's own space)."""
    width, height = page.get_size()
    box = (0.0, 0.0, float(width), float(height))
    total = width * height
    image = text = 0.0
    objects = 0
    for obj in page.get_objects(max_depth=1):
        objects += 1
        if objects > MAX_OBJECTS:
            break
        kind = obj.type
        if kind not in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_FORM):
            continue
        try:
            area = _area(obj.get_bounds(), box)
        except Exception:  # an object pdfium cannot place covers nothing
            continue
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            image += area
        elif kind == raw.FPDF_PAGEOBJ_TEXT:
            text += area
        else:
            inner = {o.type for _, o in zip(range(MAX_OBJECTS), page.get_objects(max_depth=8, form=obj))}
            if raw.FPDF_PAGEOBJ_IMAGE in inner:
                image += area
            if raw.FPDF_PAGEOBJ_TEXT in inner:
                text += area
    return total, min(image, total), min(text, total), objects


def unread_reason(text: str, page, raw) -> str | None:  # type: ignore[no-untyped-def]
    """Why page ``page`` with text layer ``text`` is not checked text, or None when it is (or
    when it is blank)."""
    chars = len(text) - sum(text.count(c) for c in " \t\n\r\x00")
    if chars >= FEW_CHARS:
        return None
    total, image, text_area, objects = coverage(page, raw)
    if chars == 0:
        if objects == 0:
            return None  # a blank page
        return "没有文字层" + (f"（图片占页面 {image / total:.0%}）" if image and total else "")
    if total and image >= IMAGE_SHARE * total and text_area < TEXT_SHARE * image:
        return f"是图片（占页面 {image / total:.0%}），文字层只有 {chars} 个字符"
    return None


def unchecked_pages(document: Document) -> list[int]:
    """The pages of a read PDF that were not checked (what an OCR step would read)."""
    return [f.location.page for f in document.facts if f.kind == UNCHECKED_PAGE and f.location.page]


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


def _ocr_reader():  # type: ignore[no-untyped-def]
    """The OCR reader module when the ``ocr`` extra is installed, else None."""
    from ..sniff import ocr_available

    if not ocr_available():
        return None
    from . import ocr

    return ocr


def read_pdf(data: bytes, path: str, limits: Limits) -> Document:
    return read_pdf_nested(data, path, limits, 0)


def read_pdf_nested(data: bytes, path: str, limits: Limits, nesting: int) -> Document:
    """A PDF, ``nesting`` attachments deep (see :mod:`.pdf_extra`)."""
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
        unread: list[tuple[int, str]] = []
        text_pages = 0
        ocr_on = True  # until the extra is found missing or a page runs out of time
        for number in range(1, count + 1):
            page = doc[number - 1]
            try:
                textpage = page.get_textpage()
                try:
                    raw_text = textpage.get_text_range()
                    links.extend(_links(pdfium, raw, doc, page, textpage, number))
                finally:
                    textpage.close()
                reason = unread_reason(raw_text, page, raw)
                notes = annotation_segments(raw, page, number)
                recognised: list[Segment] = []
                ocr = _ocr_reader() if reason and ocr_on else None
                ocr_on = ocr is not None or not reason and ocr_on
                if reason and ocr is not None:
                    try:
                        recognised = ocr.read_pdf_page(page, number, limits)
                        reason = None
                        text_pages += 1
                    except ReadError as exc:  # out of time, or the recogniser failed: stays unchecked
                        reason += f"，OCR 未完成：{exc}"
                        ocr_on = not isinstance(exc, ocr.OcrTimeout)  # the rest are not tried
            except pdfium.PdfiumError as exc:
                raise ReadError(f"PDF 第 {number} 页无法读取：{exc}") from None
            finally:
                page.close()
            if reason:
                unread.append((number, reason))
            text, anchors = join_lines(_NEWLINES.split(raw_text))
            if text.strip():
                segments.append(Segment(text, Location(page=number, block=page_place(number)), anchors))
                text_pages += 1
            segments.extend(recognised)
            segments.extend(notes)
        if not text_pages:
            raise ReadError(SCANNED)
        if len(unread) == count:
            raise ReadError(SCANNED_PAGES)
        meta, facts = _metadata(doc)
        attached, attached_facts, attached_links = attachments(doc, limits, nesting, read_pdf_nested)
        segments.extend(attached)
        facts.extend(attached_facts)
        links.extend(attached_links)
    finally:
        doc.close()
    for number, reason in unread:
        facts.append(Fact(UNCHECKED_PAGE, f"PDF 第 {number} 页{reason}，这一页未检查（可能是扫描页，需 OCR 后再检查）",
                          Location(page=number), str(number)))
    meta = {**meta, "ocr": "rapidocr-onnxruntime"} if any(s.base.ocr is not None for s in segments) else meta
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
