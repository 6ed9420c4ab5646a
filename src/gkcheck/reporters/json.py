"""The JSON report: the contract other programs build on (see docs/json-report.md)."""

from __future__ import annotations

import re

from ..model import Report
from . import readable_json

# A file name that is not valid UTF-8 reaches us with lone surrogates (os.fsdecode). They are
# written as JSON escapes ("\udcd6"), so the report stays valid UTF-8 and a program that
# decodes it gets the exact name back (os.fsencode).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def render(report: Report, **_: object) -> str:
    text = readable_json(report.to_dict(), frozenset({"findings"})) + "\n"
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
