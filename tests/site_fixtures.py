"""Build local site mirrors in the shapes of the common government CMSs, for a column plan.

Shapes: ``col`` (/col/col{id}/index.html, articles /art/Y/M/D/art_{id}_{n}.html, 47号文 meta tags),
``trs`` (栏目/index.html + index_N.html, articles 栏目/YYYYMM/tYYYYMMDD_{n}.html, meta tags),
``plain`` (栏目/index.html, articles 栏目/{n}.html, no meta tags: names from breadcrumbs, dates
beside the links and in a 发布时间 line). Encoding ``utf-8`` or ``gbk``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

TYPE_WORD = {"dynamic": "动态要闻", "notice_policy": "通知公告", "personnel_plan": "人事规划",
             "static": "机构职能", "other": ""}


@dataclass
class It:
    title: str
    meta: date | None = None
    line: date | None = None
    list: date | None = None
    url: date | None = None

    @classmethod
    def on(cls, title: str, d: date | None) -> "It":
        return cls(title, d, d, d, d)


@dataclass
class Col:
    name: str
    cls: str
    items: list[It] = field(default_factory=list)
    level: int = 1
    parent: str | None = None
    form: str | None = None          # blank forms: empty | zanwu | note | missing
    per_page: int = 20
    pages_in_mirror: int | None = None   # None = all list pages
    slug: str = ""
    unit: str = "县政府办"


def dated(name: str, cls: str, *days: date | None, **kw) -> Col:  # type: ignore[no-untyped-def]
    return Col(name, cls, [It.on(f"{name}信息{i}", d) for i, d in enumerate(days, 1)], **kw)


def _page(title: str, body: str, meta: dict[str, str], enc: str) -> bytes:
    charset = "gbk" if enc == "gbk" else "utf-8"
    metas = "".join(f'<meta name="{k}" content="{v}">' for k, v in meta.items() if v)
    text = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>{metas}</head>'
            f"<body>{body}</body></html>")
    return text.encode(charset)


def build(root: Path, cols: list[Col], *, shape: str = "col", enc: str = "utf-8",
          home_dates: list[date] | None = None, meta_tags: bool | None = None) -> Path:
    """Write the mirror under ``root``; returns ``root``."""
    tags = shape != "plain" if meta_tags is None else meta_tags
    root.mkdir(parents=True, exist_ok=True)
    dirs: dict[str, str] = {}
    for i, c in enumerate(cols, 1):
        slug = c.slug or f"c{i}"
        if shape == "col":
            dirs[c.name] = f"/col/col{100 + i}/"
        else:
            parent = dirs.get(c.parent or "", "/")
            dirs[c.name] = f"{parent}{slug}/"
    nav = "".join(f'<a href="{dirs[c.name]}index.html">{c.name}</a>' for c in cols if c.level == 1)
    for i, c in enumerate(cols, 1):
        folder = dirs[c.name]
        crumb = "当前位置：首页 &gt; " + (f"{c.parent} &gt; " if c.parent else "") + c.name
        entries = []
        for n, it in enumerate(c.items, 1):
            if shape == "col":
                url = (f"/art/{it.url.year}/{it.url.month}/{it.url.day}/art_{100 + i}_{n}.html" if it.url
                       else f"/art/x/art_{100 + i}_{n}.html")
            elif shape == "trs":
                url = (f"{folder}{it.url:%Y%m}/t{it.url:%Y%m%d}_{n}.html" if it.url else f"{folder}a_{n}.html")
            else:
                url = f"{folder}{n}.html"
            meta = {"ColumnName": c.name, "ColumnType": TYPE_WORD[c.cls], "ArticleTitle": it.title,
                    "PubDate": f"{it.meta:%Y-%m-%d} 09:30" if it.meta else ""} if tags else {}
            line = (f"<div class='info'>发布时间：{it.line:%Y-%m-%d}　来源：{c.unit}</div>" if it.line else
                    f"<div class='info'>来源：{c.unit}</div>")
            body = f"<div class='nav'>{nav}</div><div>{crumb}</div><h1>{it.title}</h1>{line}<p>正文。</p>"
            path = root / url.lstrip("/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_page(it.title, body, meta, enc))
            entries.append((url, it))
        if c.form == "missing":
            continue
        pages = [entries[k:k + c.per_page] for k in range(0, len(entries), c.per_page)] or [[]]
        keep = len(pages) if c.pages_in_mirror is None else c.pages_in_mirror
        for p, chunk in enumerate(pages[:keep]):
            lis = "".join(f'<li><a href="{u}">{it.title}</a><span>{it.list:%Y-%m-%d}</span></li>' if it.list
                          else f'<li><a href="{u}">{it.title}</a></li>' for u, it in chunk)
            if not chunk:
                lis = {"zanwu": "<p>暂无信息</p>", "note": "<p>本单位不涉及此类事项，无此类信息。特此说明。</p>"}.get(c.form or "", "")
            pager = "".join(f'<a href="index{"" if k == 0 else f"_{k}"}.html">{k + 1}</a>' for k in range(len(pages)))
            body = f"<div class='nav'>{nav}</div><div>{crumb}</div><ul>{lis}</ul><div class='page'>{pager}</div>"
            meta = {"ColumnName": c.name, "ColumnType": TYPE_WORD[c.cls]} if tags else {}
            name = "index.html" if p == 0 else f"index_{p}.html"
            path = root / folder.lstrip("/") / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_page(f"{c.name}_某县人民政府", body, meta, enc))
    home = "".join(f"<li><a href='/x{n}.html'>首页信息{n}</a><span>{d:%Y-%m-%d}</span></li>"
                   for n, d in enumerate(home_dates or []))
    (root / "index.html").write_bytes(_page("某县人民政府", f"<div class='nav'>{nav}</div><ul>{home}</ul>",
                                            {"SiteName": "某县人民政府"} if tags else {}, enc))
    for n in range(len(home_dates or [])):
        (root / f"x{n}.html").write_bytes(_page("首页信息", "<p>正文</p>", {}, enc))
    return root
