"""Without OCR, an image is never silently clean: named on the command line it is a file that
could not be checked, saying how to enable OCR; met in a folder walk it is passed over and
counted in the summary (issue 14, item 5's last bullets).

The test extra installs the ocr extra, so "not installed" is made the way Python itself marks a
module that cannot be imported: ``sys.modules["rapidocr_onnxruntime"] = None`` (``find_spec``
then says it is not there and ``import`` fails), and the real code paths run."""

from __future__ import annotations

import io
import json
import sys

import pytest
from click.testing import CliRunner
from PIL import Image

from gkcheck.surfaces.cli import main


@pytest.fixture(autouse=True)
def without_ocr(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, "PNG")
    return buf.getvalue()


def test_named_image_is_an_error_that_says_how_to_enable_ocr(checker, tmp_path) -> None:
    for name in ("公示.png", "名单.JPG"):
        path = tmp_path / name
        path.write_bytes(_png())
        result = checker.check_file(path)
        assert result.status == "error" and "OCR" in (result.error or "") and "gkcheck[ocr]" in (result.error or "")


def test_folder_walk_counts_skipped_images(checker, tmp_path) -> None:
    (tmp_path / "a.png").write_bytes(_png())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jpg").write_bytes(_png())
    (tmp_path / "style.css").write_text("body{}")
    (tmp_path / "通知.txt").write_text("截止目前已完成。", encoding="utf-8")
    report = checker.scan([tmp_path])
    assert [r.path for r in report.files] == [str(tmp_path / "通知.txt")]
    assert report.summary()["skipped"]["images"] == 2
    res = CliRunner().invoke(main, ["scan", str(tmp_path), "--format", "json"])
    assert json.loads(res.output)["summary"]["skipped"]["images"] == 2
    res = CliRunner().invoke(main, ["scan", str(tmp_path)])
    assert "未检查：图片 2 个" in res.output  # the coverage line (was "跳过图片", failing on the base)



def test_scanned_pdf_page_without_ocr_is_h005(checker, tmp_path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    Image.new("L", (400, 560), 200).save(buf, "PNG")
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 760, "Notice: the list of applicants is attached on the next page of this file.")
    c.showPage()
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 20, 50, width=A4[0] - 40, height=A4[1] - 70)
    c.drawString(A4[0] / 2, 30, "- 2 -")
    c.showPage()
    c.save()
    result = checker.check_file(path)
    unread = [f for f in result.findings if f.rule == "H005"]
    assert result.status == "ok" and [f.location.page for f in unread] == [2]


def test_ocr_option_without_the_extra_is_a_usage_error(tmp_path) -> None:
    (tmp_path / "a.png").write_bytes(_png())
    res = CliRunner().invoke(main, ["scan", "--ocr", str(tmp_path)])
    assert res.exit_code == 2 and "gkcheck[ocr]" in res.output
