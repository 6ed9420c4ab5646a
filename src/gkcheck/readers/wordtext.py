"""What the Word-family readers (.doc/.wps in ``readers/doc/``, RTF in ``readers/rtf.py``) share once
a paragraph's text is known as runs: the visible text as one segment and each hidden run (hidden
text, tracked deletion) as another, and the facts about revisions, comments and hidden text.

A paragraph arrives as ``frags``: ``(reason, text)`` pairs where ``reason`` is None for visible
text, :data:`VANISHED` or :data:`DELETED` for hidden runs.
"""

from __future__ import annotations

from ..model import Fact, Location, Segment

DELETED, VANISHED, COMMENT = "修订：已删除", "隐藏文字", "批注"
BODY = "正文"


class WordText:
    """Segments and revision counts of one document; the readers mix it in and set
    ``segments``, ``hidden_count``, ``deleted_count``, ``first_hidden`` and ``insertions``."""

    segments: list[Segment]
    hidden_count: int
    deleted_count: int
    first_hidden: Location | None
    insertions: list[tuple[str, Location]]

    def emit_runs(self, frags: list[tuple[str | None, str]], where: Location, kind: str,
                  clean: dict[int, str | None] | None = None) -> int:
        """A paragraph's visible text as one segment, each hidden run as another; returns the
        index of the visible segment (-1 if it has none; an empty table cell keeps its place)."""
        visible = "".join(t for r, t in frags if r is None)
        if clean:
            visible = visible.translate(clean)
        index = -1
        if visible.strip() or kind == "cell" and visible:
            index = len(self.segments)
            self.segments.append(Segment(visible, where, kind=kind))
        run: list[str] = []
        current: str | None = None
        for reason, text in [*frags, (None, "")]:
            if reason != current:
                piece = "".join(run)
                if clean:
                    piece = piece.translate(clean)
                if current is not None and piece.strip():
                    loc = Location(part=where.part, paragraph=where.paragraph, row=where.row, col=where.col,
                                   hidden=where.hidden or current, block=where.block)
                    self.segments.append(Segment(piece, loc, kind=kind))
                    if current == VANISHED:
                        self.hidden_count += 1
                        self.first_hidden = self.first_hidden or loc
                    else:
                        self.deleted_count += 1
                run, current = [], reason
            if reason is not None:
                run.append(text)
        return index

    def revision_facts(self, comments: int, authors: list[str]) -> list[Fact]:
        """Tracked changes (with the first inserted texts), comments (with their authors) and
        hidden text, one fact each."""
        return word_facts((("插入", len(self.insertions)), ("删除", self.deleted_count)), self.insertions,
                          comments, authors, self.hidden_count, self.first_hidden)


def word_facts(changes: "tuple[tuple[str, int], ...]", insertions: list[tuple[str, Location]], comments: int,
               authors: list[str], hidden_count: int, first_hidden: Location | None) -> list[Fact]:
    """The facts every Word-family reader (DOCX too) gives: tracked changes counted by kind
    (``changes``: ``(label, count)``) with the first inserted texts, comments with their authors,
    and hidden text, one fact each."""
    facts: list[Fact] = []
    total = sum(n for _, n in changes)
    if total:
        detail = f"文档包含 {total} 处修订痕迹（{'，'.join(f'{label} {n} 处' for label, n in changes if n)}）"
        if insertions:
            shown = "、".join(f"“{t[:30]}”" for t, _ in insertions[:3])
            detail += f"；修订插入的文字：{shown}" + ("等" if len(insertions) > 3 else "")
        where = insertions[0][1] if insertions else Location(part=BODY)
        facts.append(Fact("tracked_changes", detail, where, str(total)))
    if comments:
        who = f"，批注人：{'、'.join(authors)}" if authors else ""
        facts.append(Fact("comments", f"文档包含 {comments} 条批注{who}", Location(part="批注", hidden=COMMENT),
                          str(comments)))
    if hidden_count:
        facts.append(Fact("hidden_text", f"文档包含 {hidden_count} 处隐藏文字", first_hidden or Location(),
                          str(hidden_count)))
    return facts
