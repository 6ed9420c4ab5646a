"""The report for people: grouped by file, each finding with its place, the text in context and
what to write instead, in Chinese. Personal data is masked. Findings with the same rule and
text are one group (``×N`` with their places), a hidden block one group with what it holds
(groups.py, docs/reports.md)."""

from __future__ import annotations

from ..model import SEVERITY_NAMES, Report
from . import coverage_line, escape_controls, printable, private_values, shown_context, shown_match
from .groups import TEXT_PLACES, Group, cells_text, group_findings, inside_summary


# a finding's ledger_state (docs/ledger.md) as people read it
LEDGER_NAMES = {"new": "新问题", "known": "已知", "ignored": "已忽略", "reopened": "重新出现"}


def render(report: Report, **_: object) -> str:
    out: list[str] = []
    for result in report.files:
        if result.status == "error":
            out.append(f"{result.path}: 无法检查：{result.error}")
            out.append("")
            continue
        if not result.findings:
            continue
        out.append(f"{result.path}（{len(result.findings)} 处问题）")
        private = private_values(result)
        for group in group_findings(result.findings):
            out += _group_lines(group, private)
        out.append("")
    s = report.summary()
    sev = s["by_severity"]
    out.append(f"共检查 {s['files']} 个文件：错误 {sev['error']}，警告 {sev['warning']}，提示 {sev['info']}"
               + (f"；{s['files_failed']} 个文件无法检查" if s["files_failed"] else "")
               + (f"；文中标记跳过 {s['suppressed']} 处" if s["suppressed"] else ""))
    out.append(coverage_line(report))
    # each line is one line on the terminal: an escape sequence or a line break in a file name or
    # in the text of a document is shown escaped (\x1b, \n), a non-UTF-8 byte of a name as \xff
    return printable("\n".join(escape_controls(line) for line in out) + "\n")


def _group_lines(group: Group, private) -> list[str]:  # type: ignore[no-untyped-def]
    f = group.first
    out: list[str] = []
    times = f" ×{group.count}" if group.kind == "same" and group.count > 1 else ""
    head = f"  {f.location.describe()}  {SEVERITY_NAMES[group.severity]} {f.rule} {f.message}{times}"
    if f.ledger_state:
        head += f"  [台账：{LEDGER_NAMES.get(f.ledger_state, f.ledger_state)} {f.fingerprint}]"
    out.append(head)
    match = shown_match(f, private)
    if f.suggestion:
        out.append(f"      “{match}” → 建议改为 “{f.suggestion}”")
    elif f.suggestion == "":
        out.append(f"      “{match}” → 建议删除")
    elif match and group.kind != "hidden":
        out.append(f"      “{match}”" + (f" → 建议：{f.advice}" if f.advice else ""))
    elif f.advice:
        out.append(f"      建议：{f.advice}")
    context = shown_context(f, private)
    if group.kind == "hidden":
        if context and context != f.match:
            out.append(f"      隐藏的文字：“{context}”")
        if group.inside:
            out.append("      其中含有：" + inside_summary(group, ((g, shown_match(g, private)) for g in group.inside)))
    elif context and context != match:
        out.append(f"      上下文：…{context}…")
    if f.cells:
        out.append(f"      单元格：{cells_text(f)}")
    if f.note:
        out.append(f"      说明：{f.note}")
    if group.kind == "same" and group.count > 1:
        places = group.places()
        more = f" 等，共 {len(places)} 处（完整列表见 HTML、XLSX 或 JSON 报告）" if len(places) > TEXT_PLACES else ""
        out.append("      位置：" + "、".join(places[:TEXT_PLACES]) + more)
    return out
