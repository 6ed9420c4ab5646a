"""The HTML report for editors: one self-contained page in Chinese, opened from a folder or an
e-mail, offline.

Summary counts, then the findings grouped by file (the same finding at several places is one
row ×N with its places in a collapsed list; a hidden block is one row that quotes its text and
names what it holds: groups.py), each with its place, level, category, rule,
message, the text in its context with the matched words in ``<mark>``, and what to write
instead. Checkboxes filter by category and level (a few lines of inline script; without script
every finding shows). Nothing is loaded from anywhere: styles and script are inline and the
page's Content-Security-Policy forbids every other source. All text from the checked files is
HTML-escaped; personal data is masked.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from ..model import CATEGORIES, SEVERITIES, FileResult, Finding, Report
from . import CATEGORY_NAMES, SEVERITY_NAMES, coverage, printable, private_values, shown_context, shown_match
from .groups import Group, cells_text, group_findings, inside_summary

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

STYLE = """
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 1.5em;
       color: #222; line-height: 1.5; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.1em; margin: 1.5em 0 .4em; word-break: break-all; }
h2 .counts { font-weight: normal; color: #555; font-size: .9em; }
.meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
table.list { table-layout: fixed; }
th, td { border: 1px solid #ccc; padding: .3em .5em; vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
table.summary { width: auto; }
table.summary td { text-align: right; }
mark { background: #ffe066; padding: 0 1px; }
.times { font-weight: bold; color: #b00020; white-space: nowrap; }
details.places summary, .inside summary { cursor: pointer; color: #1f5fa8; }
details.places ol { margin: .2em 0 0 1.2em; padding: 0; max-height: 20em; overflow: auto; }
.level { white-space: nowrap; font-weight: bold; }
.error .level { color: #b00020; }
.warning .level { color: #a15c00; }
.info .level { color: #1f5fa8; }
.level, .category, .rule { white-space: nowrap; }
.where, td { overflow-wrap: anywhere; }
.note { color: #555; font-size: .9em; }
.fix { color: #0a6b2d; }
section.failed { border-left: 4px solid #b00020; padding-left: .8em; }
section.failed p { color: #b00020; }
#filters { border: 1px solid #ccc; padding: .5em 1em; margin: 1em 0; background: #fafafa; }
#filters fieldset { border: none; display: inline-block; margin: 0 1.5em 0 0; padding: 0; }
#filters legend { font-weight: bold; float: left; margin-right: .5em; }
#filters label { margin-right: .8em; white-space: nowrap; }
[hidden] { display: none !important; }
@media print { #filters { display: none; } }
"""

# Filters rows by their data-category / data-severity; a file whose rows are all hidden hides.
SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  var boxes = form.querySelectorAll("input[type=checkbox]");
  var total = document.querySelectorAll("tr.finding").length;
  function update() {
    var on = {};
    boxes.forEach(function (box) { on[box.name + ":" + box.value] = box.checked; });
    var shown = 0;
    document.querySelectorAll("section.findings").forEach(function (section) {
      var visible = 0;
      section.querySelectorAll("tr.finding").forEach(function (row) {
        var show = on["category:" + row.dataset.category] && on["severity:" + row.dataset.severity];
        row.hidden = !show;
        if (show) { visible += 1; }
      });
      section.hidden = visible === 0;
      shown += visible;
    });
    document.getElementById("shown").textContent = "显示 " + shown + " / " + total + " 条";
  }
  document.getElementById("show-all").addEventListener("click", function () {
    boxes.forEach(function (box) { box.checked = true; });
    update();
  });
  form.addEventListener("change", update);
  form.hidden = false;
  update();
})();
"""


def render(report: Report, *, generated: datetime | None = None, **_: object) -> str:
    """``generated``: the time printed in the header (default: now)."""
    generated = generated or datetime.now()
    summary = report.summary()
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
           "<title>gkcheck 检查报告</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
           "<h1>政务公开内容检查报告</h1>",
           f'<p class="meta">gkcheck {_e(report.version)} · 生成于 {generated:%Y-%m-%d %H:%M}</p>']
    out += _summary(summary)
    done, not_done = coverage(report)
    out.append(f'<p class="coverage">{_e(done)}。<strong>{_e(not_done)}</strong>。</p>')
    out += _filters(summary)
    for result in report.files:
        if result.status == "error":
            out += _failed(result)
        elif result.findings:
            out += _file(result)
    clean = [r.path for r in report.files if r.status == "ok" and not r.findings]
    if clean:
        out.append(f"<details><summary>未发现问题的文件（{len(clean)} 个）</summary><ul>")
        out += [f"<li>{_e(path)}</li>" for path in clean]
        out.append("</ul></details>")
    if not summary["findings"] and not summary["files_failed"]:
        out.append("<p>没有发现问题。</p>")
    out += [f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return printable("\n".join(out)) + "\n"


def _summary(summary: dict) -> list[str]:
    sev, cat = summary["by_severity"], summary["by_category"]
    head = (f"<p>共检查 {summary['files']} 个文件，{summary['files_with_findings']} 个有问题，"
            f"共 {summary['findings']} 处：错误 {sev['error']}，警告 {sev['warning']}，提示 {sev['info']}。")
    if summary["files_failed"]:
        head += f'<strong>{summary["files_failed"]} 个文件无法检查</strong>（见下文，不等于没有问题）。'
    rows = "".join(f"<tr><th>{CATEGORY_NAMES[c]}</th><td>{cat[c]}</td></tr>" for c in CATEGORIES if cat[c])
    out = [head + "</p>"]
    if rows:
        out.append(f'<table class="summary"><thead><tr><th>类别</th><th>问题数</th></tr></thead>'
                   f"<tbody>{rows}</tbody></table>")
    return out


def _filters(summary: dict) -> list[str]:
    """The filter form, hidden until the script shows it (without script everything shows)."""
    if not summary["findings"]:
        return []

    def boxes(name: str, names: dict[str, str], counts: dict[str, int], order: tuple[str, ...]) -> str:
        return "".join(f'<label><input type="checkbox" name="{name}" value="{key}" checked> '
                       f"{names[key]}（{counts[key]}）</label>" for key in order if counts[key])

    return ['<form id="filters" hidden>',
            "<fieldset><legend>类别</legend>"
            + boxes("category", CATEGORY_NAMES, summary["by_category"], CATEGORIES) + "</fieldset>",
            "<fieldset><legend>级别</legend>"
            + boxes("severity", SEVERITY_NAMES, summary["by_severity"], SEVERITIES) + "</fieldset>",
            '<button type="button" id="show-all">全部显示</button> <span id="shown"></span>',
            "</form>"]


def _failed(result: FileResult) -> list[str]:
    return ['<section class="failed">', f"<h2>{_e(result.path)}</h2>",
            f"<p>无法检查：{_e(result.error or '')}（该文件没有被检查，不等于没有问题）</p>", "</section>"]


def _file(result: FileResult) -> list[str]:
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in SEVERITIES}
    label = "，".join(f"{SEVERITY_NAMES[s]} {n}" for s, n in counts.items() if n)
    private = private_values(result)
    out = ['<section class="findings">',
           f'<h2>{_e(result.path)} <span class="counts">（{len(result.findings)} 处：{label}）</span></h2>',
           '<table class="list"><colgroup><col style="width:13%"><col style="width:5em"><col style="width:7em">'
           '<col style="width:5em"><col style="width:25%"><col><col style="width:14%"></colgroup>'
           "<thead><tr><th>位置</th><th>级别</th><th>类别</th><th>规则</th><th>问题</th>"
           "<th>原文及上下文</th><th>修改建议</th></tr></thead><tbody>"]
    out += [_row(g, private) for g in group_findings(result.findings)]
    out += ["</tbody></table>", "</section>"]
    return out


def _row(group: Group, private: tuple[str, ...]) -> str:
    """One group (groups.py): a finding, or the same finding at ×N places (listed in a
    collapsed <details>), or a hidden block with its text and what it holds."""
    f = group.first
    note = f'<div class="note">说明：{_e(f.note)}</div>' if f.note else ""
    if f.cells:
        note += f'<div class="note cells">单元格：{_e(cells_text(f))}</div>'
    if f.ledger_state:   # scanned with a ledger (docs/ledger.md)
        from .text import LEDGER_NAMES

        note += (f'<div class="note ledger" data-ledger="{_e(f.ledger_state)}">台账：'
                 f'{LEDGER_NAMES.get(f.ledger_state, _e(f.ledger_state))} {_e(f.fingerprint or "")}</div>')
    where = _e(f.location.describe())
    times = ""
    if group.kind == "same" and group.count > 1:
        times = f' <span class="times">×{group.count}</span>'
        where += (f'<details class="places"><summary>全部 {group.count} 处</summary><ol>'
                  + "".join(f"<li>{_e(p)}</li>" for p in group.places()) + "</ol></details>")
    if group.kind == "hidden":
        context = shown_context(f, private)
        shown = f"隐藏的文字：“{_e(context)}”" if context and context != f.match else _e(f.match)
        if group.inside:
            items = "".join(f"<li>{_e(g.location.describe())} {SEVERITY_NAMES[g.severity]} {_e(g.rule)} "
                            f"{_e(g.message)}：<mark>{_e(shown_match(g, private))}</mark></li>"
                            for g in group.inside)
            shown += (f'<div class="inside">其中含有：{_e(inside_summary(group, ((g, shown_match(g, private)) for g in group.inside)))}'
                      f'<details><summary>逐条（{len(group.inside)} 条）</summary><ul>{items}</ul></details></div>')
    else:
        shown = _in_context(shown_match(f, private), shown_context(f, private))
    return (f'<tr class="finding {group.severity}" data-category="{f.category}" data-severity="{group.severity}"'
            f' data-count="{group.count}">'
            f'<td class="where">{where}</td>'
            f'<td class="level">{SEVERITY_NAMES[group.severity]}</td>'
            f'<td class="category">{CATEGORY_NAMES[f.category]}</td>'
            f'<td class="rule" title="{_e(f.name)}">{_e(f.rule)}</td>'
            f"<td>{_e(f.message)}{times}{note}</td>"
            f"<td>{shown}</td>"
            f'<td class="fix">{_suggestion(f)}</td></tr>')


def _in_context(match: str, context: str) -> str:
    """The context with the matched text marked (each part escaped on its own)."""
    at = context.find(match) if match else -1
    if at < 0:
        shown = _e(context)
        return shown + (f"<br>原文：<mark>{_e(match)}</mark>" if match else "")
    return f"{_e(context[:at])}<mark>{_e(match)}</mark>{_e(context[at + len(match):])}"


def _suggestion(f: Finding) -> str:
    if f.suggestion:
        return f"改为“{_e(f.suggestion)}”"
    if f.suggestion == "":
        return "删除"
    return _e(f.advice or "")


def _e(text: str) -> str:
    return escape(text, quote=True)
