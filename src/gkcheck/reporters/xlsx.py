"""The rectification table (整改清单) as an Excel workbook, shaped like the tables the offices
attach to their inspection notices (序号 / 网站或文件 / 主要存在问题 / 主办单位 / 发现日期 /
整改日期).

Sheet ``问题清单``: a title row, then one row per finding — 序号, 文件, 位置, 类别, 级别, 规则,
问题, 原文, 上下文, 修改建议, 发现日期 — and the columns 整改情况 and 整改日期 left empty for the
office to fill (整改情况 offers a drop-down list). The header row is frozen and has an
autofilter. Sheet ``无法检查的文件`` lists the files that were not checked and why.
Personal data is masked. Every value is written as a string (a cell beginning with ``=`` stays
text, never a formula).
"""

from __future__ import annotations

import io
from datetime import date, datetime

from ..model import Report
from . import CATEGORY_NAMES, SEVERITY_NAMES, printable, private_values, shown_context, shown_match

# (header, width in characters)
COLUMNS = (("序号", 6), ("文件", 30), ("位置", 18), ("类别", 12), ("级别", 6), ("规则", 7),
           ("问题", 30), ("原文", 20), ("上下文", 42), ("修改建议", 20), ("发现日期", 12),
           ("整改情况", 12), ("整改日期", 12))
FAILED_COLUMNS = (("序号", 6), ("文件", 50), ("原因", 60), ("发现日期", 12))
STATES = ["已整改", "整改中", "无需整改"]
MAX_CELL = 32767          # Excel's limit on the characters of one cell
DATE_FORMAT = "yyyy-mm-dd"


def render(report: Report, *, generated: date | datetime | None = None, **_: object) -> bytes:
    """``generated``: the date in the 发现日期 column and the title (default: today)."""
    import xlsxwriter

    day = generated or date.today()
    if isinstance(day, datetime):
        day = day.date()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"title": "政务公开内容检查问题整改清单", "author": "gkcheck",
                         "comments": f"gkcheck {report.version}",
                         "created": datetime(day.year, day.month, day.day)})
    fmt = {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "header": book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "align": "center",
                                   "valign": "vcenter", "text_wrap": True}),
        "cell": book.add_format({"border": 1, "valign": "top", "text_wrap": True}),
        "center": book.add_format({"border": 1, "valign": "top", "align": "center"}),
        "date": book.add_format({"border": 1, "valign": "top", "align": "center",
                                 "num_format": DATE_FORMAT}),
        "error": book.add_format({"border": 1, "valign": "top", "align": "center", "bold": True,
                                  "font_color": "#C00000"}),
    }
    _findings_sheet(book, report, day, fmt)
    _failed_sheet(book, report, day, fmt)
    book.close()
    return buffer.getvalue()


def _findings_sheet(book, report: Report, day: date, fmt: dict) -> None:  # type: ignore[no-untyped-def]
    sheet = book.add_worksheet("问题清单")
    last_col = len(COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last_col, f"政务公开内容检查问题整改清单（{day:%Y-%m-%d}）", fmt["title"])
    sheet.set_row(0, 28)
    _header(sheet, 1, COLUMNS, fmt)
    row = 2
    for result in report.files:
        private = private_values(result)
        for f in result.findings:
            level = "error" if f.severity == "error" else "center"
            cells = ((result.path, "cell"), (f.location.describe(), "cell"),
                     (CATEGORY_NAMES[f.category], "center"), (SEVERITY_NAMES[f.severity], level),
                     (f.rule, "center"), (f.message + (f"（说明：{f.note}）" if f.note else ""), "cell"),
                     (shown_match(f, private), "cell"), (shown_context(f, private), "cell"),
                     (_suggestion(f.suggestion), "cell"))
            sheet.write_number(row, 0, row - 1, fmt["center"])
            for col, (value, style) in enumerate(cells, 1):
                sheet.write_string(row, col, printable(value[:MAX_CELL]), fmt[style])
            sheet.write_datetime(row, 10, datetime(day.year, day.month, day.day), fmt["date"])
            sheet.write_blank(row, 11, None, fmt["center"])
            sheet.write_blank(row, 12, None, fmt["date"])
            row += 1
    last_row = max(row - 1, 1)
    sheet.autofilter(1, 0, last_row, last_col)
    sheet.freeze_panes(2, 0)
    if row > 2:
        sheet.data_validation(2, 11, row - 1, 11, {"validate": "list", "source": STATES,
                                                   "ignore_blank": True})
        sheet.data_validation(2, 12, row - 1, 12, {
            "validate": "date", "criteria": ">=", "value": datetime(2000, 1, 1), "ignore_blank": True,
            "error_message": "请填写日期，如 2024-01-08"})
    sheet.repeat_rows(1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def _failed_sheet(book, report: Report, day: date, fmt: dict) -> None:  # type: ignore[no-untyped-def]
    sheet = book.add_worksheet("无法检查的文件")
    _header(sheet, 0, FAILED_COLUMNS, fmt)
    row = 1
    for result in report.files:
        if result.status != "error":
            continue
        sheet.write_number(row, 0, row, fmt["center"])
        sheet.write_string(row, 1, printable(result.path[:MAX_CELL]), fmt["cell"])
        sheet.write_string(row, 2, printable((result.error or "")[:MAX_CELL]), fmt["cell"])
        sheet.write_datetime(row, 3, datetime(day.year, day.month, day.day), fmt["date"])
        row += 1
    sheet.autofilter(0, 0, max(row - 1, 0), len(FAILED_COLUMNS) - 1)
    sheet.freeze_panes(1, 0)


def _header(sheet, row: int, columns: tuple[tuple[str, int], ...], fmt: dict) -> None:  # type: ignore[no-untyped-def]
    for col, (name, width) in enumerate(columns):
        sheet.write_string(row, col, name, fmt["header"])
        sheet.set_column(col, col, width)
    sheet.set_row(row, 20)


def _suggestion(suggestion: str | None) -> str:
    if suggestion == "":
        return "删除"
    return suggestion or ""
