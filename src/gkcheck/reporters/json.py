"""The JSON report: the contract other programs build on (see docs/json-report.md)."""

from __future__ import annotations

import json
import re

from ..model import Report

# A file name that is not valid UTF-8 reaches us with lone surrogates (os.fsdecode). They are
# written as JSON escapes ("\udcd6"), so the report stays valid UTF-8 and a program that
# decodes it gets the exact name back (os.fsencode).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def render(report: Report, **_: object) -> str:
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
