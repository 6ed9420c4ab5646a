"""The ledger's storage: SQLite (default) or PostgreSQL (psycopg 3), one schema, DB-API directly.

The dialect layer is small: the parameter style (``?`` in the SQL here, ``%s`` for psycopg), the
auto-increment column type, how a write transaction starts (SQLite ``BEGIN IMMEDIATE``; on
PostgreSQL a transaction-wide advisory lock, so writers queue exactly as they do on SQLite) and
how the database is opened. Upserts use ``INSERT ... ON CONFLICT ... DO UPDATE``, which both
understand.

Migrations are numbered lists of statements; opening a ledger applies the missing ones in one
transaction (``schema_migrations`` records them), so every version of gkcheck finds the schema
it expects.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..model import GkcheckError

LOCK_ID = 0x676B6C6564676572 & 0x7FFFFFFFFFFFFFFF     # "gkledger": the writers' advisory lock

MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, (
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE scans (
            id {serial}, started TEXT NOT NULL, scan_date TEXT NOT NULL, source TEXT NOT NULL,
            root TEXT, tool_version TEXT NOT NULL, rules_version TEXT NOT NULL, publish_date TEXT,
            user_name TEXT, gate INTEGER NOT NULL DEFAULT 0, files INTEGER NOT NULL DEFAULT 0,
            findings INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE documents (
            doc TEXT PRIMARY KEY, root TEXT, first_date TEXT NOT NULL, last_date TEXT NOT NULL,
            last_scan INTEGER NOT NULL, status TEXT NOT NULL, gone_date TEXT)""",
        """CREATE TABLE findings (
            fp TEXT PRIMARY KEY, doc TEXT NOT NULL, rule TEXT NOT NULL, name TEXT NOT NULL,
            category TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL,
            shown TEXT NOT NULL, suggestion TEXT, location TEXT NOT NULL,
            state TEXT NOT NULL, known INTEGER NOT NULL DEFAULT 0,
            first_date TEXT NOT NULL, last_date TEXT NOT NULL, fixed_date TEXT,
            first_scan INTEGER NOT NULL, last_scan INTEGER NOT NULL,
            mark TEXT, mark_reason TEXT, mark_user TEXT, mark_time TEXT)""",
        "CREATE INDEX findings_doc ON findings (doc)",
        "CREATE INDEX findings_state ON findings (state)",
        """CREATE TABLE events (
            id {serial}, fp TEXT NOT NULL, scan INTEGER, day TEXT NOT NULL, state TEXT NOT NULL,
            detail TEXT)""",
        "CREATE INDEX events_fp ON events (fp)",
    )),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class Dialect:
    name: str
    serial: str
    param: str

    def sql(self, text: str) -> str:
        return text if self.param == "?" else text.replace("?", self.param)


SQLITE = Dialect("sqlite", "INTEGER PRIMARY KEY AUTOINCREMENT", "?")
POSTGRES = Dialect("postgresql", "BIGSERIAL PRIMARY KEY", "%s")


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def now_text() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


class Store:
    """One connection to a ledger database; :meth:`write` and :meth:`read` are transactions."""

    def __init__(self, target: str):
        self.target = target
        if is_postgres(target):
            self.dialect = POSTGRES
            try:
                import psycopg
            except ImportError:
                raise GkcheckError("PostgreSQL 台账需要 psycopg：pip install 'gkcheck[ledger-pg]'") from None
            try:
                self.conn: Any = psycopg.connect(target, autocommit=False)
            except psycopg.Error as exc:
                raise GkcheckError(f"无法连接台账数据库：{exc}") from None
        else:
            self.dialect = SQLITE
            path = Path(target)
            if path.parent and not path.parent.is_dir():
                raise GkcheckError(f"台账所在目录不存在：{path.parent}")
            try:
                self.conn = sqlite3.connect(target, isolation_level=None, timeout=120,
                                            check_same_thread=False)
                self.conn.execute("PRAGMA busy_timeout = 120000")
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = FULL")
            except sqlite3.Error as exc:
                raise GkcheckError(f"无法打开台账 {target}：{exc}") from None
            try:
                os.chmod(target, 0o600)      # the ledger holds no personal data, but it is an office's record
            except OSError:
                pass
        self.migrate()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator["Tx"]:
        """One write transaction; nothing of it is kept unless the block ends normally."""
        cur = self.conn.cursor()
        if self.dialect is SQLITE:
            cur.execute("BEGIN IMMEDIATE")
        else:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
        try:
            yield Tx(cur, self.dialect)
        except BaseException:
            self.conn.rollback() if self.dialect is POSTGRES else cur.execute("ROLLBACK")
            raise
        if self.dialect is SQLITE:
            cur.execute("COMMIT")
        else:
            self.conn.commit()

    @contextmanager
    def read(self) -> Iterator["Tx"]:
        cur = self.conn.cursor()
        if self.dialect is SQLITE:
            cur.execute("BEGIN")
        try:
            yield Tx(cur, self.dialect)
        finally:
            if self.dialect is SQLITE:
                cur.execute("COMMIT")
            else:
                self.conn.rollback()

    def migrate(self) -> None:
        with self.write() as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                       "applied TEXT NOT NULL)")
            done = {row[0] for row in tx.all("SELECT version FROM schema_migrations")}
            if done and max(done) > SCHEMA_VERSION:
                raise GkcheckError(f"台账的结构版本 {max(done)} 比本版 gkcheck 支持的 {SCHEMA_VERSION} 新，请升级 gkcheck")
            for version, statements in MIGRATIONS:
                if version in done:
                    continue
                for statement in statements:
                    tx.execute(statement.format(serial=self.dialect.serial))
                tx.execute("INSERT INTO schema_migrations (version, applied) VALUES (?, ?)",
                           (version, now_text()))


class Tx:
    """A cursor inside a transaction, speaking ``?`` parameters on both databases."""

    def __init__(self, cur: Any, dialect: Dialect):
        self.cur, self.dialect = cur, dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.cur.execute(self.dialect.sql(sql), tuple(params))
        return self.cur

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cur.executemany(self.dialect.sql(sql), [tuple(r) for r in rows])

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        return self.execute(sql, params).fetchone()

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT into a table with an ``id`` column and return the new id."""
        if self.dialect is POSTGRES:
            return int(self.execute(sql + " RETURNING id", params).fetchone()[0])
        return int(self.execute(sql, params).lastrowid)
