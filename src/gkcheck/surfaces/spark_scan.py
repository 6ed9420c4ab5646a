"""``gkcheck spark-scan``: ``gkcheck scan`` on Apache Spark, for people who do not write Spark code.

Runs with a local Spark (``--master local[2]``) or under ``spark-submit`` (which supplies the
master); reads the files with Spark's ``binaryFile`` source, checks them with
:func:`gkcheck.spark.check_files` and writes the findings table (Parquet or CSV, a folder as
Spark writes them) or a JSON report (the same document as ``gkcheck scan --format json``, which
``gkcheck ledger import`` reads). A summary per site (the first folder below the input root, or
the ``--site NAME=PREFIX`` given) goes to standard error.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..model import SEVERITY_RANK, GkcheckError


def _root_of(pattern: str) -> str:
    """The fixed folder part of an input path or glob, as Spark writes paths (``file:/x/``): a
    folder itself, a file's folder, or the folders before the first wildcard."""
    head, glob = pattern, False
    for i, ch in enumerate(pattern):
        if ch in "*?[{":
            head, glob = pattern[:i], True
            break
    remote = "://" in head or head.startswith("file:")
    if glob or (not remote and Path(head).is_file()):
        head = head[: head.rfind("/") + 1] if "/" in head else ""
    if remote:
        return head if head.endswith("/") else head + "/"
    return "file:" + str(Path(head or ".").resolve()).rstrip("/") + "/"


def _site_of(path: str, root: str, sites: list[tuple[str, str]]) -> str:
    for name, prefix in sites:
        if path.startswith(prefix) or path.replace("file:", "", 1).startswith(prefix):
            return name
    rel = path[len(root):] if path.startswith(root) else path
    first = rel.lstrip("/").split("/", 1)
    return first[0] if len(first) > 1 else "（根目录）"


