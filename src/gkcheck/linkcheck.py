"""The online link check (``gkcheck scan --check-links``): fetch each external address once.

- concurrent: a thread pool of ``workers``;
- polite: at most ``per_host`` requests at a time to one host and ``delay`` seconds between the
  starts of two requests to the same host;
- bounded: a ``timeout`` per connection and read, ``retries`` after a connection failure, a
  timeout or a 502/503/504, at most ``max_redirects`` redirects (each one followed and reported);
- HEAD first, GET (headers only, the body is never read) when HEAD is refused or fails;
- never inside: every address a host name resolves to is checked and loopback, private,
  link-local and reserved addresses are never contacted (also after a redirect), unless
  ``allow_private`` — an option for tests, which run their servers on 127.0.0.1.

Only the standard library (http.client); results are cached for the life of the checker, so a
link that appears on a thousand pages is fetched once per process.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence
from urllib.parse import quote, urljoin, urlsplit

from ._version import __version__
from .model import GkcheckError

REDIRECT_CODES = (301, 302, 303, 307, 308)
RETRY_CODES = (502, 503, 504)
GONE_CODES = (404, 410)
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class LinkCheckOptions:
    timeout: float = 10.0
    retries: int = 1
    workers: int = 8
    per_host: int = 2
    delay: float = 0.5
    max_redirects: int = 5
    allow_private: bool = False  # tests only: lets the checker reach 127.0.0.1
    user_agent: str = f"gkcheck/{__version__} (link check)"

    @classmethod
    def from_mapping(cls, opts: Mapping[str, Any]) -> "LinkCheckOptions":
        """From ``[options.links]`` keys (``timeout``, ``retries``, ``workers``, ``per-host``,
        ``delay``, ``max-redirects``, ``allow-private``)."""
        numbers = {"timeout": (float, 0.1), "retries": (int, 0), "workers": (int, 1),
                   "per-host": (int, 1), "delay": (float, 0.0), "max-redirects": (int, 0)}
        values: dict[str, Any] = {}
        for key, (kind, low) in numbers.items():
            if key in opts:
                value = opts[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low \
                        or (kind is int and not isinstance(value, int)):
                    raise GkcheckError(f"[options.links] {key} 应为不小于 {low} 的{'整数' if kind is int else '数'}")
                values[key.replace("-", "_")] = kind(value)
        values["allow_private"] = bool(opts.get("allow-private", False))
        return cls(**values)


@dataclass(frozen=True)
class LinkStatus:
    """The outcome for one address: ``ok`` (final answer 2xx/3xx without Location), the
    ``final_url`` after redirects (None if there were none), the final HTTP ``status`` (None
    when no answer came), and for a failure an ``error`` in Chinese and its ``severity``
    (``error`` for certainly gone: 404/410, unknown domain, connection refused; ``warning`` for
    what may be temporary or aimed at robots: timeouts, 5xx, 403, certificate problems)."""

    url: str
    ok: bool
    status: int | None = None
    final_url: str | None = None
    error: str | None = None
    severity: str = "error"
    redirects: tuple[str, ...] = field(default=())


class _Failure(Exception):
    """A request that got no HTTP answer. ``retry``: worth another attempt later; ``final``:
    a GET would fail the same way as the HEAD did."""

    def __init__(self, message: str, severity: str, *, retry: bool = False, final: bool = True):
        super().__init__(message)
        self.message, self.severity, self.retry, self.final = message, severity, retry, final


class LinkChecker:
    def __init__(self, options: LinkCheckOptions = LinkCheckOptions()):
        self.options = options
        self._cache: dict[str, LinkStatus] = {}
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._ssl = ssl.create_default_context()

    def check_all(self, urls: Sequence[str]) -> dict[str, LinkStatus]:
        """Every address checked (concurrently, each once); the result maps address → status."""
        todo = [u for u in dict.fromkeys(urls) if u not in self._cache]
        if todo:
            workers = max(1, min(self.options.workers, len(todo)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gkcheck-link") as pool:
                for url, status in zip(todo, pool.map(self._fetch, todo)):
                    with self._lock:
                        self._cache[url] = status
        return {u: self._cache[u] for u in urls}

    def check(self, url: str) -> LinkStatus:
        return self.check_all([url])[url]

    # -- one address ----------------------------------------------------------------------------

    def _fetch(self, url: str) -> LinkStatus:
        current, hops = url, []
        for _ in range(self.options.max_redirects + 1):
            try:
                status, location = self._request_with_retries(current)
            except _Failure as failure:
                return LinkStatus(url, False, None, current if hops else None, failure.message,
                                  failure.severity, tuple(hops))
            if status in REDIRECT_CODES and location:
                current = urljoin(current, location.strip())
                hops.append(current)
                if not current.lower().startswith(("http://", "https://")):
                    return LinkStatus(url, True, status, current, redirects=tuple(hops))
                continue
            final = current if hops else None
            if status < 400:
                return LinkStatus(url, True, status, final, redirects=tuple(hops))
            return LinkStatus(url, False, status, final, _describe(status),
                              "error" if status in GONE_CODES else "warning", tuple(hops))
        return LinkStatus(url, False, None, current, f"跳转次数过多（超过 {self.options.max_redirects} 次）",
                          "warning", tuple(hops))

    def _request_with_retries(self, url: str) -> tuple[int, str | None]:
        for attempt in range(self.options.retries + 1):
            if attempt:
                time.sleep(min(2.0, 0.2 * attempt))
            try:
                status, location = self._request_head_then_get(url)
            except _Failure as failure:
                if not failure.retry or attempt == self.options.retries:
                    raise
                continue
            if status in RETRY_CODES and attempt < self.options.retries:
                continue
            return status, location
        raise AssertionError("unreachable")

    def _request_head_then_get(self, url: str) -> tuple[int, str | None]:
        try:
            status, location = self._request("HEAD", url)
            if status < 400:
                return status, location
        except _Failure as failure:
            if failure.final:
                raise  # no answer at all (timeout, unknown domain ...): GET will not do better
        return self._request("GET", url)

    def _request(self, method: str, url: str) -> tuple[int, str | None]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port
            ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
        except (ValueError, UnicodeError):
            raise _Failure("地址格式错误", "error") from None
        target = quote(parts.path or "/", safe=_SAFE_PATH)
        if parts.query:
            target += "?" + quote(parts.query, safe=_SAFE_PATH + "?")
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                ascii_host, port, timeout=self.options.timeout, context=self._ssl)
        else:
            conn = http.client.HTTPConnection(ascii_host, port, timeout=self.options.timeout)
        conn._create_connection = self._connect  # type: ignore[attr-defined]
        headers = {"User-Agent": self.options.user_agent, "Accept": "*/*",
                   "Accept-Language": "zh-CN,zh;q=0.9", "Connection": "close"}
        with self._slot(ascii_host):
            try:
                conn.request(method, target, headers=headers)
                response = conn.getresponse()
                return response.status, response.getheader("Location")
            except _Failure:
                raise
            except socket.gaierror:
                raise _Failure("域名无法解析（域名不存在或已停用）", "error") from None
            except ssl.SSLCertVerificationError as exc:
                raise _Failure(f"网站证书无效（{exc.verify_message}）", "warning") from None
            except ssl.SSLError as exc:
                raise _Failure(f"加密连接失败（{exc.reason or exc}）", "warning") from None
            except ConnectionRefusedError:
                raise _Failure("连接被拒绝（网站未开放服务）", "error", retry=True) from None
            except (TimeoutError, socket.timeout):
                raise _Failure(f"连接超时（{self.options.timeout:g} 秒内没有响应）", "warning",
                               retry=True) from None
            except (OSError, http.client.HTTPException) as exc:
                raise _Failure(f"连接失败（{type(exc).__name__}）", "warning", retry=True,
                               final=False) from None
            finally:
                conn.close()

    def _connect(self, address: tuple[str, int], timeout: Any = None,
                 source_address: Any = None) -> socket.socket:
        """socket.create_connection that refuses every address outside the public internet."""
        host, port = address
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        last: Exception | None = None
        for family, kind, proto, _, sockaddr in infos:
            ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
            if not self.options.allow_private and not _public(ip):
                last = _Failure(f"域名解析到内网或本机地址（{ip}），不予访问", "error")
                continue
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
        raise last or OSError("no address")

    @contextmanager
    def _slot(self, host: str) -> Iterator[None]:
        with self._lock:
            gate = self._hosts.setdefault(host, threading.BoundedSemaphore(self.options.per_host))
        with gate:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.options.delay
            if start > now:
                time.sleep(start - now)
            yield


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _describe(status: int) -> str:
    if status in GONE_CODES:
        return f"页面不存在（HTTP {status}）"
    if status in (401, 403):
        return f"拒绝访问（HTTP {status}）"
    if status >= 500:
        return f"网站服务器错误（HTTP {status}）"
    return f"请求失败（HTTP {status}）"
