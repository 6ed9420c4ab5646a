"""What ``gkcheck watch`` remembers, in SQLite (WAL), so that a crash or a restart resumes.

One row per upload. A file found in the inbox gets a ``seen`` row with its size and modification
time; ``changed`` is when those were last seen to change and ``due`` when the file may be taken
(``changed + --settle``, later after a failed move). While it is checked the row is ``scanning``
with the content's SHA-256, then records where it goes (``target``) before it is moved, and ends
``passed`` or ``held``. A file that disappears before that is ``gone``. Only ``seen`` and
``scanning`` rows are active; at most one per path, so a later upload under the same name is a new
row and the old ones stay as history.

File names are whatever the OS holds. A path (and a target) that is valid UTF-8 is stored as TEXT,
readable with ``sqlite3``; any other name (Linux allows any bytes but ``/`` and NUL) is stored as a
BLOB of its bytes (:func:`os.fsencode`), so no name can stop the gate and two names never merge.
The rows hand paths back as ``str`` with lone surrogates for such bytes (:func:`os.fsdecode`),
which every ``os`` call accepts. A database of version 1 (TEXT only) is used as it is.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

STATUSES = ("seen", "scanning", "passed", "held", "gone")
ACTIVE = ("seen", "scanning")
GONE_KEPT_SECONDS = 86400  # rows of files deleted before they settled are kept a day, then dropped

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,                 -- relative to the inbox, '/'-separated (a BLOB if not UTF-8)
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,                        -- of the content that was checked
    status TEXT NOT NULL CHECK (status IN ('seen', 'scanning', 'passed', 'held', 'gone')),
    changed REAL NOT NULL,              -- when size or mtime were last seen to change
    due REAL NOT NULL,                  -- not taken before this time
    target TEXT,                        -- where the file goes, recorded before it is moved (BLOB as path)
    result TEXT,                        -- JSON: verdict, reason, rule codes (never the matched text)
    first_seen REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS files_active_path ON files(path) WHERE status IN ('seen', 'scanning');
CREATE INDEX IF NOT EXISTS files_due ON files(due) WHERE status = 'seen';
"""


@dataclass(frozen=True)
class Row:
    id: int
    path: str
    size: int
    mtime_ns: int
    sha256: str | None
    status: str
    changed: float
    due: float
    target: str | None
    result: str | None

    def outcome(self) -> dict[str, Any]:
        return json.loads(self.result) if self.result else {}


_COLUMNS = "id, path, size, mtime_ns, sha256, status, changed, due, target, result"
SCHEMA_VERSION = 2   # 2: path and target may be BLOBs (names that are not UTF-8)


def to_db(name: str | None) -> str | bytes | None:
    """A file name as SQLite can hold it: TEXT when it is valid UTF-8, else its bytes."""
    if name is None:
        return None
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name)
    return name


def from_db(value: str | bytes | None) -> str | None:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def _row(values: tuple[Any, ...]) -> Row:
    row = list(values)
    row[1], row[8] = from_db(row[1]), from_db(row[8])
    return Row(*row)


def text_for_db(text: str) -> str:
    """Free text (a JSON result) that SQLite can store: lone surrogates written as ``\\udcff``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class State:
    def __init__(self, path: Path):
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many changes in one transaction (one disk sync for a whole folder scan)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _rows(self, sql: str, *args: Any) -> list[Row]:
        return [_row(r) for r in self.db.execute(f"SELECT {_COLUMNS} FROM files {sql}", args)]

    def active(self, path: str) -> Row | None:
        rows = self._rows("WHERE path = ? AND status IN ('seen', 'scanning')", to_db(path))
        return rows[0] if rows else None

    def active_rows(self) -> list[Row]:
        return self._rows("WHERE status IN ('seen', 'scanning') ORDER BY id")

    def due_rows(self, now: float) -> list[Row]:
        return self._rows("WHERE status = 'seen' AND due <= ? ORDER BY due, id", now)

    def next_due(self) -> float | None:
        (value,) = self.db.execute("SELECT min(due) FROM files WHERE status = 'seen'").fetchone()
        return value

    def all_rows(self) -> list[Row]:
        return self._rows("ORDER BY id")

    def observe(self, path: str, size: int, mtime_ns: int, now: float, settle: float) -> Row | None:
        """Record a sighting of ``path``; the clock restarts when its size or mtime changed.
        Returns the active row (None when the path's row is being checked right now)."""
        row = self.active(path)
        if row is None:
            self.db.execute(
                "INSERT INTO files (path, size, mtime_ns, status, changed, due, first_seen, updated)"
                " VALUES (?, ?, ?, 'seen', ?, ?, ?, ?)", (to_db(path), size, mtime_ns, now, now + settle, now, now))
            return self.active(path)
        if row.status == "seen" and (row.size, row.mtime_ns) != (size, mtime_ns):
            self.db.execute("UPDATE files SET size = ?, mtime_ns = ?, changed = ?, due = ?, updated = ?"
                            " WHERE id = ?", (size, mtime_ns, now, now + settle, now, row.id))
            return self.active(path)
        return row

    def forget(self, path: str, now: float) -> int:
        """The file (or folder) at ``path`` is gone before it was taken: its active rows become ``gone``."""
        prefix = os.fsencode(path) + b"/"   # compared as bytes: TEXT and BLOB rows alike
        cur = self.db.execute(
            "UPDATE files SET status = 'gone', updated = ? WHERE status IN ('seen', 'scanning')"
            " AND (path = ? OR substr(CAST(path AS BLOB), 1, ?) = ?)",
            (now, to_db(path), len(prefix), prefix))
        return cur.rowcount

    def update(self, row_id: int, now: float, **fields: Any) -> None:
        if "status" in fields and fields["status"] not in STATUSES:
            raise ValueError(fields["status"])
        if "target" in fields:
            fields["target"] = to_db(fields["target"])
        if isinstance(fields.get("result"), str):
            fields["result"] = text_for_db(fields["result"])
        names = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(f"UPDATE files SET {names}, updated = ? WHERE id = ?", (*fields.values(), now, row_id))

    def prune(self, now: float) -> None:
        self.db.execute("DELETE FROM files WHERE status = 'gone' AND updated < ?", (now - GONE_KEPT_SECONDS,))
