"""The benchmark suite: generate the corpora, run gkcheck and its floors as separate processes,
print a table with the targets of issues 6 and 15, and write it as JSON and Markdown.

    .venv/bin/python -m benchmarks                     the full run (20 MB text, 100,000-row XLSX ...)
    .venv/bin/python -m benchmarks --quick             tiny corpora, one repetition (the CI smoke test)
    .venv/bin/python -m benchmarks --only text,xlsx    some rows only
    .venv/bin/python -m benchmarks --write-doc         also update the results block of docs/performance.md

Every measured thing is a whole process (start-up, reading, decoding, checking, writing the
report) started by the small launcher benchmarks/measure.py, which reaps it with ``os.wait4`` and
so gets its own peak resident memory; gkcheck and its floor run interleaved and the median time
counts. Corpus generation is cached in
``benchmarks/_corpora/`` and never timed. Exit code 0 when every row was measured, whether or not
the targets are met (this measures; it does not judge a build); 1 when something failed to run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from . import corpora
from .harness import (LONG_ROUND, MB, MEASURE, PROBES, REPO, BenchError, Context, Run, Sample,  # noqa: F401
                      Target, check_report, files_in, mb, measure, probe, ratio_cell, run_process, scan_cmd,
                      shown_command, size_of)
from .rows_load import row_jobs, row_serve, row_site

DOC = REPO / "docs" / "performance.md"
MARK_START, MARK_END = "<!-- results:start -->", "<!-- results:end -->"
SCHEMA_VERSION = 1

# the rows of issue 15's table, in its order, then the other formats
ROWS = ("text", "linearity", "xlsx", "xlsx-mask", "docx", "html", "jobs", "serve", "cold-start", "check-text",
        "pdf", "doc", "xls", "site")
ROW_PARTS = {"text": {"text"}, "linearity": {"linearity"}, "xlsx": {"xlsx"}, "xlsx-mask": {"xlsx"},
             "docx": {"docx"}, "pdf": {"pdf"}, "html": {"html"}, "cold-start": {"one-page"},
             "check-text": {"article"}, "jobs": {"mixed"}, "serve": {"serve"}, "doc": {"legacy"},
             "xls": {"legacy"}, "site": {"site"}}


def row_text(ctx: Context) -> dict:
    path = ctx.corpus.text
    size = path.stat().st_size
    g, f = measure([scan_cmd(ctx, path), probe("ac", ctx.patterns, path)], ctx.repeat, ctx.work)
    extra = check_report(ctx, 1)
    ratio = g.seconds / f.seconds
    patterns = len(ctx.patterns.read_text("utf-8").splitlines())
    return {
        "title": "纯文本（公文）", "input": {"description": f"{mb(size)} 公文文本", "bytes": size, "files": 1},
        "gkcheck": g.as_json("gkcheck scan"),
        "floor": f.as_json(f"ahocorasick-rs 单次扫描（{patterns} 个词条，含读文件、解码、建自动机）"),
        "metrics": {"mb_per_s": size / MB / g.seconds, "floor_mb_per_s": size / MB / f.seconds, "ratio": ratio,
                    "cpu_ratio": g.cpu_seconds / f.cpu_seconds, "peak_mb": g.peak_mb, "findings": extra["findings"],
                    "patterns": patterns},
        "targets": [Target("耗时 / 裸 Aho-Corasick", "ratio", "<=", 5, "×", aim=3),
                    Target("峰值内存", "peak_mb", "<=", 200, "MB")],
        "cells": {"gkcheck": f"{size / MB / g.seconds:.1f} MB/s（{g.seconds:.2f} s）",
                  "floor": f"{size / MB / f.seconds:.1f} MB/s（{f.seconds:.2f} s）", "ratio": ratio_cell(g, f)},
    }


def row_linearity(ctx: Context) -> dict:
    """Judged on CPU time: growth with input size is a property of the algorithms, and CPU time
    shows it even when other processes share the machine (wall times are shown too)."""
    paths = [ctx.corpus.text, ctx.corpus.text_times(2), ctx.corpus.text_times(4)]
    one, two, four = measure([scan_cmd(ctx, p) for p in paths], ctx.repeat, ctx.work)
    check_report(ctx, 1)
    size = paths[0].stat().st_size
    r2, r4 = two.cpu_seconds / one.cpu_seconds, four.cpu_seconds / one.cpu_seconds
    w2, w4 = two.seconds / one.seconds, four.seconds / one.seconds
    return {
        "title": "线性：1×、2×、4× 文本", "input": {"description": f"{mb(size)}、{mb(2 * size)}、{mb(4 * size)} 文本",
                                              "bytes": 7 * size, "files": 3},
        "gkcheck": four.as_json("gkcheck scan（4×）"), "floor": one.as_json("gkcheck scan（1×）"),
        "metrics": {"seconds_1x": one.seconds, "seconds_2x": two.seconds, "seconds_4x": four.seconds,
                    "cpu_seconds_1x": one.cpu_seconds, "cpu_seconds_2x": two.cpu_seconds,
                    "cpu_seconds_4x": four.cpu_seconds, "ratio_2x": r2, "ratio_4x": r4, "wall_ratio_2x": w2,
                    "wall_ratio_4x": w4, "peak_mb": four.peak_mb, "peak_mb_1x": one.peak_mb},
        "targets": [Target("4× 输入的耗时倍数（CPU）", "ratio_4x", "<=", 4.3, "×")],
        "cells": {"gkcheck": f"CPU 1× {one.cpu_seconds:.1f} s · 2× {two.cpu_seconds:.1f} s · 4× {four.cpu_seconds:.1f} s",
                  "floor": "—",
                  "ratio": f"2× → {r2:.2f}×，4× → {r4:.2f}×（墙钟 {w2:.2f}×、{w4:.2f}×）"},
    }


def _xlsx_row(ctx: Context, title: str, label: str, g: Sample, f: Sample,
              targets: list[Target], **metrics: object) -> dict:
    """A row about the 100k-row list: the same input, floor and cells for scanning and masking."""
    path = ctx.corpus.xlsx
    rows = ctx.corpus.sizes.xlsx_rows
    ratio = g.seconds / f.seconds
    return {
        "title": title,
        "input": {"description": f"{rows:,} 行 × 8 列（{mb(path.stat().st_size)}）", "bytes": path.stat().st_size,
                  "files": 1, "rows": rows},
        "gkcheck": g.as_json(label), "floor": f.as_json("python-calamine 读出全部单元格"),
        "metrics": {"seconds": g.seconds, "rows_per_s": rows / g.seconds, "ratio": ratio,
                    "cpu_ratio": g.cpu_seconds / f.cpu_seconds, "peak_mb": g.peak_mb, **metrics},
        "targets": targets,
        "cells": {"gkcheck": f"{g.seconds:.2f} s（{rows / g.seconds:,.0f} 行/s）", "floor": f"{f.seconds:.2f} s",
                  "ratio": ratio_cell(g, f)},
    }


def row_xlsx(ctx: Context) -> dict:
    path = ctx.corpus.xlsx
    g, f = measure([scan_cmd(ctx, path), probe("calamine", path)], ctx.repeat, ctx.work)
    extra = check_report(ctx, 1)
    return _xlsx_row(ctx, "XLSX 公示名单（扫描）", "gkcheck scan", g, f,
                     [Target("耗时 / 裸读取", "ratio", "<=", 2, "×"), Target("峰值内存", "peak_mb", "<=", 300, "MB")],
                     findings=extra["findings"], folded_cells=extra["folded_cells"])


def row_xlsx_mask(ctx: Context) -> dict:
    path = ctx.corpus.xlsx
    out = ctx.work / "masked"
    cmd = [*ctx.gkcheck, "mask", "--output", str(out), "--overwrite", "--", str(path)]
    g, f = measure([cmd, probe("calamine", path)], ctx.repeat, ctx.work)
    masked = (out / path.name)
    if not masked.exists():
        raise BenchError(f"gkcheck mask wrote no {masked}")
    return _xlsx_row(ctx, "XLSX 公示名单（脱敏）", "gkcheck mask", g, f,
                     [Target("耗时 / 裸读取", "ratio", "<=", 5, "×"), Target("峰值内存", "peak_mb", "<=", 400, "MB")])


def _folder_row(ctx: Context, folder: Path, pattern: str, probe_name: str, floor_name: str, title: str,
                what: str, targets: list[Target]) -> dict:
    files = files_in(folder, pattern)
    g, f = measure([scan_cmd(ctx, folder), probe(probe_name, folder)], ctx.repeat, ctx.work)
    extra = check_report(ctx, len(files))
    ratio = g.seconds / f.seconds
    n = len(files)
    return {
        "title": title, "input": {"description": f"{n} {what}（{mb(size_of(files))}）", "bytes": size_of(files),
                                  "files": n},
        "gkcheck": g.as_json("gkcheck scan"), "floor": f.as_json(floor_name),
        "metrics": {"files_per_s": n / g.seconds, "floor_files_per_s": n / f.seconds, "ratio": ratio,
                    "cpu_ratio": g.cpu_seconds / f.cpu_seconds, "peak_mb": g.peak_mb, "findings": extra["findings"]},
        "targets": targets,
        "cells": {"gkcheck": f"{n / g.seconds:.1f} 个/s（{g.seconds:.2f} s）",
                  "floor": f"{n / f.seconds:.1f} 个/s（{f.seconds:.2f} s）", "ratio": ratio_cell(g, f)},
    }


def row_docx(ctx: Context) -> dict:
    return _folder_row(ctx, ctx.corpus.docx, "*.docx", "docx", "lxml 解析 word/document.xml 并拼接 w:t",
                       "DOCX 通知", "个 DOCX 通知", [Target("耗时 / 裸读取", "ratio", "<=", 2, "×")])


def row_doc(ctx: Context) -> dict:
    return _folder_row(ctx, ctx.corpus.doc, "*.doc", "olefile-doc", "olefile 读出 WordDocument 和表格流（不解码）",
                       "DOC 通知（Word 97-2003）", "个 DOC 通知", [])


def row_xls(ctx: Context) -> dict:
    path = ctx.corpus.xls
    rows = ctx.corpus.xls_rows
    g, f = measure([scan_cmd(ctx, path), probe("calamine", path)], ctx.repeat, ctx.work)
    extra = check_report(ctx, 1)
    ratio = g.seconds / f.seconds
    return {
        "title": "XLS 公示名单（Excel 97-2003，扫描）",
        "input": {"description": f"{rows:,} 行 × 8 列（{mb(path.stat().st_size)}）", "bytes": path.stat().st_size,
                  "files": 1, "rows": rows},
        "gkcheck": g.as_json("gkcheck scan"), "floor": f.as_json("python-calamine 读出全部单元格"),
        "metrics": {"seconds": g.seconds, "rows_per_s": rows / g.seconds, "ratio": ratio,
                    "cpu_ratio": g.cpu_seconds / f.cpu_seconds, "peak_mb": g.peak_mb, "findings": extra["findings"]},
        "targets": [],
        "cells": {"gkcheck": f"{g.seconds:.2f} s（{rows / g.seconds:,.0f} 行/s）", "floor": f"{f.seconds:.2f} s",
                  "ratio": ratio_cell(g, f)},
    }


def row_pdf(ctx: Context) -> dict:
    return _folder_row(ctx, ctx.corpus.pdf, "*.pdf", "pdfium", "pypdfium2 逐页 get_text_range()",
                       "PDF 报告", "个 PDF", [Target("耗时 / 裸读取", "ratio", "<=", 2, "×")])


def row_html(ctx: Context) -> dict:
    return _folder_row(ctx, ctx.corpus.html, "*.html", "lxml-html", "lxml.html 解析并取 text_content()",
                       "HTML 网页（一半 GBK）", "个网页", [Target("耗时 / 裸读取", "ratio", "<=", 4, "×")])


def row_cold_start(ctx: Context) -> dict:
    page = ctx.corpus.one_page
    cmds = [[*ctx.gkcheck, "scan", "--fail-on", "never", "--", str(page)], [sys.executable, "-c", "pass"]]
    measure(cmds, 1, ctx.work)  # warm the page cache and the bytecode cache
    g, f = measure(cmds, max(ctx.repeat * 5, 3), ctx.work)
    extra_ms = (g.seconds - f.seconds) * 1000
    extra_cpu_ms = (g.cpu_seconds - f.cpu_seconds) * 1000
    return {
        "title": "冷启动（检查一个网页）", "input": {"description": f"1 个网页（{mb(page.stat().st_size)}）",
                                              "bytes": page.stat().st_size, "files": 1},
        "gkcheck": g.as_json("gkcheck scan one-page.html"), "floor": f.as_json("python -c pass"),
        "metrics": {"extra_ms": extra_ms, "extra_cpu_ms": extra_cpu_ms, "seconds": g.seconds, "python_seconds": f.seconds,
                    "peak_mb": g.peak_mb, "repetitions": len(g.runs)},
        "targets": [Target("比裸 Python 多用的时间", "extra_ms", "<=", 150, "ms")],
        "cells": {"gkcheck": f"{g.seconds * 1000:.0f} ms", "floor": f"{f.seconds * 1000:.0f} ms",
                  "ratio": f"+{extra_ms:.0f} ms（CPU +{extra_cpu_ms:.0f} ms）"},
    }


def row_check_text(ctx: Context) -> dict:
    calls = 50 if ctx.quick else 500
    (run,) = measure([probe("api", ctx.corpus.article, str(calls))], 1, ctx.work)[0].runs
    stats = json.loads(run.stdout)
    chars = stats["chars"]
    return {
        "title": "API：Checker.check_text", "input": {"description": f"{chars:,} 字的文章，{calls} 次调用",
                                                      "bytes": ctx.corpus.article.stat().st_size, "files": 1},
        "gkcheck": {"name": "Checker.check_text（进程内，预热后）", "command": shown_command(probe("api", ctx.corpus.article, str(calls))),
                    "seconds": stats["p50_ms"] / 1000, "cpu_seconds": run.cpu_seconds, "peak_mb": run.peak_mb,
                    "runs": [run.seconds]},
        "floor": None,
        "metrics": {"p50_ms": stats["p50_ms"], "p90_ms": stats["p90_ms"], "p99_ms": stats["p99_ms"],
                    "max_ms": stats["max_ms"], "calls": stats["calls"], "peak_mb": run.peak_mb,
                    "cpu_share": run.cpu_seconds / run.seconds},
        "targets": [Target("p50 延迟", "p50_ms", "<=", 5, "ms")],
        "cells": {"gkcheck": f"p50 {stats['p50_ms']:.2f} ms · p99 {stats['p99_ms']:.2f} ms", "floor": "—",
                  "ratio": "—"},
    }


ROW_FUNCS: dict[str, Callable[[Context], dict]] = {
    "text": row_text, "linearity": row_linearity, "xlsx": row_xlsx, "xlsx-mask": row_xlsx_mask,
    "docx": row_docx, "pdf": row_pdf, "html": row_html, "cold-start": row_cold_start,
    "check-text": row_check_text, "jobs": row_jobs, "serve": row_serve, "doc": row_doc, "xls": row_xls,
    "site": row_site}


BUSY_SHARE = 0.85  # CPU time / wall time of a single-process run below which the CPU was contended


def finish_row(row_id: str, row: dict) -> dict:
    targets = [t.check(row["metrics"][t.metric]) for t in row.pop("targets")]
    if "cpu_share" in row["metrics"]:  # the API probe: one process, timed inside
        share = row["metrics"]["cpu_share"]
    else:
        samples = [s for s in (row["gkcheck"], row["floor"]) if s and s["name"] != "gkcheck scan --jobs 2"]
        share = min(s["cpu_seconds"] / s["seconds"] for s in samples)
    return {"id": row_id, **row, "targets": targets, "cpu_share": share}


# -- the dictionary entries the text floor is built over -------------------------------------------

def gkcheck_patterns() -> list[str]:
    """The exact entries (and allowed words) gkcheck's dictionary detector builds its automaton
    over with the default configuration."""
    from gkcheck import Checker
    from gkcheck.detectors.dictionary import load_entries

    checker = Checker()
    codes = {c for c in checker.enabled if checker.rules[c].detector == "dictionary"}
    entries, allowed = load_entries(checker.config, codes)
    return [e.match for e in entries] + list(allowed)


def write_patterns(path: Path) -> int:
    """gkcheck's patterns one a line, so the text floor searches for as many words as gkcheck does."""
    patterns = gkcheck_patterns()
    if any("\n" in p for p in patterns):
        raise BenchError("a dictionary entry contains a line break")
    path.write_text("".join(p + "\n" for p in patterns), "utf-8")
    return len(patterns)


