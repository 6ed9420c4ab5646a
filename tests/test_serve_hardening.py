"""Issue 12, defect 7 (the parts apart from load): Host allow-list against DNS rebinding, a
token of white space refused at start-up, deep JSON answered 400, slow bodies timed out, and
repeated log lines rate-limited. Real ``gkcheck serve`` subprocesses on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gkcheck.surfaces.serve_guard import host_allow_list, host_name
from gkcheck.surfaces.serve_limits import RepeatFilter

from .live_server import running_server

GKCHECK = Path(sys.executable).with_name("gkcheck")
TEXT = {"text": "全县已完成改造任务。"}


@pytest.fixture(scope="module")
def local_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("local")
    with running_server(workdir) as base:
        yield base, workdir


@pytest.fixture()
def local(local_server) -> str:
    return local_server[0]


def test_a_rebound_host_name_is_refused_without_a_token(local):
    """A page on attacker.example whose name now points at 127.0.0.1 sends ``Host:
    attacker.example``; a local instance without a token must not answer it."""
    port = local.rsplit(":", 1)[1]
    for host in (f"attacker.example:{port}", "attacker.example", "127.0.0.1.attacker.example"):
        response = httpx.post(local + "/v1/check", json=TEXT, headers={"Host": host})
        assert response.status_code == 400 and "Host" in response.json()["detail"], host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST", f"[::1]:{port}"):
        assert httpx.post(local + "/v1/check", json=TEXT, headers={"Host": host}).status_code == 200, host


def test_allow_host_option_and_token_default(tmp_path):
    with running_server(tmp_path, "--allow-host", "check.example.gov.cn") as base:
        assert httpx.get(base + "/", headers={"Host": "check.example.gov.cn"}).status_code == 200
        assert httpx.get(base + "/", headers={"Host": "other.example"}).status_code == 400
        assert httpx.get(base + "/").status_code == 400            # the list replaces the default
        assert httpx.get(base + "/healthz", headers={"Host": "10.1.2.3"}).status_code == 200  # probes: any
    assert host_allow_list(None, "token") is None                       # a token: any name
    assert host_allow_list(None, None, "10.0.0.5") == {"localhost", "127.0.0.1", "::1", "10.0.0.5"}
    assert host_allow_list(None, None, "0.0.0.0") == {"localhost", "127.0.0.1", "::1"}
    assert host_allow_list(["*"], None) is None
    assert host_name(b"[::1]:8000") == "::1" and host_name(b"Example.org:80") == "example.org"
    assert host_name(None) == ""


@pytest.mark.parametrize("token", ["   ", "\t", " \n "])
def test_a_token_of_white_space_is_refused_at_start_up(tmp_path, token):
    for args, env in ((["--token", token], {}), ([], {"GKCHECK_TOKEN": token})):
        proc = subprocess.run([str(GKCHECK), "serve", "--port", "1", *args], capture_output=True, text=True,
                              timeout=60, cwd=tmp_path, env={**_env(), **env})
        assert proc.returncode == 2, proc.stderr
        assert "令牌" in proc.stderr and "Uvicorn running" not in proc.stderr


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "GKCHECK_TOKEN"}


def test_a_token_with_spaces_around_it_works(tmp_path):
    with running_server(tmp_path, env={"GKCHECK_TOKEN": " s3cret-token \n"}) as base:
        ok = httpx.post(base + "/v1/check", json=TEXT, headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200
        assert httpx.post(base + "/v1/check", json=TEXT).status_code == 401


def test_deep_json_is_400_not_500(local, local_server):
    for depth in (2_000, 200_000):
        body = '{"text": ' + "[" * depth + "]" * depth + "}"
        response = httpx.post(local + "/v1/check", content=body, headers={"Content-Type": "application/json"},
                              timeout=30)
        assert response.status_code == 400, (depth, response.text[:200])
    log = (local_server[1] / "server.log").read_text("utf-8")
    assert "Traceback" not in log and "RecursionError" not in log


@pytest.mark.slow
def test_a_body_that_pauses_too_long_is_408(local):
    port = int(local.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100\r\n\r\n{\"text\": ")
        start = time.monotonic()
        answer = s.recv(4096)
        waited = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert 14 <= waited < 25, waited          # BODY_IDLE = 15 s (docs/serve.md)


def test_repeat_filter_lets_a_burst_through_then_counts():
    now = [0.0]
    repeat = RepeatFilter(burst=3, window=10, clock=lambda: now[0])

    def record(msg: str, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("asyncio", level, __file__, 1, msg, None, None)

    passed = [repeat.filter(record("socket.accept() out of system resource")) for _ in range(1000)]
    assert sum(passed) == 3
    assert repeat.filter(record("another message"))
    assert all(repeat.filter(record("GET /healthz", logging.INFO)) for _ in range(100))   # access log
    now[0] = 11.0
    summary = record("socket.accept() out of system resource")
    assert repeat.filter(summary) and "997" in summary.msg
