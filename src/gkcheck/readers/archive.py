"""Files inside files: the members of a .zip attachment, the files embedded in an Office document
(``word/embeddings``, ``xl/embeddings``, ``ppt/embeddings``: an XLSX list in a DOCX, OLE
packages) and the attachments of an OFD document.

This module only takes them out; :meth:`gkcheck.checker.Checker.check_bytes_all` checks each as
a file of its own, named ``bundle.zip!名单.xlsx`` (nested: ``a.zip!b.zip!c.doc``). Everything is
read within :class:`~gkcheck.readers.Limits` through :class:`.ooxml.Package` (entry count,
declared sizes, ratio, bounded inflation), and a :class:`Budget` shared by the whole tree of
one file bounds what all archives inside it may inflate together and how deep they may nest,
so a zip of zips cannot multiply the limits. A member that cannot be taken out is a
:class:`Member` with an error: it is reported as a file that could not be checked, never
dropped.
"""

from __future__ import annotations

import posixpath
import struct
from dataclasses import dataclass, field

from ..model import Document
from ..sniff import NON_DOCUMENT_EXTENSIONS, suffix
from . import Limits, ReadError

MAX_DEPTH = 3          # bundle.zip!inner.zip!list.xlsx!embedded.xlsx is as deep as it goes
_SKIP_PREFIXES = ("__MACOSX/",)
_EQUATIONS = ("equation native", "mathtype equation", "mtef")


@dataclass(frozen=True)
class Member:
    name: str               # shown after "!" in reports
    data: bytes | None
    error: str | None = None


@dataclass
class Budget:
    """What the whole tree of one file may still inflate and open (shared, mutable on purpose:
    one per top-level file, never global)."""

    bytes_left: int
    entries_left: int
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, limits: Limits) -> "Budget":
        return cls(limits.max_unzipped_bytes, limits.max_zip_entries)

    def take(self, size: int, limits: Limits) -> str | None:
        self.bytes_left -= size
        self.entries_left -= 1
        if self.bytes_left < 0:
            return (f"压缩包及其中各层文件解压后总量超过上限 {limits.max_unzipped_bytes // 2**20} MB，"
                    "可能是压缩炸弹，其余文件未检查")
        if self.entries_left < 0:
            return f"压缩包及其中各层文件的总数超过上限 {limits.max_zip_entries}，其余文件未检查"
        return None


def read_zip(data: bytes, path: str, limits: Limits) -> Document:
    """A zip archive is not one document: the checker checks its members one by one."""
    raise ReadError("这是压缩包（.zip），其中的文件需要逐个检查：请用 gkcheck scan 或 Checker.check_bytes_all")


