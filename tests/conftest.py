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


@pytest.fixture(scope="session")
def legacy_files(tmp_path_factory) -> dict[str, Path]:
    """.doc/.rtf/.xls made by LibreOffice from tests/legacy_office.py sources, once per test run
    (one folder and a lock shared by the xdist workers), plus .wps/.et copies (WPS writes the
    same containers). Skips when soffice is not installed."""
    import shutil

    from tests import legacy_office

    if not legacy_office.soffice():
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    base = tmp_path_factory.getbasetemp().parent / "legacy-office"

    def build(out: Path) -> None:
        sources = legacy_office.build_sources(base / "src")
        legacy_office.convert([(sources["fodt"], "doc"), (sources["fodt"], "rtf"), (sources["xlsx"], "xls")], out)
        shutil.copy(out / "notice.doc", out / "notice.wps")
        shutil.copy(out / "list.xls", out / "list.et")

    out = legacy_office.build_once(base, build)
    return {name: out / name for name in ("notice.doc", "notice.rtf", "list.xls", "notice.wps", "list.et")}
