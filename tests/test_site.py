"""gkcheck site: whole-site checks over generated mirrors (tests/site_fixtures.py) and CMS exports."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from gkcheck.site import init_columns, run
from gkcheck.site.columns import load
from gkcheck.site.thresholds import add_months, load_thresholds
from gkcheck.surfaces.cli import main

from .site_fixtures import Col, It, build, dated

A = date(2026, 11, 22)          # a Sunday
REPO = Path(__file__).resolve().parents[1]
SHAPES = [(s, e) for s in ("col", "trs", "plain") for e in ("utf-8", "gbk")]


def _site(tmp_path: Path, cols: list[Col], **kw) -> Path:  # type: ignore[no-untyped-def]
    kw.setdefault("home_dates", [A - timedelta(days=1)])
    return build(tmp_path / "www.example.gov.cn", cols, **kw)


def _col(report: dict, name: str) -> dict:
    return next(c for c in report["columns"] if c["name"] == name)


def _rules(report: dict, column: str | None = None) -> list[str]:
    return sorted(f["rule"] for f in report["findings"] if column is None or f["column"] == column)


# -- periods --------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,enc", SHAPES)
@pytest.mark.parametrize("age,status", [(14, "ok"), (15, "overdue")])
def test_dynamic_column_14_day_edge(tmp_path, shape, enc, age, status):
    root = _site(tmp_path, [dated("要闻动态", "dynamic", A - timedelta(days=age), A - timedelta(days=40))],
                 shape=shape, enc=enc)
    c = _col(run(root, A), "要闻动态")
    assert (c["status"], c["age_days"], c["class"]) == (status, age, "dynamic")
    assert c["latest"] == (A - timedelta(days=age)).isoformat()


@pytest.mark.parametrize("latest,as_of,status", [
    (date(2024, 8, 31), date(2025, 2, 28), "ok"),        # 8-31 + 6 months = 2-28 (month end)
    (date(2024, 8, 31), date(2025, 3, 1), "overdue"),
    (date(2023, 8, 31), date(2024, 2, 29), "ok"),        # leap year: 2-29
    (date(2023, 8, 31), date(2024, 3, 1), "overdue"),
    (date(2026, 5, 22), date(2026, 11, 22), "ok"),
    (date(2026, 5, 21), date(2026, 11, 22), "overdue"),
])
def test_notice_column_six_calendar_months(tmp_path, latest, as_of, status):
    root = _site(tmp_path, [dated("通知公告", "notice_policy", latest)], shape="trs")
    assert _col(run(root, as_of), "通知公告")["status"] == status


@pytest.mark.parametrize("latest,as_of,status", [
    (date(2024, 2, 29), date(2025, 2, 28), "ok"),        # a year after a leap day
    (date(2024, 2, 29), date(2025, 3, 1), "overdue"),
    (date(2023, 3, 1), date(2024, 3, 1), "ok"),          # 366 days across 2024-02-29
    (date(2023, 3, 1), date(2024, 3, 2), "overdue"),
])
def test_personnel_column_one_year_across_leap_day(tmp_path, latest, as_of, status):
    root = _site(tmp_path, [dated("人事信息", "personnel_plan", latest)], shape="col")
    assert _col(run(root, as_of), "人事信息")["status"] == status


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2026, 1, 31), -2) == date(2025, 11, 30)


# -- veto counts ----------------------------------------------------------------------------------

NAMES = "甲乙丙丁戊己庚辛壬癸子丑"


@pytest.mark.parametrize("n,level", [(4, "warning"), (5, "veto")])
def test_overdue_veto_count(tmp_path, n, level):
    cols = [dated(f"乡镇动态{NAMES[i]}", "dynamic", A - timedelta(days=20)) for i in range(n)]
    r = run(_site(tmp_path, cols), A)
    assert r["vetoes"]["overdue"]["count"] == n and r["vetoes"]["overdue"]["level"] == level
    assert r["verdict"] == level
    w004 = [f for f in r["findings"] if f["rule"] == "W004"]
    assert w004 and w004[0]["severity"] == ("error" if level == "veto" else "warning")
    assert "国办秘函〔2019〕19号" in w004[0]["basis"]


@pytest.mark.parametrize("n,level", [(9, "warning"), (10, "veto")])
def test_long_veto_count(tmp_path, n, level):
    cols = [dated(f"专题{NAMES[i]}", "other", A - timedelta(days=400)) for i in range(n)]
    r = run(_site(tmp_path, cols, shape="trs"), A)
    assert r["vetoes"]["long"]["count"] == n and r["vetoes"]["long"]["level"] == level
    assert r["vetoes"]["overdue"]["count"] == 0


@pytest.mark.parametrize("n,level", [(4, "warning"), (5, "veto")])
def test_blank_veto_count(tmp_path, n, level):
    cols = [Col(f"机构职能{NAMES[i]}", "static") for i in range(n)]
    r = run(_site(tmp_path, cols), A)
    assert r["vetoes"]["blank"]["count"] == n and r["vetoes"]["blank"]["level"] == level


def test_second_level_policy_column_not_counted_for_the_veto(tmp_path):
    old = date(2025, 1, 1)
    cols = [dated("政务公开", "other", A - timedelta(days=3)),
            dated("政策文件", "notice_policy", old, level=2, parent="政务公开", slug="zcwj"),
            dated("通知公告", "notice_policy", old)]
    r = run(_site(tmp_path, cols, shape="trs"), A)
    assert _col(r, "政策文件")["level"] == 2 and _col(r, "政策文件")["status"] == "overdue"
    assert r["vetoes"]["overdue"]["columns"] == ["通知公告"]
    assert r["vetoes"]["long"]["count"] == 2


# -- blank forms ----------------------------------------------------------------------------------

def test_blank_column_forms(tmp_path):
    cols = [Col("机构职能", "static", form="empty"), Col("领导信息", "static", form="zanwu"),
            Col("行政强制", "other", form="note"), dated("通知公告", "notice_policy", A)]
    root = _site(tmp_path, cols, shape="plain")
    r = run(root, A)
    assert _col(r, "机构职能")["status"] == "blank"
    assert _col(r, "领导信息")["status"] == "blank" and _col(r, "领导信息")["notice"] == "暂无信息"
    assert _col(r, "行政强制")["status"] == "blank_note"
    assert r["vetoes"]["blank"]["count"] == 2
    # a column in columns.toml whose list page the mirror lacks: not found, not blank
    toml = tmp_path / "columns.toml"
    toml.write_text(init_columns(root) + '[[column]]\nname = "政策解读"\nurls = ["/zcjd/index.html"]\n'
                    'class = "notice_policy"\n', "utf-8")
    r = run(root, A, columns_path=toml)
    assert _col(r, "政策解读")["status"] == "not_found" and r["vetoes"]["blank"]["count"] == 2
    assert not r["columns_inferred"]


# -- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["meta", "line", "list", "url"])
def test_each_date_source_alone(tmp_path, source):
    d = date(2026, 11, 1)
    it = It("关于放假的通知", **{source: d})
    r = run(_site(tmp_path, [Col("通知公告", "notice_policy", [it])], shape="col"), A)
    c = _col(r, "通知公告")
    assert (c["latest"], c["latest_source"]) == ("2026-11-01", source)
    assert "W009" not in _rules(r)


def test_conflicting_dates(tmp_path):
    it = It("关于放假的通知", meta=date(2026, 11, 1), line=date(2026, 10, 30), list=date(2026, 11, 1),
            url=date(2026, 11, 1))
    r = run(_site(tmp_path, [Col("通知公告", "notice_policy", [it])]), A)
    c = _col(r, "通知公告")
    assert (c["latest"], c["latest_source"], c["conflicts"]) == ("2026-11-01", "meta", 1)
    w009 = [f for f in r["findings"] if f["rule"] == "W009"]
    assert len(w009) == 1 and "正文发布时间 2026-10-30" in w009[0]["detail"]


@pytest.mark.parametrize("shape", ["col", "trs", "plain"])
def test_pinned_old_item_first_in_list(tmp_path, shape):
    col = dated("工作动态", "dynamic", date(2020, 1, 1), A - timedelta(days=2), A - timedelta(days=9))
    c = _col(run(_site(tmp_path, [col], shape=shape), A), "工作动态")
    assert c["latest"] == (A - timedelta(days=2)).isoformat() and c["status"] == "ok"


def test_undated_only_column(tmp_path):
    col = Col("通知公告", "notice_policy", [It("通知一"), It("通知二")])
    r = run(_site(tmp_path, [col], shape="plain"), A)
    c = _col(r, "通知公告")
    assert (c["status"], c["undated"], c["latest"]) == ("undated_only", 2, None)
    assert _rules(r, "通知公告") == ["W001", "W005"]
    assert r["vetoes"]["overdue"]["count"] == 1      # an undated item counts as not updated


def test_future_dates_never_count_as_an_update(tmp_path):
    col = dated("要闻动态", "dynamic", A + timedelta(days=3), A - timedelta(days=30))
    r = run(_site(tmp_path, [col]), A)
    c = _col(r, "要闻动态")
    assert (c["status"], c["future"], c["latest"]) == ("overdue", 1, (A - timedelta(days=30)).isoformat())
    d003 = [f for f in r["findings"] if f["rule"] == "D003"]
    assert len(d003) == 1 and d003[0]["severity"] == "error"


def test_duplicates_within_a_column_not_across(tmp_path):
    same = "2025年政府信息公开工作年度报告"
    cols = [Col("通知公告", "notice_policy", [It.on(same, A - timedelta(days=5)), It.on(same, A - timedelta(days=4)),
                                            It.on("别的通知", A - timedelta(days=3))]),
            Col("政策文件", "notice_policy", [It.on(same, A - timedelta(days=5))])]
    r = run(_site(tmp_path, cols), A)
    w006 = [f for f in r["findings"] if f["rule"] == "W006"]
    assert [f["column"] for f in w006] == ["通知公告"] and "出现 2 次" in w006[0]["detail"]


def test_pagination_the_mirror_lacks(tmp_path):
    col = dated("工作动态", "dynamic", *[A - timedelta(days=i) for i in range(1, 8)], per_page=3, pages_in_mirror=1)
    for shape in ("col", "trs", "plain"):
        c = _col(run(_site(tmp_path / shape, [col], shape=shape), A), "工作动态")
        assert c["complete"] is False, shape
        assert c["items"] == 7, shape   # articles found through meta, URL convention or folder


# -- home page, links, messages -------------------------------------------------------------------

@pytest.mark.parametrize("age,level", [(10, "ok"), (11, "warning"), (14, "warning"), (15, "veto")])
def test_home_page_age(tmp_path, age, level):
    r = run(_site(tmp_path, [dated("要闻动态", "dynamic", A)], home_dates=[A - timedelta(days=age)]), A)
    assert (r["home"]["age_days"], r["home"]["level"]) == (age, level)
    assert ("W003" in _rules(r)) == (level != "ok")


def test_broken_internal_links(tmp_path):
    root = _site(tmp_path, [dated("要闻动态", "dynamic", A)], shape="trs")
    page = next(root.rglob("t*.html"))
    page.write_bytes(page.read_bytes().replace(b"</body>", b'<a href="/nowhere/x.html">x</a>'
                                               b'<a href="https://www.example.gov.cn/c1/index.html">ok</a></body>'))
    index = root / "c1" / "index.html"
    index.write_bytes(index.read_bytes().replace(b"</body>", b'<a href="gone.html">gone</a></body>'))
    r = run(root, A)
    assert r["pages"]["broken_links"] == 2
    assert _col(r, "要闻动态")["broken_links"] == [{"page": "/c1/index.html", "link": "/c1/gone.html"}]


def test_messages_across_weekends(tmp_path):
    root = _site(tmp_path, [dated("要闻动态", "dynamic", A)])
    msgs = tmp_path / "messages.csv"
    # 2026-08-22 is a Saturday: 3 calendar months end on Sunday 11-22, the as-of date
    msgs.write_text("asked,answered,column\n2026-08-22,,县长信箱\n2026-08-21,,县长信箱\n"
                    "2026-05-01,2026-07-31,咨询\n2026-05-01,2026-08-02,咨询\n2025-10-01,,旧留言\n", "utf-8")
    r = run(root, A, messages_path=msgs)
    m = r["messages"]
    assert (m["total"], m["answered"], m["late"]) == (4, 2, 2)
    w007 = sorted(f["detail"] for f in r["findings"] if f["rule"] == "W007")
    assert w007 == ["2026-05-01 的留言于 2026-08-02 才回复", "2026-08-21 的留言至检查日未回复"]
    # a local rule in working days: Friday 11-13 + 5 working days = Friday 11-20 (the weekend skipped)
    th = tmp_path / "local.toml"
    th.write_text("[site.messages]\nanswer_working_days = 5\n", "utf-8")
    msgs.write_text("asked,answered,column\n2026-11-13,2026-11-20,信箱\n2026-11-13,2026-11-23,信箱\n", "utf-8")
    r = run(root, A, messages_path=msgs, thresholds_path=th)
    assert r["messages"]["late"] == 1 and r["messages"]["period"] == "5个工作日"


# -- columns.toml ---------------------------------------------------------------------------------

PLAN = [dated("要闻动态", "dynamic", A), dated("通知公告", "notice_policy", A),
        dated("政务公开", "other", A), dated("政策文件", "notice_policy", A, level=2, parent="政务公开", slug="zcwj"),
        dated("人事信息", "personnel_plan", A), Col("机构职能", "static")]


@pytest.mark.parametrize("shape,enc", SHAPES)
def test_init_columns_recovers_names_and_classes(tmp_path, shape, enc):
    root = _site(tmp_path, PLAN, shape=shape, enc=enc)
    toml = tmp_path / "columns.toml"
    toml.write_text(init_columns(root), "utf-8")
    got = {c.name: (c.class_id, c.level) for c in load(toml, load_thresholds())}
    assert got == {c.name: (c.cls, c.level) for c in PLAN}
    # the confirmed file audits the same columns as the inferred draft
    assert [c["name"] for c in run(root, A, columns_path=toml)["columns"]] == \
        [c["name"] for c in run(root, A)["columns"]]


def test_thresholds_are_data(tmp_path):
    root = _site(tmp_path, [dated("要闻动态", "dynamic", A - timedelta(days=8))])
    th = tmp_path / "weekly.toml"
    th.write_text('[[site.class]]\nid = "dynamic"\ndays = 7\n', "utf-8")
    assert _col(run(root, A), "要闻动态")["status"] == "ok"
    r = run(root, A, thresholds_path=th)
    assert _col(r, "要闻动态")["status"] == "overdue" and _col(r, "要闻动态")["period"] == "7天"


# -- CMS export -----------------------------------------------------------------------------------

def test_cms_export_input(tmp_path):
    ex = tmp_path / "export"
    ex.mkdir()
    (ex / "columns.csv").write_text("column_id,name,parent_id,type,url\n1,政务公开,,other,/zwgk/\n"
                                    "2,政策文件,1,notice_policy,/zwgk/zcwj/\n3,要闻动态,,,/ywdt/\n", "utf-8")
    (ex / "articles.csv").write_bytes(
        ("column_id,column_name,title,pubdate,url,source\n2,政策文件,某某办法,2025-01-02,/zwgk/zcwj/1.html,司法局\n"
         "3,要闻动态,某某会议,2026-11-20,/ywdt/1.html,办公室\n3,要闻动态,某某调研,2026-11-10,/ywdt/2.html,办公室\n"
         "0,首页,某某会议,2026-11-20,/ywdt/1.html,\n").encode("gb18030"))
    r = run(ex, A)
    assert r["input"] == "export" and r["home"]["age_days"] == 2
    assert _col(r, "政策文件")["level"] == 2 and _col(r, "政策文件")["status"] == "overdue"
    assert r["vetoes"]["overdue"]["count"] == 0
    assert _col(r, "要闻动态")["by_unit"] == {"办公室": 2} and _col(r, "要闻动态")["latest_source"] == "export"


# -- CLI and reports ------------------------------------------------------------------------------

def test_cli_json_is_byte_identical_and_schema_valid(tmp_path):
    import jsonschema

    root = _site(tmp_path, PLAN + [dated("乡镇动态", "dynamic", A - timedelta(days=30))], shape="trs", enc="gbk")
    outs = []
    for n in (1, 2):
        out = tmp_path / f"r{n}.json"
        res = CliRunner().invoke(main, ["site", str(root), "--as-of", "2026-11-22", "--format", "json", "-o", str(out)])
        assert res.exit_code == 0, res.output      # W001 is a warning; --fail-on error
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    data = json.loads(outs[0])
    assert data["as_of"] == "2026-11-22" and data["columns_inferred"] is True
    schema = json.loads((REPO / "docs" / "site.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    res = CliRunner().invoke(main, ["site", str(root), "--as-of", "2026-11-22", "--fail-on", "warning"])
    assert res.exit_code == 1 and "检查日：2026-11-22" in res.output


def test_cli_exit_2_on_an_unreadable_page_and_on_bad_input(tmp_path):
    root = _site(tmp_path, [dated("要闻动态", "dynamic", A)])
    (root / "bad.html").write_bytes(b"\xff\xfe\x00\xd8" * 10)
    res = CliRunner().invoke(main, ["site", str(root), "--as-of", "2026-11-22"])
    assert res.exit_code == 2 and "无法读取 1 个" in res.output
    res = CliRunner().invoke(main, ["site", str(root), "--as-of", "2026-13-01"])
    assert res.exit_code == 2
    res = CliRunner().invoke(main, ["site", str(root), "--format", "json", "-o", str(root / "r.json")])
    assert res.exit_code == 2 and not (root / "r.json").exists()


def test_html_and_xlsx_reports(tmp_path):
    from openpyxl import load_workbook

    root = _site(tmp_path, PLAN + [Col("领导信息", "static", form="zanwu")])
    html_out, xlsx_out = tmp_path / "r.html", tmp_path / "r.xlsx"
    for fmt, out in (("html", html_out), ("xlsx", xlsx_out)):
        res = CliRunner().invoke(main, ["site", str(root), "--as-of", "2026-11-22", "--format", fmt, "-o", str(out)])
        assert res.exit_code == 0, res.output
    page = html_out.read_text("utf-8")
    assert "<script" not in page and "<svg" in page and "2026-11-22" in page
    assert page.index("领导信息") < page.index("要闻动态")      # blank first (urgency)
    book = load_workbook(xlsx_out)
    sheet = book["栏目"]
    assert [c.value for c in sheet[1]] == ["序号", "栏目名称", "栏目地址", "类别", "期限", "最新发布日期",
                                          "距检查日天数", "问题", "依据", "整改情况"]
    assert sheet["B2"].value in ("领导信息", "机构职能") and "空白" in sheet["H2"].value
    summary = {r[0].value: r[1].value for r in book["汇总"].iter_rows()}
    assert summary["检查日"] == "2026-11-22" and "空白栏目" in summary


def test_init_columns_cli(tmp_path):
    root = _site(tmp_path, PLAN, shape="col")
    res = CliRunner().invoke(main, ["site", str(root), "--init-columns"])
    assert res.exit_code == 0 and 'name = "政策文件"' in res.output and "level = 2" in res.output


def test_with_page_checks_adds_the_page_rule_counts(tmp_path):
    root = _site(tmp_path, [dated("要闻动态", "dynamic", A)], shape="plain")
    art = root / "c1" / "1.html"
    art.write_bytes(art.read_bytes().replace("正文。".encode(), "截止目前，联系电话13812345678。".encode()))
    out = tmp_path / "r.json"
    res = CliRunner().invoke(main, ["site", str(root), "--as-of", "2026-11-22", "--with-page-checks",
                                    "--format", "json", "-o", str(out), "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    pc = json.loads(out.read_text("utf-8"))["page_checks"]
    assert pc["files"] >= 3 and pc["files_failed"] == 0 and pc["by_rule"].get("T001", 0) >= 1


def test_site_benchmark_row_runs(tmp_path):
    """The benchmark row on a tiny mirror: it measures (speed is never asserted here)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "benchmarks.site_bench", "--pages", "400", "--cache", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    row = json.loads(proc.stdout)
    assert row["pages"] > 200 and row["columns"] == 200 and row["seconds"] > 0 and row["peak_mb"] > 0


def test_nothing_to_read_is_never_reported_clean(tmp_path):
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(main, ["site", str(tmp_path / "empty"), "--as-of", "2026-11-22"])
    assert res.exit_code == 2 and "没有 HTML 页面" in res.output
    root = _site(tmp_path, [dated("要闻动态", "dynamic", A)])
    (root / "index.html").unlink()
    r = run(root, A)
    assert r["home"]["found"] is False and "W003" in _rules(r)


def test_monthly_counts_per_column_and_unit(tmp_path):
    col = dated("乡镇动态", "dynamic", date(2026, 11, 20), date(2026, 11, 2), date(2026, 10, 9), unit="水东镇")
    c = _col(run(_site(tmp_path, [col], shape="trs", enc="gbk"), A), "乡镇动态")
    assert c["by_month"] == {"2026-10": 1, "2026-11": 2} and c["by_unit"] == {"水东镇": 3}
