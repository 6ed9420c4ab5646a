"""Loading dictionaries at start-up: parsed once per process while unchanged, bundled conditions
compiled when first used (and then the same as compiled at load), a user's file checked at load."""

from __future__ import annotations

import re

import pytest

from gkcheck.dictionary import LazyPattern, bundled_dictionaries, load_dictionary
from gkcheck.model import GkcheckError
from gkcheck.resources import data_dir

FILES = bundled_dictionaries(data_dir("dictionaries"))
FIELDS = ("before", "not_before", "after", "not_after", "near", "not_near")


def test_bundled_conditions_compile_on_first_use_to_the_same_patterns():
    lazy_seen = 0
    for path in FILES:
        lazy, eager = load_dictionary(path, bundled=True), load_dictionary(path)
        assert [e.match for e in lazy.entries] == [e.match for e in eager.entries]
        for a, b in zip(lazy.entries, eager.entries):
            for name in FIELDS:
                x, y = getattr(a.conditions, name), getattr(b.conditions, name)
                assert (x is None) == (y is None), (a.source, name)
                if x is not None:
                    lazy_seen += 1
                    assert isinstance(x, LazyPattern) and isinstance(y, re.Pattern)
                    assert x.compiled().pattern == y.pattern
                    probe = a.match + "打击整治2024年" + (a.suggestion or "")
                    assert bool(x.search(probe)) == bool(y.search(probe))
                    assert bool(x.match(probe)) == bool(y.match(probe))
    assert lazy_seen > 100


def test_a_file_is_parsed_once_while_unchanged(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("# rule: T001\n# basis: 自定\n甲乙\t乙甲\n", encoding="utf-8")
    first = load_dictionary(path)
    assert load_dictionary(path) is first
    path.write_text("# rule: T001\n# basis: 自定\n丙丁戊\t戊丁丙\n", encoding="utf-8")
    assert [e.match for e in load_dictionary(path).entries] == ["丙丁戊"]


def test_a_users_bad_condition_is_an_error_at_load(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("# rule: T001\n# basis: 自定\n甲乙\t乙甲\t\tnear=(未闭合\n", encoding="utf-8")
    with pytest.raises(GkcheckError, match="正则表达式有误"):
        load_dictionary(path)
