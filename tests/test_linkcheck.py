"""The online link check against real HTTP servers started here on 127.0.0.1 (never elsewhere).

The checker refuses private and loopback addresses unless ``allow_private`` (tests only) is set;
the first test proves the refusal without a single request reaching the server.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gkcheck import Checker, Config
from gkcheck.linkcheck import LinkChecker, LinkCheckOptions
from gkcheck.model import Document, Link, Location, Segment

from .conftest import FIXED_TODAY


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep the test output clean
        pass

    def _answer(self, head: bool) -> None:
        server = self.server
        path = self.path.split("?")[0]
        with server.lock:
            server.requests.append((self.command, self.path))
            server.active += 1
            server.max_active = max(server.max_active, server.active)
            server.starts.append(time.monotonic())
            hits = server.counts[path] = server.counts.get(path, 0) + 1
        # the request counts as active until its answer is decided; it is sent after the
        # count drops, so a client that starts its next request on the answer never sees
        # the server count two at once for one slot
        try:
            if path == "/slow":
                time.sleep(1.5)
                reply = (200,)
            elif path == "/held":
                time.sleep(0.15)
                reply = (200,)
            elif path == "/missing":
                reply = (404,)
            elif path == "/error":
                reply = (500,)
            elif path == "/forbidden":
                reply = (403,)
            elif path == "/redirect":
                reply = (302, {"Location": "/ok"})
            elif path == "/redirect-missing":
                reply = (301, {"Location": "http://127.0.0.1:%d/missing" % server.server_address[1]})
            elif path == "/loop":
                reply = (302, {"Location": "/loop"})
            elif path == "/no-head":
                reply = (405 if head else 200,)
            elif path == "/flaky":
                reply = (503 if hits <= 2 else 200,)  # HEAD and GET of the first attempt
            else:
                reply = (200,)
        finally:
            with server.lock:
                server.active -= 1
        self._send(*reply)

    def _send(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):  # noqa: N802
        self._answer(head=True)

    def do_GET(self):  # noqa: N802
        self._answer(head=False)


@pytest.fixture()
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.lock = threading.Lock()
    httpd.requests, httpd.starts, httpd.counts = [], [], {}
    httpd.active = httpd.max_active = 0
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.base = "http://127.0.0.1:%d" % httpd.server_address[1]
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def checker(**changes) -> LinkChecker:
    options = dict(timeout=0.5, retries=0, workers=4, per_host=4, delay=0.0, allow_private=True)
    options.update(changes)
    return LinkChecker(LinkCheckOptions(**options))


def test_private_addresses_are_never_contacted_without_the_test_option(server):
    status = checker(allow_private=False).check(server.base + "/ok")
    assert not status.ok and "内网或本机" in status.error
    assert server.requests == []


def test_statuses(server):
    b = server.base
    result = checker().check_all([b + "/ok", b + "/missing", b + "/error", b + "/forbidden", b + "/slow"])
    ok, missing, error, forbidden, slow = (result[b + p] for p in ("/ok", "/missing", "/error", "/forbidden", "/slow"))
    assert ok.ok and ok.status == 200 and ok.final_url is None
    assert (missing.ok, missing.status, missing.severity) == (False, 404, "error") and "404" in missing.error
    assert (error.ok, error.status, error.severity) == (False, 500, "warning")
    assert (forbidden.ok, forbidden.severity) == (False, "warning")
    assert (slow.ok, slow.status, slow.severity) == (False, None, "warning") and "超时" in slow.error


def test_redirects_are_followed_and_reported(server):
    b = server.base
    result = checker().check_all([b + "/redirect", b + "/redirect-missing", b + "/loop"])
    assert result[b + "/redirect"].ok and result[b + "/redirect"].final_url == b + "/ok"
    gone = result[b + "/redirect-missing"]
    assert not gone.ok and gone.status == 404 and gone.final_url == b + "/missing"
    loop = result[b + "/loop"]
    assert not loop.ok and "跳转次数过多" in loop.error


def test_head_refused_falls_back_to_get(server):
    status = checker().check(server.base + "/no-head")
    assert status.ok
    assert [m for m, p in server.requests if p == "/no-head"] == ["HEAD", "GET"]


def test_retries_after_a_temporary_failure(server):
    assert not checker(retries=0).check(server.base + "/flaky").ok
    server.counts.clear()
    assert checker(retries=1).check(server.base + "/flaky").ok


def test_connection_refused_is_an_error():
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    status = checker().check(f"http://127.0.0.1:{port}/")
    assert not status.ok and status.severity == "error" and "拒绝" in status.error


def test_each_address_is_fetched_once_and_cached(server):
    c = checker()
    urls = [server.base + "/ok"] * 5
    c.check_all(urls)
    c.check_all(urls)
    assert [p for _, p in server.requests] == ["/ok"]


def test_politeness_per_host(server):
    urls = [f"{server.base}/held?n={i}" for i in range(6)]
    checker(workers=6, per_host=2).check_all(urls)
    assert server.max_active <= 2
    # four workers free to run together, yet the delay spaces the starts: at least 3 x 0.1 s.
    # (A lower bound only: a loaded machine makes it slower, never faster. Arrival gaps seen by
    # the server are not asserted; a late first request makes them shrink.)
    start = time.monotonic()
    statuses = checker(workers=4, per_host=4, delay=0.1).check_all(
        [f"{server.base}/ok?n={i}" for i in range(4)])
    assert time.monotonic() - start >= 0.3
    assert all(s.ok for s in statuses.values()) and len(statuses) == 4


def test_detector_reports_online_results(server):
    b = server.base
    options = (("check-links", True), ("allow-private", True), ("timeout", 0.5), ("retries", 0), ("delay", 0.0))
    engine = Checker(Config(options=(("links", options),), select=("L007", "L008")), today=lambda: FIXED_TODAY)
    links = tuple(Link(b + p, "链接", Location(line=i, column=1)) for i, p in
                  enumerate(["/ok", "/missing", "/error", "/redirect", "/slow", "/ok"], 1))
    doc = Document("<page>", "html", (Segment("正文", Location(line=1, column=1)),), links=links)
    found = [(f.rule, f.severity, f.match, f.suggestion, f.location.line) for f in engine.check_document(doc)]
    assert sorted(found) == sorted([
        ("L007", "error", b + "/missing", None, 2),
        ("L007", "warning", b + "/error", None, 3),
        ("L008", "info", b + "/redirect", b + "/ok", 4),
        ("L007", "warning", b + "/slow", None, 5),
    ])


def test_detector_never_fetches_private_links_without_the_test_option(server):
    options = (("check-links", True), ("timeout", 0.5))
    engine = Checker(Config(options=(("links", options),), select=("link",)), today=lambda: FIXED_TODAY)
    doc = Document("<page>", "html", (Segment("正文"),), links=(Link(server.base + "/ok", "x", Location(line=1)),))
    assert [f.rule for f in engine.check_document(doc)] == ["L003"]
    assert server.requests == []


@pytest.mark.skipif(importlib.util.find_spec("gkcheck.readers.html") is None, reason="HTML reader not there yet")
def test_cli_check_links(server, tmp_path):
    (tmp_path / "gkcheck.toml").write_text(
        "[options.links]\nallow-private = true\nretries = 0\ndelay = 0\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(f'<p><a href="{server.base}/ok">好</a> <a href="{server.base}/missing">坏</a>'
                    f' <a href="{server.base}/redirect">跳</a></p>', encoding="utf-8")
    args = [sys.executable, "-m", "gkcheck", "scan", str(page), "--format", "json", "--select", "L007,L008"]
    offline = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert offline.returncode == 0 and server.requests == []
    online = subprocess.run([*args, "--check-links", "--link-timeout", "2", "--link-workers", "2"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert online.returncode == 1, online.stderr
    findings = json.loads(online.stdout)["files"][0]["findings"]
    assert sorted((f["rule"], f["match"]) for f in findings) == [
        ("L007", f"{server.base}/missing"), ("L008", f"{server.base}/redirect")]
