"""gkcheck mask: desensitized copies of every format, formatting kept, originals untouched.

Office files are generated here with openpyxl / python-docx (and one XLSX with shared rich-text
strings written by hand, as Excel writes them); identity numbers and phones come from Faker, so
they are valid (check digit, division code, birth date)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from faker import Faker

from gkcheck import Config
from gkcheck.surfaces.cli import main
from gkcheck.masking.files import mask_bytes, policy_from, privacy_checker
from gkcheck.masking.edits import Edit, replace_in_pieces
from gkcheck.masking.html import mask_html
from gkcheck.masking import MaskPolicy
from gkcheck.model import Finding, GkcheckError, Location


@pytest.fixture(scope="module")
def fake() -> Faker:
    Faker.seed(20261122)
    return Faker("zh_CN")


@pytest.fixture(scope="module")
def pc():
    return privacy_checker(Config())


def privacy_errors(checker, data: bytes, name: str) -> list[Finding]:
    result = checker.check_bytes(data, name)
    assert result.status == "ok", result.error
    return [f for f in result.findings if f.category == "privacy" and f.severity == "error"]


def privacy_left(checker, data: bytes, name: str) -> list[Finding]:
    result = checker.check_bytes(data, name)
    assert result.status == "ok", result.error
    return [f for f in result.findings if f.category == "privacy" and f.match]


def masked_id(value: str) -> str:
    return value[:6] + "*" * 8 + value[-4:]


def masked_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:]


def run_mask(*args: str):
    return CliRunner().invoke(main, ["mask", *args])


# -- the building block ----------------------------------------------------------------------------

def test_replace_in_pieces_keeps_each_character_in_its_run():
    assert replace_in_pieces(["申请人 1101011990", "01011234，"], 4, 22, "110101********1234") == \
        ["申请人 110101****", "****1234，"]
    assert replace_in_pieces(["ab", "cd"], 1, 3, "X") == ["aX", "d"]


# -- text and CSV ----------------------------------------------------------------------------------

def test_mask_bytes_api_text(fake, pc):
    idn, phone = fake.ssn(), fake.phone_number()
    data = f"关于低保的公示\n申请人张某，身份证号：{idn}，联系电话 {phone}。\n".encode()
    result = mask_bytes(data, "公示.txt", checker=pc)
    text = result.data.decode()
    assert masked_id(idn) in text and masked_phone(phone) in text
    assert idn not in text and phone not in text
    assert text.replace(masked_id(idn), idn).replace(masked_phone(phone), phone).encode() == data
    assert [(i.rule, i.location.line, i.location.column, i.masked) for i in result.items] == [
        ("P001", 2, 12, masked_id(idn)), ("P002", 2, 36, masked_phone(phone))]
    assert not privacy_left(pc, result.data, "公示.txt")


def test_nothing_to_mask_returns_the_same_bytes(pc):
    data = "全县已完成改造任务。\n".encode()
    result = mask_bytes(data, "a.txt", checker=pc)
    assert result.data is data and result.items == ()


def test_gbk_csv_stays_gbk_with_crlf(tmp_path, fake, pc):
    people = [(fake.name(), fake.ssn(), fake.phone_number()) for _ in range(3)]
    text = "姓名,身份证号码,联系电话\r\n" + "".join(f"{n},{i},{p}\r\n" for n, i, p in people)
    src = tmp_path / "in" / "名单.csv"
    src.parent.mkdir()
    src.write_bytes(text.encode("gbk"))
    before = src.read_bytes()
    out = tmp_path / "out"
    res = run_mask(str(src), "--output", str(out))
    assert res.exit_code == 0, res.output
    data = (out / "名单.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    masked = data.decode("gbk")
    assert masked.count("\r\n") == 4
    for name, idn, phone in people:
        assert f"{name},{masked_id(idn)},{masked_phone(phone)}\r\n" in masked
    assert src.read_bytes() == before
    assert not privacy_errors(pc, data, "名单.csv")
    assert "B2" in res.output and "第2行" in res.output and "gb18030" in res.output
    for _, idn, phone in people:
        assert idn not in res.output and phone not in res.output


def test_policy_from_options_and_keep():
    policy = policy_from({"keep": {"id": [4, 4], "phone": "3,2"}, "char": "＊"}, ["bank=6,4"])
    assert policy.id == (4, 4) and policy.mobile == (3, 2) and policy.bank == (6, 4) and policy.char == "＊"
    frozen = Config(options=(("mask", (("keep", (("id", (1, 1)),)),)),))
    assert policy_from(frozen.detector_options("mask")).id == (1, 1)
    for bad in (["id=6"], ["foo=1,1"], ["id=a,b"]):
        with pytest.raises(GkcheckError):
            policy_from({}, bad)
    with pytest.raises(GkcheckError):
        policy_from({"chars": "*"})
    with pytest.raises(GkcheckError):
        policy_from({}, (), "a")


def test_keep_option_and_config_section(tmp_path, fake):
    idn, phone = fake.ssn(), fake.phone_number()
    src = tmp_path / "a.txt"
    src.write_text(f"申请人身份证号：{idn}，联系电话 {phone}\n", encoding="utf-8")
    res = run_mask(str(src), "-o", str(tmp_path / "o1"), "--keep", "id=3,1", "--char", "#")
    assert res.exit_code == 0, res.output
    text = (tmp_path / "o1" / "a.txt").read_text("utf-8")
    assert idn[:3] + "#" * 14 + idn[-1] in text and phone[:3] + "####" + phone[-4:] in text
    config = tmp_path / "gkcheck.toml"
    config.write_text('[options.mask]\nkeep = { phone = [0, 4] }\n', encoding="utf-8")
    res = run_mask(str(src), "-o", str(tmp_path / "o2"), "--config", str(config))
    assert res.exit_code == 0, res.output
    assert "*******" + phone[-4:] in (tmp_path / "o2" / "a.txt").read_text("utf-8")
    assert run_mask(str(src), "-o", str(tmp_path / "o3"), "--keep", "id=x").exit_code == 2


def test_existing_output_is_refused_without_overwrite(tmp_path, fake):
    src = tmp_path / "a.txt"
    src.write_text(f"申请人身份证号：{fake.ssn()}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("旧文件", encoding="utf-8")
    res = run_mask(str(src), "-o", str(out))
    assert res.exit_code == 2 and "--overwrite" in res.output
    assert (out / "a.txt").read_text("utf-8") == "旧文件"
    res = run_mask(str(src), "-o", str(out), "--overwrite")
    assert res.exit_code == 0, res.output
    assert "********" in (out / "a.txt").read_text("utf-8")


def test_folder_layout_mirrored_and_broken_file_does_not_stop_the_batch(tmp_path, fake):
    root = tmp_path / "site"
    (root / "2024" / "公示").mkdir(parents=True)
    idn = fake.ssn()
    (root / "2024" / "公示" / "a.txt").write_text(f"申请人身份证号：{idn}\n", encoding="utf-8")
    (root / "clean.md").write_text("# 通知\n全县已完成改造任务。\n", encoding="utf-8")
    (root / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip at all")
    (root / "z.txt").write_text(f"联系电话 {fake.phone_number()}（申请人本人）\n", encoding="utf-8")
    originals = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    res = run_mask(str(root), "--output", str(out))
    assert res.exit_code == 2
    assert "broken.docx" in res.output and "Traceback" not in res.output
    assert masked_id(idn) in (out / "2024" / "公示" / "a.txt").read_text("utf-8")
    assert (out / "clean.md").read_bytes() == originals[root / "clean.md"]
    assert "****" in (out / "z.txt").read_text("utf-8")
    assert not (out / "broken.docx").exists()
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == originals
    assert not [p for p in out.rglob("*.tmp")]


def test_output_folder_inside_the_input_is_not_walked(tmp_path, fake):
    (tmp_path / "a.txt").write_text(f"申请人身份证号：{fake.ssn()}\n", encoding="utf-8")
    assert run_mask(str(tmp_path), "-o", str(tmp_path / "masked")).exit_code == 0
    res = run_mask(str(tmp_path), "-o", str(tmp_path / "masked"), "--overwrite")
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "masked" / "masked").exists()


# -- HTML ------------------------------------------------------------------------------------------

def html_page(body: str) -> str:
    return ('<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"<title>公示</title></head>\n<body>\n{body}\n</body></html>\n")


def test_html_gbk_masked_and_rescanned(tmp_path, fake, pc):
    people = [(fake.name(), fake.ssn(), fake.phone_number()) for _ in range(2)]
    rows = "\n".join(f"<tr><td>{n}</td><td>{i}</td><td>{p}</td></tr>" for n, i, p in people)
    page = html_page(f'<p class="x">申请人张某，身份证号：{people[0][1]}。</p>\n'
                     f"<table>\n<tr><th>姓名</th><th>身份证号码</th><th>联系电话</th></tr>\n{rows}\n</table>")
    src = tmp_path / "gs.html"
    src.write_bytes(page.encode("gbk"))
    res = run_mask(str(src), "-o", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    data = (tmp_path / "out" / "gs.html").read_bytes()
    text = data.decode("gbk")
    expected = page
    for _, idn, phone in people:
        expected = expected.replace(idn, masked_id(idn)).replace(phone, masked_phone(phone))
    assert text == expected
    assert not privacy_errors(pc, data, "gs.html")
    assert "第" in res.output and "行" in res.output


def _finding(match: str, line: int, column: int, rule: str = "P001") -> Finding:
    return Finding(rule, "id-number", "privacy", "error", "", match, None,
                   Location(line=line, column=column), match)


def test_html_masker_steps_over_tags_and_character_references(fake):
    idn = fake.ssn()
    page = f"<p>身份证号：<b>{idn[:6]}</b>&#{ord(idn[6])};{idn[7:]}</p>"
    out = mask_html(page.encode(), "a.html", [Edit(_finding(idn, 1, 9), masked_id(idn))])
    assert out.data.decode() == f"<p>身份证号：<b>{idn[:6]}</b>*{'*' * 7}{idn[-4:]}</p>"
    assert not out.missed


def test_character_that_cannot_be_encoded_fails_the_file(fake):
    idn = fake.ssn()
    page = f'<html><head><meta charset="iso-8859-1"></head><body>ID {idn}</body></html>'
    with pytest.raises(GkcheckError, match="编码"):
        mask_html(page.encode("latin-1"), "a.html",
                  [Edit(_finding(idn, 1, page.index(idn) + 1), idn[:6] + "＊" * 8 + idn[-4:])])


# -- DOCX ------------------------------------------------------------------------------------------

def make_docx(path: Path, fake: Faker) -> dict[str, str]:
    from docx import Document

    values = {"split": fake.ssn(), "phone": fake.phone_number(), "cell_id": fake.ssn(),
              "cell_phone": fake.phone_number(), "header": fake.ssn()}
    doc = Document()
    doc.add_paragraph("关于城乡低保对象的公示")
    p = doc.add_paragraph("申请人张某，身份证号：")
    bold = p.add_run(values["split"][:10])
    bold.bold = True
    p.add_run(values["split"][10:]).italic = True
    p.add_run(f"，联系电话 {values['phone']}。")
    table = doc.add_table(rows=2, cols=3)
    for i, h in enumerate(["姓名", "身份证号码", "联系电话"]):
        table.cell(0, i).text = h
    table.cell(1, 0).text = "李四"
    table.cell(1, 1).text = values["cell_id"]
    table.cell(1, 2).text = values["cell_phone"]
    doc.sections[0].header.paragraphs[0].text = "经办人身份证号：" + values["header"]
    doc.save(path)
    return values


def docx_xml(data: bytes, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(part).decode("utf-8")


def test_docx_runs_keep_formatting_and_split_number_is_masked(tmp_path, fake, pc):
    from docx import Document

    src = tmp_path / "公示.docx"
    values = make_docx(src, fake)
    before = src.read_bytes()
    res = run_mask(str(src), "-o", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    data = (tmp_path / "out" / "公示.docx").read_bytes()
    assert src.read_bytes() == before
    doc = Document(io.BytesIO(data))
    runs = doc.paragraphs[1].runs
    split = values["split"]
    assert runs[1].text == split[:6] + "****" and runs[1].bold
    assert runs[2].text == "****" + split[-4:] and runs[2].italic and not runs[2].bold
    assert masked_phone(values["phone"]) in doc.paragraphs[1].text
    assert doc.tables[0].cell(1, 1).text == masked_id(values["cell_id"])
    assert doc.tables[0].cell(1, 2).text == masked_phone(values["cell_phone"])
    assert doc.sections[0].header.paragraphs[0].text.endswith(masked_id(values["header"]))
    for part in ("word/document.xml", "word/header1.xml"):
        xml = docx_xml(data, part) if part in zipfile.ZipFile(io.BytesIO(data)).namelist() else ""
        for v in values.values():
            assert v not in xml
    assert not privacy_errors(pc, data, "公示.docx")
    # every other part of the package is byte for byte what it was
    with zipfile.ZipFile(io.BytesIO(before)) as a, zipfile.ZipFile(io.BytesIO(data)) as b:
        assert a.namelist() == b.namelist()
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert set(changed) <= {"word/document.xml", "word/header1.xml", "word/header2.xml"}
    assert "正文第2段“" in res.output and "页眉“" in res.output and "表格1 第2行第2列“" in res.output
    for v in values.values():
        assert v not in res.output


TEXTBOX_RUN = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><mc:AlternateContent><mc:Choice Requires="wps">
<w:drawing><wp:anchor><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>申请人身份证号 {id}</w:t></w:r></w:p></w:txbxContent></wps:txbx>
</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>
<w:txbxContent><w:p><w:r><w:t>申请人身份证号 {id}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>
</mc:Fallback></mc:AlternateContent></w:r>"""


