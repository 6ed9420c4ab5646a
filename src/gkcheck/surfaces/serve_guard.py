"""The gate in front of ``gkcheck serve``'s application: Host, token, body size and pace.

:func:`guard` wraps the ASGI application so that nothing reaches it before the ``Host`` header
is allowed (DNS rebinding), the token checked, and the whole body received — into a spooled
file, within time limits, a bounded number at a time — and then at most :attr:`Limits.workers`
bodies are handed on at once. The numbers are in docs/serve.md ("慢速、大量和恶意的客户端").
"""

from __future__ import annotations

import asyncio
import hmac
import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable

from ..model import GkcheckError

DEFAULT_TIMEOUT = 60.0
DEFAULT_WORKERS = 4
DEFAULT_MAX_UPLOADS = 32
SPOOL_BYTES = 2**20
BODY_TIMEOUT = 120.0
BODY_IDLE = 15.0
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
HEALTH_PATH = "/healthz"   # answered whatever the Host: a load balancer probes by IP address


@dataclass(frozen=True)
class Limits:
    """How much the server takes from clients at once (docs/serve.md, "限制与并发")."""

    hosts: frozenset[str] | None = None     # allowed Host names; None: any
    max_uploads: int = DEFAULT_MAX_UPLOADS  # request bodies being received at once
    spool_bytes: int = SPOOL_BYTES          # a body beyond this waits on disk, not in memory
    body_timeout: float = BODY_TIMEOUT      # seconds to receive a whole body
    body_idle: float = BODY_IDLE            # longest pause within a body
    workers: int = DEFAULT_WORKERS          # bodies handed to the application at once
    queue_timeout: float = DEFAULT_TIMEOUT  # how long a received body waits for a place


ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


def guard(app: ASGIApp, *, token: str | None, max_bytes: int, limits: "Limits | None" = None,
          open_paths: frozenset[str] = frozenset()) -> ASGIApp:
    """Wrap ``app``: the ``Host`` header must be allowed (:attr:`Limits.hosts`; stops DNS
    rebinding against a local instance); when a token is set, every request but those to
    ``open_paths`` needs ``Authorization: Bearer <token>`` (compared in constant time; a new
    endpoint is protected without anyone remembering to); a body larger than ``max_bytes`` is
    refused with 413 — at once when ``Content-Length`` says so, otherwise as soon as the bytes
    received pass it. A body is received into a spooled file (memory up to
    :attr:`Limits.spool_bytes`, then disk), at most :attr:`Limits.max_uploads` at a time, counting
    those received and waiting for a place (503 beyond), and must arrive within :attr:`Limits.body_timeout` seconds with no pause longer than
    :attr:`Limits.body_idle` (408). Only then, when one of :attr:`Limits.workers` places is free,
    is it handed to the application (503 after :attr:`Limits.queue_timeout`)."""
    limits = limits or Limits()
    uploads = 0
    admission = asyncio.Semaphore(limits.workers)

    async def guarded(scope: dict, receive: Callable[[], Awaitable[dict]],
                      send: Callable[[dict], Awaitable[None]]) -> None:
        nonlocal uploads
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope["headers"]}
        path = scope["path"]
        if (limits.hosts is not None and path != HEALTH_PATH
                and host_name(headers.get(b"host")) not in limits.hosts):
            await _send_error(send, 400, "不接受的 Host 请求头（见 --allow-host）")
            return
        if token and path not in open_paths and not authorized(headers.get(b"authorization"), token):
            await _send_error(send, 401, "未授权：请在 Authorization 请求头中提供正确的访问令牌（Bearer 令牌）",
                              ((b"www-authenticate", b'Bearer realm="gkcheck"'),))
            return
        length = headers.get(b"content-length", b"0").decode("latin-1").strip()
        if not length.isdigit():
            await _send_error(send, 400, "Content-Length 无效")
            return
        if int(length) > max_bytes:
            await _send_error(send, 413, _too_large(max_bytes))
            return
        if scope["method"] in ("GET", "HEAD") or (int(length) == 0 and b"transfer-encoding" not in headers):
            await app(scope, receive, send)    # no body: nothing to hold, nothing to wait for
            return
        if uploads >= limits.max_uploads:
            await _send_error(send, 503, "服务繁忙：同时上传的请求已满，请稍后再试")
            return
        uploads += 1   # held while the body arrives and while it waits for a place: both bounded
        try:
            spool = await _receive_body(receive, send, max_bytes, limits)
            if spool is None:
                return
            try:
                async with asyncio.timeout(limits.queue_timeout):
                    await admission.acquire()
            except TimeoutError:
                spool.close()
                await _send_error(send, 503, "服务繁忙：正在进行的检查已满，请稍后再试")
                return
        finally:
            uploads -= 1
        with spool:
            try:
                total = spool.tell()
                spool.seek(0)

                async def replay() -> dict:
                    if spool.closed or spool.tell() >= total:
                        return await receive()   # after the body: a disconnect, as uvicorn says
                    chunk = spool.read(1 << 20)
                    return {"type": "http.request", "body": chunk, "more_body": spool.tell() < total}

                await app(scope, replay, send)
            finally:
                admission.release()

    return guarded


