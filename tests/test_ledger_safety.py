"""The ledger keeps no personal data, survives SIGKILL mid-transaction, and loses nothing when
two scans and a watch write to it at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


from gkcheck import Checker, Config
from gkcheck.ledger import Ledger

from .ledger_fixtures import ledger_target, pg_cluster  # noqa: F401 (fixtures)

GKCHECK = [sys.executable, "-m", "gkcheck"]


def id_number(seq: int) -> str:
    """A valid 18-digit resident ID number (GB 11643 check digit)."""
    body = f"110101{1960 + seq % 40}{(seq % 12) + 1:02d}{(seq % 28) + 1:02d}{seq % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def phone(seq: int) -> str:
    return f"13{(seq % 9) + 1}{(10000000 + seq * 7919) % 100000000:08d}"


def personal_site(site: Path, n: int = 30) -> list[str]:
    values = []
    rows = []
    for i in range(n):
        ident, mobile = id_number(i), phone(i)
        values += [ident, mobile]
        rows.append(f"<tr><td>张{i}</td><td>{ident}</td><td>{mobile}</td></tr>")
    site.mkdir(parents=True, exist_ok=True)
    (site / "名单.html").write_text(
        "<html><body><table><tr><th>姓名</th><th>身份证号</th><th>联系电话</th></tr>"
        + "\n".join(rows) + "</table></body></html>", encoding="utf-8")
    (site / "说明.txt").write_text("\n".join(f"联系人身份证{id_number(i + 100)}，手机{phone(i + 100)}。" for i in range(n)),
                                  encoding="utf-8")
    values += [id_number(i + 100) for i in range(n)] + [phone(i + 100) for i in range(n)]
    return values


def spelled(value: str) -> list[str]:
    """The value in full and as people write it with separators."""
    forms = [value]
    if len(value) == 18:
        forms += [f"{value[:6]} {value[6:14]} {value[14:]}", f"{value[:6]}-{value[6:14]}-{value[14:]}"]
    else:
        forms += [f"{value[:3]}-{value[3:7]}-{value[7:]}", f"{value[:3]} {value[3:7]} {value[7:]}"]
    return forms


def test_no_personal_value_is_stored(ledger_target, tmp_path, request):
    values = personal_site(tmp_path / "site")
    checker = Checker(Config(expand_columns=True))     # every value its own finding (the harder case)
    with Ledger(ledger_target, key_path=tmp_path / "k") as book:
        report = book.record_report(checker.scan([tmp_path / "site"]), roots=[tmp_path / "site"])
        privacy = [f for r in report.files for f in r.findings if f.category == "privacy"]
        assert len(privacy) >= len(values)          # every value was found, so it reached the ledger
        shown = {e.shown for e in book.findings()}
        assert any("*" in s for s in shown)
    if ledger_target.startswith("postgresql"):
        cluster = request.getfixturevalue("pg_cluster")
        blobs = [cluster.dump(ledger_target.split("?")[0].rsplit("/", 1)[-1])]
    else:
        blobs = [Path(ledger_target + s).read_bytes() for s in ("", "-wal") if Path(ledger_target + s).exists()]
    data = b"".join(blobs)
    assert len(data) > 1000
    for value in values:
        for form in spelled(value):
            for encoding in ("utf-8", "utf-16-le"):
                assert form.encode(encoding) not in data, form


def _changes(db: Path) -> tuple:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return (conn.execute("SELECT count(*) FROM scans").fetchone()[0],
                conn.execute("SELECT count(*) FROM findings").fetchone()[0],
                conn.execute("SELECT count(*) FROM events").fetchone()[0],
                sorted(conn.execute("SELECT fp, state FROM findings").fetchall()))
    finally:
        conn.close()


def big_site(site: Path, files: int = 40, lines: int = 150, prefix: str = "p") -> None:
    site.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (site / f"{prefix}{i}.txt").write_text("\n".join(f"第{i}页第{j}行：截止目前已完成。" for j in range(lines)),
                                        encoding="utf-8")


def test_a_scan_killed_mid_transaction_leaves_the_ledger_as_it_was(tmp_path):
    site, db = tmp_path / "site", tmp_path / "ledger.db"
    (site / "a").mkdir(parents=True)
    (site / "a" / "x.txt").write_text("截止目前已完成。\n", encoding="utf-8")
    subprocess.run([*GKCHECK, "scan", str(site), "--ledger", str(db), "--fail-on", "never"], check=True,
                   capture_output=True, timeout=300)
    before = _changes(db)
    big_site(site / "b")
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    proc = subprocess.Popen([*GKCHECK, "scan", str(site), "--ledger", str(db), "--fail-on", "never"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_inside = False
    deadline = time.time() + 300
    while proc.poll() is None and time.time() < deadline:
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        except sqlite3.OperationalError:          # the scan's write transaction is open: kill it now
            os.kill(proc.pid, signal.SIGKILL)
            killed_inside = True
            break
        time.sleep(0.002)
    proc.wait(timeout=60)
    probe.close()
    assert killed_inside, "the scan finished before its transaction could be caught"
    assert proc.returncode == -signal.SIGKILL
    assert _changes(db) == before
    # and the ledger works on: the next scan records everything
    subprocess.run([*GKCHECK, "scan", str(site), "--ledger", str(db), "--fail-on", "never"], check=True,
                   capture_output=True, timeout=300)
    scans, findings, _, _ = _changes(db)
    assert scans == before[0] + 1 and findings == 1 + 40 * 150


def test_two_scans_and_a_watch_at_once_lose_nothing(ledger_target, tmp_path):
    key = tmp_path / "ledger.key"
    env = {**os.environ, "GKCHECK_LEDGER_KEY": str(key)}
    Ledger(ledger_target, key_path=key).close()       # the key and schema exist before the race
    big_site(tmp_path / "s1", files=15, lines=60, prefix="a")
    big_site(tmp_path / "s2", files=15, lines=60, prefix="b")
    inbox, passed, held = tmp_path / "inbox", tmp_path / "pass", tmp_path / "hold"
    inbox.mkdir()
    for i in range(10):
        (inbox / f"u{i}.txt").write_text(f"上传{i}：截止目前已完成。\n帐号{i}。\n", encoding="utf-8")
    procs = [subprocess.Popen([*GKCHECK, "scan", str(tmp_path / s), "--ledger", ledger_target, "--fail-on", "never"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env) for s in ("s1", "s2")]
    procs.append(subprocess.Popen([*GKCHECK, "watch", str(inbox), "--pass", str(passed), "--hold", str(held),
                                   "--once", "--settle", "0", "--ledger", ledger_target],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env))
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode in (0, 1), err.decode()
    assert "无法写入台账" not in err.decode()
    with Ledger(ledger_target, key_path=key) as book:
        scans = sorted(s["source"] for s in book.scans())
        findings = book.findings()
    assert scans == ["scan", "scan"] + ["watch"] * 10
    assert len({e.doc for e in findings}) == 15 + 15 + 10
    assert len(findings) == 2 * 15 * 60 + 10 * 2
    assert {e.state for e in findings} == {"new"}
