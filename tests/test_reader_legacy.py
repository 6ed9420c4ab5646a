"""Word/Excel 97-2003 (.doc/.xls), their WPS names (.wps/.et) and RTF, read natively, on files
LibreOffice wrote from sources with personal data, a typo and an impossible date in the visible
text and in every hidden place (tests/legacy_office.py). Each value must be found at its place."""

from __future__ import annotations

import io
import zipfile

import pytest

from gkcheck.readers import read
from tests import legacy_office as lo

pytestmark = pytest.mark.slow


def _by_match(result):  # type: ignore[no-untyped-def]
    out: dict[str, list] = {}
    for f in result.findings:
        out.setdefault(f.match, []).append(f)
    return out


def _one(found, match, rule):  # type: ignore[no-untyped-def]
    hits = [f for f in found.get(match, []) if f.rule == rule]
    assert hits, f"{rule} {match} not found; found: {sorted(found)}"
    return hits[0].location


@pytest.mark.parametrize("name", ["notice.doc", "notice.wps", "notice.rtf"])
def test_text_document_every_place(checker, legacy_files, name) -> None:
    result = checker.check_file(legacy_files[name])
    assert result.status == "ok", result.error
    assert result.type == ("rtf" if name.endswith(".rtf") else "doc")
    found = _by_match(result)
    loc = _one(found, lo.ID_BODY, "P001")
    assert (loc.part, loc.paragraph, loc.hidden) == ("正文", 1, None)
    loc = _one(found, lo.TYPO, "T001")
    assert (loc.part, loc.paragraph) == ("正文", 1)
    loc = _one(found, lo.BAD_DATE, "D001")
    assert (loc.part, loc.paragraph) == ("正文", 2)
    assert _one(found, lo.PHONE_FOOT, "P002").part == "脚注"
    assert _one(found, lo.PHONE_END, "P002").part == "尾注"
    assert _one(found, lo.ID_HEADER, "P001").part == "页眉"
    assert _one(found, lo.ID_FOOTER, "P001").part == "页脚"
    assert _one(found, lo.PHONE_BOX, "P002").part == "文本框"
    loc = _one(found, lo.PHONE_NOTE, "P002")
    assert (loc.part, loc.paragraph, loc.hidden) == ("正文", 3, "批注")
    loc = _one(found, lo.PHONE_HIDDEN, "P002")
    assert (loc.part, loc.paragraph, loc.hidden) == ("正文", 4, "隐藏文字")
    loc = _one(found, lo.PHONE_DELETED, "P002")
    assert (loc.paragraph, loc.hidden) == (5, "修订：已删除")
    loc = _one(found, lo.PHONE_INSERTED, "P002")
    assert (loc.paragraph, loc.hidden) == (5, None)
    loc = _one(found, lo.ID_TABLE, "P001")
    assert (loc.part, loc.row, loc.col) == ("正文", 2, 2)
    rules = {f.rule: f for f in result.findings if f.category == "hidden"}
    assert {"H001", "H003", "H004"} <= set(rules)
    changes = [f for f in result.findings if f.rule == "H001" and "修订" in f.message]
    assert changes and lo.PHONE_INSERTED in changes[0].message
    people = {f.match for f in result.findings if f.rule == "H004"}
    assert "赵六" in people


@pytest.mark.parametrize("name", ["notice.doc", "notice.rtf"])
def test_text_document_structure(legacy_files, name) -> None:
    doc = read(legacy_files[name].read_bytes(), name)
    assert [link.url for link in doc.links] == ["http://www.example.gov.cn/gk/"]
    assert doc.links[0].text == "政府信息公开"
    table = doc.tables[0]
    assert [doc.segments[i].text for i in table.cells[0]] == ["姓名", "身份证号", "备注"]
    assert doc.segments[table.cells[1][1]].text == lo.ID_TABLE and table.cells[1][2] == -1
    assert doc.meta.get("title") == "公示"
    body = [s.text for s in doc.segments if s.base.part == "正文" and not s.base.hidden]
    assert body[3] == "第四段结束。"                       # hidden text cut out of the visible paragraph
    assert not any("HYPERLINK" in s.text for s in doc.segments)   # field codes are not text


@pytest.mark.parametrize("name", ["list.xls", "list.et"])
def test_spreadsheet_every_place(checker, legacy_files, name) -> None:
    result = checker.check_file(legacy_files[name], expand_columns=True)   # every cell, not folded
    assert result.status == "ok", result.error
    assert result.type == "xls"
    found = _by_match(result)
    loc = _one(found, lo.ID_BODY, "P001")
    assert (loc.sheet, loc.cell, loc.hidden) == ("名单", "B2", None)
    loc = _one(found, lo.ID_TABLE, "P001")
    assert (loc.cell, loc.hidden) == ("B3", "隐藏行")
    loc = _one(found, lo.PHONE_FOOT, "P002")
    assert (loc.cell, loc.hidden) == ("C2", "隐藏列")
    loc = _one(found, lo.PHONE_NOTE, "P002")
    assert (loc.cell, loc.hidden) == ("A2", "批注")
    loc = _one(found, lo.ID_FOOTER, "P001")
    assert (loc.sheet, loc.hidden) == ("备用", "隐藏工作表")
    loc = _one(found, lo.TYPO, "T001")
    assert loc.cell == "D4"
    assert _one(found, lo.BAD_DATE, "D001").cell == "D2"
    columns = [f for f in result.findings if f.rule == "P009"]
    assert any(f.location.cell == "B2:B4" for f in columns)       # the header logic of XLSX
    assert {"H002", "H003"} <= {f.rule for f in result.findings}


def test_xls_table_header_row(legacy_files) -> None:
    doc = read(legacy_files["list.xls"].read_bytes(), "list.xls")
    table = doc.tables[0]
    assert [doc.segments[i].text for i in table.cells[0]] == ["姓名", "身份证号", "联系电话", "日期"]
    assert table.hidden_rows == frozenset({2}) and table.hidden_cols == frozenset({2})


def test_misnamed_files_read_by_content(checker, legacy_files, tmp_path) -> None:
    """A .doc that is really DOCX, RTF or HTML (Word's "save as web page") is read as what it is."""
    import docx

    d = docx.Document()
    d.add_paragraph(f"电话 {lo.PHONE_FOOT}")
    buf = io.BytesIO()
    d.save(buf)
    (tmp_path / "a.doc").write_bytes(buf.getvalue())
    (tmp_path / "b.doc").write_bytes(legacy_files["notice.rtf"].read_bytes())
    (tmp_path / "c.doc").write_text(f"<html><body><p>电话 {lo.PHONE_END}</p></body></html>", encoding="utf-8")
    (tmp_path / "d.xls").write_bytes(legacy_files["notice.doc"].read_bytes())
    types = {}
    for name in ("a.doc", "b.doc", "c.doc", "d.xls"):
        result = checker.check_file(tmp_path / name)
        assert result.status == "ok", (name, result.error)
        assert any(f.rule == "P002" for f in result.findings), name
        types[name] = result.type
    assert types == {"a.doc": "docx", "b.doc": "rtf", "c.doc": "html", "d.xls": "doc"}


def test_zip_of_legacy_files(checker, legacy_files, tmp_path) -> None:
    bundle = tmp_path / "附件.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.write(legacy_files["list.xls"], "名单.xls")
        z.write(legacy_files["notice.wps"], "通知.wps")
    report = checker.scan([bundle])
    paths = {r.path.rsplit("!", 1)[-1]: r for r in report.files}
    assert paths["名单.xls"].type == "xls" and paths["通知.wps"].type == "doc"
    assert all(r.status == "ok" for r in report.files)
