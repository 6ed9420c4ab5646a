"""Compound files (OLE2/CFB): Word and Excel 97-2003 and the WPS files written in the same
container (.wps, .et), read with olefile within :class:`~gkcheck.readers.Limits`.

:func:`read_cfb` decides what the file is by the streams at its root (``WordDocument`` → .doc,
``Workbook``/``Book`` → .xls; ``EncryptionInfo``/``EncryptedPackage`` → a password-protected
OOXML file) and hands it to the reader of that format. The helpers those readers share (opening
the container, bounded streams, document properties) are in :mod:`.ole`.
"""

from __future__ import annotations

from ..model import Document
from . import Limits, ReadError
from .ole import ENCRYPTED, open_cfb, roots

_ENCRYPTION_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def read_cfb(data: bytes, path: str, limits: Limits) -> Document:
    try:
        ole = open_cfb(data)
    except ReadError:
        # a directory olefile cannot walk but that names the encryption streams: say so
        if any(marker in data[:65536] for marker in _ENCRYPTION_STREAMS):
            raise ReadError(ENCRYPTED) from None
        raise
    names = roots(ole)
    if "encryptedpackage" in names or "encryptioninfo" in names:
        raise ReadError(ENCRYPTED)
    if "worddocument" in names:
        from .doc import read_doc
        return read_doc(ole, data, path, limits)
    if "workbook" in names or "book" in names:
        from .xls import read_xls
        return read_xls(ole, data, path, limits)
    if "powerpoint document" in names:
        raise ReadError("旧版 PowerPoint 二进制格式（.ppt/.dps）暂不支持，请另存为 .pptx 后再检查")
    raise ReadError("文件是 OLE 复合文档，但不是 Word/Excel 文档，无法检查")
