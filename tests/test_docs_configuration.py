"""The examples in docs/configuration.md are real: the TOML loads, the dictionary loads, and
together they change what gkcheck reports the way the page says."""

from __future__ import annotations

import re

from gkcheck import Checker
from gkcheck.config import load_config_file

from .conftest import FIXED_TODAY, REPO

PAGE = (REPO / "docs" / "configuration.md").read_text("utf-8")


def _blocks(lang: str) -> list[str]:
    return [body for fence, body in re.findall(r"```(\w*)\n(.*?)```", PAGE, re.S) if fence == lang]


def test_the_example_configuration_loads_and_works(tmp_path):
    (toml,) = _blocks("toml")
    tsv = next(b for b in _blocks("") if b.startswith("# title:"))
    (tmp_path / "dict").mkdir()
    (tmp_path / "dict" / "本单位错词.tsv").write_text(tsv, "utf-8")
    (tmp_path / "dict" / "允许词.txt").write_text("=旧址\n", "utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "gkcheck.toml").write_text(toml, "utf-8")
    config = load_config_file(tmp_path / "gkcheck.toml")
    assert config.fail_on == "error" and config.jobs == 2 and "archive/**" in config.exclude
    assert dict(config.severity) == {"T002": "info", "E004": "error"}
    assert config.ignore == ("E004",)   # the example switches E004 off; switch it back on here
    checker = Checker(config.with_overrides(select=("E004",), ignore=()), today=lambda: FIXED_TODAY)
    findings = checker.check_text("县工商局发布通知。\n参观县工商局旧址。", publish_date="2024-05-01")
    assert [(f.rule, f.match, f.suggestion, f.severity, f.location.line) for f in findings] == [
        ("E004", "县工商局", "县市场监督管理局", "error", 1)]
