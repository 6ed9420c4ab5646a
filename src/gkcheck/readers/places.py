"""Places as a person names them (:attr:`~gkcheck.model.Location.block`), shared by the readers
that know a document's visible structure but not its rendering: .doc/.wps, RTF, PPTX, PDF, OFD.

The vocabulary is the DOCX reader's (readers/docx/part.py): paragraphs outside tables are counted
apart from table cells and only when they show text (``正文第3段``; a header, footer or note part
is ``页眉`` for its first paragraph, ``页眉第2段`` after), a cell is ``表格2 第3行第1列``, and what
hangs on a paragraph is named after it (``正文第3段的批注``). The checker adds the quote
(``正文第3段“为进一步规范…”``); a page of a PDF or OFD gets its printed line there too
(``第2页第5行“…”``, see ``gkcheck.checker._placed``).
"""

from __future__ import annotations

BODY = "正文"


def cell_place(table: str, row: int, col: int) -> str:
    """``表格2 第3行第1列`` (``table`` is the table's name: ``表格2``, ``页眉表格1``)."""
    return f"{table} 第{row}行第{col}列"


def page_place(page: int) -> str:
    """``第2页`` (a PDF or OFD page; the checker adds the line: ``第2页第5行``)."""
    return f"第{page}页"


def slide_place(slide: int) -> str:
    """``第2张幻灯片`` (PPTX, .dps)."""
    return f"第{slide}张幻灯片"


class Paragraphs:
    """Names the paragraphs of one part in order, counting only those that show text.

    ``label`` is the part (``正文``, ``页脚``, ``脚注``); ``prefix`` goes before every name
    (``第2张幻灯片``). The body's paragraphs are ``正文第N段``; another part's first paragraph is
    the part's name alone and the next ones ``页脚第2段``. Call :meth:`next` before a paragraph
    and :meth:`skip` when it shows no text: the next paragraph takes its number, as a person
    counting paragraphs would give it."""

    __slots__ = ("label", "prefix", "count")

    def __init__(self, label: str, prefix: str = "") -> None:
        self.label, self.prefix, self.count = label, prefix, 0

    def next(self) -> str:
        self.count += 1
        if self.label == BODY:
            return f"{self.prefix}正文第{self.count}段"
        return self.prefix + (self.label if self.count == 1 else f"{self.label}第{self.count}段")

    def peek(self) -> str:
        """The name the next paragraph will get (a comment anchored in a paragraph not read yet)."""
        name = self.next()
        self.count -= 1
        return name

    def skip(self) -> None:
        self.count -= 1


def attached(anchor: str | None, what: str) -> str:
    """What hangs on a place: ``正文第3段的批注``, ``表格1 第2行第3列的批注``; ``what`` alone
    when the anchor is not known."""
    return f"{anchor}的{what}" if anchor else what
