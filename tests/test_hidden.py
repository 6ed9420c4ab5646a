"""Hidden places: facts, hidden segments and hidden rows/columns become file-level hits."""

from __future__ import annotations

import io

import pytest

from gkcheck.config import Config
from gkcheck.detectors.hidden import HiddenDetector, fact_rule, reason_rule
from gkcheck.model import Document, Fact, Location, Segment, Table
from gkcheck.rules import load_rules
from gkcheck.textview import Context, TextView

from .conftest import FIXED_TODAY

CTX = Context(today=FIXED_TODAY, doc_date=FIXED_TODAY)


def hits(doc: Document):
    rules = load_rules()
    detector = HiddenDetector(config=Config(), rules=rules, enabled=set(rules))
    return list(detector.detect(TextView.of(doc), CTX))


@pytest.mark.parametrize("kind,rule", [
    ("hidden_sheet", "H002"), ("veryHidden_sheet", "H002"), ("sheet_hidden", "H002"),
    ("hidden_rows", "H002"), ("hidden_cols", "H002"), ("tracked_changes", "H001"),
    ("revisions", "H001"), ("comments", "H003"), ("hidden_text", "H001"), ("html_comment", "H003"),
    ("hidden_element", "H001"), ("creator", "H004"), ("last_modified_by", "H004"),
    ("company", "H004"), ("manager", "H004"), ("word_count", None),
])
def test_fact_kinds(kind, rule):
    assert fact_rule(kind) == rule


@pytest.mark.parametrize("reason,rule", [
    ("隐藏工作表", "H002"), ("深度隐藏工作表", "H002"), ("隐藏列", "H002"), ("隐藏行：display:none", "H002"),
    ("修订：已删除", "H001"), ("批注", "H003"), ("隐藏文字", "H001"), ("HTML注释", "H003"),
    ("display:none", "H001"),
])
def test_reasons(reason, rule):
    assert reason_rule(reason) == rule


def test_facts_become_file_level_hits():
    facts = (
        Fact("hidden_sheet", "隐藏工作表“底稿”（veryHidden）", Location(sheet="底稿"), "底稿"),
        Fact("tracked_changes", "文档包含 3 处修订", Location(part="正文"), "3"),
        Fact("comments", "文档包含 2 条批注（审核人）", Location(part="批注"), "2"),
        Fact("creator", "文档属性中的作者：张三", Location(part="文档属性"), "张三"),
        Fact("last_modified_by", "文档属性中的最后修改者：", Location(part="文档属性"), ""),
    )
    doc = Document("a.docx", "docx", (Segment("正文"),), facts=facts)
    got = [(h.rule, h.start, h.match) for h in hits(doc)]
    assert got == [("H002", -1, "底稿"), ("H001", -1, "3"), ("H003", -1, "2"), ("H004", -1, "张三")]
    first = hits(doc)[0]
    assert first.location == Location(sheet="底稿") and "底稿" in first.message


def test_hidden_segments_without_facts_and_no_double_report():
    segs = (Segment("公示名单"), Segment("原始名单：张三，身份证号待核实", Location(line=3, hidden="HTML注释")),
            Segment("  ", Location(line=4, hidden="HTML注释")),
            Segment("王五 13907971234", Location(line=5, hidden="批注")))
    doc = Document("a.html", "html", segs)
    got = sorted((h.rule, h.match) for h in hits(doc))
    assert got == [("H003", "HTML注释"), ("H003", "批注")]
    with_fact = Document("a.html", "html", segs, facts=(Fact("comments", "2 条批注", Location(), "2"),))
    assert [(h.rule, h.match) for h in hits(with_fact)] == [("H003", "2")]


def test_hidden_rows_and_columns_with_data():
    segs = tuple(Segment(t, Location(sheet="名单", cell=c), kind="cell")
                 for t, c in [("姓名", "A1"), ("身份证号码", "B1"), ("张三", "A2"), ("36070219900307451X", "B2"),
                              ("李四", "A3"), ("", "B3")])
    table = Table("名单!A1:B3", ((0, 1), (2, 3), (4, 5)), hidden_cols=frozenset({1}))
    out = hits(Document("a.xlsx", "xlsx", segs, tables=(table,)))
    assert [(h.rule, h.match) for h in out] == [("H002", "名单!A1:B3")]
    assert "1 个隐藏列中有 2 个非空单元格" in out[0].message
    empty = Table("名单!A1:B3", ((0, 1), (2, 3), (4, 5)), hidden_rows=frozenset({2}), hidden_cols=frozenset())
    assert [h.rule for h in hits(Document("a.xlsx", "xlsx", segs[:4] + (Segment(""), Segment("")), tables=(empty,)))] == []


