"""The typo dictionaries against the ECSpell "odw" sentences (evaluation data, never a source).

Correct sentences from real official documents must (almost) never be flagged by any rule, and a
typo finding on a misspelt sentence must point at a misspelt character, not somewhere else.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecspell-odw" / "odw.train"

pytestmark = pytest.mark.skipif(not DATA.is_file(), reason=f"evaluation data not found at {DATA}")


@pytest.fixture(scope="module")
def ev():
    spec = importlib.util.spec_from_file_location("eval_odw", REPO / "scripts" / "eval_odw.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_odw", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows(ev):
    return ev.read_pairs(DATA)


def test_correct_sentences_are_not_flagged_by_any_rule(ev, rows, checker):
    st = ev.evaluate(checker, rows)
    assert st.correct > 500
    assert st.correct_flagged_rate <= 0.01, ev.report("all rules", st, show=True)


def test_typo_findings_point_at_misspelt_characters(ev, rows, checker):
    st = ev.evaluate(checker, rows, rules="T")
    # a few "correct" lines carry real, uncorrected typos (e.g. 坐谈会), so not strictly zero
    assert st.correct_flagged_rate <= 0.005, ev.report("typo rules", st, show=True)
    assert st.fixed_flagged <= 0.005 * st.fixed, ev.report("typo rules", st, show=True)
    assert st.right_finding_rate >= 0.90, ev.report("typo rules", st, show=True)