def test_docx_tracked_deletion_comment_and_text_box_with_its_fallback_copy(fake, pc):
    from docx import Document
    from docx.oxml import parse_xml

    deleted, commented, boxed = fake.ssn(), fake.ssn(), fake.ssn()
    doc = Document()
    p = doc.add_paragraph("已删除：")
    p._p.append(parse_xml(
        '<w:del xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:id="1" w:author="a" '
        f'w:date="2024-01-01T00:00:00Z"><w:r><w:delText>身份证号 {deleted}</w:delText></w:r></w:del>'))
    anchor = doc.add_paragraph("批注所在段")
    doc.add_comment(anchor.runs, text=f"申请人身份证号 {commented}", author="审核人")
    doc.add_paragraph("带文本框的段落")._p.append(parse_xml(TEXTBOX_RUN.format(id=boxed)))
    buf = io.BytesIO()
    doc.save(buf)
    result = mask_bytes(buf.getvalue(), "a.docx", checker=pc)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))
    for value in (deleted, commented, boxed):
        assert value not in xml and masked_id(value) in xml
    assert xml.count(masked_id(boxed)) == 2  # the text box and its compatibility copy
    where = {i.masked: i.location for i in result.items if i.note is None}
    assert where[masked_id(deleted)].hidden == "修订：已删除"
    assert where[masked_id(commented)].hidden == "批注"
    assert where[masked_id(boxed)].part == "文本框"
    assert not privacy_left(pc, result.data, "a.docx")


