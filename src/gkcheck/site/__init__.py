"""Whole-site checks (``gkcheck site``): stale and blank columns, home page age, veto counts,
undated/future/duplicate items, broken internal links, message statistics (docs/site.md).

Entry points: :func:`run` (audit a mirror or a CMS export into a report dict), :func:`init_columns`
(the columns.toml draft), :func:`run_example` (a rule example in rules/site.toml), and the
renderers in :mod:`.report`. Nothing here imports click.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .._version import __version__
from ..model import GkcheckError
from .audit import SiteFinding, audit
from .columns import dump, load
from .export import FILES, from_dir, from_tables, parse_bundle, read_messages
from .mirror import from_mirror
from .thresholds import Thresholds, load_thresholds

__all__ = ["run", "init_columns", "run_example", "load_thresholds", "SiteFinding"]


def _is_export(root: Path) -> bool:
    return root.is_dir() and any((root / f).exists() for f in FILES[:2])


def run(root: Path, as_of: date, *, columns_path: Path | None = None, thresholds_path: Path | None = None,
        messages_path: Path | None = None) -> dict[str, Any]:
    th = load_thresholds(thresholds_path)
    cols = load(columns_path, th) if columns_path else None
    inv = from_dir(root, th, cols) if _is_export(root) else from_mirror(root, th, cols)
    if inv.input == "mirror" and inv.pages_total == 0:  # fail closed: nothing read is not "正常"
        raise GkcheckError(f"{root} 中没有 HTML 页面，也没有 CMS 导出（articles.csv、columns.csv），无法检查")
    if messages_path is not None:
        inv.messages = read_messages(messages_path)
    result = audit(inv, as_of, th)
    return {"tool": {"name": "gkcheck", "version": __version__, "command": "site"},
            "root": root.name, **result}


def init_columns(root: Path, thresholds_path: Path | None = None) -> str:
    th = load_thresholds(thresholds_path)
    inv = from_dir(root, th) if _is_export(root) else from_mirror(root, th)
    return dump(inv.columns, th, f"gkcheck site --init-columns 从 {root.name} 推断的栏目表草稿，共 {len(inv.columns)} 个栏目") + "\n"


def run_example(text: str, as_of: date | str) -> list[SiteFinding]:
    """Findings of a site rule example (a CMS export written as one text, see docs/site.md)."""
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
    th = load_thresholds()
    result = audit(from_tables(parse_bundle(text), th), day, th)
    return [SiteFinding(**f) for f in result["findings"]]


def page_checks(root: Path, publish_date: date | None = None) -> dict[str, Any]:
    """--with-page-checks: every page rule over the mirror's pages, as counts (the full list is `gkcheck scan`)."""
    from ..checker import Checker

    report = Checker().scan([root], publish_date=publish_date)
    by_rule: dict[str, int] = {}
    sev = {"error": 0, "warning": 0, "info": 0}
    for f in report.files:
        for x in f.findings:
            by_rule[x.rule] = by_rule.get(x.rule, 0) + 1
            sev[x.severity] += 1
    return {"files": len(report.files), "files_failed": sum(1 for f in report.files if f.status == "error"),
            "by_severity": sev, "by_rule": dict(sorted(by_rule.items()))}
