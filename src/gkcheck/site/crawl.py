"""Walk a local mirror and pull from each HTML page only what the site audit needs.

One pass, one page in memory at a time: a :class:`Page` keeps the 47号文 meta tags, the breadcrumb,
the 发布时间 line, the links with the date beside each (list pages), a blank-page notice and the
internal links. GBK and UTF-8 pages (charset from the page, else detected).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from posixpath import dirname, join, normpath
from typing import Iterator
from urllib.parse import unquote, urlsplit

from lxml import etree  # the site command only: this module is imported when it runs

from ..encoding import EncodingError, decode
from .dates import line_date, meta_date, near_date

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
META_NAMES = ("ColumnName", "ColumnType", "ArticleTitle", "PubDate", "SiteName", "SiteDomain")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_CRUMB = re.compile(r"(?:当前位置|您的位置|你的位置|所在位置)\s*[：:]?\s*([^\n]{1,200})")
_CRUMB_SPLIT = re.compile(r"\s*(?:>|＞|»|›|→|/|>>)\s*")
_CRUMB_WORD = re.compile("当前位置|您的位置|你的位置|所在位置")
_CRUMB_XPATH = etree.XPath(
    ".//*[contains(text(),'当前位置') or contains(text(),'您的位置') or contains(text(),'你的位置')"
    " or contains(text(),'所在位置')]")
_UNIT = re.compile(r"(?:信息来源|来源|发布单位|发布机构)\s*[：:]\s*([^\s|｜　：:]{2,30})")
_NAV_HINT = re.compile(r"nav|menu|daohang|dh", re.I)
_PAGINATION = re.compile(r"index_(\d+)\.s?html?$")


@dataclass(frozen=True)
class Link:
    url: str            # resolved site path (/a/b.html), or the href when external
    text: str
    date: date | None   # the date written beside it (list pages)
    internal: bool
    nav: bool


@dataclass(frozen=True)
class Page:
    url: str                        # /tzgg/index.html
    meta: dict[str, str]
    title: str
    crumbs: tuple[str, ...]         # without 首页
    pub_line: date | None
    links: tuple[Link, ...]
    text_head: str                  # the first few hundred characters of body text (notices)
    error: str | None = None
    unit: str = ""                  # 来源/发布单位 of an article

    @property
    def pubdate(self) -> date | None:
        return meta_date(self.meta.get("PubDate"))


def walk(root: Path) -> Iterator[str]:
    """Site paths of every HTML file under ``root``, sorted (deterministic reports)."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        rel = Path(folder).relative_to(root).as_posix()
        for name in files:
            if name.lower().endswith(HTML_SUFFIXES):
                found.append("/" + (name if rel == "." else f"{rel}/{name}"))
    return iter(sorted(found))


def all_paths(root: Path) -> set[str]:
    out: set[str] = set()
    for folder, _, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        base = "/" if rel == "." else f"/{rel}/"
        out.add(base)
        out.update(base + f for f in files)
    return out


def resolve(page_url: str, href: str, hosts: tuple[str, ...]) -> tuple[str, bool] | None:
    """(site path, internal) of a link, or None for links that lead nowhere to check."""
    return _resolve(dirname(page_url), href.strip(), hosts)


@lru_cache(maxsize=65536)  # navigation bars repeat the same links on every page of a folder
def _resolve(folder: str, href: str, hosts: tuple[str, ...]) -> tuple[str, bool] | None:
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https", "") or parts.netloc.lower() not in hosts:
            return href, False
    path = unquote(parts.path)
    if not path:
        return None
    full = path if path.startswith("/") else join(folder, path)
    norm = normpath(full)
    if full.endswith("/") and not norm.endswith("/"):
        norm += "/"
    return norm, True


def _text(el) -> str:  # type: ignore[no-untyped-def]
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def parse(root: Path, url: str, hosts: tuple[str, ...] = (), full: bool = True) -> Page:
    """One page. ``full`` (list pages, the home page): also the date beside each link and whether it
    sits in a navigation bar; otherwise links are kept only for the broken-link check."""
    try:
        data = (root / url.lstrip("/")).read_bytes()
        m = _CHARSET.search(data[:4096])
        text, _ = decode(data, m.group(1).decode("ascii") if m else None)
        if not text.strip():
            return Page(url, {}, "", (), None, (), "", error="空文件")
        doc = etree.fromstring(text.lstrip("\ufeff"), _PARSER)
        if doc is None:
            raise ValueError("没有内容")
    except (OSError, EncodingError, ValueError) as exc:
        return Page(url, {}, "", (), None, (), "", error=str(exc) or "无法解析")
    except Exception as exc:  # noqa: BLE001 - lxml errors: fail closed, per page
        return Page(url, {}, "", (), None, (), "", error=f"无法解析：{exc}")
    meta: dict[str, str] = {}
    for el in doc.iter("meta"):
        name = el.get("name")
        if name:
            want = _META_LOWER.get(name.lower())
            if want:
                meta[want] = (el.get("content") or "").strip()
    title = (doc.findtext(".//title") or "").strip()
    body = doc.find("body")
    if body is None:
        body = doc
    for bad in body.iter("script", "style"):
        bad.text = None
    links: list[Link] = []
    folder = dirname(url)
    if not full:  # only the internal links, once each, for the broken-link check
        targets = {_resolve(folder, h.strip(), hosts) for h in _HREFS(body)}
        links = [Link(t[0], "", None, True, False) for t in targets if t is not None and t[1]]
        links.sort(key=lambda ln: ln.url)
    for a in body.iter("a") if full else ():
        href = a.get("href")
        if href is None:
            continue
        target = _resolve(folder, href.strip(), hosts)
        if target is None:
            continue
        text = _text(a).strip()
        parent = a.getparent()
        near = None
        nav = False
        if parent is not None and parent.tag in ("li", "td", "dd", "p", "div", "span", "tr"):
            rest = _text(parent)
            near = near_date(rest.replace(text, "", 1)) if len(rest) < 400 else None
        anc = a
        for _ in range(4):
            anc = anc.getparent()
            if anc is None:
                break
            if anc.tag == "nav" or _NAV_HINT.search(f"{anc.get('class', '')} {anc.get('id', '')}"):
                nav = True
                break
        links.append(Link(target[0], text, near, target[1], nav))
    whole = "\n".join(body.itertext())  # text nodes apart: "来源：X" never runs into the next line
    if not full:  # an article: its dates and meta are all the audit uses
        head = whole[:3000]
        m = _UNIT.search(head)
        return Page(url, meta, title, (), line_date(head), tuple(links), "", unit=m.group(1) if m else "")
    crumbs: tuple[str, ...] = ()
    m = None
    if _CRUMB_WORD.search(whole):
        for el in _CRUMB_XPATH(body):
            m = _CRUMB.search(" ".join(_text(el).split()))
            if m:
                break
    if m:
        parts = [p.strip() for p in _CRUMB_SPLIT.split(m.group(1).strip()) if p.strip()]
        crumbs = tuple(p for p in parts if p not in ("首页", "网站首页", "主页"))
    return Page(url, meta, title, crumbs, line_date(whole[:3000]), tuple(links),
                " ".join(whole[:3000].split())[:600])


_PARSER = etree.HTMLParser(remove_comments=True)
_HREFS = etree.XPath(".//a/@href")
_META_LOWER = {n.lower(): n for n in META_NAMES}


def page_number(url: str) -> int | None:
    m = _PAGINATION.search(url)
    return int(m.group(1)) if m else None
