"""Per-column and per-site verdicts from an :class:`Inventory` (built from a mirror or a CMS export)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .columns import Column, as_dict
from .dates import SOURCE_NAMES, choose
from .thresholds import Thresholds, add_months, add_working_days


@dataclass(frozen=True)
class Item:
    url: str
    title: str
    dates: dict[str, date] = field(hash=False, compare=False)
    unit: str = ""


@dataclass(frozen=True)
class ColumnPages:
    found: bool = True
    notice: str | None = None       # 暂无信息 or similar
    note: str | None = None         # a note saying why there is nothing
    incomplete: bool = False        # list pages linked but missing from the mirror
    broken: tuple[tuple[str, str], ...] = ()   # (page, link)


@dataclass(frozen=True)
class Message:
    asked: date
    answered: date | None
    column: str


@dataclass
class Inventory:
    columns: list[Column]
    items: dict[str, list[Item]]
    pages: dict[str, ColumnPages]
    home_dates: list[tuple[str, date]] | None   # None = no home page
    messages: list[Message] | None = None
    inferred: bool = False
    input: str = "mirror"
    pages_total: int = 0
    pages_missing_tags: list[str] = field(default_factory=list)
    page_errors: list[tuple[str, str]] = field(default_factory=list)
    broken_total: int = 0


@dataclass(frozen=True)
class SiteFinding:
    rule: str
    severity: str
    message: str
    column: str
    url: str
    detail: str
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message,
                "column": self.column, "url": self.url, "detail": self.detail, "basis": self.basis}


_URGENCY = {"not_found": 0, "blank": 1, "overdue": 2, "undated_only": 3, "blank_note": 4, "ok": 5}
STATUS_NAMES = {"ok": "正常", "overdue": "逾期未更新", "blank": "空白栏目", "blank_note": "空白（已说明原因）",
                "undated_only": "只有无日期的信息", "not_found": "镜像中未找到栏目页面"}


def _norm_title(t: str) -> str:
    return re.sub(r"\s+", "", t)


def audit_column(col: Column, items: list[Item], pages: ColumnPages, as_of: date,
                 th: Thresholds) -> tuple[dict[str, Any], list[SiteFinding]]:
    cls = th.cls(col.class_id)
    assert cls is not None
    name, url = col.name, col.urls[0] if col.urls else col.key
    found: list[SiteFinding] = []
    seen: dict[str, Item] = {}
    for it in items:  # the same URL twice (a pinned item) is one item
        if it.url in seen:
            seen[it.url] = Item(it.url, seen[it.url].title or it.title, {**it.dates, **seen[it.url].dates},
                                seen[it.url].unit or it.unit)
        else:
            seen[it.url] = it
    uniq = [seen[u] for u in sorted(seen)]
    dated: list[tuple[date, str, Item]] = []
    undated, future, conflicts = [], [], []
    for it in uniq:
        d, src, conflict = choose(it.dates)
        if d is None:
            undated.append(it)
            continue
        if conflict:
            conflicts.append(it)
        if d > as_of:
            future.append((d, it))
        else:
            dated.append((d, src or "", it))
    latest = max(dated, key=lambda x: (x[0], x[2].url)) if dated else None
    deadline = cls.deadline(latest[0]) if latest and cls.needs_update else None
    if not pages.found and not uniq:
        status = "not_found"
    elif not uniq:
        status = "blank_note" if pages.note else "blank"
    elif not cls.needs_update or not col.needs_update:
        status = "ok"
    elif latest is None:
        status = "undated_only" if undated else "overdue"
    else:
        status = "overdue" if deadline is not None and as_of > deadline else "ok"
    age = (as_of - latest[0]).days if latest else None
    basis = cls.source
    if status == "overdue":
        found.append(SiteFinding("W001", "warning", "栏目逾期未更新", name, url,
                                 f"{cls.name}期限{cls.period()}，最新发布{latest[0].isoformat() if latest else '（无有效日期）'}"
                                 + (f"，距检查日{age}天" if age is not None else ""), basis))
    elif status == "undated_only":
        found.append(SiteFinding("W001", "warning", "栏目逾期未更新", name, url,
                                 f"栏目中 {len(undated)} 条信息都没有发布日期，视为未更新", th.source_census))
    elif status in ("blank", "blank_note", "not_found"):
        detail = {"blank": "栏目没有任何信息" + (f"（页面写“{pages.notice}”）" if pages.notice else ""),
                  "blank_note": f"栏目没有信息，页面说明了原因：{pages.note}",
                  "not_found": "栏目表中的栏目页面在镜像中不存在（未计入空白栏目数）"}[status]
        sev = "warning" if status == "blank" else "info"
        found.append(SiteFinding("W002", sev, "空白栏目" if status == "blank" else STATUS_NAMES[status],
                                 name, url, detail, th.source_veto))
    if undated:
        found.append(SiteFinding("W005", "warning", "信息无发布日期", name, url,
                                 f"{len(undated)} 条：" + "；".join(i.url for i in undated[:5]), th.source_census))
    for d, it in future:
        found.append(SiteFinding("D003", "error", "信息发稿日期超前于实际发稿日期", name, it.url,
                                 f"{it.title}：{d.isoformat()}，晚于检查日，不算更新", th.source_guide))
    by_title: dict[str, list[Item]] = {}
    for it in uniq:
        if it.title.strip():
            by_title.setdefault(_norm_title(it.title), []).append(it)
    dups = {t: v for t, v in sorted(by_title.items()) if len(v) > 1}
    for t, v in dups.items():
        found.append(SiteFinding("W006", "warning", "同一栏目重复发布", name, v[0].url,
                                 f"“{v[0].title}”出现 {len(v)} 次：" + "；".join(i.url for i in v), th.source_veto))
    for it in conflicts:
        found.append(SiteFinding("W009", "info", "同一信息的发布日期不一致", name, it.url,
                                 "；".join(f"{SOURCE_NAMES[s]} {d.isoformat()}" for s, d in sorted(it.dates.items())),
                                 th.source_guide))
    if col.class_from == "default":
        found.append(SiteFinding("W008", "info", "栏目类别未确认", name, url,
                                 f"名称对不上任何类别，按{cls.name}（{cls.period()}）检查", th.source_guide))
    months = Counter(d.strftime("%Y-%m") for d, _, _ in dated)
    units = Counter(it.unit for _, _, it in dated if it.unit)
    row = {**as_dict(col), "class_name": cls.name, "period": cls.period(), "source": cls.source,
           "status": status, "status_name": STATUS_NAMES[status],
           "items": len(uniq), "complete": not pages.incomplete,
           "latest": latest[0].isoformat() if latest else None,
           "latest_source": latest[1] if latest else None,
           "latest_url": latest[2].url if latest else None,
           "age_days": age, "deadline": deadline.isoformat() if deadline else None,
           "undated": len(undated), "future": len(future), "duplicates": sum(len(v) - 1 for v in dups.values()),
           "conflicts": len(conflicts), "broken_links": [{"page": p, "link": l} for p, l in pages.broken],
           "by_month": dict(sorted(months.items())), "by_unit": dict(sorted(units.items())),
           "dates": sorted(d.isoformat() for d, _, _ in dated),
           "notice": pages.notice, "note": pages.note}
    return row, found


def _level(count: int, veto: int, warn: int) -> str:
    return "veto" if count >= veto else "warning" if count >= warn else "ok"


def audit(inv: Inventory, as_of: date, th: Thresholds) -> dict[str, Any]:
    rows, findings = [], []
    for col in inv.columns:
        row, found = audit_column(col, inv.items.get(col.key, []), inv.pages.get(col.key, ColumnPages()),
                                  as_of, th)
        rows.append(row)
        findings += found
    classes = {c.id: c for c in th.classes}
    overdue = [r for r in rows if r["status"] in ("overdue", "undated_only") and (
        classes[r["class"]].veto == "overdue"
        or classes[r["class"]].veto == "overdue_top" and r["level"] == 1)]
    long = [r for r in rows if r["status"] in ("overdue", "undated_only")]
    blank = [r for r in rows if r["status"] == "blank"]
    vetoes = {
        "overdue": {"count": len(overdue), "veto": th.overdue_veto, "warn": th.overdue_warn,
                    "columns": [r["name"] for r in overdue],
                    "level": _level(len(overdue), th.overdue_veto, th.overdue_warn),
                    "name": "动态要闻类超2周、一级通知公告/政策文件类超6个月未更新的栏目", "source": th.source_veto},
        "long": {"count": len(long), "veto": th.long_veto, "warn": th.long_warn,
                 "columns": [r["name"] for r in long], "level": _level(len(long), th.long_veto, th.long_warn),
                 "name": "应更新但长期未更新的栏目", "source": th.source_veto},
        "blank": {"count": len(blank), "veto": th.blank_veto, "warn": th.blank_warn,
                  "columns": [r["name"] for r in blank], "level": _level(len(blank), th.blank_veto, th.blank_warn),
                  "name": "空白栏目", "source": th.source_veto},
    }
    for key, v in vetoes.items():
        if v["level"] != "ok":
            findings.append(SiteFinding("W004", "error" if v["level"] == "veto" else "warning",
                                        "栏目不更新单项否决风险" if v["level"] == "veto" else "栏目更新预警",
                                        "", "", f"{v['name']} {v['count']} 个（否决线 {v['veto']}，预警线 {v['warn']}）："
                                        + "、".join(v["columns"]), th.source_veto))
    home = _home(inv, as_of, th, findings)
    messages = _messages(inv, as_of, th, findings)
    levels = [v["level"] for v in vetoes.values()] + [home["level"], messages["level"] if messages else "ok"]
    verdict = "veto" if "veto" in levels else "warning" if "warning" in levels else "ok"
    rows.sort(key=lambda r: (_URGENCY[r["status"]], -(r["age_days"] or 0), r["name"], r["key"]))
    findings.sort(key=lambda f: ({"error": 0, "warning": 1, "info": 2}[f.severity], f.rule, f.column, f.url, f.detail))
    return {"as_of": as_of.isoformat(), "input": inv.input, "columns_inferred": inv.inferred,
            "verdict": verdict, "verdict_name": {"veto": "单项否决风险", "warning": "预警", "ok": "正常"}[verdict],
            "home": home, "vetoes": vetoes, "messages": messages, "columns": rows,
            "findings": [f.to_dict() for f in findings],
            "pages": {"total": inv.pages_total, "missing_tags": len(inv.pages_missing_tags),
                      "missing_tags_examples": inv.pages_missing_tags[:20],
                      "errors": [{"page": p, "error": e} for p, e in inv.page_errors],
                      "broken_links": inv.broken_total},
            "thresholds": th.to_dict(),
            "summary": {"columns": len(rows), "findings": len(findings),
                        "by_severity": {s: sum(1 for f in findings if f.severity == s)
                                        for s in ("error", "warning", "info")},
                        "by_status": {s: sum(1 for r in rows if r["status"] == s) for s in _URGENCY}}}


def _home(inv: Inventory, as_of: date, th: Thresholds, findings: list[SiteFinding]) -> dict[str, Any]:
    if inv.home_dates is None:
        if inv.input == "mirror":
            findings.append(SiteFinding("W003", "warning", "找不到首页", "首页", "/",
                                        "镜像根目录没有 index.html 等首页文件，无法检查首页更新", th.source_veto))
        return {"found": False, "latest": None, "age_days": None, "level": "ok", "days": th.home_days}
    valid = [d for _, d in inv.home_dates if d <= as_of]
    latest = max(valid) if valid else None
    age = (as_of - latest).days if latest else None
    level = "veto" if age is None or age > th.home_days else "warning" if age > th.home_warn_days else "ok"
    if level != "ok":
        detail = (f"首页最新信息 {latest.isoformat()}，距检查日 {age} 天（否决线 {th.home_days} 天，预警线 {th.home_warn_days} 天）"
                  if latest else "首页上找不到任何带日期的信息，无法证明首页已更新")
        findings.append(SiteFinding("W003", "error" if level == "veto" else "warning", "首页超过 2 周未更新"
                                    if level == "veto" else "首页更新预警", "首页", "/", detail, th.source_veto))
    return {"found": True, "latest": latest.isoformat() if latest else None, "age_days": age, "level": level,
            "days": th.home_days, "warn_days": th.home_warn_days, "source": th.source_veto}


def _messages(inv: Inventory, as_of: date, th: Thresholds, findings: list[SiteFinding]) -> dict[str, Any] | None:
    if inv.messages is None:
        return None
    start = add_months(as_of, -th.window_months)
    late, answered, total = [], 0, 0
    for m in sorted(inv.messages, key=lambda m: (m.asked, m.column)):
        if m.asked < start or m.asked > as_of:
            continue
        total += 1
        due = add_working_days(m.asked, th.answer_working_days) if th.answer_working_days else \
            add_months(m.asked, th.answer_months)
        end = m.answered if m.answered is not None and m.answered <= as_of else as_of
        if m.answered is not None and m.answered <= as_of:
            answered += 1
        if end > due:
            late.append(m)
    for m in late:
        findings.append(SiteFinding("W007", "error", "留言超过期限未回复", m.column, "",
                                    f"{m.asked.isoformat()} 的留言" + (f"于 {m.answered.isoformat()} 才回复" if m.answered
                                                                       and m.answered <= as_of else "至检查日未回复"),
                                    th.source_messages))
    return {"total": total, "answered": answered, "late": len(late), "level": "veto" if late else "ok",
            "period": f"{th.answer_working_days}个工作日" if th.answer_working_days else f"{th.answer_months}个月",
            "source": th.source_messages}
