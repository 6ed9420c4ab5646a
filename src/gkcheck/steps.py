"""How far one check has come, for a surface that shows it while it runs (the web page's jobs).

The engine calls :func:`step` where it knows its position: before reading a file (its size in
bytes) and, while checking, every :data:`EVERY` hits of each detector pass (the segment the hit
is in, of all the document's segments: cells of a spreadsheet, paragraphs, lines). Nothing
happens unless a listener is set for the running context with :func:`listening`, so a plain
``Checker.check_bytes`` pays one context-variable lookup per call site.

A listener may stop the check by raising :class:`Stop` (or a subclass): it is a
``BaseException``, so the readers' and the checker's ``except Exception`` (which turn a broken
file into that file's error) let it through to whoever set the listener.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Iterator

EVERY = 256   # hits between two steps within a detector pass


@dataclass(frozen=True)
class Step:
    """``phase`` ``"read"`` (``done``/``total`` in bytes) or ``"check"`` (``done``/``total`` in
    segments of a document of type ``kind``, in detector pass ``part`` of ``parts``)."""

    phase: str
    done: int
    total: int
    part: int = 0
    parts: int = 1
    kind: str | None = None


Listener = Callable[[Step], None]
_listener: ContextVar[Listener | None] = ContextVar("gkcheck_steps", default=None)


class Stop(BaseException):
    """Raised by a listener to stop the check it watches (a cancelled job)."""


def active() -> bool:
    return _listener.get() is not None


def step(phase: str, done: int, total: int, part: int = 0, parts: int = 1, kind: str | None = None) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(Step(phase, done, total, part, parts, kind))


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call ``listener`` with every :class:`Step` of the checks run in this context."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


__all__ = ["EVERY", "Step", "Stop", "active", "listening", "step"]
