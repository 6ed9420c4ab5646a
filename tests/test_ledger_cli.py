"""``gkcheck scan --ledger/--new-only``, ``gkcheck ledger ...``, ``watch --ledger --new-only`` and
the in-document suppression markers, run as users run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from gkcheck import Checker, Config

from .conftest import REPO
from .ledger_fixtures import ledger_target, pg_cluster  # noqa: F401 (fixtures)

GKCHECK = Path(sys.executable).with_name("gkcheck")
SCHEMA = json.loads((REPO / "docs" / "json-report.schema.json").read_text("utf-8"))


def gk(*args: str | Path, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GKCHECK), *map(str, args)], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=env)


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "jyj").mkdir(parents=True)
    (root / "jyj" / "old.html").write_text("<html><body><p>截止目前，全县已完成改造。</p></body></html>\n", "utf-8")
    (root / "wjw.txt").write_text("请妥善保管帐号。\n", "utf-8")
    return root


def test_baseline_then_new_only_fails_only_on_new_findings(site, ledger_target, tmp_path):
    import os

    env = {**os.environ, "GKCHECK_LEDGER_KEY": str(tmp_path / "ledger.key")}
    proc = gk("ledger", "baseline", site, "--ledger", ledger_target, "--date", "2024-01-02", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "2 个文件，2 处问题" in proc.stdout
    # the legacy findings are known: --new-only passes, without it the scan fails as before
    proc = gk("scan", site, "--ledger", ledger_target, "--new-only", "--format", "json", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    jsonschema.validate(report, SCHEMA)
    states = [f["ledger_state"] for r in report["files"] for f in r["findings"]]
    assert states == ["known", "known"]
    assert gk("scan", site, "--ledger", ledger_target, env=env).returncode == 1
    # a new problem fails the gate, every time it is tried (the gate does not accept it itself)
    (site / "new.txt").write_text("用户登陆系统。\n", "utf-8")
    for _ in range(2):
        proc = gk("scan", site, "--ledger", ledger_target, "--new-only", env=env)
        assert proc.returncode == 1, proc.stdout
        assert "[台账：新问题" in proc.stdout and "[台账：已知" in proc.stdout
    # an editor ignores it: the gate passes, and the report still lists it, marked
    proc = gk("scan", site / "new.txt", "--ledger", ledger_target, "--new-only", "--format", "json", env=env)
    fp = json.loads(proc.stdout)["files"][0]["findings"][0]["fingerprint"]
    proc = gk("ledger", "ignore", fp[:8], "--reason", "系统名称原文", "--user", "李编辑", "--ledger", ledger_target,
              env=env)
    assert proc.returncode == 0, proc.stderr
    proc = gk("scan", site, "--ledger", ledger_target, "--new-only", env=env)
    assert proc.returncode == 0 and "[台账：已忽略" in proc.stdout
    shown = gk("ledger", "show", fp, "--ledger", ledger_target, env=env).stdout
    assert "mark_user: 李编辑" in shown and "系统名称原文" in shown and "ignored" in shown


def test_ledger_list_export_import_and_report(site, tmp_path):
    db = tmp_path / "l.db"
    proc = gk("scan", site, "--format", "json", "--fail-on", "never")
    (tmp_path / "r.json").write_text(proc.stdout, "utf-8")
    proc = gk("ledger", "import", tmp_path / "r.json", "--root", site, "--date", "2024-01-05", "--ledger", db)
    assert proc.returncode == 0 and "2 处问题" in proc.stdout, proc.stderr
    listed = json.loads(gk("ledger", "list", "--ledger", db, "--format", "json").stdout)
    assert sorted((e["doc"], e["shown"], e["state"], e["first_date"]) for e in listed) == [
        ("jyj/old.html", "截止目前", "new", "2024-01-05"), ("wjw.txt", "帐号", "new", "2024-01-05")]
    assert gk("ledger", "list", "--ledger", db, "--state", "fixed").stdout == ""
    exported = json.loads(gk("ledger", "export", "--ledger", db).stdout)
    assert len(exported["findings"]) == 2 and exported["scans"][0]["source"] == "import"
    (tmp_path / "gkcheck.toml").write_text('[units]\n"jyj/" = "县教育局"\n', "utf-8")
    proc = gk("ledger", "report", "--month", "2024-01", "--format", "xlsx", "-o", tmp_path / "t.xlsx",
              "--ledger", db, "--config", tmp_path / "gkcheck.toml")
    assert proc.returncode == 0, proc.stderr
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["整改台账"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[2], r[5], r[7]) for r in rows] == [
        (1, "县教育局", "jyj/old.html", "2024-01-05", "新发现"), (2, "未归属单位", "wjw.txt", "2024-01-05", "新发现")]
    html = gk("ledger", "report", "--month", "2024-01", "--format", "html", "--ledger", db).stdout
    assert "<svg" in html and "整改台账" in html
    assert gk("ledger", "report", "--month", "2024-13", "--format", "json", "--ledger", db).returncode == 2


def test_watch_new_only_holds_only_files_with_new_findings(tmp_path):
    db = tmp_path / "l.db"
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "a.txt").write_text("截止目前，全县已完成改造。\n", "utf-8")
    assert gk("ledger", "baseline", legacy, "--ledger", db).returncode == 0
    inbox, passed, held = tmp_path / "inbox", tmp_path / "pass", tmp_path / "hold"
    inbox.mkdir()
    (inbox / "a.txt").write_text("截止目前，全县已完成改造。\n", "utf-8")    # a known page again
    (inbox / "b.txt").write_text("用户登陆系统。\n", "utf-8")               # something new
    proc = gk("watch", inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0",
              "--ledger", db, "--new-only")
    assert proc.returncode == 1, proc.stderr
    assert (passed / "a.txt").exists() and (held / "b.txt").exists()


def test_suppression_markers_in_html_and_text_are_counted(tmp_path):
    html = ("<html><body>\n<!-- gkcheck-disable-next-line T001 原文照录 -->\n<p>截止目前，已完成。</p>\n"
            "<p>截止目前，还有一处。</p>\n<!-- gkcheck-disable T002 -->\n<p>帐号一。</p>\n<p>帐号二。</p>\n"
            "<!-- gkcheck-enable T002 -->\n<p>帐号三。</p>\n</body></html>\n")
    checker = Checker(Config())
    result = checker.check_bytes(html.encode(), "a.html")
    assert [(f.rule, f.location.line) for f in result.findings] == [("T001", 4), ("T002", 9)]
    assert result.suppressed == 3
    text = "gkcheck-disable-next-line T001 人名\n截止目前。\n截止目前。\n# gkcheck-disable-next-line\n截止目前。\n"
    result = checker.check_bytes(text.encode(), "a.md")
    assert [f.location.line for f in result.findings] == [3, 5] and result.suppressed == 1
    # a marker for another rule silences nothing
    result = checker.check_bytes("<!-- gkcheck-disable-next-line P001 -->\n截止目前。\n".encode(), "b.txt")
    assert len(result.findings) == 1 and result.suppressed == 0
    (tmp_path / "a.html").write_text(html, "utf-8")
    proc = gk("scan", tmp_path / "a.html", "--format", "json")
    report = json.loads(proc.stdout)
    jsonschema.validate(report, SCHEMA)
    assert report["files"][0]["suppressed"] == 3 and report["summary"]["suppressed"] == 3
    assert "文中标记跳过 3 处" in gk("scan", tmp_path / "a.html").stdout


def test_sarif_carries_the_ledger_baseline_state(tmp_path):
    """SARIF's own baseline fields: baselineState new/unchanged, an accepted suppression for an
    ignored finding, the ledger fingerprint among the partial fingerprints."""
    from .conftest import SHARED

    site, db = tmp_path / "s", tmp_path / "l.db"
    site.mkdir()
    (site / "a.txt").write_text("截止目前。\n", "utf-8")
    assert gk("ledger", "baseline", site, "--ledger", db).returncode == 0
    (site / "a.txt").write_text("截止目前。\n用户登陆系统。\n帐号。\n", "utf-8")
    first = json.loads(gk("scan", site, "--ledger", db, "--new-only", "--format", "json").stdout)
    fp = next(f["fingerprint"] for f in first["files"][0]["findings"] if f["rule"] == "T002")
    assert gk("ledger", "ignore", fp, "--reason", "r", "--ledger", db).returncode == 0
    proc = gk("scan", site, "--ledger", db, "--new-only", "--format", "sarif")
    assert proc.returncode == 1                                        # 用户登陆 is new
    sarif = json.loads(proc.stdout)
    got = {(r["ruleId"], r["baselineState"], "suppressions" in r) for r in sarif["runs"][0]["results"]}
    assert got == {("T001", "unchanged", False), ("T001", "new", False), ("T002", "unchanged", True)}
    assert all("gkcheckLedger/v1" in r["partialFingerprints"] for r in sarif["runs"][0]["results"])
    schema = next((p for p in (SHARED / "data" / "sarif" / "sarif-schema-2.1.0.json",
                               Path("/work/shared/data/sarif/sarif-schema-2.1.0.json")) if p.is_file()), None)
    if schema is not None:
        jsonschema.validate(sarif, json.loads(schema.read_text("utf-8")))


def test_html_report_marks_known_findings(tmp_path):
    site, db = tmp_path / "s", tmp_path / "l.db"
    site.mkdir()
    (site / "a.txt").write_text("截止目前。\n", "utf-8")
    assert gk("ledger", "baseline", site, "--ledger", db).returncode == 0
    (site / "a.txt").write_text("截止目前。\n用户登陆系统。\n", "utf-8")
    html = gk("scan", site, "--ledger", db, "--format", "html").stdout
    assert html.count('data-ledger="known"') == 1 and html.count('data-ledger="new"') == 1


@pytest.mark.parametrize("encoding", ["utf-16", "gb18030", "utf-8-sig"])
def test_suppression_markers_in_any_encoding(encoding):
    checker = Checker(Config())
    text = "gkcheck-disable-next-line T001 人名\n截止目前。\n截止目前。\n"
    result = checker.check_bytes(text.encode(encoding), "a.txt")
    assert [f.location.line for f in result.findings] == [3] and result.suppressed == 1
    page = "<html><body>\n<!-- gkcheck-disable-next-line T001 -->\n<p>截止目前。</p>\n<p>截止目前。</p></body></html>"
    result = checker.check_bytes(page.encode(encoding), "a.html")
    assert [f.location.line for f in result.findings] == [4] and result.suppressed == 1
