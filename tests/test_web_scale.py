"""The web page at scale (issue 13): a 100,000-row list checked through a job in Debian's
Chromium driven by Playwright against a real server — the page keeps answering, shows progress
that advances, cancels, then shows 300,000 findings as pages of groups that expand; the HTML
report and the XLSX 整改清单 download from the page."""

from __future__ import annotations

import io
import time

import httpx
import openpyxl
import pytest

from .list_files import big_list
from .live_server import running_server
from .test_serve_browser import browser  # noqa: F401  (the shared Chromium fixture)
from .test_serve_jobs import cpu_seconds

TOKEN = "scale-token-90ab"
ROWS = 100_000
ANSWER = 1.0        # seconds the page may take to answer while a check runs


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("scale")


@pytest.fixture(scope="module")
def base(workdir):
    # one finding per cell (no folding into the column's P009): ~300,000 findings
    (workdir / "gkcheck.toml").write_text("expand-columns = true\n", "utf-8")
    with running_server(workdir, "--config", str(workdir / "gkcheck.toml"), "--timeout", "120",
                        env={"GKCHECK_TOKEN": TOKEN}) as url:
        yield url


@pytest.fixture()
def page(browser, base):
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    tab = context.new_page()
    tab.goto(base + "/")
    tab.click("#token-box summary")
    tab.fill("#token", TOKEN)
    yield tab
    context.close()


def answers(page) -> float:
    """Seconds for the page to run a script and toggle the token box (a click) while busy."""
    start = time.monotonic()
    page.evaluate("document.getElementById('progress-text').textContent")
    page.click("#token-box summary", timeout=5000)
    return time.monotonic() - start


