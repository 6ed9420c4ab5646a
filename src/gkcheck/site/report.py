"""Renderers of a site report dict: text, JSON (docs/site.schema.json), HTML, XLSX."""

from __future__ import annotations

import html
import io
import json
from datetime import date
from typing import Any

from ..model import SEVERITY_NAMES
from .dates import SOURCE_NAMES

RULE_NAMES = {"W001": "栏目逾期未更新", "W002": "空白栏目", "W003": "首页未更新", "W004": "单项否决风险",
              "W005": "信息无发布日期", "W006": "重复发布", "W007": "留言未回复", "W008": "栏目类别未确认",
              "W009": "发布日期不一致", "D003": "发布日期超前"}
LEVEL = {"veto": "达到否决线", "warning": "达到预警线", "ok": "正常"}


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_text(report: dict[str, Any]) -> str:
    r = report
    out = [f"gkcheck site：{r['root']}　检查日：{r['as_of']}　结论：{r['verdict_name']}",
           "栏目来源：" + ("从镜像推断（未提供 columns.toml，类别请人工确认）" if r["columns_inferred"] else
                       "栏目表" if r["input"] == "mirror" else "CMS 导出"), ""]
    h = r["home"]
    if h["found"]:
        out.append(f"首页：最新信息 {h['latest'] or '无'}，距检查日 {h['age_days'] if h['age_days'] is not None else '—'} 天"
                   f"（否决线 {h['days']} 天）{LEVEL[h['level']]}")
    for v in r["vetoes"].values():
        out.append(f"{v['name']}：{v['count']} 个（否决线 {v['veto']}，预警线 {v['warn']}）{LEVEL[v['level']]}")
    if r["messages"]:
        m = r["messages"]
        out.append(f"留言：近一年 {m['total']} 条，已回复 {m['answered']} 条，超过 {m['period']} 未回复 {m['late']} 条")
    p = r["pages"]
    if r["input"] == "mirror":
        out.append(f"页面：{p['total']} 个，缺少 47号文元数据 {p['missing_tags']} 个，站内断链 {p['broken_links']} 个，"
                   f"无法读取 {len(p['errors'])} 个")
    out += ["", "栏目（按紧急程度）："]
    for i, c in enumerate(r["columns"], 1):
        out.append(f"{i:>3}. {c['name']}　{c['class_name']}（{c['period']}）　{c['status_name']}　"
                   f"最新 {c['latest'] or '—'}" + (f"（{SOURCE_NAMES.get(c['latest_source'], '')}）" if c["latest"] else "")
                   + (f"　{c['age_days']} 天" if c["age_days"] is not None else "")
                   + f"　信息 {c['items']} 条" + ("" if c["complete"] else "（镜像缺分页，可能不全）"))
    out += ["", "问题："]
    for f in r["findings"]:
        out.append(f"  {SEVERITY_NAMES[f['severity']]} {f['rule']} {f['message']}"
                   + (f"　栏目：{f['column']}" if f["column"] else "") + f"　{f['detail']}")
        out.append(f"      依据：{f['basis']}")
    s = r["summary"]["by_severity"]
    out += ["", f"共 {r['summary']['columns']} 个栏目；错误 {s['error']}，警告 {s['warning']}，提示 {s['info']}", ""]
    return "\n".join(out)


