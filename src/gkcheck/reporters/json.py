"""The JSON report: the contract other programs build on (see docs/json-report.md)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..model import REPORT_SCHEMA_VERSION, Finding, Report
from . import iter_json

# A file name that is not valid UTF-8 reaches us with lone surrogates (os.fsdecode). They are
# written as JSON escapes ("\udcd6"), so the report stays valid UTF-8 and a program that
# decodes it gets the exact name back (os.fsencode).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def chunks(report: Report, **_: object) -> Iterator[str]:
    """The report as pieces of text; the findings are turned into dicts one at a time, so a
    report of 300,000 findings is never a 300,000-dict tree in memory. Same text as
    ``Report.to_dict()`` dumped with findings one per line."""
    files = [{**f.to_dict(findings=False), "findings": map(Finding.to_dict, f.findings)}
             for f in report.files]
    doc: dict[str, Any] = {"schema_version": REPORT_SCHEMA_VERSION,
                           "tool": {"name": "gkcheck", "version": report.version},
                           "files": files, "summary": report.summary()}
    for piece in iter_json(doc, frozenset({"findings"})):
        yield _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", piece)
    yield "\n"


def render(report: Report, **_: object) -> str:
    return "".join(chunks(report))
