"""Issue 12, defect 5: personal data placed only where a reader used to look away.

Each case plants a mobile number in one place an office program or a browser shows (or keeps)
text, and asserts: the scan finds it there (with a location that names the place), and ``gkcheck
mask`` either masks it (the re-check of the copy finds nothing) or refuses to write a copy. Files
are built with the real libraries (python-docx, openpyxl) plus lxml/zip edits for the parts
those libraries do not write."""

from __future__ import annotations

import pytest

from gkcheck.masking.edits import MaskError
from gkcheck.masking.files import mask_bytes, privacy_checker

PHONE = "13907971234"


def _phone_findings(checker, data: bytes, name: str):
    result = checker.check_bytes(data, name)
    assert result.status == "ok", result.error
    return [f for f in result.findings if f.category == "privacy" and PHONE in f.match], result


def assert_found_and_masked(checker, data: bytes, name: str, where: str | None = None):
    """Found (in ``where``, a substring of the location), then masked or refused, never kept."""
    found, _ = _phone_findings(checker, data, name)
    assert found, f"{name}: the planted number was not found"
    if where is not None:
        assert any(where in f.location.describe() for f in found), [f.location.describe() for f in found]
    try:
        masked = mask_bytes(data, name, checker=privacy_checker())
    except MaskError:
        return "refused"
    assert PHONE not in masked.data.decode("utf-8", "replace") or name.endswith((".docx", ".xlsx"))
    again, _ = _phone_findings(checker, masked.data, name)
    assert not again, f"{name}: the masked copy still holds the number"
    return "masked"


# -- HTML ---------------------------------------------------------------------------------------

HTML_CASES = {
    "srcdoc": (f'<p>公示</p><iframe srcdoc="&lt;p&gt;申请人电话{PHONE}&lt;/p&gt;"></iframe>', "iframe srcdoc"),
    "input-value": (f'<p>公示</p><input type="text" value="{PHONE}">', "input value"),
    "input-hidden": (f'<p>公示</p><input type="hidden" name="t" value="{PHONE}">', "隐藏表单字段"),
    "placeholder": (f'<p>公示</p><textarea placeholder="如：{PHONE}"></textarea>', "placeholder"),
    "option-label": (f'<p>公示</p><select><option label="张三 {PHONE}">张三</option></select>', "label"),
    "button-value": (f'<p>公示</p><button name="b" value="{PHONE}">提交</button>', "button value"),
    "css-style": (f'<style>.t::after {{ content: "电话{PHONE}" }}</style><p class="t">公示</p>', "CSS content"),
    "css-attr": (f'<p style=\'content:"电话{PHONE}"\'>公示</p>', "CSS content"),
    "object-data-html": (f'<p>公示</p><object data="data:text/html,<p>电话{PHONE}</p>"></object>', "data: 文档"),
    "embed-data-text": (f'<p>公示</p><embed src="data:text/plain;charset=utf-8,电话{PHONE}">', "data: 文档"),
    "iframe-data-b64": ('<p>公示</p><iframe src="data:text/html;base64,'
                        'PHA+55S16K+dMTM5MDc5NzEyMzQ8L3A+"></iframe>', "data: 文档"),
    "document-write": (f'<p>公示</p><script>document.write("<p>电话{PHONE}</p>");</script>', "脚本"),
    "innerHTML": (f'<p>公示</p><div id=x></div><script>x.innerHTML = \'联系人王五，{PHONE}\';</script>', "脚本"),
    "cdata": (f'<p>公示</p><![CDATA[申请人张三手机{PHONE}]]>', "HTML注释"),
    "bogus-end-tag": (f'<p>公示</p></ 申请人张三手机{PHONE}>', "HTML注释"),
    "processing-instruction": (f'<p>公示</p><?note 申请人张三手机{PHONE}?>', "HTML注释"),
    "script-template": (f'<script type="text/html"><li>电话{PHONE}</li></script><p>公示</p>', "脚本模板"),
}


@pytest.mark.parametrize("case", sorted(HTML_CASES))
def test_html_place_is_read_and_masked_or_refused(checker, case):
    page, where = HTML_CASES[case]
    data = f"<html><body>{page}</body></html>".encode()
    outcome = assert_found_and_masked(checker, data, f"{case}.html", where)
    if case != "iframe-data-b64":  # base64 cannot be masked in place: refused
        assert outcome == "masked"