def _timeline(dates: list[str], as_of: date, days: int = 365) -> str:
    w, hgt = 200, 16
    marks = []
    for d in dates:
        age = (as_of - date.fromisoformat(d)).days
        if 0 <= age <= days:
            x = w - age * w / days
            marks.append(f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{hgt - 2}" stroke="#1565c0"/>')
    return (f'<svg width="{w}" height="{hgt}" viewBox="0 0 {w} {hgt}" role="img" aria-label="近一年发布日期">'
            f'<rect width="{w}" height="{hgt}" fill="#f4f4f4"/>{"".join(marks)}</svg>')


def render_html(report: dict[str, Any]) -> str:
    r = report
    e = html.escape
    as_of = date.fromisoformat(r["as_of"])
    rows = []
    for i, c in enumerate(r["columns"], 1):
        rows.append(f'<tr class="{e(c["status"])}"><td>{i}</td><td>{e(c["name"])}</td><td>{e(c["urls"][0] if c["urls"] else c["key"])}</td>'
                    f'<td>{e(c["class_name"])}</td><td>{e(c["period"])}</td><td>{e(c["latest"] or "—")}</td>'
                    f'<td>{"" if c["age_days"] is None else c["age_days"]}</td><td>{e(c["status_name"])}</td>'
                    f'<td>{c["items"]}{"" if c["complete"] else "+"}</td><td>{_timeline(c["dates"], as_of)}</td></tr>')
    finds = "".join(f'<tr><td>{e(SEVERITY_NAMES[f["severity"]])}</td><td>{e(f["rule"])}</td><td>{e(f["message"])}</td>'
                    f'<td>{e(f["column"])}</td><td>{e(f["detail"])}</td><td>{e(f["basis"])}</td></tr>'
                    for f in r["findings"])
    vetoes = "".join(f"<li>{e(v['name'])}：{v['count']} 个（否决线 {v['veto']}，预警线 {v['warn']}）{LEVEL[v['level']]}</li>"
                     for v in r["vetoes"].values())
    h = r["home"]
    home = (f"<li>首页最新信息：{e(h['latest'] or '无')}，{'' if h['age_days'] is None else str(h['age_days']) + ' 天'}"
            f"（否决线 {h['days']} 天）{LEVEL[h['level']]}</li>" if h["found"] else "")
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>网站栏目检查 {e(r['root'])} {e(r['as_of'])}</title>
<style>body{{font-family:sans-serif;margin:1em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;font-size:13px}}
tr.blank td,tr.not_found td{{background:#fde0e0}}tr.overdue td{{background:#fff0d0}}tr.undated_only td{{background:#fff8e0}}</style></head><body>
<h1>网站栏目检查：{e(r['root'])}</h1><p>检查日：{e(r['as_of'])}　结论：<strong>{e(r['verdict_name'])}</strong>
{'　（栏目从镜像推断，类别请人工确认）' if r['columns_inferred'] else ''}</p>
<ul>{home}{vetoes}</ul>
<h2>栏目（按紧急程度）</h2><table><thead><tr><th>序号</th><th>栏目名称</th><th>栏目地址</th><th>类别</th><th>期限</th>
<th>最新发布日期</th><th>距检查日天数</th><th>状态</th><th>信息数</th><th>近一年发布（右端为检查日）</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
<h2>问题</h2><table><thead><tr><th>级别</th><th>规则</th><th>问题</th><th>栏目</th><th>说明</th><th>依据</th></tr></thead><tbody>{finds}</tbody></table>
</body></html>
"""


def render_xlsx(report: dict[str, Any]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.set_properties({"created": __import__("datetime").datetime(2000, 1, 1)})
    head = book.add_format({"bold": True, "bg_color": "#dddddd", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet("栏目")
    cols = (("序号", 6), ("栏目名称", 18), ("栏目地址", 30), ("类别", 16), ("期限", 10), ("最新发布日期", 13),
            ("距检查日天数", 10), ("问题", 40), ("依据", 40), ("整改情况", 20))
    for j, (name, width) in enumerate(cols):
        sheet.write(0, j, name, head)
        sheet.set_column(j, j, width)
    by_col: dict[str, list[dict[str, Any]]] = {}
    for f in report["findings"]:
        by_col.setdefault(f["column"], []).append(f)
    for i, c in enumerate(report["columns"], 1):
        fs = [f for f in by_col.get(c["name"], []) if f["severity"] != "info" or f["rule"] in ("W002", "W008")]
        problems = "；".join(f"{f['message']}（{f['detail']}）" for f in fs) or c["status_name"]
        basis = "；".join(sorted({f["basis"] for f in fs})) or c["source"]
        values = (i, c["name"], c["urls"][0] if c["urls"] else c["key"], c["class_name"], c["period"],
                  c["latest"] or "", "" if c["age_days"] is None else c["age_days"], problems, basis, "")
        for j, v in enumerate(values):
            sheet.write(i, j, v, wrap)
    sheet.freeze_panes(1, 0)
    s = book.add_worksheet("汇总")
    h = report["home"]
    lines = [("网站", report["root"]), ("检查日", report["as_of"]), ("结论", report["verdict_name"]),
             ("栏目来源", "从镜像推断（需人工确认）" if report["columns_inferred"] else "栏目表/CMS导出"),
             ("首页最新信息", h.get("latest") or ""), ("首页距检查日天数", "" if h.get("age_days") is None else h["age_days"])]
    for v in report["vetoes"].values():
        lines.append((v["name"], f"{v['count']} 个（否决线 {v['veto']}，预警线 {v['warn']}）{LEVEL[v['level']]}"))
    if report["messages"]:
        m = report["messages"]
        lines.append(("留言", f"近一年 {m['total']} 条，已回复 {m['answered']} 条，逾期未回复 {m['late']} 条"))
    lines += [("站内断链", report["pages"]["broken_links"]), ("缺少元数据的页面", report["pages"]["missing_tags"]),
              ("依据", report["vetoes"]["overdue"]["source"])]
    s.set_column(0, 0, 36)
    s.set_column(1, 1, 60)
    for i, (k, v) in enumerate(lines):
        s.write(i, 0, k, head)
        s.write(i, 1, v, wrap)
    book.close()
    return buf.getvalue()


RENDERERS = {"text": render_text, "json": render_json, "html": render_html, "xlsx": render_xlsx}
