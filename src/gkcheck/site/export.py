"""An :class:`~.audit.Inventory` from a CMS export (articles.csv, columns.csv, messages.csv; docs/site.md).

The same format, as sections ``[articles]``/``[columns]``/``[messages]`` in one text, is what the site
rules' examples in rules/site.toml are written in (:func:`parse_bundle`).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from ..detectors.datefind import parse_loose_date
from ..model import GkcheckError
from .audit import ColumnPages, Inventory, Item, Message
from .columns import Column
from .dates import url_date
from .thresholds import Thresholds, classify

FILES = ("articles.csv", "columns.csv", "messages.csv")
HOME_NAMES = ("首页", "网站首页")


def read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return rows(data.decode(enc))
        except UnicodeDecodeError:
            continue
    raise GkcheckError(f"{path}: 无法识别编码（试过 UTF-8、GB18030）")


def rows(text: str) -> list[dict[str, str]]:
    return [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(io.StringIO(text))]


def parse_bundle(text: str) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.strip() in ("[articles]", "[columns]", "[messages]"):
            current = line.strip()[1:-1]
            out[current] = []
        elif current is not None and line.strip():
            out[current].append(line)
    return {k: rows("\n".join(v)) for k, v in out.items()}


def _date(value: str, where: str) -> date | None:
    if not value:
        return None
    d = parse_loose_date(value)
    if d is None:
        raise GkcheckError(f"{where}: 日期“{value}”无法识别（请用 YYYY-MM-DD）")
    return d


def from_tables(tables: dict[str, list[dict[str, str]]], th: Thresholds,
                columns: list[Column] | None = None) -> Inventory:
    arts = tables.get("articles", [])
    cols_raw = tables.get("columns")
    inferred = columns is None and cols_raw is None
    if columns is None:
        columns = []
        if cols_raw is not None:
            ids = {r["column_id"]: r for r in cols_raw}
            for r in cols_raw:
                level, parent = 1, ids.get(r.get("parent_id", ""))
                seen = set()
                while parent is not None and parent["column_id"] not in seen:
                    seen.add(parent["column_id"])
                    level += 1
                    parent = ids.get(parent.get("parent_id", ""))
                columns.append(_column(r["column_id"], r["name"], r.get("type", ""), r.get("url", ""), level,
                                       ids[r["parent_id"]]["name"] if r.get("parent_id") in ids else None, th))
        else:
            seen_ids: dict[str, str] = {}
            for r in arts:
                if r["column_name"] not in HOME_NAMES:
                    seen_ids.setdefault(r["column_id"], r["column_name"])
            columns = [_column(i, n, "", "", 1, None, th) for i, n in sorted(seen_ids.items())]
    keys = {c.key for c in columns}
    items: dict[str, list[Item]] = {c.key: [] for c in columns}
    home: list[tuple[str, date]] | None = None
    for n, r in enumerate(arts, 2):
        d = _date(r.get("pubdate", ""), f"articles.csv 第{n}行")
        dates = {"export": d} if d else {}
        ud = url_date(r.get("url", ""))
        if ud:
            dates["url"] = ud
        if r.get("column_name") in HOME_NAMES:
            home = (home or []) + ([("export", d)] if d else [])
            continue
        key = f"#{r['column_id']}"
        if key not in keys:
            key = next((c.key for c in columns if c.name == r.get("column_name")), key)
        if key in items:
            items[key].append(Item(r.get("url") or f"{key}/{n}", r.get("title", ""), dates, r.get("source", "")))
    messages = None
    if "messages" in tables:
        messages = [Message(_date(r["asked"], f"messages.csv 第{n}行") or date.min,
                            _date(r.get("answered", ""), f"messages.csv 第{n}行"), r.get("column", ""))
                    for n, r in enumerate(tables["messages"], 2)]
    pages = {c.key: ColumnPages() for c in columns}
    return Inventory(columns, items, pages, home, messages, inferred, "export")


def _column(cid: str, name: str, ctype: str, url: str, level: int, parent: str | None, th: Thresholds) -> Column:
    cls, src = (th.cls(ctype) or (classify(ctype, th) if ctype else None)), "columns.toml"
    if cls is None:
        cls = classify(name, th)
        src = "name" if cls else "default"
    class_id = cls.id if cls else "other"
    return Column(f"#{cid}", name, (url,) if url else (), class_id, src, level, parent,
                  bool(th.cls(class_id) and th.cls(class_id).needs_update))  # type: ignore[union-attr]


def from_dir(folder: Path, th: Thresholds, columns: list[Column] | None = None) -> Inventory:
    tables = {name[:-4]: read_csv(folder / name) for name in FILES if (folder / name).exists()}
    return from_tables(tables, th, columns)


def read_messages(path: Path) -> list[Message]:
    return [Message(_date(r["asked"], f"{path.name} 第{n}行") or date.min,
                    _date(r.get("answered", ""), f"{path.name} 第{n}行"), r.get("column", ""))
            for n, r in enumerate(read_csv(path), 2)]
