"""DOCX: the WordprocessingML parts read with lxml (7× python-docx, docs/DEPENDENCIES).

What a reader of the published document sees is one segment per paragraph (one per table cell,
its paragraphs joined by newlines), in ``part`` 正文 / 页眉 / 首页页眉 / 偶数页页眉 / 页脚 ... /
脚注 / 尾注 / 文本框 with the 1-based ``paragraph`` inside that part. A word split over runs,
tracked insertions and field results are joined into the text as Word shows it. What the reader
does not see becomes its own segment with ``hidden`` set: tracked deletions
(``修订：已删除``, moved-away text ``修订：已移走``), hidden text (``隐藏文字``, direct or by
style) and comments (``批注``, located at the paragraph they are anchored to). Hyperlinks
(``w:hyperlink`` and HYPERLINK fields) go to ``Document.links``; tracked changes, comments, hidden
text and the people in the document properties go to ``Document.facts``.
"""

from __future__ import annotations

from lxml import etree

from ...model import Document, Fact, Location, Segment
from .. import Limits, ReadError
from ..ooxml import Package, properties
from ..wordtext import word_facts
from .builder import _Builder, _Plain
from .names import (BODY, COMMENT, DEL, FORMAT_CHANGES, ID, INS, MOVEFROM, MOVETO, TYPE, W, _REF_LABEL,
                    _rid, field_url)
from .embedded import embedded_objects, read_chunks, smartart_segments
from .part import _Part

__all__ = ["field_url", "read_docx", "read_docx_nested"]


def _section_labels(body: etree._Element) -> dict[str, str]:
    """Relationship id of each header/footer → its label (页眉, 首页页脚 ... （第2节）)."""
    sections = [s for s in body.iter(W + "sectPr") if s.getparent().tag != W + "sectPrChange"]
    labels: dict[str, str] = {}
    for k, sect in enumerate(sections, 1):
        for ref in sect:
            if ref.tag not in (W + "headerReference", W + "footerReference"):
                continue
            rid = _rid(ref)
            if not rid or rid in labels:
                continue
            what = "页眉" if ref.tag == W + "headerReference" else "页脚"
            label = _REF_LABEL.get(ref.get(TYPE) or "default", "") + what
            labels[rid] = label + (f"（第{k}节）" if len(sections) > 1 and k > 1 else "")
    return labels


def _main_part(pkg: Package) -> str:
    rels = pkg.rels("")
    for _, (kind, _, target) in rels.items():
        if kind.endswith("/officeDocument") and pkg.has(target):
            return target
    return "word/document.xml"


def read_docx(data: bytes, path: str, limits: Limits) -> Document:
    return read_docx_nested(data, path, limits, 0)


def read_docx_nested(data: bytes, path: str, limits: Limits, nesting: int) -> Document:
    """A DOCX, ``nesting`` altChunk levels deep (see :mod:`.embedded`)."""
    pkg = Package(data, limits, "docx")
    main = _main_part(pkg)
    root = pkg.xml(main)
    if root is None:
        raise ReadError("文件不是有效的 DOCX 文档（缺少 word/document.xml）")
    body = root.find(W + "body")
    if body is None:
        raise ReadError("DOCX 文档没有正文（word/document.xml 缺少 w:body），文件可能已损坏")
    rels = pkg.rels(main)
    by_type: dict[str, list[tuple[str, str]]] = {}
    for rid, (kind, _, target) in rels.items():
        by_type.setdefault(kind.rsplit("/", 1)[-1], []).append((rid, target))
    styles = next((t for _, t in by_type.get("styles", [])), "")
    b = _Builder(pkg, styles)

    _Part(b, BODY, rels, plain=_Plain(body, b)).blocks(body)

    labels = _section_labels(body)
    seen: set[str] = set()
    for kind, default in (("header", "页眉"), ("footer", "页脚")):
        for rid, target in sorted(by_type.get(kind, []), key=lambda x: (x[0] not in labels, x[1])):
            if target in seen:
                continue
            seen.add(target)
            part = pkg.xml(target)
            if part is not None:
                _Part(b, labels.get(rid, default), pkg.rels(target),
                      plain=_Plain(part, b)).blocks(part)

    for kind, tag, label in (("footnotes", W + "footnote", "脚注"), ("endnotes", W + "endnote", "尾注")):
        for _, target in by_type.get(kind, []):
            part = pkg.xml(target)
            if part is None:
                continue
            reader = _Part(b, label, pkg.rels(target), plain=_Plain(part, b))
            for note in part.iter(tag):
                if note.get(TYPE) in (None, "normal"):
                    reader.blocks(note)

    comments = 0
    authors: list[str] = []
    for _, target in by_type.get("comments", []):
        part = pkg.xml(target)
        if part is None:
            continue
        crels = pkg.rels(target)
        plain = _Plain(part, b)
        for comment in part.iter(W + "comment"):
            comments += 1
            author = comment.get(W + "author")
            if author and author not in authors:
                authors.append(author)
            anchor = b.comment_anchor.get(comment.get(ID) or "")
            reader = _Part(b, anchor.part if anchor else "批注", crels, COMMENT,
                           anchor.paragraph if anchor else None, plain,
                           f"{anchor.block}的批注" if anchor and anchor.block else f"第{comments}条批注")
            start = len(b.segments)
            reader.blocks(comment)
            if anchor is None:  # unanchored: number the comments themselves
                for i in range(start, len(b.segments)):
                    seg = b.segments[i]
                    b.segments[i] = Segment(seg.text, Location(part="批注", paragraph=comments, hidden=COMMENT,
                                                               block=seg.base.block), kind=seg.kind)

    b.segments.extend(smartart_segments(pkg, rels))
    objects, object_facts, object_links = embedded_objects(root, rels, pkg, limits, nesting, read_docx_nested)
    b.segments.extend(objects)
    b.facts.extend(object_facts)
    b.links.extend(object_links)
    if b.chunks:
        segments, facts, links = read_chunks(b.chunks, pkg, limits, nesting, read_docx_nested)
        b.segments.extend(segments)
        b.facts.extend(facts)
        b.links.extend(links)
    b.facts.extend(_facts(root, pkg, by_type, b, comments, authors))
    meta, props = properties(pkg)
    b.facts.extend(props)
    return Document(path, "docx", tuple(b.segments), meta=meta, tables=tuple(b.tables),
                    links=tuple(b.links), facts=tuple(b.facts))


def _facts(root: etree._Element, pkg: Package, by_type: dict[str, list[tuple[str, str]]], b: _Builder,
           comments: int, authors: list[str]) -> list[Fact]:
    roots = [root]
    for kind in ("header", "footer", "footnotes", "endnotes"):
        for _, target in by_type.get(kind, []):
            part = pkg.xml(target)
            if part is not None:
                roots.append(part)
    ins = dels = moves = formats = 0
    for r in roots:
        ins += sum(1 for _ in r.iter(INS))
        dels += sum(1 for _ in r.iter(DEL))
        moves += sum(1 for _ in r.iter(MOVEFROM, MOVETO))
        formats += sum(1 for _ in r.iter(*FORMAT_CHANGES))
    return word_facts((("插入", ins), ("删除", dels), ("移动", moves), ("格式修改", formats)), b.insertions,
                      comments, authors, b.hidden_count, b.first_hidden)
