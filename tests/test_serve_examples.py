"""The examples /docs and docs/serve.md show are real: each curl command, and the Java example
(JDK single-file launch), run against a live ``gkcheck serve`` with a token; the PHP example
runs when php is installed. docs/serve.md carries the same text as the files /docs serves."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import httpx
import openpyxl
import pytest

from .live_server import running_server

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "src" / "gkcheck" / "surfaces" / "web" / "examples"
TOKEN = "examples-token-3b8e"
ID = "110101199003074514"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    work = tmp_path_factory.mktemp("examples")
    with running_server(work, env={"GKCHECK_TOKEN": TOKEN}) as base:
        yield base


@pytest.fixture()
def files(tmp_path):
    document = docx.Document()
    document.add_paragraph("关于做好改造工作的通知")
    document.add_paragraph("截止目前，全县已完成改造。")
    document.save(tmp_path / "通知.docx")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号"])
    sheet.append(["张三", ID])
    book.save(tmp_path / "名单.xlsx")
    return tmp_path


def run(command: list[str], cwd: Path, base: str, timeout: float = 120) -> str:
    env = {**os.environ, "GKCHECK_URL": base, "GKCHECK_TOKEN": TOKEN, "LANG": "C.UTF-8"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    out = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, out + done.stderr.decode("utf-8", "replace")
    return out


def curl_blocks() -> dict[str, str]:
    """The numbered commands of curl.sh: "1" → the command (comment lines dropped)."""
    blocks = {}
    for block in EXAMPLES.joinpath("curl.sh").read_text("utf-8").split("\n\n"):
        m = re.match(r"# (\d+)\. ", block)
        if m:
            blocks[m.group(1)] = "\n".join(l for l in block.splitlines() if not l.startswith("#"))
    return blocks


def test_every_curl_example_works_against_a_live_server(live, files):
    blocks = curl_blocks()
    assert sorted(blocks) == ["1", "2", "3", "4", "5", "6"]
    outputs = {n: run(["bash", "-c", command], files, live) for n, command in blocks.items()}
    # the response /docs and serve.md show is what the server answers (fields may be added later)
    shown = json.loads(EXAMPLES.joinpath("check-response.json").read_text("utf-8"))
    live_report = json.loads(outputs["1"])
    assert shown["summary"] == live_report["summary"]
    (shown_finding,) = shown["files"][0]["findings"]
    (live_finding,) = live_report["files"][0]["findings"]
    assert {k: live_finding[k] for k in shown_finding} == shown_finding
    for n in ("1", "2"):
        (finding,) = httpx.Response(200, content=outputs[n].encode()).json()["files"][0]["findings"]
        assert finding["match"] == "截止目前" and finding["suggestion"] == "截至目前"
    report = httpx.Response(200, content=outputs["3"].encode()).json()
    assert report["files"][0]["path"] == "通知.docx"
    assert [f["match"] for f in report["files"][0]["findings"]] == ["截止目前"]
    assert httpx.Response(200, content=outputs["4"].encode()).json()["text"] == "联系人身份证号110101********4514"
    masked = openpyxl.load_workbook(files / "名单-脱敏.xlsx").active
    assert masked["B2"].value == "110101********4514"
    data = (files / "通知-批注.docx").read_bytes()
    docx.Document(io.BytesIO(data))
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<w:ins " in body and "截至" in body
    # without the token the same command is refused, and curl says so (--fail-with-body)
    done = subprocess.run(["bash", "-c", blocks["1"]], cwd=files, capture_output=True,
                          env={**os.environ, "GKCHECK_URL": live, "GKCHECK_TOKEN": "wrong"})
    assert done.returncode != 0 and "令牌" in done.stdout.decode("utf-8")


@pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK on this machine (a JRE cannot launch a source file)")
def test_java_example_runs_with_single_file_launch(live, files):
    shutil.copy(EXAMPLES / "Check.java", files / "Check.java")
    out = run(["java", "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "Check.java"], files, live,
              timeout=300)
    assert "检查文字 200" in out and "截至目前" in out
    assert "检查文件 200" in out and '"path": "通知.docx"' in out.replace('"path":"', '"path": "')
    assert "脱敏 200" in out and "110101********4514" in out and ID not in out
    assert "批注副本 200" in out
    data = (files / "通知-批注.docx").read_bytes()
    docx.Document(io.BytesIO(data))
    assert "<w:ins " in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


def test_php_example(live, files):
    text = EXAMPLES.joinpath("check.php").read_text("utf-8")
    for needed in ("curl_init", "CURLFile", "http_build_query", "/v1/check", "/v1/mask", "/v1/annotate",
                   "Authorization: Bearer"):
        assert needed in text
    if shutil.which("php") is None:
        pytest.skip("php is not installed: only the text was checked")
    shutil.copy(EXAMPLES / "check.php", files / "check.php")
    out = run(["php", "check.php"], files, live)
    assert "T001 错别字：截止目前 → 截至目前（第1行第1字）" in out and "表单 200" in out
    assert "检查文件 200：1 处问题" in out and "脱敏 200 联系人身份证号110101********4514" in out
    assert "批注副本 200" in out
    docx.Document(files / "通知-批注.docx")


def test_docs_page_and_serve_md_show_the_same_examples(live):
    guide = (ROOT / "docs" / "serve.md").read_text("utf-8")
    for name in ("curl.sh", "Check.java", "check.php", "check-response.json"):
        text = EXAMPLES.joinpath(name).read_text("utf-8")
        assert text.strip() in guide, f"docs/serve.md lacks the text of {name}"
        served = httpx.get(f"{live}/examples/{name}")            # no token needed, like /docs
        assert served.status_code == 200 and served.text == text
    schema = httpx.get(live + "/json-report.schema.json")
    assert schema.status_code == 200
    assert schema.content == (ROOT / "docs" / "json-report.schema.json").read_bytes()
    assert "finding" in schema.json()["$defs"]
    docs = httpx.get(live + "/docs").text
    assert 'data-src="/examples/Check.java"' in docs and 'id="finding-fields"' in docs
