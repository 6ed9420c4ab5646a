"""Hidden places (隐藏内容): what a published file carries that its reader does not see.

Readers record file-level facts (``Document.facts``: hidden sheets, tracked changes, comments,
document properties), mark hidden text with ``Location.hidden`` and hidden rows/columns in
``Table.hidden_rows``/``hidden_cols``; a web page's author is in ``Document.meta``. This
detector turns them into file-level hits (``start = -1``).

Each hidden thing is first sorted into a *place* (sheet, rows/columns, change, comment,
text, property); a fact is the primary source, and segments or tables marked hidden are
reported only for a place no fact already covers, so nothing is reported twice. Places map
to four rules, grouped by what an editor does about them, so each rule can be shown on a web
page as well as in an office file:

- H001 hidden-text: tracked changes (deleted text), Word hidden text, hidden HTML elements;
- H002 hidden-cells: hidden sheets, rows and columns that hold data (XLSX, HTML tables);
- H003 comments: 批注 in DOCX/XLSX, HTML comments with text;
- H004 document-properties: author, last modified by, company; a page's creator meta;
- H005 unchecked-content: what the reader could not read at all (a scanned PDF page, an embedded
  object of a type gkcheck does not read): facts whose kind starts with ``unchecked_``, one hit
  per kind (the pages or places listed), an ``error``, so such a file is never reported clean.

What the hidden text says is judged by the other detectors (a privacy finding there says
where it sits).
"""

from __future__ import annotations

import re
from typing import Iterator

from ..config import Config
from ..model import Hit, LazySegments, Location
from ..rules import Rule
from ..textview import Context, TextView

TEXT, CELLS, COMMENTS, PROPERTIES, UNCHECKED = "H001", "H002", "H003", "H004", "H005"
SHEET, ROWS_COLS, CHANGES, COMMENT, HIDDEN_TEXT, PROPERTY, NOT_READ = (
    "sheet", "rows_cols", "changes", "comment", "text", "property", "not_read")
RULE_OF_PLACE = {SHEET: CELLS, ROWS_COLS: CELLS, CHANGES: TEXT, COMMENT: COMMENTS,
                 HIDDEN_TEXT: TEXT, PROPERTY: PROPERTIES, NOT_READ: UNCHECKED}

# fact kind (lower case, "-" and " " read as "_") → place; the first pattern that matches wins.
FACT_PLACES = (
    (re.compile(r"^unchecked"), NOT_READ),
    (re.compile(r"sheet"), SHEET),
    (re.compile(r"hidden_?(?:row|col)"), ROWS_COLS),
    (re.compile(r"track|revision|change|ins(?:ert)?ion|deletion"), CHANGES),
    (re.compile(r"comment|annotation|note"), COMMENT),
    (re.compile(r"hidden|vanish|invisible|display"), HIDDEN_TEXT),
    (re.compile(r"propert|author|creator|modified_by|last_?modified|company|manager"), PROPERTY),
)

# Location.hidden reason (as readers write it, in Chinese) → place; anything else is hidden text.
REASON_PLACES = (
    (re.compile(r"工作表"), SHEET),
    (re.compile(r"隐藏行|隐藏列"), ROWS_COLS),
    (re.compile(r"修订|已删除|已插入|已移走"), CHANGES),
    (re.compile(r"批注|注释"), COMMENT),
)

# page metadata naming who made or last changed the file. Not "Author": 《政府网站发展指引》 asks
# every article page for an Author meta, so it is published on purpose.
AUTHOR_META = ("creator", "dc.creator", "dcterms.creator", "lastmodifiedby", "last-modified-by",
               "lastauthor")
MAX_MATCH = 60
# document authors that name a program or a default account, not a person
GENERIC_NAMES = frozenset({
    "openpyxl", "python-docx", "administrator", "admin", "user", "用户", "微软用户", "microsoft",
    "microsoft office user", "microsoft office 用户", "windows 用户", "windows user", "author", "unknown",
    "wps", "lenovo", "dell", "hp", "walkinnet", "china", "微软中国",
})
FALLBACK_MESSAGES = {  # used when rules/hidden.toml does not define the rule
    CELLS: "隐藏的工作表、行或列中有内容", COMMENTS: "含有批注或注释", TEXT: "含有读者看不到的文字",
    PROPERTIES: "文档属性中有个人姓名", UNCHECKED: "文件中有未能检查的内容",
}


