"""Privacy detector: one table of (text, expected spans) per kind, validators, tables, masking."""

from __future__ import annotations

from datetime import date

import pytest

from gkcheck.detectors.idcard import (division_status, id15_problem, id18_problem, id_check_char,
                                      is_org_code, is_uscc, luhn_ok)
from gkcheck.detectors.privacy import scan
from gkcheck.masking import DEFAULT_POLICY, MaskPolicy, mask_text, mask_value
from gkcheck.model import Document, Location, Segment, Table

from .conftest import FIXED_TODAY

ID = "36070219900307451X"       # 章贡区, 1990-03-07, valid check character
ID2 = "360721198506120025"      # 赣县 (code retired 2016), still a valid ID
CARD = "6222021234567890128"    # Luhn-valid UnionPay


def spans(text: str) -> list[tuple[str, str]]:
    return [(c.kind, c.value) for c in scan(text, FIXED_TODAY)]


# (text, expected (kind, value) pairs) — presidio style: the empty list is a look-alike.
CASES = [
    # identity numbers
    (f"身份证号：{ID}", [("id", ID)]),
    (f"{ID2} 赣县区", [("id", ID2)]),
    (f"身份证号：{ID.lower()}", [("id", ID.lower())]),
    ("身份证号：360702 19900307 451X", [("id", "360702 19900307 451X")]),
    ("身份证号：３６０７０２１９９００３０７４５１Ｘ", [("id", "３６０７０２１９９００３０７４５１Ｘ")]),
    ("身份证号：360702199003074512", []),                     # wrong check digit
    ("订单号 123607004913781060", []),                        # all-digit 统一社会信用代码
    ("统一社会信用代码：91360702MA35F1234A", []),
    (f"A{ID}", []),                                           # inside a longer code
    (f"9{ID}", []),
    ("360702202701011238", []),                               # born in the future (and bad check)
    ("身份证号码：360721850612002", [("id15", "360721850612002")]),
    ("编号：360721850612002", []),                            # 15 digits without a label
    # masked and under-masked
    ("360702********451X", []),
    ("3607021990****451X", []),                               # year only: accepted, documented
    ("36070219900307****", [("id", "36070219900307****")]),
    ("139****1234", []),
    ("138××××5678 360702××××××××451X", []),
    ("1390797×234", [("mobile", "1390797×234")]),
    ("1390797*234", [("mobile", "1390797*234")]),
    # mobiles
    ("电话 13907971234。", [("mobile", "13907971234")]),
    ("+86 139 0797 1234", [("mobile", "+86 139 0797 1234")]),
    ("008613907971234", [("mobile", "008613907971234")]),
    ("139-0797-1234", [("mobile", "139-0797-1234")]),
    ("流水号 2024013907971234567", []),
    ("金额 13907971234.50 元", []),
    ("咨询电话：0797-8123456、13907971234", []),
    ("联系人：李科长，联系电话：13907971234", []),
    ("赣州市民政局社会救助科，联系电话：13907971234", []),
    ("低保户李某，联系电话 13907971234", [("mobile", "13907971234")]),
    ("12345 12315 110 0797-12345", []),
    ("全年完成投资 15000000000 元，服务 13800138000 人次", []),
    ("金额：￥13907971234", []),
    ("http://www.ganzhou.gov.cn/c100022/202401/13907971234.shtml", []),
    ("见 www.ganzhou.gov.cn/art/36070219900307451X.html", []),
    ("项目编号：GZ-2024-13907971234", []),
    ("村党支部书记张三，联系电话：13907971234", []),
    ("网格员李四 13907971234", [("mobile", "13907971234")]),
    # landlines
    ("当事人刘某，家庭电话：0797-8123456", [("landline", "0797-8123456")]),
    ("监督电话：0797-8123456", []),
    ("办公电话（0797）8123456", []),
    # bank cards
    (f"银行卡号：{CARD}", [("bank", CARD)]),
    (f"开户账号 6222 0212 3456 7890 128", [("bank", "6222 0212 3456 7890 128")]),
    (f"订单号：{CARD}", []),
    ("银行卡号：6222021234567890127", []),                     # Luhn fails
    ("户名：赣州市财政局，账号：1508200109000012345", []),
    ("交易金额 6,222,021,234.56 元", []),
    # passports
    ("护照号码：E12345678", [("passport", "E12345678")]),
    ("往来港澳通行证 C12345678", [("passport", "C12345678")]),
    ("设备型号 E12345678", []),
    # e-mail
    ("申请人：张三，邮箱：zhangsan1990@163.com", [("email", "zhangsan1990@163.com")]),
    ("投稿邮箱：gzrb_tougao@163.com", []),
    ("申请人可发送至 zwgk@ganzhou.gov.cn", []),
    # addresses
    ("住址：江西省赣州市章贡区红旗大道18号3栋2单元501室。",
     [("address", "江西省赣州市章贡区红旗大道18号3栋2单元501室")]),
    ("家庭住址：章贡区水东镇七里村", []),
    ("联系地址：赣州市章贡区长征大道1号", []),
    # dates and amounts
    ("2024年1月15日，20240115，2024-01-15 09:30:00，金额 1,234,567.89 元", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:24] for c in CASES])
