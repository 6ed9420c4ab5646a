"""The XLSX reader on workbooks made with openpyxl: every sheet, values as the user sees them,
hidden sheets/rows/columns, comments, hyperlinks, properties."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.comments import Comment  # noqa: E402

from gkcheck.readers import Limits, ReadError  # noqa: E402
from gkcheck.readers.xlsx import number_text, read_xlsx  # noqa: E402


def build() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "身份证号", "金额", "日期", "时间", "是否", "备注"])
    ws.append(["张三", "110101199001011234", 5.0, date(2024, 3, 1), datetime(2024, 3, 1, 8, 30, 5), True,
               "截止目前已完成"])
    ws.append(["李四", 1.10101199001011e17, 0.1 + 0.2, None, None, False, "正常"])
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["G"].hidden = True
    ws["A2"].comment = Comment("批注：身份证号待核", "王五")
    ws["A4"] = "政府网"
    ws["A4"].hyperlink = "http://www.Example.gov.cn/a b?x=1"
    hidden = wb.create_sheet("隐藏表")
    hidden["B3"] = "截止目前隐藏"
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("深藏")
    very["A1"] = "深度隐藏内容"
    very.sheet_state = "veryHidden"
    wb.create_sheet("空表")
    wb.properties.creator = "赵六"
    wb.properties.lastModifiedBy = "钱七"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def data() -> bytes:
    return build()


@pytest.fixture(scope="module")
def doc(data):
    return read_xlsx(data, "名单.xlsx", Limits())


def cell(doc, sheet, ref):
    found = [s for s in doc.segments if s.base.sheet == sheet and s.base.cell == ref and s.kind == "cell"]
    assert len(found) == 1, (sheet, ref)
    return found[0]


def test_values_as_the_user_sees_them(doc):
    values = {s.base.cell: s.text for s in doc.segments if s.base.sheet == "名单" and s.kind == "cell"}
    assert values["B2"] == "110101199001011234"         # text stays text
    assert values["B3"] == "110101199001011000"         # a number: 15 digits, no e+17
    assert values["C2"] == "5" and values["C3"] == "0.3"
    assert values["D2"] == "2024-03-01" and values["E2"] == "2024-03-01 08:30:05"
    assert values["F2"] == "TRUE" and values["F3"] == "FALSE"
    assert "D3" not in values                            # empty cells are no segments


def test_number_text():
    assert number_text(1.10101199001011e17) == "110101199001011000"
    assert number_text(-3.0) == "-3" and number_text(1e15) == "1000000000000000"
    assert number_text(1.5e-7) == "0.00000015" and number_text(66173.25) == "66173.25"


def test_hidden_sheets_rows_cols(doc):
    assert cell(doc, "隐藏表", "B3").base.hidden == "隐藏工作表"
    assert cell(doc, "深藏", "A1").base.hidden == "深度隐藏工作表"
    assert cell(doc, "名单", "A3").base.hidden == "隐藏行"
    assert cell(doc, "名单", "G2").base.hidden == "隐藏列"
    assert cell(doc, "名单", "A2").base.hidden is None
    facts = [(f.kind, f.value) for f in doc.facts]
    assert ("hidden_sheet", "隐藏表") in facts and ("hidden_sheet", "深藏") in facts
    assert ("hidden_rows", "1") in facts and ("hidden_cols", "1") in facts


def test_tables(doc):
    tables = {t.ref.split("!")[0]: t for t in doc.tables}
    table = tables["名单"]
    assert table.ref == "名单!A1:G4"
    assert doc.segments[table.cells[0][1]].text == "身份证号"
    assert table.cells[2][3] == -1
    assert table.hidden_rows == frozenset({2}) and table.hidden_cols == frozenset({6})
    assert tables["隐藏表"].ref == "隐藏表!B3:B3"
    assert "空表" not in tables


def test_comment_and_link_and_properties(doc):
    (note,) = [s for s in doc.segments if s.base.hidden == "批注"]
    assert "身份证号待核" in note.text and (note.base.sheet, note.base.cell) == ("名单", "A2")
    (link,) = doc.links
    assert link.url == "http://www.Example.gov.cn/a b?x=1" and link.text == "政府网"
    assert link.location.cell == "A4"
    facts = {f.kind: f.value for f in doc.facts}
    assert facts["creator"] == "赵六" and facts["last_modified_by"] == "钱七"
    assert facts["comments"] == "1"


def test_cell_limit(data):
    with pytest.raises(ReadError, match="单元格数超过上限"):
        read_xlsx(data, "x.xlsx", Limits(max_cells=10))


def test_rows_without_numbers_and_prefixed_tags():
    from gkcheck.readers.xlsx import sheet_layout

    xml = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<x:cols><x:col min="2" max="3" hidden="true"/></x:cols><x:sheetData>'
           b'<x:row><x:c t="inlineStr"><x:is><x:t>hidden="1"</x:t></x:is></x:c></x:row>'
           b'<x:row hidden="1"/></x:sheetData></x:worksheet>')
    layout = sheet_layout(xml, "sheet1.xml")
    assert layout.hidden_rows == {2} and layout.hidden_cols == {2, 3}


def test_checker_finds_typo_in_hidden_sheet(checker, data):
    result = checker.check_bytes(data, "名单.xlsx")
    assert result.status == "ok" and result.type == "xlsx"
    typo = [f for f in result.findings if f.rule == "T001" and f.location.sheet == "隐藏表"]
    assert typo and typo[0].location.cell == "B3" and typo[0].location.hidden == "隐藏工作表"
    assert typo[0].location.describe().startswith("隐藏表!B3")
