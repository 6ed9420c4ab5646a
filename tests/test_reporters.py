"""The SARIF, JUnit, HTML and XLSX reports: built from real files of every kind (and one that
cannot be read), read back with the tools their readers use (the SARIF schema, xml.etree, an
HTML parser and headless Chromium, openpyxl and calamine), all from the same findings, and none
of them showing personal data."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import jsonschema
import openpyxl
import pytest

from gkcheck.model import FileResult, Finding, Location, Report
from gkcheck.reporters import REPORTERS, render

from gkcheck.checker import Checker
from gkcheck.config import Config

from .conftest import FIXED_TODAY, REPO, SHARED

SARIF_SCHEMA = SHARED / "data" / "sarif" / "sarif-schema-2.1.0.json"
CHROMIUM = Path("/usr/bin/chromium")
ID = "110101199003074514"        # valid check digit, fictitious person
MOBILE = "13812345678"
DAY = date(2026, 11, 22)
ARTICLE = "为进一步加强政府网站管理，提升政府网站服务能力，现就有关事项通知如下。" * 7


def _pdf(lines: list[str]) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 750, "封面")
    c.showPage()
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        c.drawString(72, 750 - 15 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("site")
    # one line, three findings: each context shows part of the other personal data
    (d / "note.txt").write_text(f"联系人张三，电话{MOBILE}，身份证号码{ID}，截止目前已登记。\n"
                                "=HYPERLINK(\"x\") 按步就班推进。\n", "utf-8")
    # text that looks like markup must stay text in the HTML report; no meta: F005 (info)
    (d / "page.html").write_text(
        "<html><head><title>通知</title><meta name=\"SiteName\" content=\"信丰县人民政府\"></head><body>"
        f"<p>{ARTICLE}</p><p>示例 &lt;script&gt;alert(1)&lt;/script&gt; 再接再励，"
        "&lt;img src=x onerror=alert(2)&gt;</p>"
        '<div style="display:none">隐藏的文字内容在这里</div></body></html>', "utf-8")
    document = docx.Document()
    document.add_paragraph("关于做好年报工作的通知")
    document.add_paragraph("国办发[2017]47号")
    document.save(d / "notice.docx")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["姓名", "联系电话", "备注"])
    sheet.append(["李四", "13912345678", "已登记"])
    sheet.append(["王五", "13712345679", "招聘启示"])
    book.save(d / "list.xlsx")
    (d / "report.pdf").write_bytes(_pdf(["年度工作报告", "截止目前，已完成全部任务。"]))
    (d / "clean.txt").write_text("全县已完成改造任务。\n", "utf-8")
    (d / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    return d


@pytest.fixture(scope="module")
def report(folder, checker) -> Report:
    return checker.scan([folder])


def _findings(report: Report) -> list[tuple[str, Finding]]:
    return [(r.path, f) for r in report.files for f in r.findings]


def _by_name(report: Report) -> dict[str, FileResult]:
    return {Path(r.path).name: r for r in report.files}


def test_the_fixture_covers_every_kind_of_place(report):
    """The reports below are only as good as this variety: lines, paragraphs, cells, pages,
    hidden text, info findings, personal data and an unreadable file."""
    files = _by_name(report)
    assert files["broken.docx"].status == "error"
    rules = {f.rule for _, f in _findings(report)}
    assert {"P001", "P002", "T001", "F001", "F005"} <= rules
    locs = [f.location for _, f in _findings(report)]
    assert any(loc.paragraph for loc in locs) and any(loc.cell for loc in locs)
    assert any(loc.page == 2 for loc in locs) and any(loc.hidden for loc in locs)
    assert any(f.severity == "info" for _, f in _findings(report))
    assert not files["clean.txt"].findings


def _assert_no_personal_data(text: str) -> None:
    for value in (ID, MOBILE, "13912345678", "13712345679", ID[:10], ID[-10:], MOBILE[:7], MOBILE[-7:]):
        assert value not in text, value


def test_every_format_is_registered():
    assert {"text", "json", "sarif", "junit", "html", "xlsx"} <= set(REPORTERS)


# -- SARIF --------------------------------------------------------------------------------------

def _sarif(report: Report, base: Path) -> dict:
    return json.loads(render(report, "sarif", base=base))


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("../shared/data/sarif/sarif-schema-2.1.0.json not available")
    return json.loads(SARIF_SCHEMA.read_text("utf-8"))


def test_sarif_validates_against_the_oasis_schema(report, folder, sarif_schema):
    schema = sarif_schema
    sarif = _sarif(report, folder)
    jsonschema.validate(sarif, schema)
    sarif["runs"][0]["results"][0]["level"] = "fatal"     # the schema would notice a broken report
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(sarif, schema)


def test_sarif_one_result_per_finding_with_its_rule_and_place(report, folder):
    run = _sarif(report, folder)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(_findings(report))
    for (path, finding), result in zip(_findings(report), results):
        assert result["ruleId"] == finding.rule
        assert rules[result["ruleIndex"]]["id"] == finding.rule
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity]
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == Path(path).name
        assert location["message"]["text"] == finding.location.describe()
        region = location["physicalLocation"].get("region")
        if finding.location.line is not None:
            assert region == {"startLine": finding.location.line, "startColumn": finding.location.column or 1}
        else:
            assert region is None
    typo = next(r for r in results if r["ruleId"] == "T001" and "note.txt" in
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
    assert "截止目前" in typo["message"]["text"] and "截至目前" in typo["message"]["text"]
    cell = next(r for r in results if r["locations"][0].get("properties", {}).get("cell"))
    assert cell["locations"][0]["properties"]["sheet"] == "名单"
    assert cell["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("名单!")
    assert any(r["locations"][0].get("properties", {}).get("paragraph") for r in results)
    assert any(r["locations"][0].get("properties", {}).get("page") == 2 for r in results)
    assert any(r["locations"][0].get("properties", {}).get("hidden") for r in results)
    t001 = rules[[r["id"] for r in rules].index("T001")]
    assert t001["name"] == "typo-word" and t001["properties"]["category"] == "typo"
    assert t001["defaultConfiguration"]["level"] == "error" and "# T001" in t001["help"]["markdown"]


def test_sarif_unreadable_file_is_a_failed_execution(report, folder):
    invocation = _sarif(report, folder)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"].startswith("无法检查")
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.docx"
    clean = Report(tuple(r for r in report.files if r.status == "ok"), report.version)
    assert _sarif(clean, folder)["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_sarif_uri_outside_the_base_is_absolute(report, folder, tmp_path):
    run = _sarif(report, tmp_path)["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].startswith("file:///") and "uriBaseId" not in uri
    odd = Report((FileResult(str(folder / "子目录 a#b.txt"), "text", "ok"),), report.version)
    assert _sarif(odd, folder)["runs"][0]["artifacts"][0]["location"]["uri"] == \
        "%E5%AD%90%E7%9B%AE%E5%BD%95%20a%23b.txt"


def test_sarif_masks_personal_data(report, folder):
    sarif = _sarif(report, folder)
    del sarif["runs"][0]["tool"]     # the rules' documentation has example numbers of its own
    text = json.dumps(sarif, ensure_ascii=False)
    _assert_no_personal_data(text)
    assert "110101********4514" in text


def test_sarif_of_the_real_samples_validates(sarif_schema):
    if not (SHARED / "samples").is_dir():
        pytest.skip("../shared/samples not available")
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "scan", str(SHARED / "samples"),
                           "--format", "sarif"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    sarif = json.loads(proc.stdout)
    jsonschema.validate(sarif, sarif_schema)
    assert sarif["runs"][0]["results"] and sarif["runs"][0]["invocations"][0]["executionSuccessful"]


# -- JUnit --------------------------------------------------------------------------------------

def test_junit_one_suite_per_file_and_counts(report):
    root = ET.fromstring(render(report, "junit"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [r.path for r in report.files]
    failing = [f for _, f in _findings(report) if f.severity in ("error", "warning")]
    assert int(root.get("failures")) == len(failing) == len(list(root.iter("failure")))
    assert int(root.get("errors")) == 1
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites) == len(list(root.iter("testcase")))
    for suite, result in zip(suites, report.files):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        if result.status == "error":
            (case,) = cases
            assert case.find("error").get("message").startswith("无法检查")
        elif not result.findings:
            (case,) = cases
            assert case.get("name") == "检查通过" and len(case) == 0
        else:
            assert len(cases) == len(result.findings)


def test_junit_failure_says_what_and_where_and_info_does_not_fail(report):
    root = ET.fromstring(render(report, "junit"))
    note = next(s for s in root.findall("testsuite") if s.get("name").endswith("note.txt"))
    case = next(c for c in note.findall("testcase") if c.get("name").startswith("T001"))
    failure = case.find("failure")
    assert failure.get("type") == "T001" and "截至目前" in failure.get("message")
    assert "位置：第1行" in failure.text and case.get("line") == "1"
    page = next(s for s in root.findall("testsuite") if s.get("name").endswith("page.html"))
    info = next(c for c in page.findall("testcase") if c.get("name").startswith("F005"))
    assert info.find("failure") is None and "提示 F005" in info.find("system-out").text


def test_junit_masks_personal_data_and_survives_control_characters(report):
    _assert_no_personal_data(render(report, "junit"))
    odd = Finding("T001", "typo-word", "typo", "error", "错别字", "截止目前", "截至目前",
                  Location(line=1, column=3), "a\x0bb\x00截止目前\x1f", None)
    weird = Report((FileResult("a\x01.txt", "text", "ok", None, (odd,)),), "0")
    root = ET.fromstring(render(weird, "junit"))   # still well-formed XML
    assert "截止目前" in root.find(".//failure").text


# -- HTML ---------------------------------------------------------------------------------------

class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[str] = []
        self._in_mark = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_mark = tag == "mark"

    def handle_endtag(self, tag):
        self._in_mark = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_mark:
            self.marks.append(data)


def _html(report: Report) -> tuple[str, _Page]:
    page = _Page()
    html = render(report, "html", generated=datetime(2026, 11, 22, 9, 30))
    page.feed(html)
    return html, page


def test_html_is_self_contained_and_escapes_the_checked_text(report):
    html, page = _html(report)
    tags = [t for t, _ in page.tags]
    assert tags.count("script") == 1 and tags.count("img") == 0       # only our own script
    assert not {"link", "iframe", "object", "embed", "base"} & set(tags)
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith(("http:", "https:", "//")), attrs
    assert "http://" not in html and "https://" not in html
    # the context of 再接再励 holds the page's visible text "<script>alert(1)</script> ... <img ...>"
    assert "alert(1)&lt;/script&gt; <mark>再接再励</mark>，&lt;img src=x onerror=" in html
    assert html.count("</script>") == 1
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_html_rows_marks_and_summary(report):
    html, page = _html(report)
    rows = [a for t, a in page.tags if t == "tr" and "finding" in (a.get("class") or "")]
    assert [(r["data-category"], r["data-severity"]) for r in rows] == \
        [(f.category, f.severity) for _, f in _findings(report)]
    assert "截止目前" in page.marks and "再接再励" in page.marks
    text = "".join(page.text)
    assert f"共检查 {len(report.files)} 个文件" in text and "1 个文件无法检查" in text
    assert "名单!B2" in text and "第2页" in text and "改为“截至目前”" in text
    assert "未发现问题的文件（1 个）" in text and "2026-11-22 09:30" in text
    _assert_no_personal_data(html)


def test_html_filters_in_headless_chromium(report, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    target = tmp_path / "report.html"
    target.write_text(render(report, "html"), "utf-8")
    counts = {c: sum(1 for _, f in _findings(report) if f.category == c)
              for c in {f.category for _, f in _findings(report)}}
    total = sum(counts.values())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(target.as_uri())
            visible = "tr.finding:visible"
            assert page.locator("#filters").is_visible()
            assert page.locator(visible).count() == total
            assert page.locator("#shown").inner_text() == f"显示 {total} / {total} 条"
            page.get_by_label(f"错别字（{counts['typo']}）").uncheck()
            assert page.locator(visible).count() == total - counts["typo"]
            assert page.locator("tr.finding[data-category=typo]:visible").count() == 0
            page.get_by_label(f"错别字（{counts['typo']}）").check()
            assert page.locator(visible).count() == total
            # notice.docx has only a format finding: its whole section hides with it
            notice = page.locator("section.findings", has_text="notice.docx")
            assert notice.count() == 1 and notice.is_visible()
            page.get_by_label(f"格式（{counts['format']}）").uncheck()
            assert not notice.is_visible() and page.locator(visible).count() == total - counts["format"]
            page.get_by_label(f"格式（{counts['format']}）").check()
            assert notice.is_visible()
            page.get_by_label("错误", exact=False).first.uncheck()
            assert page.locator("tr.finding[data-severity=error]:visible").count() == 0
            assert page.locator(visible).count() == sum(1 for _, f in _findings(report) if f.severity != "error")
            page.locator("#show-all").click()
            assert page.locator(visible).count() == total
            assert page.locator("section.failed").is_visible()     # never filtered away
            assert not errors
            assert all(url.startswith("file:") for url in requests), requests
        finally:
            browser.close()


# -- XLSX ---------------------------------------------------------------------------------------

HEADER = ["序号", "文件", "位置", "类别", "级别", "规则", "问题", "原文", "上下文", "修改建议",
          "责任单位", "发现日期", "整改情况", "整改日期"]


def test_xlsx_rectification_table_read_back_with_openpyxl(report):
    data = render(report, "xlsx", generated=DAY)
    assert isinstance(data, bytes)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["问题清单", "无法检查的文件"]
    sheet = book["问题清单"]
    assert "整改清单" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == HEADER
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:N")
    assert sheet.column_dimensions["I"].width > sheet.column_dimensions["A"].width
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    findings = _findings(report)
    assert len(rows) == len(findings)
    for n, (row, (path, f)) in enumerate(zip(rows, findings), 1):
        assert row[0] == n and row[1] == path and row[2] == f.location.describe() and row[5] == f.rule
        assert row[11] == datetime(2026, 11, 22) and row[12] is None and row[13] is None
        assert row[10] == ""
    typo = next(r for r in rows if r[5] == "T001" and r[1].endswith("note.txt"))
    assert typo[3:5] == ("错别字", "错误") and typo[7] == "截止目前" and typo[9] == "截至目前"
    formula_like = next(c for c in sheet["I"] if c.value and str(c.value).startswith("="))
    assert formula_like.data_type == "s"        # text that starts with "=" is never a formula
    failed = list(book["无法检查的文件"].iter_rows(values_only=True))
    assert failed[0] == ("序号", "文件", "原因", "发现日期")
    assert [(r[0], Path(r[1]).name) for r in failed[1:]] == [(1, "broken.docx")] and failed[1][2]


def test_xlsx_read_back_with_calamine_and_masked(report):
    from python_calamine import CalamineWorkbook

    data = render(report, "xlsx", generated=DAY)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["问题清单", "无法检查的文件"]
    rows = book.get_sheet_by_name("问题清单").to_python()
    assert rows[1] == HEADER and len(rows) - 2 == len(_findings(report))
    assert rows[2][11] == DAY
    cells = "\n".join(str(v) for row in rows for v in row)
    _assert_no_personal_data(cells)
    assert "110101********4514" in cells and "138****5678" in cells


# -- through the command line -------------------------------------------------------------------

def test_every_format_from_the_same_findings_through_the_cli(folder, tmp_path):
    def scan(fmt: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gkcheck", "scan", ".", "--format", fmt,
                               "--publish-date", "2024-01-01", *extra],
                              capture_output=True, text=True, cwd=folder, timeout=120)

    data = json.loads(scan("json").stdout)
    expected = [(Path(f["path"]).name, x["rule"]) for f in data["files"] for x in f["findings"]]
    sarif = json.loads(scan("sarif").stdout)
    assert [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
            for r in sarif["runs"][0]["results"]] == expected
    out = tmp_path / "整改清单.xlsx"
    proc = scan("xlsx", "--output", str(out))
    assert proc.returncode == 2 and proc.stdout == ""          # broken.docx: exit 2, report written
    rows = list(openpyxl.load_workbook(out)["问题清单"].iter_rows(min_row=3, values_only=True))
    assert [(Path(r[1]).name, r[5]) for r in rows] == expected
    assert not list(folder.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_xlsx_without_output_is_refused_before_scanning(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "scan", str(tmp_path / "missing.txt"),
                           "--format", "xlsx"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--output" in proc.stderr and proc.stdout == ""
    assert "missing.txt" not in proc.stderr      # refused as a usage error, nothing was scanned


def test_the_examples_in_docs_reports_are_real_output(tmp_path):
    """docs/reports.md quotes a SARIF result, a JUnit failure and two rows of the XLSX; they must be
    what gkcheck writes for the example file the page shows."""
    doc = (REPO / "docs" / "reports.md").read_text("utf-8")
    site = tmp_path / "site"
    site.mkdir()
    example = doc.split("已损坏：\n\n```\n", 1)[1].split("```", 1)[0]
    (site / "通知.txt").write_text(example, "utf-8")
    (site / "附件.docx").write_bytes(b"PK\x03\x04 broken")

    def scan(fmt: str, *extra: str) -> str:
        return subprocess.run([sys.executable, "-m", "gkcheck", "scan", "site", "--format", fmt,
                               "--publish-date", "2024-01-10", *extra],
                              capture_output=True, text=True, cwd=tmp_path, timeout=120).stdout

    result = json.loads(scan("sarif"))["runs"][0]["results"][1]
    assert f'"message": {{"text": "{result["message"]["text"]}"}}' in doc
    assert json.dumps(result["locations"][0]["physicalLocation"]["region"]) in doc
    assert f'"context": "{result["properties"]["context"]}"' in doc
    failure = ET.fromstring(scan("junit")).find(".//failure")
    assert f'<failure type="T001" message="{failure.get("message")}">{failure.text}</failure>' in doc
    scan("xlsx", "-o", "list.xlsx")
    rows = openpyxl.load_workbook(tmp_path / "list.xlsx")["问题清单"].iter_rows(min_row=3, values_only=True)
    for row in rows:          # (the 发现日期 column is the day the report is made)
        line = "| " + " | ".join(str(v or "") for v in row[:11]) + " | 2024-01-10 | | |"
        assert line.replace("|  |", "| |") in doc


def test_text_report_masks_personal_data_in_every_context(report):
    """A typo next to an ID number: its context (and the cut-off piece in the phone's context)
    is masked too, not only the privacy finding's own match."""
    text = render(report, "text")
    _assert_no_personal_data(text)
    assert "码110101********4514，截止目前已登记" in text and "身份证号码110101********…" in text


def test_a_value_cut_off_by_the_context_window_is_masked_at_either_end():
    from gkcheck.reporters import shown_context

    typo = Finding("T001", "typo-word", "typo", "error", "错别字", "截止目前", "截至目前", Location(line=1),
                   f"{ID[-8:]}，截止目前，电话{MOBILE[:5]}", None)
    private = (ID, MOBILE)
    assert shown_context(typo, private) == "****4514，截止目前，电话138**"
    assert shown_context(typo) == typo.context          # without the file's values: unchanged


def test_a_file_name_that_is_not_utf8_does_not_break_a_report(tmp_path, checker):
    name = os.fsdecode(b"\xb8\xe5\xbc\xfe.txt")        # GBK bytes of 稿件.txt on a UTF-8 system
    (tmp_path / name).write_text("截止目前已完成。", "utf-8")
    report = checker.scan([tmp_path])
    assert report.files[0].findings
    for fmt in ("sarif", "junit", "html", "text", "json"):
        render(report, fmt).encode("utf-8")             # written with write_atomic: strict UTF-8
    (entry,) = json.loads(render(report, "json"))["files"]
    assert os.fsencode(entry["path"]).endswith(b"\xb8\xe5\xbc\xfe.txt")   # JSON: the exact name back
    assert "\\xb8\\xe5\\xbc\\xfe.txt" in render(report, "text")   # each undecodable byte escaped, as in the watch log
    uri = json.loads(render(report, "sarif", base=tmp_path))["runs"][0]["artifacts"][0]["location"]["uri"]
    assert uri == "%B8%E5%BC%FE.txt"                     # the name's own bytes
    rows = list(openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))["问题清单"].values)
    assert Path(rows[2][1]).name == "????.txt"          # each undecodable byte a "?"