def test_docx_facts_from_the_reader():
    docx = pytest.importorskip("docx")
    read = pytest.importorskip("gkcheck.readers.docx").read_docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.core_properties.author = "张三"
    p = d.add_paragraph("名单：")
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="李四" w:date="2024-01-15T00:00:00Z">'
                          f'<w:r><w:delText>王五 36070219900307451X</w:delText></w:r></w:del>'))
    buf = io.BytesIO()
    d.save(buf)
    from gkcheck.readers import Limits

    rules = {h.rule for h in hits(read(buf.getvalue(), "a.docx", Limits()))}
    assert {"H001", "H004"} <= rules


def test_xlsx_hidden_sheet_from_the_reader():
    openpyxl = pytest.importorskip("openpyxl")
    read = pytest.importorskip("gkcheck.readers.xlsx").read_xlsx
    from gkcheck.readers import Limits

    wb = openpyxl.Workbook()
    wb.active.append(["公示"])
    draft = wb.create_sheet("底稿")
    draft.append(["张三", "36070219900307451X"])
    draft.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    assert "H002" in {h.rule for h in hits(read(buf.getvalue(), "a.xlsx", Limits()))}


def test_empty_hidden_sheet_generic_author_and_hidden_cols_fact_without_data():
    segs = (Segment("公示", Location(sheet="名单", cell="A1")), Segment("", Location(sheet="空表", cell="A1")),
            Segment("张三", Location(sheet="底稿", cell="A1", hidden="隐藏工作表")),
            Segment("", Location(sheet="名单", cell="B1", hidden="隐藏列")))
    facts = (Fact("hidden_sheet", "工作表“空表”已隐藏", Location(sheet="空表"), "空表"),
             Fact("hidden_sheet", "工作表“底稿”已隐藏", Location(sheet="底稿"), "底稿"),
             Fact("hidden_cols", "工作表“名单”有 1 个隐藏列（B）", Location(sheet="名单"), "1"),
             Fact("creator", "文档属性中的作者：openpyxl", Location(), "openpyxl"),
             Fact("last_modified_by", "文档属性中的最后修改者：李四", Location(), "李四"))
    table = Table("名单!A1:B1", ((0, 3),), hidden_cols=frozenset({1}))
    out = hits(Document("a.xlsx", "xlsx", segs, tables=(table,), facts=facts))
    assert [(h.rule, h.match) for h in out] == [("H002", "底稿"), ("H004", "李四")]
    assert out[0].message.endswith("其中有 1 个非空单元格")


def test_xlsx_from_the_reader_reports_every_hidden_place():
    pytest.importorskip("gkcheck.readers.xlsx")
    from gkcheck.readers import read

    from .test_privacy_files import _xlsx_bytes, people

    out = hits(read(_xlsx_bytes(people(3, 1), people(2, 2)), "名单.xlsx"))
    rules = sorted(h.rule for h in out)
    assert rules == ["H002", "H002", "H003"]     # hidden sheet, hidden column with IDs, comment


def test_html_comment_and_hidden_element_from_the_reader():
    pytest.importorskip("gkcheck.readers.html")
    from gkcheck.readers import read

    page = ("<html><head><meta name=\"Author\" content=\"赣州市民政局\"><meta name=\"lastmodifiedby\" content=\"王五\"></head><body><p>公示名单</p>"
            "<!-- 原始名单：张三 13907971234 --><!---->"
            "<div style=\"display:none\">备用联系人李四，电话待核实</div>"
            "<table><tr><th>姓名</th></tr><tr style=\"display:none\"><td>赵六</td></tr></table></body></html>")
    out = hits(read(page.encode("utf-8"), "a.html"))
    assert sorted((h.rule, h.match) for h in out) == [
        ("H001", "display:none"), ("H002", "表格1"), ("H003", "HTML注释"), ("H004", "王五")]


@pytest.mark.parametrize("text,expected", [
    ("原始名单见内网，联系人王科长", True), ("张三 13907971234", True), ("头部开始", False),
    ("以下为正文内容区域开始", False), ("[if lt IE 9]><script src=html5.js></script><![endif]", False),
    ("#include virtual=\"/inc/head20240115.shtml\"", False), ("首页", False), ("end 2024年1月15日正文", False),
])
def test_substantive_web_text(text, expected):
    from gkcheck.detectors.hidden import substantive

    assert substantive(text) is expected


def test_template_comments_and_menus_on_a_page_are_not_reported():
    segs = (Segment("公示名单"), Segment("头部开始", Location(line=1, hidden="HTML注释")),
            Segment("政务公开", Location(line=2, hidden="display:none")),
            Segment("原始名单：张三 13907971234", Location(line=3, hidden="HTML注释")))
    assert [(h.rule, h.match) for h in hits(Document("a.html", "html", segs))] == [("H003", "HTML注释")]