def test_html_object_of_an_unreadable_type_is_not_clean(checker):
    data = b'<p>\xe5\x85\xac\xe7\xa4\xba</p><object data="data:application/pdf;base64,JVBERi0xLjQK"></object>'
    result = checker.check_bytes(data, "obj.html")
    h005 = [f for f in result.findings if f.rule == "H005"]
    assert h005 and h005[0].severity == "error" and h005[0].location.line == 1


def test_mask_refuses_a_file_with_content_it_could_not_read():
    """A masked copy of a page with an unreadable embedded PDF could still hold the data."""
    data = "<p>申请人张三</p><object data=\"data:application/pdf;base64,JVBERi0xLjQK\"></object>".encode()
    with pytest.raises(MaskError) as err:
        mask_bytes(data, "obj.html", checker=privacy_checker())
    assert "未能检查" in str(err.value)


def test_script_strings_are_not_reported_as_hidden_text(checker):
    """A validation message in a script is read (typos, data) but is no H001 warning."""
    page = '<p>公示</p><script>alert("请输入正确的十一位手机号码，谢谢配合");</script>'.encode()
    result = checker.check_bytes(page, "form.html")
    assert not [f for f in result.findings if f.rule == "H001"]


# -- XLSX ---------------------------------------------------------------------------------------

def _xlsx(build) -> bytes:
    import io

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["A1"], ws["A2"] = "姓名", "张三"
    build(wb, ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _chart(title: str):
    from openpyxl.chart import BarChart, Reference

    def build(wb, ws):
        ws["B1"], ws["B2"] = "人数", 3
        chart = BarChart()
        chart.title = title
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2), titles_from_data=True)
        ws.add_chart(chart, "D2")
    return build


def _chartsheet(wb, ws):
    from openpyxl.chart import PieChart, Reference

    ws["B1"], ws["B2"] = "人数", 3
    chart = PieChart()
    chart.title = f"申请人张三手机{PHONE}"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2), titles_from_data=True)
    cs = wb.create_chartsheet("图")
    cs.add_chart(chart)


def _header(wb, ws):
    ws.oddHeader.center.text = f"经办人电话{PHONE}"


def _footer(wb, ws):
    ws.oddFooter.right.text = f"&P 页 联系电话{PHONE}"


def _validation_prompt(wb, ws):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="whole", prompt=f"如有疑问请致电{PHONE}", promptTitle="提示", showInputMessage=True)
    ws.add_data_validation(dv)
    dv.add("B2")


def _validation_list(wb, ws):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=f'"张三{PHONE},李四"')
    ws.add_data_validation(dv)
    dv.add("C2")


def _sheet_name(wb, ws):
    other = wb.create_sheet(f"王五{PHONE}")
    other["A1"] = "备注"


def _formula(wb, ws):
    ws["B2"] = '="电话"&"1390797"&"1234"'  # openpyxl writes no cached value


def _formula_whole(wb, ws):
    ws["B2"] = f'="申请人张三手机"&"{PHONE}"'


XLSX_CASES = {
    "chart-title": (_chart(f"申请人张三手机{PHONE}"), "图表"),
    "chartsheet": (_chartsheet, "图表"),
    "header": (_header, "页眉"),
    "footer": (_footer, "页脚"),
    "validation-prompt": (_validation_prompt, "数据验证"),
    "validation-list": (_validation_list, "数据验证"),
    "sheet-name": (_sheet_name, "工作表名称"),
    "formula-no-cache": (_formula, "公式"),
    "formula-literal": (_formula_whole, "公式"),
}


@pytest.mark.parametrize("case", sorted(XLSX_CASES))
def test_xlsx_place_is_read_and_masked_or_refused(checker, case):
    build, where = XLSX_CASES[case]
    outcome = assert_found_and_masked(checker, _xlsx(build), f"{case}.xlsx", where)
    # a sheet is not renamed (formulas name it); a number split over formula literals is not
    # written whole anywhere: both are refused, every other place is masked
    assert outcome == ("refused" if case in ("sheet-name", "formula-no-cache") else "masked")