def fact_place(kind: str) -> str | None:
    key = re.sub(r"[-\s]", "_", kind.lower())
    for pattern, place in FACT_PLACES:
        if pattern.search(key):
            return place
    return None


def reason_place(reason: str) -> str:
    for pattern, place in REASON_PLACES:
        if pattern.search(reason):
            return place
    return HIDDEN_TEXT


def fact_rule(kind: str) -> str | None:
    place = fact_place(kind)
    return RULE_OF_PLACE[place] if place else None


def reason_rule(reason: str) -> str:
    return RULE_OF_PLACE[reason_place(reason)]


class HiddenDetector:
    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]):
        self.rules = rules

    def detect(self, view: TextView, ctx: Context) -> Iterator[Hit]:
        doc = view.document
        covered: set[str] = set()
        tables_say = any(t.hidden_rows or t.hidden_cols for t in doc.tables)
        unread: dict[str, list] = {}
        for fact in doc.facts:
            place = fact_place(fact.kind)
            if place is None:
                continue
            if place == NOT_READ:
                unread.setdefault(fact.kind, []).append(fact)
                continue
            covered.add(place)
            rule = RULE_OF_PLACE[place]
            value = (fact.value or "").strip()
            message = f"{self._message(rule)}：{fact.detail}" if fact.detail else None
            if place == PROPERTY and (not value or value.lower() in GENERIC_NAMES):
                continue  # an empty or tool-made property says nothing about anyone
            if place == ROWS_COLS and tables_say:
                continue  # the tables tell which hidden rows/columns hold data
            if place == SHEET:
                filled = _filled_cells(view, fact.location.sheet or value)
                if filled == 0:
                    continue  # an empty hidden sheet hides nothing
                if filled is not None and message:
                    message += f"，其中有 {filled} 个非空单元格"
            yield Hit(rule, -1, -1, message=message, match=(value or fact.detail)[:MAX_MATCH],
                      location=fact.location)
        for facts in unread.values():
            yield self._unread(facts)
        yield from self._hidden_segments(view, covered, tables_say)
        if tables_say or ROWS_COLS not in covered:
            yield from self._hidden_rows_cols(view)
        if PROPERTY not in covered:
            yield from self._author_meta(view)

    def _unread(self, facts: list) -> Hit:
        """One hit for the places of one kind that were not read: the first located, all listed."""
        details = [f.detail for f in facts if f.detail]
        shown = "；".join(details[:5]) + (f"；等共 {len(facts)} 处" if len(facts) > 5 else "")
        message = f"{self._message(UNCHECKED)}：{shown}" if shown else None
        match = "、".join(f.value or "" for f in facts[:10] if f.value) or facts[0].kind
        return Hit(UNCHECKED, -1, -1, message=message, match=match[:MAX_MATCH], location=facts[0].location)

    def _message(self, rule: str) -> str:
        return self.rules[rule].message if rule in self.rules else FALLBACK_MESSAGES[rule]

    def _hidden_segments(self, view: TextView, covered: set[str], tables_say: bool) -> Iterator[Hit]:
        groups: dict[str, list[int]] = {}
        web = view.document.type == "html"
        for i, reason in view.hidden_segments():
            if web and _NOT_HIDING.match(reason):
                continue  # script strings and form values: judged by the other detectors only
            text = view.segment_text(i)
            if text.strip() and (not web or substantive(text)):
                groups.setdefault(reason, []).append(i)
        for reason, indices in groups.items():
            place = reason_place(reason)
            if place in covered or (place == ROWS_COLS and tables_say):
                continue  # a fact said it already; rows/columns come from the tables
            rule = RULE_OF_PLACE[place]
            # a span over the start of the first hidden text, so the finding's context quotes it
            # (reports show the hidden words, not only the reason); the match stays the reason
            start = view.starts[indices[0]]
            text = view.segment_text(indices[0])
            lead = len(text) - len(text.lstrip())
            yield Hit(rule, start + lead, start + lead + min(QUOTE, len(text.strip())),
                      message=f"{self._message(rule)}：{reason}中有 {len(indices)} 处文字",
                      match=reason, location=view.locate(start))

    def _hidden_rows_cols(self, view: TextView) -> Iterator[Hit]:
        segs = view.document.segments
        for table in view.document.tables:
            if not table.hidden_rows and not table.hidden_cols:
                continue
            cells = [(r, c, i) for r, row in enumerate(table.cells) for c, i in enumerate(row)
                     if i >= 0 and (r in table.hidden_rows or c in table.hidden_cols)
                     and view.segment_text(i).strip()]
            if not cells:
                continue
            rows = sorted({r for r, _, _ in cells if r in table.hidden_rows})
            cols = sorted({c for _, c, _ in cells if c in table.hidden_cols})
            bits = []
            if rows:
                bits.append(f"{len(rows)} 个隐藏行")
            if cols:
                bits.append(f"{len(cols)} 个隐藏列")
            loc = segs[cells[0][2]].base
            location = Location(sheet=loc.sheet, cell=table.ref.split("!")[-1] if loc.sheet else None,
                                part=loc.part, page=loc.page, line=None if loc.sheet else loc.line)
            yield Hit(CELLS, -1, -1,
                      message=f"{self._message(CELLS)}：{table.ref} 的 {'、'.join(bits)}中有 {len(cells)} 个非空单元格",
                      match=table.ref, location=location)

    def _author_meta(self, view: TextView) -> Iterator[Hit]:
        for key, value in view.document.meta.items():
            value = value.strip()
            if key.lower() in AUTHOR_META and value and value.lower() not in GENERIC_NAMES:
                yield Hit(PROPERTIES, -1, -1, message=f"{self._message(PROPERTIES)}：网页 {key} 元数据为“{value}”",
                          match=value[:MAX_MATCH], location=Location(part="meta"))


