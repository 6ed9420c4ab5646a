"""A mistyped setting is an error with its name, never silently ignored (fail closed)."""

from __future__ import annotations

import pytest

from gkcheck import Checker
from gkcheck.config import load_config_file
from gkcheck.model import GkcheckError


@pytest.mark.parametrize("toml,message", [
    ("fail-on = 'bogus'\n", "fail-on"),
    ("selct = ['T']\n", "未知配置项 selct"),
    ("[options.link]\ntimeout = 3\n", "[options.link]"),
    ("[options.privacy]\ncolumn-summary = 3\n", "column-summary"),
    ("[options.privacy]\ncolumn-summary-min = 0\n", "column-summary-min"),
    ("[options.links]\ntimout = 3\n", "timout"),
    ("[options.mask]\nkeep = { id = [6, 4] }\nchr = '#'\n", "chr"),
    ("[severity]\nT001 = 'fatal'\n", "fatal"),
    ("[severity]\nX999 = 'error'\n", "X999"),
])
def test_a_mistyped_setting_is_an_error(tmp_path, toml, message):
    path = tmp_path / "gkcheck.toml"
    path.write_text(toml, "utf-8")
    with pytest.raises(GkcheckError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config = load_config_file(path)
        Checker(config)
        from gkcheck.masking.files import policy_from
        policy_from(config.detector_options("mask"))


def test_the_settings_that_exist_load(tmp_path):
    path = tmp_path / "gkcheck.toml"
    path.write_text("[options.privacy]\ncolumn-summary-min = 5\n[options.links]\ntimeout = 3\n"
                    "[options.mask]\nchar = '#'\n", "utf-8")
    config = load_config_file(path)
    Checker(config)
    assert config.detector_options("privacy") == {"column-summary-min": 5}


@pytest.mark.parametrize("text", ['ocr = "yes"', "ocr-page-seconds = 0", 'ocr-page-seconds = "60"',
                                  "ocr-page-seconds = true", "ocr-pages = 3"])
def test_bad_ocr_settings_are_errors(tmp_path, text):
    (tmp_path / "gkcheck.toml").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(GkcheckError):
        load_config_file(tmp_path / "gkcheck.toml")


def test_ocr_settings_reach_the_checker(tmp_path):
    pytest.importorskip("rapidocr_onnxruntime")
    (tmp_path / "gkcheck.toml").write_text("ocr = true\nocr-page-seconds = 12.5\n", encoding="utf-8")
    config = load_config_file(tmp_path / "gkcheck.toml")
    checker = Checker(config)
    assert config.ocr is True and checker.limits.ocr_page_seconds == 12.5
