"""DOCX content that is not WordprocessingML paragraphs (issue 12, defect 5; docs/formats.md).

- ``w:altChunk``: a part Word imports when it opens the file (HTML, plain text, another DOCX,
  RTF, MHT). HTML, text and DOCX chunks are read by their own reader and their segments placed in
  ``part="嵌入内容（altChunk 名称）"`` (keeping the chunk's own line/column or paragraph); a chunk
  of a kind no reader reads (RTF, MHT, unless a reader for it is registered) is a
  ``Fact("unchecked_altchunk")`` (H005): the file is never reported clean with it unread.
- SmartArt: the text of each diagram's data part (``word/diagrams/data*.xml``, what Word draws
  from) is read paragraph by paragraph into ``part="SmartArt 图形 N"``; the drawing cache beside
  it repeats the same text and is not read twice.
- Embedded Office documents (``package`` relationships; a pasted worksheet shows a picture of
  itself) are read by their reader into ``part="嵌入对象（名称）"``; an OLE object of a document
  kind (``Excel.*``, ``Word.*`` ...) no reader reads is ``Fact("unchecked_object")`` (H005);
  equations, drawings and other OLE objects are not reported.
- Image alt text (``wp:docPr`` ``descr``/``title``) is read by :mod:`.part` as ``kind="attr"``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ...model import Document, Fact, Location, Segment
from .. import Limits
from ..ooxml import Package

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
MAX_CHUNK_NESTING = 3
CHUNK = "嵌入内容"
SMARTART = "SmartArt 图形"
UNCHECKED_ALTCHUNK = "unchecked_altchunk"
# the DOCX reader itself, ``nesting`` levels deep: passed in by :func:`.read_docx_nested`, which
# owns the recursion, so this module does not import the package that imports it
ReadDocx = Callable[[bytes, str, Limits, int], Document]


def chunk_kind(data: bytes, name: str) -> str | None:
    """The reader for an altChunk part, or None when there is none."""
    from .. import READERS
    from ...sniff import UnsupportedFile, sniff

    head = data[:64].lstrip()
    if head.startswith(b"{\\rtf"):
        return "rtf" if "rtf" in READERS else None
    if head[:12].lower().startswith(b"mime-version") or name.lower().endswith((".mht", ".mhtml")):
        return "mht" if "mht" in READERS else None
    try:
        kind = sniff(data, name)
    except UnsupportedFile:
        return None
    return kind if kind in READERS else None


def read_chunks(chunks: list[tuple[str, Location, dict[str, tuple[str, str, str]]]], pkg: Package,
                limits: Limits, nesting: int, read_docx: ReadDocx) -> tuple[list[Segment], list[Fact], list]:
    """Segments, facts and links of the altChunk parts ``chunks`` (relationship id, where, the
    relationships of the part that holds it); a DOCX chunk is read by ``read_docx``."""
    from .. import reader_for

    segments: list[Segment] = []
    facts: list[Fact] = []
    links: list = []
    for rid, where, rels in chunks:
        target = rels.get(rid, ("", "", ""))[2]
        data = pkg.read(target) if target else None
        short = target.rsplit("/", 1)[-1] if target else rid
        label = f"{CHUNK}（altChunk {short}）"
        if data is None:
            continue
        kind = chunk_kind(data, target)
        if kind is None or (kind == "docx" and nesting >= MAX_CHUNK_NESTING):
            facts.append(Fact(UNCHECKED_ALTCHUNK, f"{where.describe()}嵌入的 {short}（altChunk）无法读取，未检查",
                              replace(where, part=label), short))
            continue
        try:
            if kind == "docx":
                doc = read_docx(data, target, limits, nesting + 1)
            else:
                doc = reader_for(kind)(data, target, limits)
        except Exception as exc:  # a chunk that cannot be read: not checked, said so
            facts.append(Fact(UNCHECKED_ALTCHUNK, f"{where.describe()}嵌入的 {short}（altChunk）无法读取（{exc}），未检查",
                              replace(where, part=label), short))
            continue
        for i in range(len(doc.segments)):
            seg = doc.segments[i]
            base = seg.base
            inner = base.part if base.part and kind == "docx" else None
            segments.append(Segment(seg.text, replace(base, part=label + (inner or ""), block=None), seg.anchors,
                                    "text" if seg.kind == "cell" else seg.kind, seg.name))
        facts.extend(doc.facts)
        links.extend(replace(link, location=replace(link.location, part=label)) for link in doc.links)
    return segments, facts, links


def smartart_segments(pkg: Package, rels: dict[str, tuple[str, str, str]]) -> list[Segment]:
    """The text of every SmartArt diagram the part points at, paragraph by paragraph."""
    out: list[Segment] = []
    number = 0
    for kind, _, target in sorted(rels.values(), key=lambda r: r[2]):
        if not kind.endswith("/diagramData") or not target:
            continue
        root = pkg.xml(target)
        if root is None:
            continue
        number += 1
        paragraph = 0
        for p in root.iter(A + "p"):
            text = "".join(t.text or "" for t in p.iter(A + "t"))
            paragraph += 1
            if text.strip():
                out.append(Segment(text, Location(part=f"{SMARTART} {number}", paragraph=paragraph)))
    return out


O_OLE = "{urn:schemas-microsoft-com:office:office}OLEObject"
EMBEDDED = "嵌入对象"
UNCHECKED_OBJECT = "unchecked_object"
# OLE objects that hold a document's worth of text (a pasted worksheet, a Word or PDF file); an
# equation, a drawing or a chart object does not, and is not reported
DOCUMENT_PROGIDS = ("excel.", "word.", "powerpoint.", "package", "acroexch.", "wps.", "et.", "ket.")


def embedded_objects(root, rels: dict[str, tuple[str, str, str]], pkg: Package, limits: Limits, nesting: int,
                     read_docx: ReadDocx) -> tuple[list[Segment], list[Fact], list]:  # type: ignore[no-untyped-def]
    """Office documents embedded in the part (a worksheet pasted as an object shows only a
    picture of itself): read by their reader (a DOCX by ``read_docx``); an OLE document object
    no reader reads is ``Fact("unchecked_object")`` (H005)."""
    from .. import READERS, reader_for
    from ...sniff import UnsupportedFile, sniff

    progids: dict[str, str] = {}
    for ole in root.iter(O_OLE):
        rid = next((v for k, v in ole.attrib.items() if k.endswith("}id")), None)
        if rid:
            progids[rid] = ole.get("ProgID") or ""
    segments: list[Segment] = []
    facts: list[Fact] = []
    links: list = []
    for rid, (kind, _, target) in sorted(rels.items()):
        name = kind.rsplit("/", 1)[-1]
        if name not in ("package", "oleObject") or not target:
            continue
        progid = progids.get(rid, "")
        short = target.rsplit("/", 1)[-1]
        label = f"{EMBEDDED}（{short}）"
        data = pkg.read(target)
        if data is None:
            continue
        try:
            kind_of = sniff(data, short)
            if kind_of not in READERS or (kind_of == "docx" and nesting >= MAX_CHUNK_NESTING):
                raise UnsupportedFile(kind_of)
            if kind_of == "docx":
                doc = read_docx(data, target, limits, nesting + 1)
            else:
                doc = reader_for(kind_of)(data, target, limits)
        except Exception:
            if name == "package" or progid.lower().startswith(DOCUMENT_PROGIDS):
                facts.append(Fact(UNCHECKED_OBJECT, f"嵌入的 {progid or short} 对象（{short}）无法读取，未检查",
                                  Location(part=label), short))
            continue
        for i in range(len(doc.segments)):
            seg = doc.segments[i]
            segments.append(Segment(seg.text, replace(seg.base, part=label + (seg.base.part or ""), block=None), seg.anchors,
                                    "text" if seg.kind == "cell" else seg.kind, seg.name))
        facts.extend(doc.facts)
        links.extend(replace(link, location=replace(link.location, part=label)) for link in doc.links)
    return segments, facts, links
