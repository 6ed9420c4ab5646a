"""Positions people can use in the formats besides HTML and DOCX (issue 13 item 2): .doc/.wps and
RTF in the DOCX vocabulary, PPTX by slide, PDF and OFD by page and printed line, members of an
archive by name. Each expected place was counted by hand on the fixture, the way a person counts
in Word/WPS, PowerPoint or a PDF viewer: paragraphs that show text outside tables, table cells
apart, the other parts by name, and a short quote to find it without counting."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Inches

from gkcheck import Checker
from tests import legacy_office
from tests.ofd_files import make_ofd
from tests.places_fixtures import NOTICE, TYPO
from tests.test_reader_pdf import make_pdf


def _places(result, rule: str = "T001") -> list[str]:
    assert result.status == "ok", result.error
    return [f.location.describe() for f in result.findings if f.rule == rule and f.match == TYPO]


# counted by hand on tests/places_fixtures.py NOTICE: 关于…的通知 (1), the empty paragraph (not
# counted), 各乡镇人民政府 (2), 为进一步… (3), the 2×3 table (cells apart), 请认真贯彻落实… (4),
# 联系人：王五 (5, with the text box anchored in it)
NOTICE_PLACES = sorted([
    "正文第3段“为进一步做好防火工作，截…”",
    "表格1 第2行第3列“截止目前已完成”",
    "正文第4段“请认真贯彻落实，截止目前…”",
    "正文第4段的批注“截止目前的说法请核实”（隐藏：批注）",
    "脚注“注：截止目前为三月底的数…”",
    "页眉“某某县人民政府截止目前文…”",
    "页脚第2段“截止目前印发”",          # the footer's first paragraph is the page number
    "正文第5段的文本框“框内截止目前说明”",   # anchored in 联系人：王五 (5)
])


@pytest.fixture(scope="module")
def notice_files(tmp_path_factory) -> dict[str, Path]:
    """notice.doc / notice.rtf written by LibreOffice from NOTICE (once, shared by xdist workers),
    and notice.wps: WPS writes the same container as Word 97-2003."""
    if not legacy_office.soffice():
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    base = tmp_path_factory.getbasetemp().parent / "places-notice"

    def build(out: Path) -> None:
        source = base / "notice.fodt"
        source.write_text(NOTICE, encoding="utf-8")
        legacy_office.convert([(source, "doc"), (source, "rtf")], out)
        (out / "notice.wps").write_bytes((out / "notice.doc").read_bytes())

    out = legacy_office.build_once(base, build)
    return {name: out / name for name in ("notice.doc", "notice.rtf", "notice.wps")}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["notice.doc", "notice.wps", "notice.rtf"])
def test_word_family_places_as_in_docx(checker, notice_files, name) -> None:
    result = checker.check_file(notice_files[name])
    assert sorted(_places(result)) == NOTICE_PLACES
    # the machine fields keep their meaning: paragraph counts every paragraph of the part,
    # empty ones and table cells included; row/col name the cell
    cell = next(f.location for f in result.findings if f.rule == "T001" and f.location.row)
    assert (cell.part, cell.row, cell.col) == ("正文", 2, 3)
    body = next(f.location for f in result.findings if f.rule == "T001"
                and f.location.describe().startswith("正文第3段"))
    assert (body.part, body.paragraph) == ("正文", 4)
    assert next(f for f in result.findings if f.rule == "T001").to_dict()["location"]["text"]


@pytest.mark.slow
def test_archive_member_places(checker, notice_files) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("材料/通知.rtf", notice_files["notice.rtf"].read_bytes())
    places = _places(checker.check_bytes(buf.getvalue(), "bundle.zip"))
    assert sorted(places) == sorted(f"[材料/通知.rtf] {p}" for p in NOTICE_PLACES)


def _deck() -> bytes:
    prs = Presentation()
    s1 = prs.slides.add_slide(prs.slide_layouts[1])          # title and content
    s1.shapes.title.text = f"{TYPO}工作进展"                    # 第1张幻灯片标题
    body = s1.placeholders[1].text_frame
    body.text = "一、总体情况"                                  # 正文第1段
    body.add_paragraph()                                       # empty: not counted
    body.add_paragraph().text = f"二、{TYPO}已完成巡查"           # 正文第2段
    s1.notes_slide.notes_text_frame.text = f"讲稿：{TYPO}的数字"  # 备注
    s2 = prs.slides.add_slide(prs.slide_layouts[5])          # title only
    s2.shapes.title.text = "进度表"
    box = s2.shapes.add_textbox(Inches(1), Inches(1.5), Inches(6), Inches(0.5)).text_frame
    box.text = "说明："                                         # 正文第1段 (the title is not counted)
    box.add_paragraph().text = f"{TYPO}的进度如下"                # 正文第2段
    table = s2.shapes.add_table(2, 3, Inches(1), Inches(2.5), Inches(6), Inches(1)).table
    for r, row in enumerate([["序号", "事项", "进度"], ["1", "巡查", f"{TYPO}已完成"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value                      # 表格1 第2行第3列
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def test_pptx_places_by_slide(checker) -> None:
    assert _places(checker.check_bytes(_deck(), "汇报.pptx")) == [
        "第1张幻灯片标题“截止目前工作进展”",
        "第1张幻灯片正文第2段“二、截止目前已完成巡查”",
        "第1张幻灯片备注“讲稿：截止目前的数字”（隐藏：演讲者备注）",
        "第2张幻灯片正文第2段“截止目前的进度如下”",
        "第2张幻灯片表格1 第2行第3列“截止目前已完成”",
    ]


def test_pptx_column_summary_names_the_table(checker) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    rows = [["姓名", "联系电话"]] + [[f"张{i}", f"139079712{i:02d}"] for i in range(12)]
    table = slide.shapes.add_table(len(rows), 2, Inches(1), Inches(1.5), Inches(6), Inches(4)).table
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    out = io.BytesIO()
    prs.save(out)
    result = checker.check_bytes(out.getvalue(), "名单.pptx")
    assert result.status == "ok", result.error
    column = [f for f in result.findings if f.rule == "P009"]
    assert [f.location.describe() for f in column] == ["第1张幻灯片表格1 第2列"]
    assert column[0].message.startswith("第1张幻灯片表格1 第2列：")


# two pages; on page 2 a word wraps across printed lines 1 and 2, and line 3 holds a typo mid-line
PAGES = [["关于做好春季防火工作的通知", "各乡镇人民政府："],
         ["为进一步做好防火工作，全县截止目", "前已完成巡查。", "联系人：王五，截止目前未报告的及时报告。"]]


def test_pdf_places_by_page_and_printed_line(checker) -> None:
    result = checker.check_bytes(make_pdf(PAGES), "通知.pdf")
    assert _places(result) == [
        "第2页第1行“为进一步做好防火工作，全…”",     # the match starts on the first printed line
        "第2页第3行“联系人：王五，截止目前未…”",       # quoted from the start of its printed line
    ]
    # the machine fields keep their meaning: the page, line and column of the match
    first = next(f for f in result.findings if f.rule == "T001").location
    assert (first.page, first.line, first.column) == (2, 1, 14)


def test_pdf_annotation_is_named_after_its_page(checker) -> None:
    from reportlab.pdfgen import canvas

    make_pdf([["x"]])   # registers the CJK font
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 750, "第一页")
    c.showPage()
    c.setFont("STSong-Light", 12)
    c.drawString(72, 750, "第二页正文")
    c.textAnnotation(f"{TYPO}的数字请核实", Rect=(72, 600, 200, 650))
    c.showPage()
    c.save()
    assert _places(checker.check_bytes(buf.getvalue(), "批注.pdf")) == [
        "第2页的PDF 注释“截止目前的数字请核实”（隐藏：PDF注释）"]


def test_pdf_attachment_places_follow_its_name(checker) -> None:
    import docx
    import pypdfium2 as pdfium

    word = docx.Document()
    word.add_paragraph("第一段")
    word.add_paragraph(f"{TYPO}第二段")
    attached = io.BytesIO()
    word.save(attached)
    pdf = pdfium.PdfDocument(make_pdf([["正文第一页"]]))
    for name, data in (("名单.docx", attached.getvalue()), ("内层.pdf", make_pdf([["a"], [f"第二页{TYPO}"]]))):
        pdf.new_attachment(name).set_data(data)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    assert sorted(_places(checker.check_bytes(out.getvalue(), "附件.pdf"))) == [
        "PDF 附件 内层.pdf 第2页第1行“第二页截止目前”",
        "PDF 附件 名单.docx 正文第2段“截止目前第二段”",
    ]


def test_ofd_places_by_page_and_printed_line(checker) -> None:
    pages = [PAGES[0], ["为进一步做好防火工作。", "联系人：王五，截止目前未报告的及时报告。"]]
    result = checker.check_bytes(make_ofd(pages, remarks={2: f"{TYPO}请核实"}, stamp_text={1: f"{TYPO}专用章"}),
                                 "通知.ofd")
    assert _places(result) == ["第2页第2行“联系人：王五，截止目前未…”",
                               "第1页的注释“截止目前专用章”",               # a stamp's text is seen
                               "第2页的注释“截止目前请核实”（隐藏：注释）"]   # a remark is not
    loc = next(f for f in result.findings if f.rule == "T001").location
    assert (loc.page, loc.line, loc.column) == (2, 2, 8)


def test_xlsx_and_zip_member_keep_cell_names() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "名单"
    book.active["C12"] = TYPO
    data = io.BytesIO()
    book.save(data)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("名单.xlsx", data.getvalue())
    assert _places(Checker().check_bytes(buf.getvalue(), "bundle.zip")) == ["[名单.xlsx] 名单!C12"]
