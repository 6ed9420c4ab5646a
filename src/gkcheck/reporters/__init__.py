"""Reporters render a :class:`~gkcheck.model.Report`; they know nothing about files or rules.

``REPORTERS`` maps a ``--format`` name to ``module:function``; the function takes the report
and returns ``str`` (text formats) or ``bytes`` (binary formats such as xlsx). Each is
imported only when asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable

from ..model import Finding, Report

REPORTERS: dict[str, str] = {
    "text": "gkcheck.reporters.text:render",
    "json": "gkcheck.reporters.json:render",
}

Renderer = Callable[..., "str | bytes"]


def renderer(name: str) -> Renderer:
    module, _, attr = REPORTERS[name].partition(":")
    return getattr(import_module(module), attr)


def render(report: Report, name: str, **options: object) -> str | bytes:
    return renderer(name)(report, **options)


def shown_match(finding: Finding) -> str:
    """The matched text as a person may see it: personal data masked (the JSON keeps it whole)."""
    if finding.category == "privacy":
        from ..masking import mask_value

        return mask_value(finding.match)
    return finding.match


def shown_context(finding: Finding) -> str:
    if finding.category == "privacy" and finding.match:
        return finding.context.replace(finding.match, shown_match(finding))
    return finding.context
