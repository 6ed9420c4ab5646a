"""Safe access to Office Open XML packages (DOCX, XLSX): a zip read within :class:`Limits`, and
XML parsed without DTDs, entities or network.

Untrusted packages are checked three times: the entry count and every entry's declared size and
compression ratio when the zip is opened; every part actually read is inflated in bounded chunks
that stop as soon as the part, its ratio or the package total goes over a limit (a lying header
does not help a zip bomb); and an XML part with a DOCTYPE is refused before lxml sees it (OOXML
never has one, entity bombs always do).
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import struct
import zipfile
import zlib
from typing import Iterator

from lxml import etree

from ..model import Fact, Location
from . import Limits, ReadError

CHUNK = 1 << 20
RATIO_FLOOR = 1 << 20   # parts smaller than this are never a bomb, whatever their ratio

NS_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_HYPERLINK = R_NS + "/hyperlink"

_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                       dtd_validation=False, remove_pis=True, remove_comments=True)
_DOCTYPE = re.compile(rb"<!DOCTYPE|<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E", re.IGNORECASE)
_BROKEN = "文件已损坏或被截断（压缩包无法读取），无法检查"


def xml_parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_OPTIONS)


class Package:
    """A zip opened from bytes whose parts are read within ``limits``."""

    def __init__(self, data: bytes, limits: Limits, kind: str) -> None:
        self.limits = limits
        self.kind = kind
        self.total = 0
        self._parsed: dict[str, etree._Element | None] = {}
        self._data = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise ReadError(f"{_BROKEN}（{exc}）") from None
        if len(infos) > limits.max_zip_entries:
            raise ReadError(f"{kind.upper()} 文件包含 {len(infos)} 个部件，超过上限 "
                            f"{limits.max_zip_entries}，可能是恶意构造的文件")
        self.infos = {i.filename: i for i in infos}
        for info in infos:
            self._check_size(info.filename, info.file_size, info.compress_size)

    # -- limits -----------------------------------------------------------------------------

    def _bomb(self, what: str, size: int, limit: int) -> str:
        return (f"{what}（{size // 2**20} MB）超过上限 {limit // 2**20} MB，"
                "可能是压缩炸弹或异常文件，已停止读取")

    def _check_size(self, name: str, size: int, compressed: int) -> None:
        limits = self.limits
        if size > limits.max_part_bytes:
            raise ReadError(self._bomb(f"部件 {name} 解压后", size, limits.max_part_bytes))
        if size > RATIO_FLOOR and size > limits.max_ratio * max(compressed, 1):
            raise ReadError(f"部件 {name} 的压缩比异常（{size // max(compressed, 1)}:1，上限 "
                            f"{limits.max_ratio}:1），可能是压缩炸弹，已停止读取")

    # -- reading ----------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return name in self.infos

    def names(self) -> Iterator[str]:
        return iter(self.infos)

    def fingerprint(self, name: str) -> tuple[object, ...] | None:
        """A key that is equal for two packages exactly when reading ``name`` gives the same bytes
        or the same error: a digest of the part's stored (compressed) bytes, its header fields and
        the limits. None when the part is missing or its local header is not where it should be.

        Lets a reader remember what it computed from a part every file of a template shares
        (DOCX styles) without inflating it again; nothing here is trusted beyond equality."""
        info = self.infos.get(name)
        if info is None:
            return None
        data, off = self._data, info.header_offset
        if data[off:off + 4] != b"PK\x03\x04":
            return None
        name_len, extra_len = struct.unpack("<HH", data[off + 26:off + 30])
        start = off + 30 + name_len + extra_len
        stored = data[start:start + info.compress_size]
        digest = hashlib.blake2b(stored, digest_size=20).digest()
        return (digest, data[off:off + 30], info.compress_type, info.flag_bits, info.CRC,
                info.file_size, info.compress_size, self.limits)

    def read(self, name: str) -> bytes | None:
        """The part's bytes, or None if the package has no such part. Bounded streaming read."""
        info = self.infos.get(name)
        if info is None:
            return None
        limits = self.limits
        # the header may lie: the bound comes from the compressed bytes actually present
        part_limit = min(limits.max_part_bytes, max(RATIO_FLOOR, limits.max_ratio * info.compress_size))
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > part_limit:
                        self._check_size(name, size, info.compress_size)
                        raise ReadError(self._bomb(f"部件 {name} 解压后", size, part_limit))
                    if self.total + size > limits.max_unzipped_bytes:
                        raise ReadError(self._bomb("全部部件解压后", self.total + size,
                                                   limits.max_unzipped_bytes))
                    chunks.append(chunk)
        except ReadError:
            raise
        except RuntimeError as exc:  # an encrypted zip entry
            raise ReadError(f"{self.kind.upper()} 文件的部件 {name} 已加密，无法检查（{exc}）") from None
        except NotImplementedError as exc:
            raise ReadError(f"{self.kind.upper()} 文件使用了不支持的压缩方式（{exc}）") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ReadError(f"{_BROKEN}：部件 {name}（{exc}）") from None
        self.total += size
        return b"".join(chunks)

    def xml(self, name: str) -> etree._Element | None:
        """The parsed root element of a part (read once), or None if the package has no such part."""
        if name not in self._parsed:
            data = self.read(name)
            self._parsed[name] = None if data is None else parse_xml(data, name)
        return self._parsed[name]

    def rels(self, part: str) -> dict[str, tuple[str, str, str]]:
        """The relationships of ``part``: id → (type, target as written, resolved part name).

        The resolved name is the zip path of an internal target ('' for external ones)."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, tuple[str, str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{NS_REL}}}Relationship"):
            rid, target = rel.get("Id"), rel.get("Target")
            if not rid or target is None:
                continue
            external = rel.get("TargetMode") == "External"
            resolved = "" if external else _resolve(folder, target)
            out[rid] = (rel.get("Type") or "", target, resolved)
        return out


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse one part: never a DTD, an entity or the network; depth bounded by libxml2 (256)."""
    doctype = (f"部件 {name} 含有 XML 文档类型声明（DOCTYPE/ENTITY），这不是正常的 Office "
               "文件，可能是恶意构造的（XML 实体炸弹），已拒绝读取")
    if _DOCTYPE.search(data, 0, 4096) or (b"<!ENTITY" in data[:65536]):
        raise ReadError(doctype)
    try:  # a DOCTYPE further in: libxml2 refuses to amplify entities, and we refuse the DTD
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"部件 {name} 的 XML 无法解析（文件可能已损坏）：{exc}") from None
    if root is None:
        raise ReadError(f"部件 {name} 是空的，文件可能已损坏")
    if root.getroottree().docinfo.internalDTD is not None:
        raise ReadError(doctype)
    return root


