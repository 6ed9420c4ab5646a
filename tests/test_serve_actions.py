"""忽略此处, 加入本单位词库, the ledger wired into ``gkcheck serve`` and form posts with a text
field, over HTTP against real servers (uvicorn subprocesses, tests/live_server.py)."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import docx
import httpx
import pytest

from gkcheck.ledger import Ledger

from .live_server import running_server

TOKEN = "api-actions-token-91f3"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ORIGINAL = "\ufeff# 本单位专有名词\n章贡\n=赣州蓉江新区\n"
TEXT = "截止目前，全县已完成改造。工作要按步就班推进。"


@pytest.fixture(scope="module")
def allow_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("allow")
    (work / "gkcheck.toml").write_text('allowlists = ["词库/本单位词库.txt"]\n', "utf-8")
    (work / "词库").mkdir()
    (work / "词库" / "本单位词库.txt").write_text(ORIGINAL, "utf-8")
    with running_server(work, "--config", "gkcheck.toml", env={"GKCHECK_TOKEN": TOKEN}) as base:
        yield base, work


@pytest.fixture(scope="module")
def ledger_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("ledger")
    (work / "gkcheck.toml").write_text('ledger = "台账.db"\n', "utf-8")
    with running_server(work, "--config", "gkcheck.toml") as base:
        yield base, work


def post(base, path, **kwargs):
    return httpx.post(base + path, headers={**AUTH, **kwargs.pop("headers", {})}, timeout=60, **kwargs)


def findings(response):
    assert response.status_code == 200, response.text
    (file,) = response.json()["files"]
    return file["findings"]


def test_actions_need_the_token(allow_server):
    base, _ = allow_server
    for path, body in (("/v1/ignore", {"fingerprint": "0" * 24}), ("/v1/allow", {"word": "甲", "rule": "T001"})):
        assert httpx.post(base + path, json=body).status_code == 401
    assert httpx.get(base + "/v1/actions").status_code == 401
    actions = httpx.get(base + "/v1/actions", headers=AUTH).json()
    assert actions["ignore"] == {"available": True, "store": "file", "message": None}
    assert actions["allow"]["file"] == "本单位词库.txt" and "T001" in actions["allow"]["rules"]
    assert "P001" not in actions["allow"]["rules"] and "T020" in actions["allow"]["rules"]
    assert not [r for r in actions["allow"]["rules"] if r[0] in "SE"]    # sensitive, expression: per place only


def test_ignore_without_a_ledger_is_kept_beside_the_config(allow_server):
    base, work = allow_server
    text = "截止目前，已发放补贴。再次截止目前，已发放补贴。"
    first = findings(post(base, "/v1/check", json={"text": text, "filename": "补贴.txt"}))
    hits = [f for f in first if f["match"] == "截止目前"]
    assert len(hits) == 2 and all(len(f["fingerprint"]) == 24 for f in hits)
    answer = post(base, "/v1/ignore", json={"fingerprint": hits[0]["fingerprint"], "rule": "T001", "doc": "补贴.txt"})
    assert answer.status_code == 200 and answer.json()["ignored"] == 1
    again = post(base, "/v1/check", json={"text": text, "filename": "补贴.txt"})
    left = [f for f in findings(again) if f["match"] == "截止目前"]
    assert [f["fingerprint"] for f in left] == [hits[1]["fingerprint"]]      # only that place
    assert again.json()["files"][0]["suppressed"] == 1
    stored = json.loads((work / "gkcheck-serve-ignored.json").read_text("utf-8"))
    assert [e["fingerprint"] for e in stored["ignored"]] == [hits[0]["fingerprint"]]
    assert (work / "gkcheck-serve-ignored.json.key").stat().st_mode & 0o777 == 0o600
    # the same words in another document are other places
    other = findings(post(base, "/v1/check", json={"text": text, "filename": "另一篇.txt"}))
    assert sum(f["match"] == "截止目前" for f in other) == 2


@pytest.mark.parametrize("body, status, words", [
    ({"fingerprint": "not-hex"}, 400, "十六进制"),
    ({"fingerprints": []}, 400, "列表"),
    ({"fingerprint": 3}, 400, "fingerprint"),
])
def test_bad_ignores_are_refused(allow_server, body, status, words):
    response = post(allow_server[0], "/v1/ignore", json=body)
    assert response.status_code == status and words in response.json()["detail"]


def test_allow_word_is_appended_atomically_keeping_every_entry(allow_server):
    base, work = allow_server
    path = work / "词库" / "本单位词库.txt"
    assert any(f["match"] == "按步就班" for f in findings(post(base, "/v1/check", json={"text": TEXT})))
    answer = post(base, "/v1/allow", json={"word": "按步就班", "rule": "T001"})
    assert answer.status_code == 200 and answer.json() == {"word": "按步就班", "file": "本单位词库.txt", "added": True}
    assert path.read_text("utf-8") == ORIGINAL + "按步就班\n"
    assert not any(f["match"] == "按步就班" for f in findings(post(base, "/v1/check", json={"text": TEXT})))
    again = post(base, "/v1/allow", json={"word": "按步就班", "rule": "T001"})
    assert again.json()["added"] is False and path.read_text("utf-8") == ORIGINAL + "按步就班\n"
    # an upload is checked with the new words too
    document = docx.Document()
    document.add_paragraph(TEXT)
    buf = io.BytesIO()
    document.save(buf)
    upload = post(base, "/v1/check", files={"file": ("通知.docx", buf.getvalue())})
    assert {f["match"] for f in findings(upload)} == {"截止目前"}


def test_concurrent_allow_writers_lose_nothing(allow_server):
    base, work = allow_server
    words = [f"测试专名{i:02d}" for i in range(24)]
    answers: list[int] = []

    def add(word: str) -> None:
        answers.append(post(base, "/v1/allow", json={"word": word, "rule": "T001"}).status_code)

    threads = [threading.Thread(target=add, args=(w,)) for w in words]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * len(words)
    lines = (work / "词库" / "本单位词库.txt").read_text("utf-8-sig").splitlines()
    assert lines[:3] == ["# 本单位专有名词", "章贡", "=赣州蓉江新区"]
    assert sorted(set(lines) & set(words)) == words and len(lines) == len(set(lines))
    assert not [p for p in (work / "词库").iterdir() if p.name != "本单位词库.txt"]   # no temp files left


def test_a_hand_edit_of_the_allow_list_is_picked_up_without_a_restart(allow_server):
    base, work = allow_server
    text = "要再接再励，做好工作。"
    assert any(f["match"] == "再接再励" for f in findings(post(base, "/v1/check", json={"text": text})))
    path = work / "词库" / "本单位词库.txt"
    path.write_text(path.read_text("utf-8") + "再接再励\n", "utf-8")
    assert not any(f["match"] == "再接再励" for f in findings(post(base, "/v1/check", json={"text": text})))


@pytest.mark.parametrize("body, status, words", [
    ({"word": "两个\n词", "rule": "T001"}, 400, "换行"),
    ({"word": "有 空格", "rule": "T001"}, 400, "空白"),
    ({"word": "#注释", "rule": "T001"}, 400, "#"),
    ({"word": "长" * 41, "rule": "T001"}, 400, "过长"),
    ({"word": "110101199003074514", "rule": "P001"}, 422, "忽略此处"),
    ({"word": "某敏感词", "rule": "S001"}, 422, "忽略此处"),
    ({"word": "甲"}, 400, "rule"),
    ({"word": "甲乙", "rule": "T001", "file": "/etc/passwd"}, 400, "未知字段"),
])
def test_allow_refuses_what_is_not_one_word_of_a_word_rule(allow_server, body, status, words):
    base, work = allow_server
    response = post(base, "/v1/allow", json=body)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert "甲乙" not in (work / "词库" / "本单位词库.txt").read_text("utf-8")   # a request never names a file


def test_ledger_records_checks_and_ignore_marks_the_entry(ledger_server):
    base, work = ledger_server
    actions = httpx.get(base + "/v1/actions").json()
    assert actions["ignore"]["store"] == "ledger"
    assert actions["allow"]["available"] is False
    refused = httpx.post(base + "/v1/allow", json={"word": "按步就班", "rule": "T001"})
    assert refused.status_code == 409 and "allowlists" in refused.json()["detail"]
    first = findings(httpx.post(base + "/v1/check", json={"text": TEXT, "filename": "通知.html"}))
    assert {f["ledger_state"] for f in first} == {"new"}
    target = next(f for f in first if f["match"] == "截止目前")
    answer = httpx.post(base + "/v1/ignore", json={"fingerprint": target["fingerprint"], "reason": "原文照录"})
    assert answer.status_code == 200 and answer.json()["store"] == "ledger"
    again = httpx.post(base + "/v1/check", json={"text": TEXT, "filename": "通知.html"})
    assert [(f["match"], f["ledger_state"]) for f in findings(again)] == [("按步就班", "known")]
    assert again.json()["files"][0]["suppressed"] == 1
    with Ledger(work / "台账.db") as ledger:
        entry, history = ledger.get(target["fingerprint"])
        assert entry.mark == "ignored" and entry.mark_reason == "原文照录" and entry.mark_user == "网页"
        assert entry.doc == "通知.html" and entry.shown_state == "已忽略"
        assert [s["source"] for s in ledger.scans()] == ["serve", "serve"]
    unknown = httpx.post(base + "/v1/ignore", json={"fingerprint": "ab" * 12})
    assert unknown.status_code == 404 and "台账" in unknown.json()["detail"]


def test_without_a_config_file_ignore_says_why(tmp_path):
    with running_server(tmp_path) as base:
        actions = httpx.get(base + "/v1/actions").json()
        assert actions["ignore"]["available"] is False and actions["allow"]["available"] is False
        (finding,) = findings(httpx.post(base + "/v1/check", json={"text": "截止目前已完成。"}))
        assert "fingerprint" not in finding           # nothing to record it in: no fingerprint offered
        answer = httpx.post(base + "/v1/ignore", json={"fingerprint": "ab" * 12})
        assert answer.status_code == 409 and "gkcheck.toml" in answer.json()["detail"]
        answer = httpx.post(base + "/v1/allow", json={"word": "截止目前", "rule": "T001"})
        assert answer.status_code == 409 and "allowlists" in answer.json()["detail"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.log", "server.pid"]   # nothing written


# -- form posts with a text field (what PHP's curl sends) -------------------------------------------

def test_urlencoded_form_with_text_checks_masks_and_annotates(allow_server):
    base, _ = allow_server
    body = str(httpx.QueryParams({"text": "截止目前已完成。联系人身份证号110101199003074514", "publish_date": "2024-03-01"}))
    assert body.startswith("text=%E6%88%AA")      # a real urlencoded body, as PHP's http_build_query
    response = post(base, "/v1/check", content=body.encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert {f["rule"] for f in findings(response)} >= {"T001", "P001"}
    masked = post(base, "/v1/mask", content=str(httpx.QueryParams({"text": "身份证号110101199003074514"})).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert masked.status_code == 200 and masked.json()["text"] == "身份证号110101********4514"
    page = post(base, "/v1/annotate", data={"text": "<p>截止目前已完成。</p>", "filename": "page.html", "fix": "true"})
    assert page.status_code == 200 and "截至目前" in page.text and page.headers["X-Gkcheck-Fixed"] == "1"
    plain = post(base, "/v1/annotate", data={"text": "截止目前已完成。"})
    assert plain.status_code == 400 and "filename" in plain.json()["detail"]
    unknown = post(base, "/v1/check", data={"text": "截止目前", "publish-date": "2024-03-01"})
    assert unknown.status_code == 400 and "publish-date" in unknown.json()["detail"]


def test_long_form_texts_are_checked_like_json_ones(allow_server):
    base, _ = allow_server
    big = "全县已完成改造。\n" * 60_000 + "截止目前已完成。"    # 1.6 MB: over the form parser's default part size
    for kwargs in ({"files": {"text": (None, big)}}, {"data": {"text": big}}):
        response = post(base, "/v1/check", **kwargs)
        assert response.status_code == 200, response.text[:300]
        assert [f["location"]["line"] for f in findings(response)] == [60_001]


def test_multipart_form_with_text_and_no_file_is_checked(allow_server):
    base, _ = allow_server
    response = post(base, "/v1/check", files={"text": (None, "截止目前已完成。"), "filename": (None, "稿件.txt")})
    file = response.json()["files"][0]
    assert response.status_code == 200 and file["path"] == "稿件.txt"
    assert [f["match"] for f in file["findings"]] == ["截止目前"]
    empty = post(base, "/v1/check", files={"publish_date": (None, "2024-03-01")})
    assert empty.status_code == 400 and "text" in empty.json()["detail"]


def test_written_files_stay_inside_the_configured_places(allow_server):
    base, work = allow_server
    names = sorted(str(p.relative_to(work)) for p in Path(work).rglob("*"))
    assert names == ["gkcheck-serve-ignored.json", "gkcheck-serve-ignored.json.key", "gkcheck.toml",
                     "server.log", "server.pid", "词库", "词库/本单位词库.txt"]


def test_an_unreadable_allow_list_is_a_503_never_a_blind_check(tmp_path):
    (tmp_path / "gkcheck.toml").write_text('allowlists = ["词库.txt"]\ndictionaries = ["词库.txt"]\n', "utf-8")
    (tmp_path / "词库.txt").write_text("# rule: T001\n# basis: 本单位\n", "utf-8")      # readable as both
    with running_server(tmp_path, "--config", "gkcheck.toml") as base:
        # the allow-list is also a dictionary file: no word is written into it
        refused = httpx.post(base + "/v1/allow", json={"word": "截止目前", "rule": "T001"})
        assert refused.status_code == 409 and "dictionaries" in refused.json()["detail"]
        assert (tmp_path / "词库.txt").read_text("utf-8") == "# rule: T001\n# basis: 本单位\n"
        (tmp_path / "词库.txt").write_bytes(b"\xff\xfe\x00bad")   # edited by hand into garbage
        broken = httpx.post(base + "/v1/check", json={"text": "截止目前已完成。"}, timeout=60)
        assert broken.status_code == 503 and "词库.txt" in broken.json()["detail"]
        (tmp_path / "词库.txt").write_text("# rule: T001\n# basis: 本单位\n", "utf-8")
        fixed = httpx.post(base + "/v1/check", json={"text": "截止目前已完成。"}, timeout=60)
        assert [f["match"] for f in findings(fixed)] == ["截止目前"]


def test_doc_field_names_the_document_in_the_ledger(ledger_server):
    base, work = ledger_server
    text = "截止目前，已发放补贴。"
    one = findings(httpx.post(base + "/v1/check", json={"text": text, "doc": "zwgk/tzgg/1.html"}))
    two = findings(httpx.post(base + "/v1/check", data={"text": text, "doc": "zwgk\\tzgg\\2.html"}))
    assert one[0]["fingerprint"] != two[0]["fingerprint"]       # two documents, two places
    assert httpx.post(base + "/v1/ignore", json={"fingerprint": one[0]["fingerprint"]}).status_code == 200
    assert findings(httpx.post(base + "/v1/check", json={"text": text, "doc": "zwgk/tzgg/1.html"})) == []
    assert len(findings(httpx.post(base + "/v1/check", json={"text": text, "doc": "zwgk/tzgg/2.html"}))) == 1
    with Ledger(work / "台账.db") as ledger:
        docs = {e.doc: e.shown_state for e in ledger.findings(prefix="zwgk/")}
    assert docs == {"zwgk/tzgg/1.html": "已忽略", "zwgk/tzgg/2.html": "未整改"}
    bad = httpx.post(base + "/v1/check", json={"text": text, "doc": "两行\n文档"})
    assert bad.status_code == 400 and "doc" in bad.json()["detail"]


def test_two_server_processes_writing_one_allow_list_lose_nothing(tmp_path):
    shared = tmp_path / "共享词库"
    shared.mkdir()
    allow = shared / "本单位词库.txt"
    allow.write_text("章贡\n", "utf-8")
    works = []
    for name in ("a", "b"):
        work = tmp_path / name
        work.mkdir()
        (work / "gkcheck.toml").write_text(f'allowlists = ["{allow}"]\n', "utf-8")
        works.append(work)
    with running_server(works[0], "--config", "gkcheck.toml") as one, \
            running_server(works[1], "--config", "gkcheck.toml") as two:
        words = {base: [f"{tag}专名{i:02d}" for i in range(12)] for base, tag in ((one, "甲"), (two, "乙"))}
        statuses: list[int] = []

        def add(base: str, word: str) -> None:
            statuses.append(httpx.post(base + "/v1/allow", json={"word": word, "rule": "T001"}, timeout=60).status_code)

        threads = [threading.Thread(target=add, args=(base, w)) for base, ws in words.items() for w in ws]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 24
        lines = allow.read_text("utf-8").splitlines()
        assert lines[0] == "章贡" and sorted(lines[1:]) == sorted(w for ws in words.values() for w in ws)
        # a word one server writes is honoured by the other at its next check
        assert findings(httpx.post(one + "/v1/check", json={"text": "要再接再励。"}))
        assert httpx.post(two + "/v1/allow", json={"word": "再接再励", "rule": "T001"}).status_code == 200
        assert findings(httpx.post(one + "/v1/check", json={"text": "要再接再励。"})) == []
        assert sorted(p.name for p in shared.iterdir()) == ["本单位词库.txt"]
