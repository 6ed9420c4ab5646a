"""Reporters render a :class:`~gkcheck.model.Report`; they know nothing about files or rules.

``REPORTERS`` maps a ``--format`` name to ``module:function``; the function takes the report
and keyword options it may ignore, and returns ``str`` (text formats) or ``bytes`` (the formats
in ``BINARY_FORMATS``, which need ``--output``). Each is imported only when asked for.

Everything a person reads masks personal data (category ``privacy``): :func:`shown_match` and
:func:`shown_context`, given the file's :func:`private_values`, also mask a value that another
finding's context happens to include, whole or cut off by the context window. Only the JSON
report keeps ``match`` whole.
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable, Iterable

from ..model import CATEGORY_NAMES, SEVERITY_NAMES, FileResult, Finding, Report  # noqa: F401 (re-exported)

REPORTERS: dict[str, str] = {
    "text": "gkcheck.reporters.text:render",
    "json": "gkcheck.reporters.json:render",
    "sarif": "gkcheck.reporters.sarif:render",
    "junit": "gkcheck.reporters.junit:render",
    "html": "gkcheck.reporters.html:render",
    "xlsx": "gkcheck.reporters.xlsx:render",
}
BINARY_FORMATS = frozenset({"xlsx"})


# a personal-data value cut by the context window is masked when at least this much of it shows
MIN_PIECE = 4

Renderer = Callable[..., "str | bytes"]


def renderer(name: str) -> Renderer:
    module, _, attr = REPORTERS[name].partition(":")
    return getattr(import_module(module), attr)


def render(report: Report, name: str, **options: object) -> str | bytes:
    return renderer(name)(report, **options)


def private_values(result: FileResult | Iterable[Finding]) -> tuple[str, ...]:
    """The personal data found in one file, longest first: what no context may show whole."""
    findings = result.findings if isinstance(result, FileResult) else result
    values = {f.match for f in findings if f.category == "privacy" and len(f.match) >= MIN_PIECE}
    return tuple(sorted(values, key=lambda v: (-len(v), v)))


def shown_match(finding: Finding, private: tuple[str, ...] = ()) -> str:
    """The matched text as a person may see it: personal data masked (the JSON keeps it whole)."""
    if finding.category == "privacy":
        from ..masking import mask_value

        return mask_value(finding.match)
    return _mask_known(finding.match, private) if private else finding.match


def shown_context(finding: Finding, private: tuple[str, ...] = ()) -> str:
    """The context as a person may see it: the finding's own value and every value in
    ``private`` (see :func:`private_values`) masked, also where the window cuts one off."""
    context = finding.context
    if finding.category == "privacy" and finding.match:
        context = context.replace(finding.match, shown_match(finding))
    return _mask_known(context, private) if private else context


def printable(text: str) -> str:
    """``text`` that can be written as UTF-8: a file name that was not valid UTF-8 reaches us with
    lone surrogates (os.fsdecode); each becomes ``?``."""
    return text.encode("utf-8", "replace").decode("utf-8")


def one_line(finding: Finding, match: str) -> str:
    """Message, shown text and fix in one line: ``错别字：“截止目前” → 建议改为“截至目前”``."""
    text = finding.message
    if finding.suggestion:
        text += f"：“{match}” → 建议改为“{finding.suggestion}”"
    elif finding.suggestion == "":
        text += f"：“{match}” → 建议删除"
    elif match:
        text += f"：“{match}”"
    if finding.note:
        text += f"（{finding.note}）"
    return text


def _mask_known(text: str, private: tuple[str, ...]) -> str:
    from ..masking import mask_value

    for value in private:
        masked = mask_value(value)
        if value in text:
            text = text.replace(value, masked)
        for k in range(min(len(value), len(text)) - 1, MIN_PIECE - 1, -1):
            if text.startswith(value[-k:]):      # the window starts inside the value
                text = masked[-k:] + text[k:]
                break
        for k in range(min(len(value), len(text)) - 1, MIN_PIECE - 1, -1):
            if text.endswith(value[:k]):         # the window ends inside the value
                text = text[:-k] + masked[:k]
                break
    return text
