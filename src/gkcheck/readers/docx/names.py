"""WordprocessingML names and the small helpers every part of the DOCX reader uses."""

from __future__ import annotations

import re

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
A_HLINK = "{http://schemas.openxmlformats.org/drawingml/2006/main}hlinkClick"
R_IDS = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
         "{http://purl.oclc.org/ooxml/officeDocument/relationships}id")

P, R, T, TBL, TR, TC = W + "p", W + "r", W + "t", W + "tbl", W + "tr", W + "tc"
DELTEXT, INSTR, FLDCHAR, FLDSIMPLE = W + "delText", W + "instrText", W + "fldChar", W + "fldSimple"
INS, DEL, MOVEFROM, MOVETO = W + "ins", W + "del", W + "moveFrom", W + "moveTo"
HYPERLINK, SDT, SDTCONTENT, CUSTOMXML, SMARTTAG = (W + "hyperlink", W + "sdt", W + "sdtContent",
                                                   W + "customXml", W + "smartTag")
RPR, PPR, VANISH, RSTYLE, PSTYLE = W + "rPr", W + "pPr", W + "vanish", W + "rStyle", W + "pStyle"
TXBX, ALTERNATE, CHOICE, FALLBACK = W + "txbxContent", MC + "AlternateContent", MC + "Choice", MC + "Fallback"
COMMENT_START, COMMENT_REF = W + "commentRangeStart", W + "commentReference"
TAB, BR, CR, NBHYPHEN = W + "tab", W + "br", W + "cr", W + "noBreakHyphen"
DRAWING, PICT, OBJECT = W + "drawing", W + "pict", W + "object"
VAL, TYPE, ID = W + "val", W + "type", W + "id"
ALTCHUNK = W + "altChunk"
DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
ALT_TEXT = "图片替代文字"
FORMAT_CHANGES = tuple(W + t for t in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
                                       "trPrChange", "tcPrChange", "numberingChange"))

DELETED, MOVED, VANISHED, COMMENT = "修订：已删除", "修订：已移走", "隐藏文字", "批注"
BODY = "正文"
_REF_LABEL = {"default": "", "first": "首页", "even": "偶数页"}
_OFF = ("0", "false", "off")
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_HYPERLINK_FIELD = re.compile(r"\s*HYPERLINK\b(.*)", re.IGNORECASE | re.DOTALL)
_FIELD_ARG = re.compile(r'\\([A-Za-z])(?:\s+(?:"([^"]*)"|(\S+)))?|"([^"]*)"|(\S+)')
_SWITCHES_WITH_ARG = set("lotm")


def _rid(el: etree._Element) -> str | None:
    for key in R_IDS:
        value = el.get(key)
        if value:
            return value
    return None


def _on(el: etree._Element | None) -> bool:
    return el is not None and (el.get(VAL) or "1").lower() not in _OFF


def _choose(alt: etree._Element) -> etree._Element | None:
    """The branch of mc:AlternateContent to read: the first Choice, else the Fallback (never both)."""
    fallback = None
    for child in alt:
        if child.tag == CHOICE:
            return child
        if child.tag == FALLBACK:
            fallback = child
    return fallback


def _textboxes(el: etree._Element) -> list[etree._Element]:
    """Outermost w:txbxContent under ``el``, skipping the mc:Fallback copy of each drawing."""
    found: list[etree._Element] = []
    if el.tag == ALTERNATE:
        branch = _choose(el)
        if branch is None:
            return found
        el = branch
    stack = [el]
    while stack:
        node = stack.pop()
        for child in reversed(node):
            tag = child.tag
            if tag == TXBX:
                found.append(child)
            elif tag == ALTERNATE:
                branch = _choose(child)
                if branch is not None:
                    stack.append(branch)
            elif isinstance(tag, str):
                stack.append(child)
    found.reverse()
    return found


def field_url(instr: str) -> str | None:
    """The target of a HYPERLINK field code as written (``\\l`` bookmark appended after #)."""
    m = _HYPERLINK_FIELD.match(instr)
    if not m:
        return None
    url = anchor = None
    for sw, sw_q, sw_bare, quoted, bare in _FIELD_ARG.findall(m.group(1)):
        if sw:
            if sw.lower() == "l":
                anchor = sw_q or sw_bare
            continue
        if url is None:
            url = quoted or bare
    if url:
        return url + ("#" + anchor if anchor else "")
    return None
