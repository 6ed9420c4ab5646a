"""The bundled dictionaries: provenance headers, no contradictions, and every entry both fires on
its wrong form and stays silent once the suggestion is applied."""

from __future__ import annotations

from datetime import date

import pytest

from gkcheck.dictionary import bundled_dictionaries, load_dictionary
from gkcheck.resources import data_dir
from gkcheck.rules import load_rules

FILES = bundled_dictionaries(data_dir("dictionaries"))
DICTS = [load_dictionary(p) for p in FILES]
RULES = load_rules()
FAR_FUTURE = date(2099, 1, 1)


@pytest.mark.parametrize("dic", DICTS, ids=[d.path.name for d in DICTS])
def test_header_names_rule_and_basis(dic):
    assert dic.rule in RULES and RULES[dic.rule].detector == "dictionary"
    assert len(dic.basis) >= 10, f"{dic.path.name}: the basis header must name its sources"
    assert dic.title and dic.title != dic.path.stem


def test_no_entry_is_listed_twice_or_also_allowed():
    seen: dict[str, str] = {}
    allowed = {w for d in DICTS for w in d.allowed}
    for d in DICTS:
        for e in d.entries:
            assert e.match not in seen, f"{e.match} in {seen.get(e.match)} and {e.source}"
            seen[e.match] = e.source
            assert e.match not in allowed, f"{e.source}: {e.match} is also an allowed word"


def test_no_suggestion_is_itself_an_error():
    wrong = {e.match for d in DICTS for e in d.entries if not e.conditions.needs_context}
    for d in DICTS:
        for e in d.entries:
            if e.suggestion:
                assert e.suggestion not in wrong, f"{e.source}: suggestion {e.suggestion} is listed as wrong"


def _plain_entries():
    for d in DICTS:
        for e in d.entries:
            c = e.conditions
            if not (c.before or c.after or c.near or c.word):
                yield e


ENTRIES = list(_plain_entries())


def test_every_entry_fires_and_its_fix_is_silent(checker):
    """One check over all entries (thousands), with a message naming each failing entry."""
    failures = []
    for e in ENTRIES:
        text = f"我们在{e.match}中看到。"
        got = [f for f in checker.check_text(text, publish_date=FAR_FUTURE) if f.rule == e.rule]
        if not any(f.match == e.match and f.suggestion == e.suggestion for f in got):
            failures.append(f"{e.source}: {e.match} did not fire ({[(f.match, f.rule) for f in got]})")
            continue
        if e.suggestion:
            fixed = text.replace(e.match, e.suggestion)
            again = [f for f in checker.check_text(fixed, publish_date=FAR_FUTURE) if f.rule == e.rule]
            if again:
                failures.append(f"{e.source}: the fix {e.suggestion} still fires {[(f.match) for f in again]}")
    assert not failures, "\n".join(failures[:50])


def test_allowed_words_shadow_entries_inside_them(checker):
    for d in DICTS:
        for word in d.allowed:
            got = [f for f in checker.check_text(word, publish_date=FAR_FUTURE) if f.rule == d.rule]
            assert not got, f"{d.path.name}: allowed word {word} still reports {got}"