def summarize(rows: list[dict[str, Any]], root: str, sites: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Per site: files, files not checked, findings by severity (what a provincial office reads
    first, and what the ledger's monthly counts start from)."""
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {"files": 0, "files_failed": 0,
                                                            "findings": Counter()})
    seen: set[str] = set()
    for r in rows:
        if r["status"] == "skipped":
            continue
        site = out[_site_of(r["path"], root, sites)]
        if r["path"] not in seen:
            seen.add(r["path"])
            site["files"] += 1
            site["files_failed"] += r["status"] == "error"
        if r.get("rule"):
            site["findings"][r["severity"]] += 1
    return {name: {"files": s["files"], "files_failed": s["files_failed"],
                   "by_severity": {k: s["findings"].get(k, 0) for k in ("error", "warning", "info")}}
            for name, s in sorted(out.items())}


@click.command("spark-scan")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--output", "-o", required=True, help="结果写到这里：parquet/csv 为目录，json 为一个报告文件。")
@click.option("--format", "fmt", type=click.Choice(["parquet", "json", "csv"]), default="parquet",
              show_default=True, help="结果格式；json 与 gkcheck scan --format json 相同，可导入整改台账。")
@click.option("--master", default=None,
              help="Spark master，如 local[2]、yarn；在 spark-submit 下运行时不要给（由它决定）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="配置文件（词库、允许词等分发到各执行器）。")
@click.option("--publish-date", help="日期检查所对照的发布日期，YYYY-MM-DD（默认今天，以驱动程序的日期为准）。")
@click.option("--exclude", multiple=True, help="排除匹配此通配符的文件名或相对路径，可重复。")
@click.option("--select", multiple=True, help="只启用这些规则（同 gkcheck scan）。")
@click.option("--ignore", multiple=True, help="停用这些规则（同 gkcheck scan）。")
@click.option("--site", "sites", multiple=True, metavar="NAME=PREFIX",
              help="汇总时把路径以 PREFIX 开头的文件算作网站 NAME，可重复（默认按输入目录下的第一级目录）。")
@click.option("--partitions", type=click.IntRange(1, 100000), default=None,
              help="重新分区数（默认按 Spark 读文件时的分区）。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="有此级别及以上的问题时退出码为 1（默认 error）。")
@click.option("--overwrite", is_flag=True, help="输出已存在时覆盖（默认拒绝）。")
def spark_scan(inputs: tuple[str, ...], output: str, fmt: str, master: str | None, config_path: Path | None,
               publish_date: str | None, exclude: tuple[str, ...], select: tuple[str, ...],
               ignore: tuple[str, ...], sites: tuple[str, ...], partitions: int | None,
               fail_on: str | None, overwrite: bool) -> None:
    """在 Apache Spark 上检查大量文件（本机 local[N] 或 spark-submit 提交到集群），结果与 gkcheck scan 相同。"""
    from ..config import load_config, parse_date

    try:
        config = load_config(config_path)
        config = config.with_overrides(exclude=(*config.exclude, *exclude) if exclude else None,
                                       select=tuple(s for v in select for s in v.split(",") if s) or None,
                                       ignore=tuple(s for v in ignore for s in v.split(",") if s) or None)
        pub = parse_date(publish_date, "发布日期") if publish_date else None
        site_list = []
        for spec in sites:
            name, sep, prefix = spec.partition("=")
            if not sep or not name or not prefix:
                raise GkcheckError(f"--site 应写成 名称=路径前缀：{spec}")
            site_list.append((name, prefix))
        out_path = Path(output.replace("file:", "", 1)) if "://" not in output else None
        if out_path is not None and out_path.exists() and not overwrite:
            raise GkcheckError(f"输出已存在：{output}（加 --overwrite 覆盖）")
        if out_path is not None:
            _refuse_inputs(out_path, inputs)
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise click.UsageError("需要 PySpark：pip install 'gkcheck[spark]'") from None

    from ..spark import check_files
    from ..spark.rows import COLUMNS

    builder = SparkSession.builder.appName("gkcheck spark-scan").config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            # local Python workers run the Python that runs this command (its gkcheck, its venv)
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    roots = [_root_of(p) for p in inputs]
    root = roots[0] if len(set(roots)) == 1 else None
    try:
        files = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(list(inputs))
    except Exception as exc:  # noqa: BLE001 - Spark's AnalysisException: a path that is not there
        spark.stop()
        click.echo(f"gkcheck: 无法读取输入：{str(exc).splitlines()[0]}", err=True)
        sys.exit(2)
    if partitions:
        files = files.repartition(partitions)
    findings = check_files(files, config, publish_date=pub, today=date.today(), root=root)
    if fmt in ("parquet", "csv"):
        mode = "overwrite" if overwrite else "errorifexists"
        findings.cache()
        (findings.write.mode(mode).option("header", "true").csv(output) if fmt == "csv"
         else findings.write.mode(mode).parquet(output))
        rows = [r.asDict() for r in findings.select("path", "status", "error", "rule", "severity",
                                                    "skipped").collect()]
    else:
        rows = [r.asDict() for r in findings.select(*COLUMNS).collect()]
        shown = dict(zip(roots, inputs))
        _write_json(out_path, [{**r, "path": _as_given(r["path"], shown)} for r in rows], overwrite)
    for r in rows:
        if r["status"] == "error" and r.get("rule") is None:
            click.echo(f"gkcheck: {r['path']}: 无法检查：{r['error']}", err=True)
    summary = summarize(rows, root or "", site_list)
    for name, s in summary.items():
        sev = s["by_severity"]
        click.echo(f"{name}：{s['files']} 个文件（无法检查 {s['files_failed']}），"
                   f"错误 {sev['error']}，警告 {sev['warning']}，提示 {sev['info']}", err=True)
    spark.stop()
    failed = any(r["status"] == "error" for r in rows)
    worst = max((SEVERITY_RANK.get(r["severity"] or "", 0) for r in rows), default=0)
    sys.exit(exit_code_for(worst, failed, fail_on or config.fail_on))


def _refuse_inputs(out_path: Path, inputs: tuple[str, ...]) -> None:
    """The output is never one of the inputs, nor inside an input folder (the next run would
    read it, and a careless --overwrite would delete what is being checked)."""
    target = out_path.resolve()
    for spec in inputs:
        if "://" in spec:
            continue
        fixed = Path(_root_of(spec).replace("file:", "", 1)).resolve()
        named = Path(spec.replace("file:", "", 1)).resolve()
        if target in (fixed, named) or fixed in target.parents or target in fixed.parents:
            raise GkcheckError(f"输出路径不能是被检查的文件或目录，也不能放在其中：{out_path}")


def _as_given(path: str, shown: dict[str, str]) -> str:
    """A path as ``gkcheck scan`` shows it: below the input as the user wrote it (``site/a.html``
    for the input ``site``), not Spark's ``file:/abs/site/a.html``."""
    for root, given in shown.items():
        if path.startswith(root) and not any(ch in given for ch in "*?[{"):
            rest = path[len(root):]
            if Path(given.replace("file:", "", 1)).is_file():
                return given
            return given.rstrip("/") + "/" + rest
    return path[len("file:"):] if path.startswith("file:") else path


def exit_code_for(worst: int, failed: bool, fail_on: str) -> int:
    """As ``gkcheck scan``: 2 when a file could not be checked, 1 for findings at or above
    ``fail_on``, else 0."""
    if failed:
        return 2
    if fail_on == "never":
        return 0
    return 1 if worst >= SEVERITY_RANK[fail_on] else 0


def _write_json(path: Path | None, rows: list[dict[str, Any]], overwrite: bool) -> None:
    from .._version import __version__
    from ..model import CATEGORIES, SEVERITIES, REPORT_SCHEMA_VERSION
    from ..output import write_atomic
    from ..spark.rows import report_files, skipped_counts

    if path is None:
        raise click.UsageError("--format json 只能写到本地路径")
    files = report_files(rows)
    by_sev = {s: 0 for s in SEVERITIES}
    by_cat = {c: 0 for c in CATEGORIES}
    for f in files:
        for x in f["findings"]:
            by_sev[x["severity"]] += 1
            by_cat[x["category"]] += 1
    report = {"schema_version": REPORT_SCHEMA_VERSION, "tool": {"name": "gkcheck", "version": __version__},
              "files": files,
              "summary": {"files": len(files), "files_with_findings": sum(1 for f in files if f["findings"]),
                          "files_failed": sum(1 for f in files if f["status"] == "error"),
                          "findings": sum(by_sev.values()),
                          "suppressed": sum(f["suppressed"] for f in files),
                          "by_severity": by_sev, "by_category": by_cat, "skipped": skipped_counts(rows)}}
    write_atomic(path, json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
