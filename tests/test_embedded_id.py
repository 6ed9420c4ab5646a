"""ID numbers inside longer official numbers (issue 12, defect 8): 残疾人证号 (ID + category +
grade), 学籍号 (G + ID) and numbers after a label are reported (P010) and masked, and a copy that
still shows one is never taken for a masked copy."""

from __future__ import annotations

import io

import pytest

from gkcheck import Checker
from gkcheck.detectors.privacy import scan
from gkcheck.masking import mask_text, mask_value
from gkcheck.masking.files import mask_bytes, privacy_checker

from .conftest import FIXED_TODAY

ID = "360702199001011232"          # valid check character
DISABILITY = ID + "11"               # 残疾人证号: 视力残疾一级
STUDENT = "G360702200809151233"      # 学籍号: G + ID


def kinds(text: str) -> list[tuple[str, str, str | None]]:
    return [(c.kind, c.value, c.severity) for c in scan(text, FIXED_TODAY)]


@pytest.mark.parametrize("text, expected", [
    (f"户主李四为残疾人，残疾证号{DISABILITY}", [("idcode", DISABILITY, None)]),
    (f"{DISABILITY} 肢体", [("idcode", DISABILITY, None)]),                   # the shape alone
    (f"学籍号：{STUDENT}", [("idcode", STUDENT, None)]),
    (f"居住证号码 {ID}01", [("idcode", ID + "01", None)]),                     # after a label
    (f"老年人优待证号：{ID}0012", [("idcode", ID + "0012", None)]),
    (f"编号 {ID}99", [("idcode", ID + "99", "warning")]),                      # no label: a warning
    ("残疾证号 36070219900101123511", []),                                   # the ID part is not valid
    ("订单编号 20240315123456789012", []),
    ("流水号 2024031512345678901234", []),                                   # 22 digits, no valid ID
    (f"A{ID}", []),                                                          # a code with a letter in front
    (f"{ID}12345", []),                                                      # too long to be a 证号
    (f"统一社会信用代码 {ID}01", []),
    (f"身份证号 {ID}", [("id", ID, None)]),                                   # a plain ID stays P001
])
def test_scan(text, expected):
    assert kinds(text) == expected


def test_mask_keeps_the_number_around_the_masked_id():
    assert mask_value(DISABILITY, kind="idcode") == "360702********123211"
    assert mask_value(STUDENT, kind="idcode") == "G360702********1233"
    out, masked = mask_text(f"残疾证号{DISABILITY}，学籍号{STUDENT}", today=FIXED_TODAY)
    assert out == "残疾证号360702********123211，学籍号G360702********1233"
    assert [m.kind for m in masked] == ["idcode", "idcode"]


@pytest.mark.parametrize("shown", ["3607021990010112****", "36070219900101**3211"])
def test_a_copy_that_still_shows_the_id_is_reported(shown):
    """What the re-check of ``gkcheck mask`` runs on a copy: the ID inside still shown in full (the
    category masked, or only the sequence) is found."""
    found = [(f.rule, f.match) for f in privacy_checker().check_text(f"残疾证号{shown}") if f.category == "privacy"]
    assert found and found[0][1] == shown


def test_masked_disability_number_is_not_reported():
    assert kinds("残疾证号 360702********123211") == []


def _hidden_sheet_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "公示"
    ws["A1"], ws["B1"] = "户主", "救助金额"
    ws["A2"], ws["B2"] = "李四", "3000 元"
    draft = wb.create_sheet("底册")
    draft["A1"] = f"户主李四为残疾人，残疾证号{DISABILITY}"
    draft.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_issue_case_hidden_sheet_found_masked_and_the_copy_is_clean():
    checker = Checker(today=lambda: FIXED_TODAY)
    data = _hidden_sheet_xlsx()
    result = checker.check_bytes(data, "名单.xlsx")
    p010 = [f for f in result.findings if f.rule == "P010"]
    assert [(f.match, f.severity, f.location.sheet, f.location.cell) for f in p010] == \
        [(DISABILITY, "error", "底册", "A1")]
    assert "隐藏" in p010[0].message
    masked = mask_bytes(data, "名单.xlsx", checker=privacy_checker())
    assert [(i.rule, i.kind, i.masked) for i in masked.items] == [("P010", "idcode", "360702********123211")]
    again = checker.check_bytes(masked.data, "名单.xlsx")
    assert [f for f in again.findings if f.category == "privacy"] == []


def test_docx_paragraph_is_masked():
    from docx import Document

    doc = Document()
    doc.add_paragraph(f"经审核，申请人王五（学籍号{STUDENT}）符合资助条件。")
    buf = io.BytesIO()
    doc.save(buf)
    masked = mask_bytes(buf.getvalue(), "资助.docx")
    assert [i.rule for i in masked.items] == ["P010"]
    text = "\n".join(p.text for p in Document(io.BytesIO(masked.data)).paragraphs)
    assert "G360702********1233" in text and STUDENT not in text


def test_id_column_header_covers_disability_numbers():
    checker = Checker(today=lambda: FIXED_TODAY)
    rows = "\n".join(f"张{i},{n}" for i, n in enumerate([DISABILITY, "36072119850612002542"]))
    findings = checker.check_text(f"姓名,残疾人证号\n{rows}", filename="名单.csv")
    assert [f.rule for f in findings if f.category == "privacy"].count("P010") == 2
