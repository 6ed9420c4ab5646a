"""Zip attachments and files embedded in documents: every member is checked as its own file
(``bundle.zip!名单.xlsx``), recursively to a small depth, within one budget for the whole tree;
members that cannot be read fail closed; ``--jobs`` keeps working."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import docx
import openpyxl
from click.testing import CliRunner

from gkcheck.readers import Limits
from gkcheck.surfaces.cli import main


def _xlsx(phone: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "联系电话"])
    ws.append(["张三", phone])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(members: dict[str, bytes], utf8: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return buf.getvalue()


def test_members_checked_as_files(checker, tmp_path) -> None:
    inner = _zip({"通知.txt": "截止目前已完成。".encode()})
    path = tmp_path / "bundle.zip"
    path.write_bytes(_zip({"名单.xlsx": _xlsx("13912345678"), "inner.zip": inner, "logo.png": b"\x89PNG\r\n",
                           "说明/": b"", "__MACOSX/._名单.xlsx": b"junk"}))
    report = checker.scan([path])
    by_path = {r.path: r for r in report.files}
    assert list(by_path) == [str(path), f"{path}!名单.xlsx", f"{path}!inner.zip", f"{path}!inner.zip!通知.txt"]
    assert by_path[str(path)].type == "zip" and by_path[str(path)].findings == ()
    phone = [f for f in by_path[f"{path}!名单.xlsx"].findings if f.rule == "P002"]
    assert phone and phone[0].location.cell == "B2" and phone[0].location.member is None
    assert [f.rule for f in by_path[f"{path}!inner.zip!通知.txt"].findings] == ["T001"]


def test_gbk_member_names_and_cli_json_with_jobs(tmp_path) -> None:
    """Names written by Chinese Windows tools (GBK, no UTF-8 flag) are shown as written; the
    JSON report lists members as files, with two workers as with one."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # an ASCII name of the same length, then the GBK bytes
        z.writestr("XXXX.xlsx", _xlsx("13812345678"))
    gbk = "名单.xlsx".encode("gbk")
    assert len(gbk) == len(b"XXXX.xlsx")
    (tmp_path / "a.zip").write_bytes(buf.getvalue().replace(b"XXXX.xlsx", gbk))
    (tmp_path / "b.zip").write_bytes(_zip({"c.txt": "电话 13712345678".encode()}))
    outs = []
    for jobs in ("1", "2"):
        res = CliRunner().invoke(main, ["scan", str(tmp_path), "--format", "json", "--jobs", jobs])
        data = json.loads(res.output)
        outs.append([(f["path"].replace(str(tmp_path) + "/", ""), f["type"], len(f["findings"])) for f in data["files"]])
    assert outs[0] == outs[1]
    assert ("a.zip!名单.xlsx", "xlsx", 1) in outs[0] and ("b.zip!c.txt", "text", 1) in outs[0]


def test_check_bytes_merges_members_with_location_member(checker) -> None:
    data = _zip({"名单.xlsx": _xlsx("13912345678"), "sub/c.txt": "截止目前".encode()})
    result = checker.check_bytes(data, "bundle.zip")
    assert result.status == "ok" and result.type == "zip"
    assert {(f.rule, f.location.member) for f in result.findings} == {("P002", "名单.xlsx"), ("T001", "sub/c.txt")}
    assert "[名单.xlsx]" in next(f for f in result.findings if f.rule == "P002").location.describe()


def test_unreadable_member_fails_closed(checker) -> None:
    data = _zip({"好.txt": "正常".encode(), "坏.docx": b"PK\x03\x04 not really"})
    results = checker.check_bytes_all(data, "bundle.zip")
    bad = [r for r in results if r.path.endswith("坏.docx")]
    assert bad and bad[0].status == "error"
    merged = checker.check_bytes(data, "bundle.zip")
    assert merged.status == "error" and "坏.docx" in (merged.error or "")


