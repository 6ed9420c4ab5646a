"""DOCX: a Word comment at every finding, and with ``fix`` the safe suggestions as tracked changes.

The finding's paragraph is found as the masker finds it (:class:`gkcheck.masking.docx.Docx`);
the runs holding the match are split at its first and last character (each new run gets a copy
of the run properties, so bold, colour and font stay), then

- ``w:commentRangeStart`` goes before the first run, ``w:commentRangeEnd`` after the last, and a
  run with ``w:commentReference`` after that; the comment itself (rule, message, the text, the
  suggestion) goes into ``word/comments.xml``, created with its relationship and content type
  when the document has none;
- a fix wraps the match's runs in ``w:del`` (their ``w:t`` become ``w:delText``) followed by a
  ``w:ins`` holding a run with the suggestion in the first run's properties; author ``gkcheck``.

Only the body (``word/document.xml``: paragraphs, tables, text boxes) carries comments and fixes.
Word offers no comments in headers and footers, and comments on comments do not exist, so
findings there, findings about the whole file (document properties, tracked changes) and
findings whose text cannot be found are listed in one comment at the start of the document,
each with its place. Every other byte of the package stays as it was.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

from lxml import etree

from ..masking.docx import Docx
from ..masking.package import read_part, rewrite, serialize
from ..model import Finding
from .text import Note

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_P, _R, _T, _DEL_T, _RPR, _PPR = (f"{{{W}}}{t}" for t in ("p", "r", "t", "delText", "rPr", "pPr"))
_TAB, _BR, _CR, _NBH = (f"{{{W}}}{t}" for t in ("tab", "br", "cr", "noBreakHyphen"))
_INS, _DEL, _MOVE_FROM, _BODY = (f"{{{W}}}{t}" for t in ("ins", "del", "moveFrom", "body"))
_ID, _AUTHOR, _DATE, _INITIALS = (f"{{{W}}}{a}" for a in ("id", "author", "date", "initials"))
_RANGE_START, _RANGE_END, _REFERENCE, _ANNOTATION_REF, _COMMENT, _COMMENTS = (
    f"{{{W}}}{t}" for t in ("commentRangeStart", "commentRangeEnd", "commentReference", "annotationRef",
                            "comment", "comments"))
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
BODY_PART = "word/document.xml"
AUTHOR, INITIALS = "gkcheck", "GK"


@dataclass(frozen=True)
class Placed:
    """Where a finding went: ``anchored`` (a comment at its text), ``fixed`` (also a tracked
    change) or ``listed`` (in the comment at the start of the document)."""

    finding: Finding
    how: str


def _pieces(p: etree._Element) -> list[tuple[etree._Element, str, bool]]:
    """The characters of one paragraph as the masker counts them: ``w:t``/``w:delText`` elements
    (editable) and tabs and breaks (one character each); nested paragraphs left out."""
    out: list[tuple[etree._Element, str, bool]] = []
    for el in p.iter(_T, _DEL_T, _TAB, _BR, _CR, _NBH):
        if next(el.iterancestors(_P), None) is not p:
            continue
        if el.tag in (_T, _DEL_T):
            out.append((el, el.text or "", True))
        elif el.getparent() is not None and el.getparent().tag == _R:
            out.append((el, {_TAB: "\t", _NBH: "-"}.get(el.tag, "\n"), False))
    return out


def _split_before(el: etree._Element, k: int) -> None:
    """Split ``el``'s run so that a new run starts at character ``k`` of ``el`` (``k == 0``: at
    ``el`` itself); the new run gets a copy of the run's properties. Nothing when already so."""
    run = el.getparent()
    if run is None or run.tag != _R:
        return
    if k == 0 and next((c for c in run if c.tag != _RPR), None) is el:
        return  # the run already starts here
    new = etree.Element(_R, dict(run.attrib))
    rpr = run.find(_RPR)
    if rpr is not None:
        new.append(_copy(rpr))
    if k > 0:
        text = el.text or ""
        if k >= len(text):
            moving = _following(el)
            if not moving:
                return
        else:
            tail = etree.SubElement(new, el.tag)
            tail.text = text[k:]
            el.text = text[:k]
            for t in (el, tail):
                _preserve(t)
            moving = _following(el)
    else:
        moving = [el, *_following(el)]
    for child in moving:
        new.append(child)
    run.addnext(new)


def _following(el: etree._Element) -> list[etree._Element]:
    return list(el.itersiblings())


def _copy(el: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(el))


def _preserve(t: etree._Element) -> None:
    if (t.text or "") != (t.text or "").strip():
        t.set(XML_SPACE, "preserve")


def isolate(p: etree._Element, start: int, end: int) -> list[etree._Element] | None:
    """Split runs so that ``[start, end)`` of the paragraph's text is exactly a sequence of whole
    runs; return those runs, or None when the span holds characters outside runs."""
    for pos in (start, end):
        offset = 0
        for el, text, editable in _pieces(p):
            lo, hi = offset, offset + len(text)
            offset = hi
            if lo <= pos < hi and (editable or pos == lo):
                _split_before(el, pos - lo)
                break
    runs: list[etree._Element] = []
    offset = 0
    for el, text, _ in _pieces(p):
        lo, hi = offset, offset + len(text)
        offset = hi
        if hi <= start or lo >= end or lo == hi:
            continue
        run = el.getparent()
        if run is None or run.tag != _R:
            return None
        if not runs or runs[-1] is not run:
            runs.append(run)
    return runs or None


