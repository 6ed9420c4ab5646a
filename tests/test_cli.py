"""The CLI contract: exit codes, formats, options, and every option documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gkcheck.surfaces.cli import main

from .conftest import REPO


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gkcheck", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "clean.txt").write_text("全县已完成改造任务。\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("第一行。\n截止目前，全县已完成。\n", encoding="utf-8")
    return tmp_path


def test_findings_exit_1_with_location_and_fix(folder):
    proc = run("scan", str(folder / "bad.txt"))
    assert proc.returncode == 1
    assert "第2行第1字" in proc.stdout and "截至目前" in proc.stdout


def test_clean_exit_0(folder):
    assert run("scan", str(folder / "clean.txt")).returncode == 0


def test_json_report_contract(folder):
    proc = run("scan", str(folder), "--format", "json")
    report = json.loads(proc.stdout)
    assert report["tool"]["name"] == "gkcheck"
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert set(files) == {"bad.txt", "clean.txt"}
    bad = files["bad.txt"]
    assert bad["status"] == "ok" and bad["error"] is None and bad["type"] == "text"
    (f,) = bad["findings"]
    assert {k: f[k] for k in ("rule", "category", "severity", "match", "suggestion")} == {
        "rule": "T001", "category": "typo", "severity": "error", "match": "截止目前", "suggestion": "截至目前"}
    assert f["location"]["line"] == 2 and f["location"]["column"] == 1
    assert set(f["location"]) >= {"line", "column", "sheet", "cell", "page", "part"}
    assert "截止目前" in f["context"] and f["message"]
    assert report["summary"]["by_severity"]["error"] == 1


def test_unreadable_file_is_an_error_and_the_batch_goes_on(folder):
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip at all")
    proc = run("scan", str(folder), "--format", "json")
    assert proc.returncode == 2
    files = {Path(f["path"]).name: f for f in json.loads(proc.stdout)["files"]}
    assert files["broken.docx"]["status"] == "error" and files["broken.docx"]["error"]
    assert files["bad.txt"]["findings"], "the other files are still checked"
    assert "Traceback" not in proc.stderr


def test_missing_path_is_exit_2(tmp_path):
    proc = run("scan", str(tmp_path / "nope.html"))
    assert proc.returncode == 2 and "不存在" in proc.stderr


def test_fail_on_levels(folder):
    (folder / "variant.txt").write_text("请保管好帐号。", encoding="utf-8")
    target = str(folder / "variant.txt")
    assert run("scan", target).returncode == 0                 # a warning does not fail by default
    assert run("scan", target, "--fail-on", "warning").returncode == 1
    assert run("scan", str(folder / "bad.txt"), "--fail-on", "never").returncode == 0


def test_select_and_ignore_by_code_prefix_name_and_category(folder):
    target = str(folder / "bad.txt")
    assert run("scan", target, "--ignore", "T001").returncode == 0
    assert run("scan", target, "--ignore", "typo").returncode == 0
    assert run("scan", target, "--select", "E").returncode == 0
    assert run("scan", target, "--select", "typo-word").returncode == 1
    proc = run("scan", target, "--select", "NOPE9")
    assert proc.returncode == 2 and "未知" in proc.stderr


@pytest.mark.parametrize("args", [("--select", "site"), ("--select", "W001"),
                                  ("--select", "T001", "--ignore", "T001")])
def test_a_selection_that_checks_nothing_is_refused_not_reported_clean(folder, args):
    # site rules run only in `gkcheck site`: `scan --select site` once reported every file clean
    proc = run("scan", str(folder / "bad.txt"), *args)
    assert proc.returncode == 2 and "什么也不查" in proc.stderr and "共检查" not in proc.stdout


def test_exclude_glob(folder):
    sub = folder / "archive"
    sub.mkdir()
    (sub / "old.txt").write_text("截止目前", encoding="utf-8")
    proc = run("scan", str(folder), "--format", "json", "--exclude", "archive", "--exclude", "bad.*")
    names = [Path(f["path"]).name for f in json.loads(proc.stdout)["files"]]
    assert names == ["clean.txt"]


def test_output_file_written_atomically_and_never_an_input(folder):
    out = folder / "report.json"
    proc = run("scan", str(folder / "bad.txt"), "--format", "json", "--output", str(out))
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads(out.read_text("utf-8"))["files"][0]["findings"]
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    before = (folder / "bad.txt").read_bytes()
    proc = run("scan", str(folder / "bad.txt"), "--output", str(folder / "bad.txt"))
    assert proc.returncode == 2 and (folder / "bad.txt").read_bytes() == before


def test_config_file_found_upward(folder):
    (folder / "gkcheck.toml").write_text('ignore = ["T001"]\nallow = ["帐号"]\n', encoding="utf-8")
    sub = folder / "sub"
    sub.mkdir()
    proc = run("scan", str(folder / "bad.txt"), cwd=sub)
    assert proc.returncode == 0, proc.stdout
    (folder / "gkcheck.toml").write_text('fail-on = "bogus"\n', encoding="utf-8")
    proc = run("scan", str(folder / "bad.txt"), cwd=sub)
    assert proc.returncode == 2 and "fail-on" in proc.stderr


def test_pyproject_tool_section(folder):
    (folder / "pyproject.toml").write_text('[tool.gkcheck]\nselect = ["expression"]\n', encoding="utf-8")
    assert run("scan", str(folder / "bad.txt"), cwd=folder).returncode == 0


def test_publish_date_option_drives_date_dependent_rules(folder):
    (folder / "inst.txt").write_text("请到县工商局办理。", encoding="utf-8")
    target = str(folder / "inst.txt")
    assert run("scan", target, "--publish-date", "2017-01-01", "--fail-on", "warning").returncode == 0
    assert run("scan", target, "--publish-date", "2024-01-01", "--fail-on", "warning").returncode == 1
    assert run("scan", target, "--publish-date", "someday").returncode == 2


def test_jobs_gives_the_same_report(folder):
    for i in range(6):
        (folder / f"n{i}.txt").write_text(f"第{i}号。截止目前", encoding="utf-8")
    one = json.loads(run("scan", str(folder), "--format", "json").stdout)
    two = json.loads(run("scan", str(folder), "--format", "json", "--jobs", "2").stdout)
    assert one == two


def test_rules_and_explain():
    proc = run("rules", "--format", "json")
    codes = {r["code"] for r in json.loads(proc.stdout)}
    assert {"T001", "E001", "S001"} <= codes
    proc = run("explain", "T001")
    assert proc.returncode == 0 and "## 依据" in proc.stdout
    assert run("explain", "typo-word").returncode == 0
    assert run("explain", "Z999").returncode == 2


def _all_commands(group: click.Group, ctx: click.Context, prefix: str = ""):
    """``(name, command)`` for every command; a group's subcommands as ``ledger list``."""
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + name, cmd
        if isinstance(cmd, click.Group):
            yield from _all_commands(cmd, ctx, f"{prefix}{name} ")