def test_scan(text, expected):
    assert spans(text) == expected


def test_validators():
    assert id_check_char(ID[:17]) == "X"
    assert id18_problem(ID, FIXED_TODAY) is None
    assert id18_problem(ID2, FIXED_TODAY) is None
    assert id18_problem("990702199003074518", FIXED_TODAY) == "地址码不存在" or \
        id18_problem("990702199003074518", FIXED_TODAY) == "校验码不对"
    assert id15_problem("360721850612002", FIXED_TODAY) is None
    assert id15_problem("360721851312002", FIXED_TODAY) == "出生日期无效"
    assert division_status("360721") == "known"          # retired in 2016
    assert division_status("360799") == "prefecture"
    assert division_status("990101") is None
    assert is_uscc("91350100M000100Y43") and not is_uscc("91350100M000100Y44")
    assert is_org_code("M000100Y-4")
    assert luhn_ok(CARD) and not luhn_ok("6222021234567890127")


def test_birth_date_relative_to_today():
    base = "36070220260101123"
    future = base + id_check_char(base)
    assert id18_problem(future, date(2026, 11, 22)) is None
    assert id18_problem(future, date(2025, 12, 31)) == "出生日期无效"


def test_faker_ids_and_phones_are_all_found():
    faker = pytest.importorskip("faker").Faker("zh_CN")
    faker.seed_instance(3)
    for _ in range(300):
        ssn, phone = faker.ssn(), faker.phone_number()
        text = f"{faker.name()}，身份证号 {ssn}，手机 {phone}。"
        assert spans(text) == [("id", ssn), ("mobile", phone)], text


# -- masking ------------------------------------------------------------------------------------

def test_mask_text_default_policy():
    text = f"申请人张某，身份证号：{ID}，电话 13907971234，卡号：{CARD}"
    masked, items = mask_text(text, today=FIXED_TODAY)
    assert masked == "申请人张某，身份证号：360702********451X，电话 139****1234，卡号：***************0128"
    assert [m.kind for m in items] == ["id", "mobile", "bank"]
    assert items[0].original == ID and text[items[0].start:items[0].end] == ID


def test_mask_text_policy_and_under_masked():
    policy = MaskPolicy(id=(3, 1), mobile=(0, 4))
    masked, _ = mask_text(f"{ID} 13907971234 36070219900307****", policy)
    assert masked == "360**************X *******1234 360***************"
    assert mask_text("360702********451X 139****1234")[1] == []
    assert DEFAULT_POLICY.id == (6, 4) and DEFAULT_POLICY.mobile == (3, 4) and DEFAULT_POLICY.bank == (0, 4)


def test_mask_value_keeps_old_signature():
    assert mask_value("abcdefgh") == "ab****gh"
    assert mask_value("13907971234", 3, 4) == "139****1234"
    assert mask_value("139-0797-1234") == "139-****-1234"
    assert mask_value(ID) == "360702********451X"
    assert mask_value("") == ""


# -- tables -------------------------------------------------------------------------------------

