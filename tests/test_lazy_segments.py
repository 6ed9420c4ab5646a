"""A spreadsheet's segments are made on demand (model.LazySegments): whatever a detector asks the
TextView (kind, hidden, locate, hidden_segments, segment_text) must be what the segment itself says."""

from __future__ import annotations

import io
from dataclasses import fields

import pytest

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.comments import Comment  # noqa: E402

from gkcheck.model import LazySegments, Location, Segment  # noqa: E402
from gkcheck.readers import Limits  # noqa: E402
from gkcheck.readers.xlsx import read_xlsx  # noqa: E402
from gkcheck.textview import TextView  # noqa: E402


def workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["B2"] = "标题"                         # the used range starts at B2, not A1
    ws.append([None, "姓名", "身份证号码", "金额", "备注"])
    ws.append([None, "张三", "110101199001011237", 5.0, None])     # an empty cell inside a row
    ws.append([None, "李四", "110101199001011245", 0.5, "隐藏行里"])
    ws.append([None, None, None, None, "只有备注"])
    ws.row_dimensions[5].hidden = True
    ws.column_dimensions["E"].hidden = True
    ws["C3"].comment = Comment("核对身份证", "王五")
    other = wb.create_sheet("底稿")
    other["A1"] = "隐藏表里的字"
    other["C2"] = 7
    other["A1"].comment = Comment("底稿批注", "王五")
    other.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def view() -> TextView:
    return TextView.of(read_xlsx(workbook(), "名单.xlsx", Limits()))


def test_an_xlsx_document_makes_its_cells_on_demand(view):
    assert isinstance(view.document.segments, LazySegments)
    cells = {(s.base.sheet, s.base.cell): s.text for s in view.document.segments}
    assert cells[("名单", "B2")] == "标题"
    assert cells[("名单", "C4")] == "110101199001011237"
    assert cells[("名单", "D4")] == "5"
    assert ("名单", "E4") not in cells                   # an empty cell is no segment
    assert cells[("名单", "E6")] == "只有备注"
    assert cells[("名单", "C3")] == "核对身份证"          # the comment, after the sheet's cells
    assert cells[("底稿", "C2")] == "7"


def test_the_view_answers_what_each_segment_says(view):
    segments = view.document.segments
    assert len(segments) == len(view.starts) == len(list(segments))
    for i, seg in enumerate(segments):
        assert segments[i] == seg
        assert view.segment_text(i) == seg.text
        assert view.kind(i) == seg.kind
        assert view.hidden(i) == seg.base.hidden
        for offset in (0, len(seg.text) - 1):
            assert view.locate(view.starts[i] + offset) == seg.locate(offset)
    assert list(view.hidden_segments()) == [(i, s.base.hidden) for i, s in enumerate(segments) if s.base.hidden]
    assert segments[-1] == tuple(segments)[-1] and segments[1:3] == tuple(segments)[1:3]


def test_hidden_rows_columns_sheets_and_comments_are_marked(view):
    hidden = {(s.base.sheet, s.base.cell): s.base.hidden for s in view.document.segments}
    assert hidden[("名单", "C4")] is None
    assert hidden[("名单", "C5")] == "隐藏行"
    assert hidden[("名单", "E5")] == "隐藏行"              # a hidden row wins over a hidden column
    assert hidden[("名单", "E6")] == "隐藏列"
    assert hidden[("名单", "C3")] == "批注"
    assert hidden[("底稿", "A1")] == "批注"
    assert hidden[("底稿", "C2")] == "隐藏工作表"


def test_a_finding_in_a_cell_names_the_cell(checker):
    findings = checker.check_bytes(workbook(), "名单.xlsx", expand_columns=True).findings   # one per cell
    ids = [f for f in findings if f.rule == "P001"]
    assert [f.location.cell for f in ids] == ["C4", "C5"]
    assert ids[1].location.hidden == "隐藏行" and ids[0].location.column == 1


def test_locate_keeps_every_field_of_the_base():
    values = {f.name: (k if f.name in ("line", "column", "page", "paragraph", "row", "col") else f"v{k}")
              for k, f in enumerate(fields(Location), 1)}
    base = Location(**values)
    moved = Segment("abc", base).locate(2)
    assert {f.name: getattr(moved, f.name) for f in fields(Location) if f.name != "column"} == \
        {k: v for k, v in values.items() if k != "column"}
    anchored = Segment("abc\ndef", base, anchors=((0, 3, 1), (4, 4, 1))).locate(5)
    assert (anchored.line, anchored.column, anchored.sheet) == (4, 2, base.sheet)