# -- report -------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {"cpu": cpu or platform.processor() or platform.machine(), "cpus": len(os.sched_getaffinity(0)),
            "memory_gb": memory_gb, "python": platform.python_version(), "platform": platform.platform()}


def git_commit() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "dictionaries", "rules"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+未提交改动" if dirty else "")


def fmt_value(value: float, unit: str) -> str:
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"


def target_text(t: dict) -> str:
    op = "≤" if t["op"] == "<=" else "≥"
    text = f"{op} {fmt_value(t['limit'], t['unit'])}"
    if t.get("aim") is not None:
        text += f"（争取 {fmt_value(t['aim'], t['unit'])}）"
    return text


def margin_text(t: dict) -> str:
    value, limit = t["value"], t["limit"]
    if t["unit"] == "ms" and t["metric"] == "extra_ms":
        diff = value - limit
        return f"超出 {diff:.0f} ms" if diff > 0 else f"余量 {-diff:.0f} ms"
    factor = value / limit if t["op"] == "<=" else limit / value if value else float("inf")
    if t["pass"]:
        return f"达标，为上限的 {value / limit:.0%}" if t["op"] == "<=" else f"达标，超出 {value / limit - 1:.0%}"
    return f"未达标，差 {factor:.2f} 倍" if t["op"] == "<=" else f"未达标，只有要求的 {value / limit:.0%}"


