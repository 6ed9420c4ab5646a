"""Positions people can use (issue 13 item 2): ``location.text`` counted on what a reader sees,
and ``offsets`` in code points and UTF-16 code units that a program can highlight with.

The expected places below were counted by hand on the fixtures, the way an editor counts on the
rendered page or in Word: paragraphs outside tables, table cells apart, headers/footers/comments
named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import jsonschema
import pytest

from gkcheck import Checker
from gkcheck.model import Report

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "docs" / "json-report.schema.json").read_text("utf-8"))

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于做好春季防火工作的通知</title>
<style>.nojs{display:none}</style></head>
<body>
<div class="top-header"><div class="logo">某某县人民政府门户网站</div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>
<div class="main">
  <h1>关于做好春季防火工作的通知</h1>
  <div class="info">发布时间：2024-03-01 来源：县应急管理局</div>
  <div class="content">
    <p>各乡镇人民政府，县直各单位：</p>
    <p>为进一步做好春季森林防火工作，现将有关事项通知如下。</p>
    <p>一、截止目前，全县已完成重点区域巡查。<br>二、各单位要加强值守，截止目前未报告的要及时报告。</p>
    <table border="1">
      <tr><th>姓名</th><th>单位</th><th>联系电话</th></tr>
      <tr><td>张三</td><td>县应急管理局</td><td>截止目前已巡查</td></tr>
    </table>
    <p>请各单位认真贯彻落实，截止目前的情况于3月10日前报送。</p>
    <p class="nojs">隐藏的截止目前说明</p>
  </div>
</div>
<div id="footer"><p>主办单位：某某县人民政府办公室</p><p>联系电话：13907971235 截止目前访问量 10000</p></div>
</body></html>
"""


def _places(findings, rule=None):
    return [(f.match, f.location.describe()) for f in findings if rule is None or f.rule == rule]


def test_html_page_places_counted_on_rendered_text():
    findings = Checker().check_text(PAGE, filename="通知.html")
    typos = _places(findings, "T001")
    # 正文: 发布时间 line (1), 各乡镇 (2), 为进一步 (3), 一、 (4), 二、 after <br> (5), 请各单位 (6)
    assert typos == [
        ("截止目前", "正文第4段“一、截止目前，全县已完成…”"),
        ("截止目前", "正文第5段“二、各单位要加强值守，截…”"),          # the line after <br>
        ("截止目前", "表格1 第2行第3列“截止目前已巡查”"),
        ("截止目前", "正文第6段“请各单位认真贯彻落实，截…”"),          # the table's cells are not paragraphs
        ("截止目前", "正文第6段附近“隐藏的截止目前说明”（隐藏：display:none）"),
        ("截止目前", "页脚“联系电话：139****…”"),                      # numbers in a quote are masked
    ]
    phones = {f.match: f.location.describe() for f in findings if f.category == "privacy"}
    assert phones["13907971235"] == "页脚“联系电话：139****…”"
    # the machine location stays the source position
    first = next(f for f in findings if f.rule == "T001")
    line = PAGE.splitlines()[first.location.line - 1]
    assert line[first.location.column - 1:].startswith("截止目前")
    assert first.location.paragraph == 4


def test_html_regions_and_heading():
    page = ("<html><head><title>截止目前</title></head><body>"
            "<header><p>截止目前页头</p></header><nav>首页 截止目前</nav>"
            "<h1>截止目前工作的通知</h1><h2>截止目前小标题</h2><p>正文截止目前</p>"
            "<aside>截止目前侧栏</aside><div class='copyright'>截止目前版权</div>"
            "<div class='footer-nav'>截止目前底部导航</div><footer><nav>截止目前页脚链接</nav></footer>"
            "</body></html>")
    places = [place for _, place in _places(Checker().check_text(page, filename="a.html"), "T001")]
    assert [p.split("“")[0] for p in places] == [
        "网页标题", "页头", "导航", "标题", "正文第1段", "正文第2段", "侧栏", "页脚", "页脚", "导航"]


def test_html_layout_table_is_running_text_and_data_tables_are_numbered_apart():
    page = ("<html><body><table><tr><td><p>第一段</p><p>截止目前第二段</p>"
            "<table><tr><td>甲</td><td>截止目前</td></tr></table></td></tr></table>"
            "<table><tr><td>乙</td></tr><tr><td>截止目前丙</td></tr></table></body></html>")
    places = [place.split("“")[0] for _, place in _places(Checker().check_text(page, filename="a.html"), "T001")]
    assert places == ["正文第2段", "表格1 第1行第2列", "表格2 第2行第1列"]