def test_recursive_archive_stops_at_depth(checker) -> None:
    data = "电话 13912345678".encode()
    name = "x.txt"
    for level in range(6):
        data, name = _zip({name: data}), f"z{level}.zip"
    results = checker.check_bytes_all(data, "top.zip")
    assert any(r.status == "error" and "嵌套" in (r.error or "") for r in results)
    assert not any(r.path.endswith("x.txt") for r in results)


def test_zip_bomb_budget_is_for_the_whole_tree(tmp_path) -> None:
    from gkcheck import Checker, Config

    limits = Limits(max_unzipped_bytes=3 * 2**20)
    checker = Checker(Config(), limits=limits)
    part = b"a" * (900 * 1024)
    inner = _zip({f"{i}.txt": part for i in range(3)})          # 2.7 MB, under the limit alone
    data = _zip({"one.zip": inner, "two.zip": inner})             # 5.4 MB together
    results = checker.check_bytes_all(data, "bomb.zip")
    errors = [r for r in results if r.status == "error"]
    assert errors and any("总量超过上限" in (r.error or "") for r in errors)


def _ole_package(name: str, payload: bytes) -> bytes:
    """An Ole10Native stream as Office writes for an embedded file (an OLE "Package" object)."""
    label = name.encode("gbk") + b"\0"
    path = b"C:\\tmp\\" + label
    temp = b"C:\\tmp\\" + label
    body = (struct.pack("<H", 2) + label + path + struct.pack("<I", 0x00030000) + struct.pack("<I", len(temp))
            + temp + struct.pack("<I", len(payload)) + payload)
    return struct.pack("<I", len(body)) + body


def test_embedded_xlsx_in_docx_checked(checker, tmp_path) -> None:
    d = docx.Document()
    d.add_paragraph("见附表。")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", _xlsx("13612345678"))
    path = tmp_path / "通知.docx"
    path.write_bytes(out.getvalue())
    results = checker.check_file_all(path)
    assert [r.path for r in results] == [str(path), f"{path}!Microsoft_Excel_Worksheet.xlsx"]
    assert any(f.rule == "P002" and f.location.cell == "B2" for f in results[1].findings)
    # a single-file check of the document stays the document alone (masking relies on it)
    assert checker.check_file(path).findings == results[0].findings


def test_ole10native_parser() -> None:
    from gkcheck.readers.archive import _ole10native

    assert _ole10native(_ole_package("名单.txt", b"hello")) == ("名单.txt", b"hello")
    assert _ole10native(b"\x00\x01") is None


def test_ole_package_embedded_in_docx_is_unwrapped(checker, tmp_path) -> None:
    """An OLE "Package" object (word/embeddings/oleObject1.bin with a \\x01Ole10Native stream, as
    Word stores a file dragged into a document): the file inside is checked; an unknown OLE
    object is a member that could not be checked (fail closed)."""
    from tests.cfb_writer import make_cfb

    d = docx.Document()
    d.add_paragraph("见附件。")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr("word/embeddings/oleObject1.bin",
                   make_cfb({"\x01Ole10Native": _ole_package("名单.txt", "电话 13512345678".encode("utf-8")),
                             "\x01CompObj": b"\x01\x00\xfe\xff"}))
        z.writestr("word/embeddings/oleObject2.bin", make_cfb({"\x01CompObj": b"\x01\x00\xfe\xff", "Contents": b"?"}))
    path = tmp_path / "通知.docx"
    path.write_bytes(out.getvalue())
    results = {r.path[len(str(path)) + 1:]: r for r in checker.check_file_all(path)[1:]}
    inner = results["oleObject1.bin!名单.txt"]
    assert inner.status == "ok" and [f.match for f in inner.findings if f.rule == "P002"] == ["13512345678"]
    assert results["oleObject2.bin"].status == "error" and "嵌入对象" in (results["oleObject2.bin"].error or "")