def _outer(el: etree._Element) -> etree._Element:
    """``el``, or the tracked deletion it is in (markers cannot go inside deleted runs alone)."""
    while el.getparent() is not None and el.getparent().tag in (_DEL, _MOVE_FROM):
        el = el.getparent()
    return el


def _comment_xml(cid: int, lines: Sequence[str], when: str) -> etree._Element:
    c = etree.Element(_COMMENT, {_ID: str(cid), _AUTHOR: AUTHOR, _DATE: when, _INITIALS: INITIALS})
    for n, line in enumerate(lines):
        p = etree.SubElement(c, _P)
        if n == 0:
            etree.SubElement(etree.SubElement(p, _R), _ANNOTATION_REF)
        t = etree.SubElement(etree.SubElement(p, _R), _T)
        t.text = _xml_safe(line)
        _preserve(t)
    return c


def _xml_safe(text: str) -> str:
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF
                   and ch not in "\ufffe\uffff" else "\ufffd" for ch in text)


class Annotator:
    def __init__(self, data: bytes, when: datetime | None = None):
        self.doc = Docx(data)
        self.when = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.doc.part(BODY_PART)
        self.body = self.doc.trees.get(BODY_PART)
        ids = [int(v) for v in self.body.getroot().xpath("//@w:id", namespaces={"w": W})
               if str(v).lstrip("-").isdigit()] if self.body is not None else []
        self.comments_name, self.comments = self._comments_part()
        cids = [int(c.get(_ID)) for c in self.comments.getroot().iter(_COMMENT)
                if (c.get(_ID) or "").lstrip("-").isdigit()]
        self.next_comment = max(cids, default=-1) + 1
        self.next_change = max([*ids, *cids, self.next_comment + 100000], default=0) + 1
        self.new_parts: dict[str, bytes] = {}

    def _comments_part(self) -> tuple[str, etree._ElementTree]:
        rels = self.doc.pkg.rels(BODY_PART)
        name = next((r[2] for r in rels.values() if r[0] == COMMENTS_REL and r[2]), None)
        if name is not None:
            tree = read_part(self.doc.pkg, name)
            if tree is not None:
                return name, tree
        root = etree.Element(_COMMENTS, nsmap={"w": W})
        return "word/comments.xml", etree.ElementTree(root)

    def comment(self, lines: Sequence[str]) -> int:
        cid = self.next_comment
        self.next_comment += 1
        self.comments.getroot().append(_comment_xml(cid, lines, self.when))
        return cid

    def change_id(self) -> str:
        self.next_change += 1
        return str(self.next_change)

    def mark(self, runs: list[etree._Element], cid: int) -> None:
        first, last = _outer(runs[0]), _outer(runs[-1])
        first.addprevious(etree.Element(_RANGE_START, {_ID: str(cid)}))
        end = etree.Element(_RANGE_END, {_ID: str(cid)})
        last.addnext(end)
        ref = etree.Element(_R)
        etree.SubElement(ref, _REFERENCE, {_ID: str(cid)})
        end.addnext(ref)

    def fix(self, runs: list[etree._Element], new: str) -> bool:
        """``runs`` as a tracked deletion followed by a tracked insertion of ``new``."""
        parent = runs[0].getparent()
        if parent is None or any(r.getparent() is not parent for r in runs):
            return False
        if parent.tag in (_DEL, _INS, _MOVE_FROM) or any(
                c.tag not in (_RPR, _T) for r in runs for c in r):
            return False  # already a tracked change, or tabs/fields/drawings inside the match
        siblings = list(parent)
        i, j = siblings.index(runs[0]), siblings.index(runs[-1])
        span = siblings[i:j + 1]
        deletion = etree.Element(_DEL, {_ID: self.change_id(), _AUTHOR: AUTHOR, _DATE: self.when})
        runs[0].addprevious(deletion)
        for el in span:
            deletion.append(el)
        for run in runs:
            for t in run.iter(_T):
                t.tag = _DEL_T
                _preserve(t)
        if new:
            insertion = etree.Element(_INS, {_ID: self.change_id(), _AUTHOR: AUTHOR, _DATE: self.when})
            run = etree.SubElement(insertion, _R)
            rpr = runs[0].find(_RPR)
            if rpr is not None:
                run.append(_copy(rpr))
            t = etree.SubElement(run, _T)
            t.text = _xml_safe(new)
            _preserve(t)
            deletion.addnext(insertion)
        return True

    def start_note(self, lines: Sequence[str]) -> None:
        """One comment at the start of the body listing what could not be anchored."""
        root = self.body.getroot()
        body = root.find(_BODY)
        p = next((el for el in (body if body is not None else root).iter(_P)), None)
        if p is None:
            return
        cid = self.comment(lines)
        ppr = p.find(_PPR)
        start = etree.Element(_RANGE_START, {_ID: str(cid)})
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        end = etree.Element(_RANGE_END, {_ID: str(cid)})
        start.addnext(end)
        ref = etree.Element(_R)
        etree.SubElement(ref, _REFERENCE, {_ID: str(cid)})
        end.addnext(ref)

    def save(self) -> bytes:
        replaced = {BODY_PART: serialize(self.body)}
        created = self.comments_name not in set(self.doc.pkg.names())
        comments = serialize(self.comments)
        if not created:
            replaced[self.comments_name] = comments
        else:
            replaced.update(self._register())
        data = rewrite(self.doc.pkg, {k: v for k, v in replaced.items() if k in set(self.doc.pkg.names())})
        added = {k: v for k, v in replaced.items() if k not in set(self.doc.pkg.names())}
        if created:
            added[self.comments_name] = comments
        if added:
            buffer = io.BytesIO(data)
            with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as z:
                for name, payload in added.items():
                    z.writestr(name, payload)
            data = buffer.getvalue()
        return data

    def _register(self) -> dict[str, bytes]:
        """The relationship and the content type of a new comments part."""
        out: dict[str, bytes] = {}
        rels_name = "word/_rels/document.xml.rels"
        rels = read_part(self.doc.pkg, rels_name)
        if rels is None:
            rels = etree.ElementTree(etree.Element(f"{{{PKG_RELS}}}Relationships", nsmap={None: PKG_RELS}))
        taken = {el.get("Id") for el in rels.getroot()}
        n = 1
        while f"rIdGk{n}" in taken:
            n += 1
        etree.SubElement(rels.getroot(), f"{{{PKG_RELS}}}Relationship",
                         {"Id": f"rIdGk{n}", "Type": COMMENTS_REL, "Target": "comments.xml"})
        out[rels_name] = serialize(rels)
        types = read_part(self.doc.pkg, "[Content_Types].xml")
        if types is not None:
            root = types.getroot()
            if not any((el.get("PartName") or "") == "/word/comments.xml" for el in root):
                etree.SubElement(root, f"{{{CT_NS}}}Override",
                                 {"PartName": "/word/comments.xml", "ContentType": COMMENTS_TYPE})
            out["[Content_Types].xml"] = serialize(types)
        return out


