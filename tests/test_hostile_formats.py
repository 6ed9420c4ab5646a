"""Hostile and broken files for the readers of issue 14 (.doc/.xls/.wps/.et, RTF, PPTX, OFD, zip):
each ends as that file's error with a Chinese message, within the time and memory bounds of
tests/test_hostile.py, and nothing raises. Compound files are forged with tests/cfb_writer.py."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from tests.cfb_writer import biff_filepass, make_cfb, word_stream
from tests.ofd_files import make_ofd
from tests.test_hostile import BILLION_LAUGHS, assert_error, bounded, replace_part, zeros_part
from tests.test_reader_pptx import make_deck

BOMB_MB = 60   # over the 200:1 ratio and the 1 MB floor: refused before it is inflated
DOC = {"WordDocument": word_stream(0), "1Table": b""}


@pytest.mark.parametrize("name, data, words", [
    ("encrypted.doc", make_cfb({"WordDocument": word_stream(0x0100), "1Table": b""}), ("加密",)),
    ("obfuscated.wps", make_cfb({"WordDocument": word_stream(0x8000), "1Table": b""}), ("加密",)),
    ("encrypted.xls", make_cfb({"Workbook": biff_filepass()}), ("加密",)),
    ("encrypted.et", make_cfb({"Workbook": biff_filepass()}), ("加密",)),
    ("encrypted.docx", make_cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"x"}), ("加密",)),
    ("huge-stream.doc", make_cfb(DOC, sizes={"WordDocument": 2**31}), ("超过文件本身",)),
    ("cyclic.doc", make_cfb({"WordDocument": word_stream(0) * 8, "1Table": b""}, cyclic="WordDocument",
                            sizes={"WordDocument": 9000}), ()),
    ("fat-claims.doc", make_cfb(DOC, fat_claims=10**6), ()),
    ("no-text.doc", make_cfb(DOC), ("损坏",)),
    ("no-table.doc", make_cfb({"WordDocument": word_stream(0)}), ("1Table",)),
    ("empty.xls", make_cfb({"Workbook": b""}), ("XLS",)),
    ("binary.ppt", make_cfb({"PowerPoint Document": b"x"}), ("PowerPoint",)),
    ("other.doc", make_cfb({"Foo": b"x"}), ("OLE",)),
    ("truncated.doc", make_cfb(DOC)[:1500], ("截断",)),
    ("nested.rtf", b"{\\rtf1 " + b"{" * 200_000 + b"}" * 200_000 + b"}", ("嵌套",)),
    ("bin.rtf", b"{\\rtf1 text\\bin999999 abc}", ("截断",)),
    ("truncated.rtf", b"{\\rtf1\\ansi {\\b text", ("截断",)),
    ("not.rtf", b"{\\rtx1 }", ()),
])
def test_forged_file_is_that_files_error(checker, name, data, words) -> None:
    assert_error(bounded(checker, data, name), *words)


@pytest.fixture(scope="module")
def packages() -> dict[str, bytes]:
    deck = make_deck()
    ofd = make_ofd([["正文"]])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # a zip member marked encrypted (traditional PKWARE flag)
        z.writestr("a.txt", b"x" * 100)
    encrypted = bytearray(buf.getvalue())
    encrypted[6] |= 1
    cd = encrypted.rfind(b"PK\x01\x02")
    encrypted[cd + 8] |= 1
    return {
        "bomb.pptx": replace_part(deck, "ppt/slides/slide1.xml", zeros_part("ppt/slides/slide1.xml", BOMB_MB)),
        "entities.pptx": replace_part(deck, "ppt/slides/slide1.xml",
                                      lambda dst: dst.writestr("ppt/slides/slide1.xml", BILLION_LAUGHS)),
        "truncated.pptx": deck[: len(deck) // 2],
        "no-slide.pptx": replace_part(deck, "ppt/slides/slide2.xml", lambda dst: None),
        "bomb.ofd": replace_part(ofd, "Doc_0/Pages/Page_0/Content.xml",
                                 zeros_part("Doc_0/Pages/Page_0/Content.xml", BOMB_MB)),
        "entities.ofd": replace_part(ofd, "Doc_0/Document.xml",
                                     lambda dst: dst.writestr("Doc_0/Document.xml", BILLION_LAUGHS)),
        "truncated.ofd": ofd[: len(ofd) // 2],
        "no-root.ofd": replace_part(ofd, "OFD.xml", lambda dst: dst.writestr(
            "OFD.xml", b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody/></ofd:OFD>')),
        "truncated.zip": _zip_of({"a.txt": random.Random(0).randbytes(5000)})[:2000],
        "encrypted.zip": bytes(encrypted),
    }


def _zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return buf.getvalue()


@pytest.mark.parametrize("name, words", [
    ("bomb.pptx", ("压缩",)), ("entities.pptx", ("DOCTYPE",)), ("truncated.pptx", ()), ("no-slide.pptx", ("幻灯片",)),
    ("bomb.ofd", ("压缩",)), ("entities.ofd", ("DOCTYPE",)), ("truncated.ofd", ()), ("no-root.ofd", ("DocRoot",)),
    ("truncated.zip", ()), ("encrypted.zip", ("加密",)),
])
def test_hostile_package_is_that_files_error(checker, packages, name, words) -> None:
    assert_error(bounded(checker, packages[name], name), *words)


def test_zip_of_zips_bomb_stays_in_the_budget(checker) -> None:
    """Ten copies of a zip that inflates to 60 MB each: alone within limits only through the
    ratio check; the tree as a whole never inflates more than max_unzipped_bytes."""
    inner = _zip_of({f"{i}.txt": b"\0" * (900 * 1024) for i in range(3)})
    data = _zip_of({f"{k}.zip": inner for k in range(10)})
    results = checker.check_bytes_all(data, "many.zip")
    assert all(r.status in ("ok", "error") for r in results)
    assert len(results) <= 1 + 10 + 30


@pytest.mark.slow
@pytest.mark.parametrize("name", ["notice.doc", "list.xls", "notice.rtf"])
def test_damaged_real_files_end_as_errors_or_are_read(checker, legacy_files, name) -> None:
    """Real files cut short or with random bytes changed: an error with a Chinese message, or a
    complete reading; never an exception, never the checker's catch-all for reader bugs."""
    data = legacy_files[name].read_bytes()
    rnd = random.Random(14)
    variants = [data[: len(data) * k // 5] for k in (1, 2, 3, 4)]
    for _ in range(60):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 12)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        variants.append(bytes(b))
    for i, blob in enumerate(variants):
        result = checker.check_bytes(blob, name)
        if result.status == "error":
            assert_error(result)
            assert not result.error.startswith("无法读取文件（"), (i, result.error)
        if i < 2:  # cut to a fifth or two fifths: never read as complete
            assert result.status == "error", (i, result)
