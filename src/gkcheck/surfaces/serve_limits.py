"""What keeps ``gkcheck serve`` answering when clients are slow, many or hostile.

- :func:`connection_protocol` — uvicorn's h11 protocol with a cap on open connections and a
  deadline for request headers. A connection that has not sent a whole request head within
  ``header_timeout`` seconds (from its start, or from the end of its previous answer) is closed;
  when ``max_connections`` are open, a new connection closes the oldest one that is waiting for
  headers (a slow or idle client), so a slow-loris flood cannot shut real clients and the health
  probe out; only when every open connection is busy with a request is the new one closed.
- :func:`fit_open_files` — raises the soft open-file limit as far as allowed and lowers the
  connection cap to what the limit leaves, so ``accept`` never meets "Too many open files".
- :class:`RepeatFilter` — at most ``burst`` warnings or errors with the same text per
  ``window`` seconds from a logger; the rest are counted and reported in one line.
"""

from __future__ import annotations

import logging
import time
from typing import Any

SPARE_FILES = 64   # files the process needs besides connections and spooled bodies


def connection_protocol(max_connections: int, header_timeout: float) -> type:
    """An h11 protocol class for ``uvicorn.Config(http=...)`` that enforces both limits."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class LimitedH11Protocol(H11Protocol):  # type: ignore[misc]
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._gk_timer = None
            self._gk_cycle = None
            self._gk_waiting_since = self.loop.time()
            if len(self.connections) > max_connections and not _evict(self.connections, self):
                self.transport.close()   # every other connection is busy: this one goes
                return
            self._gk_arm()

        def _gk_arm(self) -> None:
            self._gk_waiting_since = self.loop.time()
            if self._gk_timer is not None:
                self._gk_timer.cancel()
            self._gk_timer = self.loop.call_later(header_timeout, self._gk_expired)

        def _gk_expired(self) -> None:
            self._gk_timer = None
            if self._gk_waiting() and not self.transport.is_closing():
                self.transport.close()

        def _gk_waiting(self) -> bool:
            """Waiting for (the rest of) a request head: idle, or headers arriving slowly."""
            return self.cycle is None or self.cycle is self._gk_cycle

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.cycle is not None and self.cycle is not self._gk_cycle and self._gk_timer is not None:
                self._gk_timer.cancel()   # a whole request head arrived: the body has its own limits
                self._gk_timer = None

        def on_response_complete(self) -> None:
            self._gk_cycle = self.cycle
            super().on_response_complete()
            if not self.transport.is_closing():
                self._gk_arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if getattr(self, "_gk_timer", None) is not None:
                self._gk_timer.cancel()
            super().connection_lost(exc)

    return LimitedH11Protocol


def _evict(connections: Any, newcomer: Any) -> bool:
    """Close the connection that has waited longest for request headers; False if none waits."""
    waiting = [c for c in connections if c is not newcomer and getattr(c, "_gk_timer", None) is not None
               and c._gk_waiting() and not c.transport.is_closing()]
    if not waiting:
        return False
    oldest = min(waiting, key=lambda c: c._gk_waiting_since)
    oldest.transport.close()
    return True


def fit_open_files(max_connections: int, max_uploads: int, backlog: int) -> tuple[int, int, int | None]:
    """``(connections, uploads, soft limit)``: the soft ``RLIMIT_NOFILE`` raised towards what the
    caps need (never above the hard limit), and the caps lowered to what it allows. Besides the
    open connections, the event loop may hold up to ``backlog`` sockets it has accepted but not
    yet handed over, and as many it is still closing; each upload past
    :data:`~gkcheck.surfaces.serve.SPOOL_BYTES` holds a file. Uploads never take more than half
    the connections, so a health probe always finds one."""
    try:
        import resource
    except ImportError:   # not a POSIX system
        return max_connections, max_uploads, None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = max_connections + max_uploads + 2 * backlog + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return max_connections, max_uploads, None
    room = soft - 2 * backlog - SPARE_FILES
    uploads = max(1, min(max_uploads, room // 3))
    connections = max(2, min(max_connections, room - uploads))
    return connections, max(1, min(uploads, connections // 2)), soft


class RepeatFilter(logging.Filter):
    """Lets through at most ``burst`` records of level WARNING or above with the same message
    text per ``window`` seconds; when a window ends, one record says how many were left out.
    Records below WARNING (the access log) always pass."""

    def __init__(self, burst: int = 5, window: float = 60.0, clock: Any = time.monotonic):
        super().__init__()
        self.burst, self.window, self.clock = burst, window, clock
        self._seen: dict[tuple[str, str], list[float]] = {}   # key → [window start, count]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, str(record.msg)[:200])
        now = self.clock()
        entry = self._seen.get(key)
        if entry is None or now - entry[0] >= self.window:
            left_out = int(entry[1]) - self.burst if entry is not None and entry[1] > self.burst else 0
            self._seen[key] = [now, 1]
            if len(self._seen) > 1000:   # many distinct texts: forget the old windows
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window}
            if left_out:
                record.msg = f"{record.msg}（此前 {self.window:g} 秒内同样的日志另有 {left_out} 条已省略）"
            return True
        entry[1] += 1
        return entry[1] <= self.burst


def install_repeat_filter(names: tuple[str, ...] = ("asyncio", "uvicorn.error", "uvicorn"),
                          **options: Any) -> RepeatFilter:
    """Put one :class:`RepeatFilter` on the given loggers (and their handlers, which is where
    records propagated from child loggers are filtered)."""
    repeat = RepeatFilter(**options)
    for name in names:
        logger = logging.getLogger(name)
        logger.addFilter(repeat)
        for handler in logger.handlers:
            handler.addFilter(repeat)
    return repeat
