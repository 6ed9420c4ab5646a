"""Date checks D001-D006 with a fixed clock and explicit publication dates (see conftest)."""

from __future__ import annotations

from pathlib import Path
from datetime import date

import pytest

from gkcheck import Checker, Config
from gkcheck.detectors.datefind import find_dates, parse_loose_date, resolve_year
from gkcheck.model import Document, Location, Segment

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def dates() -> Checker:
    return Checker(Config(select=("date",)), today=lambda: TODAY)


def found(checker, text, publish_date=None, rule=None):
    return [(f.rule, f.match) for f in checker.check_text(text, publish_date=publish_date)
            if rule is None or f.rule == rule]


# -- recognising dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("2023年11月20日", [(2023, 11, 20)]),
    ("2023 年 2 月 24 日", [(2023, 2, 24)]),
    ("２０２３年１１月２０日", [(2023, 11, 20)]),
    ("2023年11月20号", [(2023, 11, 20)]),
    ("二〇二三年十一月二十日", [(2023, 11, 20)]),
    ("二零二三年十一月二十日", [(2023, 11, 20)]),
    ("二○二四年元月一日", [(2024, 1, 1)]),
    ("2023-11-20、2023/11/20、2023.11.20", [(2023, 11, 20)] * 3),
    ("11月20日", [(None, 11, 20)]),
    ("1 月 8 日", [(None, 1, 8)]),
    ("2023年11月", [(2023, 11, None)]),
    # not dates
    ("2023 年 1 - 12 月", []),
    ("1012日", []),
    ("192.168.1.1", []),
    ("v1.2023.11.2", []),
    ("http://www.gov.cn/2023/11/20/art_1.html", []),
    ("3个月15日内", []),
])
def test_find_dates(text, expected):
    assert [(m.year, m.month, m.day) for m in find_dates(text)] == expected


def test_weekday_attaches_to_its_date():
    (m,) = find_dates("2024年1月8日（星期一）")
    assert m.weekday == 0 and m.full_end == len("2024年1月8日（星期一）")
    (m,) = find_dates("2024年1月14日周日")
    assert m.weekday == 6


def test_year_of_month_day_is_the_nearest_occurrence():
    assert resolve_year(12, 4, date(2024, 1, 12)) == 2023   # a January report on December
    assert resolve_year(1, 20, date(2024, 1, 12)) == 2024
    assert resolve_year(2, 29, date(2025, 1, 1)) == 2024


def test_meta_values():
    assert parse_loose_date("2024-01-12 10:30:00") == date(2024, 1, 12)
    assert parse_loose_date("2024年1月12日") == date(2024, 1, 12)
    assert parse_loose_date("2024-01-12T10:30:00+08:00") == date(2024, 1, 12)
    assert parse_loose_date("yesterday") is None


# -- D001 impossible dates ------------------------------------------------------------------------

@pytest.mark.parametrize("text,match", [
    ("定于2023年2月30日召开", "2023年2月30日"),
    ("2023 年 2 月 29 日", "2023 年 2 月 29 日"),
    ("二〇二三年四月三十一日", "二〇二三年四月三十一日"),
    ("2023-13-01", "2023-13-01"),
    ("2023年13月", "2023年13月"),
    ("4月31日", "4月31日"),
])
def test_impossible(dates, text, match):
    assert found(dates, text, rule="D001") == [("D001", match)]


@pytest.mark.parametrize("text", ["2024年2月29日", "2月29日", "2023年12月31日", "2023年1-12月",
                                  "二〇二三年十二月三十一日"])
def test_possible(dates, text):
    assert found(dates, text, rule="D001") == []


# -- D002 weekdays ------------------------------------------------------------------------------------

def test_weekday(dates):
    (f,) = dates.check_text("定于2024年1月9日（星期一）召开会议。")
    assert (f.rule, f.match, f.suggestion) == ("D002", "2024年1月9日（星期一）", "星期二")
    assert found(dates, "定于2024年1月8日（星期一）召开会议。") == []
    assert found(dates, "2024年1月14日（星期天）") == []


def test_weekday_of_month_day_needs_a_year_in_the_document(dates):
    # no year anywhere: the weekday cannot be checked
    assert found(dates, "2月2日（星期六）、2月3日（星期日）上班。") == []
    text = "关于2024年春节放假的通知\n2024年1月8日\n2月5日（星期六）上班。"
    assert found(dates, text, rule="D002") == [("D002", "2月5日（星期六）")]
    assert found(dates, text.replace("2月5日（星期六）", "2月5日（星期一）"), rule="D002") == []


