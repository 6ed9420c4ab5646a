"""Where the bundled data lives.

In a wheel the top-level ``dictionaries/`` and ``rules/`` folders are shipped as
``gkcheck/_data/...`` (pyproject's force-include); in a source checkout (editable install,
tests) they are read from the repository itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder of bundled data called ``name`` (``dictionaries`` or ``rules``)."""
    for candidate in (_PKG / "_data" / name, _PKG.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"gkcheck 安装不完整：找不到数据目录 {name}")
