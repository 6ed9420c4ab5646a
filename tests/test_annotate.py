"""Marked-up copies (issue 13, item 1): real documents built with python-docx and openpyxl, the
copies opened with the same libraries, with lxml, and (marked slow) converted by LibreOffice."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree, html as lxml_html
from openpyxl.comments import Comment

from gkcheck.annotate import Unsupported, annotate, annotate_bytes
from gkcheck.checker import Checker

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
PHONE = "13912345679"
CHECKER = Checker()


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# -- DOCX ------------------------------------------------------------------------------------------

def make_docx() -> bytes:
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("关于做好报名工作的通知。截")
    bold = p.add_run("止目")                       # the typo is split over three runs
    bold.bold = True
    p.add_run(f"前，已有12个单位报名，获奖群众李四，手机{PHONE}。")
    d.add_paragraph("请妥善保管帐号和密码，用户登陆系统后即可查询。")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "截止目前"
    table.cell(0, 1).text = "已完成"
    d.sections[0].header.paragraphs[0].text = "截止目前 页眉"
    run = d.add_paragraph("请于本周内报送材料。").runs[0]
    d.add_comment(run, text="请核对", author="王五")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def accept_all(root: etree._Element) -> etree._Element:
    """Accept every tracked change in XML: drop w:del, unwrap w:ins."""
    root = etree.fromstring(etree.tostring(root))
    for el in list(root.iter(w("del"))):
        el.getparent().remove(el)
    for el in list(root.iter(w("ins"))):
        parent, i = el.getparent(), el.getparent().index(el)
        for k, child in enumerate(list(el)):
            parent.insert(i + k, child)
        parent.remove(el)
    return root


def reject_all(root: etree._Element) -> etree._Element:
    root = etree.fromstring(etree.tostring(root))
    for el in list(root.iter(w("ins"))):
        el.getparent().remove(el)
    for el in list(root.iter(w("del"))):
        for t in el.iter(w("delText")):
            t.tag = w("t")
        parent, i = el.getparent(), el.getparent().index(el)
        for k, child in enumerate(list(el)):
            parent.insert(i + k, child)
        parent.remove(el)
    return root


def with_document(data: bytes, root: etree._Element) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if info.filename == "word/document.xml" else zin.read(info.filename)
            zout.writestr(info.filename, payload)
    return out.getvalue()


def assert_word_structure(data: bytes) -> None:
    """What Word checks strictly: element order in w:r and w:p, unique ids, required attributes,
    every comment anchored once, parts registered."""
    body = part(data, "word/document.xml")
    comments = part(data, "word/comments.xml")
    for r in body.iter(w("r")):
        kids = [c.tag for c in r]
        assert w("rPr") not in kids[1:], "w:rPr must be the first child of w:r"
    for p in body.iter(w("p")):
        kids = [c.tag for c in p]
        assert w("pPr") not in kids[1:], "w:pPr must be the first child of w:p"
    ids = [c.get(w("id")) for c in comments.iter(w("comment"))]
    assert len(ids) == len(set(ids)) and all(i and i.isdigit() for i in ids)
    for c in comments.iter(w("comment")):
        assert c.get(w("author")) and c.get(w("date")) is not None or c.get(w("author")) == "王五"
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        found = [e.get(w("id")) for e in body.iter(w(tag))]
        assert sorted(found) == sorted(ids), tag
    for ref in body.iter(w("commentReference")):
        assert ref.getparent().tag == w("r")
    change_ids = [e.get(w("id")) for e in body.iter(w("ins"), w("del"))]
    assert len(change_ids) == len(set(change_ids)) and not set(change_ids) & set(ids)
    for e in body.iter(w("ins"), w("del")):
        assert e.get(w("author")) == "gkcheck" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.get(w("date")))
    for d in body.iter(w("del")):
        assert not list(d.iter(w("t"))) and list(d.iter(w("delText")))
        assert all(c.tag in (w("r"), w("commentRangeStart"), w("commentRangeEnd")) for c in d)
    types = part(data, "[Content_Types].xml")
    assert any(o.get("PartName") == "/word/comments.xml" for o in types)
    rels = part(data, "word/_rels/document.xml.rels")
    assert sum(r.get("Target") == "comments.xml" for r in rels) == 1


def body_text(root: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(w("t"))) for p in root.iter(w("p"))]


def test_docx_comments_at_every_finding_and_fixes_as_tracked_changes():
    data = make_docx()
    result = annotate(data, "通知.docx", checker=CHECKER, fix=True)
    rules = [f.rule for f in result.findings]
    assert rules.count("T001") == 4 and "T002" in rules and "P002" in rules and "H003" in rules
    copy = result.data
    assert_word_structure(copy)
    comments = part(copy, "word/comments.xml").findall(w("comment"))
    mine = [c for c in comments if c.get(w("author")) == "gkcheck"]
    # every finding is a comment at its text, or a line of the one comment at the start
    assert result.anchored + result.listed == len(result.findings)
    assert len(mine) == result.anchored + (1 if result.listed else 0)
    start = "".join(mine[-1].itertext())
    assert "页眉" in start and "H003" in start                        # header and file-level findings
    body = part(copy, "word/document.xml")
    assert len(list(body.iter(w("ins")))) == result.fixed == 5      # 3 typos, 1 variant, 1 phone
    # the comment on the split typo covers exactly 截止目前 (three runs, bold kept on the middle)
    first = body.find(".//w:p", NS)
    typo_id = next(c.get(w("id")) for c in mine if "截止目前" in "".join(c.itertext())
                   and "页眉" not in "".join(c.itertext()))
    inside, on = [], False
    for el in first.iter():
        if el.tag == w("commentRangeStart") and el.get(w("id")) == typo_id:
            on = True
        elif el.tag == w("commentRangeEnd") and el.get(w("id")) == typo_id:
            break
        elif on and el.tag in (w("delText"), w("t")):
            inside.append((el.tag, el.text, el.getparent().find(w("rPr")) is not None))
    assert [(t.split("}")[1], x) for t, x, _ in inside] == [("delText", "截"), ("delText", "止目"),
                                                           ("delText", "前"), ("t", "截至目前")]
    assert inside[1][2] and not inside[0][2]                         # the bold run stays bold
    # python-docx opens it; original untouched
    opened = docx.Document(io.BytesIO(copy))
    assert len(opened.paragraphs) == len(docx.Document(io.BytesIO(data)).paragraphs)
    # accepting every change leaves no typo, variant or phone in the body; rejecting gives the original
    accepted = with_document(copy, accept_all(body))
    left = CHECKER.check_bytes(accepted, "accepted.docx")
    assert left.status == "ok"
    # (gkcheck's own comments quote the typos: they are the 批注 findings of the copy)
    assert [f for f in left.findings if f.category in ("typo", "privacy") and f.location.hidden != "批注"] == \
        [f for f in left.findings if f.rule == "T001" and "页眉" in (f.location.part or "")]
    assert body_text(reject_all(body)) == body_text(part(data, "word/document.xml"))


def test_docx_without_fix_only_comments_and_original_text():
    data = make_docx()
    copy = annotate_bytes(data, "a.docx", checker=CHECKER)
    body = part(copy, "word/document.xml")
    assert not list(body.iter(w("ins"))) and not list(body.iter(w("del")))
    assert body_text(body) == body_text(part(data, "word/document.xml"))
    assert_word_structure(copy)
    # every other part byte for byte
    with zipfile.ZipFile(io.BytesIO(data)) as a, zipfile.ZipFile(io.BytesIO(copy)) as b:
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
        assert changed <= {"word/document.xml", "word/comments.xml", "[Content_Types].xml",
                           "word/_rels/document.xml.rels"}


def test_given_findings_are_used_as_they_are():
    data = make_docx()
    findings = [f for f in CHECKER.check_bytes(data, "a.docx").findings if f.rule == "T002"]
    result = annotate(data, "a.docx", findings)
    assert result.anchored == 1 and result.listed == 0
    assert len(part(result.data, "word/comments.xml").findall(w("comment"))) == 2   # 王五's and one


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_libreoffice_reads_the_comments_and_tracked_changes(tmp_path):
    docx_result = annotate(make_docx(), "a.docx", checker=CHECKER, fix=True)
    xlsx_result = annotate(make_xlsx(), "b.xlsx", checker=CHECKER)
    (tmp_path / "a.docx").write_bytes(docx_result.data)
    (tmp_path / "b.xlsx").write_bytes(xlsx_result.data)
    for name, target in (("a.docx", "fodt"), ("b.xlsx", "fods"), ("a.docx", "pdf")):
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                        target, "--outdir", str(tmp_path / "out"), str(tmp_path / name)],
                       capture_output=True, timeout=240, check=True)
    fodt = (tmp_path / "out" / "a.fodt").read_text("utf-8")
    comments = 1 + docx_result.anchored + (1 if docx_result.listed else 0)     # 王五's comment too
    assert fodt.count("<office:annotation ") + fodt.count("<office:annotation>") == comments
    assert fodt.count("<text:changed-region ") == 2 * docx_result.fixed       # a deletion and an insertion each
    assert (tmp_path / "out" / "a.pdf").stat().st_size > 1000
    fods = (tmp_path / "out" / "b.fods").read_text("utf-8")
    cells = {(f.location.sheet, f.location.cell.split(":")[0]) for f in xlsx_result.findings if f.location.cell}
    cells |= {("名单", "A1"), ("名单", "B3")}      # the list of the others on A1; 王五's comment (B3 has both)
    assert fods.count("<office:annotation") - fods.count("<office:annotation-end") == len(cells)


def _validation_errors(path: Path) -> set[str]:
    from openxml_audit import OpenXmlValidator

    return {str(e) for e in OpenXmlValidator().validate(path).errors}


def test_the_copies_pass_the_open_xml_sdk_checks_the_originals_pass(tmp_path):
    """openxml-audit (a port of the Open XML SDK validator: ECMA-376 schemas, required attributes,
    element order, references between parts): the annotated DOCX (comments and tracked changes) and
    XLSX (comments, VML, fills) add no error to what the python-docx/openpyxl originals have."""
    for name, data in (("a.docx", make_docx()), ("b.xlsx", make_xlsx())):
        original, copy = tmp_path / f"orig-{name}", tmp_path / name
        original.write_bytes(data)
        copy.write_bytes(annotate(data, name, checker=CHECKER, fix=True).data)
        assert _validation_errors(copy) - _validation_errors(original) == set(), name
    # and the check can fail: a run property after the text is reported
    body = zipfile.ZipFile(copy.with_name("a.docx")).read("word/document.xml")
    broken = body.replace(b"<w:r><w:rPr><w:b/></w:rPr><w:delText>", b"<w:r><w:delText>x</w:delText><w:rPr><w:b/></w:rPr><w:delText>", 1)
    assert broken != body
    bad = tmp_path / "bad.docx"
    bad.write_bytes(with_document(copy.with_name("a.docx").read_bytes(), etree.fromstring(broken)))
    assert any("Unexpected element 'rPr'" in e for e in _validation_errors(bad) - _validation_errors(tmp_path / "a.docx"))


# -- XLSX ------------------------------------------------------------------------------------------

def make_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "说明", "电话"])
    ws.append(["张三", "截止目前已发放", PHONE])
    ws.append(["李四", "请妥善保管帐号", "13812345678"])
    ws["B3"].comment = Comment("原有批注", "王五")
    ws["B2"].font = openpyxl.styles.Font(bold=True, color="FF0000")
    ws.column_dimensions["B"].width = 30
    other = wb.create_sheet("其他")
    other["A1"] = "截止目前"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "备用"
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_cell_comments_and_fill():
    data = make_xlsx()
    result = annotate(data, "名单.xlsx", checker=CHECKER)
    assert result.anchored + result.listed == len(result.findings) and result.listed >= 1
    wb = openpyxl.load_workbook(io.BytesIO(result.data))
    marked = {(f.location.sheet, f.location.cell.split(":")[0]) for f in result.findings
              if f.location.cell and f.location.sheet}
    for sheet, ref in marked:
        cell = wb[sheet][ref]
        assert cell.comment is not None and "gkcheck" in cell.comment.text, (sheet, ref)
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == "FFFFEB3B"
    b2 = wb["名单"]["B2"]
    assert b2.font.bold and b2.font.color.rgb.endswith("FF0000") and "截至目前" in b2.comment.text
    assert wb["名单"]["B3"].comment.text.startswith("原有批注")            # the existing comment kept
    assert "H002" in wb["名单"]["A1"].comment.text                        # the hidden sheet, listed
    assert wb["名单"]["A2"].comment is None and wb["名单"]["A2"].fill.fill_type is None
    assert wb["名单"].column_dimensions["B"].width == 30
    assert [c.value for c in wb["名单"]["B"]] == [c.value for c in openpyxl.load_workbook(io.BytesIO(data))["名单"]["B"]]


# -- HTML ------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>截止目前的通知</title>
<script>var s = "截止目前";</script></head>
<body>
<p>关于报名：截止目前，已有12个单位报名。</p>
<p>请妥善保管帐<b>号</b>和密码。</p>
<p>截<b>止</b>目前进展顺利。<img src="a.png" alt="截止目前的照片"></p>
<div style="display:none">截止目前隐藏</div>
<!-- 截止目前 注释 -->
<p>手机：13912345679。</p>
</body></html>
"""


