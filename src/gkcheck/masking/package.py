"""Rewriting an Office Open XML package: the changed parts replaced, every other entry copied with
its name, order, date, attributes and compression, so images, styles and macros stay as they were."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Iterable, Iterator, Mapping, Union

from lxml import etree

from ..readers import Limits, ReadError
from ..readers.ooxml import Package
from .edits import MaskError

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
# unlike the readers' parser, this one keeps comments and processing instructions: the part is written back
_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def open_package(data: bytes, kind: str, limits: Limits = Limits()) -> Package:
    try:
        return Package(data, limits, kind)
    except ReadError as exc:
        raise MaskError(str(exc)) from None


def part_bytes(pkg: Package, name: str) -> bytes | None:
    """The part's bytes (inflated within the limits), refused when it declares a DOCTYPE."""
    try:
        data = pkg.read(name)
    except ReadError as exc:
        raise MaskError(str(exc)) from None
    if data is not None and _DOCTYPE.search(data, 0, 65536):
        raise MaskError(f"部件 {name} 含有 XML 文档类型声明（DOCTYPE/ENTITY），不是正常的 Office 文件，未生成副本")
    return data


def iterparse(data: bytes, tag: str) -> Iterator[tuple[str, etree._Element]]:
    """``end`` events of ``tag`` in a part read by :func:`part_bytes`, with the parser options of
    :func:`read_part` (a caller that removes each element once handled keeps memory bounded)."""
    return etree.iterparse(io.BytesIO(data), events=("end",), tag=tag, remove_blank_text=False, **_PARSER)


def read_part(pkg: Package, name: str) -> etree._ElementTree | None:
    data = part_bytes(pkg, name)
    if data is None:
        return None
    try:
        return etree.ElementTree(etree.fromstring(data, etree.XMLParser(**_PARSER)))
    except etree.XMLSyntaxError as exc:
        raise MaskError(f"部件 {name} 的 XML 无法解析（文件可能已损坏）：{exc}") from None


def serialize(tree: etree._ElementTree) -> bytes:
    """The part as Office writes it: a double-quoted declaration (with ``standalone`` as it was),
    then the document."""
    standalone = tree.docinfo.standalone
    flag = "" if standalone is None else f' standalone="{"yes" if standalone else "no"}"'
    head = f'<?xml version="1.0" encoding="UTF-8"{flag}?>\r\n'.encode("ascii")
    return head + etree.tostring(tree, encoding="UTF-8", xml_declaration=False)


Payload = Union[bytes, Iterable[bytes], None]


def rewrite(pkg: Package, replaced: Mapping[str, Payload]) -> bytes:
    """The package with ``replaced`` parts (None drops the part; an iterable of byte strings is
    written piece by piece, so a large part is never held whole) and every other entry unchanged."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w", allowZip64=True) as zout:
            zout.comment = pkg.zip.comment
            for info in pkg.zip.infolist():
                if info.filename in replaced and replaced[info.filename] is None:
                    continue
                payload = replaced.get(info.filename)
                if payload is None:
                    payload = pkg.read(info.filename) or b""
                new = zipfile.ZipInfo(info.filename, info.date_time)
                new.compress_type = info.compress_type
                new.external_attr = info.external_attr
                new.create_system = info.create_system
                new.comment = info.comment
                if isinstance(payload, bytes):
                    zout.writestr(new, payload)
                else:
                    with zout.open(new, "w") as fh:
                        for piece in payload:
                            fh.write(piece)
    except ReadError as exc:
        raise MaskError(str(exc)) from None
    return out.getvalue()
