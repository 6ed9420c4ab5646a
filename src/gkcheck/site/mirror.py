"""An :class:`~.audit.Inventory` from a local mirror: one streaming pass over the HTML pages.

List pages (and the home page) are kept whole; of an article page only its title, dates and
column name are kept, so memory grows with the number of articles, not with page sizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from posixpath import dirname

from .audit import ColumnPages, Inventory, Item
from .columns import Column, article_key, col_ids, infer, list_key
from .crawl import Page, all_paths, parse, walk
from .dates import url_date
from .thresholds import Thresholds

HOME_PAGES = ("/index.html", "/index.htm", "/index.shtml", "/default.html", "/default.htm")
ARTICLE_TAGS = ("ArticleTitle", "PubDate", "ColumnName")


@dataclass(frozen=True)
class Article:
    title: str
    column: str
    dates: tuple[tuple[str, date], ...]
    unit: str = ""


def _exists(url: str, paths: set[str]) -> bool:
    if url in paths:
        return True
    if url.endswith("/"):
        return any(url + n in paths for n in ("index.html", "index.htm", "index.shtml", "default.html"))
    return url + "/" in paths


def _blank_words(page: Page, th: Thresholds) -> tuple[str | None, str | None]:
    text = page.text_head
    note = next((m.group(0) for p in th.blank_notes for m in [p.search(text)] if m), None)
    notice = next((w for w in th.blank_words if w in text), None)
    return notice, note


def from_mirror(root: Path, th: Thresholds, columns: list[Column] | None = None,
                hosts: tuple[str, ...] = ()) -> Inventory:
    paths = all_paths(root)
    if not hosts and "." in root.resolve().name:  # wget --mirror puts the site under its host name
        hosts = (root.resolve().name.lower(),)
    lists: dict[str, Page] = {}
    articles: dict[str, Article] = {}
    broken_by_page: dict[str, list[str]] = {}
    missing, errors, total = [], [], 0
    home: Page | None = None
    for url in walk(root):
        page = parse(root, url, hosts, full=url in HOME_PAGES or list_key(url) is not None)
        total += 1
        if page.error:
            errors.append((url, page.error))
            continue
        bad = sorted({ln.url for ln in page.links if ln.internal and not _exists(ln.url, paths)})
        if bad:
            broken_by_page[url] = bad
        if url in HOME_PAGES:
            home = home or page
        elif list_key(url):
            lists[url] = page
            if "ColumnName" not in page.meta:
                missing.append(url)
        else:
            dates = []
            if page.pubdate:
                dates.append(("meta", page.pubdate))
            if page.pub_line:
                dates.append(("line", page.pub_line))
            ud = url_date(url)
            if ud:
                dates.append(("url", ud))
            articles[url] = Article(page.meta.get("ArticleTitle") or page.title, page.meta.get("ColumnName", ""),
                                    tuple(dates), page.unit)
            if any(t not in page.meta for t in ARTICLE_TAGS):
                missing.append(url)
    inferred = columns is None
    if columns is None:
        nav: dict[str, str] = {}
        if home is not None:
            for ln in home.links:
                if ln.internal and ln.text:
                    key = list_key(ln.url) or (ln.url if ln.url.endswith("/") else None)
                    if key and key not in nav:
                        nav[key] = ln.text
        columns = infer(lists, nav, th)
    keys = {c.key for c in columns}
    ids = col_ids(keys)
    by_name = {}
    for c in columns:
        by_name.setdefault(c.name, c.key)
    items: dict[str, list[Item]] = {c.key: [] for c in columns}
    pages: dict[str, ColumnPages] = {}
    list_by_key: dict[str, list[Page]] = {}
    for url in sorted(lists):
        list_by_key.setdefault(list_key(url) or "", []).append(lists[url])
    for c in columns:
        own = list_by_key.get(c.key, [])
        found = any(u in lists for u in c.urls) or bool(own)
        incomplete = False
        for lp in own:
            for ln in lp.links:
                if not ln.internal or ln.nav:
                    continue
                if list_key(ln.url) == c.key:
                    incomplete |= ln.url not in paths
                    continue
                if list_key(ln.url) or ln.url in HOME_PAGES or ln.url.endswith("/"):
                    continue
                art = articles.get(ln.url)
                ud = url_date(ln.url)
                if art is None and ln.date is None and ud is None:
                    continue
                if art is not None and art.column and art.column != c.name and ln.date is None:
                    continue
                dates = dict(art.dates) if art else ({"url": ud} if ud else {})
                if ln.date:
                    dates["list"] = ln.date
                items[c.key].append(Item(ln.url, (art.title if art and art.title else ln.text), dates,
                                         art.unit if art else ""))
        notice = note = None
        if own:
            notice, note = _blank_words(own[0], th)
        broken = tuple((p, b) for lp in own for p in [lp.url] for b in broken_by_page.get(p, ()))
        pages[c.key] = ColumnPages(found, notice, note, incomplete, broken)
    # articles the list pages do not show (pagination missing from the mirror, or not linked)
    for url in sorted(articles):
        art = articles[url]
        key = by_name.get(art.column) if art.column else None
        key = key or article_key(url, ids) or _folder_key(url, keys)
        if key is not None:
            items[key].append(Item(url, art.title, dict(art.dates), art.unit))
    home_dates = None
    if home is not None:
        home_dates = [("list", ln.date) for ln in home.links if ln.date]
        home_dates += [("meta", d) for u in [home.url] for d in [home.pubdate] if d]
        for ln in home.links:
            art = articles.get(ln.url)
            if art and art.dates:
                home_dates.append((ln.url, art.dates[0][1]))
    broken_total = sum(len(v) for v in broken_by_page.values())
    return Inventory(columns, items, pages, home_dates, None, inferred, "mirror", total,
                     missing, errors, broken_total)


def _folder_key(url: str, keys: set[str]) -> str | None:
    d = dirname(url) + "/"
    while d and d != "/":
        if d in keys:
            return d
        d = dirname(d.rstrip("/")) + "/"
    return None
