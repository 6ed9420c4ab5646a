"""What every benchmark row is built from: running one measured process (under measure.py),
repeated samples, targets, and the small helpers the rows share (benchmarks/run.py, rows_load.py)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import corpora

REPO = corpora.REPO
PROBES = Path(__file__).resolve().parent / "probes.py"
MEASURE = PROBES.with_name("measure.py")
MB = 2**20


class BenchError(Exception):
    """A measured command failed: its numbers would mean nothing."""


# -- running one process ------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    stdout: str
    nice: int = 0


# Measured processes cache bytecode as an installed package does (pip compiles it at install time);
# with PYTHONDONTWRITEBYTECODE set, every start would compile gkcheck's sources again.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_process(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> Run:
    """Run ``cmd`` under benchmarks/measure.py (see there why) and return its wall time, CPU time
    and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as usage:
        subprocess.run([sys.executable, str(MEASURE), usage.name, "--", *cmd], cwd=cwd, stdout=out, stderr=err,
                       stdin=subprocess.DEVNULL, env=CHILD_ENV, check=True)
        stats = json.loads(Path(usage.name).read_text())
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if stats["returncode"] not in ok:
        raise BenchError(f"{' '.join(cmd)} exited {stats['returncode']}:\n{stderr[-2000:]}")
    return Run(stats["seconds"], stats["cpu_seconds"], stats["peak_mb"], stdout, stats.get("nice", 0))


@dataclass
class Sample:
    """Repeated runs of one command: the median time counts, the largest peak memory."""

    command: list[str]
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)

    def as_json(self, name: str) -> dict:
        return {"name": name, "command": shown_command(self.command), "seconds": self.seconds,
                "cpu_seconds": self.cpu_seconds, "peak_mb": self.peak_mb,
                "runs": [r.seconds for r in self.runs]}


def shown_command(cmd: list[str]) -> str:
    """The command as a reader would type it: paths relative to the corpus, tools by name."""
    words = []
    for word in cmd:
        if word == sys.executable:
            word = "python"
        elif word.endswith("/gkcheck") and Path(word).name == "gkcheck":
            word = "gkcheck"
        elif word == str(PROBES):
            word = "benchmarks/probes.py"
        elif "/" in word:
            word = Path(word).name
        words.append(word)
    return " ".join(words)


LONG_ROUND = 120.0  # seconds: a round of runs this long is not repeated (one slow run is stable enough)


def measure(commands: list[list[str]], repeat: int, cwd: Path, ok: tuple[int, ...] = (0,)) -> list[Sample]:
    """Run the commands in turn ``repeat`` times (interleaved, so drift hits all alike); a first
    round longer than LONG_ROUND is not repeated, so a slow build still finishes the suite."""
    samples = [Sample(c) for c in commands]
    for i in range(repeat):
        t0 = time.perf_counter()
        for sample in samples:
            sample.runs.append(run_process(sample.command, cwd, ok))
        if i == 0 and time.perf_counter() - t0 > LONG_ROUND:
            break
    return samples


# -- targets and rows ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    name: str       # what is compared, in Chinese, for the table
    metric: str     # key in the row's metrics
    op: str         # "<=" or ">="
    limit: float
    unit: str       # "×", "MB", "ms"
    aim: float | None = None

    def check(self, value: float) -> dict:
        passed = value <= self.limit if self.op == "<=" else value >= self.limit
        return {"name": self.name, "metric": self.metric, "op": self.op, "limit": self.limit,
                "aim": self.aim, "unit": self.unit, "value": value, "pass": passed}


@dataclass
class Context:
    corpus: corpora.Corpus
    work: Path
    repeat: int
    quick: bool
    gkcheck: list[str]
    patterns: Path


def scan_cmd(ctx: Context, *paths: Path, extra: tuple[str, ...] = ()) -> list[str]:
    report = ctx.work / "report.json"
    return [*ctx.gkcheck, "scan", "--format", "json", "-o", str(report), "--fail-on", "never", *extra,
            "--", *map(str, paths)]   # `--`: a path is never read as an option


def check_report(ctx: Context, files: int) -> dict:
    """The last scan's report: every file checked, none an error (or the timing means nothing)."""
    report = json.loads((ctx.work / "report.json").read_text("utf-8"))
    bad = [f"{f['path']}: {f.get('error')}" for f in report["files"] if f["status"] != "ok"]
    if bad or len(report["files"]) != files:
        raise BenchError(f"gkcheck did not check all {files} files cleanly: {bad[:3]} "
                         f"({len(report['files'])} files in the report)")
    return {"findings": sum(len(f["findings"]) for f in report["files"]),
            # cells folded into list columns' P009 findings (docs/privacy.md)
            "folded_cells": sum(len(x.get("cells") or ()) for f in report["files"] for x in f["findings"])}


def probe(name: str, *args: Path | str) -> list[str]:
    return [sys.executable, str(PROBES), name, *map(str, args)]


def size_of(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def files_in(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern))


def mb(n: float) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def ratio_cell(g: Sample, f: Sample) -> str:
    """Wall-time ratio, and the CPU-time ratio, which a busy machine disturbs less."""
    return f"{g.seconds / f.seconds:.2f}×（CPU {g.cpu_seconds / f.cpu_seconds:.2f}×）"
