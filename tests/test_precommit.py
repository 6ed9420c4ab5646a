"""The pre-commit hook (.pre-commit-hooks.yaml) with the real ``pre-commit`` in a real git repository.

pre-commit clones the hook's repository at a commit and pip-installs it into its own virtualenv,
so the working tree (uncommitted changes included) is copied into a temporary repository and
committed there. The first use installs gkcheck and its dependencies from the package index; the
environment lives in a PRE_COMMIT_HOME shared by this module, so that happens once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
HOOK_REPO_PATHS = (".pre-commit-hooks.yaml", "pyproject.toml", "README.md", "src", "dictionaries", "rules",
                   "models", "docs/json-report.schema.json")   # the last: force-included in the wheel
BAD_HTML = "<html><body><p>截止目前，全县已完成改造。</p></body></html>\n"
CLEAN_HTML = "<html><body><p>截至目前，全县已完成改造。</p></body></html>\n"

pytestmark = pytest.mark.slow


def git(*args: str, cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=check, timeout=900)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    return {**os.environ,
            "HOME": str(home),                       # no user git config or hooks leak in
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
            "PRE_COMMIT_COLOR": "never"}


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env) -> tuple[Path, str]:
    """The working tree's hook file and package, committed in a repository of their own."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in HOOK_REPO_PATHS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git("init", "-q", "-b", "main", cwd=repo, env=env)
    git("add", ".", cwd=repo, env=env)
    git("commit", "-q", "-m", "gkcheck working tree", cwd=repo, env=env)
    return repo, git("rev-parse", "HEAD", cwd=repo, env=env).stdout.strip()


@pytest.fixture()
def project(tmp_path, hook_repo, env) -> Path:
    """A site repository using the hook, installed as git's pre-commit hook."""
    repo, rev = hook_repo
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: gkcheck\n", encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=tmp_path, env=env)
    proc = subprocess.run([str(PRE_COMMIT), "install"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    git("add", ".pre-commit-config.yaml", cwd=tmp_path, env=env)
    return tmp_path


def commit(project: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess[str]:
    git("add", *files, cwd=project, env=env)
    return git("commit", "-m", "更新", cwd=project, env=env, check=False)


def test_a_bad_page_is_refused_and_a_clean_one_committed(project, env):
    (project / "通知.html").write_text(BAD_HTML, encoding="utf-8")
    proc = commit(project, env, "通知.html")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "gkcheck" in out and "Failed" in out
    assert "T001" in out and "截至目前" in out and "通知.html" in out
    assert git("rev-list", "--all", cwd=project, env=env).stdout == "", "nothing was committed"

    (project / "通知.html").write_text(CLEAN_HTML, encoding="utf-8")
    proc = commit(project, env, "通知.html")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout + proc.stderr
    assert "通知.html" in git("show", "--name-only", "HEAD", cwd=project, env=env).stdout


def test_only_content_files_are_checked(project, env):
    (project / "build.py").write_text("# 截止目前\n", encoding="utf-8")
    (project / "PAGE.HTML").write_text(CLEAN_HTML, encoding="utf-8")
    proc = commit(project, env, "build.py", "PAGE.HTML")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (project / "data.CSV").write_text("序号,说明\n1,截止目前已完成\n", encoding="utf-8")
    proc = commit(project, env, "data.CSV")
    assert proc.returncode != 0 and "T001" in proc.stdout + proc.stderr


def test_an_unreadable_document_fails_the_commit(project, env):
    (project / "附件.docx").write_bytes(b"PK\x03\x04 not a real document")
    proc = commit(project, env, "附件.docx")
    assert proc.returncode != 0 and "无法检查" in proc.stdout + proc.stderr


def test_new_only_fails_a_commit_only_on_new_findings(tmp_path, hook_repo, env):
    """A legacy page accepted by ``gkcheck ledger baseline`` passes the ``gkcheck-new-only`` hook;
    a new problem fails it, also on the second try; an ignored one passes."""
    repo, rev = hook_repo
    project = tmp_path
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: gkcheck-new-only\n",
        encoding="utf-8")
    (project / "gkcheck.toml").write_text('ledger = "gkcheck-ledger.db"\n', encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=project, env=env)
    assert subprocess.run([str(PRE_COMMIT), "install"], cwd=project, env=env, capture_output=True,
                          timeout=120).returncode == 0
    git("add", ".pre-commit-config.yaml", "gkcheck.toml", cwd=project, env=env)
    (project / "旧页面.html").write_text(BAD_HTML, encoding="utf-8")
    gkcheck = Path(sys.executable).with_name("gkcheck")
    base = subprocess.run([str(gkcheck), "ledger", "baseline", ".", "--ledger", "gkcheck-ledger.db"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert base.returncode == 0, base.stdout + base.stderr
    proc = commit(project, env, "旧页面.html")
    assert proc.returncode == 0, proc.stdout + proc.stderr          # known: passes

    (project / "新页面.html").write_text("<html><body><p>用户登陆系统后查询。</p></body></html>\n", encoding="utf-8")
    for _ in range(2):                                               # new: fails, every time
        proc = commit(project, env, "新页面.html")
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0, out
        assert "新页面.html" in out and "[台账：新问题" in out
    # the known page edited elsewhere still passes with its known finding
    (project / "旧页面.html").write_text(BAD_HTML.replace("</body>", "<p>补充说明。</p></body>"), encoding="utf-8")
    git("reset", "-q", cwd=project, env=env)
    proc = commit(project, env, "旧页面.html")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fp = re.search(r"\[台账：新问题 ([0-9a-f]+)\]", out).group(1)
    ignored = subprocess.run([str(gkcheck), "ledger", "ignore", fp, "--reason", "系统名称",
                              "--ledger", "gkcheck-ledger.db"], cwd=project, env=env, capture_output=True,
                             text=True, timeout=120)
    assert ignored.returncode == 0, ignored.stderr
    proc = commit(project, env, "新页面.html")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_staged_file_named_like_an_option_is_a_file(project, env):
    """Issue 12, defect 9: ``-onotes.md`` made the hook run ``gkcheck scan -onotes.md ...`` and
    write the report over notes.md. The entry ends options with ``--``: it is checked as a file."""
    notes = project / "notes.md"
    notes.write_text("编辑的笔记，不要覆盖。\n", encoding="utf-8")
    (project / "-onotes.md").write_text("全县已完成改造任务。\n", encoding="utf-8")
    (project / "page.html").write_text(CLEAN_HTML, encoding="utf-8")
    git("add", "--", "-onotes.md", "page.html", cwd=project, env=env)
    proc = git("commit", "-m", "更新", cwd=project, env=env, check=False)
    assert notes.read_text("utf-8") == "编辑的笔记，不要覆盖。\n"
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "-onotes.md" in git("show", "--name-only", "HEAD", cwd=project, env=env).stdout
