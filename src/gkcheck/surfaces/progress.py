"""The progress line of ``gkcheck scan``: on standard error only, never mixed into the report.

By default (``--progress`` not given) it shows only for a person watching: standard error is a
terminal, no CI system is named in the environment, and more than one file is checked. On a
terminal it redraws one line (``已检查 12/40 [#####-----] 30% 路径``) and erases it when done;
forced onto a pipe or a log (``--progress``) it writes one plain line per file instead.
"""

from __future__ import annotations

import os
import time
import unicodedata
from typing import Mapping, TextIO

from ..model import FileResult
from ..reporters import escape_controls

# variables CI systems set; any of them (with a value other than false/0) means nobody watches
CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "TF_BUILD",
                "TEAMCITY_VERSION", "CIRCLECI", "TRAVIS")
BAR = 20
REDRAW = 0.1   # seconds between redraws of the terminal line


def running_in_ci(env: Mapping[str, str]) -> bool:
    return any(env.get(name, "").strip().lower() not in ("", "0", "false", "no") for name in CI_VARIABLES)


def wanted(choice: bool | None, stream: TextIO, env: Mapping[str, str]) -> bool:
    """Whether to show progress at all: ``--progress``/``--no-progress``, else auto. The caller
    still leaves it off in auto mode when there is only one file."""
    if choice is not None:
        return choice
    return _isatty(stream) and not running_in_ci(env)


class Progress:
    """Counts checked files against ``total`` and draws the count on ``stream``."""

    def __init__(self, total: int, stream: TextIO):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.tty = _isatty(stream)
        self._drawn = 0          # display width of the line on screen
        self._last = float("-inf")

    def update(self, result: FileResult) -> None:
        self.done += 1
        if not self.tty:
            self.stream.write(f"已检查 {self.done}/{self.total}（{self._percent()}%）{escape_controls(result.path)}\n")
            self.stream.flush()
            return
        now = time.monotonic()
        if now - self._last < REDRAW and self.done < self.total:
            return
        self._last = now
        filled = BAR * min(self.done, self.total) // self.total
        head = f"已检查 {self.done}/{self.total} [{'#' * filled}{'-' * (BAR - filled)}] {self._percent():3d}% "
        room = _columns(self.stream) - 1 - _width(head)
        line = head + _fit(escape_controls(result.path), room)
        self._draw(line)

    def close(self) -> None:
        """Erase the terminal line so what follows starts clean."""
        if self.tty and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0

    def _draw(self, line: str) -> None:
        width = _width(line)
        self.stream.write("\r" + line + " " * max(0, self._drawn - width))
        self.stream.flush()
        self._drawn = max(width, self._drawn)

    def _percent(self) -> int:
        return min(100, 100 * self.done // self.total)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _width(text: str) -> int:
    """Terminal columns: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, room: int) -> str:
    """``text`` cut from the left to ``room`` columns (the file name at the end stays)."""
    if room < 4:
        return ""
    if _width(text) <= room:
        return text
    out: list[str] = []
    used = 3
    for c in reversed(text):
        w = _width(c)
        if used + w > room:
            break
        out.append(c)
        used += w
    return "..." + "".join(reversed(out))
