"""Issue 12, defects 2, 3 and 9 against the upload gate (``gkcheck watch``), as users run it.

- any name the OS can hold (not UTF-8, a folder with such a name, control characters, a newline)
  is stored, checked and moved, and one such name never stops the gate (--once and continuous);
- a file rewritten in place while it is checked (same size, modification time put back) never
  reaches the pass folder with content that was not checked — a real concurrent writer, no mocks;
- a newline in a file name cannot forge lines in the log.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from gkcheck.surfaces.watch import STATE_NAME

from .test_watch import (BAD_HTML, CLEAN_TXT, GKCHECK, db_rows, dirs, files_under, run_watch,  # noqa: F401
                         wait_until, watcher, write)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="byte file names are a POSIX matter")


def bytes_under(folder: Path) -> dict[bytes, bytes]:
    """Every file below ``folder`` by its relative path as bytes (names need not be UTF-8)."""
    out = {}
    root = os.fsencode(folder)
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            if not name.startswith(b"."):
                out[os.path.relpath(path, root)] = open(path, "rb").read()
    return out


def bwrite(folder: Path, rel: bytes, data: bytes) -> None:
    path = os.path.join(os.fsencode(folder), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


NAMES = {b"\xff.txt": CLEAN_TXT, b"\xfe\xfe/bad.html": BAD_HTML, b"ok/\xe4\xb8.txt": BAD_HTML,
         b"line\nbreak.txt": CLEAN_TXT, b"esc\x1b[31mred.txt": CLEAN_TXT, b"clean.txt": CLEAN_TXT}
EXPECTED = {(b"pass/" if data == CLEAN_TXT else b"hold/") + rel: data for rel, data in NAMES.items()}


def placed(passed: Path, held: Path) -> dict[bytes, bytes]:
    out = {b"pass/" + k: v for k, v in bytes_under(passed).items()} if passed.exists() else {}
    if held.exists():
        out.update({b"hold/" + k: v for k, v in bytes_under(held).items()
                    if not k.endswith((b".gkcheck.json", b".gkcheck.txt"))})
    return out


def test_once_stores_and_moves_every_name_the_os_can_hold(dirs):
    inbox, passed, held = dirs
    for rel, data in NAMES.items():
        bwrite(inbox, rel, data)
    proc = subprocess.run([str(GKCHECK), "watch", inbox, "--pass", passed, "--hold", held, "--once",
                           "--settle", "0"], capture_output=True, timeout=120)
    err = proc.stderr.decode("utf-8")          # the log is valid UTF-8, whatever the names
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    assert placed(passed, held) == EXPECTED
    assert not bytes_under(inbox)
    # reports beside the held files, under the same (non-UTF-8) names
    assert set(bytes_under(held)) >= {b"\xfe\xfe/bad.html.gkcheck.txt", b"ok/\xe4\xb8.txt.gkcheck.json"}
    # one log line per file: the newline and the escape sequence in names are shown escaped
    lines = [line for line in err.splitlines() if line.startswith(("通过 ", "拦截 "))]
    assert len(lines) == len(NAMES), err
    assert "\x1b" not in err and "line\\nbreak.txt" in err and "esc\\x1b[31mred.txt" in err
    assert "\\xff.txt" in err
    # the state keeps each name exactly, and tells them apart
    rows = db_rows(inbox / STATE_NAME)
    assert {r["status"] for r in rows} == {"passed", "held"} and len(rows) == len(NAMES)
    stored = {os.fsencode(r["path"]) if isinstance(r["path"], str) else r["path"] for r in rows}
    assert stored == set(NAMES)


def test_a_state_database_of_the_previous_version_keeps_working(dirs):
    """A state file written before non-UTF-8 names were storable is used as it is: its rows stay,
    and a new upload with a byte name is added beside them."""
    inbox, passed, held = dirs
    write(inbox / "first.txt", CLEAN_TXT)
    assert run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0").returncode == 0
    db = sqlite3.connect(inbox / STATE_NAME)
    db.execute("PRAGMA user_version=1")      # as the previous version left it
    db.commit()
    db.close()
    bwrite(inbox, b"\xff\xfe.txt", CLEAN_TXT)
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    assert set(bytes_under(passed)) == {b"first.txt", b"\xff\xfe.txt"}
    rows = db_rows(inbox / STATE_NAME)
    assert [r["status"] for r in rows] == ["passed", "passed"] and rows[0]["path"] == "first.txt"


@pytest.mark.slow
def test_watcher_keeps_going_past_a_non_utf8_name(watcher, dirs):
    inbox, passed, held = dirs
    w = watcher("--settle", "0.3", "--rescan", "1")
    for rel, data in NAMES.items():
        bwrite(inbox, rel, data)
    wait_until(lambda: placed(passed, held) == EXPECTED, "every name to be sorted")
    write(inbox / "later.txt", CLEAN_TXT)          # the gate is still alive afterwards
    wait_until(lambda: (passed / "later.txt").exists(), "a later file to pass")
    assert w.stop() == 0
    assert "Traceback" not in w.log()


# -- defect 3: content swapped during the check ----------------------------------------------------

PARA = "<p>全县已完成改造任务，共计一百户。</p>"
BIG_CLEAN = ("<html><body>" + PARA * 80000 + "<p>全县已完成。</p></body></html>").encode()
BIG_BAD = BIG_CLEAN.replace("<p>全县已完成。</p>".encode(), "<p>截止目前，全</p>".encode())


def rewrite_in_place(path: Path, data: bytes) -> None:
    """What a careless (or hostile) uploader does: same file, same size, old mtime put back."""
    st = path.stat()
    with open(path, "r+b") as fh:
        fh.write(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_file_rewritten_while_it_is_checked_never_passes_unchecked(dirs):
    assert len(BIG_BAD) == len(BIG_CLEAN) and BIG_BAD != BIG_CLEAN
    inbox, passed, held = dirs
    target = write(inbox / "big.html", BIG_CLEAN)
    state = inbox / STATE_NAME
    swapped = threading.Event()
    during_check = []

    def writer() -> None:
        def scanning():
            try:
                return [r for r in db_rows(state) if r["path"] == "big.html" and r["status"] == "scanning"]
            except sqlite3.Error:
                return []
        wait_until(scanning, "the gate to check big.html", timeout=60)
        rewrite_in_place(target, BIG_BAD)
        during_check.append(bool(scanning()))   # still being checked: the swap came after the read
        swapped.set()

    thread = threading.Thread(target=writer)
    thread.start()
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
    thread.join(timeout=60)
    assert swapped.is_set() and during_check == [True], "the rewrite did not land during the check"
    # the unchecked content is not in the pass folder; it is held, and the log says why
    assert (passed / "big.html").exists() is False, proc.stderr
    assert files_under(held)["big.html"] == BIG_BAD
    assert proc.returncode == 1, proc.stderr
    assert "检查期间" in proc.stderr
    report = (held / "big.html.gkcheck.txt").read_text("utf-8")
    assert "检查期间" in report


def test_a_file_left_at_its_stage_name_by_a_crash_is_checked_again(dirs):
    """Killed after the file was renamed to its hidden stage name and before it moved on: the
    next start puts it back under its name and checks it (it is never lost in a hidden name)."""
    import hashlib
    import json

    from gkcheck.surfaces.move import stage_name
    from gkcheck.surfaces.watch_state import State

    inbox, passed, held = dirs
    source = write(inbox / "sub" / "通知.txt", CLEAN_TXT)
    st = source.stat()
    state = State(inbox / STATE_NAME)
    with state.batch():
        row = state.observe("sub/通知.txt", st.st_size, st.st_mtime_ns, time.time(), 0)
        state.update(row.id, time.time(), status="scanning", sha256=hashlib.sha256(CLEAN_TXT).hexdigest(),
                     target=str(passed / "sub" / "通知.txt"), result=json.dumps({"verdict": "passed"}))
    state.close()
    os.rename(source, stage_name(source, row.id))
    proc = run_watch(inbox, "--pass", passed, "--hold", held, "--once", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    assert files_under(passed) == {"sub/通知.txt": CLEAN_TXT}
    assert not any((inbox / "sub").iterdir())
