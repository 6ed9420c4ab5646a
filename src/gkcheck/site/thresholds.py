"""Thresholds as data: the [site] table of rules/site.toml (or a file with the same layout)."""

from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..model import GkcheckError
from ..resources import data_dir


@dataclass(frozen=True)
class ColumnClass:
    id: str
    name: str
    days: int | None          # a period in days, or
    months: int | None        # in calendar months; neither = static (blankness only)
    veto: str                 # overdue | overdue_top | long | blank_only
    keywords: tuple[str, ...]
    source: str

    @property
    def needs_update(self) -> bool:
        return self.days is not None or self.months is not None

    def period(self) -> str:
        if self.days is not None:
            return f"{self.days}天"
        if self.months is not None:
            return f"{self.months}个月"
        return "不要求更新（只查空白）"

    def deadline(self, latest: date) -> date | None:
        """The last day on which ``latest`` still counts as up to date."""
        if self.days is not None:
            return latest + timedelta(days=self.days)
        if self.months is not None:
            return add_months(latest, self.months)
        return None


@dataclass(frozen=True)
class Thresholds:
    home_days: int
    home_warn_days: int
    overdue_veto: int
    overdue_warn: int
    long_veto: int
    long_warn: int
    blank_veto: int
    blank_warn: int
    blank_words: tuple[str, ...]
    blank_notes: tuple[re.Pattern[str], ...]
    classes: tuple[ColumnClass, ...]
    answer_months: int
    answer_working_days: int
    window_months: int
    source_veto: str
    source_census: str
    source_guide: str
    source_messages: str

    def cls(self, class_id: str) -> ColumnClass | None:
        return next((c for c in self.classes if c.id == class_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {"home_days": self.home_days, "home_warn_days": self.home_warn_days,
                "overdue_veto": self.overdue_veto, "overdue_warn": self.overdue_warn,
                "long_veto": self.long_veto, "long_warn": self.long_warn,
                "blank_veto": self.blank_veto, "blank_warn": self.blank_warn,
                "answer_months": self.answer_months, "answer_working_days": self.answer_working_days,
                "classes": [{"id": c.id, "name": c.name, "period": c.period(), "source": c.source}
                            for c in self.classes]}


def add_months(day: date, months: int) -> date:
    """Same day ``months`` calendar months later, clamped to the month's end (8-31 + 6 = 2-28/29)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def load_thresholds(path: Path | None = None) -> Thresholds:
    """The bundled thresholds, with anything in ``path`` ([site] layout) laid over them."""
    with (data_dir("rules") / "site.toml").open("rb") as fh:
        raw: dict[str, Any] = tomllib.load(fh)["site"]
    if path is not None:
        try:
            with path.open("rb") as fh:
                over = tomllib.load(fh).get("site", {})
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise GkcheckError(f"无法读取阈值文件 {path}：{exc}") from None
        msgs = {**raw.get("messages", {}), **over.get("messages", {})}
        if "class" in over:  # classes replace by id
            by_id = {c["id"]: c for c in raw["class"]}
            for c in over["class"]:
                by_id[c["id"]] = {**by_id.get(c["id"], {}), **c}
            over = {**over, "class": list(by_id.values())}
        raw = {**raw, **over, "messages": msgs}
    try:
        classes = tuple(ColumnClass(c["id"], c["name"], c.get("days"), c.get("months"), c["veto"],
                                    tuple(c.get("keywords", ())), c["source"]) for c in raw["class"])
        m = raw["messages"]
        return Thresholds(
            raw["home_days"], raw["home_warn_days"], raw["overdue_veto"], raw["overdue_warn"],
            raw["long_veto"], raw["long_warn"], raw["blank_veto"], raw["blank_warn"],
            tuple(raw["blank_words"]), tuple(re.compile(p) for p in raw["blank_note_patterns"]),
            classes, m["answer_months"], m.get("answer_working_days", 0), m["window_months"],
            raw["source_veto"], raw["source_census"], raw["source_guide"], m["source"])
    except (KeyError, TypeError, re.error) as exc:
        raise GkcheckError(f"阈值设置不完整或有误：{exc}") from None


def classify(name: str, thresholds: Thresholds) -> ColumnClass | None:
    """The class whose keyword the column name contains (longest keyword wins), or None."""
    best: tuple[int, ColumnClass] | None = None
    for c in thresholds.classes:
        for k in c.keywords:
            if k in name and (best is None or len(k) > best[0]):
                best = (len(k), c)
    return best[1] if best else None
