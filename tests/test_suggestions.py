"""Every finding says what to do (issue 13, item 4): a replacement, 删除, or advice; matches are
whole words or whole dates, never a fragment; messages do not repeat the match."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gkcheck.checker import Checker
from gkcheck.rules import load_rules

from .conftest import REPO
from .test_rule_examples import _run

RULES = load_rules()
WHOLE_NAMES_WITH_DIGITS = {"北京赛车pk10", "北京赛车PK10", "bet365", "BET365"}
# site rules (W…) report on a whole site, with the basis and the deadline in the site report
HITS = [(code, ex) for code, r in RULES.items() for ex in r.hit if r.category != "site"]


@pytest.mark.parametrize("code,example", HITS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(HITS)])
def test_every_default_rule_says_what_to_do(checker, code, example):
    findings = [f for f in _run(checker, example, code) if f.rule == code]
    assert findings
    for f in findings:
        # a replacement ("" = delete) or, where there is no single one, what to do instead
        assert f.suggestion is not None or (f.advice and f.advice.strip()), (code, example.text)
        assert (f.suggestion is None) or f.advice is None
        if f.match and f.message != RULES[code].message:
            assert not f.message.endswith(f.match), f"{code}: the message repeats the match: {f.message}"


def test_impossible_dates_say_which_dates_exist(checker):
    advice = {f.match: f.advice for f in checker.check_text("会议于2023年2月30日召开，2023年2月29日报到，"
                                                            "2023年4月31日结束。") if f.rule == "D001"}
    assert advice["2023年2月30日"] == "2月只有28天：可能是2月28日，或顺延的3月1日、3月2日"
    assert advice["2023年2月29日"] == "2023年2月只有28天：可能是2月28日或3月1日"
    assert advice["2023年4月31日"] == "4月只有30天：可能是4月30日，或顺延的5月1日"


def test_weekday_mismatch_gives_the_right_weekday(checker):
    found = [f for f in checker.check_text("2024年3月1日（星期一）召开会议。") if f.rule == "D002"]
    assert found and found[0].suggestion == "星期五"


def test_a_year_is_never_cut_in_two(checker):
    """截止2023年底 is reported as 截止 → 截至, never as 截止20 → 截至20 (a dictionary key that held the
    first digits of the year)."""
    found = [f for f in checker.check_text("截止2023年底，全县已完成改造。") if f.rule == "T001"]
    assert [(f.match, f.suggestion) for f in found] == [("截止", "截至")]
    assert not [f for f in checker.check_text("截止到2023年底完成。") if f.rule == "T001"]
    for path in (REPO / "dictionaries").glob("*.tsv"):
        for line in path.read_text("utf-8").splitlines():
            key = line.split("\t")[0]
            if line.startswith("#") or not key or key.startswith("="):
                continue
            # a key that ends in a digit could end inside a number and report a fragment of it;
            # only whole names that end in digits are allowed
            assert not key[-1].isdigit() or key in WHOLE_NAMES_WITH_DIGITS, f"{path.name}: {key}"


def test_broken_links_and_anchors_point_at_the_nearest_existing_one(tmp_path):
    (tmp_path / "notice-2023.html").write_text("<p>x</p>", encoding="utf-8")
    page = tmp_path / "p.html"
    page.write_text('<html><body><a href="#part3">到第三部分</a><h2 id="part-3">三</h2>'
                    '<a href="notice_2023.html">通知</a>'
                    '<div style="display:none"><a href="https://www.gov.cn/x">x</a></div></body></html>',
                    encoding="utf-8")
    findings = Checker().check_file(page).findings
    by_match = {f.match: f for f in findings}
    assert by_match["#part3"].advice == "改为页面中最接近的锚点“#part-3”，或删除该链接"
    assert by_match["#part3"].message == "页内锚点不存在：页面中没有这个 id 或 name"
    assert by_match["notice_2023.html"].advice == "上传缺少的文件，或改为最接近的现有文件“notice-2023.html”"
    hidden = by_match["https://www.gov.cn/x"]
    assert hidden.rule == "L001" and "删除该元素" in hidden.advice


def test_the_example_plugin_does_not_print_the_match_twice():
    out = subprocess.run([sys.executable, str(REPO / "examples" / "cms_plugin.py")], capture_output=True,
                         text=True, cwd=REPO, timeout=120).stdout
    assert "“#part3”" in out or "#part3" not in out
    assert "#part3“#part3”" not in out and "：#part3“" not in out