# web text hidden by what it is, not by someone hiding it (readers/html/embedded.py): a script's
# strings, a template, a form's submitted values. Not H001 (every CMS page has them); the privacy
# and other detectors still read them.
_NOT_HIDING = re.compile(r"脚本中的文字|脚本模板|隐藏表单字段|密码框|表单提交值")

QUOTE = 80   # characters of the first hidden text a hidden-text finding's context quotes
_WORDISH = re.compile(r"[\u3400-\u9fff0-9]")
_TEMPLATE_MARK = re.compile(r"^\s*(?:\[if|<!\[endif|#|/?\s*(?:begin|end|start)\b)|(?:开始|结束|begin|end|start)\s*[-=*]*\s*$",
                            re.I)


def substantive(text: str) -> bool:
    """Hidden web text worth reporting: at least 8 Chinese characters or digits and no template
    marker. Menus and tab labels hidden by CSS (首页, 政务公开) and template comments
    (<!-- 头部开始 -->, <!--[if IE]>, <!--#include -->) are everywhere and say nothing."""
    return len(_WORDISH.findall(text)) >= 8 and not _TEMPLATE_MARK.search(text)


def _filled_cells(view: TextView, sheet: str | None) -> int | None:
    """Non-empty cells the reader gave for ``sheet``; None when it gave the sheet no segments
    at all (then the fact is taken at its word)."""
    if not sheet:
        return None
    seen, filled = False, 0
    segments = view.document.segments
    # a spreadsheet's cells are made on demand: look only at the hidden ones (the reader marks
    # every segment of a hidden sheet hidden, its cells with the sheet and its comments as such)
    indices = ((i for i, _ in view.hidden_segments()) if isinstance(segments, LazySegments)
               else range(len(segments)))
    for i in indices:
        base = segments[i].base
        if base.sheet == sheet and base.part is None:  # cells and comments, not the sheet's name or headers
            seen = True
            filled += bool(view.segment_text(i).strip())
    return filled if seen else None