def annotate_docx(data: bytes, notes: Sequence[Note], *, when: datetime | None = None) -> tuple[bytes, list[Placed]]:
    ann = Annotator(data, when)
    if ann.body is None:
        from .text import AnnotateError

        raise AnnotateError("DOCX 文件缺少 word/document.xml，无法生成批注副本")
    # find every finding's paragraph and offset on the unchanged document first
    where: list[tuple[Note, etree._Element | None, int]] = []
    for note in notes:
        f = note.finding
        found = ann.doc.find(f.location, f.match) if f.match and not note.whole_file else None
        if found is None or found[0] != BODY_PART:
            where.append((note, None, -1))
            continue
        _, _, para, at, _ = found
        where.append((note, para.el, at))
    placed: list[Placed] = []
    listed: list[Note] = []
    spans: dict[int, list[etree._Element]] = {}
    for k, (note, p, at) in enumerate(where):
        runs = isolate(p, at, at + len(note.finding.match)) if p is not None else None
        if runs is None:
            listed.append(note)
            continue
        spans[k] = runs
    # fixes: last first within a paragraph, never two on overlapping text
    fixed: set[int] = set()
    taken: dict[int, list[tuple[int, int]]] = {}
    order = sorted(spans, key=lambda k: (id(where[k][1]), -where[k][2]))
    for k in order:
        note, p, at = where[k]
        if note.fix is None:
            continue
        end = at + len(note.finding.match)
        mine = taken.setdefault(id(p), [])
        if any(at < e and s < end for s, e in mine):
            continue
        runs = isolate(p, at, end)
        if runs and ann.fix(runs, note.fix):
            fixed.add(k)
            mine.append((at, end))
            spans[k] = runs
    for k in sorted(spans):
        note = where[k][0]
        runs = spans[k]
        if k in fixed:
            deletion = runs[0].getparent()
            insertion = deletion.getnext() if deletion.getnext() is not None and \
                deletion.getnext().tag == _INS else None
            runs = [deletion, insertion] if insertion is not None else [deletion]
        ann.mark(runs, ann.comment(note.lines()))
        placed.append(Placed(note.finding, "fixed" if k in fixed else "anchored"))
    if listed:
        lines = [f"gkcheck：以下 {len(listed)} 处问题无法在正文中标注（页眉页脚、批注、整个文件或找不到原文），逐条列出："]
        for n, note in enumerate(listed, 1):
            lines.append(f"{n}. {note.finding.location.describe()}：" + " ".join(note.lines()))
        ann.start_note(lines)
        placed += [Placed(note.finding, "listed") for note in listed]
    return ann.save(), placed