def job_state(base: str, job_id: str) -> dict:
    return httpx.get(f"{base}/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).json()


@pytest.mark.slow
def test_a_100000_row_list_shows_progress_cancels_and_pages_300000_findings(page, base, workdir):
    path = big_list(workdir / "名单.xlsx", ROWS)
    page.set_input_files("#file", str(path))

    # 1. progress while it runs, the page answering; then 取消 stops the job on the server
    page.click("#check")
    page.wait_for_selector("#progress:not([hidden])")
    fractions, texts, slowest = [], set(), 0.0
    deadline = time.monotonic() + 120
    while len([f for f in fractions if f > 0.1]) < 2 or fractions[-1] == fractions[0]:
        assert time.monotonic() < deadline, f"no progress: {texts}"
        slowest = max(slowest, answers(page))
        fractions.append(page.evaluate("document.getElementById('progress-bar').value"))
        texts.add(page.inner_text("#progress-text"))
        time.sleep(0.3)
    assert slowest < ANSWER, f"the page took {slowest:.2f} s to answer during the check"
    assert fractions == sorted(fractions)
    assert any("项检查，已查" in t and "个单元格" in t for t in texts), texts
    job_id = page.evaluate("currentJob.id")
    page.click("#cancel")
    page.wait_for_function("() => document.getElementById('status').textContent.includes('已取消')", timeout=30000)
    assert page.locator("#progress").is_hidden() and page.locator("#result").is_hidden()
    assert job_state(base, job_id)["state"] == "cancelled"
    pid = int((workdir / "server.pid").read_text())
    before = cpu_seconds(pid)
    time.sleep(1.0)
    assert cpu_seconds(pid) - before < 0.3, "the server still works after the cancel"

    # 2. the whole check: 300,002 findings as pages of 100 groups
    page.click("#check")
    deadline = time.monotonic() + 180
    while not page.locator("#pages").is_visible():
        assert time.monotonic() < deadline, "the check did not finish"
        slowest = max(slowest, answers(page))
        time.sleep(0.5)
    assert slowest < ANSWER, f"the page took {slowest:.2f} s to answer during the check"
    page.wait_for_function("() => document.querySelectorAll('#findings tbody tr').length === 100")
    assert page.inner_text("#summary").startswith("共 300002 处问题")
    info = page.inner_text("#page-info")
    assert info.startswith("第 1/") and "组" in info
    rows = page.locator("#findings tbody tr")
    assert rows.count() == 100                      # never the 300,000 rows at once
    # the first row is the first finding in the document (名单!C2), the list in document order
    assert "名单!C2" in rows.nth(0).inner_text() or "C2:" in rows.nth(0).inner_text()

    # 3. the typo in every row is one group ×100,000 whose places load 200 at a time
    typo = page.locator("#findings tbody tr[data-count='100000']")
    assert typo.count() == 1 and "×100,000" in typo.inner_text() and "截至目前" in typo.inner_text()
    places = typo.locator("details.places li")
    assert places.count() == 0
    typo.locator("details.places summary").click()
    page.wait_for_function("() => document.querySelectorAll(\"tr[data-count='100000'] details.places li\").length === 200")
    assert places.nth(0).inner_text() == "名单!E2" and places.nth(199).inner_text() == "名单!E201"
    typo.locator("button.more").click()
    page.wait_for_function("() => document.querySelectorAll(\"tr[data-count='100000'] details.places li\").length === 400")

    # 4. turning pages and scrolling stay quick
    start = time.monotonic()
    page.click("#page-next")
    page.wait_for_function("() => document.getElementById('page-info').textContent.startsWith('第 2/')")
    assert time.monotonic() - start < 2.0
    assert rows.count() == 100 and rows.nth(0).get_attribute("data-group") == "100"
    start = time.monotonic()
    page.click("#page-last")
    page.wait_for_function("() => document.getElementById('page-next').disabled")
    assert time.monotonic() - start < 2.0
    start = time.monotonic()
    page.evaluate("document.getElementById('list-pane').scrollTop = 1e6")
    page.mouse.wheel(0, -2000)
    assert answers(page) < ANSWER and time.monotonic() - start < 2.0


def test_the_reports_download_from_the_page(page, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("关于做好改造工作的通知")
    document.add_paragraph("截止目前，全县已完成改造。联系人身份证号码110101199003074514。")
    data = io.BytesIO()
    document.save(data)
    page.set_input_files("#file", files=[{"name": "通知.docx", "buffer": data.getvalue(),
                                          "mimeType": "application/octet-stream"}])
    page.click("#check")
    page.wait_for_selector("#downloads:not([hidden])")
    assert page.locator("#findings tbody tr").count() == 2

    with page.expect_download() as info:
        page.click("#downloads button[data-format='html']")
    html = info.value
    assert html.suggested_filename == "通知-检查报告.html"
    text = open(html.path(), encoding="utf-8").read()
    assert "截至目前" in text and "P001" in text and "110101199003074514" not in text

    with page.expect_download() as info:
        page.click("#downloads button[data-format='xlsx']")
    xlsx = info.value
    assert xlsx.suggested_filename == "通知-整改清单.xlsx"
    xlsx.save_as(tmp_path / xlsx.suggested_filename)
    book = openpyxl.load_workbook(tmp_path / xlsx.suggested_filename)
    cells = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert any("截至目前" in c for c in cells) and not any("110101199003074514" in c for c in cells)


def test_leaving_the_page_cancels_its_running_check(page, base, workdir):
    path = big_list(workdir / "离开.xlsx", 20_000)
    page.set_input_files("#file", str(path))
    page.click("#check")
    page.wait_for_function("() => currentJob !== null && !document.getElementById('progress').hidden")
    job_id = page.evaluate("currentJob.id")
    page.goto("about:blank")
    deadline = time.monotonic() + 20
    while job_state(base, job_id)["state"] != "cancelled":
        assert time.monotonic() < deadline, job_state(base, job_id)
        time.sleep(0.1)


def test_several_files_in_one_check_name_their_file_in_the_list_and_the_text(page):
    import docx

    document = docx.Document()
    document.add_paragraph("截止目前，全县已完成改造。")
    data = io.BytesIO()
    document.save(data)
    page.set_input_files("#file", files=[
        {"name": "通知.docx", "buffer": data.getvalue(), "mimeType": "application/octet-stream"},
        {"name": "公告.html", "buffer": "<p>按步就班推进</p>".encode(), "mimeType": "text/html"}])
    assert page.inner_text("#chosen-name") == "通知.docx、公告.html"
    page.click("#check")
    page.wait_for_selector("#shown-text .segment mark")
    rows = page.locator("#findings tbody tr")
    listed = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert len(listed) == 2 and "通知.docx 正文第1段" in listed[0] and "公告.html 正文第1段" in listed[1]
    assert [h.inner_text() for h in page.locator("#shown-text h4").all()] == ["通知.docx", "公告.html"]
    assert [m.inner_text() for m in page.locator("#shown-text mark").all()] == ["截止目前", "按步就班"]
