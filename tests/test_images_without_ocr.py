"""Without OCR, an image is never silently clean: named on the command line it is a file that
could not be checked, saying how to enable OCR; met in a folder walk it is passed over and
counted in the summary (issue 14, item 5's last bullets)."""

from __future__ import annotations

import io
import json

from click.testing import CliRunner
from PIL import Image

from gkcheck.surfaces.cli import main


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
    assert "跳过图片 2 个" in res.output
