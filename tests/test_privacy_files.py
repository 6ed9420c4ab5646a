"""Realistic 公示 lists in every format: leaks in visible cells, hidden columns, hidden sheets,
footers, comments and HTML comments, with look-alikes next to them. Every leak must be found and
no look-alike reported. Formats whose reader has not landed yet are skipped until it does."""

from __future__ import annotations

import io

import pytest

faker_mod = pytest.importorskip("faker")

USCC = "123607004913781060"           # all-digit 统一社会信用代码 (valid check character)
ORDER = "20240115000012345678"
MASKED = ("360702********451X", "139****1234", "张*")
OFFICE = "监督电话：0797-8123456，政务服务便民热线 12345"


@pytest.fixture
def checker():
    """One finding per cell even in a column P009 summarises: these tests are about what is
    found in each cell (folding: test_folding.py)."""
    from gkcheck.checker import Checker
    from gkcheck.config import Config

    from .conftest import FIXED_TODAY

    return Checker(Config(expand_columns=True), today=lambda: FIXED_TODAY)


def people(n: int, seed: int):
    fake = faker_mod.Faker("zh_CN")
    fake.seed_instance(seed)
    return [(fake.name(), fake.ssn(), fake.phone_number()) for _ in range(n)]


def privacy(result):
    assert result.status == "ok", result.error
    return [f for f in result.findings if f.category == "privacy"]


def assert_no_lookalike(findings):
    shown = " ".join(f.match for f in findings)
    for value in (USCC, ORDER, "0797-8123456", "12345", *MASKED):
        assert value not in shown.split(), value


def test_csv_list(checker):
    rows = ["序号,姓名,身份证号码,联系电话,统一社会信用代码,订单号,补贴金额（元）,备注"]
    ppl = people(20, 11)
    for i, (name, ssn, phone) in enumerate(ppl, 1):
        rows.append(f"{i},{name},{ssn},{phone},{USCC},{ORDER},1,200.00,")
    rows.append(f"21,张*,{MASKED[0]},{MASKED[1]},{USCC},{ORDER},800.00,{OFFICE}")
    findings = privacy(checker.check_bytes("\n".join(rows).encode("utf-8"), "名单.csv"))
    assert {f.match for f in findings if f.rule == "P001"} == {p[1] for p in ppl}
    assert {f.match for f in findings if f.rule == "P002"} == {p[2] for p in ppl}
    assert_no_lookalike(findings)


def test_text_notice_with_footer(checker):
    ppl = people(5, 12)
    lines = ["关于2024年第一季度城乡低保对象的公示", ""]
    lines += [f"{i}. {name}，身份证号：{ssn}，联系电话：{phone}" for i, (name, ssn, phone) in enumerate(ppl, 1)]
    lines += [f"6. 张*，身份证号：{MASKED[0]}，联系电话：{MASKED[1]}",
              f"申报单位统一社会信用代码：{USCC}，订单号：{ORDER}",
              "公示期：2024年1月15日至2024年1月22日。", OFFICE,
              "联系人：李科长，联系电话：13907971234"]
    findings = privacy(checker.check_bytes("\n".join(lines).encode("utf-8"), "公示.txt"))
    assert sorted(f.match for f in findings) == sorted([p[1] for p in ppl] + [p[2] for p in ppl])
    assert_no_lookalike(findings)


def _xlsx_bytes(ppl, hidden_ppl):
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["序号", "姓名", "身份证号码", "联系电话", "统一社会信用代码", "金额"])
    for i, (name, ssn, phone) in enumerate(ppl, 1):
        ws.append([i, name, ssn, phone, USCC, 1200.5])
    ws.append([len(ppl) + 1, MASKED[2], MASKED[0], MASKED[1], USCC, 800])
    ws.column_dimensions["C"].hidden = True                      # the ID column is hidden
    ws["B2"].comment = Comment(f"核实电话 {hidden_ppl[0][2]}", "审核人")
    ws.oddFooter.center.text = OFFICE
    draft = wb.create_sheet("底稿")
    draft.append(["姓名", "身份证号码"])
    for name, ssn, _ in hidden_ppl:
        draft.append([name, ssn])
    draft.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_hidden_column_sheet_and_comment(checker):
    pytest.importorskip("gkcheck.readers.xlsx")
    ppl, hidden_ppl = people(12, 13), people(4, 14)
    findings = privacy(checker.check_bytes(_xlsx_bytes(ppl, hidden_ppl), "名单.xlsx"))
    ids = {f.match: f for f in findings if f.rule == "P001"}
    assert set(ids) == {p[1] for p in ppl} | {p[1] for p in hidden_ppl}
    assert all("位于" in ids[p[1]].message for p in ppl + hidden_ppl)   # hidden column / hidden sheet
    phones = {f.match for f in findings if f.rule == "P002"}
    assert {p[2] for p in ppl} | {hidden_ppl[0][2]} <= phones
    assert any(f.rule == "P009" and f.location.sheet == "名单" for f in findings)
    assert_no_lookalike(findings)