def test_the_name_of_a_hidden_sheet_is_no_filled_cell(checker):
    """The name of a hidden sheet is read (as text on that sheet) but is not a filled cell."""
    def build(wb, ws):
        wb.create_sheet("空表").sheet_state = "hidden"
    result = checker.check_bytes(_xlsx(build), "empty-hidden.xlsx")
    assert not [f for f in result.findings if f.rule == "H002" and "非空单元格" in f.message]


# -- DOCX ---------------------------------------------------------------------------------------

AFCHUNK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"
DIAGRAM_DATA = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/diagramData"


def _docx(build) -> bytes:
    import io

    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("关于公示名单的说明")
    build(d)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _add_part(d, name: str, content_type: str, blob: bytes, reltype: str) -> str:
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = Part(PackURI(name), content_type, blob, d.part.package)
    return d.part.relate_to(part, reltype)


def _alt_chunk(name: str, content_type: str, blob: bytes):
    def build(d):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        rid = _add_part(d, name, content_type, blob, AFCHUNK)
        el = OxmlElement("w:altChunk")
        el.set(qn("r:id"), rid)
        d.element.body.insert(1, el)  # after the first paragraph, before w:sectPr
    return build


def _smartart(d):
    blob = ('<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>'
            '<dgm:pt modelId="1"><dgm:t><a:bodyPr/><a:p><a:r><a:t>申请人张三手机</a:t></a:r>'
            f'<a:r><a:t>{PHONE}</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>').encode()
    _add_part(d, "/word/diagrams/data1.xml",
              "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml", blob, DIAGRAM_DATA)


def _alt_text(d):
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(png, "PNG")
    png.seek(0)
    d.add_picture(png)
    pr = d.element.body.xpath(".//wp:docPr")[0]
    pr.set("descr", f"申请人张三手机{PHONE}的照片")


DOCX_CASES = {
    "altchunk-html": (_alt_chunk("/word/afchunk1.htm", "text/html",
                                 f"<html><body><p>申请人张三手机{PHONE}</p></body></html>".encode()), "altChunk"),
    "altchunk-text": (_alt_chunk("/word/afchunk2.txt", "text/plain", f"申请人张三手机{PHONE}".encode()), "altChunk"),
    "smartart": (_smartart, "SmartArt"),
    "alt-text": (_alt_text, "图片替代文字"),
}


@pytest.mark.parametrize("case", sorted(DOCX_CASES))
def test_docx_place_is_read_and_masked_or_refused(checker, case):
    build, where = DOCX_CASES[case]
    assert assert_found_and_masked(checker, _docx(build), f"{case}.docx", where) == "masked"


def test_docx_rtf_altchunk_is_not_clean(checker):
    rtf = b"{\\rtf1\\ansi \\u30003?\\u35805? 13907971234}"
    data = _docx(_alt_chunk("/word/afchunk3.rtf", "application/rtf", rtf))
    result = checker.check_bytes(data, "rtf-chunk.docx")
    from gkcheck.readers import READERS

    if "rtf" not in READERS:  # no RTF reader: the chunk is reported as not checked
        h005 = [f for f in result.findings if f.rule == "H005"]
        assert h005 and h005[0].severity == "error" and "afchunk3.rtf" in h005[0].message
        with pytest.raises(MaskError):
            mask_bytes(data, "rtf-chunk.docx", checker=privacy_checker())
    else:
        assert [f for f in result.findings if f.category == "privacy"]


# -- PDF ----------------------------------------------------------------------------------------

