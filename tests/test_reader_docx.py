"""The DOCX reader on files made with python-docx, with the parts python-docx cannot write
(footnotes, text boxes, tracked changes, hidden text, fields) patched in as raw WordprocessingML."""

from __future__ import annotations

import io
import zipfile

import pytest

docx = pytest.importorskip("docx")
from docx.oxml import parse_xml  # noqa: E402

from gkcheck.readers import Limits, read  # noqa: E402
from gkcheck.readers.docx import field_url, read_docx  # noqa: E402

from .conftest import rules_of  # noqa: E402

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingprocessingml/2006/wordprocessingDrawing"')

FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NS}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>脚注：数据截止目前有效</w:t></w:r></w:p></w:footnote>'
    '</w:footnotes>').encode()


def p(xml: str) -> str:
    return f"<w:p {NS}>{xml}</w:p>"


def r(text: str, rpr: str = "") -> str:
    return f'<w:r>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


TEXTBOX = p(
    '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
    '<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框里的话</w:t></w:r></w:p></w:txbxContent>'
    '</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框里的话</w:t></w:r></w:p>'
    '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def patch(data: bytes, parts: dict[str, bytes], rels: str = "") -> bytes:
    """Add or replace parts of a saved package; ``rels`` is appended to document.xml.rels."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = parts.pop(info.filename, None) or src.read(info)
            if info.filename == "word/_rels/document.xml.rels" and rels:
                body = body.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            dst.writestr(info.filename, body)
        for name, body in parts.items():
            dst.writestr(name, body)
    return out.getvalue()


def build_rich() -> bytes:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "页眉文字"
    d.sections[0].footer.paragraphs[0].text = "页脚文字"
    d.add_paragraph("第一段。")
    para = d.add_paragraph()
    for piece in ("截", "止", "目前", "，全县已完成。"):  # one word over several runs
        para.add_run(piece)
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "序号"
    table.cell(0, 1).text = "事项"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "截止目前已办结"
    table.cell(1, 2).text = "甲\n乙"
    body = d.element.body
    sect = body[-1]
    for xml in (
        p(r("修订后") + '<w:ins w:id="1" w:author="甲" w:date="2026-01-01T00:00:00Z">' + r("新增内容")
          + '</w:ins><w:del w:id="2" w:author="乙" w:date="2026-01-01T00:00:00Z"><w:r>'
          '<w:delText>被删除的内容</w:delText></w:r></w:del>' + r("。")),
        p(r("看得见") + r("看不见的内容", "<w:vanish/>") + r("又看得见")),
        TEXTBOX,
        p('<w:hyperlink r:id="rIdLink1"><w:r><w:t>政府网</w:t></w:r></w:hyperlink>'),
        p('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK '
          '"http://www.example.gov.cn/a?b=1&amp;c=2" \\o "提示" </w:instrText></w:r><w:r>'
          '<w:fldChar w:fldCharType="separate"/></w:r>' + r("字段链接") +
          '<w:r><w:fldChar w:fldCharType="end"/></w:r>'),
        p(r("正文带脚注") + '<w:r><w:footnoteReference w:id="1"/></w:r>'),
    ):
        sect.addprevious(parse_xml(xml))
    commented = d.add_paragraph("被批注的段落")
    d.add_comment(commented.runs, text="批注：截止目前未核实", author="张三")
    d.core_properties.author = "李四"
    d.core_properties.last_modified_by = "王五"
    buf = io.BytesIO()
    d.save(buf)
    return patch(buf.getvalue(), {"word/footnotes.xml": FOOTNOTES},
                 '<Relationship Id="rIdLink1" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/hyperlink" Target="HTTP://www.Example.gov.cn/x y.html" '
                 'TargetMode="External"/><Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>')


@pytest.fixture(scope="module")
def rich() -> bytes:
    return build_rich()


@pytest.fixture(scope="module")
def doc(rich):
    return read_docx(rich, "rich.docx", Limits())


def find(doc, text):
    hits = [s for s in doc.segments if text in s.text]
    assert hits, f"{text!r} not in {[s.text for s in doc.segments]}"
    return hits[0]


def test_sniffed_as_docx(rich):
    assert read(rich, "a.docx").type == "docx"


def test_word_split_across_runs_is_one_segment_at_its_paragraph(doc):
    seg = find(doc, "截止目前，全县")
    assert seg.text == "截止目前，全县已完成。"
    assert (seg.base.part, seg.base.paragraph, seg.base.hidden) == ("正文", 2, None)


def test_table_cells_have_row_col_and_table(doc):
    seg = find(doc, "截止目前已办结")
    assert seg.kind == "cell" and (seg.base.row, seg.base.col) == (2, 2)
    (table,) = doc.tables
    assert table.ref == "表格1"
    assert [[doc.segments[i].text if i >= 0 else None for i in row] for row in table.cells] == [
        ["序号", "事项", None], ["1", "截止目前已办结", "甲\n乙"]]
    # the paragraphs of the table count: two rows × three cells after the two body paragraphs
    assert find(doc, "序号").base.paragraph == 3


def test_header_footer_footnote(doc):
    assert find(doc, "页眉文字").base.part == "页眉"
    assert find(doc, "页脚文字").base.part == "页脚"
    note = find(doc, "脚注：")
    assert (note.base.part, note.base.paragraph, note.base.hidden) == ("脚注", 1, None)


def test_tracked_changes(doc):
    seg = find(doc, "修订后")
    assert seg.text == "修订后新增内容。" and seg.base.hidden is None
    deleted = find(doc, "被删除的内容")
    assert deleted.base.hidden == "修订：已删除" and deleted.base.paragraph == seg.base.paragraph
    facts = {f.kind: f for f in doc.facts}
    assert facts["tracked_changes"].value == "2"
    assert "2 处修订痕迹" in facts["tracked_changes"].detail
    assert "“新增内容”" in facts["tracked_changes"].detail
    assert facts["tracked_changes"].location.paragraph == seg.base.paragraph


def test_hidden_text(doc):
    seg = find(doc, "看得见")
    assert seg.text == "看得见又看得见"
    assert find(doc, "看不见的内容").base.hidden == "隐藏文字"
    assert {f.kind: f.value for f in doc.facts}["hidden_text"] == "1"


def test_textbox_read_once(doc):
    boxes = [s for s in doc.segments if s.text == "文本框里的话"]
    assert len(boxes) == 1 and boxes[0].base.part == "文本框"


def test_comment_is_hidden_at_its_paragraph(doc):
    seg = find(doc, "批注：截止目前")
    anchor = find(doc, "被批注的段落")
    assert seg.base.hidden == "批注"
    assert (seg.base.part, seg.base.paragraph) == ("正文", anchor.base.paragraph)
    facts = {f.kind: f for f in doc.facts}
    assert facts["comments"].value == "1" and "张三" in facts["comments"].detail


def test_links_exactly_as_written(doc):
    links = {link.url: link for link in doc.links}
    assert links["HTTP://www.Example.gov.cn/x y.html"].text == "政府网"
    assert links["http://www.example.gov.cn/a?b=1&c=2"].text == "字段链接"


def test_properties(doc):
    facts = {f.kind: f.value for f in doc.facts}
    assert facts["creator"] == "李四" and facts["last_modified_by"] == "王五"


def test_field_url():
    assert field_url(' HYPERLINK "http://a.cn/x" \\o "tip"') == "http://a.cn/x"
    assert field_url('HYPERLINK \\l "top"') is None
    assert field_url('HYPERLINK "http://a.cn/" \\l "s1"') == "http://a.cn/#s1"
    assert field_url("PAGE") is None


def test_checker_finds_typo_in_table_cell(checker, rich):
    result = checker.check_bytes(rich, "rich.docx")
    assert result.status == "ok" and result.type == "docx"
    cell = [f for f in result.findings if f.rule == "T001" and f.location.row == 2]
    assert cell and (cell[0].location.part, cell[0].location.col) == ("正文", 2)
    assert cell[0].location.describe() == "表格1 第2行第2列“截止目前已办结”"   # cells counted apart
    hidden = [f for f in result.findings if f.location.hidden == "批注"]
    assert hidden and "T001" in rules_of(hidden)


def test_docx_named_txt_is_read_as_docx(checker, rich):
    result = checker.check_bytes(rich, "notice.txt")
    assert result.type == "docx" and "T001" in rules_of(result.findings)


def _styled_hidden() -> bytes:
    from docx.enum.style import WD_STYLE_TYPE

    d = docx.Document()
    secret = d.styles.add_style("秘密字", WD_STYLE_TYPE.CHARACTER)
    secret.font.hidden = True
    hidden_para = d.styles.add_style("隐藏段", WD_STYLE_TYPE.PARAGRAPH)
    hidden_para.font.hidden = True
    child = d.styles.add_style("继承隐藏段", WD_STYLE_TYPE.PARAGRAPH)
    child.base_style = hidden_para
    shown = d.styles.add_style("取消隐藏段", WD_STYLE_TYPE.PARAGRAPH)
    shown.base_style = hidden_para
    shown.font.hidden = False
    para = d.add_paragraph("公开的话")
    para.add_run("按样式隐藏的字", style="秘密字")
    d.add_paragraph("整段按样式隐藏", style="隐藏段")
    d.add_paragraph("样式继承来的隐藏", style="继承隐藏段")
    d.add_paragraph("样式又取消了隐藏", style="取消隐藏段")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


@pytest.mark.parametrize("styles_as_written", [True, False], ids=["scanned", "parsed-whole"])
def test_text_hidden_by_style_and_based_on(styles_as_written):
    data = _styled_hidden()
    if not styles_as_written:  # a comment in styles.xml: the part is parsed whole, same answer
        styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml")
        head = styles.index(b"?>") + 2
        data = patch(data, {"word/styles.xml": styles[:head] + b"<!-- x -->" + styles[head:]})
    doc = read_docx(data, "样式.docx", Limits())
    hidden = {s.text: s.base.hidden for s in doc.segments}
    assert hidden["公开的话"] is None
    assert hidden["按样式隐藏的字"] == "隐藏文字"
    assert hidden["整段按样式隐藏"] == "隐藏文字"
    assert hidden["样式继承来的隐藏"] == "隐藏文字"
    assert hidden["样式又取消了隐藏"] is None
    assert {f.kind: f.value for f in doc.facts}["hidden_text"] == "3"


def test_styles_remembered_only_for_the_same_bytes():
    data = _styled_hidden()
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml")
    shown = patch(data, {"word/styles.xml": styles.replace(b"<w:vanish/>", b"<w:b/>")})

    def hidden(blob):
        return {s.text: s.base.hidden for s in read_docx(blob, "样式.docx", Limits()).segments}

    for blob, expected in ((data, "隐藏文字"), (shown, None), (data, "隐藏文字"), (shown, None)):
        assert hidden(blob)["整段按样式隐藏"] == expected