async def _receive_body(receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]],
                        max_bytes: int, limits: "Limits") -> Any:
    """The request body in a spooled temporary file, or None when an answer was sent instead
    (413, 408) or the client went away."""
    import tempfile

    spool = tempfile.SpooledTemporaryFile(max_size=limits.spool_bytes, prefix="gkcheck-upload-")
    size = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.body_timeout
    try:
        while True:
            wait = min(limits.body_idle, deadline - loop.time())
            try:
                if wait <= 0:
                    raise TimeoutError
                async with asyncio.timeout(wait):
                    message = await receive()
            except TimeoutError:
                await _send_error(send, 408, f"请求体接收超时（{limits.body_idle:g} 秒内没有收到数据，或超过 "
                                             f"{limits.body_timeout:g} 秒仍未收完）")
                spool.close()
                return None
            if message["type"] == "http.disconnect":
                spool.close()
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_bytes:
                await _send_error(send, 413, _too_large(max_bytes))
                spool.close()
                return None
            spool.write(chunk)
            if not message.get("more_body"):
                return spool
    except BaseException:
        spool.close()
        raise


def host_name(header: bytes | None) -> str:
    """The host in a ``Host`` header, lower case, without port or IPv6 brackets ("" if none)."""
    value = (header or b"").decode("latin-1").strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def check_token(token: str | None) -> str | None:
    """The token without surrounding white space (a client's is compared stripped too); None
    when there is none. Only white space is refused: it would lock every client out."""
    if token is None or token == "":
        return None
    if not token.strip():
        raise GkcheckError("访问令牌不能只有空白字符（检查 --token 或 GKCHECK_TOKEN）")
    if any(not c.isprintable() for c in token.strip()):
        raise GkcheckError("访问令牌中不能有控制字符（检查 --token 或 GKCHECK_TOKEN）")
    return token.strip()


def host_allow_list(names: "Iterable[str] | None", token: str | None, bound: str | None = None
                    ) -> frozenset[str] | None:
    """The ``Host`` names to accept (None: any). Given names (``*`` for any) win; otherwise any
    with a token (a page from a rebound name cannot read it), else the local names and
    ``bound``, the address the server listens on."""
    if names is not None:
        names = [n.strip().lower().strip("[]") for n in names if n.strip()]
        if names:
            return None if "*" in names else frozenset(names)
    if token:
        return None
    extra = {bound.lower().strip("[]")} if bound and bound not in ("0.0.0.0", "::", "") else set()
    return LOCAL_HOSTS | extra


def authorized(header: bytes | None, token: str) -> bool:
    """``Authorization: Bearer <token>``, the token compared in constant time as UTF-8 bytes."""
    scheme, _, given = (header or b"").strip().partition(b" ")
    if scheme.lower() != b"bearer":
        return False
    return hmac.compare_digest(given.strip(), token.encode("utf-8"))


def _too_large(max_bytes: int) -> str:
    return f"请求过大：上限 {_size(max_bytes)}，请拆分文件或联系管理员调整 --max-bytes"


def _size(n: int) -> str:
    return f"{n / 2**20:g} MB" if n >= 2**20 else f"{n} 字节"


async def _send_error(send: Callable[[dict], Awaitable[None]], status: int, detail: str,
                      headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()), (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})
