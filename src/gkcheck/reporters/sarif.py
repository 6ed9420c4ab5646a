"""SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps, VS Code's SARIF viewer).

One result per finding, the rule table as ``tool.driver.rules``, and a file that could not be
checked as a tool execution notification (the run is then not ``executionSuccessful``).
Columns count characters (``columnKind: unicodeCodePoints``), as gkcheck's locations do. A
finding in a DOCX paragraph, a spreadsheet cell or a PDF page has no line; its place is in the
location's ``message`` (``名单!C12``) and ``properties`` (``sheet``, ``cell``, ``page`` ...).
Personal data is masked like in every report a person reads.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..model import FileResult, Finding, Location, Report
from ..rules import Rule, load_rules
from . import CATEGORY_NAMES, one_line, printable, private_values, readable_json, shown_context, shown_match

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
BASE_ID = "SRCROOT"
PLAIN_PARTS = ("body", "text")   # the main text: Location.describe leaves these out too


def render(report: Report, *, base: str | os.PathLike[str] | None = None, **_: object) -> str:
    """``base``: the folder file URIs are made relative to (default: the current folder); a
    file outside it gets an absolute ``file:`` URI."""
    root = Path(base or os.getcwd()).resolve()
    rules = load_rules()
    index = {code: i for i, code in enumerate(rules)}
    uris = [_uri(result.path, root) for result in report.files]
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for artifact, (result, uri) in enumerate(zip(report.files, uris)):
        if result.status == "error":
            notifications.append(_notification(result, uri, artifact))
            continue
        private = private_values(result)
        for finding in result.findings:
            results.append(_result(finding, uri, artifact, index.get(finding.rule), private))
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "gkcheck", "version": report.version, "semanticVersion": report.version,
            "rules": [_rule(rule) for rule in rules.values()]}},
        "invocations": [{"executionSuccessful": not notifications,
                         "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {BASE_ID: {"uri": root.as_uri() + "/"}},
        "artifacts": [_artifact(result, uri) for result, uri in zip(report.files, uris)],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "language": "zh-CN",
    }
    sarif = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return printable(readable_json(sarif, frozenset({"results", "rules", "artifacts"}))) + "\n"


def _uri(path: str, root: Path) -> dict[str, str]:
    """An artifactLocation: relative to ``root`` (with ``uriBaseId``) when the file is inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": "file://" + quote(absolute.as_posix(), safe="/", errors="surrogateescape")}
    # surrogateescape: a file name that is not UTF-8 keeps its own bytes, percent-encoded
    return {"uri": quote(relative.as_posix(), safe="/", errors="surrogateescape"), "uriBaseId": BASE_ID}


def _artifact(result: FileResult, uri: dict[str, str]) -> dict[str, Any]:
    artifact: dict[str, Any] = {"location": dict(uri), "roles": ["analysisTarget"]}
    if result.encoding:
        artifact["encoding"] = result.encoding
    if result.type:
        artifact["properties"] = {"type": result.type}
    return artifact


def _notification(result: FileResult, uri: dict[str, str], artifact: int) -> dict[str, Any]:
    return {"level": "error", "message": {"text": f"无法检查：{result.error}"},
            "locations": [{"physicalLocation": {"artifactLocation": {**uri, "index": artifact}}}],
            "properties": {"path": result.path}}


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": rule.summary.strip()},
        "help": {"text": rule.fix.strip(), "markdown": rule.doc_markdown()},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"category": rule.category, "categoryName": CATEGORY_NAMES[rule.category],
                       "tags": [rule.category]},
    }


def _result(f: Finding, uri: dict[str, str], artifact: int, rule_index: int | None,
            private: tuple[str, ...]) -> dict[str, Any]:
    match, context = shown_match(f, private), shown_context(f, private)
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": LEVEL[f.severity],
        "kind": "fail",
        "message": {"text": one_line(f, match)},
        "locations": [_location(f.location, uri, artifact)],
        "partialFingerprints": {"gkcheckFinding/v1": _fingerprint(f, uri["uri"], match, context)},
        "properties": {"category": f.category, "categoryName": CATEGORY_NAMES[f.category],
                       "name": f.name, "match": match, "context": context},
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    if f.suggestion is not None:
        result["properties"]["suggestion"] = f.suggestion
    elif f.advice:
        result["properties"]["advice"] = f.advice
    if f.note:
        result["properties"]["note"] = f.note
    if f.cells is not None:   # a folded list column (docs/privacy.md): every cell it stands for
        result["properties"]["cells"] = list(f.cells)
    if f.fingerprint:   # scanned with a ledger (docs/ledger.md): SARIF's own baseline fields
        result["partialFingerprints"]["gkcheckLedger/v1"] = f.fingerprint
        result["baselineState"] = "unchanged" if f.ledger_state in ("known", "ignored") else "new"
        if f.ledger_state == "ignored":
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": "gkcheck ledger ignore"}]
    return result


def _location(loc: Location, uri: dict[str, str], artifact: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {**uri, "index": artifact}}
    if loc.line is not None:
        physical["region"] = {"startLine": loc.line, "startColumn": loc.column or 1}
    location: dict[str, Any] = {"physicalLocation": physical,
                                "message": {"text": loc.describe()}}
    where = {k: v for k, v in loc.to_dict().items()
             if v is not None and k != "text" and not (k == "part" and v in PLAIN_PARTS)}
    if set(where) - {"line", "column"}:
        # a place a line number does not express: a cell, a page, a paragraph of a part
        location["logicalLocations"] = [{"fullyQualifiedName": loc.describe()}]
        location["properties"] = where
    return location


def _fingerprint(f: Finding, uri: str, match: str, context: str) -> str:
    """Stable when lines move (detect-secrets' baseline idea); built from shown text only."""
    key = "\0".join((f.rule, uri, match, context))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