def _docx_fixture() -> bytes:
    d = docx.Document()
    d.add_paragraph("关于做好春季防火工作的通知")            # 正文第1段
    d.add_paragraph("")                                        # empty: not counted
    d.add_paragraph("各乡镇人民政府：")                          # 正文第2段
    t1 = d.add_table(rows=2, cols=3)
    t1.cell(0, 0).text, t1.cell(0, 1).text, t1.cell(0, 2).text = "序号", "事项", "进度"
    t1.cell(1, 0).text, t1.cell(1, 1).text = "1", "巡查"
    t1.cell(1, 2).text = "截止目前已完成"                       # 表格1 第2行第3列
    p = d.add_paragraph("截止目前，全县已完成巡查。")             # 正文第3段 (cells not counted)
    t2 = d.add_table(rows=3, cols=2)
    t2.cell(0, 0).text = "姓名"
    t2.cell(2, 0).paragraphs[0].text = "第一行"
    t2.cell(2, 0).add_paragraph("截止目前第二行")               # 表格2 第3行第1列
    d.add_paragraph("请认真贯彻落实。")                          # 正文第4段
    last = d.add_paragraph("联系人：王五，截止目前未报告的及时报告。")  # 正文第5段
    section = d.sections[0]
    section.header.paragraphs[0].text = "某某县人民政府截止目前"  # 页眉
    section.footer.paragraphs[0].text = "第 1 页"
    section.footer.add_paragraph("截止目前印发")                 # 页脚第2段
    d.add_comment(p.runs, text="截止目前的说法请核实", author="审核人")   # 正文第3段的批注
    d.add_comment(last.runs, text="已核实", author="审核人")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_docx_places_count_paragraphs_apart_from_cells():
    result = Checker().check_bytes(_docx_fixture(), "通知.docx")
    assert result.status == "ok"
    places = [place for _, place in _places(result.findings, "T001")]
    assert places == [
        "表格1 第2行第3列“截止目前已完成”",
        "正文第3段“截止目前，全县已完成巡查…”",
        "表格2 第3行第1列“截止目前第二行”",
        "正文第5段“联系人：王五，截止目前未…”",
        "页眉“某某县人民政府截止目前”",
        "页脚第2段“截止目前印发”",
        "正文第3段的批注“截止目前的说法请核实”（隐藏：批注）",
    ]
    # the machine fields keep their meaning: paragraph counts every paragraph of the part
    cell = next(f for f in result.findings if f.rule == "T001").location
    assert (cell.part, cell.row, cell.col) == ("正文", 2, 3)


def test_other_formats_keep_their_places():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "名单"
    book.active["C12"] = "截止目前"
    out = io.BytesIO()
    book.save(out)
    result = Checker().check_bytes(out.getvalue(), "名单.xlsx")
    assert [f.location.describe() for f in result.findings if f.rule == "T001"] == ["名单!C12"]
    assert result.findings[0].location.to_dict()["text"] == "名单!C12"
    text = Checker().check_text("第一行\n第二行截止目前")
    assert text[0].location.to_dict()["text"] == "第2行第4字"


def _js_slice(text: str, start: int, end: int) -> str:
    """What JavaScript's ``text.slice(start, end)`` gives (UTF-16 code units)."""
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def test_offsets_utf16_after_emoji_and_astral_characters():
    text = "😀𠀀进度：截止目前已完成。联系电话13907971234，😀截止目前"
    findings = Checker().check_text(text)
    assert findings
    for f in findings:
        o = f.offsets
        assert o is not None and o.scope == "text"
        assert text[o.start:o.end] == f.match
        assert _js_slice(text, o.start_utf16, o.end_utf16) == f.match
    first = findings[0]
    assert (first.offsets.start, first.offsets.start_utf16) == (5, 7)   # two astral characters before it
    last = [f for f in findings if f.rule == "T001"][-1]
    assert last.offsets.start_utf16 - last.offsets.start == 3


def test_offsets_index_the_submitted_text_with_crlf_and_invisible_characters():
    text = "第一行\r\n😀第二行截\u200b止目前\r\n\r\n电话：１３９０７９７１２３４\r\n"
    findings = Checker().check_text(text)
    matches = {f.match: f for f in findings}
    assert "截\u200b止目前" in matches and "１３９０７９７１２３４" in matches
    for f in findings:
        o = f.offsets
        assert o.scope == "text"
        assert text[o.start:o.end] == f.match
        assert _js_slice(text, o.start_utf16, o.end_utf16) == f.match
    typo = matches["截\u200b止目前"].offsets
    assert (typo.start, typo.end) == (text.index("截"), text.index("截") + 5)


