"""Findings come in reading order, links and facts included, so an editor can work down the page."""

from __future__ import annotations

from .conftest import REPO


def test_web_page_findings_in_line_order(checker):
    result = checker.check_file(REPO / "examples" / "ganzhou-monthly-2024-01.html")
    places = [(f.location.line, f.location.column) for f in result.findings]
    assert len(places) > 5 and places == sorted(places)
    assert {f.rule for f in result.findings} >= {"T001", "L001", "L005"}   # text hits and link hits mixed


def test_text_and_link_findings_interleave(checker):
    page = ('<html><body><p><a href="http://192.168.1.5/a">内网</a></p>\n'
            '<p>截止目前已完成。</p>\n<p><a href="file:///C:/a.docx">附件</a></p></body></html>')
    findings = checker.check_bytes(page.encode(), "a.html").findings
    assert [(f.rule, f.location.line) for f in findings] == [("L003", 1), ("T001", 2), ("L002", 3)]