def _valid_id(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def test_a_long_list_masks_every_neighbour_in_every_format(tmp_path, checker):
    """Hundreds of values in one file (the tables are built once per file, not per finding):
    no person-readable report shows any of them whole or a run of 8 of their digits."""
    ids = [_valid_id(f"3607021985{m:02d}{d:02d}{n:03d}") for m in (1, 5, 9) for d in (3, 17)
           for n in range(101, 141)]
    lines = ["姓名,身份证号码,联系电话,备注"]
    lines += [f"张{n},{i},139{n:08d},截止目前已领取" for n, i in enumerate(ids)]
    (tmp_path / "名单.csv").write_text("\n".join(lines) + "\n", "utf-8")
    expanding = Checker(Config(expand_columns=True), today=lambda: FIXED_TODAY)   # one finding per cell
    report = expanding.scan([tmp_path / "名单.csv"])
    findings = report.files[0].findings
    assert sum(f.rule == "P001" for f in findings) >= len(ids)
    assert any(f.rule == "T001" for f in findings)
    folded = checker.scan([tmp_path / "名单.csv"])        # the default: cells folded into P009
    assert len(next(f for f in folded.files[0].findings if f.rule == "P009").cells) == len(ids)
    for fmt in ("text", "html", "junit", "sarif"):
        for one in (report, folded):
            shown = render(one, fmt)
            leaks = [i for i in ids if any(i[k:k + 8] in shown for k in range(4, 11))]   # past the area code
            assert not leaks, (fmt, leaks[:3])
