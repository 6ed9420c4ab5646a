"""Shared fixtures. Office files are generated here with the real libraries, never committed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gkcheck import Checker, Config

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXED_TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def checker() -> Checker:
    """The default rule set with a fixed clock."""
    return Checker(Config(), today=lambda: FIXED_TODAY)


def rules_of(findings) -> list[str]:
    return [f.rule for f in findings]