# -- D003 publication date ahead of today ---------------------------------------------------------

def _page(meta: dict[str, str], body: str = "正文。", meta_segment: bool = False) -> Document:
    segs = [Segment(body, Location(line=20, column=1))]
    if meta_segment:
        segs.insert(0, Segment(meta["PubDate"], Location(line=5, column=30), kind="meta", name="PubDate"))
    return Document("page.html", "html", tuple(segs), meta=meta)


def test_pubdate_meta_in_future(dates):
    (f,) = dates.check_document(_page({"PubDate": "2026-12-01 09:00"}))
    assert (f.rule, f.match, f.location.part) == ("D003", "2026-12-01 09:00", "meta:PubDate")
    (f,) = dates.check_document(_page({"PubDate": "2026-12-01"}, meta_segment=True))
    assert (f.rule, f.match, f.location.line) == ("D003", "2026-12-01", 5)
    assert dates.check_document(_page({"pubdate": "2026-11-22"})) == []
    assert dates.check_document(_page({"publishdate": "2026年12月1日"}))[0].rule == "D003"


def test_caller_publish_date_in_future(dates):
    assert found(dates, "正文。", publish_date="2026-12-01") == [("D003", "2026-12-01")]
    assert found(dates, "正文。", publish_date="2026-11-22") == []


# -- D004 signature date after publication --------------------------------------------------------

NOTICE = "关于做好年报发布工作的通知\n各乡镇：\n请于2024年1月20日前发布年报。\n\n信丰县人民政府办公室\n{date}\n（此件公开发布）"


def test_signature_after_publication(dates):
    text = NOTICE.format(date="2024年3月1日")
    assert found(dates, text, publish_date="2024-02-20") == [("D004", "2024年3月1日")]
    assert found(dates, text, publish_date="2024-03-01") == []
    assert found(dates, NOTICE.format(date="二〇二四年三月一日"), publish_date="2024-02-20") == \
        [("D004", "二〇二四年三月一日")]


def test_signature_against_page_pubdate(dates):
    doc = Document("n.html", "html", tuple(Segment(s) for s in NOTICE.format(date="2024年3月1日").split("\n")),
                   meta={"PubDate": "2024-02-20 10:00"})
    assert [(f.rule, f.match) for f in dates.check_document(doc)] == [("D004", "2024年3月1日")]


def test_header_dates_are_not_signatures(dates):
    text = "督查专报\n信丰县人民政府办公室编\n第 1 期\n2024 年 3 月 1 日\n正文。"
    assert found(dates, text, publish_date="2024-02-20") == []


# -- D005 past events after publication ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2024年3月5日，县林业局召开了新闻发布会。",
    "会议已于2024年3月5日在县政府召开。",
    "3月5日，全县政务公开工作会议顺利召开。",
])
def test_past_event_after_publication(dates, text):
    assert [r for r, _ in found(dates, text, publish_date="2024-03-01")] == ["D005"]


@pytest.mark.parametrize("text", [
    "县林业局将于2024年3月5日召开新闻发布会。",
    "拟于2024年3月5日召开会议。",
    "预计2024年3月5日完成了前期准备。",
    "请各单位于2024年3月5日前完成整改，已完成的单位请报送。",
    "报名时间：2024年3月5日至3月10日。",
    "截至2024年3月8日，已办结26件。",
    "申报截止日期为2024年3月10日，逾期不予受理了。",
    "本办法自2024年4月1日起施行，有效期至2029年3月31日。",
    "定于2024年3月5日召开会议，已通知各单位。",
    "计划2024年3月5日召开，已完成筹备。",
    "学习了《关于2024年3月5日会议精神的传达提纲》。",
    "2024年3月5日，县林业局召开新闻发布会。",   # no marker that it has happened
])
def test_plans_deadlines_and_ranges_are_not_past_events(dates, text):
    assert found(dates, text, publish_date="2024-03-01") == []


def test_report_month_days_resolve_to_last_year(dates):
    text = "督查专报\n2024 年 1 月 12 日\n12月5日，县林业局召开了新闻发布会。"
    assert found(dates, text, publish_date="2024-01-12") == []


# -- D006 发文字号 year against the 成文日期 -----------------------------------------------------------

