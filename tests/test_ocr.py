"""OCR of images and scanned PDF pages (readers/ocr, the ``ocr`` extra; docs/formats.md).

The pictures are rendered here with Pillow and the Noto CJK font from Debian (fonts-noto-cjk):
a 20-row 公示 table with names, valid ID numbers (Faker zh_CN: check digit, division code and
birth date right) and mobile numbers, turned by 1.2° and sprinkled with noise like a scan, plus
look-alikes that must not be reported. Recognition is slow on a shared CPU: the recognised
result of the list is made once per test session and shared, and the tests are marked slow.
"""

from __future__ import annotations

import io
import json
import random
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("rapidocr_onnxruntime", reason="the ocr extra (gkcheck[ocr]) is not installed")
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

from gkcheck import Config  # noqa: E402
from gkcheck.checker import Checker  # noqa: E402
from gkcheck.masking.files import mask_bytes, privacy_checker  # noqa: E402
from gkcheck.model import OCR_NOTE  # noqa: E402
from gkcheck.readers import Limits, ReadError  # noqa: E402
from gkcheck.readers.ocr import read_image  # noqa: E402
from gkcheck.surfaces.cli import main  # noqa: E402

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LOOKALIKES = ("110101199003071235", "12345678901")  # an ID whose check digit is wrong; not a mobile

pytestmark = pytest.mark.slow


def people(n: int = 20) -> list[tuple[str, str, str]]:
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(14)
    rows = []
    for _ in range(n):
        rows.append((fake.name(), fake.ssn(min_age=20, max_age=70),
                     fake.numerify(random.Random(len(rows)).choice(["138", "139", "150", "186"]) + "########")))
    return rows


def font(size: int):  # type: ignore[no-untyped-def]
    return ImageFont.truetype(FONT, size)


def render_list(rows: list[tuple[str, str, str]], fmt: str = "PNG") -> bytes:
    """A scanned-looking 公示 table: grid lines, slightly turned, noisy, grey background."""
    width, row_h = 1300, 46
    height = 200 + row_h * (len(rows) + 2)
    image = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(image)
    draw.text((330, 40), "2024年度困难群众临时救助名单公示", font=font(36), fill=20)
    cols = (60, 160, 340, 760, 1060, 1240)
    top = 120
    heads = ("序号", "姓名", "身份证号码", "联系电话", "备注")
    for r, cells in enumerate([heads, *((str(i + 1), *row, "") for i, row in enumerate(rows)),
                               ("21", "项目编号", LOOKALIKES[0], LOOKALIKES[1], "")]):
        y = top + r * row_h
        draw.line((cols[0], y, cols[-1], y), fill=60, width=2)
        for c, text in enumerate(cells):
            draw.text((cols[c] + 12, y + 8), text, font=font(26), fill=15)
    bottom = top + (len(rows) + 2) * row_h
    draw.line((cols[0], bottom, cols[-1], bottom), fill=60, width=2)
    for x in cols:
        draw.line((x, top, x, bottom), fill=60, width=2)
    image = image.rotate(1.2, resample=Image.BICUBIC, expand=True, fillcolor=250)
    rng = random.Random(7)
    px = image.load()
    for _ in range(image.width * image.height // 60):   # salt-and-pepper noise of a scanner
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        px[x, y] = rng.choice((0, 90, 255))
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):  # type: ignore[no-untyped-def]
    rows = people()
    data = render_list(rows)
    path = tmp_path_factory.mktemp("ocr") / "公示名单.png"
    path.write_bytes(data)
    result = Checker(Config()).check_file(path)
    return rows, data, path, result


def test_scanned_list_finds_ids_and_phones(scanned) -> None:
    rows, _, _, result = scanned
    assert result.status == "ok", result.error
    assert result.type == "image"
    found = {(f.rule, f.match.replace(" ", "")) for f in result.findings}
    ids = {("P001", r[1]) for r in rows}
    phones = {("P002", r[2]) for r in rows}
    recall = len(found & (ids | phones)) / 40
    assert recall >= 0.95, (recall, sorted((ids | phones) - found))
    matches = {f.match.replace(" ", "") for f in result.findings if f.category == "privacy"}
    assert not matches & set(LOOKALIKES), matches
    for f in result.findings:
        if f.rule in ("P001", "P002"):
            assert f.location.box and len(f.location.box.split(",")) == 4
            assert f.location.ocr is not None and 0 < f.location.ocr <= 1
            assert f.note and f.note.startswith(OCR_NOTE)


def test_json_and_text_report(tmp_path) -> None:
    path = tmp_path / "notice.png"
    path.write_bytes(small_notice("110101199003074514"))
    runner = CliRunner()
    out = runner.invoke(main, ["scan", "--format", "json", "--fail-on", "never", "--select", "P001", str(path)])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    loc = report["files"][0]["findings"][0]["location"]
    assert loc["box"].count(",") == 3 and loc["ocr"] > 0
    assert OCR_NOTE in report["files"][0]["findings"][0]["note"]
    import jsonschema

    schema = json.loads((Path(__file__).parents[1] / "docs/json-report.schema.json").read_text())
    jsonschema.validate(report, schema)
    text = runner.invoke(main, ["scan", "--fail-on", "never", "--select", "P001", str(path)]).output
    assert OCR_NOTE in text and "(" in text