# -- document properties (docProps/core.xml, docProps/app.xml) --------------------------------

_CORE = {
    "{http://purl.org/dc/elements/1.1/}creator": ("creator", "作者"),
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy":
        ("last_modified_by", "最后修改者"),
}
_APP = {"Company": ("company", "单位"), "Manager": ("manager", "管理者")}
_META = {
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{http://purl.org/dc/elements/1.1/}subject": "subject",
    "{http://purl.org/dc/terms/}created": "created",
    "{http://purl.org/dc/terms/}modified": "modified",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastPrinted": "lastPrinted",
}
PROPERTIES = Location(part="文档属性")


def properties(pkg: Package) -> tuple[dict[str, str], list[Fact]]:
    """Document metadata (title, created ...) and facts for the people named in the properties."""
    meta: dict[str, str] = {}
    facts: list[Fact] = []
    core = pkg.xml("docProps/core.xml")
    if core is not None:
        for el in core:
            text = (el.text or "").strip()
            if not text or not isinstance(el.tag, str):
                continue
            if el.tag in _CORE:
                kind, label = _CORE[el.tag]
                facts.append(Fact(kind, f"文档属性中的{label}：{text}", PROPERTIES, text))
            elif el.tag in _META:
                meta[_META[el.tag]] = text
    app = pkg.xml("docProps/app.xml")
    if app is not None:
        for el in app:
            if not isinstance(el.tag, str):
                continue
            local = etree.QName(el).localname
            text = (el.text or "").strip()
            if text and local in _APP:
                kind, label = _APP[local]
                facts.append(Fact(kind, f"文档属性中的{label}：{text}", PROPERTIES, text))
    return meta, facts
