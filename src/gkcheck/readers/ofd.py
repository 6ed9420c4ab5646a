"""OFD (GB/T 33190-2016, the national format for electronic official documents).

An OFD file is a zip package: ``OFD.xml`` names each document's root (``DocBody/DocRoot``) and
its ``DocInfo`` (title, author, creation and modification dates); ``Document.xml`` lists the
pages (``Pages/Page@BaseLoc``), the annotations and the attachments. A page's content is
layers of text objects (``TextObject`` with a ``Boundary`` and ``TextCode`` runs placed at
``X``/``Y``). Producers write a text object per line, per word or per character, so the runs
of a page are put back into reading order: grouped into lines by their baseline, each line
left to right. Each line is a segment at ``Location(page=n, line=k)``; annotations
(``Annot``: the remark is hidden text ``注释``, appearance text is visible) and links
(``URI`` actions) are read; ``DocInfo`` gives ``meta`` (``created``, ``modified``, ``title``) and
the author as a fact. Attachments inside the package are checked as files of their own by the
checker (``公文.ofd!附件.xlsx``). The package is read within the OOXML zip limits.

Not read: text on page templates (``Template``), text drawn as paths or images (scanned
pages: a page without text is a fact), digital signatures, custom tags; a ``CTM`` that rotates
or scales text is ignored for the reading order.
"""

from __future__ import annotations

import posixpath

from lxml import etree

from ..model import Document, Fact, Link, Location, Segment
from . import Limits, ReadError
from .ooxml import Package
from .places import attached, page_place

ANNOT = "注释"
_BROKEN = "OFD 文件结构不完整"


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    for c in el:
        if _local(c) == name:
            return c
    return None


def _children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c) == name] if el is not None else []


def _iter(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el.iter() if _local(c) == name]


def _floats(value: str | None, n: int) -> list[float]:
    out = []
    for part in (value or "").replace(",", " ").split()[:n]:
        try:
            out.append(float(part))
        except ValueError:
            out.append(0.0)
    return out + [0.0] * (n - len(out))


