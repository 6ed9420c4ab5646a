"""Hostile and broken files: each ends as that file's error (a Chinese message) or is read
correctly, within bounded time and memory, and the CLI exits 2 without a traceback."""

from __future__ import annotations

import io
import re
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from gkcheck.readers import Limits, ReadError
from gkcheck.readers.ooxml import Package

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

CHINESE = re.compile(r"[\u4e00-\u9fff]")
BOMB_MB = 300
MAX_SECONDS = 30.0
MAX_PY_PEAK = 200 * 2**20      # Python allocations (tracemalloc) while checking one file
MAX_RSS_GROWTH = 600 * 2**20   # the whole process, C libraries included



@pytest.fixture(autouse=True)
def _without_ocr(monkeypatch):  # type: ignore[no-untyped-def]
    """These are the reader's own answers; with the ocr extra (installed by the test extra) scanned
    pages are recognised instead (tests/test_ocr.py). Blocked as Python marks an unimportable module."""
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)

def small_docx(text: str = "截止目前已完成") -> bytes:
    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def small_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "截止目前"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def replace_part(data: bytes, name: str, write) -> bytes:  # type: ignore[no-untyped-def]
    """Copy a package, letting ``write(zip_out)`` write part ``name`` in place of the original."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                write(dst)
            else:
                dst.writestr(info.filename, src.read(info))
    return out.getvalue()


def zeros_part(name: str, megabytes: int):  # type: ignore[no-untyped-def]
    def write(dst: zipfile.ZipFile) -> None:
        block = b"\0" * 2**20
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?>')
            for _ in range(megabytes):
                fh.write(block)
    return write


def lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """The same zip with ``name``'s declared uncompressed size rewritten (central directory and
    local header): a bomb that does not admit its size."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo(name)
    buf = bytearray(data)
    buf[info.header_offset + 22:info.header_offset + 26] = size.to_bytes(4, "little")
    encoded = name.encode()
    at = buf.rfind(b"PK\x01\x02", 0, buf.rfind(encoded))
    buf[at + 24:at + 28] = size.to_bytes(4, "little")
    return bytes(buf)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
    + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>').encode()

ENCRYPTED_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, bytes]:
    from .test_reader_pdf import scanned_pdf

    base, sheet = small_docx(), small_xlsx()
    bomb = replace_part(base, "word/document.xml", zeros_part("word/document.xml", BOMB_MB))
    sparse = openpyxl.Workbook()
    sparse.active["A1"] = "一"
    sparse.active["XFD1048576"] = "二"
    buf = io.BytesIO()
    sparse.save(buf)
    return {
        "bomb.docx": bomb,
        "lying-bomb.docx": lie_about_size(bomb, "word/document.xml", 1000),
        "xml-bomb.xlsx": replace_part(sheet, "xl/sharedStrings.xml", zeros_part("xl/sharedStrings.xml", 300))
        if "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(sheet)).namelist()
        else replace_part(sheet, "xl/worksheets/sheet1.xml", zeros_part("xl/worksheets/sheet1.xml", 300)),
        "entities.docx": replace_part(base, "word/document.xml",
                                      lambda dst: dst.writestr("word/document.xml", BILLION_LAUGHS)),
        "encrypted.docx": ENCRYPTED_OLE,
        "truncated.docx": base[: len(base) * 2 // 3],
        "truncated.xlsx": sheet[: len(sheet) // 2],
        "sparse.xlsx": buf.getvalue(),
        "scanned.pdf": scanned_pdf(),
        "nested.html": b"<html><body>" + b"<div>" * 100_000 + "截止目前".encode() + b"</div>" * 100_000
                       + b"</body></html>",
    }


def bounded(checker, data: bytes, name: str):  # type: ignore[no-untyped-def]
    checker.check_text("预热")   # data read once per Checker on first use (near-miss lexicons) is not this file's cost
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = checker.check_bytes(data, name)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss
    assert elapsed < MAX_SECONDS, f"{name}: {elapsed:.1f} s"
    assert peak < MAX_PY_PEAK, f"{name}: Python peak {peak // 2**20} MB"
    assert growth < MAX_RSS_GROWTH, f"{name}: RSS grew {growth // 2**20} MB"
    return result


def assert_error(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.status == "error", result
    assert result.error and CHINESE.search(result.error), result.error
    for word in words:
        assert word in result.error


@pytest.mark.parametrize("name, words", [
    ("bomb.docx", ("压缩",)),
    ("lying-bomb.docx", ()),
    ("xml-bomb.xlsx", ("压缩",)),
    ("entities.docx", ("DOCTYPE",)),
    ("encrypted.docx", ("加密",)),
    ("truncated.docx", ()),
    ("truncated.xlsx", ()),
    ("sparse.xlsx", ("单元格",)),
    ("scanned.pdf", ("扫描件",)),
])
def test_hostile_file_is_that_files_error(checker, hostile, name, words):
    assert_error(bounded(checker, hostile[name], name), *words)


def test_docx_named_txt_is_scanned_as_docx(checker):
    result = bounded(checker, small_docx(), "通知.txt")
    assert result.status == "ok" and result.type == "docx"
    assert [f.rule for f in result.findings if f.rule == "T001"] == ["T001"]


def test_deeply_nested_html_is_bounded(checker, hostile):
    result = bounded(checker, hostile["nested.html"], "nested.html")
    if result.status == "error":
        assert_error(result)
    else:
        assert result.type == "html"


def test_streaming_read_stops_at_the_limit_whatever_the_header_says(hostile):
    pkg = Package(hostile["lying-bomb.docx"], Limits(), "docx")
    with pytest.raises(ReadError):
        pkg.read("word/document.xml")
    tight = Limits(max_ratio=10**9, max_part_bytes=8 * 2**20)
    with pytest.raises(ReadError, match="压缩炸弹"):
        Package(hostile["bomb.docx"], tight, "docx").read("word/document.xml")


@pytest.mark.parametrize("doc", [
    BILLION_LAUGHS.replace(b"<!DOCTYPE", b"<!--" + b"x" * 70_000 + b"--><!DOCTYPE", 1),
    b'<!--' + b"x" * 70_000 + b'--><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>',
])
def test_doctype_after_a_long_prolog_is_refused(doc):
    from gkcheck.readers.ooxml import parse_xml

    with pytest.raises(ReadError):
        parse_xml(doc, "word/document.xml")


def test_too_many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<x/>")
        for i in range(50):
            zf.writestr(f"junk/{i}", "")
    with pytest.raises(ReadError, match="部件"):
        Package(out.getvalue(), Limits(max_zip_entries=20), "docx")


def test_cli_exits_2_without_traceback(hostile, tmp_path: Path):
    for name, data in hostile.items():
        (tmp_path / name).write_bytes(data)
    no_ocr = "import sys; sys.modules['rapidocr_onnxruntime'] = None; from gkcheck.surfaces.cli import main; main()"
    proc = subprocess.run([sys.executable, "-c", no_ocr, "scan", str(tmp_path), "--format", "json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    for name in ("bomb.docx", "entities.docx", "encrypted.docx", "scanned.pdf", "truncated.xlsx"):
        assert f"{name}: 无法检查" in proc.stderr
