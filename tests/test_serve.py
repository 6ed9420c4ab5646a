"""``gkcheck serve``: the real server (uvicorn in a subprocess) driven over HTTP with httpx."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import docx
import httpx
import jsonschema
import openpyxl
import pytest

from .conftest import REPO
from .live_server import running_server

SCHEMA = json.loads((REPO / "docs" / "json-report.schema.json").read_text("utf-8"))
ID = "110101199003074514"      # valid check digit, fictitious person
PHONE = "13907971234"
TOKEN = "测试令牌-5f2a9c"      # non-ASCII on purpose: compared as UTF-8 bytes
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve")) as base:
        with httpx.Client(base_url=base, timeout=60) as client:
            yield client


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """A server with a token (from the environment) and a 64 KiB request limit."""
    with running_server(tmp_path_factory.mktemp("guarded"), "--max-bytes", "65536",
                        env={"GKCHECK_TOKEN": TOKEN}) as base:
        yield base


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(*rows: list[str]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def only_file(report: dict) -> dict:
    jsonschema.validate(report, SCHEMA)
    (result,) = report["files"]
    return result


# -- checking -------------------------------------------------------------------------------------

def test_json_text_check_answers_the_json_report(server):
    response = server.post("/v1/check", json={"text": "第一行。\n截止目前，全县已完成改造。"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    report = response.json()
    result = only_file(report)
    assert report["schema_version"] == 1 and report["tool"]["name"] == "gkcheck"
    assert (result["path"], result["type"], result["status"]) == ("<text>", "text", "ok")
    (finding,) = result["findings"]
    assert (finding["rule"], finding["match"], finding["suggestion"]) == ("T001", "截止目前", "截至目前")
    assert (finding["location"]["line"], finding["location"]["column"]) == (2, 1)
    assert report["summary"]["by_severity"]["error"] == 1


def test_docx_upload_gives_exactly_the_cli_report(server, tmp_path):
    data = docx_bytes("通知", "截止目前，全县已完成改造。", f"联系人身份证号码：{ID}")
    (tmp_path / "通知.docx").write_bytes(data)
    response = server.post("/v1/check", files={"file": ("通知.docx", data, DOCX_TYPE)})
    assert response.status_code == 200
    api = response.json()
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "scan", "--format", "json", "通知.docx"],
                          capture_output=True, text=True, cwd=tmp_path)
    cli = json.loads(proc.stdout)
    assert api == cli                       # same shape, same findings, same locations
    result = only_file(api)
    assert result["type"] == "docx"
    assert {f["rule"] for f in result["findings"]} >= {"T001", "P001"}
    assert any(f["match"] == ID for f in result["findings"]), "the JSON keeps the value whole, as the CLI's"


def test_xlsx_upload_reports_cells(server):
    data = xlsx_bytes(["姓名", "联系电话"], ["李四", PHONE])
    response = server.post("/v1/check", files={"file": ("名单.xlsx", data, XLSX_TYPE)})
    assert response.status_code == 200
    result = only_file(response.json())
    assert result["type"] == "xlsx" and result["path"] == "名单.xlsx"
    phone = [f for f in result["findings"] if f["category"] == "privacy"]
    assert phone and phone[0]["location"]["cell"] == "B2"


def test_type_comes_from_the_content_not_the_name(server):
    data = docx_bytes("截止目前，全县已完成。")
    result = only_file(server.post("/v1/check", files={"file": ("稿件.txt", data)}).json())
    assert result["type"] == "docx" and [f["rule"] for f in result["findings"]] == ["T001"]


def test_text_named_html_is_checked_as_html(server):
    page = "<html><head><title>通知</title></head>\n<body><p>截止目前，全县已完成。</p></body></html>"
    as_html = only_file(server.post("/v1/check", json={"text": page, "filename": "page.html"}).json())
    assert as_html["type"] == "html" and as_html["path"] == "page.html"
    (finding,) = [f for f in as_html["findings"] if f["rule"] == "T001"]
    assert (finding["location"]["line"], finding["location"]["column"]) == (2, 10)   # in the source
    as_text = only_file(server.post("/v1/check", json={"text": page}).json())
    assert as_text["type"] == "text"


def test_publish_date_is_the_date_checks_refer_to(server):
    text = "2024年3月5日，县林业局召开了新闻发布会。"
    before = only_file(server.post("/v1/check", json={"text": text, "publish_date": "2024-03-01"}).json())
    after = only_file(server.post("/v1/check", json={"text": text, "publish_date": "2024-03-05"}).json())
    assert "D005" in [f["rule"] for f in before["findings"]]
    assert "D005" not in [f["rule"] for f in after["findings"]]
    upload = server.post("/v1/check", files={"file": ("a.txt", text.encode())}, data={"publish_date": "2024-03-01"})
    assert "D005" in [f["rule"] for f in only_file(upload.json())["findings"]]
    bad = server.post("/v1/check", json={"text": text, "publish_date": "三月五日"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["detail"]


def test_masked_view_hides_personal_data_but_keeps_the_shape(server):
    text = f"截止目前，申请人身份证号码{ID}。"
    raw = server.post("/v1/check", json={"text": text}).json()
    shown = server.post("/v1/check", params={"masked": "true"}, json={"text": text})
    assert shown.status_code == 200
    jsonschema.validate(shown.json(), SCHEMA)
    assert ID in json.dumps(raw, ensure_ascii=False)
    assert ID not in shown.text and ID[:10] not in shown.text
    assert "110101********4514" in shown.text
    assert [f["rule"] for f in raw["files"][0]["findings"]] == [f["rule"] for f in shown.json()["files"][0]["findings"]]


def test_unreadable_upload_is_422_with_an_error_report(server):
    response = server.post("/v1/check", files={"file": ("损坏.docx", b"PK\x03\x04 not a zip at all")})
    assert response.status_code == 422          # never 200: a file that was not checked is not clean
    result = only_file(response.json())
    assert result["status"] == "error" and result["error"] and not result["findings"]
    assert response.json()["summary"]["files_failed"] == 1


def test_traversal_filename_is_only_a_label(server):
    response = server.post("/v1/check", files={"file": ("../../etc/passwd", "截止目前已完成。".encode())})
    assert response.status_code == 200
    result = only_file(response.json())
    assert result["path"] == "passwd"
    assert [f["rule"] for f in result["findings"]] == ["T001"], "the uploaded bytes were checked"
    assert "root:" not in response.text
    as_text = server.post("/v1/check", json={"text": "截止目前", "filename": "..\\..\\etc\\passwd"})
    assert only_file(as_text.json())["path"] == "passwd"
    masked = server.post("/v1/mask", files={"file": ("../../../tmp/x.txt", f"电话{PHONE}".encode())})
    assert masked.status_code == 200
    disposition = masked.headers["content-disposition"]
    assert "x.txt" in disposition and "/" not in disposition and ".." not in disposition


@pytest.mark.parametrize("request_kwargs, status, words", [
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "JSON"),
    ({"json": ["截止目前"]}, 400, "JSON 对象"),
    ({"json": {"txt": "截止目前"}}, 400, "text"),
    ({"json": {"text": "截止目前", "publishdate": "2024-03-01"}}, 400, "publishdate"),
    ({"json": {"text": 5}}, 400, "text"),
    ({"content": "截止目前".encode(), "headers": {"content-type": "text/plain"}}, 415, "multipart/form-data"),
    ({"files": {"document": ("a.txt", b"x")}}, 400, "file"),
    ({"files": {"file": ("a.txt", b"")}}, 400, "空"),
])
def test_bad_requests_get_a_chinese_error(server, request_kwargs, status, words):
    response = server.post("/v1/check", **request_kwargs)
    assert response.status_code == status
    assert words in response.json()["detail"]


# -- masking --------------------------------------------------------------------------------------

def test_mask_text(server):
    text = f"联系电话：{PHONE}，身份证号码{ID}。"
    response = server.post("/v1/mask", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "联系电话：139****1234，身份证号码110101********4514。"
    assert [(i["kind"], body["text"][i["start"]:i["end"]]) for i in body["items"]] == [
        ("mobile", "139****1234"), ("id", "110101********4514")]
    assert PHONE not in response.text and ID not in response.text


def test_mask_xlsx_file(server):
    data = xlsx_bytes(["姓名", "联系电话"], ["李四", PHONE])
    response = server.post("/v1/mask", files={"file": ("名单.xlsx", data)})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    assert "filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx" in response.headers["content-disposition"]
    assert response.headers["x-gkcheck-masked"] == "1"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == "139****1234" and sheet["A2"].value == "李四"


def test_mask_text_file_keeps_its_encoding(server):
    data = f"联系电话：{PHONE}\n".encode("gb18030")
    response = server.post("/v1/mask", files={"file": ("名单.txt", data)})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=gb18030"
    assert response.content.decode("gb18030") == "联系电话：139****1234\n"


def test_mask_unreadable_file_is_422_without_a_copy(server):
    response = server.post("/v1/mask", files={"file": ("a.docx", b"PK\x03\x04 broken")})
    assert response.status_code == 422 and response.json()["detail"]
    assert "content-disposition" not in response.headers


# -- the rest of the surface ----------------------------------------------------------------------

def test_healthz(server):
    assert server.get("/healthz").json() == {"status": "ok", "version": __import__("gkcheck").__version__}


def test_openapi_lists_the_endpoints_and_docs_work_offline(server):
    spec = server.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "gkcheck"
    jobs = {"/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/events", "/v1/jobs/{job_id}/cancel",
            "/v1/jobs/{job_id}/findings", "/v1/jobs/{job_id}/groups", "/v1/jobs/{job_id}/groups/{index}",
            "/v1/jobs/{job_id}/report", "/v1/jobs/{job_id}/text"}
    assert set(spec["paths"]) == {"/v1/check", "/v1/mask", "/v1/annotate", "/healthz",
                                  "/v1/actions", "/v1/ignore", "/v1/allow"} | jobs   # actions: serve_actions.py
    assert set(spec["paths"]["/v1/jobs"]["post"]["requestBody"]["content"]) == {"application/json",
                                                                                "multipart/form-data"}
    for path in ("/v1/check", "/v1/mask"):
        body = spec["paths"][path]["post"]["requestBody"]["content"]
        assert set(body) == {"application/json", "multipart/form-data", "application/x-www-form-urlencoded"}
        assert body["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert {p["name"] for p in spec["paths"]["/v1/check"]["post"]["parameters"]} == {"masked"}
    docs = server.get("/docs")
    assert docs.status_code == 200 and "接口文档" in docs.text
    assert "default-src 'none'" in docs.headers["content-security-policy"]
    assert server.get("/redoc").status_code == 404


@pytest.mark.parametrize("path", ["/", "/app.js", "/list.js", "/actions.js", "/style.css", "/docs",
                                  "/docs.js"])
def test_pages_load_nothing_from_outside(server, path):
    response = server.get(path)
    assert response.status_code == 200
    assert "http://" not in response.text and "https://" not in response.text and "//cdn" not in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_web_page_is_chinese_and_escapes_user_text(server):
    page = server.get("/").text
    assert 'lang="zh-CN"' in page and "检查" in page
    script = server.get("/app.js").text + server.get("/list.js").text + server.get("/actions.js").text
    assert "innerHTML" not in script and "outerHTML" not in script and "insertAdjacentHTML" not in script


def test_no_endpoint_reads_server_files(server):
    for path in ("/../../etc/passwd", "/static/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/web/index.html"):
        response = server.get(path)
        assert response.status_code == 404 and "root:" not in response.text


# -- token, size and time limits ------------------------------------------------------------------

def test_token_is_required_on_v1(guarded):
    right = {"Authorization": f"Bearer {TOKEN}".encode()}
    body = {"text": "截止目前"}
    missing = httpx.post(guarded + "/v1/check", json=body)
    assert missing.status_code == 401 and "令牌" in missing.json()["detail"]
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = httpx.post(guarded + "/v1/check", json=body, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    other_scheme = httpx.post(guarded + "/v1/mask", json=body, headers={"Authorization": f"Basic {TOKEN}".encode()})
    assert other_scheme.status_code == 401
    ok = httpx.post(guarded + "/v1/check", json=body, headers=right)
    assert ok.status_code == 200 and only_file(ok.json())["findings"]
    assert httpx.post(guarded + "/v1/mask", json=body, headers=right).status_code == 200
    for path in ("/healthz", "/", "/app.js", "/docs", "/openapi.json"):   # probes, page and docs stay open
        assert httpx.get(guarded + path).status_code == 200, path
    assert httpx.get(guarded + "/v2/anything").status_code == 401   # closed unless listed as open


def test_oversized_body_is_413(guarded):
    right = {"Authorization": f"Bearer {TOKEN}".encode()}
    big = {"text": "截止目前" * 10_000}                           # 120 KB of UTF-8 > 64 KiB
    response = httpx.post(guarded + "/v1/check", json=big, headers=right)
    assert response.status_code == 413 and "请求过大" in response.json()["detail"]
    upload = httpx.post(guarded + "/v1/check", files={"file": ("a.txt", b"a" * 70_000)}, headers=right)
    assert upload.status_code == 413

    def chunks():                                                  # no Content-Length: counted while read
        for _ in range(100):
            yield b"a" * 4096

    streamed = httpx.post(guarded + "/v1/check", content=chunks(),
                          headers={**right, "content-type": "application/json"})
    assert streamed.status_code == 413
    below = httpx.post(guarded + "/v1/check", json={"text": "截止目前" * 5_000}, headers=right)
    assert below.status_code == 200


def test_a_check_past_the_timeout_is_504_and_a_full_pool_503(tmp_path):
    text = "截止目前，全县已完成改造任务，联系电话13800138000。\n" * 10_000   # about a second of work
    with running_server(tmp_path, "--timeout", "0.02", "--workers", "1") as base:
        slow = httpx.post(base + "/v1/check", json={"text": text}, timeout=60)
        assert slow.status_code == 504 and "超时" in slow.json()["detail"]
        # the abandoned check still holds the only slot; the event loop is free all the same
        assert httpx.get(base + "/healthz").status_code == 200
        busy = httpx.post(base + "/v1/check", json={"text": "截止目前"})
        assert busy.status_code == 503 and "繁忙" in busy.json()["detail"]
        deadline = time.monotonic() + 120
        while httpx.post(base + "/v1/check", json={"text": "截止目前"}).status_code != 200:
            assert time.monotonic() < deadline, "the slot was never given back"
            time.sleep(0.2)


def test_the_warm_up_text_reaches_the_detectors_that_build_state_on_first_use():
    """``gkcheck serve`` checks WARM_TEXT once before it accepts a connection, so that the word
    segmenter, the typo model and the lazily compiled patterns are built once and not by every
    worker thread that meets the first requests (docs/serve.md). The text must keep reaching
    those detectors as the rules change."""
    from gkcheck import Checker
    from gkcheck.surfaces.serve import WARM_TEXT, warm

    checker = Checker()
    assert warm(checker) is checker
    found = {checker.rules[f.rule].detector for f in checker.check_text(WARM_TEXT)}
    assert {"dictionary", "dates", "nearmiss", "typostat", "privacy"} <= found, found
