"""The page's actions in a real browser (Debian Chromium via Playwright) against a real server with
a token and a gkcheck.toml that names an allow-list: 忽略此处 changes the next check, 加入本单位词库
writes the file on disk and the next check honours it, the token is remembered on this computer
only when asked, and 生成批注副本 downloads a DOCX that python-docx opens."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from playwright.sync_api import expect

from .live_server import running_server
from .test_serve_browser import browser  # noqa: F401  (the shared Chromium fixture)

TOKEN = "actions-token-5c2a"
ORIGINAL = "# 本单位专有名词（手工维护）\n章贡\n赣州蓉江新区"       # no final newline: kept byte for byte


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("actions-page")
    (work / "gkcheck.toml").write_text('allowlists = ["本单位词库.txt"]\n', "utf-8")
    (work / "本单位词库.txt").write_text(ORIGINAL, "utf-8")
    with running_server(work, "--config", "gkcheck.toml", env={"GKCHECK_TOKEN": TOKEN}) as url:
        yield url, work


@pytest.fixture()
def context(browser):  # noqa: F811
    ctx = browser.new_context(locale="zh-CN", accept_downloads=True)
    yield ctx
    ctx.close()


def open_page(context, base, token=True):
    tab = context.new_page()
    tab.goto(base + "/")
    if token:
        tab.click("#token-box summary")
        tab.fill("#token", TOKEN)
    return tab


def check(tab, text):
    tab.fill("#text", text)
    tab.click("#check")                        # disables the button until the answer is shown
    expect(tab.locator("#check")).to_be_enabled(timeout=60000)
    expect(tab.locator("#result")).to_be_visible()
    rows = tab.locator("#findings tbody tr")
    return [rows.nth(i).inner_text() for i in range(rows.count())]


def row_with(tab, word):
    return tab.locator("#findings tbody tr", has_text=word).first


def test_ignore_here_leaves_the_place_out_of_the_next_check(site, context):
    base, work = site
    tab = open_page(context, base)
    text = "截止目前，全县已完成改造。\n另有工作仍在推进，再接再励。"
    rows = check(tab, text)
    assert any("截止目前" in r for r in rows) and any("再接再励" in r for r in rows)
    row = row_with(tab, "截止目前")
    row.get_by_role("button", name="忽略此处").click()
    expect(tab.locator("tr.acted .action-note")).to_contain_text("已忽略")
    rows = check(tab, text)
    assert not any("截止目前" in r for r in rows)          # the ignored place is gone
    assert any("再接再励" in r for r in rows)              # the other one is still reported
    expect(tab.locator("#skipped-note")).to_contain_text("另有 1 处已忽略")
    # recorded beside the configuration, not in any input
    assert "T001" in (work / "gkcheck-serve-ignored.json").read_text("utf-8")
    # a different document with the same words is another place: still reported
    tab.select_option("#mode", "html")
    rows = check(tab, "<p>截止目前，全县已完成改造。</p>")
    assert any("截止目前" in r for r in rows)


def test_add_to_allow_list_writes_the_file_and_the_next_check_honours_it(site, context):
    base, work = site
    tab = open_page(context, base)
    text = "各单位要按步就班推进改造工作。"
    rows = check(tab, text)
    assert any("按步就班" in r for r in rows)
    row_with(tab, "按步就班").get_by_role("button", name="加入本单位词库").click()
    expect(tab.locator("tr.acted .action-note")).to_contain_text("本单位词库.txt")
    on_disk = (work / "本单位词库.txt").read_text("utf-8")
    assert on_disk == ORIGINAL + "\n按步就班\n"             # original entries kept, byte for byte
    assert not list(work.glob(".本单位词库.txt.*"))         # no temporary file left behind
    rows = check(tab, text)
    assert not any("按步就班" in r for r in rows)
    assert tab.inner_text("#summary") == "未发现问题"


def test_token_is_remembered_on_this_computer_only_when_ticked(site, browser):  # noqa: F811
    base, _ = site
    first = browser.new_context(locale="zh-CN")
    tab = open_page(first, base)
    kept = first.storage_state()
    first.close()
    later = browser.new_context(locale="zh-CN", storage_state=kept)
    tab = later.new_page()
    tab.goto(base + "/")
    assert tab.input_value("#token") == ""                  # not ticked: this tab only
    later.close()

    first = browser.new_context(locale="zh-CN")
    tab = open_page(first, base)
    tab.check("#remember-token")
    assert tab.evaluate("localStorage.getItem('gkcheck-token')") == TOKEN
    assert tab.evaluate("sessionStorage.getItem('gkcheck-token')") is None
    kept = first.storage_state()
    first.close()
    later = browser.new_context(locale="zh-CN", storage_state=kept)   # a new browser session
    tab = later.new_page()
    tab.goto(base + "/")
    assert tab.input_value("#token") == TOKEN
    assert tab.is_checked("#remember-token")
    assert any("截至目前" in r for r in check(tab, "截止目前已完成。"))   # the kept token works
    tab.click("#token-box summary")
    tab.click("#forget-token")
    assert tab.input_value("#token") == ""
    assert tab.evaluate("localStorage.getItem('gkcheck-token')") is None
    assert "已清除" in tab.inner_text("#token-note")
    tab.reload()
    assert tab.input_value("#token") == "" and not tab.is_checked("#remember-token")
    later.close()


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_annotate_button_downloads_a_marked_up_docx(site, context, tmp_path):
    base, _ = site
    tab = open_page(context, base)
    assert tab.is_hidden("#annotate-box")
    source = tmp_path / "通知.docx"
    original = _docx("截止目前，全县已完成改造。")
    source.write_bytes(original)
    tab.set_input_files("#file", str(source))
    assert tab.is_visible("#annotate")
    with tab.expect_download() as waiting:
        tab.click("#annotate")
    download = waiting.value
    assert download.suggested_filename == "通知-批注.docx"
    data = open(download.path(), "rb").read()
    document = docx.Document(io.BytesIO(data))              # python-docx opens it
    assert "截止目前" in "\n".join(p.text for p in document.paragraphs)
    comments = zipfile.ZipFile(io.BytesIO(data)).read("word/comments.xml").decode("utf-8")
    assert "T001" in comments and "截至目前" in comments
    expect(tab.locator("#annotate-status")).to_contain_text("已下载")

    tab.check("#annotate-fix")                                # 同时修改: tracked changes
    with tab.expect_download() as waiting:
        tab.click("#annotate")
    download = waiting.value
    assert download.suggested_filename == "通知-修改.docx"
    data = open(download.path(), "rb").read()
    docx.Document(io.BytesIO(data))
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<w:ins " in body and "<w:del " in body and "截至" in body
    assert source.read_bytes() == original                    # the user's file is untouched

    (tmp_path / "说明.txt").write_text("截止目前", "utf-8")  # not DOCX/XLSX/HTML: no button
    tab.set_input_files("#file", str(tmp_path / "说明.txt"))
    assert tab.is_hidden("#annotate-box")


def test_docs_page_shows_the_examples_and_the_finding_fields(site, context):
    base, _ = site
    tab = context.new_page()
    tab.goto(base + "/docs")
    expect(tab.locator('pre[data-src="/examples/Check.java"]')).to_contain_text("java.net.http.HttpClient")
    expect(tab.locator('pre[data-src="/examples/check.php"]')).to_contain_text("new CURLFile")
    expect(tab.locator('pre[data-src="/examples/curl.sh"]')).to_contain_text("/v1/annotate")
    fields = tab.locator("#finding-fields tbody tr")
    expect(fields.first).to_be_visible()
    names = [fields.nth(i).locator("td").first.inner_text() for i in range(fields.count())]
    assert {"rule", "severity", "match", "suggestion", "location"} <= set(names)
    assert "fingerprint（可选）" in names and "location.text（可选）" in names and "location.cell" in names
    expect(fields.nth(names.index("suggestion"))).to_contain_text("修改建议")
    expect(tab.locator("h2", has_text="/v1/ignore")).to_be_visible()     # the actions are in the API list


def test_ignoring_a_group_ignores_each_of_its_places(site, context):
    base, _ = site
    tab = open_page(context, base)
    text = "截止目前已拨付资金。\n截止目前已完成验收。\n截止目前已公示名单。"
    rows = check(tab, text)
    (row,) = [r for r in rows if "截止目前" in r]
    assert "×3" in row
    row_with(tab, "截止目前").get_by_role("button", name="忽略这 3 处").click()
    expect(tab.locator("tr.acted .action-note")).to_contain_text("这 3 处")
    rows = check(tab, text)
    assert not any("截止目前" in r for r in rows)
    expect(tab.locator("#skipped-note")).to_contain_text("另有 3 处已忽略")
    rows = check(tab, text + "\n截止目前已上报。")            # a new place in the same document
    assert any("截止目前" in r and "×" not in r for r in rows)
