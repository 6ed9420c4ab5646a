"""The rectification table (整改清单) as an Excel workbook, shaped like the tables the offices
attach to their inspection notices (序号 / 网站或文件 / 主要存在问题 / 主办单位 / 发现日期 /
整改日期).

Sheet ``问题清单``: a title row, then one row per group of findings (groups.py: the same rule and
text at several places is one row ×N with every place in 位置; a hidden block is one row) — 序号, 文件, 位置, 类别, 级别, 规则,
问题, 原文, 上下文, 修改建议, 责任单位 (from the configuration's ``[units]``), 发现日期 — and the
columns 整改情况 and 整改日期 left empty for the office to fill (整改情况 offers a drop-down list).
The header row is frozen, has an autofilter and repeats on every printed page; the sheet prints
landscape on A4, one page wide, each row as high as its wrapped text. The title cell also says
what was checked and what was not. Sheet ``无法检查的文件`` lists the files that were not checked and why.
Personal data is masked. Every value is written as a string (a cell beginning with ``=`` stays
text, never a formula).
"""

from __future__ import annotations

import io
import math
import unicodedata
from datetime import date, datetime
from typing import Callable

from ..model import Report
from . import CATEGORY_NAMES, SEVERITY_NAMES, coverage, printable, private_values, shown_context, shown_match
from .groups import Group, cells_text, group_findings, inside_summary

# (header, width in characters): about 190 characters, so one A4 landscape page wide prints at
# about 75 % (a 11-point font prints at about 8 points)
COLUMNS = (("序号", 5), ("文件", 22), ("位置", 14), ("类别", 8), ("级别", 5), ("规则", 6),
           ("问题", 28), ("原文", 14), ("上下文", 30), ("修改建议", 14), ("责任单位", 12),
           ("发现日期", 11), ("整改情况", 9), ("整改日期", 11))
UNIT_COL, DAY_COL, STATE_COL, FIXED_COL = 10, 11, 12, 13
LINE_HEIGHT = 15.0        # points per line of an 11-point font (CJK glyphs included)
MAX_LINES = 27            # Excel's row height limit is 409 points
FAILED_COLUMNS = (("序号", 6), ("文件", 50), ("原因", 60), ("发现日期", 12))
STATES = ["已整改", "整改中", "无需整改"]
MAX_CELL = 32767          # Excel's limit on the characters of one cell
DATE_FORMAT = "yyyy-mm-dd"


def render(report: Report, *, generated: date | datetime | None = None,
           units: tuple[tuple[str, str], ...] = (), **_: object) -> bytes:
    """``generated``: the date in the 发现日期 column and the title (default: today); ``units``:
    the configuration's ``[units]`` (path or URL prefix → unit) for the 责任单位 column."""
    from ..config import unit_for

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
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter",
                                  "text_wrap": True}),
        "note": book.add_format({"font_size": 10, "bold": False}),
        "header": book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "align": "center",
                                   "valign": "vcenter", "text_wrap": True}),
        "cell": book.add_format({"border": 1, "valign": "top", "text_wrap": True}),
        "center": book.add_format({"border": 1, "valign": "top", "align": "center"}),
        "date": book.add_format({"border": 1, "valign": "top", "align": "center",
                                 "num_format": DATE_FORMAT}),
        "error": book.add_format({"border": 1, "valign": "top", "align": "center", "bold": True,
                                  "font_color": "#C00000"}),
    }
    _findings_sheet(book, report, day, fmt, lambda path: unit_for(units, path))
    _failed_sheet(book, report, day, fmt)
    book.close()
    return buffer.getvalue()


