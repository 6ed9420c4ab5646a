"""Issue 12, defect 1: a report or a masked copy never replaces a scanned document.

Every case runs the real command on real files and then compares the input's bytes with what
they were before; a refused run exits 2 and says why.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

GKCHECK = Path(sys.executable).with_name("gkcheck")


def gk(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GKCHECK), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def docx_bytes() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("关于开展政务公开检查的通知")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "通知.docx").write_bytes(docx_bytes())
    (site / "sub" / "page.html").write_text("<p>截止目前，全县已完成。</p>", "utf-8")
    return site


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def test_output_reached_through_a_scanned_folder_is_refused(site):
    """The reported case: ``scan site --format json -o site/通知.docx`` replaced the DOCX."""
    before = snapshot(site)
    proc = gk("scan", site, "--format", "json", "-o", site / "通知.docx")
    assert proc.returncode == 2, proc.stderr
    assert "被检查的文件" in proc.stderr
    assert snapshot(site) == before


@pytest.mark.parametrize("trick", ["dotdot", "symlink", "hardlink", "symlinked_folder", "relative"])
def test_path_tricks_do_not_turn_the_report_into_an_overwrite(site, tmp_path, trick):
    before = snapshot(site)
    cwd = None
    if trick == "dotdot":
        out = site / "sub" / ".." / "sub" / "page.html"
    elif trick == "symlink":
        out = tmp_path / "report.json"
        out.symlink_to(site / "sub" / "page.html")
    elif trick == "hardlink":
        out = tmp_path / "report.json"
        os.link(site / "通知.docx", out)
    elif trick == "symlinked_folder":
        (tmp_path / "alias").symlink_to(site / "sub", target_is_directory=True)
        out = tmp_path / "alias" / "page.html"
    else:
        cwd, out = site / "sub", Path("page.html")
    proc = gk("scan", site, "--format", "json", "--force", "-o", out, cwd=cwd)
    assert proc.returncode == 2, proc.stderr
    assert "被检查的文件" in proc.stderr
    assert snapshot(site) == before


def test_an_existing_file_that_is_no_report_needs_force(site, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("我的笔记\n", "utf-8")
    proc = gk("scan", site / "sub", "-o", notes)
    assert proc.returncode == 2 and "--force" in proc.stderr, proc.stderr
    assert notes.read_text("utf-8") == "我的笔记\n"
    proc = gk("scan", site / "sub", "-o", notes, "--force")
    assert proc.returncode == 1, proc.stderr
    assert "共检查 1 个文件" in notes.read_text("utf-8")


@pytest.mark.parametrize("fmt,name", [("text", "r.txt"), ("json", "r.json"), ("sarif", "r.sarif"),
                                      ("junit", "r.xml"), ("html", "r.html"), ("xlsx", "r.xlsx")])
def test_an_earlier_report_is_replaced_without_force(site, tmp_path, fmt, name):
    """Re-running the same command (CI, cron) must keep working: gkcheck's own reports, of any
    format, are recognised by their content and replaced; so is an empty file."""
    out = tmp_path / name
    assert gk("scan", site / "sub", "--format", fmt, "-o", out).returncode == 1
    first = out.read_bytes()
    proc = gk("scan", site / "sub", "--format", fmt, "-o", out)
    assert proc.returncode == 1, proc.stderr
    assert out.read_bytes()[:20] == first[:20]
    empty = tmp_path / ("empty-" + name)
    empty.write_bytes(b"")
    assert gk("scan", site / "sub", "--format", fmt, "-o", empty).returncode == 1
    assert empty.stat().st_size > 0


def test_a_json_file_of_someone_else_is_not_a_report(site, tmp_path):
    data = tmp_path / "data.json"
    data.write_text('{"name": "不是报告", "tool": "other"}', "utf-8")
    proc = gk("scan", site / "sub", "--format", "json", "-o", data)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert data.read_text("utf-8") == '{"name": "不是报告", "tool": "other"}'


def test_mask_output_never_lands_on_an_input(site, tmp_path):
    """``gkcheck mask``: a copy whose path is (through a link) one of the inputs is refused, even
    with ``--overwrite``."""
    (site / "名单.txt").write_text("联系电话：13907971234\n", "utf-8")
    before = snapshot(site)
    out = tmp_path / "out"
    out.mkdir()
    (out / "名单.txt").symlink_to(site / "名单.txt")          # symlink in the output folder
    os.link(site / "通知.docx", out / "通知.docx")            # hard link in the output folder
    (out / "sub").symlink_to(site / "sub", target_is_directory=True)
    proc = gk("mask", site, "-o", out, "--overwrite")
    assert proc.returncode == 2, proc.stderr
    assert snapshot(site) == before
    refused = [line for line in proc.stderr.splitlines() if "无法脱敏" in line and "原文件" in line]
    assert len(refused) == 3, proc.stderr   # 名单.txt, 通知.docx (hard link), sub/page.html
    assert any("通知.docx" in line for line in refused)
    assert (out / "通知.docx").stat().st_ino == (site / "通知.docx").stat().st_ino


def test_a_report_kept_inside_the_scanned_folder_needs_exclude(site):
    """The second run would scan the first run's report as a page and then write over an input:
    refused, with the way out in the message; with ``--exclude`` it is replaced as any report."""
    out = site / "report.html"
    assert gk("scan", site, "--format", "html", "-o", out).returncode == 1
    before = out.read_bytes()
    proc = gk("scan", site, "--format", "html", "-o", out)
    assert proc.returncode == 2 and "--exclude" in proc.stderr
    assert out.read_bytes() == before
    proc = gk("scan", site, "--format", "html", "-o", out, "--exclude", "report.html")
    assert proc.returncode == 1, proc.stderr