def busy_note(result: dict) -> str:
    """Whether other processes took CPU from the measured ones: a single-threaded, CPU-bound
    process on an idle machine gets (nearly) all of its wall time as CPU time."""
    nice = result.get("nice", 0)
    text = f"被测进程以 nice {nice} 运行。" if nice else ""
    busy = [row for row in result["rows"] if row["cpu_share"] < BUSY_SHARE]
    if not busy:
        return text + f"测量时机器空闲（各单进程测量的 CPU 时间都不低于墙钟时间的 {BUSY_SHARE:.0%}）。"
    shares = [row["cpu_share"] for row in busy]
    return text + (f"**测量时机器不空闲**：{len(result['rows'])} 项中有 {len(busy)} 项的被测进程只得到墙钟时间的 "
                   f"{min(shares):.0%}–{max(shares):.0%} 作 CPU 时间，别的进程在抢 CPU，墙钟时间偏长、`--jobs` 加速比"
                   "偏低；CPU 时间之比受影响小得多。应在空闲时重测。")


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"测量于 {result['finished'][:10]}，gkcheck {result['gkcheck_version']}"
        + (f"（{result['commit']}）" if result.get("commit") else "")
        + f"，{'快速模式（--quick，数字不代表性能）' if result['quick'] else '完整模式'}，每项重复 {result['repeat']} 次取中位数（一轮超过 {LONG_ROUND:.0f} 秒的只测一次）；"
        f"机器：{m['cpu']}，{m['cpus']} 核，{m['memory_gb']} GB 内存，Python {m['python']}。",
        "",
        busy_note(result),
        "",
        "| 测试 | 输入 | gkcheck | 对照（裸基线） | 比值 | 峰值内存 | 目标 | 结果 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        cells = row["cells"]
        floor = row["floor"]
        floor_cell = f"{cells['floor']}<br>{floor['name']}" if floor and cells["floor"] != "—" else cells["floor"]
        targets = "；".join(target_text(t) for t in row["targets"]) or "—（仅供参考）"
        verdict = "；".join("PASS" if t["pass"] else "**MISS**" for t in row["targets"]) or "—"
        lines.append(f"| {row['title']} | {row['input']['description']} | {cells['gkcheck']} | {floor_cell} | "
                     f"{cells['ratio']} | {row['metrics']['peak_mb']:.0f} MB | {targets} | {verdict} |")
    lines += ["", "| 目标 | 要求 | 实测 | 结果 |", "|---|---|---|---|"]
    for row in result["rows"]:
        for t in row["targets"]:
            lines.append(f"| {row['title']}：{t['name']} | {target_text(t)} | {fmt_value(t['value'], t['unit'])} | "
                         f"{'PASS' if t['pass'] else '**MISS**'}（{margin_text(t)}） |")
    lines += ["", "命令（文件在语料目录 `benchmarks/_corpora/` 中；gkcheck 和对照各是一个独立进程，计时含启动、读文件、解码和写报告）：", ""]
    for row in result["rows"]:
        lines.append(f"- {row['title']}：`{row['gkcheck']['command']}`"
                     + (f"；对照 `{row['floor']['command']}`" if row["floor"] else ""))
    return "\n".join(lines) + "\n"


