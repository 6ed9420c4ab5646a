"""Grouping in the reports people read (issue 13 item 3, docs/reports.md, reporters/groups.py):
the same rule and text at several places is one group ×N with every place; a hidden block is one
group that quotes its text and names what it holds; JSON, SARIF and JUnit keep every place."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import openpyxl
import pytest

from gkcheck.checker import Checker
from gkcheck.config import Config
from gkcheck.model import Report
from gkcheck.reporters import render
from gkcheck.reporters.groups import group_findings

from .conftest import FIXED_TODAY
from .test_folding import ROWS, list_xlsx, people

SPAM = """<html><head><meta charset="utf-8"><title>通知</title></head><body>
<p>关于开展政府开放日活动的通知。</p>
<div style="display:none">澳门博彩 最新网址 <a href="http://spam.example.com/casino">点击进入</a> 代开发票 请联系</div>
<p>截止目前，已有12个单位报名。</p>
</body></html>"""


@pytest.fixture(scope="module")
def checker():
    return Checker(Config(), today=lambda: FIXED_TODAY)


def test_same_rule_and_text_is_one_group_with_every_place(checker):
    text = "截止目前已完成。\n其他内容。\n截止目前已发放。\n截止目前进展顺利。\n请妥善保管帐号。"
    findings = checker.check_text(text)
    groups = group_findings(findings)
    t001 = [g for g in groups if g.first.rule == "T001" and g.first.match == "截止目前"]
    assert len(t001) == 1 and t001[0].count == 3
    assert t001[0].places() == ["第1行第1字", "第3行第1字", "第4行第1字"]
    assert sum(g.count for g in groups) == len(findings)            # nothing lost, nothing twice
    from gkcheck.model import FileResult

    report = Report((FileResult("a.txt", "text", "ok", findings=tuple(findings)),), "test")
    out = render(report, "text")
    assert "T001 " in out and "×3" in out and "位置：第1行第1字、第3行第1字、第4行第1字" in out
    assert out.count("截至目前") == 1                                # the fix said once
    # JSON, SARIF and JUnit keep each place
    assert sum(f["rule"] == "T001" for f in json.loads(render(report, "json"))["files"][0]["findings"]) >= 3
    assert sum(r["ruleId"] == "T001" for r in json.loads(render(report, "sarif"))["runs"][0]["results"]) >= 3
    assert sum(c.get("name", "").startswith("T001") for c in ET.fromstring(render(report, "junit")).iter("testcase")) >= 3


def test_a_hidden_block_is_one_group_that_quotes_its_text(checker):
    result = checker.check_bytes(SPAM.encode("utf-8"), "spam.html")
    hidden = [f for f in result.findings if f.location.hidden == "display:none"]
    assert {f.rule for f in hidden} >= {"H001", "S004"} and len(hidden) >= 3     # 3+ findings in the JSON
    h001 = next(f for f in hidden if f.rule == "H001")
    assert h001.match == "display:none" and h001.context.startswith("澳门博彩 最新网址")
    groups = group_findings(result.findings)
    block = [g for g in groups if g.kind == "hidden"]
    assert len(block) == 1 and set(block[0].findings) == set(hidden)
    report = Report((result,), "test")
    text = render(report, "text")
    assert "隐藏的文字：“澳门博彩 最新网址" in text
    assert "其中含有：" in text and "“代开发票”（S004）" in text and "http://spam.example.com/casino" in text
    assert text.count("H001") == 1 and "  正文第1段附近" in text
    heads = [line for line in text.splitlines() if line.startswith("  ") and not line.startswith("   ")]
    assert len(heads) == len(groups)                      # one head line per group
    html = render(report, "html")
    rows = html.count('<tr class="finding ')
    assert rows == len(groups) < len(result.findings)
    assert "隐藏的文字：“澳门博彩" in html and "<details><summary>逐条（" in html
    # the JSON is unchanged: every finding with its own place
    doc = json.loads(render(report, "json"))
    assert len(doc["files"][0]["findings"]) == len(result.findings)


def _list_with_repeated_text() -> bytes:
    """The issue's list: 200 rows, an ID and a phone column, and a repeated 备注 截止目前已发放."""
    wb = openpyxl.load_workbook(io.BytesIO(list_xlsx(people())))
    ws = wb["名单"]
    for r in range(2, ROWS + 2):
        ws[f"E{r}"] = "截止目前已发放"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_200_row_list_is_a_short_text_report(checker):
    """Issue 13: a 200-row list gave 604 findings and about 1,800 terminal lines."""
    result = checker.check_bytes(_list_with_repeated_text(), "名单.xlsx")
    assert result.status == "ok", result.error
    report = Report((result,), "test")
    text = render(report, "text")
    lines = text.splitlines()
    assert len(lines) <= 25, text
    assert f"×{ROWS}" in text and f"共 {ROWS} 个单元格：C2、C3、C4、C5、C6 等" in text
    assert f"等，共 {ROWS} 处" in text                                  # 50 places, then the count
    # the 200 repeated texts are one group in the text report, 200 findings in the JSON
    doc = json.loads(render(report, "json"))
    assert sum(f["rule"] == "T001" for f in doc["files"][0]["findings"]) == ROWS


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows = 0
        self.details = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag == "tr" and "finding" in (dict(attrs).get("class") or ""):
            self.rows += 1
        if tag == "details" and "places" in (dict(attrs).get("class") or ""):
            self.details += 1


def test_html_and_xlsx_one_row_per_group(checker):
    result = checker.check_bytes(_list_with_repeated_text(), "名单.xlsx")
    report = Report((result,), "test")
    parser = _Rows()
    parser.feed(render(report, "html"))
    groups = group_findings(result.findings)
    assert parser.rows == len(groups) and parser.details == sum(1 for g in groups if g.count > 1 and g.kind == "same")
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    sheet = book["问题清单"]
    assert sheet.max_row == 2 + len(groups)
    where = [str(c.value) for c in sheet["C"][2:]]
    message = [str(c.value) for c in sheet["G"][2:]]
    at = next(i for i, m in enumerate(message) if f"×{ROWS}" in m)
    assert where[at].startswith(f"共 {ROWS} 处：名单!E2、名单!E3") and where[at].endswith(f"名单!E{ROWS + 1}")
