"""Large lists for the job and web-page tests: a real XLSX written with xlsxwriter (row by row,
constant memory), each row with an ID number, a mobile number and a repeated typo."""

from __future__ import annotations

from pathlib import Path

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(i: int) -> str:
    """A fictitious ID number with a valid check digit, different for each ``i`` below 336,000."""
    base = f"110101{1950 + i % 50}{i % 12 + 1:02d}{i % 28 + 1:02d}{i // 600 % 1000:03d}"
    return base + "10X98765432"[sum(int(c) * w for c, w in zip(base, WEIGHTS)) % 11]


def big_list(path: Path, rows: int) -> Path:
    """``rows`` people on sheet 名单 (header row first): 序号, 姓名, 身份证号, 联系电话, 备注."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, ["序号", "姓名", "身份证号", "联系电话", "备注"])
    for i in range(1, rows + 1):
        sheet.write_row(i, 0, [str(i), f"张{i % 97}", id_number(i), f"139{i:08d}", "截止目前已发放"])
    book.close()
    return path
