"""The web page of ``gkcheck serve`` in a real browser: Debian's Chromium driven by Playwright
against a real server (with a token, so the page's token field is exercised too)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import docx
import pytest

from .live_server import running_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "page-token-7d1e"
ID = "110101199003074514"      # valid check digit, fictitious person
MASKED_ID = "110101********4514"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("page"), env={"GKCHECK_TOKEN": TOKEN}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + 600          # the image may still be installing chromium
    while not CHROMIUM.exists():
        assert time.monotonic() < deadline, f"{CHROMIUM} is missing"
        time.sleep(5)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, base):
    """A fresh browser context (empty profile, no storage) on the page; records every request."""
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()
    tab.requested = []
    tab.dialogs = []
    tab.on("request", lambda request: tab.requested.append(request.url))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(base + "/")
    yield tab
    context.close()


def test_pasted_text_is_marked_in_place_with_suggestions_and_masked(page, base):
    text = (f"关于做好改造工作的通知\n截止目前，全县已完成改造。联系人身份证号码{ID}。\n"
            "<img src=x onerror=alert(1)>按步就班推进。")
    page.fill("#text", text)
    page.click("#check")
    # without the token the service refuses, and the page says so and opens the token field
    page.wait_for_function("document.getElementById('status').textContent.includes('令牌')")
    assert page.locator("#token-box").get_attribute("open") is not None
    page.fill("#token", TOKEN)
    page.click("#check")
    page.wait_for_selector("#shown-text mark")

    marks = page.locator("#shown-text mark")
    by_text = {marks.nth(i).inner_text(): marks.nth(i).get_attribute("title") for i in range(marks.count())}
    assert "截至目前" in by_text["截止目前"] and "T001" in by_text["截止目前"]
    assert "按部就班" in by_text["按步就班"]
    assert "P001" in by_text[MASKED_ID]            # the ID is marked where it is, masked
    rows = page.locator("#findings tbody tr")
    listed = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("第2行第1字" in r and "截至目前" in r for r in listed)
    assert any("按部就班" in r for r in listed)
    shown = page.inner_text("#result")
    assert ID not in shown and ID[:12] not in shown and MASKED_ID in shown
    # user text is shown as text, never run as markup
    assert "<img src=x onerror=alert(1)>" in page.inner_text("#shown-text")
    assert page.locator("#result img").count() == 0 and not page.dialogs
    # the token stays for this tab only, and nothing was loaded from anywhere else
    assert page.evaluate("sessionStorage.getItem('gkcheck-token')") == TOKEN
    page.reload()
    assert page.input_value("#token") == TOKEN
    assert page.requested and all(u.startswith(base) or u.startswith("data:") for u in page.requested)


def test_uploaded_files_show_their_findings_or_that_they_were_not_checked(page):
    page.click("#token-box summary")
    page.fill("#token", TOKEN)
    document = docx.Document()
    document.add_paragraph("通知")
    document.add_paragraph(f"截止目前，全县已完成。申请人身份证号码{ID}。")
    data = io.BytesIO()
    document.save(data)
    page.set_input_files("#file", files=[{"name": "通知.docx", "buffer": data.getvalue(),
                                          "mimeType": "application/octet-stream"}])
    assert page.inner_text("#chosen-name") == "通知.docx"
    page.click("#check")
    page.wait_for_selector("#findings tbody tr")
    rows = page.locator("#findings tbody tr")
    listed = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("第2段" in r and "截至目前" in r for r in listed)
    assert any("第2段" in r and "P001" in r and MASKED_ID in r for r in listed)
    assert ID not in page.inner_text("#result")
    # the upload's text as the engine read it, each finding marked at its place, the ID masked
    assert page.locator("#text-pane").is_visible()
    page.wait_for_selector("#shown-text .segment mark")
    blocks = page.locator("#shown-text .segment")
    assert [blocks.nth(i).locator(".where").inner_text() for i in range(blocks.count())] == ["正文第1段", "正文第2段"]
    marks = blocks.nth(1).locator("mark")
    assert [marks.nth(i).inner_text() for i in range(marks.count())] == ["截止目前", MASKED_ID]
    assert "截至目前" in marks.nth(0).get_attribute("title")
    marks.nth(1).click()
    assert "flash" in (page.locator("#findings tbody tr", has_text="P001").get_attribute("class") or "")

    page.set_input_files("#file", files=[{"name": "坏.docx", "buffer": b"PK\x03\x04 broken",
                                          "mimeType": "application/octet-stream"}])
    page.click("#check")
    page.wait_for_selector("#file-error:not([hidden])")
    assert "未能检查" in page.inner_text("#summary")
    assert "不能视为没有问题" in page.inner_text("#file-error")


def test_the_same_finding_at_several_places_is_one_row_that_expands(page):
    """Grouping on the page (docs/reports.md): 截止目前 three times is one row ×3 whose places
    open on a click; clicking any of the three marks in the text leads to that row."""
    page.click("#token-box summary")
    page.fill("#token", TOKEN)
    page.fill("#text", "截止目前已完成。\n其他。\n截止目前已发放。\n截止目前进展顺利。")
    page.click("#check")
    page.wait_for_selector("#findings tbody tr")
    rows = page.locator("#findings tbody tr")
    grouped = [i for i in range(rows.count()) if "×3" in rows.nth(i).inner_text()]
    assert len(grouped) == 1
    row = rows.nth(grouped[0])
    assert row.get_attribute("data-count") == "3"
    places = row.locator("details.places li")
    assert places.count() == 3 and not places.first.is_visible()       # collapsed
    row.locator("details.places summary").click()
    assert places.first.is_visible()
    assert [places.nth(i).inner_text() for i in range(3)] == ["第1行第1字", "第3行第1字", "第4行第1字"]
    page.locator("#shown-text mark", has_text="截止目前").nth(2).click()
    assert "flash" in (row.get_attribute("class") or "")