def test_every_command_and_option_is_documented():
    """docs/cli.md names every command and every long option (sqlite-utils' completeness test)."""
    doc = (REPO / "docs" / "cli.md").read_text("utf-8")
    ctx = click.Context(main)
    for name, cmd in _all_commands(main, ctx):
        assert f"gkcheck {name}" in doc, f"command {name} is not in docs/cli.md"
        assert cmd.help, f"command {name} has no help"
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in doc, f"{name} {opt} is not in docs/cli.md"
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts} has no help"


def test_no_traceback_on_help():
    result = CliRunner().invoke(main, ["scan", "--help"])
    assert result.exit_code == 0 and "--fail-on" in result.output


def test_an_internal_error_exits_2_not_1(folder):
    """A crash must never read as "findings" (exit 1) or "clean" (exit 0) to a hook or CI. The
    crash here is real: a reporter registry entry that fails when called."""
    code = ("import sys; from gkcheck import reporters; from gkcheck.surfaces import cli; "
            "reporters.REPORTERS['text'] = 'builtins:divmod'; "   # divmod(report) -> TypeError
            "sys.argv = ['gkcheck', 'scan', sys.argv[1]]; cli.main()")
    result = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2, result.stderr
    assert "TypeError" in result.stderr and "内部错误" in result.stderr and result.stdout == ""


def test_report_files_get_the_mode_of_any_new_file_or_keep_the_old_one(folder):
    """The temporary file is 0600; the report must not be (a web server publishes HTML reports
    and masked copies), and replacing a report keeps the mode its owner chose."""
    import os
    import stat

    out = folder / "report.html"
    code = ("import os, sys; os.umask(0o027); from gkcheck.surfaces.cli import main; "
            "sys.argv = ['gkcheck', 'scan', sys.argv[1], '--format', 'html', '-o', sys.argv[2]]; main()")
    subprocess.run([sys.executable, "-c", code, str(folder / "bad.txt"), str(out)], timeout=120, check=False)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    os.chmod(out, 0o604)
    subprocess.run([sys.executable, "-c", code, str(folder / "bad.txt"), str(out)], timeout=120, check=False)
    assert stat.S_IMODE(out.stat().st_mode) == 0o604
