"""What a report says was checked and what was not (issue 13, item 7), and the 整改清单's
责任单位 column and print layout (item 6)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from gkcheck.checker import Checker
from gkcheck.config import Config, config_from_mapping, load_config_file, unit_for
from gkcheck.model import GkcheckError
from gkcheck.reporters import render

SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "json-report.schema.json").read_text())


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "jyj" / "img").mkdir(parents=True)
    (root / "jyj" / "通知.txt").write_text("截止目前，已有12个单位报名。\n", encoding="utf-8")
    (root / "公告.txt").write_text("各单位认真落实。\n", encoding="utf-8")
    (root / "jyj" / "img" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "jyj" / "img" / "b.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "style.css").write_text("p{}")
    (root / ".draft.txt").write_text("截止目前")
    (root / "old").mkdir()
    (root / "old" / "x.txt").write_text("截止目前")
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    return root


def _scan(root: Path, **config) -> tuple[Checker, object]:
    checker = Checker(Config(exclude=("old",), **config))
    return checker, checker.scan([root])


def test_the_walk_counts_what_it_passed_over(site):
    _, report = _scan(site)
    assert report.skipped == {"images": 2, "other": 1, "hidden": 1, "excluded": 1}
    summary = report.summary()
    assert summary["skipped"] == {"images": 2, "other": 1, "hidden": 1, "excluded": 1, "outside": 0}
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, SCHEMA)
    assert data["summary"]["skipped"]["images"] == 2


def test_every_human_report_says_what_was_not_checked(site):
    _, report = _scan(site)
    text = render(report, "text")
    line = text.strip().splitlines()[-1]
    assert line.startswith("已检查 2 个文件（文本 2）；未检查：无法读取 1 个、图片 2 个、")
    assert "隐藏文件或目录 1 个" in line and "按排除规则跳过 1 项" in line
    html = render(report, "html")
    assert "未检查：无法读取 1 个、图片 2 个" in html
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    assert "未检查：无法读取 1 个、图片 2 个" in book["问题清单"]["A1"].value


def test_a_clean_single_file_still_says_what_was_not_read(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("各单位认真落实。", encoding="utf-8")
    report = Checker().scan([path])
    assert render(report, "text").strip().splitlines()[-1] == \
        "已检查 1 个文件（文本 1）；未检查：无；图片中的文字不识别（不做 OCR）。"


def test_units_longest_prefix_wins():
    units = (("site/", "县政府办公室"), ("site/jyj/", "县教育局"), ("https://www.example.gov.cn/wjw/", "县卫健委"))
    assert unit_for(units, "site/jyj/通知.txt") == "县教育局"
    assert unit_for(units, "./site/公告.txt") == "县政府办公室"
    assert unit_for(units, "site\\jyj\\a.html") == "县教育局"
    assert unit_for(units, "https://WWW.example.gov.cn/wjw/1.html") == "县卫健委"
    assert unit_for(units, "other/a.txt") == ""


def test_units_config_is_strict(tmp_path):
    good = tmp_path / "gkcheck.toml"
    good.write_text('[units]\n"site/jyj/" = "县教育局"\n', encoding="utf-8")
    assert load_config_file(good).units == (("site/jyj/", "县教育局"),)
    for bad in ({"units": ["site/"]}, {"units": {"site/": 3}}, {"units": {"site/": " "}}, {"unit": {}}):
        with pytest.raises(GkcheckError):
            config_from_mapping(bad, tmp_path / "gkcheck.toml")


def test_xlsx_unit_column_and_print_setup_through_the_cli(site, tmp_path):
    (tmp_path / "gkcheck.toml").write_text('exclude = ["old"]\n[units]\n"site/jyj/" = "县教育局"\n"site/" = "县政府办公室"\n',
                                           encoding="utf-8")
    out = tmp_path / "清单.xlsx"
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "scan", "site", "--format", "xlsx", "-o", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr                       # broken.docx
    book = openpyxl.load_workbook(out)
    sheet = book["问题清单"]
    header = [c.value for c in sheet[2]]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    unit = header.index("责任单位")
    assert {(Path(r[1]).name, r[unit]) for r in rows} == {("通知.txt", "县教育局")}
    # printing: landscape A4, one page wide, header row repeated, rows sized to their wrapped text
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0   # 1 is the default
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2"
    assert all(sheet.row_dimensions[r].height >= 15 for r in range(3, 3 + len(rows)))


def test_rows_are_as_high_as_their_wrapped_text():
    from gkcheck.reporters.xlsx import wrapped_lines

    assert wrapped_lines("截止目前", 14) == 1
    assert wrapped_lines("截" * 5, 14) == 1
    assert wrapped_lines("截" * 13, 14) == 3          # 26 columns in 12 usable, a tenth lost to breaks
    assert wrapped_lines("a\nb", 14) == 2
    assert wrapped_lines("x" * 40, 11) == 5


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdfinfo"), reason="LibreOffice/poppler")
def test_xlsx_prints_one_page_wide_in_libreoffice(site, tmp_path):
    _, report = _scan(site)
    path = tmp_path / "清单.xlsx"
    path.write_bytes(render(report, "xlsx"))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180, check=True)
    info = subprocess.run(["pdfinfo", str(tmp_path / "清单.pdf")], capture_output=True, text=True,
                          check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split(" x "))
    assert width > height                                    # landscape
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages")).split()[1])
    assert pages == 2                                         # one page wide: the findings sheet and the failed-files sheet
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "清单.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "整改日期" in text and "责任单位" in text       # the last column is on the page
