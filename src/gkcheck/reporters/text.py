"""The report for people: grouped by file, each finding with its place, the text in context and
what to write instead, in Chinese. Personal data is masked."""

from __future__ import annotations

from ..model import SEVERITY_NAMES, Report
from . import coverage_line, escape_controls, printable, private_values, shown_context, shown_match


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
        for f in result.findings:
            head = f"  {f.location.describe()}  {SEVERITY_NAMES[f.severity]} {f.rule} {f.message}"
            if f.ledger_state:
                head += f"  [台账：{LEDGER_NAMES.get(f.ledger_state, f.ledger_state)} {f.fingerprint}]"
            out.append(head)
            match = shown_match(f, private)
            if f.suggestion:
                out.append(f"      “{match}” → 建议改为 “{f.suggestion}”")
            elif f.suggestion == "":
                out.append(f"      “{match}” → 建议删除")
            elif match:
                out.append(f"      “{match}”" + (f" → 建议：{f.advice}" if f.advice else ""))
            elif f.advice:
                out.append(f"      建议：{f.advice}")
            context = shown_context(f, private)
            if context and context != match:
                out.append(f"      上下文：…{context}…")
            if f.note:
                out.append(f"      说明：{f.note}")
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
