"""The progress line of ``gkcheck scan``: on standard error only, shown by default only to a person
at a terminal (a real pseudo-terminal here), never in CI or in a pipe, and never changing the report."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from gkcheck.model import FileResult
from gkcheck.surfaces.progress import CI_VARIABLES, Progress, _fit, _width, running_in_ci, wanted

from .conftest import REPO


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("many")
    for i in range(5):
        (d / f"稿件{i}.txt").write_text(f"第{i}号通知。截止目前已完成。\n", "utf-8")
    return d


@pytest.fixture(scope="module")
def plain(folder) -> subprocess.CompletedProcess[str]:
    """The JSON report of a piped run without any progress option."""
    return _run(str(folder), "--format", "json")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CI_VARIABLES}
    env.update(extra)
    return env


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gkcheck", "scan", *args], capture_output=True,
                          text=True, env=env or _env(), cwd=REPO, timeout=120)


def _run_in_pty(*args: str, env: dict[str, str]) -> tuple[bytes, str]:
    """Run with standard error on a real pseudo-terminal (stdout stays a pipe); return what the
    terminal received and the report on stdout."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "gkcheck", "scan", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, env=env, cwd=REPO)
    os.close(slave)
    screen = bytearray()
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:          # EIO: the child closed its end
                break
            if not chunk:
                break
            screen += chunk
        stdout = proc.stdout.read().decode("utf-8")
        proc.wait(timeout=60)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return bytes(screen), stdout


def test_piped_run_has_no_progress_and_forced_progress_leaves_the_report_alone(folder, plain):
    assert plain.returncode == 1 and "已检查" not in plain.stderr and plain.stderr == ""
    forced = _run(str(folder), "--format", "json", "--progress")
    assert forced.stdout == plain.stdout
    lines = forced.stderr.splitlines()
    assert len(lines) == 5 and lines[0].startswith("已检查 1/5（20%）") and lines[-1].startswith("已检查 5/5（100%）")
    assert "\r" not in forced.stderr          # not a terminal: plain lines, nothing redrawn
    assert _run(str(folder), "--format", "json", "--no-progress").stderr == ""


def test_auto_progress_on_a_terminal_and_off_in_ci(folder, plain):
    screen, stdout = _run_in_pty(str(folder), "--format", "json", env=_env(COLUMNS="100"))
    text = screen.decode("utf-8", "replace")
    assert "已检查 5/5 [####################] 100%" in text and "\r" in text
    assert text.endswith("\r") and text.rstrip("\r ").count("\r") >= 1    # erased when done
    assert stdout == plain.stdout          # the report is untouched
    for ci in ({"CI": "1"}, {"JENKINS_URL": "http://ci.example/"}):
        screen, _ = _run_in_pty(str(folder), "--format", "json", env=_env(**ci))
        assert "已检查".encode() not in screen, ci
    screen, _ = _run_in_pty(str(folder), "--format", "json", "--progress", env=_env(CI="1"))
    assert "已检查 5/5".encode() in screen         # --progress wins over CI


def test_auto_progress_stays_off_for_a_single_file_on_a_terminal(folder):
    screen, stdout = _run_in_pty(str(folder / "稿件0.txt"), env=_env())
    assert "已检查".encode() not in screen and "截至目前" in stdout


def test_ci_detection():
    assert running_in_ci({"CI": "1"}) and running_in_ci({"TF_BUILD": "True"})
    assert running_in_ci({"GITHUB_ACTIONS": "true"}) and running_in_ci({"GITLAB_CI": "true"})
    assert not running_in_ci({}) and not running_in_ci({"CI": "false"}) and not running_in_ci({"CI": ""})
    assert wanted(True, io.StringIO(), {"CI": "1"}) and not wanted(False, io.StringIO(), {})
    assert not wanted(None, io.StringIO(), {})          # a StringIO is no terminal


def test_terminal_line_fits_wide_characters():
    assert _width("已检查 a") == 8
    assert _fit("目录/子目录/很长的文件名.docx", 16) == "...的文件名.docx"
    assert _width(_fit("目录/子目录/很长的文件名.docx", 16)) <= 16
    assert _fit("a.txt", 3) == "" and _fit("a.txt", 10) == "a.txt"


def test_progress_counts_past_a_changed_total():
    out = io.StringIO()
    bar = Progress(1, out)
    bar.update(FileResult("a.txt", "text", "ok"))
    bar.update(FileResult("b.txt", "text", "ok"))    # a file appeared after counting
    bar.close()
    assert out.getvalue().splitlines() == ["已检查 1/1（100%）a.txt", "已检查 2/1（100%）b.txt"]