def test_html_marks_only_in_text_and_a_box_for_the_rest():
    data = PAGE.encode("gbk")
    result = annotate(data, "通知.html", checker=CHECKER, fix=True)
    assert result.anchored + result.listed == len(result.findings)
    text = result.data.decode("gbk")
    # only characters were inserted: removing the marks and the box gives the page back byte for byte
    stripped = re.sub(r'<mark class="gkcheck"[^>]*>|</mark>', "", text)
    stripped = re.sub(r'<div class="gkcheck-box".*?</div>', "", stripped, flags=re.S)
    assert stripped.encode("gbk") == data
    tree = lxml_html.document_fromstring(result.data.decode("gbk"))
    marks = tree.xpath('//mark[@class="gkcheck"]')
    # a match written across tags gets one mark per piece of text
    assert [m.text_content() for m in marks] == ["截止目前", "帐", "号", "截", "止", "目前", "13912345679"]
    for m in marks:
        assert m.get("title").startswith(m.get("data-rule"))
        assert not m.xpath("ancestor::script|ancestor::title|ancestor::head|ancestor::div[@class='gkcheck-box']")
    assert "<mark" not in text.split("<body>")[0]                          # nothing in <head>
    items = tree.xpath('//div[@class="gkcheck-box"]//li')
    listed = [li.text_content().split("：T001")[0] for li in items]
    assert listed[0] == "网页标题“截止目前的通知”" and listed[1].startswith("脚本字符串")   # script strings are read too
    assert listed[2:] == ["alt属性 第7行第42字", "正文第3段附近“截止目前隐藏”（隐藏：display:none）",
                          "第9行第6字 （隐藏：HTML注释）"]
    assert result.anchored == 4 and result.listed == 5
    # the corrected copy: every typo and the phone fixed, the script untouched, the rest byte for byte
    assert result.corrected is not None and result.fixed == len(result.findings) - 1   # not the script string
    left = CHECKER.check_bytes(result.corrected, "fixed.html")
    left_over = [f for f in left.findings if f.category in ("typo", "privacy")]
    assert left.status == "ok" and [f.location.part for f in left_over] == ["脚本字符串"]   # only the script's
    fixed_text = result.corrected.decode("gbk")
    assert "<p>关于报名：截至目前，已有12个单位报名。</p>" in fixed_text and "139****5679" in fixed_text
    assert '<script>var s = "截止目前";</script>' in fixed_text               # scripts never touched


