"""Spark beside one machine: files/s and MB/s of ``gkcheck.spark`` in ``local[1]`` and ``local[2]``
against ``gkcheck scan --jobs 1/2`` on the same mixed corpus, and the per-file cost Spark adds.

    .venv/bin/python -m benchmarks.spark [--files 600] [--out results-spark.json]

Needs the spark extra (``pip install -e '.[spark]'``) and Java. Spark's start-up (JVM, session)
is measured apart from the check itself, since a cluster job pays it once for millions of files.
The numbers go into docs/spark.md by hand, with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .corpora import write_docx, write_html, write_pdf, write_xlsx


def build(root: Path, files: int) -> tuple[int, int]:
    rng = random.Random(2026)
    html = files * 7 // 10
    docx = files * 2 // 10
    pdf = max(1, files // 20)
    write_html(root / "html", html, rng)
    write_docx(root / "docx", docx, rng)
    write_pdf(root / "pdf", pdf, rng)
    lists = max(1, files - html - docx - pdf)
    (root / "xlsx").mkdir()
    for i in range(lists):
        write_xlsx(root / "xlsx" / f"list-{i:03d}.xlsx", 300, rng)
    paths = [p for p in root.rglob("*") if p.is_file()]
    return len(paths), sum(p.stat().st_size for p in paths)


def time_scan(root: Path, jobs: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gkcheck", "scan", str(root), "--format", "json", "--jobs", str(jobs),
                    "--fail-on", "never", "-o", str(root.parent / f"scan-{jobs}.json")], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def time_spark(root: Path, threads: int) -> tuple[float, float, int]:
    import os

    from pyspark.sql import SparkSession

    from gkcheck import Config

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)    # workers run this Python (its gkcheck)
    from gkcheck.spark import check_files

    start = time.perf_counter()
    spark = (SparkSession.builder.master(f"local[{threads}]").appName("gkcheck-bench")
             .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    spark.range(1).count()
    startup = time.perf_counter() - start
    start = time.perf_counter()
    files = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(str(root))
    rows = check_files(files.repartition(threads * 4), Config(), root=f"file:{root}/").count()
    elapsed = time.perf_counter() - start
    spark.stop()
    return startup, elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        count, size = build(root, args.files)
        results = {"files": count, "bytes": size}
        for jobs in (1, 2):
            results[f"scan --jobs {jobs}"] = time_scan(root, jobs)
        for threads in (1, 2):
            startup, elapsed, rows = time_spark(root, threads)
            results[f"spark local[{threads}]"] = elapsed
            results[f"spark local[{threads}] start-up"] = startup
            results["rows"] = rows
    mb = results["bytes"] / 2**20
    print(f"{count} files, {mb:.1f} MB, {results['rows']} rows")
    print("| run | seconds | files/s | MB/s |")
    print("|---|---|---|---|")
    for name in ("scan --jobs 1", "scan --jobs 2", "spark local[1]", "spark local[2]"):
        t = results[name]
        print(f"| {name} | {t:.1f} | {count / t:.0f} | {mb / t:.2f} |")
    for threads in (1, 2):
        print(f"spark local[{threads}] start-up (JVM + session): {results[f'spark local[{threads}] start-up']:.1f} s")
    overhead = (results["spark local[1]"] - results["scan --jobs 1"]) / count * 1000
    print(f"per-file cost Spark adds in local[1]: {overhead:.1f} ms")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2), "utf-8")


if __name__ == "__main__":
    main()
