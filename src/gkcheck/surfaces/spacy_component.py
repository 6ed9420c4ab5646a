"""A spaCy pipeline component that puts gkcheck's findings on ``doc.spans["gkcheck"]``.

Optional extra: ``pip install 'gkcheck[spacy]'``. The factory is registered under the name
``gkcheck`` (also through the ``spacy_factories`` entry point, so no import is needed)::

    import spacy
    nlp = spacy.blank("zh")
    nlp.add_pipe("gkcheck", config={"select": ["typo", "privacy"]})
    doc = nlp("截止目前已完成。")
    [(span.text, span.label_, span._.gkcheck.suggestion) for span in doc.spans["gkcheck"]]
    # [('截止目前', 'T001', '截至目前')]

Each span's label is the rule code and ``span._.gkcheck`` is the :class:`~gkcheck.model.Finding`.
Findings that have no place in the text (a file-level fact) or whose place does not line up with
spaCy's tokens at all are kept in ``doc._.gkcheck_findings`` with all the others, so nothing is
dropped silently. The component checks ``doc.text`` as plain text; one :class:`Checker` is built
when the pipeline is created and shared by every call (it is thread-safe).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..checker import Checker
from ..config import Config, load_config_file
from ..model import Finding, Location, Offsets
from ..offsets import char_offsets

SPANS_KEY = "gkcheck"

# Everything is kept in ``doc.user_data`` as plain data, so ``doc.to_bytes()`` and ``DocBin``
# still work; the extensions turn it back into Finding objects on access.
_FINDINGS = ("gkcheck", "findings")   # user_data key: list of Finding.to_dict()
_PLACED = ("gkcheck", "placed")       # user_data key: [start_char, end_char, rule, index]

if not Doc.has_extension("gkcheck_findings"):
    Doc.set_extension("gkcheck_findings", getter=lambda doc: _findings_of(doc))
if not Span.has_extension("gkcheck"):
    Span.set_extension("gkcheck", getter=lambda span: _finding_of(span))


def _findings_of(doc: Doc) -> list[Finding]:
    return [_rebuilt(d) for d in doc.user_data.get(_FINDINGS, [])]


def _rebuilt(d: dict) -> Finding:
    """The Finding a ``Finding.to_dict()`` came from (``location.text`` is derived, not stored)."""
    location = Location(**{k: v for k, v in d["location"].items() if k != "text"})
    offsets = Offsets(**d["offsets"]) if d.get("offsets") else None
    return Finding(**{**d, "location": location, "offsets": offsets})


def _finding_of(span: Span) -> Finding | None:
    for start, end, rule, index in span.doc.user_data.get(_PLACED, []):
        if (start, end, rule) == (span.start_char, span.end_char, span.label_):
            d = span.doc.user_data[_FINDINGS][index]
            return _rebuilt(d)
    return None


class GkcheckComponent:
    """Checks ``doc.text`` and stores the findings as spans labelled with the rule code."""

    def __init__(self, checker: Checker, spans_key: str = SPANS_KEY,
                 publish_date: date | str | None = None):
        self.checker = checker
        self.spans_key = spans_key
        self.publish_date = publish_date

    def __call__(self, doc: Doc) -> Doc:
        findings = self.checker.check_text(doc.text, publish_date=self.publish_date)
        spans: list[Span] = []
        placed: list[list[Any]] = []
        for index, (finding, (start, end)) in enumerate(zip(findings, char_offsets(doc.text, findings))):
            if start is None:
                continue
            span = doc.char_span(start, end, label=finding.rule, alignment_mode="expand")
            if span is None:
                continue
            spans.append(span)
            placed.append([span.start_char, span.end_char, finding.rule, index])
        doc.spans[self.spans_key] = spans
        doc.user_data[_FINDINGS] = [f.to_dict() for f in findings]
        doc.user_data[_PLACED] = placed
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(
    "gkcheck",
    default_config={"select": [], "ignore": [], "config_file": None, "publish_date": None,
                    "spans_key": SPANS_KEY},
)
def make_component(nlp: Language, name: str, select: list[str], ignore: list[str],
                   config_file: str | None, publish_date: str | None,
                   spans_key: str) -> GkcheckComponent:
    """spaCy factory: ``nlp.add_pipe("gkcheck", config={...})``.

    ``config_file`` is a gkcheck.toml; ``select``/``ignore`` narrow its rules as on the command
    line; ``publish_date`` (YYYY-MM-DD) is the date the date rules compare against."""
    config: Config = load_config_file(Path(config_file)) if config_file else Config()
    changes: dict[str, Any] = {}
    if select:
        changes["select"] = tuple(select)
    if ignore:
        changes["ignore"] = (*config.ignore, *ignore)
    return GkcheckComponent(Checker(config.with_overrides(**changes)), spans_key, publish_date)


__all__ = ["GkcheckComponent", "SPANS_KEY", "char_offsets", "make_component"]
