"""Columns (栏目) as data: columns.toml, and the draft inferred from a mirror (--init-columns).

Inference, strongest first: the 47号文 meta tags of the column's list page (ColumnName, ColumnType),
the breadcrumb (当前位置：首页 > … > 栏目), the text of navigation links to it, the page title,
the folder name. A column is a folder holding a list page (index.html / index_N.html) other than
the home page: ``/col/col{id}/`` (with articles ``/art/Y/M/D/art_{id}_{n}.html``) or ``栏目/``
(with ``栏目/YYYYMM/tYYYYMMDD_{n}.html``).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from posixpath import dirname
from typing import Any, Iterable

from ..model import GkcheckError
from .crawl import Page
from .thresholds import Thresholds, classify

_LIST = re.compile(r"/(index(?:_\d+)?)\.s?html?$")
_ART_ID = re.compile(r"/art_(\d+)_\d+\.s?html?$")
_COL_ID = re.compile(r"/col(\d+)/$")


@dataclass(frozen=True)
class Column:
    key: str                  # the folder: /col/col12/ or /tzgg/
    name: str
    urls: tuple[str, ...]     # entry (list) pages
    class_id: str
    class_from: str           # columns.toml | ColumnType | name | default
    level: int
    parent: str | None
    needs_update: bool


def list_key(url: str) -> str | None:
    """The column folder of a list page URL, or None (the home page, or not a list page)."""
    if not _LIST.search(url):
        return None
    key = dirname(url) + "/" if dirname(url) != "/" else "/"
    return None if key == "/" else key


def article_key(url: str, col_ids: dict[str, str]) -> str | None:
    """The column an article URL belongs to by CMS convention (art_{id}_ or a folder below it)."""
    m = _ART_ID.search(url)
    if m:
        return col_ids.get(m.group(1))
    return None


def col_ids(keys: Iterable[str]) -> dict[str, str]:
    out = {}
    for k in keys:
        m = _COL_ID.search(k)
        if m:
            out[m.group(1)] = k
    return out


def infer(pages: dict[str, Page], nav_text: dict[str, str], thresholds: Thresholds) -> list[Column]:
    """Columns from the list pages of a crawl (``pages`` holds only list pages, by URL)."""
    by_key: dict[str, list[Page]] = {}
    for url, page in pages.items():
        key = list_key(url)
        if key:
            by_key.setdefault(key, []).append(page)
    out = []
    for key in sorted(by_key):
        group = sorted(by_key[key], key=lambda p: (len(p.url), p.url))
        first = group[0]
        name = (first.meta.get("ColumnName") or (first.crumbs[-1] if first.crumbs else "")
                or nav_text.get(key) or nav_text.get(first.url) or _title_name(first.title)
                or key.strip("/").rsplit("/", 1)[-1])
        ctype = first.meta.get("ColumnType", "")
        cls, src = None, "default"
        if ctype:
            cls = thresholds.cls(ctype) or classify(ctype, thresholds)
            src = "ColumnType" if cls else src
        if cls is None:
            cls = classify(name, thresholds)
            src = "name" if cls else "default"
        class_id = cls.id if cls else "other"
        level = len(first.crumbs) if first.crumbs else max(1, key.strip("/").count("/") + 1
                                                              if not _COL_ID.search(key) else 1)
        parent = first.crumbs[-2] if len(first.crumbs) >= 2 else None
        needs = bool(thresholds.cls(class_id) and thresholds.cls(class_id).needs_update)  # type: ignore[union-attr]
        out.append(Column(key, name, (first.url,), class_id, src, level, parent, needs))
    return out


def _title_name(title: str) -> str:
    return re.split(r"\s*[-_|－—]+\s*", title.strip())[0] if title.strip() else ""


def load(path: Path, thresholds: Thresholds) -> list[Column]:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GkcheckError(f"无法读取栏目表 {path}：{exc}") from None
    out = []
    for i, c in enumerate(raw.get("column", ()), 1):
        try:
            name, urls = c["name"], tuple(c["urls"])
        except KeyError as exc:
            raise GkcheckError(f"{path}: 第 {i} 个栏目缺少 {exc}") from None
        class_id = c.get("class")
        if class_id is not None and thresholds.cls(class_id) is None:
            raise GkcheckError(f"{path}: 栏目“{name}”的类别 {class_id} 不在阈值设置的类别中")
        src = "columns.toml" if class_id else "name"
        if class_id is None:
            found = classify(name, thresholds)
            class_id, src = (found.id, "name") if found else ("other", "default")
        cls = thresholds.cls(class_id)
        key = dirname(urls[0]) + "/" if urls and not urls[0].endswith("/") else (urls[0] if urls else f"#{i}")
        out.append(Column(key, name, urls, class_id, src, int(c.get("level", 1)), c.get("parent"),
                          bool(c.get("needs_update", cls.needs_update if cls else True))))
    return out


def dump(columns: list[Column], thresholds: Thresholds, note: str) -> str:
    """columns.toml text (TOML basic strings are JSON strings)."""
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731
    lines = [f"# {note}", "# 请逐个核对 class（" + "、".join(f"{c.id}={c.name}" for c in thresholds.classes)
             + "）、level 和 needs_update，再用 gkcheck site ROOT --columns columns.toml 检查。", ""]
    for c in columns:
        cls = thresholds.cls(c.class_id)
        lines += ["[[column]]", f"name = {q(c.name)}", f"urls = [{', '.join(q(u) for u in c.urls)}]",
                  f"class = {q(c.class_id)}  # {cls.name if cls else ''}，依据：{_from(c.class_from)}",
                  f"level = {c.level}"]
        if c.parent:
            lines.append(f"parent = {q(c.parent)}")
        lines += [f"needs_update = {'true' if c.needs_update else 'false'}", ""]
    return "\n".join(lines)


def _from(src: str) -> str:
    return {"ColumnType": "页面 ColumnType", "name": "栏目名称", "default": "未能判断，按其他应更新栏目",
            "columns.toml": "栏目表"}.get(src, src)


def as_dict(c: Column) -> dict[str, Any]:
    return {"key": c.key, "name": c.name, "urls": list(c.urls), "class": c.class_id,
            "class_from": c.class_from, "level": c.level, "parent": c.parent,
            "needs_update": c.needs_update}