def _findings_sheet(book, report: Report, day: date, fmt: dict,  # type: ignore[no-untyped-def]
                    unit: Callable[[str], str]) -> None:
    sheet = book.add_worksheet("问题清单")
    last_col = len(COLUMNS) - 1
    title = f"政务公开内容检查问题整改清单（{day:%Y-%m-%d}）"
    done, not_done = coverage(report)
    sheet.merge_range(0, 0, 0, last_col, title, fmt["title"])
    sheet.write_rich_string(0, 0, fmt["title"], title, fmt["note"], f"\n{done}；{not_done}。", fmt["title"])
    sheet.set_row(0, 40)
    _header(sheet, 1, COLUMNS, fmt)
    row = 2
    for result in report.files:
        private = private_values(result)
        owner = unit(result.path)
        for group in group_findings(result.findings):
            f = group.first
            severity = group.severity
            level = "error" if severity == "error" else "center"
            where, message, context = _group_cells(group, private)
            cells = ((result.path, "cell"), (where, "cell"),
                     (CATEGORY_NAMES[f.category], "center"), (SEVERITY_NAMES[severity], level),
                     (f.rule, "center"), (message, "cell"),
                     (shown_match(f, private), "cell"), (context, "cell"),
                     (_suggestion(f.suggestion, f.advice), "cell"), (owner, "cell"))
            sheet.write_number(row, 0, row - 1, fmt["center"])
            lines = 1
            for col, (value, style) in enumerate(cells, 1):
                text = printable(value[:MAX_CELL])
                sheet.write_string(row, col, text, fmt[style])
                if style == "cell":
                    lines = max(lines, wrapped_lines(text, COLUMNS[col][1]))
            sheet.write_datetime(row, DAY_COL, datetime(day.year, day.month, day.day), fmt["date"])
            sheet.write_blank(row, STATE_COL, None, fmt["center"])
            sheet.write_blank(row, FIXED_COL, None, fmt["date"])
            sheet.set_row(row, min(lines, MAX_LINES) * LINE_HEIGHT + 3)
            row += 1
    last_row = max(row - 1, 1)
    sheet.autofilter(1, 0, last_row, last_col)
    sheet.freeze_panes(2, 0)
    if row > 2:
        sheet.data_validation(2, STATE_COL, row - 1, STATE_COL, {"validate": "list", "source": STATES,
                                                                 "ignore_blank": True})
        sheet.data_validation(2, FIXED_COL, row - 1, FIXED_COL, {
            "validate": "date", "criteria": ">=", "value": datetime(2000, 1, 1), "ignore_blank": True,
            "error_message": "请填写日期，如 2024-01-08"})
    _print_setup(sheet)


def _group_cells(group: Group, private) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """位置, 问题 and 上下文 of one group's row: every place of a ×N group in 位置 (docs/reports.md),
    a hidden block's text and what it holds in 上下文, a folded list column's cells in 问题."""
    f = group.first
    where = f.location.describe()
    message = f.message
    if group.kind == "same" and group.count > 1:
        message += f" ×{group.count}"
        where = f"共 {group.count} 处：" + "、".join(group.places())
    if f.cells:
        message += f"（单元格：{cells_text(f)}）"
    if f.note:
        message += f"（说明：{f.note}）"
    context = shown_context(f, private)
    if group.kind == "hidden":
        context = f"隐藏的文字：“{context}”" if context and context != f.match else ""
        if group.inside:
            context += "\n其中含有：" + inside_summary(group, ((g, shown_match(g, private)) for g in group.inside))
    return where, message, context


def _print_setup(sheet) -> None:  # type: ignore[no-untyped-def]
    """A4 landscape, one page wide, narrow margins, the header row on every page, page numbers."""
    sheet.repeat_rows(1)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.5)
    sheet.center_horizontally()
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide (a Chinese
    character is two characters wide), so the row can be sized: xlsxwriter cannot measure text
    and Excel does not size rows of a file it opens."""
    usable = max(width - 2, 1)
    total = 0
    for line in text.split("\n"):
        cols = sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in line)
        # a line breaks before a word or punctuation that does not fit: about a tenth is lost
        total += max(1, math.ceil(cols * 1.1 / usable))
    return total


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
    sheet.repeat_rows(0)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def _header(sheet, row: int, columns: tuple[tuple[str, int], ...], fmt: dict) -> None:  # type: ignore[no-untyped-def]
    for col, (name, width) in enumerate(columns):
        sheet.write_string(row, col, name, fmt["header"])
        sheet.set_column(col, col, width)
    sheet.set_row(row, 20)


def _suggestion(suggestion: str | None, advice: str | None = None) -> str:
    """The replacement, 删除, or (no single replacement) what to do instead."""
    if suggestion == "":
        return "删除"
    return suggestion or advice or ""
