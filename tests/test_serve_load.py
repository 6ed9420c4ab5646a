"""Issue 12, defect 7: a bounded loopback load test of a real ``gkcheck serve``.

One server subprocess on 127.0.0.1 with an open-file limit of 256 (as a small machine or a
container has), then at once: 300 connections that never finish their request head (more than
the file limit), 40 uploads that send most of a large body and stall, oversized bodies (declared
and chunked) and a 200,000-deep JSON body. Throughout, ``/healthz`` must answer on a new
connection, every time within 2 s and typically (the median) within 0.2 s, the server's resident
memory must stay under the documented ceiling (docs/serve.md: start + 64 MB for stalled uploads),
the log must not flood, and idle
connections must be closed by the server. Everything is bounded in count and time; all traffic
goes to 127.0.0.1 and every socket is closed at the end.
"""

from __future__ import annotations

import http.client
import resource
import socket
import threading
import time
from pathlib import Path

import pytest

from .live_server import running_server

IDLE = 300                 # connections that never send a whole request head
STALLED = 40               # uploads that stall (the server takes 32 at once, docs/serve.md)
STALL_AT = 6 * 2**20       # bytes each stalled upload sends before it stops
MAX_BYTES = 8 * 2**20
RSS_CEILING = 64 * 2**20   # growth allowed over the server's size at start (docs/serve.md)
HEALTH_LIMIT = 2.0         # seconds for any /healthz under load (the suite shares 2 cores with another worker)
HEALTH_MEDIAN = 0.2        # seconds for the median /healthz
NOFILE = 512


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def health(port: int) -> float:
    """Seconds for one ``GET /healthz`` on a new connection (raises on failure)."""
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        assert response.status == 200, response.status
        response.read()
    finally:
        conn.close()
    return time.monotonic() - start


def connect(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s


def answer(s: socket.socket, timeout: float = 10) -> bytes:
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data


def closed_by_server(s: socket.socket) -> bool:
    s.settimeout(0.5)
    try:
        return s.recv(1) == b""
    except (TimeoutError, BlockingIOError):
        return False
    except OSError:
        return True


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")
def test_slow_many_and_hostile_clients_do_not_stop_serve(tmp_path):
    sockets: list[socket.socket] = []
    latencies: list[float] = []
    failures: list[str] = []
    resets = [0]
    stop = threading.Event()
    with running_server(tmp_path, "--max-bytes", str(MAX_BYTES), "--max-connections", "200",
                        preexec=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))) as base:
        port = int(base.rsplit(":", 1)[1])
        pid = int((tmp_path / "server.pid").read_text())
        start_rss = rss(pid)
        peak = [start_rss]
        t0 = time.monotonic()

        def probe() -> None:
            while not stop.is_set():
                try:
                    try:
                        latencies.append(health(port))
                    except ConnectionResetError:
                        # by design a new connection evicts the one that has waited longest for its
                        # request head when every slot is taken; on a busy machine that can be a
                        # probe whose head the server has not read yet: it is retried once, and
                        # the second try must answer (a stopped server fails both)
                        resets[0] += 1
                        latencies.append(health(port))
                except Exception as exc:  # noqa: BLE001 — recorded, asserted below
                    failures.append(repr(exc))
                peak[0] = max(peak[0], rss(pid))
                stop.wait(0.2)

        prober = threading.Thread(target=probe)
        prober.start()
        try:
            # 1. slow-loris: connections that send half a request head and then nothing
            idle = []
            for i in range(IDLE):
                s = connect(port)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" if i % 2 else b"")
                idle.append(s)
            sockets += idle

            # 2. oversized bodies: declared, and chunked without a length
            big = connect(port)
            big.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n" % (MAX_BYTES + 1))
            assert answer(big).startswith(b"HTTP/1.1 413"), "declared too large"
            big.close()
            chunked = connect(port)
            chunked.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n")
            piece = b"%x\r\n%s\r\n" % (2**20, b"a" * 2**20)
            try:
                for _ in range(MAX_BYTES // 2**20 + 2):
                    chunked.sendall(piece)
            except OSError:
                pass
            assert answer(chunked).startswith(b"HTTP/1.1 413"), "chunked too large"
            chunked.close()

            # 3. a 200,000-deep JSON body: 400, not 500 with a traceback
            deep = b'{"text": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/v1/check", body=deep, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            assert response.status == 400 and "嵌套" in response.read().decode("utf-8")
            conn.close()

            # 4. uploads that send most of a large body and stall
            stalled = []
            chunk = b"a" * 2**20
            for _ in range(STALLED):
                s = connect(port)
                s.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                          b"Content-Length: %d\r\n\r\n" % (STALL_AT + 10))
                stalled.append(s)
            sockets += stalled
            refused = 0
            for s in stalled:
                try:
                    for _ in range(STALL_AT // len(chunk)):
                        s.sendall(chunk)
                except OSError:
                    refused += 1          # answered 503 and closed: more than the server takes at once
            peak[0] = max(peak[0], rss(pid))

            # 5. the half-sent heads are closed by the server once the header deadline passes
            time.sleep(max(0.0, t0 + 12 - time.monotonic()))
            still_open = sum(not closed_by_server(s) for s in idle)
            peak[0] = max(peak[0], rss(pid))
        finally:
            stop.set()
            prober.join(timeout=30)
            for s in sockets:
                s.close()
        elapsed = time.monotonic() - t0
        log = (tmp_path / "server.log").read_bytes()

    print(f"\nload test: {len(latencies)} /healthz probes, max {max(latencies):.3f} s, "
          f"median {sorted(latencies)[len(latencies) // 2]:.3f} s; RSS {start_rss / 2**20:.0f} MB at start, "
          f"peak {peak[0] / 2**20:.0f} MB; {refused} of {STALLED} stalled uploads refused; "
          f"{still_open} of {IDLE} idle connections open after 12 s; log {len(log)} bytes; {elapsed:.1f} s; "
          f"{resets[0]} probe(s) reset and retried")
    assert not failures, failures[:5]
    assert resets[0] <= 2, resets[0]
    assert len(latencies) >= 10 and max(latencies) < HEALTH_LIMIT, sorted(latencies)[-5:]
    assert sorted(latencies)[len(latencies) // 2] < HEALTH_MEDIAN, sorted(latencies)
    assert peak[0] - start_rss < RSS_CEILING, (start_rss, peak[0])
    assert refused >= STALLED - 32, "at most 32 uploads are received at once"
    assert still_open == 0
    assert b"Too many open files" not in log and b"Traceback" not in log
    assert len(log) < 200_000, "the log does not flood"
    assert elapsed < 60
