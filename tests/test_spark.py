"""gkcheck on Apache Spark (local mode, a real JVM and real Python workers): the findings equal
those of ``gkcheck scan --format json`` on the same folder, finding for finding; every input file
appears once, also when a task's Python worker is killed and Spark retries the task."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import jsonschema
import pytest

pyspark = pytest.importorskip("pyspark", reason="the spark extra is part of gkcheck[test]")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpora import write_docx, write_html, write_pdf, write_xlsx  # noqa: E402
from gkcheck import Config  # noqa: E402
from gkcheck.spark import Settings, check_batches, check_files  # noqa: E402
from gkcheck.spark.rows import COLUMNS, report_files  # noqa: E402
from gkcheck.spark.worker import _checker, skipped_by_walk  # noqa: E402

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (.ci/run installs it)")]

PUBLISH = "2024-03-01"
TODAY = date.today()            # what `gkcheck scan` takes as today
SCHEMA = json.loads((REPO / "docs" / "json-report.schema.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """HTML (UTF-8 and GBK), DOCX, an XLSX list, PDFs, broken files, and files a folder walk skips."""
    root = tmp_path_factory.mktemp("spark-corpus")
    rng = random.Random(18)
    write_html(root / "site-a", 12, rng)
    write_docx(root / "site-a" / "files", 4, rng)
    (root / "site-b").mkdir()
    write_xlsx(root / "site-b" / "名单.xlsx", 120, rng)
    write_pdf(root / "site-b" / "pdf", 2, rng)
    (root / "site-b" / "通知.txt").write_text("截止目前，全县已完成改造。联系电话13907971234。\n", "utf-8")
    docx = next((root / "site-a" / "files").glob("*.docx")).read_bytes()
    (root / "site-b" / "truncated.docx").write_bytes(docx[: len(docx) // 2])
    (root / "site-b" / "random.pdf").write_bytes(os.urandom(3000))
    with zipfile.ZipFile(root / "site-b" / "not-office.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")
    (root / "site-b" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))   # skipped by the walk
    (root / "site-b" / ".hidden.html").write_text("<p>截止目前</p>", "utf-8")             # skipped by the walk
    return root


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)        # workers run this venv's Python
    session = (SparkSession.builder.master("local[2,4]")          # 2 threads, a task may fail 3 times
               .appName("gkcheck-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.driver.host", "127.0.0.1")
               .getOrCreate())
    yield session
    session.stop()


def _scan_json(corpus: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "scan", str(corpus), "--format", "json",
                           "--publish-date", PUBLISH, "--fail-on", "never"],
                          capture_output=True, text=True, timeout=300, cwd=corpus.parent)
    assert proc.returncode in (0, 2), proc.stderr
    return json.loads(proc.stdout)


def _by_relative_path(files: list[dict], root: str) -> dict[str, dict]:
    out = {}
    for f in files:
        path = f["path"]
        rel = path.split(root, 1)[1].lstrip("/") if root in path else path
        out[rel] = {**f, "path": rel}
    return out


def _binary_files(spark, corpus: Path):
    return spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(str(corpus))


def _spark_files(spark, corpus: Path, **kwargs) -> list[dict]:
    findings = check_files(_binary_files(spark, corpus), Config(), publish_date=PUBLISH, today=TODAY,
                           root=f"file:{corpus}/", **kwargs)
    return report_files(r.asDict() for r in findings.select(*COLUMNS).collect())


def test_findings_equal_a_local_scan_finding_for_finding(spark, corpus):
    local = _by_relative_path(_scan_json(corpus)["files"], str(corpus))
    remote = _by_relative_path(_spark_files(spark, corpus), str(corpus))
    assert set(remote) == set(local)
    assert "site-b/logo.png" not in remote and "site-b/.hidden.html" not in remote   # counted, as scan does
    statuses = {p: f["status"] for p, f in remote.items()}
    assert statuses["site-b/truncated.docx"] == statuses["site-b/random.pdf"] == "error"
    # the list alone has hundreds of personal values (folded into its columns' P009 by default)
    assert sum(len(f["findings"]) + sum(len(x.get("cells") or ()) for x in f["findings"])
               for f in local.values()) > 100
    for path in sorted(local):
        assert remote[path] == local[path], path


def test_a_killed_python_worker_is_retried_and_every_file_appears_once(spark, corpus):
    """The first attempt of every task kills its Python worker after writing one batch of rows;
    Spark retries the task and the output holds each file's rows exactly once."""
    from pyspark import TaskContext

    settings = Settings(config=Config(), today=TODAY, publish_date=PUBLISH, root=f"file:{corpus}/")

    def flaky(batches):
        context = TaskContext.get()
        out = check_batches(batches, settings)
        for n, batch in enumerate(out):
            if context.attemptNumber() == 0 and n == 1:
                os._exit(1)                         # the Python worker dies mid-task
            yield batch
        if context.attemptNumber() == 0:
            os._exit(1)

    from gkcheck.spark.rows import spark_schema_ddl

    files = _binary_files(spark, corpus).repartition(3).select("path", "length", "content")
    rows = [r.asDict() for r in files.mapInArrow(flaky, spark_schema_ddl()).collect()]
    expected = _spark_files(spark, corpus)
    got = report_files(rows)
    assert got == expected
    per_file: dict[str, int] = {}
    for r in rows:
        per_file[r["path"]] = per_file.get(r["path"], 0) + 1
    skipped = {r["path"] for r in rows if r["status"] == "skipped"}
    assert {Path(p).name for p in skipped} == {"logo.png"}   # Spark's file listing drops .hidden.html itself
    assert {f["path"]: max(1, len(f["findings"])) for f in expected} | {p: 1 for p in skipped} == per_file


