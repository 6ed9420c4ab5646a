"""What kind of file this is, from its content first and its name second."""

from __future__ import annotations

import io
import zipfile

from .model import GkcheckError

TEXT_EXTENSIONS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
                   ".csv": "csv", ".htm": "html", ".html": "html", ".shtml": "html", ".xhtml": "html",
                   ".jsp": "html", ".asp": "html", ".aspx": "html", ".php": "html"}
DOCUMENT_EXTENSIONS = {".docx": "docx", ".docm": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx",
                       ".pdf": "pdf", ".doc": "doc", ".xls": "xls", ".wps": "doc", ".et": "xls",
                       ".dot": "doc", ".xlt": "xls", ".ofd": "ofd", ".pptx": "pptx", ".dps": "pptx",
                       ".ppsx": "pptx", ".rtf": "rtf", ".zip": "zip", ".ppt": "ppt"}
# named on the command line they are read by OCR (readers/ocr, the ``ocr`` extra) or, without the
# extra, an error that says how to check them; met in a folder walk they are passed over and
# counted unless OCR is asked for (``--ocr``, ``ocr = true``)
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}
OCR_EXTENSIONS = IMAGE_EXTENSIONS - {".gif"}  # what a folder walk with OCR reads (a GIF is a logo or an animation)
# Files a site folder holds that are not documents: a folder walk passes over them.
NON_DOCUMENT_EXTENSIONS = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".ico", ".svg", ".tif", ".tiff",
    ".css", ".js", ".mjs", ".map", ".json", ".woff", ".woff2", ".ttf", ".otf", ".eot",
    ".mp3", ".mp4", ".avi", ".mov", ".flv", ".wmv", ".swf", ".rar", ".7z", ".gz",
    ".exe", ".dll", ".so", ".pyc", ".db", ".sqlite", ".lock", ".log", ".xml", ".yml", ".yaml",
    ".toml", ".ini", ".cfg", ".py", ".sh", ".bat", ".ps1",
}

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"RIFF", b"\x00\x00\x01\x00",
                b"II*\x00", b"MM\x00*")
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NO_OCR = ("图片中的文字无法检查：未安装 OCR 扩展（pip install 'gkcheck[ocr]' 后可识别图片中的文字）；"
          "在此之前请人工核对图片中是否有身份证号、电话等个人信息")

NO_OCR_EXTRA = ("要识别图片中的文字（--ocr 或配置项 ocr = true），需要先安装 OCR 扩展："
                "pip install 'gkcheck[ocr]'")


class UnsupportedFile(GkcheckError):
    pass


def ocr_available() -> bool:
    """Whether the ``ocr`` extra (RapidOCR on ONNX Runtime, Pillow) is installed; nothing is imported."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("rapidocr_onnxruntime", "PIL"))


def suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > name.replace("\\", "/").rfind("/") else ""


def sniff(data: bytes, name: str) -> str:
    """One of ``text markdown csv html docx xlsx pdf cfb pptx ofd rtf zip image``; raise :class:`UnsupportedFile` otherwise."""
    head = data[:8]
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data, name)
    if head.startswith(CFB_MAGIC):
        return "cfb"  # Word/Excel 97-2003 or an encrypted package: readers/cfb.py decides by its streams
    if data[:16].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x05\x06") or (head.startswith(b"PK") and len(data) < 64):
        raise UnsupportedFile("文件是空的或已截断的压缩包，无法读取")
    ext = suffix(name)
    if any(head.startswith(m) for m in _IMAGE_MAGIC) and not head.startswith(b"\xff\xfe"):
        if ext in IMAGE_EXTENSIONS or not head.startswith((b"BM", b"RIFF", b"\x00\x00\x01\x00")):
            if ocr_available():
                return "image"
            raise UnsupportedFile(NO_OCR)
        raise UnsupportedFile("文件是图片或其他二进制格式，不是可检查的文档")
    if ext in DOCUMENT_EXTENSIONS and _looks_html(data):
        return "html"  # Word's "save as web page" kept as .doc: common on government sites
    if ext in DOCUMENT_EXTENSIONS:
        kind = DOCUMENT_EXTENSIONS[ext]
        raise UnsupportedFile(f"扩展名为 {ext}，但内容不是有效的 {kind.upper()} 文件（可能已损坏或被截断）")
    if _looks_binary(data):
        raise UnsupportedFile("文件含二进制内容，不是可检查的文本")
    if ext in TEXT_EXTENSIONS:
        return TEXT_EXTENSIONS[ext]
    if _looks_html(data):
        return "html"
    return "text"


def _looks_html(data: bytes) -> bool:
    lowered = data[:2048].lower()
    return (b"<html" in lowered or b"<!doctype html" in lowered or b"<body" in lowered
            or b"<\x00h\x00t\x00m\x00l" in lowered)


_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    nul = sample.count(0)
    if nul:
        # UTF-16 without a BOM has its NULs on one side of each pair; anything else is binary
        lopsided = max(sample[0::2].count(0), sample[1::2].count(0)) >= nul * 0.9
        return not (lopsided and nul > len(sample) // 8)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # counted in C, not per byte
    return controls > len(sample) // 20


def _sniff_zip(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnsupportedFile(f"压缩包结构损坏（文件可能被截断）：{exc}") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "OFD.xml" in names:
        return "ofd"
    ext = suffix(name)
    if ext in DOCUMENT_EXTENSIONS and DOCUMENT_EXTENSIONS[ext] != "zip":
        kind = DOCUMENT_EXTENSIONS[ext]
        raise UnsupportedFile(f"扩展名为 {ext}，但压缩包中没有 {kind.upper()} 文档的主体部件（文件可能已损坏）")
    return "zip"