def test_segment_offsets_for_files_and_json_contract():
    data = _docx_fixture()
    checker = Checker()
    result = checker.check_bytes(data, "通知.docx")
    report = Report((result,), "test").to_dict()
    jsonschema.validate(report, SCHEMA)
    findings = report["files"][0]["findings"]
    with_offsets = [f for f in findings if f["offsets"]]
    assert with_offsets
    for f in with_offsets:
        assert f["offsets"]["scope"] == "segment"
        assert f["location"]["text"]
    # a paragraph's text as written: the offsets point at the match inside it
    para = next(f for f in findings if f["location"]["text"].startswith("正文第3段“"))
    assert para["offsets"] == {"scope": "segment", "start": 0, "end": 4, "start_utf16": 0, "end_utf16": 4}
    # a web page: offsets into the block's rendered text, with an emoji before the match
    page = "<html><body><p>😀 通知：<b>截止</b>目前已完成</p></body></html>"
    (f,) = [f for f in checker.check_text(page, filename="a.html") if f.rule == "T001"]
    assert f.offsets.scope == "segment"     # the match spans a tag: not written as is in the source
    block = "😀 通知：截止目前已完成"
    assert block[f.offsets.start:f.offsets.end] == "截止目前"
    assert _js_slice(block, f.offsets.start_utf16, f.offsets.end_utf16) == "截止目前"
    (g,) = [g for g in checker.check_text("<p>😀截止目前</p>", filename="a.html") if g.rule == "T001"]
    assert g.offsets.scope == "text" and g.offsets.start_utf16 == 5


def test_json_report_of_text_validates():
    findings = Checker().check_text("😀截止目前\r\n电话13907971234")
    from gkcheck.model import FileResult

    report = Report((FileResult("<text>", "text", "ok", None, tuple(findings)),), "test").to_dict()
    jsonschema.validate(report, SCHEMA)
    assert report["files"][0]["findings"][0]["offsets"] == {
        "scope": "text", "start": 1, "end": 5, "start_utf16": 2, "end_utf16": 6}


@pytest.mark.parametrize("value", ["13907971234", "110101199003074514", "zhangsan@example.com"])
def test_quotes_never_show_personal_data(value):
    page = f"<html><body><p>{value} 截止目前</p></body></html>"
    (f,) = [f for f in Checker().check_text(page, filename="a.html") if f.rule == "T001"]
    assert value not in f.location.describe()
    assert value not in f.to_dict()["location"]["text"]


def test_http_check_offsets_index_the_posted_text(tmp_path):
    import httpx

    from .live_server import running_server

    text = "😀通知\r\n各单位：\r\n截止目前已完成，联系电话13907971234。\r\n"
    with running_server(tmp_path) as base:
        report = httpx.post(base + "/v1/check", json={"text": text}, timeout=60).json()
    jsonschema.validate(report, SCHEMA)
    findings = report["files"][0]["findings"]
    assert {f["rule"] for f in findings} >= {"T001", "P002"}
    for f in findings:
        o = f["offsets"]
        assert o["scope"] == "text"
        assert text[o["start"]:o["end"]] == f["match"]
        assert _js_slice(text, o["start_utf16"], o["end_utf16"]) == f["match"]   # text.slice() in a browser
        assert f["location"]["text"] == f"第{f['location']['line']}行第{f['location']['column']}字"


def test_html_text_offsets_index_the_source_with_crlf():
    page = "<html>\r\n<body><p>😀截止目前</p>\r\n<p>&nbsp;截止目前</p></body></html>"
    findings = [f for f in Checker().check_text(page, filename="a.html") if f.rule == "T001"]
    assert [f.location.describe() for f in findings] == ["正文第1段“😀截止目前”", "正文第2段“截止目前”"]
    for f in findings:
        assert f.offsets.scope == "text"
        assert _js_slice(page, f.offsets.start_utf16, f.offsets.end_utf16) == "截止目前"


def test_advice_is_not_taken_for_a_ledger_fingerprint():
    (f,) = Checker().check_text("电话13907971234")
    assert f.fingerprint is None and f.ledger_state is None and f.advice
    assert "fingerprint" not in f.to_dict()
