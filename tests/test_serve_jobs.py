"""``gkcheck serve`` jobs (docs/serve.md, "检查任务"): a real server in a subprocess driven over
HTTP — progress streamed while a large list is checked, cancel that stops the work, findings
paged in document order, groups, downloads, unknown ids and tokens."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import docx
import httpx
import openpyxl
import pytest

from .list_files import big_list
from .live_server import running_server

TOKEN = "jobs-token-31c7"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ID = "110101199003074514"
TEXT = f"截止目前已完成。\n其他。\n截止目前已发放。申请人身份证号码{ID}。\n按步就班推进。"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("jobs")


@pytest.fixture(scope="module")
def base(workdir):
    (workdir / "gkcheck.toml").write_text("expand-columns = true\n", "utf-8")
    with running_server(workdir, "--config", str(workdir / "gkcheck.toml"), "--workers", "2",
                        env={"GKCHECK_TOKEN": TOKEN}) as url:
        yield url


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """A server without a token and with one worker (4 jobs kept)."""
    with running_server(tmp_path_factory.mktemp("single"), "--workers", "1") as url:
        yield url


@pytest.fixture()
def client(base):
    with httpx.Client(base_url=base, headers=AUTH, timeout=120) as c:
        yield c


def events(client: httpx.Client, job_id: str) -> list[dict]:
    with client.stream("GET", f"/v1/jobs/{job_id}/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in response.iter_lines() if line.strip()]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_text_job_ends_with_the_same_findings_as_check_paged_in_document_order(client):
    created = client.post("/v1/jobs", json={"text": TEXT, "publish_date": "2024-03-01"})
    assert created.status_code == 202
    job = created.json()
    assert created.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["state"] in ("queued", "running", "done") and len(job["id"]) >= 20
    lines = events(client, job["id"])
    assert lines[-1]["state"] == "done" and lines[-1]["files"][0]["status"] == "ok"
    whole = client.post("/v1/check", json={"text": TEXT, "publish_date": "2024-03-01"}).json()
    expected = whole["files"][0]["findings"]
    assert lines[-1]["summary"] == whole["summary"]
    pages = [client.get(f"/v1/jobs/{job['id']}/findings", params={"offset": o, "limit": 2}).json()
             for o in range(0, len(expected), 2)]
    assert all(p["total"] == len(expected) for p in pages)
    got = [f for p in pages for f in p["findings"]]
    assert [{k: v for k, v in f.items() if k != "file"} for f in got] == expected
    assert [(f["location"]["line"], f["location"]["column"]) for f in got] == sorted(
        (f["location"]["line"], f["location"]["column"]) for f in got)
    # masked for people: the ID is not shown whole anywhere
    masked = client.get(f"/v1/jobs/{job['id']}/findings", params={"masked": "true", "limit": 100}).text
    assert ID not in masked and "110101********4514" in masked
    # groups: 截止目前 twice is one group ×2 whose places are listed in order
    groups = client.get(f"/v1/jobs/{job['id']}/groups").json()
    (twice,) = [g for g in groups["groups"] if g["count"] == 2]
    assert twice["finding"]["match"] == "截止目前" and twice["kind"] == "same"
    places = client.get(f"/v1/jobs/{job['id']}/groups/{twice['index']}", params={"limit": 1}).json()
    assert places["total"] == 2 and places["findings"][0]["location"]["text"] == "第1行第1字"
    rest = client.get(f"/v1/jobs/{job['id']}/groups/{twice['index']}", params={"offset": 1}).json()
    assert rest["findings"][0]["location"]["text"] == "第3行第1字"


def test_uploads_give_one_result_per_file_and_an_unreadable_one_fails_the_job(client):
    document = docx.Document()
    document.add_paragraph("截止目前，全县已完成。")
    data = io.BytesIO()
    document.save(data)
    created = client.post("/v1/jobs", files=[("file", ("通知.docx", data.getvalue())),
                                             ("file", ("坏.xlsx", b"PK\x03\x04 broken"))])
    assert created.status_code == 202
    final = events(client, created.json()["id"])[-1]
    assert final["state"] == "failed"                       # fail closed: never "done"
    assert [f["status"] for f in final["files"]] == ["ok", "error"]
    assert "坏.xlsx" in final["error"] and "不能视为没有问题" in final["error"]
    findings = client.get(f"/v1/jobs/{final['id']}/findings").json()["findings"]
    assert [(f["file"], f["rule"]) for f in findings] == [(0, "T001")]
    assert final["summary"]["files_failed"] == 1


def test_a_large_list_streams_progress_within_the_file_and_cancel_stops_the_work(client, base, workdir):
    data = big_list(workdir / "cancel.xlsx", 25_000).read_bytes()
    job = client.post("/v1/jobs", files={"file": ("名单.xlsx", data)}).json()
    seen = []
    with client.stream("GET", f"/v1/jobs/{job['id']}/events") as response:
        for line in response.iter_lines():
            status = json.loads(line)
            seen.append(status)
            p = status["progress"]
            if p and p["phase"] == "check" and p["done"] > 0:
                break
    p = seen[-1]["progress"]
    assert (p["file"], p["files"], p["name"], p["unit"]) == (1, 1, "名单.xlsx", "个单元格")
    assert 0 < p["done"] <= p["total"] and p["total"] >= 125_000 and 0 < p["fraction"] < 1
    cancelled = client.post(f"/v1/jobs/{job['id']}/cancel").json()
    assert cancelled["cancelling"] or cancelled["state"] == "cancelled"
    deadline = time.monotonic() + 20
    while client.get(f"/v1/jobs/{job['id']}").json()["state"] != "cancelled":
        assert time.monotonic() < deadline, "the job did not stop"
        time.sleep(0.1)
    # the worker thread has stopped: the server uses (almost) no CPU any more
    pid = int((workdir / "server.pid").read_text())
    before = cpu_seconds(pid)
    time.sleep(1.5)
    assert cpu_seconds(pid) - before < 0.4
    assert client.get(f"/v1/jobs/{job['id']}/findings").status_code == 409
    final = client.get(f"/v1/jobs/{job['id']}").json()
    assert final["files"][0]["status"] == "pending" and "summary" not in final


def test_reports_download_with_a_safe_name_and_personal_data_masked(client):
    job = client.post("/v1/jobs", json={"text": TEXT, "filename": "通知\"; x.html"}).json()
    events(client, job["id"])
    html = client.get(f"/v1/jobs/{job['id']}/report", params={"format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    disposition = html.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert '"; x' not in disposition.split("filename*=")[0].split('filename="', 1)[1][:-3]
    assert "截至目前" in html.text and "按部就班" in html.text and ID not in html.text
    xlsx = client.get(f"/v1/jobs/{job['id']}/report", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "截至目前" in cells and ID not in cells and "110101********4514" in cells
    full = client.get(f"/v1/jobs/{job['id']}/report", params={"format": "json"}).json()
    assert ID in json.dumps(full) and full["summary"]["findings"] == 4   # JSON: for programs, whole
    assert client.get(f"/v1/jobs/{job['id']}/report", params={"format": "pdf"}).status_code == 400


def test_unknown_ids_other_tokens_bad_pages_and_deleted_jobs(client, base):
    assert client.get("/v1/jobs/no-such-job").status_code == 404
    assert client.get("/v1/jobs/no-such-job/events").status_code == 404
    assert client.post("/v1/jobs/no-such-job/cancel").status_code == 404
    job = client.post("/v1/jobs", json={"text": "截止目前"}).json()
    assert httpx.get(f"{base}/v1/jobs/{job['id']}").status_code == 401
    assert httpx.get(f"{base}/v1/jobs/{job['id']}", headers={"Authorization": "Bearer other"}).status_code == 401
    events(client, job["id"])
    for params in ({"limit": 0}, {"limit": 5000}, {"offset": -1}):
        assert client.get(f"/v1/jobs/{job['id']}/findings", params=params).status_code == 400
    assert client.get(f"/v1/jobs/{job['id']}/groups/99").status_code == 404
    assert client.post("/v1/jobs", json={"text": "x", "colour": 1}).status_code == 400
    assert client.post("/v1/jobs", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.post("/v1/jobs", files={"other": ("a.txt", b"x")}).status_code == 400
    assert client.delete(f"/v1/jobs/{job['id']}").status_code == 204
    assert client.get(f"/v1/jobs/{job['id']}").status_code == 404


def test_jobs_are_bound_to_the_token_that_made_them(single):
    """Without a server token every client is the same owner; with one, the Authorization
    header is the owner: a job made with a header that differs (as a proxy adding its own
    credentials would) is not found."""
    url = single
    job = httpx.post(f"{url}/v1/jobs", json={"text": "截止目前"}).json()
    assert httpx.get(f"{url}/v1/jobs/{job['id']}").status_code == 200
    assert httpx.get(f"{url}/v1/jobs/{job['id']}", headers={"Authorization": "Bearer someone"}).status_code == 404


def test_the_number_of_jobs_kept_is_bounded(single):
    """``max_jobs`` (4 per worker): when all are kept and finished, the oldest is forgotten."""
    with httpx.Client(base_url=single, timeout=60) as c:
        ids = []
        for i in range(4):
            ids.append(c.post("/v1/jobs", json={"text": f"截止目前{i}"}).json()["id"])
            events(c, ids[-1])
        first = ids[0]
        newer = c.post("/v1/jobs", json={"text": "截止目前"})
        assert newer.status_code == 202
        assert c.get(f"/v1/jobs/{first}").status_code == 404
        assert all(c.get(f"/v1/jobs/{i}").status_code == 200 for i in ids[1:])


def test_an_upload_gets_its_text_with_every_finding_placed_and_personal_data_masked(client):
    document = docx.Document()
    document.add_paragraph("通知")
    document.add_paragraph(f"截止目前，全县已完成。身份证号码{ID}。")
    document.add_table(rows=1, cols=2).cell(0, 1).text = "按步就班推进"
    document.sections[0].footer.paragraphs[0].text = "截止目前页脚"
    data = io.BytesIO()
    document.save(data)
    page = "<p>截止目前 联系电话13907971234</p>\n<p>按步就班</p>".encode()
    job = client.post("/v1/jobs", files=[("file", ("通知.docx", data.getvalue())),
                                         ("file", ("页面.html", page))]).json()
    final = events(client, job["id"])[-1]
    assert [f["text"] for f in final["files"]] == [True, True]
    shown = client.get(f"/v1/jobs/{job['id']}/text", params={"file": 0}).json()
    assert [(s["where"], s["text"]) for s in shown["segments"]] == [
        ("正文第1段", "通知"), ("正文第2段", "截止目前，全县已完成。身份证号码110101********4514。"),
        ("表格1 第1行第2列", "按步就班推进"), ("页脚", "截止目前页脚")]
    findings = client.get(f"/v1/jobs/{job['id']}/findings", params={"masked": "true"}).json()["findings"]
    placed = {n: (s["text"][a:b], s["where"]) for s in shown["segments"] for a, b, ns in s["marks"] for n in ns}
    # every finding of the DOCX is marked where its (masked) match is
    assert {n: findings[n - 1]["match"] for n in placed} == {n: text for n, (text, _) in placed.items()}
    assert sorted(placed) == [1, 2, 3, 4] and shown["unplaced"] == 0
    html = client.get(f"/v1/jobs/{job['id']}/text", params={"file": 1}).json()
    assert [s["text"] for s in html["segments"]] == ["截止目前 联系电话139****1234", "按步就班"]
    assert sorted(n for s in html["segments"] for _, _, ns in s["marks"] for n in ns) == [5, 6, 7]
    assert "13907971234" not in json.dumps(html) and ID not in json.dumps(shown)
    text_job = client.post("/v1/jobs", json={"text": "截止目前"}).json()
    events(client, text_job["id"])
    assert client.get(f"/v1/jobs/{text_job['id']}/text").status_code == 404


def test_a_job_waiting_for_a_thread_is_cancelled_at_once_and_delete_stops_a_running_one(single, tmp_path):
    data = big_list(tmp_path / "list.xlsx", 20_000).read_bytes()
    with httpx.Client(base_url=single, timeout=60) as c:
        busy = c.post("/v1/jobs", files={"file": ("名单.xlsx", data)}).json()
        waiting = c.post("/v1/jobs", json={"text": "截止目前"}).json()
        assert c.get(f"/v1/jobs/{waiting['id']}").json()["state"] == "queued"
        assert c.post(f"/v1/jobs/{waiting['id']}/cancel").json()["state"] == "cancelled"
        assert c.get(f"/v1/jobs/{busy['id']}").json()["state"] == "running"
        assert c.delete(f"/v1/jobs/{busy['id']}").status_code == 204
        assert c.get(f"/v1/jobs/{busy['id']}").status_code == 404
        # the thread is free again: a new job runs to its end
        assert events(c, c.post("/v1/jobs", json={"text": "截止目前"}).json()["id"])[-1]["state"] == "done"


def wait_until_ended(job, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while job.ended is None:
        assert time.monotonic() < deadline, job.state
        time.sleep(0.02)


def store(checker, **options):
    from gkcheck.surfaces.serve import check_text
    from gkcheck.surfaces.serve_jobs import JobStore

    settings = {"workers": 1, "max_jobs": 4, "ttl": 60.0, "timeout": 60.0, **options}
    return JobStore(lambda: checker, check_text,
                    mask=lambda text: text, **settings)


def test_jobs_expire_after_their_time_and_a_job_past_its_time_limit_fails(checker, workdir):
    from gkcheck.surfaces.serve_jobs import Input

    jobs = store(checker, ttl=0.2)
    try:
        job = jobs.create("owner", [Input("<text>", text="截止目前")], None)
        wait_until_ended(job)
        assert job.state == "done" and jobs.get(job.id, "owner") is job
        assert jobs.get(job.id, "someone else") is None
        time.sleep(0.3)
        assert jobs.get(job.id, "owner") is None            # expired: forgotten
    finally:
        jobs.close()
    jobs = store(checker, timeout=0.05)
    try:
        data = big_list(workdir / "slow.xlsx", 20_000).read_bytes()
        job = jobs.create("owner", [Input("名单.xlsx", data=data)], None)
        wait_until_ended(job)
        assert job.state == "failed" and "超时" in job.error and job.results == [] and job.inputs == []
        assert "summary" not in job.status()
    finally:
        jobs.close()
