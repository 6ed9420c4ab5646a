"""The monthly rectification table (整改台账) the offices file, from the ledger.

Rows: every finding that was open at some time in the month — found in it, or found earlier and
not yet fixed when it began — with its state at the end of the month: 序号, 单位/网站, 栏目或文件,
问题类型, 问题描述, 发现日期, 整改日期, 整改情况, 备注; grouped by unit (config ``units``:
path or URL prefix = 单位名称), then by document and date. Counts per category and unit, and
(HTML) an inline SVG chart of the open findings on each scan date. No personal value appears:
the ledger holds none.
"""

from __future__ import annotations

import calendar
import html
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Protocol

from ..model import CATEGORIES, CATEGORY_NAMES, GkcheckError
from .lifecycle import MARKS, OPEN_STATES, STATE_NAMES, state_on

if TYPE_CHECKING:
    from .store import Store

HEADERS = ("序号", "单位/网站", "栏目或文件", "问题类型", "问题描述", "发现日期", "整改日期", "整改情况", "备注")
FORMATS = ("xlsx", "html", "json")


class LedgerView(Protocol):
    """What the monthly table reads of a :class:`~gkcheck.ledger.Ledger` (which imports this
    module, so it is described here rather than imported)."""

    store: Store

    def findings(self) -> Iterable[Any]: ...

    def unit_of(self, doc: str) -> str: ...


@dataclass(frozen=True)
class MonthTable:
    month: str
    rows: tuple[tuple[Any, ...], ...]                 # in HEADERS order
    counts: tuple[tuple[str, tuple[int, ...]], ...]   # unit → count per category (CATEGORIES order)
    history: tuple[tuple[str, int], ...]              # (scan date, open findings) up to month end
    fingerprints: tuple[str, ...]                     # one per row

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "headers": list(HEADERS),
                "rows": [dict(zip(HEADERS, r), fingerprint=fp) for r, fp in zip(self.rows, self.fingerprints)],
                "counts": {unit: dict(zip(CATEGORIES, c)) for unit, c in self.counts},
                "history": [{"date": d, "open": n} for d, n in self.history]}


def month_bounds(month: str) -> tuple[str, str]:
    try:
        year, mon = (int(x) for x in month.split("-"))
        last = calendar.monthrange(year, mon)[1]
    except (ValueError, calendar.IllegalMonthError):
        raise GkcheckError(f"无法识别的月份：{month}（请用 YYYY-MM）") from None
    return f"{year:04d}-{mon:02d}-01", f"{year:04d}-{mon:02d}-{last:02d}"


def month_table(ledger: LedgerView, month: str) -> MonthTable:
    first, last = month_bounds(month)
    entries = {e.fp: e for e in ledger.findings()}
    with ledger.store.read() as tx:
        rows = tx.all("SELECT fp, day, state FROM events ORDER BY day, id")
        scan_days = [r[0] for r in tx.all("SELECT DISTINCT scan_date FROM scans WHERE scan_date <= ? "
                                          "ORDER BY scan_date", (last,))]
    events: dict[str, list[tuple[str, str]]] = {}
    for fp, day, state in rows:
        events.setdefault(fp, []).append((day, state))
    picked = []
    for fp, entry in entries.items():
        ev = events.get(fp, [])
        state, mark, since = state_on(ev, last)
        if state is None:
            continue
        before, _, _ = state_on(ev, _day_before(first))
        if before is not None and before not in OPEN_STATES:
            # fixed or gone before the month began: in the month only if it came back
            if not any(first <= d <= last and s in OPEN_STATES for d, s in ev):
                continue
        if state in OPEN_STATES and mark:
            shown = STATE_NAMES[mark]
        else:
            shown = STATE_NAMES[state]
        fixed = since if state in ("fixed", "gone") else ""
        note = ""
        if mark:
            marked_on = max(d for d, s in ev if s in MARKS and d <= last)
            note = f"{STATE_NAMES[mark]}：{entry.mark_reason or ''}（{entry.mark_user}，{marked_on}）"
        unit = ledger.unit_of(entry.doc)
        description = _description(entry)
        picked.append((unit, entry.doc, entry.first_date, description, fp,
                       (unit, entry.doc, CATEGORY_NAMES[entry.category], description, entry.first_date,
                        fixed, shown, note)))
    picked.sort(key=lambda p: p[:5])
    table_rows = tuple((n, *p[5]) for n, p in enumerate(picked, 1))
    counts: dict[str, list[int]] = {}
    for p in picked:
        entry = entries[p[4]]
        counts.setdefault(p[0], [0] * len(CATEGORIES))[CATEGORIES.index(entry.category)] += 1
    history = []
    for day in scan_days:
        n = 0
        for ev in events.values():
            state, mark, _ = state_on(ev, day)
            if state in OPEN_STATES and not mark:
                n += 1
        history.append((day, n))
    return MonthTable(month, table_rows, tuple((u, tuple(c)) for u, c in sorted(counts.items())),
                      tuple(history), tuple(p[4] for p in picked))