def _pdf(build) -> bytes:
    import io

    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 750, "关于公示名单的说明")
    build(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _note(c):
    c.textAnnotation(f"申请人张三手机{PHONE}", Rect=(72, 600, 200, 650))


def _field(c):
    c.acroForm.textfield(name="phone", value=f"mobile {PHONE}", x=72, y=500, width=300, height=20)


def _attachment(data: bytes, name: str) -> bytes:
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(_pdf(lambda c: None))
    att = pdf.new_attachment(name)
    att.set_data(data)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


@pytest.mark.parametrize("case,where", [("note", "PDF 注释"), ("field", "PDF 表单域"),
                                        ("attached-text", "PDF 附件"), ("attached-docx", "PDF 附件")])
def test_pdf_place_is_read(checker, case, where):
    if case == "note":
        data = _pdf(_note)
    elif case == "field":
        data = _pdf(_field)
    elif case == "attached-text":
        data = _attachment(f"申请人张三手机{PHONE}".encode(), "名单.txt")
    else:
        data = _attachment(_docx(lambda d: d.add_paragraph(f"申请人张三手机{PHONE}")), "名单.docx")
    found, _ = _phone_findings(checker, data, f"{case}.pdf")
    assert found and any(where in f.location.describe() for f in found), [f.location.describe() for f in found]


def test_pdf_attachment_no_reader_reads_is_not_clean(checker):
    result = checker.check_bytes(_attachment(b"\x00\x01binary" * 10, "数据.bin"), "bin.pdf")
    assert [f for f in result.findings if f.rule == "H005" and "数据.bin" in f.message]


def _defined_name(wb, ws):
    from openpyxl.workbook.defined_name import DefinedName

    dn = DefinedName("联系人", attr_text=f'"申请人张三手机{PHONE}"')
    try:
        wb.defined_names[dn.name] = dn
    except TypeError:  # openpyxl < 3.1
        wb.defined_names.append(dn)


def _number_format(wb, ws):
    ws["B2"] = 5
    ws["B2"].number_format = f'"申请人张三手机{PHONE}："0'




@pytest.mark.parametrize("case,build,where", [("defined-name", _defined_name, "定义的名称"),
                                              ("number-format", _number_format, "数字格式")])
def test_xlsx_workbook_places(checker, case, build, where):
    assert assert_found_and_masked(checker, _xlsx(build), f"{case}.xlsx", where) == "masked"


def test_xlsx_pivot_cache_keeps_deleted_rows(checker):
    """A pivot cache that still holds a row deleted from the sheet: read (hidden), masked."""
    import io
    import zipfile

    src = _xlsx(lambda wb, ws: None)
    records = ('<?xml version="1.0" encoding="UTF-8"?><pivotCacheRecords '
               'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
               f'<r><s v="张三"/><s v="申请人张三手机{PHONE}"/></r></pivotCacheRecords>').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        zout.writestr("xl/pivotCache/pivotCacheRecords1.xml", records)
    data = out.getvalue()
    found, result = _phone_findings(checker, data, "pivot.xlsx")
    assert found and "数据透视表缓存" in found[0].location.describe()
    assert not [f for f in result.findings if f.match == "张三" and "数据透视表缓存" in f.location.describe()]
    assert assert_found_and_masked(checker, data, "pivot.xlsx", "数据透视表缓存") == "masked"


PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
OLE_OBJECT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"


def _with_object(d, name: str, content_type: str, blob: bytes, reltype: str, progid: str) -> None:
    from docx.oxml import parse_xml

    rid = _add_part(d, name, content_type, blob, reltype)
    p = d.add_paragraph()
    p._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:object>'
        '<o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'Type="Embed" ProgID="{progid}" r:id="{rid}"/></w:object></w:r>'))


def test_docx_embedded_workbook_is_read_and_the_copy_refused(checker):
    """A worksheet pasted into Word as an object shows a picture; the workbook inside is read."""
    book = _xlsx(lambda wb, ws: ws.__setitem__("B2", f"申请人张三手机{PHONE}"))
    data = _docx(lambda d: _with_object(
        d, "/word/embeddings/Microsoft_Excel_Worksheet.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", book, PACKAGE, "Excel.Sheet.12"))
    assert assert_found_and_masked(checker, data, "object.docx", "嵌入对象") == "refused"


def test_docx_old_format_worksheet_object_is_not_clean_but_an_equation_is_no_news(checker):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    sheet = _docx(lambda d: _with_object(d, "/word/embeddings/oleObject1.bin",
                                         "application/vnd.openxmlformats-officedocument.oleObject", ole,
                                         OLE_OBJECT, "Excel.Sheet.8"))
    result = checker.check_bytes(sheet, "ole.docx")
    assert [f for f in result.findings if f.rule == "H005" and "Excel.Sheet.8" in f.message]
    equation = _docx(lambda d: _with_object(d, "/word/embeddings/oleObject2.bin",
                                            "application/vnd.openxmlformats-officedocument.oleObject", ole,
                                            OLE_OBJECT, "Equation.3"))
    assert not [f for f in checker.check_bytes(equation, "eq.docx").findings if f.rule == "H005"]
