"""Smoke test of the benchmark suite: ``python -m benchmarks --quick`` runs every row on tiny
corpora and writes results that validate. Speeds are never asserted here (they live in
docs/performance.md); only that every row was measured and the files are well formed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import run as bench  # noqa: E402


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--out", str(out),
                           "--cache", str(out / "corpora")],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    return proc, out


@pytest.mark.slow
def test_quick_run_measures_every_row(quick):
    proc, out = quick
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((out / "results.json").read_text("utf-8"))
    jsonschema.validate(result, json.loads((REPO / "benchmarks" / "results.schema.json").read_text("utf-8")))
    assert result["quick"] is True and result["failed"] == []
    assert [row["id"] for row in result["rows"]] == list(bench.ROWS)
    for row in result["rows"]:
        assert row["gkcheck"]["seconds"] > 0 and row["gkcheck"]["peak_mb"] > 0, row["id"]
        if row["floor"] is not None:
            assert row["floor"]["seconds"] > 0 and row["floor"]["peak_mb"] > 0, row["id"]
        for target in row["targets"]:
            assert target["value"] > 0, (row["id"], target)
    rows = {row["id"]: row for row in result["rows"]}
    # the corpora hold what is measured: mistakes in the text, personal data in the list
    assert rows["text"]["metrics"]["findings"] > 0
    assert rows["xlsx"]["metrics"]["folded_cells"] >= result["sizes"]["xlsx_rows"]   # folded into P009
    assert rows["text"]["metrics"]["patterns"] > 1000
    assert {t["metric"] for t in rows["text"]["targets"]} == {"ratio", "peak_mb"}
    # issue 15's rows: serve under a bounded load answered every request; --jobs ran over the
    # mixed corpus (the row itself fails when the two reports differ); the site audit read the mirror
    serve = rows["serve"]["metrics"]
    assert serve["requests"] > 0 and serve["errors"] == 0 and serve["ok_percent"] == 100, serve
    assert serve["p50_ms"] > 0 and serve["rss_start_mb"] > 0 and serve["workers"] == 4
    assert {t["metric"] for t in rows["serve"]["targets"]} == {"requests_per_s", "p99_ms", "ok_percent", "rss_growth"}
    assert rows["jobs"]["input"]["files"] == 40 and rows["jobs"]["metrics"]["findings"] > 0
    assert "docx" in rows["jobs"]["input"]["description"] and "pdf" in rows["jobs"]["input"]["description"]
    assert rows["site"]["input"]["files"] > 300 and rows["site"]["metrics"]["columns"] > 0


@pytest.mark.slow
def test_quick_run_writes_the_markdown_table(quick):
    proc, out = quick
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = (out / "results.md").read_text("utf-8")
    assert "| 测试 | 输入 | gkcheck |" in text
    result = json.loads((out / "results.json").read_text("utf-8"))
    for row in result["rows"]:
        assert f"| {row['title']} |" in text
    assert "快速模式" in text


def test_write_doc_replaces_only_the_marked_block(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# 性能\n\n前文\n{bench.MARK_START}\n旧表\n{bench.MARK_END}\n\n后文\n", "utf-8")
    bench.write_doc("| 新表 |\n", doc)
    assert doc.read_text("utf-8") == f"# 性能\n\n前文\n{bench.MARK_START}\n| 新表 |\n{bench.MARK_END}\n\n后文\n"
    bench.write_doc("| 再一次 |\n", doc)
    assert "新表" not in doc.read_text("utf-8") and "| 再一次 |" in doc.read_text("utf-8")


def test_write_doc_without_markers_is_an_error(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("# 性能\n", "utf-8")
    with pytest.raises(bench.BenchError):
        bench.write_doc("| 表 |\n", doc)
    assert doc.read_text("utf-8") == "# 性能\n"


def test_the_performance_doc_has_the_results_block():
    text = (REPO / "docs" / "performance.md").read_text("utf-8")
    assert text.count(bench.MARK_START) == 1 and text.count(bench.MARK_END) == 1
    assert text.index(bench.MARK_START) < text.index(bench.MARK_END)


def test_write_doc_refuses_a_quick_run():
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--write-doc"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--write-doc" in proc.stderr


def test_generated_personal_data_is_valid():
    import random
    from datetime import date

    from benchmarks.corpora import Vocab
    from gkcheck.detectors.idcard import id18_problem

    vocab = Vocab(random.Random(1))
    for _ in range(200):
        number = vocab.id_number()
        assert id18_problem(number, date(2026, 11, 22)) is None, number
        mobile = vocab.mobile()
        assert len(mobile) == 11 and mobile.isdigit() and mobile[:2] in ("13", "15", "16", "17", "18", "19")
