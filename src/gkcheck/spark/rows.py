"""The findings table: one row per finding with the JSON report's fields as columns.

A file without findings (clean, or not checked) is one row whose finding columns are null, so
every input file is in the table; a file the folder walk of ``gkcheck scan`` passes over has
``status = "skipped"`` and the kind in ``skipped`` (``images``, ``other``, ``hidden``,
``excluded``). ``index`` numbers a file's findings in report order, which makes the table
sortable back into exactly the JSON report. The main fields and the location fields are columns
of their own (``line``, ``column``, ``sheet`` ...) for queries, and ``finding`` keeps the whole
finding as the JSON report writes it, so fields added to the report are never lost on the way.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, Iterable, Iterator

from ..model import _LOCATION_FIELDS, FileResult, Location

FILE_FIELDS = (("path", "string"), ("status", "string"), ("error", "string"), ("type", "string"),
               ("encoding", "string"), ("suppressed", "int"), ("skipped", "string"))
FINDING_FIELDS = (("index", "int"), ("rule", "string"), ("name", "string"), ("category", "string"),
                  ("severity", "string"), ("message", "string"), ("match", "string"),
                  ("suggestion", "string"), ("advice", "string"))
TAIL_FIELDS = (("context", "string"), ("note", "string"), ("finding", "string"))


def _location_fields() -> tuple[tuple[str, str], ...]:
    out = []
    for f in fields(Location):
        if f.name not in _LOCATION_FIELDS:   # block/quote: in ``location.text`` of the JSON column
            continue
        kind = ("int" if str(f.type).startswith("int") else "double" if str(f.type).startswith("float")
                else "string")
        out.append((f.name, kind))
    return tuple(out)


LOCATION_FIELDS = _location_fields()
ARROW_FIELDS: tuple[tuple[str, str], ...] = (*FILE_FIELDS, *FINDING_FIELDS, *LOCATION_FIELDS, *TAIL_FIELDS)
COLUMNS = tuple(name for name, _ in ARROW_FIELDS)


def spark_schema_ddl() -> str:
    """The output schema as Spark DDL (``path string, status string, ...``)."""
    kinds = {"string": "string", "int": "bigint", "double": "double"}
    return ", ".join(f"`{name}` {kinds[kind]}" for name, kind in ARROW_FIELDS)


def arrow_schema() -> Any:
    import pyarrow as pa

    kinds = {"string": pa.string(), "int": pa.int64(), "double": pa.float64()}
    return pa.schema([(name, kinds[kind]) for name, kind in ARROW_FIELDS])


def file_rows(result: FileResult) -> Iterator[dict[str, Any]]:
    """The rows of one checked file, in the JSON report's order."""
    base = {"path": result.path, "status": result.status, "error": result.error, "type": result.type,
            "encoding": result.encoding, "suppressed": result.suppressed}
    if not result.findings:
        yield {**base}
        return
    for i, f in enumerate(result.findings):
        loc = f.location.to_dict()
        yield {**base, "index": i, "rule": f.rule, "name": f.name, "category": f.category,
               "severity": f.severity, "message": f.message, "match": f.match, "suggestion": f.suggestion,
               "advice": f.advice, **{name: loc.get(name) for name, _ in LOCATION_FIELDS},
               "context": f.context, "note": f.note,
               "finding": json.dumps(f.to_dict(), ensure_ascii=False)}


def skipped_row(path: str, kind: str) -> dict[str, Any]:
    """The row of a file the folder walk passes over (counted, never checked)."""
    return {"path": path, "status": "skipped", "skipped": kind}


def to_batch(rows: Iterable[dict[str, Any]]) -> Any:
    """An Arrow record batch of rows (columns in :data:`COLUMNS` order; missing values null)."""
    import pyarrow as pa

    rows = list(rows)
    columns = {name: [r.get(name) for r in rows] for name in COLUMNS}
    return pa.RecordBatch.from_pydict(columns, schema=arrow_schema())


def report_files(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows (any order) back into the JSON report's ``files`` list: files sorted by path, findings
    by ``index``, each finding exactly as the report writes it. Skipped files are left out (they
    are counted by :func:`skipped_counts`). Used by ``gkcheck spark-scan --format json`` and the tests."""
    files: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r.get("status") == "skipped":
            continue
        entry = files.setdefault(r["path"], {"path": r["path"], "type": r["type"], "status": r["status"],
                                              "error": r["error"], "encoding": r["encoding"],
                                              "suppressed": r.get("suppressed") or 0, "findings": []})
        if r.get("rule") is None:
            continue
        entry["findings"].append((r["index"], json.loads(r["finding"])))
    out = []
    for path in sorted(files):
        entry = files[path]
        entry["findings"] = [f for _, f in sorted(entry["findings"], key=lambda item: item[0])]
        out.append(entry)
    return out


def skipped_counts(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """What the walk passed over, by kind, as the JSON report's ``summary.skipped``."""
    from ..model import SKIP_KINDS

    counts = {k: 0 for k in SKIP_KINDS}
    for r in rows:
        if r.get("status") == "skipped" and r.get("skipped") in counts:
            counts[r["skipped"]] += 1
    return counts
