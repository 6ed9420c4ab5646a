"""HTML tables: each ``<table>`` laid out as a grid of segment indices (``表格N``)."""

from __future__ import annotations

from dataclasses import replace

from ...model import Segment, Table
from ..css import State
from .syntax import HIDDEN_ROW, MAX_GRID, Attr, _span


class _Cell:
    __slots__ = ("row", "col", "rowspan", "colspan", "indices", "nested", "index")

    def __init__(self, row: int, col: int, rowspan: int, colspan: int):
        self.row, self.col, self.rowspan, self.colspan = row, col, rowspan, colspan
        self.indices: list[tuple[int, str | None]] = []  # segments of this cell, with hidden reason
        self.nested = False
        self.index = -1


class _Table:
    __slots__ = ("number", "row", "next_col", "occupied", "cells", "hidden_rows", "outer_cell")

    def __init__(self, number: int, outer_cell: _Cell | None):
        self.number = number
        self.row = -1
        self.next_col = 0
        self.occupied: dict[int, set[int]] = {}
        self.cells: list[_Cell] = []
        self.hidden_rows: set[int] = set()
        self.outer_cell = outer_cell


class TablesMixin:
    """The table part of :class:`~.reader.Reader` (uses its stack, segments and cell)."""

    def table_tag(self, tag: str, attrs: dict[str, Attr], parent: State, state: State) -> State:
        if len(self.stack) >= self.max_depth:
            return state  # past the depth limit: no table structure
        if tag == "table":
            self.table_count += 1
            if self.cell is not None:
                self.cell.nested = True
            self.table_stack.append(_Table(self.table_count, self.cell))
            self.cell = None
            return state
        if not self.table_stack or not self.open.get("table"):
            return state
        table = self.table_stack[-1]
        if tag == "tr":
            table.row += 1
            table.next_col = 0
            if state.reason and state.reason != parent.reason:
                reason = HIDDEN_ROW + state.reason
                table.hidden_rows.add(table.row)
                state = state._replace(reason=reason, hard=reason)
            return state
        if tag in ("td", "th"):
            if table.row < 0:
                table.row, table.next_col = 0, 0
            taken = table.occupied.get(table.row, ())
            col = table.next_col
            while col in taken:
                col += 1
            rowspan = _span(attrs.get("rowspan"))
            colspan = _span(attrs.get("colspan"))
            if rowspan * colspan > self.grid_budget:
                rowspan = colspan = 1
            self.grid_budget -= rowspan * colspan
            for r in range(table.row + 1, table.row + rowspan):
                table.occupied.setdefault(r, set()).update(range(col, col + colspan))
            table.next_col = col + colspan
            cell = _Cell(table.row, col, rowspan, colspan)
            table.cells.append(cell)
            self.cell = cell
        return state

    def end_cell(self) -> None:
        cell = self.cell
        if cell is None:
            return
        self.cell = None
        visible = [i for i, reason in cell.indices if reason is None]
        if cell.nested or len(visible) > 1:  # layout, not data
            for i, _ in cell.indices:
                seg = self.segments[i]
                self.segments[i] = Segment(seg.text, replace(seg.base, row=None, col=None), seg.anchors, "text")
        if visible:
            cell.index = visible[0]
        elif cell.indices:
            cell.index = cell.indices[0][0]

    def end_table(self) -> None:
        if not self.table_stack:
            return
        self.end_cell()
        table = self.table_stack.pop()
        self.cell = table.outer_cell
        if not table.cells:
            return
        rows = table.row + 1
        cols = max(c.col + c.colspan for c in table.cells)
        if rows * cols > MAX_GRID:  # too big to lay out: each row keeps its own cells in order
            ragged: list[list[int]] = [[] for _ in range(rows)]
            for c in table.cells:
                ragged[c.row].append(c.index)
            grid = ragged
        else:
            grid = [[-1] * cols for _ in range(rows)]
            for c in table.cells:
                for r in range(c.row, min(c.row + c.rowspan, rows)):
                    row = grid[r]
                    for k in range(c.col, c.col + c.colspan):
                        row[k] = c.index
        self.tables.append(Table(f"表格{table.number}", tuple(tuple(r) for r in grid),
                                 hidden_rows=frozenset(table.hidden_rows)))

