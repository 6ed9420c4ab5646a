"""The JSON report is the contract other programs build on: every report gkcheck writes, for
every kind of file and for files it cannot read, validates against docs/json-report.schema.json."""

from __future__ import annotations

import json
import subprocess
import sys

import docx
import jsonschema
import openpyxl
import pytest

from .conftest import REPO, SHARED

SCHEMA = json.loads((REPO / "docs" / "json-report.schema.json").read_text("utf-8"))
ID = "110101199003074514"  # valid check digit, fictitious person


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    (d / "note.txt").write_text("截止目前，全县已完成改造。\n联系人：张三，身份证号码" + ID + "\n", "utf-8")
    (d / "gbk.html").write_bytes(
        '<html><head><meta charset="gbk"><title>通知</title></head><body><p>按步就班推进。</p>'
        '<a href="file:///C:/draft.docx">附件</a></body></html>'.encode("gbk"))
    (d / "list.csv").write_text("姓名,身份证号码\n张三," + ID + "\n", "utf-8")
    document = docx.Document()
    document.add_paragraph("国办发[2017]47号")
    document.save(d / "notice.docx")
    book = openpyxl.Workbook()
    book.active.append(["姓名", "联系电话"])
    book.active.append(["李四", "13812345678"])
    book.save(d / "list.xlsx")
    (d / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (d / "empty.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return d


def _scan(*paths, fmt="json") -> dict:
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "scan", "--format", fmt, *map(str, paths)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode in (0, 1, 2), proc.stderr
    return json.loads(proc.stdout)


def test_reports_of_every_file_kind_validate(folder):
    report = _scan(folder)
    jsonschema.validate(report, SCHEMA)
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert {n: f["type"] for n, f in by_name.items() if f["status"] == "ok"} == {
        "note.txt": "text", "gbk.html": "html", "list.csv": "csv", "notice.docx": "docx", "list.xlsx": "xlsx"}
    assert by_name["gbk.html"]["encoding"] == "gb18030"   # the superset of the declared gbk
    assert by_name["broken.docx"]["status"] == "error" and by_name["broken.docx"]["error"]
    assert by_name["empty.pdf"]["status"] == "error"
    assert report["summary"]["files_failed"] == 2
    # the raw value stays in the JSON so a program can find and fix it (reporters for people mask it)
    assert any(f["match"] == ID for f in by_name["note.txt"]["findings"])
    assert any(f["location"]["cell"] for f in by_name["list.xlsx"]["findings"])


def test_the_real_samples_validate():
    if not (SHARED / "samples").is_dir():
        pytest.skip("../shared/samples not available")
    jsonschema.validate(_scan(SHARED / "samples"), SCHEMA)


def test_the_schema_catches_a_broken_report(folder):
    report = _scan(folder / "note.txt")
    report["files"][0]["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, SCHEMA)
    report = _scan(folder / "broken.docx")
    report["files"][0]["error"] = None   # an unreadable file must say why
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, SCHEMA)
