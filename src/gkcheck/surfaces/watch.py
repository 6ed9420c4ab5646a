"""``gkcheck watch``: the upload-folder gate.

Every file that lands in the inbox (or a folder below it) is checked once it is completely
written, then moved: clean files to ``--pass``, files with findings at or above ``--fail-on`` and
files that cannot be checked to ``--hold`` with a report beside them. Nothing is ever
overwritten, deleted or changed; the subfolder path is kept.

- *Completely written* ("settled"): size and modification time unchanged for ``--settle``
  seconds, and the file can be opened. Names uploaders use while writing (``.part``, ``.tmp``,
  ``.crdownload``, ``~$*``, hidden files) are left alone until renamed.
- *Finding files*: watchdog's events say where to look, and the whole inbox is also walked every
  ``--rescan`` seconds, because events get lost in bursts (and never come from network shares).
  ``--once`` only walks.
- *Remembering*: :mod:`gkcheck.surfaces.watch_state` keeps a row per upload in SQLite. The target is
  recorded before a file is moved, so a crash at any moment is resumed on the next start
  (:meth:`Gate.recover`): a file that was being checked is checked again, a file already moved
  is not moved twice.
- One process per inbox (a lock file); the :class:`~gkcheck.checker.Checker` is built once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import stat
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import click

from ..checker import Checker
from ..model import SEVERITY_RANK, FileResult, GkcheckError, Report
from ..reporters import escape_controls as shown   # a name in the log: one line, never raw controls
from .move import ContentChanged, free_name, move_checked, move_file, rename_noreplace, stage_name, temp_name
from ..walk import excluded
from .watch_state import Row, State

DEFAULT_SETTLE = 2.0
DEFAULT_RESCAN = 30.0
OPEN_GRACE = 5          # a file that cannot be opened is held once unchanged for OPEN_GRACE × --settle
RETRY_SECONDS = 60.0    # a file that could not be moved is tried again after this long
STATE_NAME = ".gkcheck-watch.sqlite"
LOCK_NAME = ".gkcheck-watch.lock"
REPORT_SUFFIXES = (".gkcheck.json", ".gkcheck.txt")
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart",
                    ".swp", "~")
LEVEL = {"error": "错误", "warning": "警告", "info": "提示"}
CHANGED = "检查期间文件内容被改动（大小和修改时间未变），改动后的内容没有检查过；请重新上传"


def is_partial(name: str) -> bool:
    """A name used while a file is still being written, or a hidden file: never taken."""
    return name.startswith((".", "~$")) or name.lower().endswith(PARTIAL_SUFFIXES)


def verdict(result: FileResult, fail_on: str, new_only: bool = False) -> tuple[bool, str]:
    """``(held, reason)``: held when the file could not be checked (fail closed) or has findings
    at or above ``fail_on`` (with ``new_only``: that the ledger does not already know or ignore).
    The reason names severities and rule codes, never the matched text."""
    if result.status != "ok":
        return True, f"无法检查：{result.error}"
    threshold = SEVERITY_RANK.get(fail_on, 99)
    known = ("known", "ignored") if new_only else ()
    over = [f for f in result.findings if SEVERITY_RANK[f.severity] >= threshold and f.ledger_state not in known]
    if not over:
        below = len(result.findings)
        return False, f"{below} 处低于拦截级别的问题" if below else "未发现问题"
    counts = "，".join(f"{LEVEL[s]} {n} 处" for s in ("error", "warning", "info")
                      if (n := sum(f.severity == s for f in over)))
    codes = list(dict.fromkeys(f.rule for f in over))
    more = " 等" if len(codes) > 6 else ""
    return True, f"{counts}（{'、'.join(codes[:6])}{more}）"


def _identity(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ino


class _Changed(Exception):
    """The file changed while it was being read."""


@dataclass(frozen=True)
class Folders:
    inbox: Path
    passed: Path
    held: Path


class Gate:
    """Finds the files in the inbox, and checks and moves each one once it has settled.
    Used from one thread; the state is its only memory."""

    def __init__(self, folders: Folders, state: State, checker: Checker, *, fail_on: str, settle: float,
                 exclude: tuple[str, ...] = (), skip: Iterable[Path] = (),
                 log: Callable[[str], None] = lambda line: click.echo(line, err=True),
                 ledger: Any = None, new_only: bool = False):
        self.folders = folders
        self.inbox = folders.inbox
        self.state = state
        self.checker = checker
        self.fail_on = fail_on
        self.settle = settle
        self.exclude = exclude
        self.skip = {str(p) for p in skip}
        self.log = log
        self.counts = {"passed": 0, "held": 0, "failed": 0}
        self.ledger, self.new_only = ledger, new_only    # docs/ledger.md

    # -- finding files ----------------------------------------------------------------------------

    def rel(self, path: str) -> str | None:
        """``path`` relative to the inbox ('/'-separated), or None when it is not to be taken."""
        root = str(self.inbox)
        if not path.startswith(root + os.sep) or path in self.skip:
            return None
        rel = path[len(root) + 1:].replace(os.sep, "/")
        if any(is_partial(part) for part in rel.split("/")) or excluded(rel, self.exclude):
            return None
        return rel

    def walk(self, folder: Path, prefix: str = "") -> Iterator[tuple[str, os.stat_result]]:
        """Every regular file below ``folder`` that may be taken (symbolic links never are)."""
        stack = [(str(folder), prefix)]
        while stack:
            current, rel = stack.pop()
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue  # vanished or unreadable meanwhile; the next walk tries again
            for entry in entries:
                path = f"{rel}{entry.name}"
                if is_partial(entry.name) or entry.path in self.skip or excluded(path, self.exclude):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    stack.append((entry.path, path + "/"))
                elif stat.S_ISREG(st.st_mode):
                    yield path, st

    def rescan(self) -> None:
        """Walk the whole inbox: note every file, forget the pending ones that disappeared."""
        now = time.time()
        found = set()
        with self.state.batch():
            for rel, st in self.walk(self.inbox):
                found.add(rel)
                self._observe(rel, st, now)
            for row in self.state.active_rows():
                if row.status == "seen" and row.path not in found:
                    self.state.forget(row.path, now)

    def look(self, paths: Iterable[str]) -> None:
        """Look again at the paths events named (files or folders, present or gone)."""
        now = time.time()
        with self.state.batch():
            for path in paths:
                rel = self.rel(path)
                if rel is None:
                    continue
                try:
                    st = os.lstat(path)
                except FileNotFoundError:
                    self.state.forget(rel, now)
                    continue
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    for sub, sub_st in self.walk(Path(path), rel + "/"):
                        self._observe(sub, sub_st, now)
                elif stat.S_ISREG(st.st_mode):
                    self._observe(rel, st, now)
                else:
                    self.state.forget(rel, now)

    def _observe(self, rel: str, st: os.stat_result, now: float) -> None:
        """Note one file; one that cannot be noted is logged and skipped, never the end of the walk."""
        try:
            self.state.observe(rel, st.st_size, st.st_mtime_ns, now, self.settle)
        except Exception as exc:  # noqa: BLE001 — e.g. sqlite3.Error
            self.log(f"失败 {shown(rel)}：无法记录（{type(exc).__name__}：{exc}）")

    # -- taking files -----------------------------------------------------------------------------

    def take_due(self, stop: threading.Event) -> None:
        for row in self.state.due_rows(time.time()):
            if stop.is_set():
                return
            try:
                self.take(row)
            except Exception as exc:  # noqa: BLE001 — a bug met by one file never stops the gate
                self._failed(row, f"内部错误（{type(exc).__name__}：{exc}）")

    def _unstage(self, row: Row) -> None:
        """A file this row left at its stage name (a crash, or a move that failed after the
        content had changed) goes back under its own name, so it is never lost in a hidden one."""
        source = self.inbox / row.path
        staged = stage_name(source, row.id)
        if os.path.lexists(staged) and not os.path.lexists(source):
            try:
                rename_noreplace(staged, source)
            except OSError as exc:
                self.log(f"无法把 {shown(str(staged))} 改回原名：{exc.strerror or exc}")

    def take(self, row: Row) -> None:
        """Check one file whose settle time is up, if it really has not changed, and move it."""
        source = self.inbox / row.path
        self._unstage(row)
        now = time.time()
        try:
            st = os.lstat(source)
        except OSError:
            with self.state.batch():
                self.state.forget(row.path, now)
            return
        if not stat.S_ISREG(st.st_mode):
            with self.state.batch():
                self.state.forget(row.path, now)
            return
        if (st.st_size, st.st_mtime_ns) != (row.size, row.mtime_ns):
            with self.state.batch():  # written to since it was last seen: its clock starts again
                self.state.observe(row.path, st.st_size, st.st_mtime_ns, now, self.settle)
            return
        try:
            data, digest, error = self._read(source, st)
        except _Changed:
            with self.state.batch():
                self.state.update(row.id, now, changed=now, due=now + self.settle)
            return
        except OSError as exc:
            grace = row.changed + OPEN_GRACE * self.settle
            if now < grace:  # maybe still locked by its writer: wait a little longer
                with self.state.batch():
                    self.state.update(row.id, now, due=grace)
                return
            data, digest, error = None, None, f"无法打开文件：{exc.strerror or exc}"
        with self.state.batch():
            self.state.update(row.id, now, status="scanning", sha256=digest)
        result = (FileResult(row.path, None, "error", error) if data is None
                  else self.checker.check_bytes(data, row.path))
        if self.ledger is not None:
            try:
                result = self.ledger.record_result(result, self.ledger.identity(row.path, None),
                                                   gate=self.new_only, source="watch")
            except Exception as exc:  # noqa: BLE001 (no ledger: every finding counts as new)
                self.log(f"gkcheck watch：无法写入台账：{exc}")
        self._place(row, source, st, result, digest)

    def _read(self, source: Path, st: os.stat_result) -> tuple[bytes | None, str, str | None]:
        """``(data, sha256, error)``; ``data`` is None for a file over the size limit (hashed only)."""
        limit = self.checker.config.max_file_bytes
        with open(source, "rb") as fh:
            now_st = os.fstat(fh.fileno())
            if (now_st.st_size, now_st.st_mtime_ns) != (st.st_size, st.st_mtime_ns):
                raise _Changed
            if st.st_size > limit:
                digest = hashlib.sha256()
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
                return None, digest.hexdigest(), f"文件过大（{st.st_size // 2**20} MB，上限 {limit // 2**20} MB）"
            data = fh.read()
        if len(data) != st.st_size:
            raise _Changed
        return data, hashlib.sha256(data).hexdigest(), None

    def _place(self, row: Row, source: Path, st: os.stat_result | None, result: FileResult,
               digest: str | None) -> None:
        """Move ``source`` to the pass or hold folder as ``result`` says (``st``: as it was read,
        None for a file that is already where only the gate writes)."""
        held, reason = verdict(result, self.fail_on, self.new_only)
        status = "held" if held else "passed"
        folder = (self.folders.held if held else self.folders.passed) / Path(row.path).parent
        name = Path(row.path).name
        outcome = json.dumps({"verdict": status, "reason": reason, "error": result.error,
                              "findings": len(result.findings),
                              "rules": sorted({f.rule for f in result.findings})}, ensure_ascii=False)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._failed(row, f"无法建立目录 {folder}：{exc.strerror or exc}")
            return
        for _ in range(10):  # another process may take a free name between choosing and moving
            target = self._target(folder, name, row.target, held)
            with self.state.batch():
                self.state.update(row.id, time.time(), target=str(target), result=outcome)
            try:
                if held:
                    self._write_reports(target, result, reason, digest)
                if st is not None and _identity(os.lstat(source)) != _identity(st):  # rewritten meanwhile
                    raise _Changed
                if held or digest is None:
                    move_file(source, target)
                else:  # only the bytes that were checked may pass
                    move_checked(source, target, digest, row.id)
            except FileExistsError:
                row = replace(row, target=None)
                continue
            except ContentChanged as exc:   # same size and time, other bytes: hold what is there
                changed = FileResult(row.path, result.type, "error", CHANGED)
                self._place(replace(row, target=None), exc.staged, None, changed, None)
                return
            except _Changed:
                with self.state.batch():
                    now = time.time()
                    self.state.update(row.id, now, status="seen", changed=now, due=now + self.settle)
                return
            except OSError as exc:
                self._failed(row, f"无法移到 {folder}：{exc.strerror or exc}")
                return
            break
        else:
            self._failed(row, f"{folder} 中找不到空闲的文件名")
            return
        with self.state.batch():
            self.state.update(row.id, time.time(), status=status)
        self.counts[status] += 1
        self.log(f"{'拦截' if held else '通过'} {shown(row.path)} → {shown(str(target))}：{shown(reason)}")

    def _target(self, folder: Path, name: str, recorded: str | None, held: bool) -> Path:
        companions = REPORT_SUFFIXES if held else ()
        if recorded:  # chosen before a crash: keep it while its name is free (the reports are ours)
            path = Path(recorded)
            if path.parent == folder and not os.path.lexists(path):
                return path
        return free_name(folder, name, companions)

    def _write_reports(self, target: Path, result: FileResult, reason: str, digest: str | None) -> None:
        from .._version import __version__
        from ..output import write_atomic
        from ..reporters import render

        report = Report((result,), __version__)
        write_atomic(target.with_name(target.name + ".gkcheck.json"), render(report, "json"))
        head = [f"gkcheck 拦截：{shown(result.path)}",
                f"原因：{shown(reason)}",
                f"拦截级别：{LEVEL[self.fail_on]}及以上；无法检查的文件一律拦截" if self.fail_on != "never"
                else "拦截级别：只拦截无法检查的文件",
                f"检查时间：{datetime.now().astimezone().isoformat(timespec='seconds')}",
                f"内容 SHA-256：{digest or '（无法读取）'}",
                "处理办法：按下面的报告修改后重新上传；详细数据见同名 .gkcheck.json。", "", ""]
        body = render(report, "text")
        write_atomic(target.with_name(target.name + ".gkcheck.txt"), "\n".join(head) + str(body))

    def _failed(self, row: Row, message: str) -> None:
        now = time.time()
        with self.state.batch():
            self.state.update(row.id, now, status="seen", due=now + RETRY_SECONDS)
        self.counts["failed"] += 1
        self.log(f"失败 {shown(row.path)}：{shown(message)}；{int(RETRY_SECONDS)} 秒后重试")

    # -- after a crash ----------------------------------------------------------------------------

    def recover(self) -> None:
        """Finish what a killed run left half done: rows still ``scanning``."""
        now = time.time()
        with self.state.batch():
            self.state.prune(now)
            for row in self.state.active_rows():
                if row.status == "scanning":
                    self._recover(row, now)

    def _recover(self, row: Row, now: float) -> None:
        source = self.inbox / row.path
        self._unstage(row)   # killed between the last hash and the move: checked again
        target = Path(row.target) if row.target else None
        if target is not None:
            try:
                os.unlink(temp_name(target))  # a copy across filesystems cut short: the source is still there
            except FileNotFoundError:
                pass
            except OSError as exc:
                self.log(f"无法删除未复制完的临时文件 {shown(str(temp_name(target)))}：{exc.strerror or exc}")
            if self._is_ours(target, row):
                if self._is_ours(source, row):
                    try:
                        os.unlink(source)  # copied across filesystems and renamed, not yet removed here
                    except OSError as exc:
                        self.log(f"无法删除已复制到 {shown(str(target))} 的 {shown(row.path)}：{exc.strerror or exc}")
                status = row.outcome().get("verdict", "held")
                self.counts[status] += 1  # the killed run never said so
                if status == "held" and not all(os.path.exists(str(target) + s) for s in REPORT_SUFFIXES):
                    result = self.checker.check_file(target, display=row.path)
                    self._write_reports(target, result, verdict(result, self.fail_on)[1], row.sha256)
                self.state.update(row.id, now, status=status)
                self.log(f"{'拦截' if status == 'held' else '通过'} {shown(row.path)} → {shown(str(target))}：恢复上次运行的结果")
                return
        try:
            st = os.lstat(source)
        except OSError:
            self.state.forget(row.path, now)
            return
        if stat.S_ISREG(st.st_mode):  # checked again, at once if it is unchanged
            same = (st.st_size, st.st_mtime_ns) == (row.size, row.mtime_ns)
            self.state.update(row.id, now, status="seen", size=st.st_size, mtime_ns=st.st_mtime_ns,
                              changed=row.changed if same else now, due=now if same else now + self.settle)
        else:
            self.state.forget(row.path, now)

    @staticmethod
    def _is_ours(path: Path, row: Row) -> bool:
        """Is the file at ``path`` the one this row checked (same size, mtime and content)?"""
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or (st.st_size, st.st_mtime_ns) != (row.size, row.mtime_ns):
                return False
            if row.sha256 is None:
                return True  # an unreadable file: size and time are all there is
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            return digest.hexdigest() == row.sha256
        except OSError:
            return False


# -- running ---------------------------------------------------------------------------------------

def run_once(gate: Gate, stop: threading.Event) -> None:
    """Take what has settled; a file first seen now is looked at again after ``--settle`` seconds,
    and one still changing then is left for the next run."""
    gate.recover()
    gate.rescan()
    window = time.time() + gate.settle
    while not stop.is_set():
        gate.take_due(stop)
        due = gate.state.next_due()
        if due is None or due > window:
            break
        stop.wait(max(0.0, due - time.time()))
    pending = len(gate.state.active_rows())
    if pending:
        gate.log(f"还有 {pending} 个文件未写完或待重试，留待下次处理")


class _Events:
    """Collects the paths watchdog reports (called on its thread); the gate looks at them later.
    watchdog only calls ``dispatch``, so this needs no watchdog base class."""

    def __init__(self, wake: threading.Event):
        self.wake = wake
        self.lock = threading.Lock()
        self.paths: set[str] = set()

    def dispatch(self, event: Any) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type not in ("created", "moved", "deleted"):
            return  # "a folder's entries changed": the entries have events of their own
        paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        paths = [p for p in paths if not is_partial(os.path.basename(p))]  # also our own database
        if paths:
            with self.lock:
                self.paths.update(paths)
            self.wake.set()

    def drain(self) -> list[str]:
        with self.lock:
            paths, self.paths = sorted(self.paths), set()
        return paths


def run_forever(gate: Gate, stop: threading.Event, wake: threading.Event, rescan_every: float) -> None:
    from watchdog.observers import Observer

    events = _Events(wake)
    observer = Observer()
    observer.schedule(events, str(gate.inbox), recursive=True)  # type: ignore[arg-type]
    try:
        observer.start()
    except OSError as exc:  # e.g. the inotify watch limit: walking alone still finds everything
        gate.log(f"无法监听文件事件（{exc.strerror or exc}），改为每 {rescan_every:g} 秒扫描一次")
        observer = None
    try:
        gate.recover()
        next_rescan = 0.0
        while not stop.is_set():
            wake.clear()
            paths = events.drain()
            if paths:
                gate.look(paths)
            if time.time() >= next_rescan:
                gate.rescan()
                next_rescan = time.time() + rescan_every
            gate.take_due(stop)
            due = gate.state.next_due()
            until = min(next_rescan, due if due is not None else next_rescan) - time.time()
            wake.wait(min(max(until, 0.05), rescan_every))
    finally:
        if observer is not None:
            # watchdog logs a harmless error when its reader thread notices the stop late
            logging.getLogger("watchdog.observers.inotify").disabled = True
            observer.stop()
            observer.join(timeout=10)


def _lock(inbox: Path) -> int:
    """Hold ``INBOX/.gkcheck-watch.lock`` for the life of the process: one gate per inbox."""
    fd = os.open(inbox / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        import fcntl
    except ImportError:
        return fd  # no advisory locks on this platform
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise GkcheckError(f"另一个 gkcheck watch 正在处理 {inbox}") from None
    return fd


def _inside(a: Path, b: Path) -> bool:
    return a == b or b in a.parents


@click.command()
@click.argument("inbox", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--pass", "pass_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="检查通过的文件移到此目录（保持子目录结构）。")
@click.option("--hold", "hold_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="有问题或无法检查的文件移到此目录，旁边附 .gkcheck.txt 和 .gkcheck.json 报告。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="达到此级别的问题即拦截（默认 error）。")
@click.option("--once", is_flag=True, help="只处理当前已写完的文件，然后退出（供 cron 定时运行）。")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"状态数据库（SQLite，默认 INBOX/{STATE_NAME}）。")
@click.option("--settle", type=click.FloatRange(0, 3600), default=DEFAULT_SETTLE, show_default=True,
              metavar="SECONDS",
              help="文件大小和修改时间保持不变这么多秒，才算上传完成。")
@click.option("--rescan", type=click.FloatRange(0.5, 86400), default=DEFAULT_RESCAN, show_default=True,
              metavar="SECONDS",
              help="除文件事件外，每隔这么多秒完整扫描一次收件目录（事件可能丢失）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="配置文件（默认向上查找 gkcheck.toml 或 pyproject.toml 的 [tool.gkcheck]）。")
@click.option("--publish-date", help="日期检查所对照的发布日期，YYYY-MM-DD（默认当天）。")
@click.option("--exclude", multiple=True, help="不处理匹配此通配符的文件（留在收件目录），可重复。")
@click.option("--ledger", "ledger_target", default=None,
              help="把每个文件的检查记入整改台账：SQLite 文件或 postgresql://… 地址（docs/ledger.md）。")
@click.option("--new-only", is_flag=True, default=False,
              help="与 --ledger 一起用：只因台账中没有的新问题拦截。")
def watch(inbox: Path, pass_dir: Path, hold_dir: Path, fail_on: str | None, once: bool,
          state_path: Path | None, settle: float, rescan: float, config_path: Path | None,
          publish_date: str | None, exclude: tuple[str, ...], ledger_target: str | None = None,
          new_only: bool = False) -> None:
    """上传目录把关：检查放入 INBOX 的每个文件，无问题的移到 --pass，有问题或无法检查的移到 --hold。"""
    from ..config import load_config, parse_date

    inbox = inbox.resolve()
    folders = Folders(inbox, pass_dir.resolve(), hold_dir.resolve())
    try:
        for name, folder in (("--pass", folders.passed), ("--hold", folders.held)):
            if _inside(folder, inbox) or _inside(inbox, folder):
                raise GkcheckError(f"{name} 目录不能在收件目录之内，也不能包含收件目录")
        if _inside(folders.passed, folders.held) or _inside(folders.held, folders.passed):
            raise GkcheckError("--pass 和 --hold 应为两个互不包含的目录")
        if not once:
            try:
                import watchdog  # noqa: F401
            except ImportError:
                raise GkcheckError("持续监视需要 watchdog：pip install 'gkcheck[watch]'（或使用 --once）") from None
        config = load_config(config_path)
        config = config.with_overrides(
            fail_on=fail_on,
            publish_date=parse_date(publish_date, "--publish-date") if publish_date else None,
            exclude=(*config.exclude, *exclude) if exclude else None)
        checker = Checker(config)
        book = None
        if ledger_target or new_only or config.ledger:
            from .ledger import open_ledger

            book = open_ledger(ledger_target, config)
        for folder in (folders.passed, folders.held):
            folder.mkdir(parents=True, exist_ok=True)
        lock = _lock(inbox)
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        raise click.UsageError(f"无法使用目录：{exc.filename}：{exc.strerror or exc}") from None
    state_file = (state_path or inbox / STATE_NAME).resolve()
    try:
        state = State(state_file)
    except Exception as exc:  # sqlite3.Error or OSError: the gate cannot remember, so it does not start
        os.close(lock)
        raise click.UsageError(f"无法打开状态数据库 {state_file}：{exc}") from None
    skip = [Path(str(state_file) + s) for s in ("", "-wal", "-shm", "-journal")]
    if book is not None and "://" not in book.target:   # a ledger inside the inbox is never taken
        skip += [Path(book.target + s).resolve() for s in ("", "-wal", "-shm", "-journal", ".key")]
    gate = Gate(folders, state, checker, fail_on=config.fail_on, settle=settle, exclude=config.exclude,
                skip=skip, ledger=book, new_only=new_only)

    stop, wake = threading.Event(), threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()
        wake.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    try:
        if once:
            run_once(gate, stop)
        else:
            gate.log(f"gkcheck watch：监视 {shown(str(inbox))}，通过的文件移到 {shown(str(folders.passed))}，"
                     f"拦截的移到 {shown(str(folders.held))}"
                     "（Ctrl+C 停止）")
            run_forever(gate, stop, wake, rescan)
    finally:
        state.close()
        os.close(lock)
    counts = gate.counts
    gate.log(f"共通过 {counts['passed']} 个，拦截 {counts['held']} 个"
             + (f"，{counts['failed']} 个无法移动" if counts["failed"] else "")
             + ("" if once else "；已停止"))
    if once:
        sys.exit(2 if counts["failed"] else 1 if counts["held"] else 0)
    sys.exit(0)