# -- XLSX ------------------------------------------------------------------------------------------

def make_xlsx(path: Path, fake: Faker) -> list[tuple[str, str, str]]:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    people = [(fake.name(), fake.ssn(), fake.phone_number()) for _ in range(3)]
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "身份证号码", "联系电话", "金额"])
    for name, idn, phone in people:
        ws.append([name, idn, int(phone), "=ROW()*100"])
    ws["B2"].font = Font(bold=True, color="FF0000")
    ws["C2"].number_format = "000-0000-0000"
    ws["C2"].font = Font(italic=True)
    wb.create_sheet("说明")["A1"] = "本表仅供内部核对。"
    wb.save(path)
    return people


def make_xlsx_extras(path: Path, fake: Faker) -> tuple[str, str]:
    """A list whose comment and hidden sheet hold personal data too."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment

    in_comment, in_hidden = fake.phone_number(), fake.ssn()
    wb = load_workbook(path)
    wb["名单"]["A3"].comment = Comment(f"本人电话 {in_comment}（申请人）", "经办人")
    hidden = wb.create_sheet("备份")
    hidden.sheet_state = "hidden"
    hidden["A1"] = f"申请人身份证号：{in_hidden}"
    wb.save(path)
    return in_comment, in_hidden


def test_xlsx_cells_masked_styles_and_formulas_kept(tmp_path, fake, pc):
    from openpyxl import load_workbook

    src = tmp_path / "名单.xlsx"
    people = make_xlsx(src, fake)
    before = src.read_bytes()
    res = run_mask(str(src), "-o", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    data = (tmp_path / "out" / "名单.xlsx").read_bytes()
    assert src.read_bytes() == before
    ws = load_workbook(io.BytesIO(data))["名单"]
    for row, (name, idn, phone) in enumerate(people, 2):
        assert ws[f"A{row}"].value == name
        assert ws[f"B{row}"].value == masked_id(idn)
        assert ws[f"C{row}"].value == masked_phone(phone)  # a number became text
        assert ws[f"D{row}"].value == "=ROW()*100"
    assert ws["B2"].font.bold and ws["B2"].font.color.rgb == "00FF0000"
    assert ws["C2"].number_format == "000-0000-0000" and ws["C2"].font.italic
    assert not privacy_errors(pc, data, "名单.xlsx")
    assert "名单!B2" in res.output and "名单!C3" in res.output
    for _, idn, phone in people:
        assert idn not in res.output and phone not in res.output


def test_xlsx_comment_and_hidden_sheet(tmp_path, fake, pc):
    from openpyxl import load_workbook

    src = tmp_path / "名单.xlsx"
    make_xlsx(src, fake)
    in_comment, in_hidden = make_xlsx_extras(src, fake)
    result = mask_bytes(src.read_bytes(), "名单.xlsx", checker=pc)
    wb = load_workbook(io.BytesIO(result.data))
    assert wb["名单"]["A3"].comment.text == f"本人电话 {masked_phone(in_comment)}（申请人）"
    assert wb["备份"].sheet_state == "hidden"
    assert wb["备份"]["A1"].value == f"申请人身份证号：{masked_id(in_hidden)}"
    assert {(i.location.sheet, i.location.cell, i.location.hidden) for i in result.items} >= {
        ("名单", "A3", "批注"), ("备份", "A1", "隐藏工作表")}
    assert not privacy_left(pc, result.data, "名单.xlsx")


SST_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"""
SST_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
SST_WB = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
SST_WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""
SST_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/></cellXfs></styleSheet>"""


def make_sst_xlsx(idn: str, other: str, extra_rows: str = "", calc_chain: bool = False) -> bytes:
    """As Excel writes it: shared strings, one of them rich text with the ID split over two runs,
    and the same string used by two cells."""
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
             '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
             '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>4</v></c></row>'
             f'{extra_rows}</sheetData></worksheet>')
    types, wb_rels = SST_TYPES, SST_WB_RELS
    parts = []
    if calc_chain:
        types = types.replace("</Types>", '<Override PartName="/xl/calcChain.xml" ContentType="application/'
                              'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
        wb_rels = wb_rels.replace("</Relationships>", '<Relationship Id="rId9" Type="http://schemas.openxml'
                                  'formats.org/officeDocument/2006/relationships/calcChain" '
                                  'Target="calcChain.xml"/></Relationships>')
        parts.append(("xl/calcChain.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                      '<c r="B4" i="1"/></calcChain>'))
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="5">'
           '<si><t>姓名</t></si><si><t>身份证号码</t></si><si><t>张三</t></si>'
           f'<si><r><rPr><b/></rPr><t>{idn[:8]}</t></r><r><t>{idn[8:]}</t></r></si>'
           f'<si><t>{other}</t></si></sst>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("[Content_Types].xml", types), ("_rels/.rels", SST_RELS),
                           ("xl/workbook.xml", SST_WB), ("xl/_rels/workbook.xml.rels", wb_rels),
                           ("xl/styles.xml", SST_STYLES), ("xl/worksheets/sheet1.xml", sheet),
                           ("xl/sharedStrings.xml", sst), *parts):
            zf.writestr(name, text)
    return out.getvalue()


def test_xlsx_shared_rich_text_masked_run_by_run(fake, pc):
    idn, other = fake.ssn(), fake.ssn()
    data = make_sst_xlsx(idn, other)
    result = mask_bytes(data, "名单.xlsx", checker=pc)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        sst = zf.read("xl/sharedStrings.xml").decode()
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert f"<r><rPr><b/></rPr><t>{idn[:6]}**</t></r><r><t>******{idn[-4:]}</t></r>" in sst
    assert masked_id(other) in sst and idn not in sst and other not in sst
    assert 't="s"' in sheet and "inlineStr" not in sheet
    assert {i.location.cell for i in result.items} == {"B2", "B3"}
    assert not privacy_errors(pc, result.data, "名单.xlsx")


def test_xlsx_string_shared_by_two_listed_cells(fake, pc):
    idn, other = fake.ssn(), fake.ssn()
    again = '<row r="4"><c r="A4" t="s"><v>2</v></c><c r="B4" t="s"><v>4</v></c></row>'
    result = mask_bytes(make_sst_xlsx(idn, other, again), "名单.xlsx", checker=pc)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        sst = zf.read("xl/sharedStrings.xml").decode()
    assert sst.count(masked_id(other)) == 1 and other not in sst
    assert {i.location.cell for i in result.items} == {"B2", "B3", "B4"}
    assert not privacy_left(pc, result.data, "名单.xlsx")


def test_xlsx_formula_computing_an_id_is_replaced_by_its_masked_value(fake, pc):
    idn, other, third = fake.ssn(), fake.ssn(), fake.ssn()
    formula = f'<row r="4"><c r="A4" t="s"><v>2</v></c><c r="B4" t="str"><f>"{third[:9]}"&amp;"{third[9:]}"</f>' \
              f'<v>{third}</v></c><c r="C4"><f>ROW()*2</f><v>8</v></c></row>'
    result = mask_bytes(make_sst_xlsx(idn, other, formula, calc_chain=True), "名单.xlsx", checker=pc)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        names = zf.namelist()
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    assert f'<c r="B4" t="inlineStr"><is><t>{masked_id(third)}</t></is></c>' in sheet
    assert "<f>ROW()*2</f><v>8</v>" in sheet  # other formulas untouched
    assert third[:9] not in sheet
    assert "xl/calcChain.xml" not in names and "calcChain" not in types and "calcChain" not in rels
    notes = {i.location.cell: i.note for i in result.items}
    assert "公式" in notes["B4"]
    assert not privacy_errors(pc, result.data, "名单.xlsx")


def test_html_number_split_by_tags_and_line_break(fake, pc):
    idn = fake.ssn()
    page = ('<html><head><meta charset="utf-8"></head><body>\n'
            f'<p>申请人身份证号 <b>{idn[:10]}</b>&#{ord(idn[10])};{idn[11:]}</p>\n'
            '<p>住址：江西省赣州市\n章贡区红旗大道5号</p>\n</body></html>\n')
    result = mask_bytes(page.encode(), "a.html", checker=pc)
    text = result.data.decode()
    assert f"<b>{idn[:6]}****</b>*{'*' * 3}{idn[-4:]}</p>" in text
    assert "住址：江西省赣州市\n章贡区" in text and "红旗大道5号" not in text
    assert not privacy_left(pc, result.data, "a.html")


def test_policy_keeping_too_much_writes_with_a_warning(tmp_path, fake):
    idn = fake.ssn()
    src = tmp_path / "a.txt"
    src.write_text(f"申请人身份证号：{idn}\n", encoding="utf-8")
    res = run_mask(str(src), "-o", str(tmp_path / "out"), "--keep", "id=6,8")
    assert res.exit_code == 0, res.output
    assert idn[:6] + "****" + idn[-8:] in (tmp_path / "out" / "a.txt").read_text("utf-8")
    assert "注意" in res.output and "P008" in res.output


def test_every_format_rescans_clean_via_api(tmp_path, fake, pc):
    make_docx(tmp_path / "a.docx", fake)
    make_xlsx(tmp_path / "b.xlsx", fake)
    samples = {
        "a.docx": (tmp_path / "a.docx").read_bytes(),
        "b.xlsx": (tmp_path / "b.xlsx").read_bytes(),
        "c.html": html_page(f"<p>申请人身份证号：{fake.ssn()}，电话 {fake.phone_number()}</p>").encode("gbk"),
        "d.csv": f"姓名,身份证号码\n王五,{fake.ssn()}\n".encode("gbk"),
        "e.md": f"# 公示\n\n申请人身份证号：{fake.ssn()}\n".encode(),
        "f.txt": f"低保户李某，联系电话 {fake.phone_number()}。".encode("utf-16"),
    }
    for name, data in samples.items():
        assert privacy_errors(pc, data, name), name
        result = mask_bytes(data, name, MaskPolicy(), checker=pc)
        assert result.items, name
        assert not privacy_errors(pc, result.data, name), name


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared-strings", "inline-strings"])
def test_xlsx_large_list_every_id_and_phone_masked(tmp_path, fake, constant_memory):
    """A list of thousands of rows, masked by the command (the sheet is streamed row by row):
    every cell that held an ID or a mobile number holds its masked form, cell for cell, and
    every other cell is as it was. Phones are written half as text, half as numbers; an ID also
    appears a second time in a remarks cell (a copy the sweep must find)."""
    import python_calamine
    import xlsxwriter

    rows = 3000
    src = tmp_path / "名单.xlsx"
    book = xlsxwriter.Workbook(str(src), {"constant_memory": constant_memory})
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, ["序号", "姓名", "身份证号码", "联系电话", "备注"])
    expected: list[list[object]] = [["序号", "姓名", "身份证号码", "联系电话", "备注"]]
    ids = phones = 0
    for r in range(1, rows + 1):
        pid, phone, name = fake.ssn(), fake.phone_number(), fake.name()
        note = f"代领人身份证号{pid}" if r % 97 == 0 else "无"
        sheet.write_number(r, 0, r)
        sheet.write_string(r, 1, name)
        sheet.write_string(r, 2, pid)
        if r % 2:
            sheet.write_number(r, 3, int(phone))
        else:
            sheet.write_string(r, 3, phone)
        sheet.write_string(r, 4, note)
        ids += 1 + (r % 97 == 0)
        phones += 1
        expected.append([float(r), name, masked_id(pid), masked_phone(phone),
                         note.replace(pid, masked_id(pid))])
    book.close()
    original = src.read_bytes()
    out = tmp_path / "out"
    result = run_mask(str(src), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert src.read_bytes() == original
    assert result.output.count("P001") == ids and result.output.count("P002") == phones
    masked = python_calamine.CalamineWorkbook.from_path(str(out / "名单.xlsx"))
    got = masked.get_sheet_by_name("名单").to_python()
    assert len(got) == rows + 1
    assert got == expected
    assert zipfile.ZipFile(out / "名单.xlsx").testzip() is None
