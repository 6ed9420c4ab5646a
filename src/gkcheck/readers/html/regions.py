"""Where a block stands on the page as a reader sees it: 标题, 正文第N段, 表格N 第R行第C列, 导航,
页头, 页脚, 侧栏 (``Location.block``), counted on the rendered blocks, not on source lines.

Regions come from the element: ``<nav>`` 导航, ``<header>`` 页头, ``<footer>`` 页脚, ``<aside>``
侧栏, or a ``class``/``id`` that names one (see :data:`REGION_WORDS`); the innermost region an
element is in wins. Outside regions, the first visible heading (``h1``–``h6``) is 标题, a data
table's cell is ``表格N 第R行第C列`` (N counts the tables that have data cells, in page order; a
layout cell holding several blocks is running text), and every other visible block is a body
paragraph: ``Location.paragraph`` is its number among them (``正文第N段``), each ``<br>``-separated
line counting as a paragraph (the checker adds the lines before a match). Hidden text outside
regions is placed ``正文第N段附近`` (after the N-th paragraph). docs/json-report.md.
"""

from __future__ import annotations

from ...model import Location, Segment

REGION_TAGS = {"nav": "导航", "header": "页头", "footer": "页脚", "aside": "侧栏"}
# substrings of a class or id naming a region, tried in this order (a "footer-nav" is the footer);
# "top"/"head"/"side" only as a whole word of the value (not "desktop", "thead", "inside")
REGION_WORDS = (("页脚", ("foot", "bottom", "copyright", "banquan")),
                ("导航", ("nav", "menu", "crumb", "daohang", "position", "location", "dqwz", "mianbao")),
                ("页头", ("header", "banner", "logo")),
                ("侧栏", ("sidebar",)))
REGION_TOKENS = {"top": "页头", "head": "页头", "side": "侧栏", "aside": "侧栏"}
_SEPARATORS = str.maketrans("-_.:", "    ")


def region_name(tag: str, classes: str) -> str | None:
    """The region an element with this tag and class/id text (lower case) starts, or None."""
    region = REGION_TAGS.get(tag)
    if region is not None or not classes:
        return region
    for name, words in REGION_WORDS:
        for word in words:
            if word in classes:
                return name
    for token in classes.translate(_SEPARATORS).split():
        if token in REGION_TOKENS:
            return REGION_TOKENS[token]
    return None


class RegionsMixin:
    """The region and block-label part of :class:`~.reader.Reader`."""

    def region_of(self, tag: str, attrs: dict) -> str | None:
        if tag in REGION_TAGS:
            return REGION_TAGS[tag]
        if not attrs or ("class" not in attrs and "id" not in attrs):
            return None
        names = " ".join(attrs[k][0] for k in ("class", "id") if k in attrs).lower()
        return region_name(tag, names)

    def label_blocks(self) -> None:
        """Give every block segment its ``Location.block`` (see the module doc)."""
        segments = self.segments
        info = self.block_info
        data_tables = sorted({table for i, (_, table, _) in info.items()
                              if table and segments[i].kind == "cell" and segments[i].base.row is not None})
        number = {table: k for k, table in enumerate(data_tables, 1)}
        paragraphs, titled = 0, False
        for i, seg in enumerate(segments):
            loc = seg.base
            item = info.get(i)
            if item is None:
                if loc.part == "title":
                    segments[i] = Segment(seg.text, _placed(loc, "网页标题", loc.paragraph), seg.anchors, seg.kind,
                                          seg.name)
                continue
            region, table, heading = item
            paragraph = None
            if region is not None:
                block = region
            elif seg.kind == "cell" and loc.row is not None and table in number:
                block = f"表格{number[table]} 第{loc.row}行第{loc.col}列"
            elif loc.hidden:
                block = f"正文第{paragraphs}段附近" if paragraphs else "正文开头"
            elif heading and not titled:
                titled, block = True, "标题"
            else:
                paragraph = paragraphs + 1
                paragraphs += seg.text.count("\n") + 1
                block = "正文"
            segments[i] = Segment(seg.text, _placed(loc, block, paragraph), seg.anchors, seg.kind, seg.name)


def _placed(loc: Location, block: str, paragraph: int | None) -> Location:
    """``loc`` with its block and paragraph (positionally: dataclasses.replace costs 4x, per block)."""
    return Location(loc.line, loc.column, loc.sheet, loc.cell, loc.page, loc.part, paragraph, loc.row,
                    loc.col, loc.hidden, loc.member, block, loc.quote, loc.text)