def test_files_over_the_size_limit_are_errors_and_their_content_is_not_read(spark, corpus):
    small = Config(max_file_bytes=12_000)   # the list (16 KB), DOCX and PDFs are larger
    findings = check_files(_binary_files(spark, corpus), small, publish_date=PUBLISH, today=TODAY,
                           root=f"file:{corpus}/")
    files = report_files(r.asDict() for r in findings.select(*COLUMNS).collect())
    big = [f for f in files if f["status"] == "error" and "文件过大" in (f["error"] or "")]
    assert {Path(f["path"]).name for f in big} >= {"名单.xlsx"}
    assert all(f["findings"] == [] for f in big)
    # the same files as without the limit: nothing dropped
    assert {f["path"] for f in files} == {f["path"] for f in _spark_files(spark, corpus)}


def test_one_checker_per_process_for_the_same_settings():
    a = Settings(config=Config(), today=TODAY)
    assert _checker(a) is _checker(Settings(config=Config(), today=TODAY))
    assert _checker(Settings(config=Config(ignore=("T001",)), today=TODAY)) is not None
    assert _checker(a) is not None


@pytest.mark.parametrize("path, skipped", [
    ("file:/s/a.html", None), ("file:/s/logo.PNG", "images"), ("file:/s/.git/x.html", "hidden"),
    ("file:/s/.well-known/a.txt", None), ("file:/s/archive/old.html", "excluded"), ("file:/s/.x.docx", "hidden"),
    ("file:/s/style.css", "other"),
])
def test_walk_filter_matches_the_folder_walk(path, skipped):
    settings = Settings(config=Config(exclude=("archive/**",)), today=TODAY, root="file:/s/")
    assert skipped_by_walk(path, settings) == skipped


def test_spark_scan_command_writes_a_json_report_equal_to_scan(corpus, tmp_path):
    out = tmp_path / "findings.json"
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "spark-scan", str(corpus), "--master", "local[2]",
                           "--format", "json", "-o", str(out), "--publish-date", PUBLISH, "--fail-on", "never"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2, proc.stderr          # broken files in the corpus: exit 2 as scan
    report = json.loads(out.read_text("utf-8"))
    jsonschema.validate(report, SCHEMA)
    local = _scan_json(corpus)
    # Spark's file source never lists names starting with "." or "_" (Hadoop's hidden-file rule),
    # so the hidden file the folder walk counts is not seen at all (docs/spark.md)
    assert local["summary"]["skipped"]["hidden"] == 1 and report["summary"]["skipped"]["hidden"] == 0
    report["summary"]["skipped"]["hidden"] = 1
    assert report["summary"] == local["summary"]
    assert report["files"] == sorted(local["files"], key=lambda f: f["path"])    # paths as scan shows them
    assert "site-a：" in proc.stderr and "site-b：" in proc.stderr      # the per-site summary


def test_spark_scan_writes_parquet_and_refuses_to_write_into_the_input(corpus, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "findings.parquet"
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "spark-scan", str(corpus / "site-b" / "*.txt"),
                           "--master", "local[1]", "-o", str(out), "--publish-date", PUBLISH],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr
    table = pq.read_table(out).to_pylist()
    assert {r["rule"] for r in table} >= {"T001", "P002"}
    assert all(r["path"].endswith("通知.txt") for r in table)
    inside = subprocess.run([sys.executable, "-m", "gkcheck", "spark-scan", str(corpus), "-o",
                             str(corpus / "site-a" / "out.parquet")], capture_output=True, text=True, timeout=120)
    assert inside.returncode == 2 and "不能" in inside.stderr
    assert not (corpus / "site-a" / "out.parquet").exists()
