"""The installed package carries its data: a built wheel holds the dictionaries and rule packs
under gkcheck/_data and, unpacked on its own, finds and uses them (not the source checkout's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("gkcheck-*.whl")
    return path


@pytest.mark.slow
def test_wheel_ships_every_dictionary_and_rule_pack(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("dictionaries", "rules"):
        for source in (REPO / folder).iterdir():
            if source.is_file():
                assert f"gkcheck/_data/{folder}/{source.name}" in names, source
    assert not any(n.startswith(("tests/", "gkcheck/tests/")) for n in names)
    for source in (REPO / "dictionaries" / "protected").iterdir():   # the near-miss lexicons and index
        assert f"gkcheck/_data/dictionaries/protected/{source.name}" in names, source


@pytest.mark.slow
def test_wheel_ships_the_model_of_the_context_typo_check(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    model = [p for p in (REPO / "models" / "typo-lm").iterdir() if p.is_file()]
    assert {p.name for p in model} >= {"word_keys.npy", "meta.json", "frequent.npy", "chars.npy"}
    for source in model:
        assert f"gkcheck/_data/models/typo-lm/{source.name}" in names, source


@pytest.mark.slow
def test_wheel_ships_the_web_page_of_gkcheck_serve(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    web = [p for p in (REPO / "src" / "gkcheck" / "surfaces" / "web").iterdir() if p.is_file()]
    assert {p.name for p in web} >= {"index.html", "app.js"}
    for source in web:
        assert f"gkcheck/surfaces/web/{source.name}" in names, source
    for source in (REPO / "src" / "gkcheck" / "surfaces" / "web" / "examples").iterdir():   # /docs' examples
        assert f"gkcheck/surfaces/web/examples/{source.name}" in names, source
    assert "gkcheck/_data/json-report.schema.json" in names        # served at /json-report.schema.json


@pytest.mark.slow
def test_unpacked_wheel_checks_with_its_own_data(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = ("import json, gkcheck, gkcheck.resources as r\n"
            "from gkcheck import Checker\n"
            "fs = Checker().check_text('截止目前，全县已完成改造。')\n"
            "print(json.dumps([gkcheck.__file__, str(r.data_dir('rules')), str(r.data_dir('dictionaries')),"
            " [f.rule for f in fs]]))\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    module, rules, dictionaries, found = json.loads(proc.stdout)
    assert module.startswith(str(tmp_path))
    assert rules == str(tmp_path / "gkcheck" / "_data" / "rules")
    assert dictionaries == str(tmp_path / "gkcheck" / "_data" / "dictionaries")
    assert "T001" in found
