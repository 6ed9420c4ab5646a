"""The OFD reader on packages written as GB/T 33190-2016 describes (tests/ofd_files.py): text in
reading order with page and line, annotations, links, DocInfo, attachments as files of their own."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from gkcheck.readers import read
from tests.ofd_files import make_ofd


def _xlsx(value: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "联系电话"])
    ws.append(["张三", value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sample(**extra) -> bytes:  # type: ignore[no-untyped-def]
    return make_ofd([["关于公示的通知", "联系电话 13912345678，截止目前已完成。"],
                     ["会议定于2023年2月30日召开", "身份证 11010119900307803X"]],
                    author="赵六", created="2024-01-05", modified="2024-01-06", title="通知",
                    remarks={1: "注释电话 13812345678"}, stamp_text={2: "盖章 13712345678"},
                    links={1: "http://www.example.gov.cn/gk/"}, **extra)


def test_text_in_reading_order_with_pages_and_lines() -> None:
    doc = read(sample(), "公文.ofd")
    assert doc.type == "ofd"
    visible = [(s.base.page, s.base.line, s.text) for s in doc.segments if s.base.part is None]
    assert visible == [(1, 1, "关于公示的通知"), (1, 2, "联系电话 13912345678，截止目前已完成。"),
                       (2, 1, "会议定于2023年2月30日召开"), (2, 2, "身份证 11010119900307803X")]
    assert doc.meta == {"title": "通知", "created": "2024-01-05", "modified": "2024-01-06"}
    assert [link.url for link in doc.links] == ["http://www.example.gov.cn/gk/"]


def test_every_place_found(checker) -> None:
    result = checker.check_bytes(sample(), "公文.ofd")
    assert result.status == "ok", result.error
    at = {(f.rule, f.match): f.location for f in result.findings}
    loc = at["P002", "13912345678"]
    assert (loc.page, loc.line, loc.column) == (1, 2, 6)
    assert (at["T001", "截止目前"].page, at["T001", "截止目前"].line) == (1, 2)
    assert at["D001", "2023年2月30日"].page == 2
    assert at["P001", "11010119900307803X"].page == 2
    loc = at["P002", "13812345678"]
    assert (loc.page, loc.part, loc.hidden) == (1, "注释", "注释")
    loc = at["P002", "13712345678"]
    assert (loc.page, loc.part, loc.hidden) == (2, "注释", None)
    assert any(f.rule == "H004" and f.match == "赵六" for f in result.findings)
    assert any(f.rule == "H003" for f in result.findings)


def test_attachments_checked_as_files(checker, tmp_path) -> None:
    path = tmp_path / "公文.ofd"
    path.write_bytes(sample(attachments={"名单.xlsx": _xlsx("13612345678")}))
    results = checker.check_file_all(path)
    assert [r.path for r in results] == [str(path), f"{path}!名单.xlsx"]
    member = results[1]
    assert member.type == "xlsx" and member.status == "ok"
    assert any(f.rule == "P002" and f.location.cell == "B2" for f in member.findings)


def test_page_without_text_is_a_fact_and_all_images_is_an_error(checker) -> None:
    doc = read(make_ofd([["第一页"], []]), "a.ofd")
    assert any(f.kind == "pages_without_text" and "2" in f.detail for f in doc.facts)
    result = checker.check_bytes(make_ofd([[], []]), "scan.ofd")
    assert result.status == "error" and "扫描" in (result.error or "")


def test_missing_page_part_is_an_error(checker) -> None:
    data = sample()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            if "Page_1/Content.xml" not in info.filename:
                z.writestr(info, src.read(info))
    result = checker.check_bytes(out.getvalue(), "broken.ofd")
    assert result.status == "error" and "第 2 页" in (result.error or "")
