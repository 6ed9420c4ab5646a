"""整改台账: a ledger of findings across scans (docs/ledger.md).

>>> ledger = Ledger.open("gkcheck-ledger.db")             # or "postgresql://..."
>>> report = ledger.record_report(checker.scan(["site"]), roots=["site"])   # annotated copy
>>> ledger.open_findings("zwgk/tzgg/1.html")             # for a CMS page

The entry module stays light (the checker imports :mod:`.suppress` through it); the store,
fingerprints, lifecycle and reports are imported when a ledger is opened.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    from ..model import FileResult, Report

DEFAULT_NAME = "gkcheck-ledger.db"
KNOWN_STATES = frozenset({"known", "ignored"})   # what --new-only does not fail on


@dataclass(frozen=True)
class Entry:
    """One finding in the ledger, as lists and reports show it (never a personal value)."""

    fp: str
    doc: str
    rule: str
    name: str
    category: str
    severity: str
    message: str
    shown: str
    suggestion: str | None
    location: str
    state: str
    known: bool
    first_date: str
    last_date: str
    fixed_date: str | None
    mark: str | None
    mark_reason: str | None
    mark_user: str | None
    mark_time: str | None

    @property
    def shown_state(self) -> str:
        """The state a person reads: the mark wins while the finding is open."""
        from .lifecycle import OPEN_STATES, STATE_NAMES

        if self.mark and self.state in OPEN_STATES:
            return STATE_NAMES[self.mark]
        return STATE_NAMES[self.state]

    def to_dict(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in self.__dataclass_fields__}, "shown_state": self.shown_state}


ENTRY_COLUMNS = ", ".join(Entry.__dataclass_fields__)


def key_path_for(target: str) -> Path:
    """Where the HMAC key of a ledger lives: ``LEDGER.key`` beside a SQLite file; for PostgreSQL
    ``$GKCHECK_LEDGER_KEY`` or ``~/.config/gkcheck/ledger.key`` (copy it to every writer)."""
    from .store import is_postgres

    if os.environ.get("GKCHECK_LEDGER_KEY"):
        return Path(os.environ["GKCHECK_LEDGER_KEY"])
    if is_postgres(target):
        return Path.home() / ".config" / "gkcheck" / "ledger.key"
    return Path(str(target) + ".key")


class Ledger:
    """A ledger database plus its key. Safe to use from one thread at a time; open one per
    process or thread (the database does the locking between them)."""

    def __init__(self, target: str | os.PathLike[str], *, key_path: Path | None = None,
                 site_url: str | None = None, units: Sequence[tuple[str, str]] = ()):
        from ..model import GkcheckError
        from .fingerprint import key_check, load_key
        from .store import Store

        self.target = str(target)
        self.site_url = site_url
        self.units = tuple(units)
        self._rules_version: str | None = None
        self.key = load_key(key_path or key_path_for(self.target))
        self.store = Store(self.target)
        check = key_check(self.key)
        with self.store.write() as tx:
            row = tx.one("SELECT value FROM meta WHERE key = 'key_check'")
            if row is None:
                tx.execute("INSERT INTO meta (key, value) VALUES ('key_check', ?)", (check,))
        if row is not None and row[0] != check:
            self.store.close()
            raise GkcheckError(f"台账密钥与台账 {self.target} 不符（密钥文件：{key_path or key_path_for(self.target)}）："
                               "指纹会对不上，请用建立台账时的密钥")

    @classmethod
    def open(cls, target: str | os.PathLike[str], **kwargs: Any) -> "Ledger":
        return cls(target, **kwargs)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- recording ------------------------------------------------------------------------------

    def record_report(self, report: "Report", *, roots: Sequence[str | os.PathLike[str]] = (),
                      day: date | str | None = None, gate: bool = False, source: str = "scan",
                      publish_date: date | str | None = None, complete: bool | None = None) -> "Report":
        """Record a scan (one transaction) and return the report with each finding's
        ``fingerprint`` and ``ledger_state``. ``roots`` are the scanned paths: a document's
        identity is its path relative to the folder it was found in; a file given by itself is
        relative to the deepest folder an earlier scan of this ledger was rooted in that holds it
        (so the pre-commit hook's single files match the monthly scan of the whole site), else
        to the current folder. When every root is a folder
        (``complete``), a document the ledger knows under one of them that no longer exists on
        disk is 已删除/下线."""
        roots = [str(r) for r in roots]
        folders = [r for r in roots if os.path.isdir(r)]
        if complete is None:
            complete = bool(roots) and len(folders) == len(roots)
        documents, annotated_files = [], []
        known_roots: list[str] | None = None
        for result in report.files:
            root = _root_of(result.path, folders)
            if root is None:      # a file argument: relative to a folder scanned before, if any
                if known_roots is None:
                    with self.store.read() as tx:
                        known_roots = [r[0] for r in tx.all(
                            "SELECT DISTINCT root FROM documents WHERE root IS NOT NULL")]
                root = _root_of(result.path, known_roots)
            doc = self.identity(result.path, root)
            scan, fps = self._prepare(result, doc)
            documents.append((scan, root))
            annotated_files.append((result, fps))
        gone: list[str] = []
        prior = self._commit(documents, day, gate, source, ", ".join(roots) or None, publish_date,
                             report.version, len(report.files),
                             gone_check=[os.path.abspath(f) for f in folders] if complete else [],
                             gone_out=gone)
        files = tuple(_annotate(r, fps, prior) for r, fps in annotated_files)
        return replace(report, files=files)

    def record_result(self, result: "FileResult", doc: str | None = None, *, day: date | str | None = None,
                      gate: bool = False, source: str = "api") -> "FileResult":
        """Record the check of one document (a CMS page, a file through the upload gate) and
        return the result annotated. ``doc``: the document's identity (default: its path)."""
        from .._version import __version__

        doc = doc or self.identity(result.path, None)
        scan, fps = self._prepare(result, doc)
        prior = self._commit([(scan, None)], day, gate, source, None, None, __version__, 1)
        return _annotate(result, fps, prior)

    def baseline(self, report: "Report", *, roots: Sequence[str | os.PathLike[str]] = (),
                 day: date | str | None = None) -> "Report":
        """Accept the current state of a (legacy) site in one step: every finding becomes known,
        so ``--new-only`` fails only on what comes after."""
        return self.record_report(report, roots=roots, day=day, source="baseline")

    def import_report(self, data: dict[str, Any], *, root: str | None = None, day: date | str | None = None,
                      gate: bool = False) -> "Report":
        """Record a JSON report (``gkcheck scan --format json``, later Spark results): ``root``
        is stripped from its paths."""
        from ..model import FileResult, Finding, Location, Report

        files = []
        for f in data.get("files", []):
            findings = tuple(Finding(x["rule"], x["name"], x["category"], x["severity"], x["message"],
                                     x["match"], x.get("suggestion"), Location(**x["location"]),
                                     x.get("context", ""), x.get("note"), advice=x.get("advice"),
                                     cells=tuple(x["cells"]) if x.get("cells") is not None else None,
                                     offsets=x.get("offsets"))
                             for x in f.get("findings", []))
            files.append(FileResult(f["path"], f.get("type"), f["status"], f.get("error"), findings,
                                    f.get("encoding"), int(f.get("suppressed", 0))))
        report = Report(tuple(files), data.get("tool", {}).get("version", "?"))
        if root is not None:
            report = replace(report, files=tuple(replace(r, path=os.path.relpath(r.path, root)) for r in report.files))
        return self.record_report(report, day=day, gate=gate, source="import", complete=False)

    def identity(self, path: str, root: str | None) -> str:
        from .fingerprint import document_identity

        return document_identity(path, root, self.site_url)

    def _prepare(self, result: "FileResult", doc: str):  # type: ignore[no-untyped-def]
        from ..reporters import private_values, shown_match
        from .fingerprint import fingerprints
        from .lifecycle import DocumentScan, Observation

        if result.status != "ok":
            return DocumentScan(doc, False), []
        private = private_values(result)
        fps = fingerprints(self.key, doc, result.findings)
        observations = tuple(
            Observation(fp, f.rule, f.name, f.category, f.severity, private.mask(f.message),
                        shown_match(f, private),
                        private.mask(f.suggestion) if f.suggestion else f.suggestion,
                        f.location.describe())
            for fp, f in zip(fps, result.findings))
        return DocumentScan(doc, True, observations), fps

    def _commit(self, documents: list, day: date | str | None, gate: bool, source: str,  # type: ignore[type-arg]
                root: str | None, publish_date: date | str | None, version: str, files: int,
                gone_check: Sequence[str] = (), gone_out: list[str] | None = None) -> dict[str, str]:
        from .lifecycle import record
        from .store import now_text

        day_text = str(day or date.today())
        if self._rules_version is None:
            self._rules_version = _rules_version()
        rules_version = self._rules_version
        with self.store.write() as tx:
            scan_id = tx.insert_id(
                "INSERT INTO scans (started, scan_date, source, root, tool_version, rules_version, "
                "publish_date, user_name, gate, files, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now_text(), day_text, source, root, version, rules_version,
                 str(publish_date) if publish_date else None, _user(), 1 if gate else 0, files,
                 sum(len(d.observations) for d, _ in documents)))
            prior: dict[str, str] = {}
            by_root: dict[str | None, list] = {}  # type: ignore[type-arg]
            for scan, r in documents:
                by_root.setdefault(r, []).append(scan)
            for r, scans in by_root.items():
                prior.update(record(tx, scan_id, day_text, scans, gate=gate,
                                    root=os.path.abspath(r) if r else None))
            if gone_check:
                seen = {d.doc for d, _ in documents}
                marks = ",".join("?" * len(gone_check))
                for doc, r in tx.all(f"SELECT doc, root FROM documents WHERE status = 'present' "
                                     f"AND root IN ({marks})", tuple(gone_check)):
                    if doc not in seen and not os.path.exists(os.path.join(r, self._relative(doc))):
                        if gone_out is not None:
                            gone_out.append(doc)
                record(tx, scan_id, day_text, [], gate=gate, gone=gone_out or ())
        return prior

    def _relative(self, doc: str) -> str:
        if self.site_url and doc.startswith(self.site_url.rstrip("/") + "/"):
            return doc[len(self.site_url.rstrip("/")) + 1:]
        return doc

    # -- marks ------------------------------------------------------------------------------------

    def resolve(self, prefixes: Iterable[str]) -> list[str]:
        """Full fingerprints for the given ones or unique prefixes of at least 6 characters."""
        from ..model import GkcheckError

        out = []
        with self.store.read() as tx:
            for p in prefixes:
                p = p.strip().lower()
                ok = len(p) >= 6 and all(c in "0123456789abcdef" for c in p)
                rows = [r[0] for r in tx.all("SELECT fp FROM findings WHERE fp LIKE ?", (p + "%",))] if ok else []
                if len(rows) != 1:
                    raise GkcheckError(f"台账中{'没有' if not rows else '有多条'}指纹为 {p} 的问题")
                out.append(rows[0])
        return out

    def ignore(self, fps: Iterable[str], reason: str, *, user: str | None = None,
               false_positive: bool = False, day: date | str | None = None) -> int:
        """Mark findings 已忽略 (or 误报) with a reason, the time and the user's name."""
        from .lifecycle import mark
        from .store import now_text

        fps = self.resolve(fps)
        with self.store.write() as tx:
            return mark(tx, fps, "false_positive" if false_positive else "ignored", reason,
                        user or _user(), now_text(), str(day or date.today()))

    def unignore(self, fps: Iterable[str], *, day: date | str | None = None) -> None:
        from .lifecycle import unmark

        fps = self.resolve(fps)
        with self.store.write() as tx:
            unmark(tx, fps, str(day or date.today()))

    # -- reading ------------------------------------------------------------------------------------

    def findings(self, *, doc: str | None = None, states: Iterable[str] = (), prefix: str | None = None) -> list[Entry]:
        sql, params = f"SELECT {ENTRY_COLUMNS} FROM findings WHERE 1 = 1", []
        if doc is not None:
            sql += " AND doc = ?"
            params.append(doc)
        if prefix:      # a plain prefix: the user's % and _ are not wildcards
            sql += " AND doc LIKE ? ESCAPE '\\'"
            params.append(prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        states = list(states)
        if states:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            params.extend(states)
        with self.store.read() as tx:
            rows = tx.all(sql + " ORDER BY doc, first_date, fp", params)
        return [_entry(r) for r in rows]

    def open_findings(self, doc: str) -> list[Entry]:
        """A page's findings that are still open (新发现/未整改/重新出现), marks included."""
        return self.findings(doc=doc, states=("new", "open", "reopened"))

    def get(self, fp: str) -> tuple[Entry, list[tuple[str, str, str | None]]]:
        """One finding and its history ``(day, state, detail)``."""
        (full,) = self.resolve([fp])
        with self.store.read() as tx:
            row = tx.one(f"SELECT {ENTRY_COLUMNS} FROM findings WHERE fp = ?", (full,))
            events = tx.all("SELECT day, state, detail FROM events WHERE fp = ? ORDER BY day, id", (full,))
        return _entry(row), [tuple(e) for e in events]  # type: ignore[arg-type]

    def scans(self) -> list[dict[str, Any]]:
        cols = ("id", "started", "scan_date", "source", "root", "tool_version", "rules_version",
                "publish_date", "user_name", "gate", "files", "findings")
        with self.store.read() as tx:
            return [dict(zip(cols, r)) for r in tx.all(f"SELECT {', '.join(cols)} FROM scans ORDER BY id")]

    def unit_of(self, doc: str) -> str:
        from ..config import unit_for      # the same longest-prefix rule as the 整改清单's 责任单位

        return unit_for(self.units, doc) or self.site_url or "未归属单位"

    def month(self, month: str):  # type: ignore[no-untyped-def]
        """The monthly table (reports.MonthTable) for ``YYYY-MM``."""
        from .reports import month_table

        return month_table(self, month)


def _entry(row: Sequence[Any]) -> Entry:
    values = list(row)
    values[11] = bool(values[11])
    return Entry(*values)


def _root_of(path: str, folders: Sequence[str]) -> str | None:
    """The scanned folder ``path`` was found in (the deepest one), or None for a file argument."""
    a = os.path.abspath(path)
    best = None
    for f in folders:
        fa = os.path.abspath(f)
        if a.startswith(fa.rstrip(os.sep) + os.sep) and (best is None or len(fa) > len(os.path.abspath(best))):
            best = f
    return best


def _annotate(result: "FileResult", fps: Sequence[str], prior: dict[str, str]) -> "FileResult":
    """The result with each finding's fingerprint and ledger state. Findings are built
    positionally (the model's field order): dataclasses.replace cost more than the database."""
    from ..model import Finding

    if not result.findings:
        return result
    return replace(result, findings=tuple(
        Finding(f.rule, f.name, f.category, f.severity, f.message, f.match, f.suggestion, f.location,
                f.context, f.note, f.advice, fp, prior.get(fp, "new"), f.cells, f.offsets)
        for f, fp in zip(result.findings, fps)))


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 (no name in a container without a passwd entry)
        return str(os.getuid())


def _rules_version() -> str:
    """A short digest of the rule data, so a scan records which rules it ran."""
    import hashlib

    from ..resources import data_dir

    digest = hashlib.sha256()
    for folder in ("rules", "dictionaries"):       # ~0.5 MB, read once per recorded scan
        base = data_dir(folder)
        for p in sorted(Path(base).glob("*")):
            if p.is_file():
                digest.update(p.name.encode() + p.read_bytes())
    return digest.hexdigest()[:12]


__all__ = ["Entry", "Ledger", "KNOWN_STATES", "key_path_for"]
