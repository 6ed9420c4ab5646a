"""The rows issue 15 added: ``--jobs 2`` against ``--jobs 1`` on the mixed corpus, ``gkcheck serve``
under a bounded loopback load, and the 50,000-page site audit."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .harness import CHILD_ENV, BenchError, Context, Target, mb, measure, run_process, shown_command
from .site_bench import AS_OF

LOAD = Path(__file__).resolve().parent / "load.py"
SERVE_WORKERS = 4
SERVE_CONNECTIONS = 8   # the load client's keep-alive connections: twice the workers, so the pool stays full


# -- --jobs on the mixed corpus -------------------------------------------------------------------

def _report_files(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))["files"]


def row_jobs(ctx: Context) -> dict:
    """``--jobs 2`` against ``--jobs 1`` over the same 2,000 mixed files (web pages, text, DOCX,
    small lists, PDFs); both reports must hold the same findings in the same order."""
    folder = ctx.corpus.mixed
    files = [p for p in folder.rglob("*") if p.is_file()]
    n, size = len(files), sum(p.stat().st_size for p in files)
    reports = [ctx.work / f"report-jobs{j}.json" for j in (1, 2)]
    cmds = [[*ctx.gkcheck, "scan", "--format", "json", "-o", str(r), "--fail-on", "never", "--jobs", str(j),
             "--", str(folder)] for j, r in zip((1, 2), reports)]
    one, two = measure(cmds, ctx.repeat, ctx.work)
    first, second = (_report_files(r) for r in reports)
    bad = [f"{f['path']}: {f.get('error')}" for f in first if f["status"] != "ok"]
    if bad or len(first) != n:
        raise BenchError(f"gkcheck did not check all {n} files cleanly: {bad[:3]} ({len(first)} in the report)")
    if first != second:
        raise BenchError("--jobs 2 gave a different report from --jobs 1")
    kinds = sorted({p.parent.name for p in files})
    speedup = one.seconds / two.seconds
    cpu_speedup = one.cpu_seconds / two.cpu_seconds
    return {
        "title": "并行：--jobs 2 对 --jobs 1",
        "input": {"description": f"{n:,} 个混合文件（{mb(size)}：{'、'.join(kinds)}）", "bytes": size, "files": n},
        "gkcheck": two.as_json("gkcheck scan --jobs 2"), "floor": one.as_json("gkcheck scan --jobs 1"),
        "metrics": {"speedup": speedup, "seconds_jobs1": one.seconds, "seconds_jobs2": two.seconds,
                    "cpu_seconds_jobs1": one.cpu_seconds, "cpu_seconds_jobs2": two.cpu_seconds,
                    "cpu_growth": 1 / cpu_speedup, "peak_mb": two.peak_mb, "cpus": os.cpu_count() or 1,
                    "findings": sum(len(f["findings"]) for f in first)},
        "targets": [Target("加速比", "speedup", ">=", 1.8, "×")],
        "cells": {"gkcheck": f"--jobs 2：{two.seconds:.2f} s（CPU {two.cpu_seconds:.1f} s）",
                  "floor": f"--jobs 1：{one.seconds:.2f} s（CPU {one.cpu_seconds:.1f} s）",
                  "ratio": f"{speedup:.2f}× 加速；发现的问题相同"},
    }


# -- gkcheck serve under load -----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_stat(pid: int) -> tuple[float, float, float]:
    """(resident MB, peak resident MB, CPU seconds) of a running process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith("Vm")}
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return int(fields["VmRSS"]) / 1024, int(fields["VmHWM"]) / 1024, cpu


