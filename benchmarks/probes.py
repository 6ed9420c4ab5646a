"""The floors gkcheck is measured against, and the in-process API probe, each run as its own process.

    python benchmarks/probes.py ac PATTERNS TEXT      read + decode TEXT, build ahocorasick-rs over
                                                      PATTERNS (one a line), one leftmost-longest pass
    python benchmarks/probes.py calamine XLSX         every cell of every sheet, as text
    python benchmarks/probes.py docx DIR              lxml over word/document.xml, the w:t joined
    python benchmarks/probes.py pdfium DIR            pypdfium2 text layer of every page
    python benchmarks/probes.py lxml-html DIR         lxml.html parse + text_content of every page
    python benchmarks/probes.py api ARTICLE CALLS     Checker.check_text latency, JSON on stdout
    python benchmarks/probes.py openpyxl|python-docx|pdfminer|pypdf PATH
                                                      the usual readers, for compare_engines.py

Each floor does the least work that still reads all of the text, prints one count (so nothing is
optimised away) and imports only its own library: it is what the same job costs with no checks.
This file imports nothing from the benchmarks package, so a probe's start-up is its own.
"""

from __future__ import annotations

import json
import sys
import time
import zipfile
from pathlib import Path


def ac(patterns_path: str, text_path: str) -> int:
    import ahocorasick_rs

    text = Path(text_path).read_bytes().decode("utf-8")
    patterns = Path(patterns_path).read_text("utf-8").split("\n")[:-1]
    automaton = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    return len(automaton.find_matches_as_indexes(text, overlapping=False))


def calamine(path: str) -> int:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(path)
    chars = 0
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).to_python():
            for value in row:
                if value != "":
                    chars += len(str(value))
    return chars


W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def docx(folder: str) -> int:
    from lxml import etree

    chars = 0
    for path in sorted(Path(folder).glob("*.docx")):
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("word/document.xml"))
        chars += len("".join(el.text or "" for el in root.iter(W_T)))
    return chars


def pdfium(folder: str) -> int:
    import pypdfium2

    chars = 0
    for path in sorted(Path(folder).glob("*.pdf")):
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            for page in pdf:
                chars += len(page.get_textpage().get_text_range())
        finally:
            pdf.close()
    return chars


def lxml_html(folder: str) -> int:
    import lxml.html

    chars = 0
    for path in sorted(Path(folder).glob("*.html")):
        chars += len(lxml.html.fromstring(path.read_bytes()).text_content())
    return chars


# -- the usual libraries the floors were chosen over (benchmarks/compare_engines.py) -------------

def openpyxl_cells(path: str) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    chars = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value is not None and value != "":
                    chars += len(str(value))
    workbook.close()
    return chars


def python_docx(folder: str) -> int:
    import docx as python_docx_module

    chars = 0
    for path in sorted(Path(folder).glob("*.docx")):
        document = python_docx_module.Document(str(path))
        chars += len("".join(p.text for p in document.paragraphs))
        for table in document.tables:
            for row in table.rows:
                chars += len("".join(cell.text for cell in row.cells))
    return chars


def pdfminer(folder: str) -> int:
    from pdfminer.high_level import extract_text

    return sum(len(extract_text(str(path))) for path in sorted(Path(folder).glob("*.pdf")))


def pypdf(folder: str) -> int:
    from pypdf import PdfReader

    return sum(len(page.extract_text() or "") for path in sorted(Path(folder).glob("*.pdf"))
               for page in PdfReader(str(path)).pages)


def api(article_path: str, calls: str) -> dict[str, float]:
    """check_text on one article: build the Checker, warm up, then time each call."""
    from gkcheck import Checker

    text = Path(article_path).read_text("utf-8")
    checker = Checker()
    findings = 0
    for _ in range(20):
        findings = len(checker.check_text(text))
    times = []
    for _ in range(int(calls)):
        t0 = time.perf_counter()
        checker.check_text(text)
        times.append(time.perf_counter() - t0)
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, round(p / 100 * (len(times) - 1)))] * 1000

    return {"p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": times[-1] * 1000,
            "calls": len(times), "chars": len(text), "findings": findings}


def olefile_doc(folder: str) -> int:
    """The .doc floor: open each compound file and read its WordDocument and table streams
    (all the bytes the text is in, without decoding them)."""
    import olefile

    size = 0
    for path in sorted(Path(folder).glob("*.doc")):
        with olefile.OleFileIO(str(path)) as ole:
            for name in ("WordDocument", "1Table", "0Table"):
                if ole.exists(name):
                    size += len(ole.openstream(name).read())
    return size


PROBES = {"olefile-doc": olefile_doc, "ac": ac, "calamine": calamine, "docx": docx, "pdfium": pdfium, "lxml-html": lxml_html, "api": api,
          "openpyxl": openpyxl_cells, "python-docx": python_docx, "pdfminer": pdfminer, "pypdf": pypdf}

if __name__ == "__main__":
    name, *args = sys.argv[1:]
    result = PROBES[name](*args)
    print(json.dumps(result) if isinstance(result, dict) else result)
