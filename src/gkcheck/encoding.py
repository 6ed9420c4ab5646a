"""Turning the bytes of a text-like file into ``str``, without guessing silently wrong.

Order: byte-order mark → the charset the document declares (HTML) → strict UTF-8 → UTF-16
by its NUL bytes → charset-normalizer on the first 64 KB, limited to the encodings Chinese
government files use (GB18030 covers GB2312 and GBK, Big5) → strict GB18030. A file that none
of these decodes is an error, never a page of replacement characters.
"""

from __future__ import annotations

import codecs

from .model import GkcheckError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
            "cp936": "gb18030", "big5-hkscs": "big5hkscs", "utf8": "utf-8", "unicode": "utf-16"}
# UTF-16 is recognised by its NUL bytes (above), never guessed: a short GBK text of an even
# number of bytes is valid UTF-16 too, and charset-normalizer then prefers UTF-16.
_CANDIDATES = ["gb18030", "big5"]


class EncodingError(GkcheckError):
    pass


def normalise(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding_name)``; raise :class:`EncodingError` if nothing fits."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _strict(data, name), name.replace("-sig", "") + " (BOM)"
    if declared:
        name = normalise(declared)
        if name:
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                pass  # the declaration lies; fall through to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if sample and (even_nuls + odd_nuls > len(sample) // 8 or (even_nuls == 0) != (odd_nuls == 0)):
        # GB18030/Big5 text has no NUL bytes; UTF-16 has them on one side (ASCII, line ends)
        name = "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"
        return _strict(data, name), name
    guess = _detect(data[:65536])
    for name in ([guess] if guess else []) + ["gb18030", "big5"]:
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    raise EncodingError("无法识别文件编码（试过 UTF-8、UTF-16、GB18030、Big5），请另存为 UTF-8 后再检查")


def _strict(data: bytes, name: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        raise EncodingError(f"文件标明为 {name} 编码，但第 {exc.start} 字节起无法按此编码解码") from None


def _detect(sample: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=_CANDIDATES).best()
    return best.encoding if best else None
