"""The text of one block being collected, with the anchors back to the source."""

from __future__ import annotations

from .syntax import _BREAK, _NL_SPACE, _NONE, _SPACE, _WIDE


class _Buffer:
    """The text of one block (of one visibility) being collected, with its anchors."""

    __slots__ = ("parts", "length", "anchors", "pending", "pending_pos", "last", "line", "col", "off",
                 "where")

    def __init__(self, where):
        self.parts: list[str] = []
        self.length = 0
        self.anchors: list[tuple[int, int, int]] = []
        self.pending = _NONE
        self.pending_pos = 0
        self.last = ""
        self.line = self.col = self.off = 0
        self.where = where  # pos → (line, column)

    def emit(self, s: str, pos: int) -> None:
        """Append ``s`` (no line break inside), written at source offset ``pos``."""
        if not s:
            return  # a reference to a control character decodes to nothing ("&#22")
        if self.pending:
            if self.length:
                if self.pending == _BREAK:
                    self._put("\n", self.pending_pos)
                elif not (self.pending == _NL_SPACE and _WIDE.match(self.last) and _WIDE.match(s)):
                    self._put(" ", self.pending_pos)
            self.pending = _NONE
        self._put(s, pos)

    def _put(self, s: str, pos: int) -> None:
        if "\xa0" in s:
            s = s.replace("\xa0", " ")
        line, col = self.where(pos)
        if line != self.line or col != self.col + (self.length - self.off) or not self.anchors:
            self.anchors.append((self.length, line, col))
            self.line, self.col, self.off = line, col, self.length
        self.parts.append(s)
        self.length += len(s)
        self.last = s[-1]

    def space(self, newline: bool, pos: int) -> None:
        if self.pending == _BREAK:
            return
        kind = _NL_SPACE if newline else _SPACE
        if self.pending == _NONE:
            self.pending, self.pending_pos = kind, pos
        elif kind > self.pending:
            self.pending = kind

    def brk(self, pos: int) -> None:
        if self.pending != _BREAK:
            self.pending, self.pending_pos = _BREAK, pos

    def text(self) -> str:
        return "".join(self.parts)

