"""The findings table: one row per finding with the JSON report's fields as columns.

A file without findings (clean, or not checked) is one row whose finding columns are null, so
every input file is in the table. ``index`` numbers a file's findings in report order, which
makes the table sortable back into exactly the JSON report. Location fields are columns of
their own (``line``, ``column``, ``sheet`` ...), and ``location`` keeps the whole location as
JSON so fields added to the report later are not lost on the way.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, Iterable, Iterator

from ..model import FileResult, Location

FILE_FIELDS = (("path", "string"), ("status", "string"), ("error", "string"), ("type", "string"),
               ("encoding", "string"))
FINDING_FIELDS = (("index", "int"), ("rule", "string"), ("name", "string"), ("category", "string"),
                  ("severity", "string"), ("message", "string"), ("match", "string"),
                  ("suggestion", "string"))
TAIL_FIELDS = (("context", "string"), ("note", "string"), ("location", "string"))


def _location_fields() -> tuple[tuple[str, str], ...]:
    out = []
    for f in fields(Location):
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
            "encoding": result.encoding}
    if not result.findings:
        yield {**base}
        return
    for i, f in enumerate(result.findings):
        loc = f.location.to_dict()
        yield {**base, "index": i, "rule": f.rule, "name": f.name, "category": f.category,
               "severity": f.severity, "message": f.message, "match": f.match, "suggestion": f.suggestion,
               **{name: loc.get(name) for name, _ in LOCATION_FIELDS},
               "context": f.context, "note": f.note,
               "location": json.dumps(loc, ensure_ascii=False, sort_keys=True)}


def to_batch(rows: Iterable[dict[str, Any]]) -> Any:
    """An Arrow record batch of rows (columns in :data:`COLUMNS` order; missing values null)."""
    import pyarrow as pa

    rows = list(rows)
    columns = {name: [r.get(name) for r in rows] for name in COLUMNS}
    return pa.RecordBatch.from_pydict(columns, schema=arrow_schema())


def report_files(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows (any order) back into the JSON report's ``files`` list: files sorted by path, findings
    by ``index``. Used by ``gkcheck spark-scan --format json`` and by the tests."""
    files: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = files.setdefault(r["path"], {"path": r["path"], "type": r["type"], "status": r["status"],
                                              "error": r["error"], "encoding": r["encoding"], "findings": []})
        if r.get("rule") is None:
            continue
        location = json.loads(r["location"]) if r.get("location") else {
            name: r.get(name) for name, _ in LOCATION_FIELDS}
        entry["findings"].append((r["index"], {
            "rule": r["rule"], "name": r["name"], "category": r["category"], "severity": r["severity"],
            "message": r["message"], "match": r["match"], "suggestion": r["suggestion"],
            "location": location, "context": r["context"], "note": r["note"]}))
    out = []
    for path in sorted(files):
        entry = files[path]
        entry["findings"] = [f for _, f in sorted(entry["findings"], key=lambda item: item[0])]
        out.append(entry)
    return out
