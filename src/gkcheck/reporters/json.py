"""The JSON report: the contract other programs build on (see docs/json-report.md)."""

from __future__ import annotations

import json

from ..model import Report


def render(report: Report, **_: object) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
