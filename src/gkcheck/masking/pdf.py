"""Masking the scanned pages of a PDF: each page that holds a value is rendered as OCR saw it,
the value's box is covered by a solid fill, and the page is replaced by that picture.

Only values found by OCR (their location has a ``box``) can be masked: a PDF's text layer is
not rewritten (the value would stay in the content stream). Pages without values stay exactly
as they were (imported from the original, text layer and all); a replaced page is an image
only, which the check of the copy recognises again (masking/files.py).
"""

from __future__ import annotations

import io
from typing import Sequence

from .edits import Applied, Edit, MaskError, Outcome
from .image import FILL, _segment, value_box

TEXT_LAYER = ("PDF 文字层中的个人信息暂不支持生成脱敏副本（只支持扫描页中 OCR 识别出的）；"
              "请在原文档中脱敏后重新导出 PDF")


def mask_pdf(data: bytes, filename: str, edits: Sequence[Edit]) -> Outcome:
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    from ..readers import Limits
    from ..readers.ocr import read_pdf_page, render_page

    if any(e.finding.location.box is None or e.finding.location.page is None for e in edits):
        raise MaskError(TEXT_LAYER)
    limits = Limits()
    by_page: dict[int, list[Edit]] = {}
    for edit in edits:
        by_page.setdefault(edit.finding.location.page or 0, []).append(edit)
    applied: list[Applied] = []
    missed: list[Edit] = []
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise MaskError(f"PDF 无法打开：{exc}") from None
    try:
        for number, page_edits in sorted(by_page.items()):
            page = doc[number - 1]
            try:
                width, height = page.get_size()
                segments = read_pdf_page(page, number, limits)   # the boxes, as the check saw them
                picture = render_page(page, limits).convert("RGB")
            finally:
                page.close()
            draw = ImageDraw.Draw(picture)
            for edit in page_edits:
                loc = edit.finding.location
                found = _segment(segments, loc, edit.finding.match)
                if found is None:
                    missed.append(edit)
                    continue
                seg, offset = found
                x0, y0, x1, y1 = value_box(seg, offset, offset + len(edit.finding.match))
                draw.rectangle((x0, y0, x1, y1), fill=FILL)
                applied.append(Applied(edit, loc, f"扫描页已用色块整段遮盖（{x0},{y0},{x1 - x0},{y1 - y0}），该页改为图片"))
            jpeg = io.BytesIO()
            picture.save(jpeg, format="JPEG", quality=90)
            jpeg.seek(0)
            doc.del_page(number - 1)
            new = doc.new_page(width, height, number - 1)
            image = pdfium.PdfImage.new(doc)
            image.load_jpeg(jpeg, inline=False, autoclose=False)
            image.set_matrix(pdfium.PdfMatrix().scale(width, height))
            new.insert_obj(image)
            new.gen_content()
            new.close()
        out = io.BytesIO()
        doc.save(out)
    finally:
        doc.close()
    return Outcome(out.getvalue(), tuple(applied), tuple(missed))