class _Files:
    """Paths in an OFD package are relative to the file that names them, or absolute with '/'."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.lower = {n.lower(): n for n in pkg.names()}

    def resolve(self, base: str, loc: str) -> str:
        loc = loc.strip().replace("\\", "/")
        path = loc.lstrip("/") if loc.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(base), loc))
        if self.pkg.has(path):
            return path
        return self.lower.get(path.lower(), path)

    def xml(self, path: str, what: str, required: bool = True) -> etree._Element | None:
        root = self.pkg.xml(path)
        if root is None and required:
            raise ReadError(f"{_BROKEN}：缺少{what}（{path}）")
        return root


def page_lines(root: etree._Element) -> list[str]:
    """The text runs of a page (or an annotation's appearance) in reading order, one per line."""
    runs: list[tuple[float, float, float, str]] = []  # y, x, size, text
    for obj in _iter(root, "TextObject"):
        bx, by, _, _ = _floats(obj.get("Boundary"), 4)
        size = _floats(obj.get("Size"), 1)[0] or 3.5
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            if code.get("X") is not None:
                x = _floats(code.get("X"), 1)[0]
            if code.get("Y") is not None:
                y = _floats(code.get("Y"), 1)[0]
            if text:
                runs.append((by + y, bx + x, size, text))
    runs.sort(key=lambda r: (r[0], r[1]))
    lines: list[list[tuple[float, float, float, str]]] = []
    for run in runs:
        if lines and abs(run[0] - lines[-1][0][0]) <= max(run[2], lines[-1][0][2]) * 0.4:
            lines[-1].append(run)
        else:
            lines.append([run])
    out: list[str] = []
    for line in lines:
        line.sort(key=lambda r: r[1])
        out.append("".join(r[3] for r in line))
    return out


def read_ofd(data: bytes, path: str, limits: Limits) -> Document:
    pkg = Package(data, limits, "ofd")
    files = _Files(pkg)
    ofd = files.xml("OFD.xml", "入口文件 OFD.xml")
    assert ofd is not None
    segments: list[Segment] = []
    links: list[Link] = []
    facts: list[Fact] = []
    meta: dict[str, str] = {}
    empty_pages: list[int] = []
    page_number = 0
    bodies = _children(ofd, "DocBody")
    if not bodies:
        raise ReadError(f"{_BROKEN}：OFD.xml 中没有文档（DocBody）")
    for body in bodies:
        info = _child(body, "DocInfo")
        for name, key in (("Title", "title"), ("Subject", "subject"), ("CreationDate", "created"),
                          ("ModDate", "modified")):
            el = _child(info, name)
            if el is not None and (el.text or "").strip():
                meta.setdefault(key, el.text.strip())
        author = _child(info, "Author")
        if author is not None and (author.text or "").strip():
            who = author.text.strip()
            facts.append(Fact("creator", f"文档属性中的作者：{who}", Location(part="文档属性"), who))
        root_el = _child(body, "DocRoot")
        if root_el is None or not (root_el.text or "").strip():
            raise ReadError(f"{_BROKEN}：缺少文档根节点（DocRoot）")
        doc_path = files.resolve("OFD.xml", root_el.text)
        document = files.xml(doc_path, "文档描述文件 Document.xml")
        assert document is not None
        pages = _iter(_child(document, "Pages") if _child(document, "Pages") is not None else document, "Page")
        ids: dict[str, int] = {}
        for page in pages:
            page_number += 1
            if page_number > limits.max_pages:
                raise ReadError(f"OFD 页数超过上限 {limits.max_pages}，无法完整检查")
            ids[page.get("ID") or ""] = page_number
            loc = page.get("BaseLoc")
            if not loc:
                raise ReadError(f"{_BROKEN}：第 {page_number} 页没有内容位置（BaseLoc）")
            content = files.xml(files.resolve(doc_path, loc), f"第 {page_number} 页的内容")
            assert content is not None
            lines = page_lines(content)
            if not any(t.strip() for t in lines):
                empty_pages.append(page_number)
            for k, text in enumerate(lines, 1):
                if text.strip():
                    segments.append(Segment(text, Location(page=page_number, line=k, column=1,
                                                            block=page_place(page_number))))
            _uris(content, Location(page=page_number), links)
        _annotations(files, document, doc_path, ids, segments, links)
    if empty_pages:
        shown = "、".join(map(str, empty_pages[:10])) + ("等" if len(empty_pages) > 10 else "")
        facts.append(Fact("pages_without_text", f"OFD 有 {len(empty_pages)} 页没有文字（第 {shown} 页，可能是扫描图片），"
                          "这些页未检查", Location(page=empty_pages[0]), str(len(empty_pages))))
    if not segments and page_number:
        raise ReadError("OFD 文件中没有可检查的文字（可能全部是扫描图片），需要人工核对或 OCR 识别")
    return Document(path, "ofd", tuple(segments), meta=meta, links=tuple(links), facts=tuple(facts))


def _uris(root: etree._Element, where: Location, links: list[Link]) -> None:
    for el in _iter(root, "URI"):
        url = (el.get("URI") or el.text or "").strip()
        if url:
            links.append(Link(url, "", where, "a", where.hidden))


def _annotations(files: _Files, document: etree._Element, doc_path: str, ids: dict[str, int],
                 segments: list[Segment], links: list[Link]) -> None:
    index_el = _child(document, "Annotations")
    if index_el is None or not (index_el.text or "").strip():
        return
    index_path = files.resolve(doc_path, index_el.text)
    index = files.xml(index_path, "注释索引", required=False)
    if index is None:
        raise ReadError(f"{_BROKEN}：注释索引文件 {index_path} 缺失，注释中的内容无法检查")
    for page in _children(index, "Page"):
        number = ids.get(page.get("PageID") or "")
        loc_el = _child(page, "FileLoc")
        if loc_el is None or not (loc_el.text or "").strip():
            continue
        annots = files.xml(files.resolve(index_path, loc_el.text), "页面注释")
        assert annots is not None
        count = 0
        named = attached(page_place(number), ANNOT) if number else None   # 第2页的注释
        for annot in _iter(annots, "Annot"):
            remark = _child(annot, "Remark")
            if remark is not None and (remark.text or "").strip():
                count += 1
                segments.append(Segment(remark.text.strip(), Location(page=number, part=ANNOT, paragraph=count,
                                                                      hidden=ANNOT, block=named)))
            appearance = _child(annot, "Appearance")
            if appearance is not None:
                for text in page_lines(appearance):
                    if text.strip():
                        count += 1
                        segments.append(Segment(text, Location(page=number, part=ANNOT, paragraph=count,
                                                               block=named)))
            _uris(annot, Location(page=number, part=ANNOT), links)


def attachments(pkg: Package) -> list[tuple[str, str]]:
    """(name shown in reports, zip path) of each attachment of each document in the package."""
    files = _Files(pkg)
    out: list[tuple[str, str]] = []
    ofd = pkg.xml("OFD.xml")
    if ofd is None:
        return out
    for body in _children(ofd, "DocBody"):
        root_el = _child(body, "DocRoot")
        if root_el is None or not (root_el.text or "").strip():
            continue
        doc_path = files.resolve("OFD.xml", root_el.text)
        document = pkg.xml(doc_path)
        el = _child(document, "Attachments") if document is not None else None
        if el is None or not (el.text or "").strip():
            continue
        list_path = files.resolve(doc_path, el.text)
        listing = pkg.xml(list_path)
        if listing is None:
            raise ReadError(f"{_BROKEN}：附件列表 {list_path} 缺失，附件无法检查")
        for att in _iter(listing, "Attachment"):
            loc = _child(att, "FileLoc")
            if loc is None or not (loc.text or "").strip():
                continue
            target = files.resolve(list_path, loc.text)
            name = att.get("Name") or posixpath.basename(target)
            fmt = (att.get("Format") or "").strip().lstrip(".")
            if fmt and not name.lower().endswith("." + fmt.lower()):
                name = f"{name}.{fmt}"
            out.append((name, target))
    return out