DOC = ("国务院办公厅关于印发政府网站发展指引的通知\n国办发〔2017〕47号\n各省、自治区、直辖市人民政府：\n"
       "《政府网站发展指引》已经国务院同意，现印发给你们，请认真贯彻执行。\n\n国务院办公厅\n{date}\n（此件公开发布）")


def test_doc_number_year(dates):
    assert found(dates, DOC.format(date="2018年5月15日")) == [("D006", "国办发〔2017〕47号")]
    assert found(dates, DOC.format(date="2017年5月15日")) == []
    labelled = "索引号：000014349/2017-00110\n发文字号：国办发〔2017〕47号\n成文日期：2018年05月15日"
    assert found(dates, labelled) == [("D006", "国办发〔2017〕47号")]


def test_cited_doc_numbers_are_not_compared(dates):
    text = ("各单位：\n按照《江西省人民政府办公厅关于推进政务新媒体健康有序发展的实施意见》（赣府厅发〔2019〕8号）"
            "要求做好工作。\n信丰县人民政府办公室\n2024年1月12日")
    assert found(dates, text) == []


def test_december_signature_numbered_next_year(dates):
    text = "赣府厅发〔2020〕1号\n各单位：\n请认真贯彻执行。\n江西省人民政府办公厅\n2019年12月30日"
    assert found(dates, text) == []


# -- the real reports -------------------------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="samples not available")
@pytest.mark.parametrize("name,published", [
    ("ganzhou-monthly-2024-01.txt", "2024-02-24"),
    ("xinfeng-supervision-2024-01.txt", "2024-01-12"),
    ("zhanggong-inspection-2022-10.txt", "2022-11-15"),
])
def test_samples_have_no_date_findings(dates, name, published):
    for publish_date in (published, None):
        result = dates.check_file(SAMPLES / name, publish_date=publish_date)
        assert result.status == "ok"
        assert [(f.rule, f.match) for f in result.findings] == []


def test_a_large_document_is_clean_where_each_line_is(dates):
    # correct dates repeated 20,000 times stay silent (speed is measured in benchmarks/, not here)
    text = "2024年1月8日（星期一），县政府召开了会议，国办发〔2017〕47号文件已于3月5日印发。\n" * 20000
    assert dates.check_text(text, publish_date="2024-12-31") == []


def test_own_doc_number_in_parentheses_under_the_title(dates):
    text = ("关于推进政务新媒体健康有序发展的实施意见\n（赣府厅发〔2019〕8号）\n各市、县（区）人民政府：\n"
            "现提出如下意见。\n江西省人民政府办公厅\n2018年11月1日")
    assert found(dates, text) == [("D006", "赣府厅发〔2019〕8号")]


def _html(head: str, body: str) -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_pubdate_meta_through_html(dates):
    page = _html('<meta name="PubDate" content="2026-12-01 09:00">', "<p>通知正文。</p>")
    (f,) = dates.check_bytes(page, "p.html").findings
    assert (f.rule, f.match, f.location.line) == ("D003", "2026-12-01 09:00", 1)
    assert "PubDate" in f.message
    page = _html('<meta name="PubDate" content="2026-11-20">', "<p>通知正文。</p>")
    assert dates.check_bytes(page, "p.html").findings == ()


def test_signature_against_html_pubdate(dates):
    body = "<p>请按要求做好年报发布工作。</p><p>信丰县人民政府办公室</p><p>2024年3月1日</p>"
    late = dates.check_bytes(_html('<meta name="PubDate" content="2024-02-20">', body), "n.html")
    assert [(f.rule, f.match) for f in late.findings] == [("D004", "2024年3月1日")]
    on_time = dates.check_bytes(_html('<meta name="PubDate" content="2024-03-01">', body), "n.html")
    assert on_time.findings == ()
    # the caller's publication date wins over the page's
    assert dates.check_bytes(_html('<meta name="PubDate" content="2024-02-20">', body), "n.html",
                             publish_date="2024-03-02").findings == ()


def test_past_event_against_html_pubdate(dates):
    body = "<p>2024年3月5日，县林业局召开了新闻发布会。</p><p>县林业局将于2024年3月8日召开座谈会。</p>"
    result = dates.check_bytes(_html('<meta name="PubDate" content="2024-03-01">', body), "n.html")
    assert [(f.rule, f.match) for f in result.findings] == [("D005", "2024年3月5日")]