def _csv_findings(checker, text: str, name: str = "名单.csv", expand: bool = True):
    """Privacy findings of a CSV; ``expand``: one per cell even in a summarised column (these
    tests are about detection; folding is tested in test_folding.py and below)."""
    result = checker.check_bytes(text.encode("utf-8"), name, expand_columns=expand)
    assert result.status == "ok", result.error
    return [f for f in result.findings if f.category == "privacy"]


def test_csv_list_column_summary_and_cells(checker):
    faker = pytest.importorskip("faker").Faker("zh_CN")
    faker.seed_instance(7)
    rows = ["序号,姓名,身份证号码,联系电话,银行账号,家庭住址,统一社会信用代码,订单号,金额"]
    people = []
    for i in range(1, 31):
        ssn, phone = faker.ssn(), faker.phone_number()
        people.append((ssn, phone))
        rows.append(f"{i},{faker.name()},{ssn},{phone},1508200109{i:09d},章贡区红旗大道{i}号,"
                    f"123607004913781060,2024011500{i:08d},{i * 1000}.00")
    findings = _csv_findings(checker, "\n".join(rows))
    summaries = [f for f in findings if f.rule == "P009"]
    by_message = {f.message.split("：")[0]: f for f in summaries}
    assert set(by_message) == {"C2:C31", "D2:D31", "E2:E31", "F2:F31"}
    assert by_message["C2:C31"].message == "C2:C31：30 个未脱敏的身份证号码"
    assert by_message["C2:C31"].severity == "error"
    assert by_message["C2:C31"].location.cell == "C2:C31"
    cells = [f for f in findings if f.rule != "P009"]
    assert {f.match for f in cells if f.rule == "P001"} == {p[0] for p in people}
    assert {f.match for f in cells if f.rule == "P002"} == {p[1] for p in people}
    assert len([f for f in cells if f.rule == "P003"]) == 30
    assert len([f for f in cells if f.rule == "P006"]) == 30
    assert all(f.severity == "warning" for f in cells)       # the column summary carries the error
    assert not [f for f in cells if f.location.cell[0] in "GHI"]  # credit codes, orders, amounts
    # by default the cells are folded into their column's P009 (docs/privacy.md)
    folded = _csv_findings(checker, "\n".join(rows), expand=False)
    assert {f.location.cell: f.cells for f in folded if f.rule == "P009"}["C2:C31"] == tuple(f"C{r}" for r in range(2, 32))
    assert [f for f in folded if f.rule != "P009"] == []


def test_csv_fifteen_digit_ids_and_under_masked_column(checker):
    text = ("姓名,身份证号\n张三,360721850612002\n李四,36070219900307****\n王五,360702********451X\n"
            "赵六,3607021990030745*X")
    findings = _csv_findings(checker, text)
    got = sorted((f.rule, f.match) for f in findings if f.rule != "P009")
    assert got == [("P001", "360721850612002"), ("P008", "36070219900307****"), ("P008", "3607021990030745*X")]
    summary = [f for f in findings if f.rule == "P009"]
    assert summary[0].message == "B2:B5：1 个未脱敏的身份证号码，2 个脱敏不足的身份证号码"


def test_csv_properly_masked_list_is_clean(checker):
    text = "姓名,身份证号码,联系电话\n张*,360702********451X,139****1234\n李*,360721********0025,138****5678"
    assert _csv_findings(checker, text) == []


def test_csv_office_directory_is_not_personal(checker):
    text = "单位名称,联系人,联系电话\n赣州市民政局,刘科长,13907971234\n赣州市财政局,王科长,0797-8123456"
    assert _csv_findings(checker, text) == []


def test_staff_directory_is_not_personal(checker):
    text = "姓名,职务,联系电话\n张三,村党支部书记,13907971234\n李四,村委会主任,13807975678"
    assert _csv_findings(checker, text) == []


def test_single_finding_column_has_no_summary(checker):
    text = f"姓名,身份证号码\n张三,{ID}\n李四,360721********0025"
    findings = _csv_findings(checker, text)
    assert [(f.rule, f.severity) for f in findings] == [("P001", "error")]