# -- command line ------------------------------------------------------------------------------------

def test_the_command_writes_new_files_and_never_touches_the_originals(tmp_path):
    src = tmp_path / "site"
    src.mkdir()
    (src / "通知.docx").write_bytes(make_docx())
    (src / "名单.xlsx").write_bytes(make_xlsx())
    (src / "页面.html").write_bytes(PAGE.encode("gbk"))
    (src / "说明.txt").write_text("截止目前", encoding="utf-8")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    out = tmp_path / "out"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gkcheck", "annotate", *args], capture_output=True,
                              text=True, cwd=tmp_path, timeout=180)

    proc = run("site", "--output", "out", "--fix")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["名单.xlsx", "通知.docx", "页面.fixed.html", "页面.html"]
    assert "跳过" in proc.stderr and "说明.txt" in proc.stderr
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()} == before
    again = run("site", "--output", "out")
    assert again.returncode == 2 and "已存在" in again.stderr              # no silent overwrite
    into_itself = run("site/通知.docx", "--output", "site")
    assert into_itself.returncode == 2
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()} == before
    named_txt = run("site/说明.txt", "--output", "out2")
    assert named_txt.returncode == 2 and "不支持" in named_txt.stderr


def test_unsupported_types_say_so():
    with pytest.raises(Unsupported):
        annotate("截止目前".encode(), "a.txt", checker=CHECKER)
