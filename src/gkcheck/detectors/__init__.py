"""The detector registry.

A detector turns a document's joined text into hits for its rules. It is built once per
:class:`~gkcheck.checker.Checker` by a factory ``factory(config, rules) -> detector`` and then
called for every document as ``detector.detect(view, ctx)``; it knows nothing about files,
reporting or other detectors. Built-in detectors register here by name (each rule's
``detector`` field names one); third-party ones through the ``gkcheck.detectors`` entry point
group. Modules are imported only when one of their rules is enabled.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Callable, Iterable, Protocol

from ..model import GkcheckError, Hit
from ..textview import Context, TextView

BUILTIN: dict[str, str] = {
    "dictionary": "gkcheck.detectors.dictionary:DictionaryDetector",
    "privacy": "gkcheck.detectors.privacy:PrivacyDetector",
    "hidden": "gkcheck.detectors.hidden:HiddenDetector",
    "dates": "gkcheck.detectors.dates:DateDetector",
    "format": "gkcheck.detectors.format:FormatDetector",
    "links": "gkcheck.detectors.links:LinkDetector",
    "nearmiss": "gkcheck.detectors.nearmiss:NearMissDetector",
    "typostat": "gkcheck.typostat:ContextTypoDetector",
}


class Detector(Protocol):
    def detect(self, view: TextView, ctx: Context) -> Iterable[Hit]: ...


Factory = Callable[..., Detector]


def _load(target: str) -> Factory:
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


def factory(name: str) -> Factory:
    if name in BUILTIN:
        return _load(BUILTIN[name])
    from importlib.metadata import entry_points  # 50-100 ms: only for a third-party detector

    for ep in entry_points(group="gkcheck.detectors"):
        if ep.name == name:
            return ep.load()
    raise GkcheckError(f"规则引用了未知的检测器：{name}")


def build(names: Iterable[str], **kwargs: Any) -> list[tuple[str, Detector]]:
    return [(name, factory(name)(**kwargs)) for name in sorted(set(names))]