def test_hidden_column_and_hidden_sheet_are_named(checker):
    segs = [
        Segment("姓名", Location(sheet="名单", cell="A1"), kind="cell"),
        Segment("身份证号码", Location(sheet="名单", cell="B1", hidden="隐藏列"), kind="cell"),
        Segment("张三", Location(sheet="名单", cell="A2"), kind="cell"),
        Segment(ID, Location(sheet="名单", cell="B2", hidden="隐藏列"), kind="cell"),
        Segment("李四", Location(sheet="名单", cell="A3"), kind="cell"),
        Segment(ID2, Location(sheet="名单", cell="B3", hidden="隐藏列"), kind="cell"),
        Segment(f"备注：王五 13907971234", Location(sheet="底稿", cell="A1", hidden="隐藏工作表"), kind="cell"),
    ]
    table = Table("名单!A1:B3", ((0, 1), (2, 3), (4, 5)), hidden_cols=frozenset({1}))
    doc = Document("名单.xlsx", "xlsx", tuple(segs), tables=(table,))
    findings = [f for f in checker.check_document(doc, expand_columns=True) if f.category == "privacy"]
    msgs = {(f.rule, f.match): f.message for f in findings}
    assert msgs[("P001", ID)].endswith("（位于隐藏列）")
    assert msgs[("P002", "13907971234")].endswith("（位于隐藏工作表）")
    summary = [f for f in findings if f.rule == "P009"][0]
    assert summary.location.sheet == "名单" and summary.location.cell == "B2:B3"
    assert summary.message == "B2:B3：2 个未脱敏的身份证号码（位于隐藏列）"


def test_reporters_mask_the_match(checker):
    from gkcheck.reporters import shown_context, shown_match

    finding = checker.check_text(f"申请人张某，身份证号：{ID}")[0]
    assert finding.match == ID                       # JSON keeps the value as written
    assert shown_match(finding) == "360702********451X"
    assert ID not in shown_context(finding)


def test_ignoring_the_summary_keeps_cell_severity():
    from gkcheck import Checker, Config

    checker = Checker(Config(ignore=("P009",)), today=lambda: FIXED_TODAY)
    text = f"姓名,身份证号码\n张三,{ID}\n李四,{ID2}"
    findings = _csv_findings(checker, text)
    assert [(f.rule, f.severity) for f in findings] == [("P001", "error"), ("P001", "error")]


def test_header_below_a_title_row_and_other_column_kinds(checker):
    text = ("2024年第一季度出境人员名单,,,\n"
            "填报单位：某某局,,,\n"
            "姓名,护照号码,电子邮箱,身份证号\n"
            "张三,E12345678,zhangsan@163.com,360721850612002\n"
            "李四,E87654321,lisi@qq.com,360721********0025\n")
    findings = _csv_findings(checker, text)
    got = sorted((f.rule, f.match) for f in findings if f.rule != "P009")
    assert got == [("P001", "360721850612002"), ("P004", "E12345678"), ("P004", "E87654321"),
                   ("P005", "lisi@qq.com"), ("P005", "zhangsan@163.com")]
    summaries = sorted(f.message for f in findings if f.rule == "P009")
    assert summaries == ["B4:B5：2 个未脱敏的护照或通行证号码", "C4:C5：2 个未脱敏的个人电子邮箱"]


def test_masked_text_scans_clean():
    faker = pytest.importorskip("faker").Faker("zh_CN")
    faker.seed_instance(5)
    lines = [f"申请人{faker.name()}，身份证号：{faker.ssn()}，手机 {faker.phone_number()}，"
             f"银行卡号：{CARD}，住址：章贡区红旗大道{i}号{i}栋，邮箱 a{i}@qq.com，"
             f"家庭电话 0797-812345{i % 10}，护照号码：E1234567{i % 10}" for i in range(50)]
    lines.append("身份证号 36070219900307****，电话 1390797*234")
    text = "\n".join(lines)
    masked, items = mask_text(text, today=FIXED_TODAY)
    assert len(items) == 50 * 7 + 2
    assert scan(masked, FIXED_TODAY) == []
    assert masked.count("\n") == text.count("\n")
