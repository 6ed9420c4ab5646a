"""Format checks F001-F005: 发文字号, paired, stacked and half-width punctuation, page metadata."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gkcheck import Checker, Config
from gkcheck.detectors.format import REQUIRED_META
from gkcheck.model import Document, Location, Segment

TODAY = date(2026, 11, 22)
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


@pytest.fixture(scope="module")
def fmt() -> Checker:
    return Checker(Config(select=("format",)), today=lambda: TODAY)


def found(checker, text, rule=None):
    return [(f.rule, f.match) for f in checker.check_text(text) if rule is None or f.rule == rule]


# -- F001 发文字号 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,match,suggestion", [
    ("国办发[2017]47号", "国办发[2017]47号", "国办发〔2017〕47号"),
    ("按照国办发【2017】47号要求", "国办发【2017】47号", "国办发〔2017〕47号"),
    ("赣府厅发（2019）8号", "赣府厅发（2019）8号", "赣府厅发〔2019〕8号"),
    ("赣府厅发(2019)8号", "赣府厅发(2019)8号", "赣府厅发〔2019〕8号"),
    ("国办发〔2017〕第47号", "国办发〔2017〕第47号", "国办发〔2017〕47号"),
    ("国办发〔2017〕047号", "国办发〔2017〕047号", "国办发〔2017〕47号"),
])
def test_doc_number(fmt, text, match, suggestion):
    (f,) = [f for f in fmt.check_text(text) if f.rule == "F001"]
    assert (f.match, f.suggestion) == (match, suggestion)


@pytest.mark.parametrize("text", [
    "国办发〔2017〕47号", "（赣府厅发〔2019〕8号）", "（2023）赣07民终123号", "（2023）1号楼",
    "《三年行动方案（2023-2025年）》", "国务院令第711号", "附件（2023）",
])
def test_doc_number_near_misses(fmt, text):
    assert found(fmt, text, "F001") == []


# -- F002 paired punctuation --------------------------------------------------------------------------

@pytest.mark.parametrize("text,match", [
    ("认真学习《中华人民共和国政府信息公开条例。", "《"),
    ("认真学习中华人民共和国政府信息公开条例》。", "》"),
    ("他强调：“要抓好问题整改。", "“"),
    ("开展“政府开放日活动。", "“"),
    ("主要问题（详见附件。", "（"),
    ("【工作动态", "【"),
])
def test_unpaired(fmt, text, match):
    assert found(fmt, text, "F002") == [("F002", match)]


@pytest.mark.parametrize("text", [
    "认真学习《中华人民共和国政府信息公开条例》。",
    "他指出：“第一段内容。\n“第二段内容。\n\n“第三段内容。”",       # GB/T 15834 4.1.3.4
    "“依法登记，具有法人资格；",                                    # a paragraph of a long quotation
    "根据《江西省人民政府办公厅关于\n推进政务新媒体健康有序发展的实施意见》要求",  # hard-wrapped
    "1）完善工作机制。\n2）强化责任落实。",
    "一）完善工作机制。",
    "当前位置：首页 》 政务公开 》 通知公告",
    "关于印发《信丰县2023年政务公开工作…",
    "It’s a test.",
    "‘两个确立’和“两个维护”",
])
def test_paired_near_misses(fmt, text):
    assert found(fmt, text, "F002") == []


def test_meta_values_are_not_checked_for_pairs(fmt):
    doc = Document("p.html", "html", (Segment("《关于印发某某的通", kind="meta", name="Description"),))
    assert [f.rule for f in fmt.check_document(doc) if f.rule == "F002"] == []


# -- F003 stacked punctuation -------------------------------------------------------------------------

@pytest.mark.parametrize("text,match", [
    ("各单位，，要认真落实。", "，，"), ("工作已完成。。", "。。"), ("一是加强领导；；", "；；"),
    ("县自然资源局、、县林业局", "、、"), ("已完成，。", "，。"),
])
def test_stacked(fmt, text, match):
    assert found(fmt, text, "F003") == [("F003", match)]


@pytest.mark.parametrize("text", ["等等……", "政务公开——基层实践", "“两个维护”，", "（一）。"])
def test_stacked_near_misses(fmt, text):
    assert found(fmt, text, "F003") == []


# -- F004 half-width punctuation ----------------------------------------------------------------------

@pytest.mark.parametrize("text,match,suggestion", [
    ("各镇人民政府,区政府各部门", ",", "，"),
    ("联系人:陈红梅", ":", "："),
    ("邮箱;区大数据中心", ";", "；"),
    ("是否完成?请核实", "?", "？"),
    ("(一)信息公开检查情况", "(一)", "（一）"),
    ("各部门(单位)负责", "(单位)", "（单位）"),
])
def test_half_width(fmt, text, match, suggestion):
    (f,) = [f for f in fmt.check_text(text) if f.rule == "F004"]
    assert (f.match, f.suggestion) == (match, suggestion)


@pytest.mark.parametrize("text", [
    "共收到1,000件", "上午10:30开会", "网址：http://www.gov.cn/a,b;c?x=1", "完成比例(%)",
    "Hello, world: ok?", "邮箱：zgqxxh@126.com;区大数据中心", "附件1(PDF)", "电话:8199926",
    "(2023)年度", "比例为1:2",
])
def test_half_width_near_misses(fmt, text):
    assert found(fmt, text, "F004") == []


# -- F005 page metadata ---------------------------------------------------------------------------------

ARTICLE = "为进一步加强政府网站管理，提升政府网站服务能力，现就有关事项通知如下。" * 8


def _page(meta: dict[str, str], body: str = ARTICLE, kind: str = "html") -> Document:
    return Document("page.html", kind, (Segment(body, Location(line=30, column=1)),), meta=meta)


def _f005(checker, doc):
    return [f for f in checker.check_document(doc) if f.rule == "F005"]


def test_missing_meta(fmt):
    (hit,) = _f005(fmt, _page({"SiteName": "信丰县人民政府", "PubDate": "2024-01-12"}))
    assert hit.severity == "info"
    assert hit.match == "SiteDomain、SiteIDCode、ColumnName、ColumnType、ArticleTitle、ContentSource"
    full = {k: "x" for k in REQUIRED_META}
    assert _f005(fmt, _page(full)) == []
    assert _f005(fmt, _page({k.lower(): "x" for k in REQUIRED_META})) == []   # names are case-insensitive


def test_meta_only_for_html_articles(fmt):
    assert _f005(fmt, _page({}, kind="text")) == []
    assert _f005(fmt, _page({}, body="首页 政务公开 通知公告")) == []        # a navigation page


# -- the real reports -------------------------------------------------------------------------------------

@pytest.mark.skipif(not SAMPLES.is_dir(), reason="samples not available")
@pytest.mark.parametrize("name", ["ganzhou-monthly-2024-01.txt", "xinfeng-supervision-2024-01.txt",
                                  "zhanggong-inspection-2022-10.txt"])
def test_samples_have_only_half_width_findings(fmt, name):
    # the reports' real problems are half-width , : ; ( ) between Chinese characters; nothing else
    result = fmt.check_file(SAMPLES / name)
    assert result.status == "ok"
    assert {f.rule for f in result.findings} <= {"F004"}
    for f in result.findings:
        assert f.match[0] in ",:;(" and f.context


def test_a_large_document(fmt):
    # every line's three problems are found (speed is measured in benchmarks/, not here)
    text = "按照国办发[2017]47号要求,各部门(单位)要学习《条例》，“两个维护”。\n" * 20000
    findings = fmt.check_text(text)
    assert sum(f.rule == "F001" for f in findings) == 20000
    (summary,) = [f for f in findings if f.rule == "F004"]
    assert summary.message.startswith("全文有 40000 处")


def test_half_width_throughout_is_one_finding(fmt):
    text = "\n".join(f"第{i}条,各部门(单位)要落实" for i in range(1, 8))
    (f,) = [f for f in fmt.check_text(text) if f.rule == "F004"]
    assert f.message.startswith("全文有 14 处中文之间使用了半角标点（(,）")
    assert f.location.line == 1 and f.match == ","
    assert f.note.startswith("位置：第1行第4字、第1行第8字、第2行第4字")
    assert f.suggestion is None


def test_a_few_half_width_marks_are_each_reported(fmt):
    text = "各镇人民政府,区政府各部门\n联系人:陈红梅"
    assert found(fmt, text, "F004") == [("F004", ","), ("F004", ":")]


def test_half_width_in_meta_is_not_prose(fmt):
    page = _html('<meta name="Keywords" content="政务公开,政府网站,检查">',
                 "<p>全文使用全角标点，没有问题。</p>")
    assert [f for f in fmt.check_bytes(page.encode(), "a.html").findings if f.rule == "F004"] == []


def test_pair_split_by_inline_elements(fmt):
    doc = Document("p.html", "html", tuple(Segment(t) for t in ("学习", "《", "条例", "》", "精神。")))
    assert [f.rule for f in fmt.check_document(doc) if f.rule == "F002"] == []


def _html(head: str, body: str) -> str:
    return f"<html><head><title>通知</title>{head}</head><body>{body}</body></html>"


def test_missing_meta_through_html(fmt):
    metas = "".join(f'<meta name="{k}" content="x">' for k in REQUIRED_META if k != "ContentSource")
    result = fmt.check_bytes(_html(metas, f"<p>{ARTICLE}</p>").encode(), "a.html")
    assert [(f.rule, f.match) for f in result.findings] == [("F005", "ContentSource")]
    metas += '<meta name="ContentSource" content="县政府办">'
    assert fmt.check_bytes(_html(metas, f"<p>{ARTICLE}</p>").encode(), "a.html").findings == ()


def test_html_pairs_across_inline_elements_and_meta(fmt):
    page = _html('<meta name="Description" content="学习《关于印发某某的通">',
                 "<p>学习<a href='x.html'>《条例》</a>精神，<b>“</b>两个维护<b>”</b>。</p>")
    result = fmt.check_bytes(page.encode(), "a.html")
    assert [f.rule for f in result.findings if f.rule == "F002"] == []
