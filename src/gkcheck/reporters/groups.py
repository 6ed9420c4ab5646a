"""Grouping for the reports people read (text, HTML, XLSX, the web page): a pure function over
one file's findings. JSON, SARIF and JUnit keep every place; nothing here changes a finding.

Two kinds of group, in the order their first finding comes in the file:

- ``same``: findings with the same rule and the same matched text (``截止目前`` ×12) are one
  group that lists every place. Findings without a matched text (file-level findings, a list
  column's P009) stay on their own.
- ``hidden``: a hidden-text finding (H001 hidden text, H003 comments: a ``hidden`` finding
  whose match is the reason, e.g. ``display:none``) with every other finding whose place is
  hidden for that same reason (the links, sensitive words, personal data inside the hidden
  block): one group that quotes the hidden text and names what is in it, instead of 4–5 rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..model import SEVERITY_RANK, Finding

# in a text report, a group lists this many places and says how many more (docs/reports.md)
TEXT_PLACES = 50


@dataclass(frozen=True)
class Group:
    """``findings[0]`` is the one shown (the hidden-text finding of a hidden group); ``kind`` is
    ``same`` or ``hidden``; ``inside`` the other findings of a hidden group."""

    kind: str
    findings: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def severity(self) -> str:
        """The worst severity in the group."""
        return max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__)

    @property
    def inside(self) -> tuple[Finding, ...]:
        return self.findings[1:] if self.kind == "hidden" else ()

    def places(self) -> list[str]:
        """Where each finding of a ``same`` group is, in order (one entry per finding)."""
        return [f.location.describe() for f in self.findings]


def _hidden_anchor(f: Finding) -> bool:
    """A finding about a run of hidden text (H001, H003): its match is why the text is hidden."""
    return f.category == "hidden" and bool(f.match) and f.location.hidden == f.match


def group_findings(findings: Sequence[Finding]) -> list[Group]:
    """The groups of one file's findings, in the order of each group's first finding."""
    anchors: dict[str, int] = {}              # hidden reason → index of its anchor finding
    for i, f in enumerate(findings):
        if _hidden_anchor(f) and f.match not in anchors:
            anchors[f.match] = i
    members: dict[int, list[int]] = {i: [] for i in anchors.values()}
    taken: set[int] = set(anchors.values())
    for i, f in enumerate(findings):
        reason = f.location.hidden
        if i in taken or not reason or reason not in anchors or f.category == "hidden":
            continue
        members[anchors[reason]].append(i)
        taken.add(i)
    order: list[tuple[int, Group]] = []
    for a, inside in members.items():
        order.append((min(a, *inside) if inside else a,
                      Group("hidden", (findings[a], *(findings[i] for i in inside)))))
    same: dict[tuple[str, str], list[int]] = {}
    alone: list[int] = []
    for i, f in enumerate(findings):
        if i in taken:
            continue
        if f.match:
            same.setdefault((f.rule, f.match), []).append(i)
        else:
            alone.append(i)
    for indices in same.values():
        order.append((indices[0], Group("same", tuple(findings[i] for i in indices))))
    for i in alone:
        order.append((i, Group("same", (findings[i],))))
    order.sort(key=lambda item: item[0])
    return [g for _, g in order]


def inside_summary(group: Group, shown: "Iterable[tuple[Finding, str]]") -> str:
    """What a hidden block holds, named for people: ``链接 http://… ；敏感内容“六合彩”`` from
    ``(finding, shown match)`` pairs (personal data already masked by the caller)."""
    from ..model import CATEGORY_NAMES

    bits: list[str] = []
    seen: set[tuple[str, str]] = set()
    for f, match in shown:
        key = (f.rule, match)
        if key in seen:
            continue
        seen.add(key)
        bits.append(f"{CATEGORY_NAMES[f.category]}“{match}”（{f.rule}）" if match
                    else f"{CATEGORY_NAMES[f.category]}（{f.rule} {f.message}）")
    return "；".join(bits)


def cells_text(f: Finding, first: int = 5) -> str:
    """A folded list column's cells for people: ``共 200 个单元格：C2、C3、C4、C5、C6 等``."""
    cells = f.cells or ()
    shown = "、".join(cells[:first])
    return f"共 {len(cells)} 个单元格：{shown}" + (" 等" if len(cells) > first else "")


__all__ = ["Group", "TEXT_PLACES", "cells_text", "group_findings", "inside_summary"]