def _docx_bytes(ppl):
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = docx.Document()
    doc.add_paragraph("关于困难群众临时救助的公示")
    doc.add_paragraph(f"申请人{ppl[0][0]}，身份证号：{ppl[0][1]}，联系电话：{ppl[0][2]}。")
    doc.add_paragraph(f"申报单位统一社会信用代码：{USCC}。{OFFICE}")
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("姓名", "身份证号码", "联系电话")):
        cell.text = text
    for name, ssn, phone in ppl[1:4]:
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = name, ssn, phone
    row = table.add_row().cells
    row[0].text, row[1].text, row[2].text = MASKED[2], MASKED[0], MASKED[1]
    doc.sections[0].footer.paragraphs[0].text = f"经办人手机 {ppl[4][2]}，身份证号 {ppl[4][1]}"
    para = doc.add_paragraph("修订前的名单：")
    para._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="张三" w:date="2024-01-15T00:00:00Z">'
                             f'<w:r><w:delText>{ppl[5][1]}</w:delText></w:r></w:del>'))
    commented = doc.add_paragraph("以上名单已经村民代表会议评议。")
    if hasattr(doc, "add_comment"):
        doc.add_comment(commented.runs, text=f"申请人电话 {ppl[6][2]}", author="审核人")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_docx_body_table_footer_tracked_deletion(checker):
    pytest.importorskip("gkcheck.readers.docx")
    ppl = people(7, 15)
    data = _docx_bytes(ppl)
    findings = privacy(checker.check_bytes(data, "公示.docx"))
    ids = {f.match: f for f in findings if f.rule == "P001"}
    assert {p[1] for p in ppl[:6]} <= set(ids)
    assert "位于" in ids[ppl[5][1]].message             # tracked deletion
    phones = {f.match for f in findings if f.rule == "P002"}
    assert {p[2] for p in ppl[:5]} <= phones
    assert_no_lookalike(findings)


HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>公示</title></head><body>
<h1>2024年第一季度低保对象公示</h1>
<table><tr><th>姓名</th><th>身份证号码</th><th>联系电话</th></tr>
{rows}
<tr><td>张*</td><td>360702********451X</td><td>139****1234</td></tr></table>
<!-- 原始名单：{c_name} {c_ssn} {c_phone} -->
<div style="display:none">备用联系人 {h_name} 手机 {h_phone}</div>
<p>申报单位统一社会信用代码：123607004913781060，订单号：20240115000012345678</p>
<div class="footer">监督电话：0797-8123456，政务服务便民热线 12345</div>
</body></html>"""


def test_html_table_comment_hidden_element(checker):
    pytest.importorskip("gkcheck.readers.html")
    ppl = people(6, 16)
    rows = "\n".join(f"<tr><td>{n}</td><td>{s}</td><td>{p}</td></tr>" for n, s, p in ppl[:4])
    page = HTML.format(rows=rows, c_name=ppl[4][0], c_ssn=ppl[4][1], c_phone=ppl[4][2],
                       h_name=ppl[5][0], h_phone=ppl[5][2])
    findings = privacy(checker.check_bytes(page.encode("utf-8"), "gs.html"))
    assert {f.match for f in findings if f.rule == "P001"} == {p[1] for p in ppl[:5]}
    assert {f.match for f in findings if f.rule == "P002"} == {p[2] for p in ppl[:6]}
    hidden = [f for f in findings if f.match in (ppl[4][1], ppl[5][2])]
    assert all("位于" in f.message for f in hidden)
    assert_no_lookalike(findings)
