"""The PPTX reader on presentations made with python-pptx: slide text, tables, speaker notes,
hidden slides, comments (a legacy comment part added to the package as PowerPoint writes it),
links and properties."""

from __future__ import annotations

import io
import zipfile

from pptx import Presentation
from pptx.util import Inches

from gkcheck.readers import read

P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_AUTHORS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/commentAuthors"


def _with_comment(data: bytes, text: str, author: str) -> bytes:
    """Add ppt/comments/comment1.xml on slide 1 and ppt/commentAuthors.xml, with their
    relationships and content types, as PowerPoint 2013 stores a comment."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "ppt/slides/_rels/slide1.xml.rels":
                blob = blob.replace(b"</Relationships>", f'<Relationship Id="rIdC1" Type="{REL_COMMENTS}" '
                                    f'Target="../comments/comment1.xml"/></Relationships>'.encode())
            elif info.filename == "ppt/_rels/presentation.xml.rels":
                blob = blob.replace(b"</Relationships>", f'<Relationship Id="rIdA1" Type="{REL_AUTHORS}" '
                                    f'Target="commentAuthors.xml"/></Relationships>'.encode())
            elif info.filename == "[Content_Types].xml":
                blob = blob.replace(b"</Types>", b'<Override PartName="/ppt/comments/comment1.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.presentationml.comments+xml"/>'
                                    b'<Override PartName="/ppt/commentAuthors.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml"/>'
                                    b'</Types>')
            z.writestr(info, blob)
        z.writestr("ppt/comments/comment1.xml", f'<?xml version="1.0" encoding="UTF-8"?><p:cmLst xmlns:p="{P_NS}">'
                   f'<p:cm authorId="1" dt="2024-01-01T00:00:00" idx="1"><p:pos x="10" y="10"/><p:text>{text}</p:text>'
                   f'</p:cm></p:cmLst>')
        z.writestr("ppt/commentAuthors.xml", f'<?xml version="1.0" encoding="UTF-8"?><p:cmAuthorLst xmlns:p="{P_NS}">'
                   f'<p:cmAuthor id="1" name="{author}" initials="Z" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>')
    return out.getvalue()


def make_deck() -> bytes:
    prs = Presentation()
    s1 = prs.slides.add_slide(prs.slide_layouts[1])
    s1.shapes.title.text = "政策解读"
    s1.placeholders[1].text = "联系电话 13912345678\n截止目前已完成"
    run = s1.placeholders[1].text_frame.add_paragraph().add_run()
    run.text = "详见公开目录"
    run.hyperlink.address = "http://www.example.gov.cn/gk/"
    s1.notes_slide.notes_text_frame.text = "备注电话 13812345678"
    s2 = prs.slides.add_slide(prs.slide_layouts[5])
    s2.shapes.title.text = "名单"
    table = s2.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
    for r, row in enumerate([["姓名", "身份证号"], ["张三", "11010119900307803X"], ["李四", "110101199003077774"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    s3 = prs.slides.add_slide(prs.slide_layouts[1])
    s3.shapes.title.text = "隐藏页"
    s3.placeholders[1].text = "隐藏电话 13712345678"
    s3._element.set("show", "0")
    prs.core_properties.author = "赵六"
    buf = io.BytesIO()
    prs.save(buf)
    return _with_comment(buf.getvalue(), "批注电话 13612345678", "周九")


def test_every_place_found(checker) -> None:
    result = checker.check_bytes(make_deck(), "解读.pptx", expand_columns=True)   # every cell
    assert result.status == "ok" and result.type == "pptx", result.error
    at = {(f.rule, f.match): f.location for f in result.findings}
    loc = at["P002", "13912345678"]
    assert (loc.page, loc.paragraph, loc.hidden) == (1, 2, None)
    assert at["T001", "截止目前"].page == 1
    loc = at["P002", "13812345678"]
    assert (loc.page, loc.part, loc.hidden) == (1, "演讲者备注", "演讲者备注")
    loc = at["P001", "11010119900307803X"]
    assert (loc.page, loc.row, loc.col) == (2, 2, 2)
    loc = at["P002", "13712345678"]
    assert (loc.page, loc.hidden) == (3, "隐藏幻灯片")
    loc = at["P002", "13612345678"]
    assert (loc.page, loc.part, loc.hidden) == (1, "批注", "批注")
    rules = {f.rule for f in result.findings}
    assert {"H001", "H003", "H004", "P009"} <= rules
    assert any(f.rule == "H003" and "周九" in f.message for f in result.findings)


def test_structure() -> None:
    doc = read(make_deck(), "解读.pptx")
    assert [link.url for link in doc.links] == ["http://www.example.gov.cn/gk/"]
    table = doc.tables[0]
    assert [doc.segments[i].text for i in table.cells[0]] == ["姓名", "身份证号"]
    assert [f.kind for f in doc.facts if f.kind == "hidden_slide"] == ["hidden_slide"]
    # slide 1: title, two paragraphs of the body, the link paragraph, in order
    assert [s.text for s in doc.segments if s.base.page == 1 and s.base.part is None] == [
        "政策解读", "联系电话 13912345678", "截止目前已完成", "详见公开目录"]


def test_dps_that_is_ooxml_is_read(checker) -> None:
    result = checker.check_bytes(make_deck(), "解读.dps")
    assert result.status == "ok" and result.type == "pptx"
