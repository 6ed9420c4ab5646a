"""Real .doc/.xls/.rtf/.wps/.et files for the reader tests, made by LibreOffice from sources built
here: a flat OpenDocument text (FODT, written below: the one source format in which footnotes,
endnotes, comments, text boxes, hidden text and tracked changes can all be written by hand)
and an openpyxl workbook. LibreOffice runs once per session (one soffice call for all
conversions) into a temporary folder; tests that need it are marked slow and skip when
``soffice`` is not installed (.ci/run installs it).

What each file holds is listed in ``DOC_PLACES``/``XLS_PLACES`` so the tests can assert every
value is found at its place.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path
from typing import Callable

# value planted in each place of the text document → (where the reader must locate it)
ID_BODY, ID_TABLE, ID_HEADER, ID_FOOTER = "110101199003077774", "11010119900307803X", "440301198001010018", "440301198001010050"
PHONE_FOOT, PHONE_END, PHONE_NOTE, PHONE_BOX = "13912345678", "13812345678", "13712345678", "13612345678"
PHONE_HIDDEN, PHONE_DELETED, PHONE_INSERTED = "13512345678", "13412345678", "13312345678"
TYPO = "截止目前"   # → 截至目前
BAD_DATE = "2023年2月30日"   # D001 impossible date

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
# the opening of a flat OpenDocument text with every namespace the sources here use
FODT_OPEN = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="{_TEXT}"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">"""
FODT = FODT_OPEN + f"""
 <office:meta><meta:initial-creator>赵六</meta:initial-creator><dc:creator>钱七</dc:creator>
  <dc:title>公示</dc:title></office:meta>
 <office:automatic-styles>
  <style:style style:name="Hid" style:family="text"><style:text-properties text:display="none"/></style:style>
  <style:style style:name="fr1" style:family="graphic"/>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard">
   <style:header><text:p>页眉 {ID_HEADER}</text:p></style:header>
   <style:footer><text:p>页脚 {ID_FOOTER}</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
  <text:tracked-changes>
   <text:changed-region text:id="ct1"><text:deletion><office:change-info><dc:creator>孙八</dc:creator>
    <dc:date>2024-01-01T00:00:00</dc:date></office:change-info><text:p>删除的电话 {PHONE_DELETED}</text:p></text:deletion></text:changed-region>
   <text:changed-region text:id="ct2"><text:insertion><office:change-info><dc:creator>孙八</dc:creator>
    <dc:date>2024-01-01T00:00:00</dc:date></office:change-info></text:insertion></text:changed-region>
  </text:tracked-changes>
  <text:p>第一段：正文身份证号 {ID_BODY}，{TYPO}已完成。</text:p>
  <text:p>第二段：会议定于{BAD_DATE}召开<text:note text:note-class="footnote" text:id="n1"><text:note-citation>1</text:note-citation><text:note-body><text:p>脚注电话 {PHONE_FOOT}</text:p></text:note-body></text:note>。<text:note text:note-class="endnote" text:id="n2"><text:note-citation>i</text:note-citation><text:note-body><text:p>尾注电话 {PHONE_END}</text:p></text:note-body></text:note></text:p>
  <text:p>第三段有批注<office:annotation><dc:creator>周九</dc:creator><dc:date>2024-01-01T00:00:00</dc:date><text:p>批注电话 {PHONE_NOTE}</text:p></office:annotation>。</text:p>
  <text:p>第四段<text:span text:style-name="Hid">隐藏电话 {PHONE_HIDDEN}</text:span>结束。</text:p>
  <text:p>第五段修订<text:change text:change-id="ct1"/>和<text:change-start text:change-id="ct2"/>插入电话 {PHONE_INSERTED}<text:change-end text:change-id="ct2"/>。</text:p>
  <text:p>第六段<text:a xlink:type="simple" xlink:href="http://www.example.gov.cn/gk/">政府信息公开</text:a>。</text:p>
  <text:p><draw:frame draw:style-name="fr1" draw:name="框1" text:anchor-type="paragraph" svg:width="6cm" svg:height="2cm"><draw:text-box><text:p>文本框电话 {PHONE_BOX}</text:p></draw:text-box></draw:frame>第七段</text:p>
  <table:table table:name="名单"><table:table-column table:number-columns-repeated="3"/>
   <table:table-row><table:table-cell><text:p>姓名</text:p></table:table-cell><table:table-cell><text:p>身份证号</text:p></table:table-cell><table:table-cell><text:p>备注</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>张三</text:p></table:table-cell><table:table-cell><text:p>{ID_TABLE}</text:p></table:table-cell><table:table-cell/></table:table-row>
  </table:table>
  <text:p>结尾段</text:p>
 </office:text></office:body>
</office:document>
"""


def build_sources(folder: Path) -> dict[str, Path]:
    """The source documents LibreOffice converts: ``notice.fodt`` and ``list.xlsx``."""
    import openpyxl
    from openpyxl.comments import Comment

    folder.mkdir(parents=True, exist_ok=True)
    fodt = folder / "notice.fodt"
    fodt.write_text(FODT, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "身份证号", "联系电话", "日期"])
    ws.append(["张三", ID_BODY, PHONE_FOOT, BAD_DATE])
    ws.append(["李四", ID_TABLE, PHONE_END, "2020年1月1日"])
    ws.append(["王五", ID_HEADER, PHONE_BOX, TYPO])
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["C"].hidden = True
    ws["A2"].comment = Comment(f"备注电话 {PHONE_NOTE}", "周九")
    hidden = wb.create_sheet("备用")
    hidden.append(["身份证", ID_FOOTER])
    hidden.sheet_state = "hidden"
    xlsx = folder / "list.xlsx"
    wb.save(xlsx)
    return {"fodt": fodt, "xlsx": xlsx}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def build_once(base: Path, build: Callable[[Path], None]) -> Path:
    """``base/out`` after ``build(base/out)`` ran once per test run: the first xdist worker builds
    under a lock, the others wait for it and reuse the files."""
    base.mkdir(exist_ok=True)
    out = base / "out"
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / ".done").exists():
            build(out)
            (out / ".done").write_text("ok")
    return out


def convert(sources: list[tuple[Path, str]], out: Path, timeout: int = 240) -> None:
    """One soffice run per target format (LibreOffice takes one --convert-to per call), each over
    every source that goes to that format."""
    exe = soffice()
    assert exe, "LibreOffice (soffice) is not installed"
    out.mkdir(parents=True, exist_ok=True)
    by_target: dict[str, list[str]] = {}
    for path, target in sources:
        by_target.setdefault(target, []).append(str(path))
    profile = out / "lo-profile"
    for target, paths in by_target.items():
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", str(out), *paths],
                       check=True, capture_output=True, timeout=timeout)