def _day_before(day: str) -> str:
    from datetime import date, timedelta

    return str(date.fromisoformat(day) - timedelta(days=1))


def _description(entry: Any) -> str:
    text = f"{entry.message}：“{entry.shown}”" if entry.shown else entry.message
    if entry.suggestion:
        text += f" → 建议改为“{entry.suggestion}”"
    elif entry.suggestion == "":
        text += " → 建议删除"
    return f"{text}（{entry.rule}）"


def render(table: MonthTable, fmt: str) -> str | bytes:
    if fmt == "json":
        return json.dumps(table.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return render_html(table)
    if fmt == "xlsx":
        return render_xlsx(table)
    raise GkcheckError(f"未知的报告格式：{fmt}")


def _title(table: MonthTable) -> str:
    year, mon = table.month.split("-")
    return f"{int(year)}年{int(mon)}月政务公开内容问题整改台账"


def render_xlsx(table: MonthTable) -> bytes:
    """Sheet 整改台账 (title row, header row, one row per finding; every cell text) and sheet
    分类统计 (unit × category counts)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "align": "center"})
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    sheet = book.add_worksheet("整改台账")
    widths = (6, 20, 36, 12, 50, 12, 12, 12, 30)
    for c, w in enumerate(widths):
        sheet.set_column(c, c, w)
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, _title(table), title)
    sheet.write_row(1, 0, HEADERS, head)
    for r, row in enumerate(table.rows, 2):
        sheet.write_number(r, 0, row[0], cell)
        for c, value in enumerate(row[1:], 1):
            sheet.write_string(r, c, str(value), cell)
    sheet.freeze_panes(2, 0)
    stats = book.add_worksheet("分类统计")
    stats.write_row(0, 0, ("单位/网站", *(CATEGORY_NAMES[c] for c in CATEGORIES), "合计"), head)
    for r, (unit, counts) in enumerate(table.counts, 1):
        stats.write_string(r, 0, unit, cell)
        for c, n in enumerate((*counts, sum(counts)), 1):
            stats.write_number(r, c, n, cell)
    book.close()
    return buffer.getvalue()


def chart_svg(history: tuple[tuple[str, int], ...], width: int = 640, height: int = 220) -> str:
    """Open findings on each scan date as an inline SVG line chart (no scripts, no fonts fetched)."""
    if not history:
        return "<p>暂无扫描记录。</p>"
    left, right, top, bottom = 48, 16, 16, 40
    top_value = max(n for _, n in history) or 1
    step = (width - left - right) / max(1, len(history) - 1)
    points = [(left + i * step, top + (height - top - bottom) * (1 - n / top_value)) for i, (_, n) in enumerate(history)]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="未整改问题数量变化" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>',
             f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{top_value}</text>',
             f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11">0</text>',
             '<polyline fill="none" stroke="#c00000" stroke-width="2" points="'
             + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>']
    for (day, n), (x, y) in zip(history, points):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#c00000"><title>{day}：{n}</title></circle>')
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="10">{day[5:]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(table: MonthTable) -> str:
    esc = html.escape
    out = ["<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
           f"<title>{esc(_title(table))}</title><style>body{{font-family:sans-serif;margin:2em}}"
           "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:4px 6px;"
           "vertical-align:top}th{background:#eee}</style></head><body>",
           f"<h1>{esc(_title(table))}</h1>", "<h2>未整改问题数量</h2>", chart_svg(table.history),
           "<h2>分类统计</h2><table><tr><th>单位/网站</th>"
           + "".join(f"<th>{CATEGORY_NAMES[c]}</th>" for c in CATEGORIES) + "<th>合计</th></tr>"]
    for unit, counts in table.counts:
        out.append(f"<tr><td>{esc(unit)}</td>" + "".join(f"<td>{n}</td>" for n in counts)
                   + f"<td>{sum(counts)}</td></tr>")
    out.append("</table><h2>问题清单</h2><table><tr>" + "".join(f"<th>{h}</th>" for h in HEADERS) + "</tr>")
    for row in table.rows:
        out.append("<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>")
    out.append("</table></body></html>\n")
    return "".join(out)
