"""Issue 12, defect 9: nothing a file name or a document holds reaches a terminal raw.

An escape sequence (``ESC [ 2 J`` clears the screen, ``ESC ] 0 ;`` sets the window title, others
rewrite what was shown), a carriage return or a line break in a name is written escaped in the
text report, the error lines and the progress line; and ``--`` ends the options of ``scan``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gkcheck.reporters import escape_controls

GKCHECK = Path(sys.executable).with_name("gkcheck")
pytestmark = pytest.mark.skipif(os.name != "posix", reason="such names are a POSIX matter")


def gk(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(GKCHECK), *map(str, args)], capture_output=True, cwd=cwd, timeout=120)


def test_escape_controls_leaves_text_and_escapes_controls():
    assert escape_controls("关于印发《通知》的函.docx\t附件") == "关于印发《通知》的函.docx\t附件"
    assert escape_controls("a\x1b[2Jb\rc\nd\x7f\x9b\u202ee") == "a\\x1b[2Jb\\rc\\nd\\x7f\\x9b\\u202ee"
    assert escape_controls(os.fsdecode(b"\xff\xfe.txt")) == "\\xff\\xfe.txt"


def test_text_report_and_errors_never_write_control_characters(tmp_path):
    evil = tmp_path / "x\x1b]0;pwned\x07\x1b[2J\rforged\n共检查 0 个文件.txt"
    evil.write_text("截止目前，全县已完成。\n", "utf-8")
    broken = tmp_path / "坏\x1b[31m.docx"
    broken.write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "正\u202e文.txt").write_text("全县已完成。\n", "utf-8")   # a bidi override in the name
    proc = gk("scan", tmp_path, "--progress")
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert proc.returncode == 2, err
    for stream in (out, err):
        assert "\x1b" not in stream and "\r" not in stream and "\x07" not in stream
    assert "x\\x1b]0;pwned\\x07\\x1b[2J\\rforged\\n共检查 0 个文件.txt（1 处问题）" in out
    assert "\u202e" not in out + err
    assert sum(line.startswith("共检查") for line in out.splitlines()) == 1, "no forged summary line"
    assert "坏\\x1b[31m.docx: 无法检查" in err
    assert sum("已检查" in line for line in err.splitlines()) == 3      # one progress line per file


def test_double_dash_ends_the_options(tmp_path):
    (tmp_path / "-onotes.md").write_text("截止目前，全县已完成。\n", "utf-8")
    (tmp_path / "notes.md").write_text("笔记\n", "utf-8")
    proc = gk("scan", "--", "-onotes.md", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "-onotes.md（1 处问题）" in proc.stdout.decode("utf-8")
    assert (tmp_path / "notes.md").read_text("utf-8") == "笔记\n"


def test_pre_commit_entry_ends_options():
    import yaml

    repo = Path(__file__).resolve().parent.parent
    hooks = yaml.safe_load((repo / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert {h["id"] for h in hooks} == {"gkcheck", "gkcheck-new-only"}
    for hook in hooks:                          # every hook: staged names after `--` are files
        assert hook["entry"].split()[-1] == "--", hook["id"]
        assert "--" not in hook.get("args", [])