def _nicer() -> None:
    """The server runs at the niceness measure.py gives the client (where allowed)."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -10)
    except OSError:
        pass


def _wait_healthy(port: int, server: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gkcheck serve exited {server.returncode}:\n{log.read_text('utf-8', 'replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise BenchError(f"gkcheck serve did not answer /healthz within {timeout:.0f} s")


def row_serve(ctx: Context) -> dict:
    """``gkcheck serve --workers 4`` answering 2,000-character texts posted to /v1/check by
    benchmarks/load.py (SERVE_CONNECTIONS keep-alive connections, each sending its next text as
    soon as the answer is in). The client runs on the same two cores as the server. The server's
    resident memory is sampled every half second; "start" is the first sample after the warm-up."""
    seconds, warmup = (1.5, 0.5) if ctx.quick else (60.0, 5.0)
    texts = ctx.corpus.serve_texts
    port = _free_port()
    log = ctx.work / "serve.log"
    cmd = [*ctx.gkcheck, "serve", "--port", str(port), "--workers", str(SERVE_WORKERS)]
    with log.open("wb") as log_file:
        server = subprocess.Popen(cmd, cwd=ctx.work, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                                  env=CHILD_ENV, preexec_fn=_nicer)
    samples: list[tuple[float, float, float, float]] = []   # (time, rss MB, peak MB, cpu s)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                samples.append((time.perf_counter(), *_proc_stat(server.pid)))
            except (OSError, IndexError, KeyError):
                return
            stop.wait(0.5)

    try:
        _wait_healthy(port, server, log)
        idle_rss = _proc_stat(server.pid)[0]
        sampler = threading.Thread(target=sample, daemon=True)
        began = time.perf_counter()
        sampler.start()
        client_cmd = [sys.executable, str(LOAD), str(port), str(texts), str(seconds), str(SERVE_CONNECTIONS),
                      str(warmup)]
        client = run_process(client_cmd, ctx.work)
        stop.set()
        sampler.join()
        if server.poll() is not None:
            raise BenchError(f"gkcheck serve stopped under load (exit {server.returncode})")
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    stats = json.loads(client.stdout)
    counted = [s for s in samples if s[0] >= began + warmup]
    if len(counted) < 2 or not stats["ok"]:
        raise BenchError(f"the load run gave no usable samples: {stats}")
    start, end = counted[0], counted[-1]
    window = end[0] - start[0]
    server_cpu = end[3] - start[3]
    share = min(1.0, (server_cpu + client.cpu_seconds * stats["seconds"] / client.seconds) / window)
    ok_percent = 100 * stats["ok"] / stats["requests"]
    chars = stats["chars"]
    return {
        "title": "服务：gkcheck serve 持续负载",
        "input": {"description": f"{chars:,} 字的文字 {len(json.loads(texts.read_text('utf-8')))} 篇轮流 POST /v1/check，"
                                 f"{SERVE_CONNECTIONS} 个保持连接，{stats['seconds']:.0f} 秒（先预热 {warmup:.0f} 秒）",
                  "bytes": texts.stat().st_size, "files": 1},
        "gkcheck": {"name": f"gkcheck serve --workers {SERVE_WORKERS}", "command": shown_command(cmd).replace(f"--port {port}", "--port PORT"),
                    "seconds": window, "cpu_seconds": server_cpu, "peak_mb": end[2], "runs": [window]},
        "floor": None,
        "metrics": {"requests_per_s": stats["requests_per_s"], "requests": stats["requests"],
                    "p50_ms": stats["p50_ms"], "p90_ms": stats["p90_ms"], "p99_ms": stats["p99_ms"],
                    "max_ms": stats["max_ms"], "errors": stats["errors"], "ok_percent": ok_percent,
                    "rss_idle_mb": idle_rss, "rss_start_mb": start[1], "rss_end_mb": end[1],
                    "rss_growth": end[1] / start[1], "peak_mb": end[2],
                    "server_cpu_ms_per_request": server_cpu * 1000 / max(1, stats["ok"]),
                    "client_cpu_seconds": client.cpu_seconds, "connections": SERVE_CONNECTIONS,
                    "workers": SERVE_WORKERS, "cpu_share": share},
        "targets": [Target("每秒请求数", "requests_per_s", ">=", 300, "次/s"),
                    Target("p99 延迟", "p99_ms", "<=", 50, "ms"),
                    Target("成功的请求", "ok_percent", ">=", 100, "%"),
                    Target("内存增长（结束 / 开始）", "rss_growth", "<=", 1.1, "×")],
        "cells": {"gkcheck": (f"{stats['requests_per_s']:.0f} 次/s · p50 {stats['p50_ms']:.1f} ms · "
                              f"p99 {stats['p99_ms']:.1f} ms · 错误 {stats['errors']} · 内存 {start[1]:.0f} → "
                              f"{end[1]:.0f} MB"),
                  "floor": "—",
                  "ratio": f"服务 CPU {server_cpu * 1000 / max(1, stats['ok']):.2f} ms/次；客户端 CPU {client.cpu_seconds:.1f} s"},
    }


# -- the site audit -----------------------------------------------------------------------------------

def row_site(ctx: Context) -> dict:
    """``gkcheck site`` over the generated mirror (benchmarks/site_bench.py); target of issue 17."""
    root = ctx.corpus.site
    pages = sum(1 for _ in root.rglob("*.html"))
    report = ctx.work / "site.json"
    cmd = [*ctx.gkcheck, "site", str(root), "--as-of", AS_OF.isoformat(), "--format", "json", "-o", str(report),
           "--fail-on", "never"]
    (g,) = measure([cmd], ctx.repeat, ctx.work)
    result = json.loads(report.read_text("utf-8"))
    if result["pages"]["total"] != pages or result["pages"]["errors"]:
        raise BenchError(f"gkcheck site read {result['pages']['total']} of {pages} pages, "
                         f"errors {result['pages']['errors'][:3]}")
    size = sum(p.stat().st_size for p in root.rglob("*.html"))
    return {
        "title": "整站检查（gkcheck site）", "input": {"description": f"{pages:,} 个网页的镜像（{mb(size)}，一半 GBK）",
                                                   "bytes": size, "files": pages},
        "gkcheck": g.as_json("gkcheck site"), "floor": None,
        "metrics": {"seconds": g.seconds, "pages_per_s": pages / g.seconds, "peak_mb": g.peak_mb,
                    "columns": len(result["columns"]), "findings": result["summary"]["findings"]},
        "targets": [Target("耗时", "seconds", "<=", 60, "s")],
        "cells": {"gkcheck": f"{g.seconds:.1f} s（{pages / g.seconds:,.0f} 页/s，CPU {g.cpu_seconds:.1f} s）",
                  "floor": "—", "ratio": "—"},
    }
