"""The PDF reader on PDFs made with reportlab (CJK text in the STSong-Light CID font)."""

from __future__ import annotations

import io
import sys

import pytest

pytest.importorskip("reportlab")
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from gkcheck.readers import Limits, ReadError  # noqa: E402
from gkcheck.readers.pdf import SCANNED, join_lines, read_pdf  # noqa: E402

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))



@pytest.fixture(autouse=True)
def _without_ocr(monkeypatch):  # type: ignore[no-untyped-def]
    """These are the reader's own answers; with the ocr extra (installed by the test extra) scanned
    pages are recognised instead (tests/test_ocr.py). Blocked as Python marks an unimportable module."""
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)

def make_pdf(pages: list[list[str]], *, encrypt: str | None = None, link: str | None = None,
             author: str | None = None) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(72, 750 - 15 * i, line)
        if link:
            c.linkURL(link, (70, 745 - 15 * len(lines), 200, 760 - 15 * len(lines)), relative=0)
            c.drawString(72, 750 - 15 * len(lines), "链接文字")
        c.showPage()
    if author:
        c.setAuthor(author)
    c.save()
    return buf.getvalue()


def scanned_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(72, 600, 300, 100, fill=1)  # a page with marks but no text, as a scan looks to a reader
    c.showPage()
    c.save()
    return buf.getvalue()


def test_cjk_line_wrap_is_joined_and_located():
    data = make_pdf([["第一行文字，截止目", "前已完成。", "二、English line"], ["第二页内容"]])
    doc = read_pdf(data, "a.pdf", Limits())
    first, second = doc.segments
    assert first.text == "第一行文字，截止目前已完成。\n二、English line"
    at = first.text.index("截止目前")
    assert first.locate(at) == first.locate(at).__class__(page=1, line=1, column=7, block="第1页")
    after = first.locate(first.text.index("已完成"))
    assert (after.page, after.line, after.column) == (1, 2, 2)
    assert (second.base.page, second.text) == (2, "第二页内容")


def test_join_lines_rules():
    assert join_lines(["截止目", "前"])[0] == "截止目前"
    assert join_lines(["完成。", "二、"])[0] == "完成。\n二、"     # a sentence end keeps its break
    assert join_lines(["gov.", "cn"])[0] == "gov.\ncn"
    assert join_lines(["abc", "", "中文"])[0] == "abc\n\n中文"


def test_links_and_author():
    doc = read_pdf(make_pdf([["正文"]], link="http://www.Example.gov.cn/a b", author="张三"), "a.pdf", Limits())
    (link,) = doc.links
    assert link.url == "http://www.Example.gov.cn/a b" and link.text == "链接文字"
    assert link.location.page == 1
    assert {f.kind: f.value for f in doc.facts}["creator"] == "张三"


def test_scanned_pdf_is_an_error():
    with pytest.raises(ReadError) as err:
        read_pdf(scanned_pdf(), "scan.pdf", Limits())
    assert str(err.value) == SCANNED


def test_encrypted_pdf_is_an_error():
    with pytest.raises(ReadError, match="已加密"):
        read_pdf(make_pdf([["机密内容"]], encrypt="secret"), "enc.pdf", Limits())


def test_page_limit():
    with pytest.raises(ReadError, match="超过上限"):
        read_pdf(make_pdf([["一"], ["二"], ["三"]]), "a.pdf", Limits(max_pages=2))


def test_checker_finds_typo_over_a_line_wrap(checker):
    result = checker.check_bytes(make_pdf([["说明", "数据截止目", "前已汇总。"]]), "a.pdf")
    assert result.status == "ok" and result.type == "pdf"
    (typo,) = [f for f in result.findings if f.rule == "T001"]
    assert typo.match == "截止目前"
    assert (typo.location.page, typo.location.line, typo.location.column) == (1, 2, 3)


# -- issue 12 defect 4: a scanned page whose text layer is only "- 1 -" ------------------------------

def _scan_image(width: int = 600, height: int = 840):
    """A grey page with black bars, as a scanner gives it (Pillow, drawn, not a file)."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(img)
    for y in range(80, height - 80, 24):
        draw.rectangle((60, y, width - 60, y + 10), fill=20)
    return img


def scan_pdf(pages: list[str | list[str]], *, image_share: float = 1.0) -> bytes:
    """Pages: a string is a scanned page (an image over ``image_share`` of the page, then that
    string as its only text, like a stamped page number); a list of lines is a text page."""
    from reportlab.lib.utils import ImageReader

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    image = ImageReader(_scan_image())
    for page in pages:
        c.setFont("STSong-Light", 12)
        if isinstance(page, str):
            side = image_share ** 0.5
            c.drawImage(image, 0, 842 * (1 - side), width=595 * side, height=842 * side)
            if page:
                c.drawString(280, 30, page)
        else:
            for i, line in enumerate(page):
                c.drawString(72, 750 - 15 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_scanned_pages_with_a_page_number_only_are_refused():
    """Every page an image with "- N -" as its text layer: refused like a PDF with no text."""
    data = scan_pdf(["- 1 -", "- 2 -"])
    with pytest.raises(ReadError) as err:
        read_pdf(data, "scan.pdf", Limits())
    assert "扫描件" in str(err.value)


def test_a_scanned_page_among_text_pages_is_listed_and_reported(checker):
    from gkcheck.readers.pdf import unchecked_pages

    data = scan_pdf([["关于公示名单的通知"], "- 2 -", [""], ["第四页正文"]])
    doc = read_pdf(data, "mixed.pdf", Limits())
    assert unchecked_pages(doc) == [2]  # page 3 is blank: nothing drawn, nothing unread
    result = checker.check_bytes(data, "mixed.pdf")
    assert result.status == "ok"
    h005 = [f for f in result.findings if f.rule == "H005"]
    assert len(h005) == 1 and h005[0].severity == "error" and h005[0].location.page == 2
    assert "第 2 页" in h005[0].message and "未检查" in h005[0].message


def test_a_page_with_a_photo_and_text_is_read(checker):
    """Images under half the page, or a page with as much text as a page of prose: checked text."""
    data = scan_pdf([["说明"], "图1 会议现场" ], image_share=0.3)
    assert not [f for f in checker.check_bytes(data, "photo.pdf").findings if f.rule == "H005"]
    text = ["这是一行足够长的正文文字，用来说明该页有真正的文字层。" * 2] * 8
    full = io.BytesIO()
    c = canvas.Canvas(full, pagesize=(595, 842))
    from reportlab.lib.utils import ImageReader
    c.drawImage(ImageReader(_scan_image()), 0, 0, width=595, height=842)
    c.setFont("STSong-Light", 8)
    for i, line in enumerate(text):
        c.drawString(20, 700 - 12 * i, line)
    c.showPage()
    c.save()
    assert not [f for f in checker.check_bytes(full.getvalue(), "ocr.pdf").findings if f.rule == "H005"]
