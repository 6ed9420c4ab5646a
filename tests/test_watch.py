"""``gkcheck watch``, the upload-folder gate, on real folders with the real watchdog and real files.

The long-running watcher runs as users run it (``.venv/bin/gkcheck watch ...`` in a subprocess).
Results are awaited by polling with a deadline; no test asserts how long anything took.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gkcheck.surfaces.move import free_name, move_file, temp_name
from gkcheck.surfaces.watch import STATE_NAME, is_partial
from gkcheck.surfaces.watch_state import State

GKCHECK = Path(sys.executable).with_name("gkcheck")
BAD_HTML = "<html><body><p>截止目前，全县已完成改造。</p></body></html>".encode("utf-8")
CLEAN_TXT = "全县已完成改造任务。\n".encode("utf-8")
DEADLINE = 90.0


def id_number(body: str = "36070219880315451") -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def docx_with_id() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("关于2024年临时救助对象的公示")
    doc.add_paragraph(f"申请人张三，身份证号：{id_number()}。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def run_watch(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GKCHECK), "watch", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` except the watcher's own (hidden) files, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")}


def wait_until(predicate, what: str, timeout: float = DEADLINE):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def db_rows(state: Path) -> list[dict]:
    db = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=30)
    try:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM files ORDER BY id")]
    finally:
        db.close()


@pytest.fixture()
def dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    inbox, passed, held = tmp_path / "inbox", tmp_path / "pass", tmp_path / "hold"
    inbox.mkdir()
    return inbox, passed, held


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# -- --once ----------------------------------------------------------------------------------------

def test_once_sorts_clean_bad_private_and_unreadable_files(dirs):
    inbox, passed, held = dirs
    private = docx_with_id()
    write(inbox / "clean.txt", CLEAN_TXT)
    write(inbox / "sub" / "bad.html", BAD_HTML)
    write(inbox / "sub" / "deep" / "名单.docx", private)
    write(inbox / "broken.docx", b"PK\x03\x04 not really a zip archive")
    for name in ("upload.html.part", "~$名单.docx", ".hidden.txt", "page.html.crdownload", "x.tmp"):
        write(inbox / name, BAD_HTML)

    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")

    assert proc.returncode == 1, proc.stderr
    assert files_under(passed) == {"clean.txt": CLEAN_TXT}
    got = files_under(held)
    assert got["sub/bad.html"] == BAD_HTML and got["sub/deep/名单.docx"] == private
    assert got["broken.docx"] == b"PK\x03\x04 not really a zip archive"
    assert set(got) == {f"{name}{suffix}" for name in ("sub/bad.html", "sub/deep/名单.docx", "broken.docx")
                        for suffix in ("", ".gkcheck.json", ".gkcheck.txt")}
    # what was still being written (or hidden) stays in the inbox, untouched
    assert set(files_under(inbox)) == {"upload.html.part", "~$名单.docx", "page.html.crdownload", "x.tmp"}
    assert (inbox / ".hidden.txt").read_bytes() == BAD_HTML
    # one Chinese line per file on stderr
    lines = proc.stderr.splitlines()
    assert any(line.startswith("通过 clean.txt") for line in lines)
    assert any(line.startswith("拦截 sub/bad.html") and "T001" in line for line in lines)
    assert any(line.startswith("拦截 broken.docx") and "无法检查" in line for line in lines)
    # the reports: the standard JSON report, and a short Chinese text with personal data masked
    report = json.loads(got["sub/deep/名单.docx.gkcheck.json"])
    (file,) = report["files"]
    assert file["path"] == "sub/deep/名单.docx" and [f["rule"] for f in file["findings"]] == ["P001"]
    assert file["findings"][0]["match"] == id_number()
    text = got["sub/deep/名单.docx.gkcheck.txt"].decode("utf-8")
    assert "拦截" in text and "P001" in text and id_number() not in text
    broken = got["broken.docx.gkcheck.txt"].decode("utf-8")
    assert "无法检查" in broken
    assert json.loads(got["broken.docx.gkcheck.json"])["files"][0]["status"] == "error"
    # the state: one finished row per file, with its content hash
    rows = {r["path"]: r for r in db_rows(inbox / STATE_NAME)}
    assert {p: r["status"] for p, r in rows.items()} == {
        "clean.txt": "passed", "sub/bad.html": "held", "sub/deep/名单.docx": "held", "broken.docx": "held"}
    import hashlib
    assert rows["clean.txt"]["sha256"] == hashlib.sha256(CLEAN_TXT).hexdigest()
    assert id_number() not in json.dumps(rows, ensure_ascii=False), "the state keeps no matched text"

    again = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
    assert again.returncode == 0 and set(files_under(held)) == set(got), "nothing is taken twice"


def test_once_exit_0_when_everything_passed_and_warnings_follow_fail_on(dirs):
    inbox, passed, held = dirs
    write(inbox / "a.txt", CLEAN_TXT)
    write(inbox / "variant.txt", "请保管好帐号。".encode("utf-8"))   # a warning only
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    assert set(files_under(passed)) == {"a.txt", "variant.txt"}

    write(inbox / "variant2.txt", "请保管好帐号。".encode("utf-8"))
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0",
                     "--fail-on", "warning")
    assert proc.returncode == 1 and "variant2.txt" in files_under(held)


def test_name_clash_never_overwrites_and_a_new_upload_of_the_same_file_is_checked_again(dirs):
    inbox, passed, held = dirs
    write(passed / "clean.txt", b"someone else's file")
    write(held / "bad.html.gkcheck.txt", b"an old report")
    write(inbox / "clean.txt", CLEAN_TXT)
    write(inbox / "bad.html", BAD_HTML)
    assert run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0").returncode == 1
    assert files_under(passed) == {"clean.txt": b"someone else's file", "clean-1.txt": CLEAN_TXT}
    assert (held / "bad.html.gkcheck.txt").read_bytes() == b"an old report"
    assert (held / "bad-1.html").read_bytes() == BAD_HTML and (held / "bad-1.html.gkcheck.json").exists()

    # the same content under the same name, uploaded again: a new upload, checked and moved again
    write(inbox / "clean.txt", CLEAN_TXT)
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    assert files_under(passed)["clean-2.txt"] == CLEAN_TXT
    rows = [r for r in db_rows(inbox / STATE_NAME) if r["path"] == "clean.txt"]
    assert [r["status"] for r in rows] == ["passed", "passed"] and rows[0]["sha256"] == rows[1]["sha256"]


def test_once_leaves_a_file_that_is_still_being_written(dirs):
    inbox, passed, held = dirs
    target = inbox / "slow.html"
    done = threading.Event()
    written: list[int] = []

    def writer() -> None:
        with open(target, "wb") as fh:
            for _ in range(30):
                fh.write(b"<p>" + "全县已完成改造任务。".encode() * 50 + b"</p>\n")
                fh.flush()
                if done.wait(0.15):
                    break
            fh.write(BAD_HTML)  # the finding is in the last chunk only
            written.append(fh.tell())

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_until(lambda: target.exists() and target.stat().st_size > 0, "the first chunk")
        proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "2")
    finally:
        done.set()
        thread.join()
    assert proc.returncode == 0, proc.stderr
    assert "留待下次" in proc.stderr and not files_under(passed) and not files_under(held)
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0.3")
    assert proc.returncode == 1
    moved = (held / "slow.html").read_bytes()
    assert len(moved) == written[0] and moved.endswith(BAD_HTML)


def test_usage_errors_exit_2(dirs, tmp_path):
    inbox, passed, held = dirs
    assert run_watch(inbox, "--pass", inbox / "ok", "--hold", held, "--once").returncode == 2
    assert run_watch(inbox, "--pass", passed, "--hold", passed, "--once").returncode == 2
    assert run_watch(inbox, "--pass", passed, "--once").returncode == 2
    assert run_watch(tmp_path / "nope", "--pass", passed, "--hold", held, "--once").returncode == 2
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--publish-date", "someday")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_excluded_files_stay_in_the_inbox_and_a_state_file_inside_is_never_taken(dirs):
    inbox, passed, held = dirs
    write(inbox / "drafts" / "a.html", BAD_HTML)
    write(inbox / "b.txt", CLEAN_TXT)
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0",
                     "--exclude", "drafts", "--state", inbox / "state.db")
    assert proc.returncode == 0, proc.stderr
    assert set(files_under(inbox)) == {"drafts/a.html", "state.db"}
    assert files_under(passed) == {"b.txt": CLEAN_TXT}


def test_partial_names():
    for name in ("a.part", "A.PART", "x.tmp", "~$通知.docx", ".hidden", "f.crdownload", "backup~"):
        assert is_partial(name), name
    for name in ("通知.docx", "part.html", "tmp.txt", "a~b.txt"):
        assert not is_partial(name), name


# -- moving and recovering -------------------------------------------------------------------------

def test_move_never_replaces_and_free_name_counts_up(tmp_path):
    src, dst = write(tmp_path / "a.txt", b"new"), write(tmp_path / "out" / "a.txt", b"old")
    with pytest.raises(FileExistsError):
        move_file(src, dst)
    assert src.read_bytes() == b"new" and dst.read_bytes() == b"old"
    assert free_name(dst.parent, "a.txt") == dst.parent / "a-1.txt"
    write(tmp_path / "out" / "b.html.gkcheck.txt", b"")
    assert free_name(dst.parent, "b.html", (".gkcheck.txt",)) == dst.parent / "b-1.html"
    move_file(src, dst.parent / "a-1.txt")
    assert not src.exists() and (dst.parent / "a-1.txt").read_bytes() == b"new"


def _other_filesystem(tmp_path: Path) -> Path | None:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shm.stat().st_dev != tmp_path.stat().st_dev:
        return shm
    return None


def test_move_across_filesystems(dirs, tmp_path):
    other = _other_filesystem(tmp_path)
    if other is None:
        pytest.skip("no second filesystem (/dev/shm) to move across")
    import tempfile

    inbox, _, held = dirs
    with tempfile.TemporaryDirectory(dir=other) as far:
        passed = Path(far) / "pass"
        write(inbox / "sub" / "clean.txt", CLEAN_TXT)
        mtime = (inbox / "sub" / "clean.txt").stat().st_mtime_ns
        proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
        assert proc.returncode == 0, proc.stderr
        moved = passed / "sub" / "clean.txt"
        assert moved.read_bytes() == CLEAN_TXT and moved.stat().st_mtime_ns == mtime
        assert not (inbox / "sub" / "clean.txt").exists()
        assert [p.name for p in moved.parent.iterdir()] == ["clean.txt"], "no temporary copy left"


def _crashed_row(inbox: Path, rel: str, data: bytes, target: Path, verdict: str) -> None:
    """A row as a run killed between recording the target and finishing leaves it."""
    import hashlib

    src = inbox / rel
    st = src.stat()
    state = State(inbox / STATE_NAME)
    with state.batch():
        row = state.observe(rel, st.st_size, st.st_mtime_ns, time.time(), 0)
        state.update(row.id, time.time(), status="scanning", sha256=hashlib.sha256(data).hexdigest(),
                     target=str(target), result=json.dumps({"verdict": verdict}))
    state.close()


def test_recovery_after_a_crash_once_the_file_was_moved(dirs):
    inbox, passed, held = dirs
    write(inbox / "bad.html", BAD_HTML)
    target = held / "bad.html"
    _crashed_row(inbox, "bad.html", BAD_HTML, target, "held")
    held.mkdir()
    os.rename(inbox / "bad.html", target)            # moved; killed before the row said so
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
    assert proc.returncode == 1 and "拦截 bad.html" in proc.stderr and "恢复" in proc.stderr, proc.stderr
    assert set(files_under(held)) == {"bad.html", "bad.html.gkcheck.json", "bad.html.gkcheck.txt"}
    assert [(r["path"], r["status"]) for r in db_rows(inbox / STATE_NAME)] == [("bad.html", "held")]


def test_recovery_after_a_crash_in_a_copy_across_filesystems(dirs):
    inbox, passed, held = dirs
    # killed after the copy was renamed into place, before the source was removed
    write(inbox / "a.txt", CLEAN_TXT)
    _crashed_row(inbox, "a.txt", CLEAN_TXT, passed / "a.txt", "passed")
    passed.mkdir()
    (passed / "a.txt").write_bytes(CLEAN_TXT)
    os.utime(passed / "a.txt", ns=(0, (inbox / "a.txt").stat().st_mtime_ns))
    # killed in the middle of a copy: a hidden partial copy, the source still in the inbox
    write(inbox / "b.txt", CLEAN_TXT)
    _crashed_row(inbox, "b.txt", CLEAN_TXT, passed / "b.txt", "passed")
    temp_name(passed / "b.txt").write_bytes(CLEAN_TXT[:5])
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    assert files_under(passed) == {"a.txt": CLEAN_TXT, "b.txt": CLEAN_TXT}
    assert not files_under(inbox) and not temp_name(passed / "b.txt").exists()
    assert sorted((r["path"], r["status"]) for r in db_rows(inbox / STATE_NAME)) == [
        ("a.txt", "passed"), ("b.txt", "passed")]


# -- the long-running watcher -----------------------------------------------------------------------

class Watcher:
    def __init__(self, inbox: Path, passed: Path, held: Path, log: Path, *extra: str):
        self.inbox, self.passed, self.held, self.log_path = inbox, passed, held, log
        self.args = [str(GKCHECK), "watch", str(inbox), "--pass", str(passed), "--hold", str(held), *extra]
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "Watcher":
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=self.log_file)
        wait_until(lambda: "监视" in self.log() or self.proc.poll() is not None, "the watcher to start")
        assert self.proc.poll() is None, self.log()
        return self

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=60)
        self.log_file.close()
        return code

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()          # SIGKILL: no chance to tidy up
        self.proc.wait(timeout=60)
        self.log_file.close()

    def placed(self) -> dict[str, bytes]:
        """Every file moved out of the inbox (reports not counted), by 'pass/…' or 'hold/…'."""
        out = {f"pass/{k}": v for k, v in files_under(self.passed).items()} if self.passed.exists() else {}
        if self.held.exists():
            out.update({f"hold/{k}": v for k, v in files_under(self.held).items()
                        if not k.endswith((".gkcheck.json", ".gkcheck.txt"))})
        return out


@pytest.fixture()
def watcher(dirs, tmp_path):
    started: list[Watcher] = []

    def start(*extra: str) -> Watcher:
        w = Watcher(*dirs, tmp_path / f"watch{len(started)}.log", *extra).start()
        started.append(w)
        return w

    yield start
    for w in started:
        if w.proc is not None and w.proc.poll() is None:
            w.stop()


@pytest.mark.slow
def test_watcher_takes_files_written_later_and_stops_cleanly(watcher, dirs):
    inbox, passed, held = dirs
    w = watcher("--settle", "0.5", "--rescan", "5")
    private = docx_with_id()
    write(inbox / "clean.txt", CLEAN_TXT)
    write(inbox / "new" / "bad.html", BAD_HTML)
    write(inbox / "名单.docx", private)
    write(inbox / "broken.docx", b"PK\x03\x04 broken")
    expected = {"pass/clean.txt": CLEAN_TXT, "hold/new/bad.html": BAD_HTML, "hold/名单.docx": private,
                "hold/broken.docx": b"PK\x03\x04 broken"}
    wait_until(lambda: w.placed() == expected, "the four files to be sorted")
    assert (held / "名单.docx.gkcheck.txt").exists() and (held / "new" / "bad.html.gkcheck.json").exists()

    # a second gate on the same inbox is refused
    other = run_watch(inbox, "--pass", passed, "--hold", held, "--once")
    assert other.returncode == 2 and "另一个" in other.stderr

    assert w.stop(signal.SIGINT) == 0
    assert "已停止" in w.log() and "Traceback" not in w.log()
    assert all(r["status"] in ("passed", "held") for r in db_rows(inbox / STATE_NAME))


@pytest.mark.slow
def test_watcher_waits_for_slow_writers_renames_and_forgets_deleted_files(watcher, dirs):
    inbox, passed, held = dirs
    w = watcher("--settle", "1.5", "--rescan", "2")
    state = inbox / STATE_NAME

    # a file written slowly in several chunks, the finding only in the last one
    slow = inbox / "slow.html"
    with open(slow, "wb") as fh:
        for _ in range(8):
            fh.write(b"<p>" + "全县已完成改造任务。".encode() * 200 + b"</p>\n")
            fh.flush()
            time.sleep(0.3)
        fh.write(BAD_HTML)
    whole = slow.read_bytes()
    # an upload under a temporary name, then renamed
    part = write(inbox / "sub" / "notice.html.part", BAD_HTML)
    # a file deleted before it settled
    doomed = write(inbox / "doomed.txt", CLEAN_TXT)
    wait_until(lambda: any(r["path"] == "doomed.txt" for r in db_rows(state)), "doomed.txt to be seen")
    doomed.unlink()
    marker = write(inbox / "marker.txt", CLEAN_TXT)

    wait_until(lambda: "pass/marker.txt" in w.placed(), "the marker to pass")
    assert part.exists(), "a .part file is never taken"
    assert w.placed()["hold/slow.html"] == whole, "never taken half-written"
    os.rename(part, inbox / "sub" / "notice.html")
    wait_until(lambda: "hold/sub/notice.html" in w.placed(), "the renamed file to be held")

    assert not marker.exists()
    assert set(w.placed()) == {"hold/slow.html", "hold/sub/notice.html", "pass/marker.txt"}
    rows = db_rows(state)
    assert [r["status"] for r in rows if r["path"] == "doomed.txt"] == ["gone"]
    assert not [r for r in rows if r["path"].endswith(".part")]
    assert w.stop() == 0


@pytest.mark.slow
def test_watcher_burst_of_500_files_each_moved_exactly_once(watcher, dirs):
    inbox, passed, held = dirs
    w = watcher("--settle", "0.5", "--rescan", "3")
    expected = {}
    for i in range(500):
        rel = f"batch{i % 5}/f{i:03d}.txt"
        data = ("截止目前，" if i % 10 == 0 else "") + f"第{i}号通知：全县已完成改造任务。\n"
        write(inbox / rel, data.encode("utf-8"))
        expected[("hold/" if i % 10 == 0 else "pass/") + rel] = data.encode("utf-8")
    wait_until(lambda: len(w.placed()) >= 500, "500 files to be moved", timeout=240)
    assert w.placed() == expected, "every file once, none lost, none renamed for a clash"
    rows = db_rows(inbox / STATE_NAME)
    assert len(rows) == 500 and {r["status"] for r in rows} == {"passed", "held"}
    assert not files_under(inbox)
    assert w.stop() == 0


@pytest.mark.slow
def test_restart_after_kill_9_while_scanning_and_pending(watcher, dirs):
    inbox, passed, held = dirs
    w = watcher("--settle", "0.3", "--rescan", "2")
    # big enough that checking it takes a moment: the kill lands while its row is "scanning"
    big = ("<html><body>" + "<p>全县已完成改造任务，共计一百户。</p>" * 40000 + "<p>截止目前。</p></body></html>").encode()
    expected = {"hold/big.html": big}
    write(inbox / "big.html", big)
    for i in range(60):
        rel = f"more/n{i:02d}.txt"
        write(inbox / rel, CLEAN_TXT)
        expected[f"pass/{rel}"] = CLEAN_TXT
    state = inbox / STATE_NAME
    wait_until(lambda: any(r["status"] == "scanning" for r in db_rows(state)), "a row being checked")
    w.kill()
    at_kill = db_rows(state)
    assert any(r["status"] == "scanning" for r in at_kill)
    assert len(w.placed()) < len(expected), "killed with work left"

    w2 = watcher("--settle", "0.3", "--rescan", "2")
    wait_until(lambda: len(w2.placed()) >= len(expected), "everything to be moved after the restart")
    assert w2.placed() == expected, "each file exactly once"
    rows = db_rows(state)
    assert sorted(r["path"] for r in rows) == sorted(k.split("/", 1)[1] for k in expected)
    assert {r["status"] for r in rows} <= {"passed", "held"}
    assert all(Path(r["target"]).exists() for r in rows)
    assert not files_under(inbox)
    assert w2.stop() == 0