def test_masked_copy_covers_every_value(scanned, tmp_path) -> None:
    rows, data, path, _ = scanned
    result = mask_bytes(data, str(path), checker=privacy_checker())
    assert result.type == "image" and len(result.items) >= 38
    assert path.read_bytes() == data  # the original is untouched
    again = Checker(Config()).check_bytes(result.data, "masked.png")
    assert again.status == "ok"
    left = [f for f in again.findings if f.rule in ("P001", "P002")]
    assert not left, [(f.rule, f.match) for f in left]
    # the names and the title stay readable: only the values were covered
    texts = " ".join(s.text for s in read_image(result.data, "masked.png", Limits()).segments)
    assert "临时救助名单公示" in texts and rows[0][0] in texts


def make_scanned_pdf(image: bytes, path: Path) -> None:
    """Page 1 with a text layer; page 2 a scanned image with only "- 2 -" as text (reportlab)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 14)
    for i in range(12):
        c.drawString(72, 760 - i * 24, "关于做好年度救助资金发放工作的通知，请各单位按照要求认真落实有关工作。")
    c.showPage()
    w, h = A4
    c.drawImage(ImageReader(io.BytesIO(image)), 20, 50, width=w - 40, height=h - 70)
    c.setFont("Helvetica", 10)
    c.drawString(w / 2 - 10, 30, "- 2 -")
    c.showPage()
    c.save()


def small_notice(id_number: str, fmt: str = "PNG") -> bytes:
    image = Image.new("L", (720, 180), 255)
    draw = ImageDraw.Draw(image)
    draw.text((30, 30), "申请人：王建国", font=font(30), fill=0)
    draw.text((30, 100), f"身份证号：{id_number}", font=font(30), fill=0)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def scanned_page(id_number: str) -> bytes:
    """An A4 page scanned at 100 dpi: a short notice at the top, the rest blank paper."""
    image = Image.new("L", (827, 1140), 245)
    draw = ImageDraw.Draw(image)
    draw.text((60, 80), "临时救助审批表", font=font(30), fill=0)
    draw.text((60, 150), f"身份证号：{id_number}", font=font(24), fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_scanned_pdf_page_is_recognised(tmp_path) -> None:
    id_number = people(1)[0][1]
    pdf = tmp_path / "scan.pdf"
    make_scanned_pdf(scanned_page(id_number), pdf)
    result = Checker(Config()).check_file(pdf)
    assert result.status == "ok", result.error
    hits = [f for f in result.findings if f.rule == "P001"]
    assert [f.match for f in hits] == [id_number]
    assert hits[0].location.page == 2 and hits[0].location.box
    # the page, the recognised line quoted (its number masked) and the box to find it in the image
    box = hits[0].location.box.replace(",", ", ")
    assert hits[0].location.describe() == f"第2页“身份证号：{id_number[:3]}****…” ({box})"
    assert not [f for f in result.findings if f.rule == "H005"]  # the page was checked


def test_huge_image_is_a_clear_error(tmp_path) -> None:
    """A 30,000 × 30,000 PNG (900 M pixels, ~110 KB of zeros) is refused before it is decoded."""
    side = 30_000
    raw = zlib.compress(b"\x00" * ((side // 8 + 1) * side), 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
           + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    path = tmp_path / "bomb.png"
    path.write_bytes(png)
    result = Checker(Config()).check_file(path)
    assert result.status == "error"
    assert "图片过大" in result.error and "Traceback" not in result.error
    with pytest.raises(ReadError, match="上限"):
        read_image(png, "bomb.png", Limits(max_image_pixels=1_000_000))


def test_page_time_limit_is_a_clear_error() -> None:
    data = small_notice("110101199003074514", "BMP")
    with pytest.raises(ReadError, match="超过 0.01 秒"):
        read_image(data, "slow.bmp", Limits(ocr_page_seconds=0.01))


def test_truncated_image_is_a_clear_error(tmp_path) -> None:
    data = small_notice("110101199003074514")[:3000]
    result = Checker(Config()).check_bytes(data, "cut.png")
    assert result.status == "error" and "图片" in result.error


def test_folder_walk_ocr_only_when_asked(tmp_path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.png").write_bytes(small_notice("110101199003074514"))
    (tmp_path / "site" / "index.html").write_text("<p>通知</p>", encoding="utf-8")
    plain = Checker(Config()).scan([tmp_path / "site"])
    assert [f.type for f in plain.files] == ["html"] and plain.skipped["images"] == 1
    runner = CliRunner()
    (tmp_path / "site" / "b.jpg").write_bytes(small_notice("110101199003071233", "JPEG"))
    # two forked workers (--jobs), each with its own recogniser, after this process built one
    out = runner.invoke(main, ["scan", "--ocr", "-j", "2", "--format", "json", "--fail-on", "never",
                               str(tmp_path / "site")])
    report = json.loads(out.output)
    types = sorted(f["type"] for f in report["files"])
    assert types == ["html", "image", "image"] and report["summary"]["skipped"]["images"] == 0
    rules = [x["rule"] for f in report["files"] for x in f["findings"]]
    assert "P001" in rules


def test_mask_scanned_pdf_page(tmp_path) -> None:
    id_number = people(1)[0][1]
    pdf = tmp_path / "scan.pdf"
    make_scanned_pdf(scanned_page(id_number), pdf)
    data = pdf.read_bytes()
    result = mask_bytes(data, str(pdf), checker=privacy_checker())  # the copy was checked again inside
    assert [item.location.page for item in result.items] == [2]
    assert pdf.read_bytes() == data
    from gkcheck.readers.pdf import read_pdf

    doc = read_pdf(result.data, "masked.pdf", Limits())
    page1 = [s.text for s in doc.segments if s.base.page == 1 and s.base.ocr is None]
    assert page1 and "救助资金发放" in page1[0]  # the text page kept its text layer
    assert id_number not in " ".join(s.text for s in doc.segments)
