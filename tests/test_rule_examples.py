"""Every rule's own examples: each ``hit`` must produce that rule, each ``miss`` must not.

Run with one finding per cell (``expand_columns``): an example list of two phone numbers is about
P002 finding them, which folding into P009 (the default, docs/privacy.md) would hide."""

from __future__ import annotations

import pytest

from gkcheck.rules import Example, load_rules

RULES = load_rules()
CASES = [(code, "hit", ex) for code, r in RULES.items() for ex in r.hit] + \
        [(code, "miss", ex) for code, r in RULES.items() for ex in r.miss]


def _run(checker, ex: Example, code: str):
    if RULES[code].category == "site":
        # whole-site rules: the example is a small CMS export, publish_date the --as-of date
        from gkcheck.site import run_example

        return run_example(ex.text, ex.publish_date)
    if ex.filename:
        result = checker.check_bytes(ex.text.encode("utf-8"), ex.filename, publish_date=ex.publish_date,
                                     expand_columns=True)
        assert result.status == "ok", result.error
        return list(result.findings)
    return checker.check_text(ex.text, publish_date=ex.publish_date, expand_columns=True)


@pytest.mark.parametrize("code,kind,example", CASES,
                         ids=[f"{c}-{k}-{i}" for i, (c, k, _) in enumerate(CASES)])
def test_rule_example(checker, code, kind, example):
    findings = [f for f in _run(checker, example, code) if f.rule == code]
    if kind == "hit":
        assert findings, f"{code} should fire on {example.text!r}"
        if example.match is not None:
            assert example.match in [f.match for f in findings]
    else:
        assert not findings, f"{code} must not fire on {example.text!r}: {findings}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_examples_both_ways(code):
    rule = RULES[code]
    assert rule.hit, f"{code} has no example that must fire"
    assert rule.miss, f"{code} has no near-miss example that must not fire"


def test_site_rules_are_not_run_per_document(checker):
    """`scan` never builds a detector for the site category: those rules run in `gkcheck site`."""
    site = {c for c, r in RULES.items() if r.category == "site"}
    assert site and not site & checker.enabled
