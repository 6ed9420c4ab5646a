"""The lifecycle of a finding in the ledger, applied inside one write transaction per scan.

States (``findings.state``): ``new`` 新发现 → ``open`` 未整改 when a later scan sees it again
(the first date is kept) → ``fixed`` 已整改 when a later scan of the same document no longer has
it (整改日期 = that scan's date) → ``reopened`` 重新出现 when it comes back; ``gone``
已删除/下线 when its document is gone. An editor's mark (``ignored`` 已忽略 / ``false_positive``
误报) is kept beside the state: it belongs to the fingerprint, so it holds until the finding itself
changes (a changed finding is a new fingerprint). Every change is an event, so the state on any
past day can be told (monthly tables, the chart of open findings).

``known`` says the ledger has taken the finding in: set when a scan that is not a gate run
(``--new-only``) records it, or by ``ledger baseline``/``import``. A gate run records what it
sees but does not make its own new findings known, so trying the same commit again fails again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .store import Tx

OPEN_STATES = ("new", "open", "reopened")
STATE_NAMES = {"new": "新发现", "open": "未整改", "fixed": "已整改", "reopened": "重新出现",
               "gone": "已删除/下线", "ignored": "已忽略", "false_positive": "误报"}
MARKS = ("ignored", "false_positive")


@dataclass(frozen=True)
class Observation:
    """One finding as the ledger keeps it: no context, personal data masked."""

    fp: str
    rule: str
    name: str
    category: str
    severity: str
    message: str
    shown: str
    suggestion: str | None
    location: str


@dataclass(frozen=True)
class DocumentScan:
    doc: str
    ok: bool                                  # False: the file could not be checked
    observations: tuple[Observation, ...] = ()


def record(tx: Tx, scan_id: int, day: str, documents: Iterable[DocumentScan], *, gate: bool,
           root: str | None = None, gone: Iterable[str] = ()) -> dict[str, str]:
    """Apply one scan; returns, per fingerprint seen, what the ledger knew before:
    ``new`` | ``known`` | ``ignored`` | ``reopened``."""
    prior: dict[str, str] = {}
    events: list[tuple[str, int, str, str]] = []
    for document in documents:
        if not document.ok:        # never checked: nothing about its findings is known (fail closed)
            continue
        _record_document(tx, scan_id, day, document, gate, root, prior, events)
    for doc in gone:
        _gone(tx, scan_id, day, doc, events)
    tx.executemany("INSERT INTO events (fp, scan, day, state) VALUES (?, ?, ?, ?)", events)
    return prior


def _record_document(tx: Tx, scan_id: int, day: str, document: DocumentScan, gate: bool,
                     root: str | None, prior: dict[str, str], events: list[tuple[str, int, str, str]]) -> None:
    existing = {row[0]: row[1:] for row in tx.all(
        "SELECT fp, state, known, mark FROM findings WHERE doc = ?", (document.doc,))}
    inserts, updates = [], []
    for o in document.observations:
        if o.fp in prior:          # the same fingerprint twice in one scan (a file given twice)
            continue
        row = existing.get(o.fp)
        if row is None:
            prior[o.fp] = "new"
            inserts.append((o.fp, document.doc, o.rule, o.name, o.category, o.severity, o.message, o.shown,
                            o.suggestion, o.location, "new", 0 if gate else 1, day, day, scan_id, scan_id))
            events.append((o.fp, scan_id, day, "new"))
            continue
        state, known, mark = row
        if mark:
            prior[o.fp] = "ignored"
        elif state in ("fixed", "gone"):
            prior[o.fp] = "reopened"
        else:
            prior[o.fp] = "known" if known else "new"
        new_state = "reopened" if state in ("fixed", "gone") else "open"
        if new_state != state:
            events.append((o.fp, scan_id, day, new_state))
        updates.append((o.severity, o.message, o.shown, o.suggestion, o.location, new_state,
                        1 if (known or not gate) else 0, day, scan_id, o.fp))
    tx.executemany(
        "INSERT INTO findings (fp, doc, rule, name, category, severity, message, shown, suggestion, "
        "location, state, known, first_date, last_date, first_scan, last_scan) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts)
    tx.executemany(
        "UPDATE findings SET severity = ?, message = ?, shown = ?, suggestion = ?, location = ?, "
        "state = ?, fixed_date = NULL, known = ?, last_date = ?, last_scan = ? WHERE fp = ?", updates)
    seen = {o.fp for o in document.observations}
    fixed = [fp for fp, (state, _, _) in existing.items() if fp not in seen and state in OPEN_STATES]
    tx.executemany("UPDATE findings SET state = 'fixed', fixed_date = ? WHERE fp = ?",
                   [(day, fp) for fp in fixed])
    events.extend((fp, scan_id, day, "fixed") for fp in fixed)
    tx.execute(
        "INSERT INTO documents (doc, root, first_date, last_date, last_scan, status) "
        "VALUES (?, ?, ?, ?, ?, 'present') ON CONFLICT (doc) DO UPDATE SET "
        "root = COALESCE(excluded.root, documents.root), last_date = excluded.last_date, last_scan = excluded.last_scan, "
        "status = 'present', gone_date = NULL",
        (document.doc, root, day, day, scan_id))


def _gone(tx: Tx, scan_id: int, day: str, doc: str, events: list[tuple[str, int, str, str]]) -> None:
    fps = [row[0] for row in tx.all(
        "SELECT fp FROM findings WHERE doc = ? AND state IN ('new', 'open', 'reopened')", (doc,))]
    tx.executemany("UPDATE findings SET state = 'gone', fixed_date = ? WHERE fp = ?", [(day, fp) for fp in fps])
    events.extend((fp, scan_id, day, "gone") for fp in fps)
    tx.execute("UPDATE documents SET status = 'gone', gone_date = ?, last_scan = ? WHERE doc = ?",
               (day, scan_id, doc))


def mark(tx: Tx, fps: Iterable[str], kind: str, reason: str, user: str, when: str, day: str) -> int:
    """Mark findings 已忽略/误报; returns how many were marked."""
    rows = [(kind, reason, user, when, fp) for fp in fps]
    tx.executemany("UPDATE findings SET mark = ?, mark_reason = ?, mark_user = ?, mark_time = ? WHERE fp = ?", rows)
    tx.executemany("INSERT INTO events (fp, scan, day, state, detail) VALUES (?, NULL, ?, ?, ?)",
                   [(fp, day, kind, reason) for fp in fps])
    return len(rows)


def unmark(tx: Tx, fps: Iterable[str], day: str) -> None:
    fps = list(fps)
    tx.executemany("UPDATE findings SET mark = NULL, mark_reason = NULL, mark_user = NULL, mark_time = NULL "
                   "WHERE fp = ?", [(fp,) for fp in fps])
    tx.executemany("INSERT INTO events (fp, scan, day, state) VALUES (?, NULL, ?, 'unmarked')",
                   [(fp, day) for fp in fps])


def state_on(events: list[tuple[str, str]], day: str) -> tuple[str | None, str | None, str | None]:
    """``(lifecycle state, mark, date of that state)`` on ``day`` from a finding's events
    ``(day, state)`` in order; ``(None, None, None)`` before its first event."""
    state = mark = since = None
    for when, what in events:
        if when > day:
            break
        if what in MARKS:
            mark = what
        elif what == "unmarked":
            mark = None
        else:
            state, since = what, when
    return state, mark, since
