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

needs_data = pytest.mark.skipif(not DATA.is_file(), reason=f"evaluation data not found at {DATA}")


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


@needs_data
def test_correct_sentences_are_not_flagged_by_any_rule(ev, rows, checker):
    st = ev.evaluate(checker, rows)
    assert st.correct > 500
    assert st.correct_flagged_rate <= 0.01, ev.report("all rules", st, show=True)


@needs_data
def test_typo_findings_point_at_misspelt_characters(ev, rows, checker):
    # the dictionary rules only: the statistical check (T020) has its own guard in test_typostat.py
    st = ev.evaluate(checker, rows, rules=("T001", "T002"))
    # a few "correct" lines carry real, uncorrected typos (e.g. 坐谈会), so not strictly zero
    assert st.correct_flagged_rate <= 0.005, ev.report("typo rules", st, show=True)
    assert st.fixed_flagged <= 0.005 * st.fixed, ev.report("typo rules", st, show=True)
    assert st.right_finding_rate >= 0.90, ev.report("typo rules", st, show=True)


# Hand-written counterpart of the false-alarm corpus: correct text in which a wrong form of the
# typo dictionaries appears across a word boundary or inside a longer correct word. Each case
# is guarded by a condition or an allowed word in dictionaries/typo-*.tsv or variant.tsv.
SILENT = [
    "报名截止2024年3月31日。", "报名截止到目前仍在进行。", "加强研究竞争力。",
    "坚持马克思辩证唯物主义。", "开展生态补偿试点。", "在安置点搭建帐篷，把物资运到帐篷里。",
    "破除清规戒律。", "警惕钓鱼网站。", "预防犯罪工作。", "台风登陆成功后向北移动。",
    "接到燃气泄漏信息后立即处置。", "他激动得不能自已。", "各自已经完成任务。",
    "塑造经典形象。", "对以上隐患进行整改。", "审讯期间依法保障权利。", "这座落成于1990年的大桥。",
    "向领导汇报负责的工作。", "全国统计调查环节检查。", "这种鱼具有很高的营养价值。",
    "零丁洋里叹零丁。", "减少煤炭排放。", "最佳宾馆评选。", "这种化学反应情况复杂。",
    "案发时侯某在场。", "导入引导至指定区域。", "授予学位的教授于1990年回国。",
]
LOUD = [
    ("截止2023年底，全县共有", "截止"), ("截止目前，全县已完成", "截止目前"),
    ("加强与国际的竟争", "竟争"), ("群众反应问题", "群众反应问题"), ("及时反应问题", "反应问题"),
    ("泄漏个人信息", "泄漏个人信息"), ("请登陆系统后查询", "登陆系统"),
]


@pytest.mark.parametrize("text", SILENT)
def test_guarded_contexts_stay_silent(checker, text):
    got = [f for f in checker.check_text(text) if f.rule in ("T001", "T002")]
    assert not got, [(f.rule, f.match) for f in got]


@pytest.mark.parametrize("text,match", LOUD)
def test_guarded_entries_still_fire(checker, text, match):
    assert any(f.match == match for f in checker.check_text(text) if f.rule == "T001")
