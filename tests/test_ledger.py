"""The ledger (docs/ledger.md): a three-month scenario with exact states, dates and the monthly
XLSX table cell for cell, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from gkcheck import Checker, Config
from gkcheck.ledger import Ledger
from gkcheck.ledger.reports import HEADERS, render

from .conftest import FIXED_TODAY
from .ledger_fixtures import ledger_target, pg_cluster  # noqa: F401 (fixtures)

UNITS = (("jyj/", "县教育局"), ("wjw/", "县卫健委"))


def page(*paragraphs: str) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>通知</title></head><body>\n{body}\n</body></html>\n"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


C_LINES = ["第一段：用户登陆系统后即可查询。", "第二段：本段没有问题。", "第三段：请妥善保管帐号。"]


def month_1(site: Path) -> None:
    write(site, "jyj/a.html", page("截止目前，全县已完成改造任务。", "要按步就班推进各项工作。"))
    write(site, "jyj/b.html", page("截止目前，学校食堂全部达标。"))
    write(site, "wjw/c.txt", "\n".join(C_LINES) + "\n")
    write(site, "d.html", page("请妥善保管帐号和密码。"))


def month_2(site: Path) -> None:
    write(site, "jyj/b.html", page("截至目前，学校食堂全部达标。"))                  # fixed
    write(site, "wjw/e.html", page("新栏目：要按步就班推进。"))                      # new page
    write(site, "wjw/c.txt", "\n".join(["新增的第零段。", *reversed(C_LINES)]) + "\n")  # lines moved


def month_3(site: Path) -> None:
    (site / "d.html").unlink()                                                    # deleted
    write(site, "jyj/b.html", page("新加一段。", "截止目前，学校食堂全部达标。"))     # back again


def run_scenario(target: str, key: Path, site: Path) -> Ledger:
    checker = Checker(Config(), today=lambda: FIXED_TODAY)
    book = Ledger(target, key_path=key, units=UNITS)
    month_1(site)
    book.record_report(checker.scan([site]), roots=[site], day="2024-01-10")
    month_2(site)
    book.record_report(checker.scan([site]), roots=[site], day="2024-02-05")
    (accepted,) = [e.fp for e in book.findings(doc="jyj/a.html") if e.shown == "按步就班"]
    book.ignore([accepted[:10]], "引用原文，不改", user="王编辑", day="2024-02-06")
    month_3(site)
    book.record_report(checker.scan([site]), roots=[site], day="2024-03-04")
    return book


def states(book: Ledger) -> list[tuple]:
    return sorted((e.doc, e.shown, e.state, e.mark, e.first_date, e.fixed_date) for e in book.findings())


EXPECTED_STATES = [
    ("d.html", "帐号", "gone", None, "2024-01-10", "2024-03-04"),
    ("jyj/a.html", "截止目前", "open", None, "2024-01-10", None),
    ("jyj/a.html", "按步就班", "open", "ignored", "2024-01-10", None),
    ("jyj/b.html", "截止目前", "reopened", None, "2024-01-10", None),
    ("wjw/c.txt", "帐号", "open", None, "2024-01-10", None),
    ("wjw/c.txt", "用户登陆", "open", None, "2024-01-10", None),
    ("wjw/e.html", "按步就班", "open", None, "2024-02-05", None),
]


def table(book: Ledger, month: str) -> list[list]:
    """The XLSX report read back with openpyxl: every row below the title, as shown."""
    data = render(book.month(month), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["整改台账"]
    rows = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == f"2024年{int(month[5:])}月政务公开内容问题整改台账"
    assert tuple(rows[1]) == HEADERS
    return rows[2:]


def desc(message: str, shown: str, fix: str, code: str) -> str:
    return f"{message}：“{shown}” → 建议改为“{fix}”（{code}）"


T001, T002 = "错别字", "非推荐词形（异形词）"   # the rules' messages


def test_three_months_states_and_tables(ledger_target, tmp_path):
    site = tmp_path / "site"
    book = run_scenario(ledger_target, tmp_path / "ledger.key", site)
    assert states(book) == EXPECTED_STATES
    rows = table(book, "2024-02")
    cut = [r[1:] for r in rows]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert cut == [
        ["县卫健委", "wjw/c.txt", "错别字", desc(T001, "用户登陆", "用户登录", "T001"), "2024-01-10", "", "未整改", ""],
        ["县卫健委", "wjw/c.txt", "错别字", desc(T002, "帐号", "账号", "T002"), "2024-01-10", "", "未整改", ""],
        ["县卫健委", "wjw/e.html", "错别字", desc(T001, "按步就班", "按部就班", "T001"), "2024-02-05", "", "新发现", ""],
        ["县教育局", "jyj/a.html", "错别字", desc(T001, "截止目前", "截至目前", "T001"), "2024-01-10", "", "未整改", ""],
        ["县教育局", "jyj/a.html", "错别字", desc(T001, "按步就班", "按部就班", "T001"), "2024-01-10", "", "已忽略",
         "已忽略：引用原文，不改（王编辑，2024-02-06）"],
        ["县教育局", "jyj/b.html", "错别字", desc(T001, "截止目前", "截至目前", "T001"), "2024-01-10", "2024-02-05",
         "已整改", ""],
        ["未归属单位", "d.html", "错别字", desc(T002, "帐号", "账号", "T002"), "2024-01-10", "", "未整改", ""],
    ]


def test_january_and_march_tables(ledger_target, tmp_path):
    book = run_scenario(ledger_target, tmp_path / "ledger.key", tmp_path / "site")
    jan = [r[1:] for r in table(book, "2024-01")]
    assert [(r[1], r[6], r[4], r[5]) for r in jan] == [
        ("wjw/c.txt", "新发现", "2024-01-10", ""), ("wjw/c.txt", "新发现", "2024-01-10", ""),
        ("jyj/a.html", "新发现", "2024-01-10", ""), ("jyj/a.html", "新发现", "2024-01-10", ""),
        ("jyj/b.html", "新发现", "2024-01-10", ""), ("d.html", "新发现", "2024-01-10", "")]
    assert table(book, "2024-03") == [
        [1, "县卫健委", "wjw/c.txt", "错别字", desc(T001, "用户登陆", "用户登录", "T001"), "2024-01-10", "", "未整改", ""],
        [2, "县卫健委", "wjw/c.txt", "错别字", desc(T002, "帐号", "账号", "T002"), "2024-01-10", "", "未整改", ""],
        [3, "县卫健委", "wjw/e.html", "错别字", desc(T001, "按步就班", "按部就班", "T001"), "2024-02-05", "", "未整改", ""],
        [4, "县教育局", "jyj/a.html", "错别字", desc(T001, "截止目前", "截至目前", "T001"), "2024-01-10", "", "未整改", ""],
        [5, "县教育局", "jyj/a.html", "错别字", desc(T001, "按步就班", "按部就班", "T001"), "2024-01-10", "", "已忽略",
         "已忽略：引用原文，不改（王编辑，2024-02-06）"],
        [6, "县教育局", "jyj/b.html", "错别字", desc(T001, "截止目前", "截至目前", "T001"), "2024-01-10", "", "重新出现", ""],
        [7, "未归属单位", "d.html", "错别字", desc(T002, "帐号", "账号", "T002"), "2024-01-10", "2024-03-04",
         "已删除/下线", ""]]
    # the mark belongs to the finding: a changed text is a new finding, not ignored
    site = tmp_path / "site"
    write(site, "jyj/a.html", page("截止目前，全县已完成改造任务。", "要按步就班地推进各项工作。"))
    report = book.record_report(Checker(Config(), today=lambda: FIXED_TODAY).scan([site]), roots=[site],
                                day="2024-04-01")
    states_a = {f.match: f.ledger_state for r in report.files if r.path.endswith("a.html") for f in r.findings}
    assert states_a == {"截止目前": "known", "按步就班": "new"}
    month = book.month("2024-03")
    # open findings on each scan date: 6 in January, 5 after the fix and the new page in
    # February (b fixed, e new), 5 in March (a's ignored one leaves, b is back, d is gone)
    assert month.history == (("2024-01-10", 6), ("2024-02-05", 6), ("2024-03-04", 5))
    html = render(month, "html")
    assert "<svg" in html and "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    counts = dict(month.counts)
    assert counts["县教育局"][0] == 3 and counts["未归属单位"][0] == 1


def test_moving_lines_keeps_every_fingerprint(tmp_path):
    checker = Checker(Config(), today=lambda: FIXED_TODAY)
    site = tmp_path / "site"
    write(site, "c.txt", "\n".join(C_LINES) + "\n")
    book = Ledger(tmp_path / "l.db", key_path=tmp_path / "k")
    first = book.record_report(checker.scan([site]), roots=[site], day="2024-01-01")
    write(site, "c.txt", "\n".join(["开头加一行。", "", *reversed(C_LINES), "结尾又一行。"]) + "\n")
    second = book.record_report(checker.scan([site]), roots=[site], day="2024-02-01")
    fps = lambda report: sorted(f.fingerprint for r in report.files for f in r.findings)  # noqa: E731
    assert fps(first) == fps(second) and len(fps(first)) == 2
    assert {f.ledger_state for r in second.files for f in r.findings} == {"known"}
    # an edit of the finding itself is a new finding (and the old one is fixed)
    write(site, "c.txt", "用户登陆系统后即可查询结果。\n")
    third = book.record_report(checker.scan([site]), roots=[site], day="2024-03-01")
    assert [f.ledger_state for r in third.files for f in r.findings] == ["new"]
    assert sorted(e.state for e in book.findings()) == ["fixed", "fixed", "new"]


def test_identical_findings_are_told_apart_by_occurrence(tmp_path):
    checker = Checker(Config(), today=lambda: FIXED_TODAY)
    site = tmp_path / "site"
    write(site, "x.txt", "截止目前完成。\n截止目前完成。\n截止目前完成。\n")
    book = Ledger(tmp_path / "l.db", key_path=tmp_path / "k")
    report = book.record_report(checker.scan([site]), roots=[site], day="2024-01-01")
    assert len({f.fingerprint for f in report.files[0].findings}) == 3
    write(site, "x.txt", "截止目前完成。\n截至目前完成。\n截止目前完成。\n")
    book.record_report(checker.scan([site]), roots=[site], day="2024-02-01")
    assert sorted(e.state for e in book.findings()) == ["fixed", "open", "open"]


def test_the_key_must_match_the_ledger(tmp_path):
    Ledger(tmp_path / "l.db", key_path=tmp_path / "k").close()
    assert oct((tmp_path / "k").stat().st_mode & 0o777) == "0o600"
    (tmp_path / "other").write_text("x" * 64)
    from gkcheck.model import GkcheckError

    with pytest.raises(GkcheckError, match="密钥"):
        Ledger(tmp_path / "l.db", key_path=tmp_path / "other")


def test_an_unreadable_file_changes_nothing_in_the_ledger(tmp_path):
    """Fail closed: a file that could not be checked this time is not "fixed"."""
    site = tmp_path / "site"
    write(site, "a.txt", "截止目前完成。\n")
    book = Ledger(tmp_path / "l.db", key_path=tmp_path / "k")
    book.record_report(Checker(Config()).scan([site]), roots=[site], day="2024-01-01")
    report = Checker(Config(max_file_bytes=4)).scan([site])       # too large to check now
    assert report.files[0].status == "error"
    book.record_report(report, roots=[site], day="2024-02-01")
    assert [e.state for e in book.findings()] == ["new"]


def test_list_by_prefix_takes_wildcards_literally(ledger_target, tmp_path):
    checker = Checker(Config(), today=lambda: FIXED_TODAY)
    site = tmp_path / "site"
    write(site, "a_b/x.txt", "截止目前。\n")
    write(site, "axb/x.txt", "截止目前。\n")
    write(site, "100%/x.txt", "截止目前。\n")
    book = Ledger(ledger_target, key_path=tmp_path / "k")
    book.record_report(checker.scan([site]), roots=[site], day="2024-01-01")
    assert [e.doc for e in book.findings(prefix="a_b/")] == ["a_b/x.txt"]
    assert [e.doc for e in book.findings(prefix="100%")] == ["100%/x.txt"]
    assert len(book.findings(prefix="a")) == 2
    (entry,) = book.open_findings("axb/x.txt")
    assert entry.shown_state == "新发现" and entry.location == "第1行第1字"


def test_cms_api_records_a_page_and_lists_its_open_findings(ledger_target, tmp_path):
    """What a CMS plugin does on each save: check the page, record it, show its open findings."""
    checker = Checker(Config(), today=lambda: FIXED_TODAY)
    book = Ledger(ledger_target, key_path=tmp_path / "k")
    v1 = page("截止目前，全县已完成改造。", "联系电话：13912345678。")
    result = book.record_result(checker.check_bytes(v1.encode(), "page.html"), "zwgk/tzgg/123.html", day="2024-05-01")
    assert {(f.rule, f.ledger_state) for f in result.findings} == {("T001", "new"), ("P002", "new")}
    opened = book.open_findings("zwgk/tzgg/123.html")
    assert sorted(e.shown for e in opened) == ["139****5678", "截止目前"]
    assert all("13912345678" not in str(e.to_dict()) for e in opened)
    # the editor fixes the phone number; saved again the next day
    v2 = page("截止目前，全县已完成改造。", "联系电话：请拨打热线。")
    result = book.record_result(checker.check_bytes(v2.encode(), "page.html"), "zwgk/tzgg/123.html", day="2024-05-02")
    # recorded before by a save that is not a gate: the ledger knows it now
    assert [(f.rule, f.ledger_state) for f in result.findings] == [("T001", "known")]
    assert [e.shown for e in book.open_findings("zwgk/tzgg/123.html")] == ["截止目前"]
    (fixed,) = book.findings(states=["fixed"])
    assert (fixed.rule, fixed.fixed_date) == ("P002", "2024-05-02")


def test_a_newer_ledger_is_refused(tmp_path):
    import sqlite3

    from gkcheck.model import GkcheckError

    Ledger(tmp_path / "l.db", key_path=tmp_path / "k").close()
    conn = sqlite3.connect(tmp_path / "l.db")
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(GkcheckError, match="结构版本 99"):
        Ledger(tmp_path / "l.db", key_path=tmp_path / "k")


def test_partial_scans_fix_nothing_elsewhere_and_excluded_files_are_not_gone(tmp_path):
    site = tmp_path / "site"
    write(site, "a.txt", "截止目前。\n")
    write(site, "b.txt", "帐号。\n")
    book = Ledger(tmp_path / "l.db", key_path=tmp_path / "k")
    book.record_report(Checker(Config()).scan([site]), roots=[site], day="2024-01-01")
    # one file given alone (a pre-commit run): b.txt is not looked at, so nothing happens to it;
    # a.txt is identified relative to the folder scanned before
    write(site, "a.txt", "截至目前。\n")
    book.record_report(Checker(Config()).scan([site / "a.txt"]), roots=[site / "a.txt"], day="2024-02-01")
    assert sorted((e.doc, e.state) for e in book.findings()) == [("a.txt", "fixed"), ("b.txt", "new")]
    # the whole folder with b.txt excluded: b.txt still exists, so it is not 已删除
    book.record_report(Checker(Config(exclude=("b.txt",))).scan([site]), roots=[site], day="2024-03-01")
    assert sorted((e.doc, e.state) for e in book.findings()) == [("a.txt", "fixed"), ("b.txt", "new")]
    (site / "b.txt").unlink()
    book.record_report(Checker(Config()).scan([site]), roots=[site], day="2024-04-01")
    assert sorted((e.doc, e.state, e.fixed_date) for e in book.findings()) == [
        ("a.txt", "fixed", "2024-02-01"), ("b.txt", "gone", "2024-04-01")]