def write_doc(text: str, doc: Path = DOC, marks: tuple[str, str] = (MARK_START, MARK_END)) -> None:
    """Replace the block between the two marker comments of ``doc`` with ``text``."""
    mark_start, mark_end = marks
    content = doc.read_text("utf-8")
    start, end = content.find(mark_start), content.find(mark_end)
    if start < 0 or end < start:
        raise BenchError(f"{doc} has no {mark_start} … {mark_end} block to update")
    content = content[:start + len(mark_start)] + "\n" + text + content[end:]
    doc.write_text(content, "utf-8")


def print_table(result: dict) -> None:
    print()
    print(f"{'测试':<18}{'gkcheck':<44}{'比值':<22}{'峰值':>8}  结果")
    for row in result["rows"]:
        verdict = " ".join(("PASS" if t["pass"] else "MISS") + f"({target_text(t)})" for t in row["targets"]) or "—"
        print(f"{row['id']:<18}{row['cells']['gkcheck']:<44}{row['cells']['ratio']:<22}"
              f"{row['metrics']['peak_mb']:>6.0f}MB  {verdict}")


# -- main ---------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny corpora, one repetition (smoke test)")
    parser.add_argument("--out", type=Path, default=REPO / ".benchmarks", help="where results.json/.md go")
    parser.add_argument("--only", default="", help=f"comma-separated rows of: {','.join(ROWS)}")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions per measurement (default 3, --quick 1)")
    parser.add_argument("--cache", type=Path, default=None, help="corpus cache (default benchmarks/_corpora/)")
    parser.add_argument("--regenerate", action="store_true", help="generate the corpora again")
    parser.add_argument("--write-doc", action="store_true",
                        help=f"replace the results block of {DOC.relative_to(REPO)} (full runs only)")
    args = parser.parse_args(argv)
    args.rows = [r.strip() for r in args.only.split(",") if r.strip()] or list(ROWS)
    unknown = set(args.rows) - set(ROWS)
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))} (choose from {', '.join(ROWS)})")
    if args.write_doc and (args.quick or args.only):
        parser.error("--write-doc needs a full run of every row (no --quick, no --only)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = corpora.QUICK if args.quick else corpora.FULL
    repeat = args.repeat or (1 if args.quick else 3)
    cache = args.cache or REPO / "benchmarks" / "_corpora" / ("quick" if args.quick else "full")
    parts = set().union(*(ROW_PARTS[r] for r in args.rows))
    started = datetime.now(timezone.utc)
    print(f"语料目录 {cache}", flush=True)
    corpus = corpora.ensure(cache, sizes, parts, regenerate=args.regenerate,
                            log=lambda s: print(s, flush=True))
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=args.out))
    patterns = work / "patterns.txt"
    write_patterns(patterns)
    exe = Path(sys.executable).with_name("gkcheck")
    gk = [str(exe)] if exe.exists() else [sys.executable, "-m", "gkcheck"]
    ctx = Context(corpus, work, repeat, args.quick, gk, patterns)
    import gkcheck

    rows, failures = [], []
    for row_id in args.rows:
        print(f"测量 {row_id} …", flush=True)
        t0 = time.perf_counter()
        load = os.getloadavg()[0]
        try:
            row = finish_row(row_id, ROW_FUNCS[row_id](ctx))
            row["load"] = load  # the 1-minute load average as the row started (includes the last row's runs)
        except BenchError as exc:
            failures.append(row_id)
            print(f"  失败：{exc}", file=sys.stderr, flush=True)
            continue
        rows.append(row)
        print(f"  {row['cells']['gkcheck']} | {row['cells']['ratio']} | {row['metrics']['peak_mb']:.0f} MB "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
    finished = datetime.now(timezone.utc)
    result = {"schema_version": SCHEMA_VERSION, "gkcheck_version": gkcheck.__version__, "commit": git_commit(),
              "quick": args.quick, "repeat": repeat, "started": started.isoformat(timespec="seconds"),
              "finished": finished.isoformat(timespec="seconds"), "machine": machine(),
              "sizes": asdict(sizes), "rows": rows, "failed": failures,
              "nice": run_process([sys.executable, "-c", "pass"], work).nice}
    text = markdown(result)
    (args.out / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (args.out / "results.md").write_text(text, "utf-8")
    print_table(result)
    print(f"\n结果已写入 {args.out / 'results.json'} 和 {args.out / 'results.md'}")
    if failures:
        print(f"以下测试未能完成：{', '.join(failures)}", file=sys.stderr)
        return 1
    if args.write_doc:
        write_doc(text)
        print(f"已更新 {DOC.relative_to(REPO)} 中的结果表")
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
