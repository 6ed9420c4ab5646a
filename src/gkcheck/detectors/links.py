"""Link checks (category ``link``): every hyperlink and embedded resource a reader found.

Each link's target is first classified by parsing alone (:func:`parse_target`): benign
(``#``, ``mailto:``, ``javascript:void(0)`` ...), an in-page anchor, a relative path, a web
address, a path on someone's computer, or a malformed address. Then:

- a hidden link (``Link.hidden`` set by the reader) is 暗链 (L001), an error when its text or
  target looks like gambling, pornography or fraud spam;
- a target the public cannot open: a local path (L002), a loopback or private-network address
  (L003, decided by parsing, never by connecting), a CMS admin or preview page (L004);
- a relative target missing from the scanned folder or a missing ``#anchor`` (L005);
- a web target outside the allowed domains (L006);
- a malformed address (L007) and a short link (L008);
- with ``check-links``, every external http(s) link is fetched (:mod:`gkcheck.linkcheck`):
  failures are L007, redirects L008.

Options come from ``[options.links]`` (docs/links.md).
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import SplitResult, unquote, urlsplit

from ..config import Config
from ..matcher import compile_matcher
from ..model import Document, GkcheckError, Hit, Link
from ..rules import Rule
from ..textview import Context, TextView

if TYPE_CHECKING:  # linkcheck (http.client, ssl: 40-60 ms) is imported only when links are fetched
    from ..linkcheck import LinkStatus

HIDDEN, LOCAL, PRIVATE, ADMIN, BROKEN, EXTERNAL, UNREACHABLE, REDIRECT = (
    "L001", "L002", "L003", "L004", "L005", "L006", "L007", "L008")

# government domains, and conac.cn: the 党政机关网站标识 every government site must carry links there
NEAR_SCAN = 5000      # files looked at for the nearest existing one of a broken link
DEFAULT_ALLOWED_DOMAINS = ("gov.cn", "gov", "政务", "conac.cn")
# resources shown on the page rather than followed: not 暗链, not "不当链接"
RESOURCE_TAGS = frozenset({"img", "image", "link", "source", "video", "audio", "track", "input",
                           "picture", "style"})
SPAM_RULES = ("S001", "S002", "S004", "S005")  # gambling, pornography, illegal goods, fraud

FETCH_KEYS = {"check-links", "timeout", "retries", "workers", "per-host", "delay", "max-redirects"}
OPTION_KEYS = {"allowed-domains", "extend-allowed-domains", "site-root", "check-relative",
               "check-links", "timeout", "retries", "workers", "per-host", "delay",
               "max-redirects", "allow-private"}

_BENIGN_JS = re.compile(
    r"javascript:\s*(?:void\s*\(?\s*0?\s*\)?|(?:window\.)?(?:print|close)\s*\(\s*\)"
    r"|(?:window\.)?history\.(?:back|forward)\s*\(\s*\)|(?:window\.)?history\.go\s*\(\s*-?\d*\s*\)"
    r"|return\s+false|false|null|undefined|;)?\s*;?\s*(?:return\s+false\s*;?)?\s*", re.I)
_JS_URL = re.compile(r"(?:https?:)?//[^\s'\"()<>]+", re.I)
# an address typed into running text: ASCII up to a space, CJK text or full-width punctuation
_TEXT_URL = re.compile(r"(?<![A-Za-z0-9])https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+", re.I)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_DRIVE = re.compile(r"[a-zA-Z]:[\\/]")
_HTTP_TYPO = re.compile(r"(?:h?t{1,3}p{1,2}s?|hh?ttps?|hptt|hppt)\s*(?:[：;；]\s*[/／\\]{0,2}|:?\s*[／]{1,2}|//)",
                        re.I)
_BARE_DOMAIN = re.compile(
    r"(?:www\d?\.[^/?#]+|[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:gov\.cn|com\.cn|org\.cn|net\.cn|edu\.cn"
    r"|com|cn|net|org))(?::\d+)?(?:[/?#]|$)", re.I)
_BAD_HOST = re.compile(r"[\s，。、；：（）“”‘’《》！？【】<>\"'{}|^`\\]")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+", re.I)
_HTTP_TYPO_SCHEMES = {"htp", "htps", "htttp", "htttps", "hhttp", "hhttps", "ttp", "ttps", "htpp",
                      "htpps", "hptt", "hppt", "http.", "https.", "hppts"}
INTERNAL_SUFFIXES = ("localhost", "local", "lan", "internal", "intranet", "corp", "home.arpa")
PLACEHOLDER_DOMAINS = ("example", "invalid", "test", "example.com", "example.net", "example.org")
SHORTENERS = frozenset({"t.cn", "dwz.cn", "url.cn", "w.url.cn", "suo.im", "suo.nz", "bit.ly",
                        "tinyurl.com", "goo.gl", "is.gd", "ow.ly", "t.co", "u.nu", "dwz.mk",
                        "reurl.cc", "rb.gy"})
ADMIN_SEGMENTS = frozenset({"admin", "administrator", "manage", "manager", "management", "backend",
                            "houtai", "wp-admin", "wcm", "preview"})
ADMIN_QUERY_KEYS = frozenset({"preview", "ispreview", "is_preview", "previewid", "preview_id"})
ADMIN_HOST_LABELS = frozenset({"admin", "preview", "houtai"})
_DYNAMIC = (".jsp", ".jspx", ".php", ".asp", ".aspx", ".do", ".action", ".cgi", ".ashx")
_SPAM_HOST = re.compile(
    r"casino|baccarat|bet365|sbobet|188bet|betting|bocai|duchang|xpj|xinpujing|pujing|amjs"
    r"|jinsha|weinisi|caipiao|lottery|poker|porn|hentai|xxx|(?:^|[.\-\d])sex|shuadan|daikuan"
    r"|banzheng|fapiao|(?:\.(?:bet|casino|poker|porn|sex|xxx|adult)$)", re.I)


@dataclass(frozen=True)
class Target:
    """What a link points at, decided by parsing only.

    ``kind``: ``benign`` (left alone), ``anchor`` (``#id`` in the same page), ``relative``,
    ``web`` (an absolute http/https/ftp address), ``local`` (a file on someone's computer),
    ``malformed`` (cannot work as written). ``url`` is the cleaned absolute address for web
    targets; ``path``/``query``/``fragment`` the parts of relative ones; ``reason`` says why a
    local or malformed target is one.
    """

    kind: str
    url: str = ""
    host: str = ""
    path: str = ""
    query: str = ""
    fragment: str = ""
    reason: str = ""


@lru_cache(maxsize=4096)
def parse_target(raw: str) -> Target:
    """The target of ``raw`` (a pure function of the string: the pages of one site repeat the
    same navigation and footer links, so each is parsed once)."""
    url = re.sub(r"[\t\n\r]", "", raw).strip(" \x0c\x00")
    if not url:
        return Target("benign")
    if url.startswith("#"):
        return Target("anchor", fragment=url[1:])
    if url.lower().startswith("file:"):
        return Target("local", reason="本地文件地址（file:）")
    if _DRIVE.match(url):
        return Target("local", reason="本机磁盘路径")
    if url.startswith(("\\\\", "/\\", "\\/")):
        return Target("local", reason="局域网共享路径")
    if url.startswith("//"):
        return _web_target("http:" + url)
    scheme_match = _SCHEME.match(url)
    if scheme_match:
        scheme = scheme_match.group(1).lower()
        if scheme == "javascript":
            return _javascript(url)
        if scheme in ("http", "https", "ftp"):
            return _web_target(url)
        if scheme in _HTTP_TYPO_SCHEMES:
            return Target("malformed", reason=f"协议名写错（{scheme_match.group(1)}:）")
        return Target("benign")  # mailto:, tel:, data:, app schemes ...
    if _HTTP_TYPO.match(url):
        return Target("malformed", reason="“http://”写法有误（全角冒号、缺少冒号或斜杠）")
    if _BARE_DOMAIN.match(url):
        return Target("malformed", reason="网址缺少“http://”或“https://”，浏览器会把它当作本站的相对路径")
    parts = urlsplit(url.replace("\\", "/"))
    return Target("relative", path=parts.path, query=parts.query, fragment=parts.fragment)


def _javascript(url: str) -> Target:
    if _BENIGN_JS.fullmatch(url):
        return Target("benign")
    embedded = _JS_URL.search(url)
    if embedded:  # javascript:window.open('http://...'): judge the address it opens
        found = embedded.group(0)
        return parse_target(found if found.lower().startswith("http") else "http:" + found)
    return Target("benign")


def _web_target(url: str) -> Target:
    # browsers read a backslash before the query as "/" and any run of slashes after http: as
    # "//" (WHATWG URL), so http:\\www.gov.cn\ works and is not reported
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    url = url[:cut].replace("\\", "/") + url[cut:]
    url = re.sub(r"^([a-zA-Z]+):/*", lambda m: m.group(1).lower() + "://", url)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return Target("malformed", reason="地址格式错误（主机名或端口无效）")
    if not host:
        return Target("malformed", reason="地址中没有域名")
    if _BAD_HOST.search(host):
        return Target("malformed", reason="域名中有空格或全角标点")
    host = _ascii_host(host)
    return Target("web", url=_rebuild(parts), host=host, path=parts.path, query=parts.query,
                  fragment=parts.fragment)


def _rebuild(parts: SplitResult) -> str:
    return parts._replace(fragment="").geturl()


def _ascii_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _unicode_host(host: str) -> str:
    if "xn--" not in host:
        return host
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def nonpublic_reason(host: str) -> str | None:
    """Why ``host`` cannot be reached from the internet (loopback, private network, intranet
    name), decided by parsing only; None for a public name or address."""
    if host == "localhost" or host.endswith(".localhost"):
        return "本机地址（localhost）"
    ip = ip_of(host)
    if ip is not None:
        if ip.is_loopback:
            return "本机地址（回环地址）"
        if not ip.is_global or ip.is_multicast:
            return "内网或保留地址"
        return None
    if "." not in host:
        return "内网主机名（没有域名后缀）"
    if any(host == s or host.endswith("." + s) for s in INTERNAL_SUFFIXES):
        return "内网域名"
    return None


def ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host literal means, including the forms browsers accept (``127.1``,
    ``0x7f.0.0.1``, ``2130706433``); None for a name."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
        if not all(_NUMERIC_LABEL.fullmatch(x) for x in labels) or len(labels) > 4:
            return None
        import socket  # only for a numeric host browsers read as IPv4 (0x7f.1): 3 ms at start-up otherwise

        try:
            ip = ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def admin_reason(path: str, query: str, host: str = "") -> str | None:
    """Why an address looks like a CMS back-office or preview page; None if it does not."""
    if host and host.split(".")[0] in ADMIN_HOST_LABELS:
        return f"后台或预览域名（{host}）"
    for segment in unquote(path).lower().split("/"):
        stem, dot, ext = segment.rpartition(".")
        if segment in ADMIN_SEGMENTS or (dot and stem in ADMIN_SEGMENTS and "." + ext in _DYNAMIC):
            return f"后台或预览路径（/{segment}）"
    for pair in query.split("&"):
        key = unquote(pair.partition("=")[0]).strip().lower()
        if key in ADMIN_QUERY_KEYS:
            return f"预览参数（{key}）"
    return None


def is_placeholder(host: str) -> bool:
    """example.com and the reserved names (.example, .invalid, .test): a template never filled in."""
    return domain_allowed(host, PLACEHOLDER_DOMAINS)


def domain_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in allowed)


def _domains(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise GkcheckError(f"[options.links] {key} 应为域名列表")
    return tuple(_ascii_host(v.strip().removeprefix("*").lstrip(".")) for v in value if v.strip())


def _resolve_dir(value: Any, config: Config) -> Path:
    if not isinstance(value, str):
        raise GkcheckError("[options.links] site-root 应为目录路径")
    path = Path(value)
    if not path.is_absolute() and config.source is not None:
        path = config.source.parent / path
    if not path.is_dir():
        raise GkcheckError(f"[options.links] site-root 不是已存在的目录：{value}")
    return path.resolve()


class LinkDetector:
    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]):
        opts = config.detector_options("links")
        unknown = set(opts) - OPTION_KEYS
        if unknown:
            raise GkcheckError(f"[options.links] 中有未知选项：{', '.join(sorted(unknown))}")
        self.allowed = _domains(opts.get("allowed-domains", DEFAULT_ALLOWED_DOMAINS), "allowed-domains")
        self.allowed += _domains(opts.get("extend-allowed-domains", ()), "extend-allowed-domains")
        self.site_root = _resolve_dir(opts["site-root"], config) if opts.get("site-root") else None
        self.check_relative = bool(opts.get("check-relative", True))
        self.online = None
        if FETCH_KEYS & set(opts):
            from ..linkcheck import LinkChecker, LinkCheckOptions

            fetch_options = LinkCheckOptions.from_mapping(opts)  # validated even when not fetching
            if opts.get("check-links") and {UNREACHABLE, REDIRECT} & enabled:
                self.online = LinkChecker(fetch_options)
        self.allow_private = bool(opts.get("allow-private", False))
        from .dictionary import load_entries  # the sensitive dictionaries, once per Checker

        entries, _ = load_entries(config, {c for c in SPAM_RULES if c in rules})
        self._spam_words = [e.match for e in entries]
        self._spam = compile_matcher(self._spam_words)

    # -- per document -------------------------------------------------------------------------

    def detect(self, view: TextView, ctx: Context) -> Iterator[Hit]:
        doc = view.document
        to_fetch: list[tuple[Link, Target]] = []
        for link in doc.links:
            target = parse_target(link.url)
            if target.kind == "benign":
                continue
            yield from self._check(doc, link, target)
            if self.online is not None and self._fetchable(target):
                to_fetch.append((link, target))
        yield from self._text_addresses(view, {link.url.strip() for link in doc.links})
        if to_fetch and self.online is not None:
            statuses = self.online.check_all([t.url for _, t in to_fetch])
            for link, target in to_fetch:
                hit = _online_hit(link, statuses[target.url])
                if hit is not None:
                    yield hit

    def _text_addresses(self, view: TextView, linked: set[str]) -> Iterator[Hit]:
        """Intranet and back-office addresses typed into the text (PDF and plain text often
        carry no hyperlinks): the public cannot open them either. Addresses that are also a
        link's target were judged as links already."""
        text = view.text
        if "://" not in text:
            return
        for m in _TEXT_URL.finditer(text):
            url = m.group(0).rstrip(".,;:!?)]'")
            if url in linked:
                continue
            target = parse_target(url)
            if target.kind != "web":
                continue
            start, end = m.start(), m.start() + len(url)
            private = nonpublic_reason(target.host)
            admin = admin_reason(target.path, target.query, target.host)
            if private:
                yield Hit(PRIVATE, start, end, message=f"正文中的网址是内网或本机地址，公众无法访问：{private}")
            elif admin:
                yield Hit(ADMIN, start, end, message=f"正文中的网址指向网站后台或预览页面：{admin}")

    def _fetchable(self, target: Target) -> bool:
        return (target.kind == "web" and target.url.lower().startswith(("http://", "https://"))
                and (self.allow_private or nonpublic_reason(target.host) is None)
                and admin_reason(target.path, target.query, target.host) is None
                and not is_placeholder(target.host))

    def _check(self, doc: Document, link: Link, target: Target) -> Iterator[Hit]:
        navigable = link.tag.lower() not in RESOURCE_TAGS
        # 暗链 is a web page trick; hidden text in office files (tracked deletions, comments,
        # vanished runs) is the hidden-content detector's business
        hidden = (link.hidden and doc.type == "html" and navigable and target.kind != "anchor"
                  and link.tag.lower() != "script")
        if hidden:
            yield self._hidden(link, target)
        if target.kind == "local":
            yield _hit(LOCAL, link, message=f"链接指向本地文件，公众无法打开：{target.reason}")
        elif target.kind == "malformed":
            yield _hit(UNREACHABLE, link, message=f"链接地址写法错误，无法打开：{target.reason}",
                       severity="error")
        elif target.kind == "anchor":
            hit = self._anchor(doc, link, target.fragment)
            if hit:
                yield hit
        elif target.kind == "relative":
            yield from self._relative(doc, link, target)
        else:
            # a 暗链 is one finding: its L001 already says where it points, so no L006 beside it
            yield from self._web(link, target, navigable, external=not hidden)

    def _hidden(self, link: Link, target: Target) -> Hit:
        spam = self._spam_reason(link, target)
        internal = target.kind == "relative" or (
            target.kind == "web" and domain_allowed(target.host, self.allowed))
        message = f"隐藏的链接（暗链）：{link.hidden}"
        if spam:
            return _hit(HIDDEN, link, message=f"{message}，且{spam}", severity="error",
                        note=link.text or None, advice="删除该元素（隐藏的链接及其文字），并排查网站是否被入侵、模板是否被篡改")
        if internal:
            return _hit(HIDDEN, link, severity="info", note=link.text or None,
                        message=f"隐藏的站内链接（{link.hidden}）：多为折叠菜单或选项卡，请确认不是暗链",
                        advice="是折叠菜单或选项卡时无需修改；否则删除该元素")
        return _hit(HIDDEN, link, message=message, note=link.text or None,
                    advice="删除该元素（隐藏的链接及其文字）")

    def _spam_reason(self, link: Link, target: Target) -> str | None:
        host = _unicode_host(target.host)
        for text in (link.text, unquote(link.url), host):
            for index, _, _ in self._spam.find(text or ""):
                return f"链接文字或地址含有“{self._spam_words[index]}”"
        if target.kind == "web" and _SPAM_HOST.search(target.host):
            return "域名疑似赌博、色情或诈骗网站"
        return None

    def _anchor(self, doc: Document, link: Link, fragment: str) -> Hit | None:
        if doc.anchors is None or not fragment or fragment.lower() == "top" \
                or fragment.startswith(("/", "!")):
            return None
        if fragment in doc.anchors or unquote(fragment) in doc.anchors:
            return None
        import difflib  # only for a missing anchor

        near = difflib.get_close_matches(unquote(fragment), sorted(doc.anchors), n=1, cutoff=0.6)
        advice = (f"改为页面中最接近的锚点“#{near[0]}”，或删除该链接" if near
                  else "改为页面中实际存在的 id，或删除该链接")
        # the message does not repeat the link: the finding's match is the link as written
        return _hit(BROKEN, link, message="页内锚点不存在：页面中没有这个 id 或 name", severity="warning",
                    advice=advice)

    def _relative(self, doc: Document, link: Link, target: Target) -> Iterator[Hit]:
        admin = admin_reason(target.path, target.query)
        if admin:
            yield _hit(ADMIN, link, message=f"链接指向网站后台或预览页面：{admin}")
            return
        if doc.type != "html":
            if target.path:
                yield _hit(LOCAL, link, severity="warning",
                           message="文档中的相对路径链接：公众下载文档后无法打开，请改为完整网址")
            return
        if not self.check_relative or not os.path.isfile(doc.path):
            return
        path = target.path
        if not path or _same_file(path, doc.path):
            if target.fragment:
                hit = self._anchor(doc, link, target.fragment)
                if hit:
                    yield hit
            return
        if path.lower().endswith(_DYNAMIC):
            return  # a server program: its page does not exist as a file in the folder
        missing = self._missing(doc.path, path)
        if missing:
            near = self._nearest_file(doc.path, path)
            advice = (f"上传缺少的文件，或改为最接近的现有文件“{near}”" if near
                      else "上传缺少的文件，或改正链接地址")
            outside = "（超出网站根目录）" if missing.endswith("（超出网站根目录）") else ""
            yield _hit(BROKEN, link, message=f"链接的文件不存在{outside}", severity="error", advice=advice)

    def _missing(self, doc_path: str, path: str) -> str | None:
        """Why a relative ``path`` from the document at ``doc_path`` points at nothing, or None."""
        if path.startswith("/"):
            if self.site_root is None:
                return None
            base, rel = self.site_root, path.lstrip("/")
        else:
            base, rel = Path(doc_path).resolve().parent, path
        # percent-encoded names: UTF-8 as browsers send them, GBK as older Chinese sites write them
        for candidate in dict.fromkeys((unquote(rel), unquote(rel, encoding="gbk"), rel)):
            full = Path(os.path.normpath(base / candidate))
            if self.site_root is not None and not full.is_relative_to(self.site_root):
                return f"{path}（超出网站根目录）"
            if full.exists():
                return None
        return path

    def _nearest_file(self, doc_path: str, path: str) -> str | None:
        """The existing file whose name is most like the missing one's, as a link would write it:
        searched in the site root when one is set (at most :data:`NEAR_SCAN` files), else in the
        folder the link points into and the document's folder."""
        wanted = unquote(path.split("?")[0].split("#")[0]).rstrip("/").rsplit("/", 1)[-1]
        if not wanted:
            return None
        doc_dir = Path(doc_path).resolve().parent
        names: dict[str, str] = {}
        if path.startswith("/") and self.site_root is not None:
            seen = 0
            for folder, dirs, files in os.walk(self.site_root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    rel = "/" + Path(folder, name).relative_to(self.site_root).as_posix()
                    names.setdefault(name, rel)
                    seen += 1
                if seen > NEAR_SCAN:
                    break
        else:
            folder_part = unquote(path).rsplit("/", 1)[0] if "/" in path else ""
            for folder, prefix in ((doc_dir / folder_part, folder_part + "/" if folder_part else ""), (doc_dir, "")):
                try:
                    entries = sorted(os.listdir(folder))[:NEAR_SCAN]
                except OSError:
                    continue
                for name in entries:
                    if (folder / name).is_file():
                        names.setdefault(name, prefix + name)
        import difflib  # only for a missing file

        near = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.5)
        return names[near[0]] if near else None

    def _web(self, link: Link, target: Target, navigable: bool, external: bool = True) -> Iterator[Hit]:
        private = nonpublic_reason(target.host)
        if private:
            yield _hit(PRIVATE, link, message=f"链接指向内网或本机地址，公众无法访问：{private}")
            return
        admin = admin_reason(target.path, target.query, target.host)
        if admin:
            yield _hit(ADMIN, link, message=f"链接指向网站后台或预览页面：{admin}")
            return
        if is_placeholder(target.host):
            yield _hit(UNREACHABLE, link, severity="error",
                       message=f"链接指向示例或保留域名（{target.host}），是未替换的占位地址")
            return
        if external and navigable and not domain_allowed(target.host, self.allowed):
            spam = self._spam_reason(link, target)
            if spam:
                yield _hit(EXTERNAL, link, severity="error", message=f"链接指向外部网站，且{spam}")
            else:
                yield _hit(EXTERNAL, link, message=f"链接指向允许范围以外的网站：{_unicode_host(target.host)}")
        if target.host in SHORTENERS and self.online is None:
            yield _hit(REDIRECT, link, message=f"短链接（{target.host}）：看不出实际指向哪里，请改为目标网址")


def _same_file(path: str, doc_path: str) -> bool:
    return unquote(path).rsplit("/", 1)[-1] == Path(doc_path).name and "/" not in path.strip("./")


def _hit(rule: str, link: Link, *, message: str, severity: str | None = None,
         suggestion: str | None = None, note: str | None = None, advice: str | None = None) -> Hit:
    return Hit(rule, -1, -1, match=link.url, location=link.location, message=message,
               severity=severity, suggestion=suggestion, note=note, advice=advice)


def _online_hit(link: Link, status: LinkStatus) -> Hit | None:
    if status.ok and status.final_url is None:
        return None
    if status.ok:
        return _hit(REDIRECT, link, message=f"链接已跳转到 {status.final_url}，建议直接使用最终地址",
                    suggestion=status.final_url)
    note = f"跳转后的地址：{status.final_url}" if status.final_url else None
    return _hit(UNREACHABLE, link, message=f"链接无法访问：{status.error}",
                severity=status.severity, note=note)
