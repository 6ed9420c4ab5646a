"""What the readers of compound files (OLE2/CFB) share: open the container with olefile, read a
stream bounded by the file's size, list the streams at the root, and the document properties
(SummaryInformation / DocumentSummaryInformation).

:func:`stream` refuses a stream that claims to be larger than the file itself (a compound file
stores streams uncompressed, so only a forged sector chain can say so) and so bounds what a
cyclic or lying FAT can make us read. :mod:`.cfb` decides which reader a compound file goes to;
:mod:`.doc`, :mod:`.xls` and :mod:`.archive` read through these helpers.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from ..model import Fact, Location
from . import ReadError

ENCRYPTED = "文件已加密（受密码保护的 Office 文档），无法检查；请解除密码后再检查"
PROPERTIES = Location(part="文档属性")
_CODEPAGES = {1200: "utf-16-le", 65001: "utf-8", 936: "gbk", 950: "big5", 1252: "cp1252"}


def open_cfb(data: bytes) -> Any:
    """The olefile view of ``data``; a ReadError for anything olefile cannot make sense of."""
    import olefile

    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except RecursionError:
        raise ReadError("OLE 复合文档的目录结构嵌套过深（可能是恶意构造的文件），无法读取") from None
    except MemoryError:
        raise ReadError("OLE 复合文档的结构异常（声明的大小超出实际），无法读取") from None
    except Exception as exc:  # olefile raises OSError/OleFileError/struct.error/IndexError ...
        raise ReadError(f"OLE 复合文档结构损坏（文件可能已被截断或不是 Office 文档）：{exc}") from None


def stream(ole: Any, name: str | list[str], data_size: int, required: bool = True) -> bytes | None:
    """The bytes of one stream, never more than the file holds."""
    path = name if isinstance(name, str) else "/".join(name)
    try:
        if not ole.exists(name):
            if required:
                raise ReadError(f"文件缺少 {path} 数据流，可能已损坏")
            return None
        size = ole.get_size(name)
        if size > data_size:
            raise ReadError(f"数据流 {path} 声明的大小（{size:,} 字节）超过文件本身（{data_size:,} 字节），"
                            "文件已损坏或是恶意构造的，已停止读取")
        with ole.openstream(name) as fh:
            out = fh.read(size + 1)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(f"数据流 {path} 无法读取（文件可能已损坏或被截断）：{exc}") from None
    return out[:size]


def roots(ole: Any) -> dict[str, str]:
    """Lower-cased name → name of the streams and storages at the root."""
    try:
        entries = ole.listdir(streams=True, storages=True)
    except Exception as exc:
        raise ReadError(f"OLE 复合文档的目录无法读取：{exc}") from None
    # OLE's own streams start with a control character ("\x01Ole10Native", "\x05SummaryInformation")
    return {e[0].lstrip("\x01\x02\x03\x05").lower(): e[0] for e in entries if len(e) == 1}


# -- SummaryInformation / DocumentSummaryInformation ------------------------------------------

def _text(value: object, codepage: int | None) -> str:
    if isinstance(value, bytes):
        codepage = codepage & 0xFFFF if codepage else codepage  # stored as a signed 16-bit number
        enc = _CODEPAGES.get(codepage or 0, f"cp{codepage}" if codepage else "gbk")
        try:
            value = value.decode(enc)
        except (LookupError, UnicodeDecodeError):
            value = value.decode("gbk", "replace")
    return str(value).replace("\x00", "").strip() if value is not None else ""


def properties(ole: Any) -> tuple[dict[str, str], list[Fact]]:
    """Metadata (title, created, modified) and facts for the people named in the properties:
    author, last saved by, company, manager — as :func:`.ooxml.properties` gives for OOXML."""
    meta: dict[str, str] = {}
    facts: list[Fact] = []
    try:
        m = ole.get_metadata()
    except Exception:
        return meta, [Fact("properties_unreadable", "文档属性（SummaryInformation）无法读取，未检查其中的作者等信息",
                           PROPERTIES)]
    cp = getattr(m, "codepage", None)
    cp_doc = getattr(m, "codepage_doc", None) or cp
    for attr, kind, label, page in (("author", "creator", "作者", cp), ("last_saved_by", "last_modified_by",
                                    "最后修改者", cp), ("company", "company", "单位", cp_doc),
                                    ("manager", "manager", "管理者", cp_doc)):
        text = _text(getattr(m, attr, None), page)
        if text:
            facts.append(Fact(kind, f"文档属性中的{label}：{text}", PROPERTIES, text))
    for attr, key in (("title", "title"), ("subject", "subject")):
        text = _text(getattr(m, attr, None), cp)
        if text:
            meta[key] = text
    for attr, key in (("create_time", "created"), ("last_saved_time", "modified"),
                      ("last_printed", "lastPrinted")):
        value = getattr(m, attr, None)
        if isinstance(value, datetime) and value.year > 1601:
            meta[key] = value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return meta, facts