def _member_name(info) -> str:  # type: ignore[no-untyped-def]
    """Names written by Chinese Windows tools are GBK without the UTF-8 flag; zipfile reads cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def members(data: bytes, kind: str, limits: Limits, budget: Budget) -> list[Member]:
    """The files inside ``data`` (sniffed as ``kind``); [] for a format that holds none."""
    if kind == "zip":
        return _zip_members(data, limits, budget)
    if kind in ("docx", "xlsx", "pptx"):
        return _ooxml_embeddings(data, kind, limits, budget)
    if kind == "ofd":
        return _ofd_attachments(data, limits, budget)
    if kind == "cfb":
        return _ole_objects(data, limits, budget)
    return []


def _package(data: bytes, kind: str, limits: Limits):  # type: ignore[no-untyped-def]
    from .ooxml import Package
    return Package(data, limits, kind)


def _take(pkg, zip_name: str, shown: str, limits: Limits, budget: Budget) -> Member:  # type: ignore[no-untyped-def]
    try:
        blob = pkg.read(zip_name)
    except ReadError as exc:
        return Member(shown, None, str(exc))
    if blob is None:
        return Member(shown, None, f"文件中没有 {zip_name}，无法检查")
    over = budget.take(len(blob), limits)
    if over:
        return Member(shown, None, over)
    return Member(shown, blob)


def _zip_members(data: bytes, limits: Limits, budget: Budget) -> list[Member]:
    pkg = _package(data, "zip", limits)
    out: list[Member] = []
    stop: str | None = None
    for info in pkg.zip.infolist():
        if info.is_dir() or info.filename.startswith(_SKIP_PREFIXES) or \
                posixpath.basename(info.filename).startswith("._"):
            continue  # folders and macOS resource forks hold no document
        shown = _member_name(info)
        if stop:
            out.append(Member(shown, None, stop))
            continue
        if suffix(shown) in NON_DOCUMENT_EXTENSIONS:
            continue  # as in a folder walk: images, scripts, styles are passed over
        member = _take(pkg, info.filename, shown, limits, budget)
        if budget.bytes_left < 0 or budget.entries_left < 0:
            stop = member.error
        out.append(member)
    return out


def _ooxml_embeddings(data: bytes, kind: str, limits: Limits, budget: Budget) -> list[Member]:
    pkg = _package(data, kind, limits)
    folder = {"docx": "word/embeddings/", "xlsx": "xl/embeddings/", "pptx": "ppt/embeddings/"}[kind]
    out: list[Member] = []
    for name in pkg.names():
        if not name.startswith(folder) or name.endswith("/"):
            continue
        member = _take(pkg, name, posixpath.basename(name), limits, budget)
        if member.data is not None and member.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            member = _unwrap_ole(member, limits)
            if member is None:
                continue
        out.append(member)
    return out


def _ofd_attachments(data: bytes, limits: Limits, budget: Budget) -> list[Member]:
    from .ofd import attachments

    pkg = _package(data, "ofd", limits)
    return [_take(pkg, target, name, limits, budget) for name, target in attachments(pkg)]


def _ole10native(blob: bytes) -> tuple[str, bytes] | None:
    """The file inside an ``Ole10Native`` stream (an OLE "Package" object): size, flags, label,
    source path, then the file's own size and bytes."""
    try:
        pos = 6
        label_end = blob.index(b"\x00", pos)
        label = blob[pos:label_end]
        pos = blob.index(b"\x00", label_end + 1) + 1        # source path
        pos += 4                                            # reserved
        n, = struct.unpack_from("<I", blob, pos)
        pos += 4 + n                                        # temp path
        size, = struct.unpack_from("<I", blob, pos)
        body = blob[pos + 4:pos + 4 + size]
        if len(body) < size:
            return None
        return label.decode("gbk", "replace") or "嵌入文件", body
    except (ValueError, struct.error):
        return None


def _unwrap_ole(member: Member, limits: Limits) -> Member | None:
    """An embedded OLE object: an OLE package gives the file inside it; an embedded OOXML
    document is in its ``Package`` stream; a Word/Excel 97-2003 object is read as it is;
    an equation is skipped (no text to check); anything else is a member that cannot be checked."""
    from .ole import open_cfb, roots, stream

    data = member.data or b""
    try:
        ole = open_cfb(data)
        names = roots(ole)
        if "ole10native" in names:
            raw = stream(ole, names["ole10native"], len(data))
            inner = _ole10native(raw or b"")
            if inner is None:
                return Member(member.name, None, "嵌入的 OLE 包对象结构损坏，其中的文件无法检查")
            return Member(f"{member.name}!{inner[0]}", inner[1])
        if "package" in names:
            return Member(member.name, stream(ole, names["package"], len(data)))
        if {"worddocument", "workbook", "book"} & set(names):
            return member
        if any(key in names for key in _EQUATIONS):
            return None
    except ReadError as exc:
        return Member(member.name, None, str(exc))
    return Member(member.name, None, "嵌入对象的类型无法识别，其中的内容未检查，请人工核对")


def _ole_objects(data: bytes, limits: Limits, budget: Budget) -> list[Member]:
    """Objects embedded in a .doc (``ObjectPool``) that hold a file we read: OLE packages and
    OOXML documents. Word/Excel objects stored as storages are named in the reader's facts."""
    from .ole import open_cfb, stream

    try:
        ole = open_cfb(data)
        entries = ole.listdir(streams=True, storages=False)
    except (ReadError, Exception):
        return []
    out: list[Member] = []
    for entry in entries:
        kind = entry[2].lstrip("\x01").lower() if len(entry) == 3 else ""
        if entry[0] != "ObjectPool" or kind not in ("ole10native", "package"):
            continue
        try:
            raw = stream(ole, entry, len(data)) or b""
        except ReadError as exc:
            out.append(Member(entry[1], None, str(exc)))
            continue
        over = budget.take(len(raw), limits)
        if over:
            out.append(Member(entry[1], None, over))
            break
        if kind == "package":
            out.append(Member(f"嵌入对象{entry[1]}", raw))
            continue
        inner = _ole10native(raw)
        out.append(Member(f"嵌入对象{entry[1]}!{inner[0]}", inner[1]) if inner else
                   Member(f"嵌入对象{entry[1]}", None, "嵌入的 OLE 包对象结构损坏，其中的文件无法检查"))
    return out
