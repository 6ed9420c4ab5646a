"""A small OFD writer for the tests, following GB/T 33190-2016: ``OFD.xml`` (DocBody with DocInfo
and DocRoot), ``Doc_0/Document.xml`` (CommonData, Pages, Annotations, Attachments),
``Doc_0/Pages/Page_N/Content.xml`` (Layer → TextObject → TextCode), ``Doc_0/Annots/...`` and
``Doc_0/Attachs/...``. No OFD writer is packaged for Python, so the tests build the package
the standard describes; the reader must not rely on anything this writer does that the
standard does not say (text objects are written per character and out of order on purpose).
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"


def _xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'.encode("utf-8")


def _text_objects(lines: list[str], start_id: int, per_char: bool) -> tuple[str, int]:
    objs: list[str] = []
    oid = start_id
    for k, line in enumerate(lines):
        y = 20 + k * 8
        if per_char:
            pieces = [(i, ch) for i, ch in enumerate(line)]
            pieces.reverse()  # out of order on purpose: the reader must sort by position
        else:
            pieces = [(0, line)]
        for i, text in pieces:
            oid += 1
            objs.append(f'<ofd:TextObject ID="{oid}" Boundary="{20 + i * 4} {y} {max(4, 4 * len(text))} 6" '
                        f'Font="1" Size="3.5"><ofd:TextCode X="0" Y="4">{escape(text)}</ofd:TextCode>'
                        f'</ofd:TextObject>')
    return "".join(objs), oid


def make_ofd(pages: list[list[str]], *, author: str = "", created: str = "", modified: str = "",
             title: str = "", remarks: dict[int, str] | None = None, stamp_text: dict[int, str] | None = None,
             links: dict[int, str] | None = None, attachments: dict[str, bytes] | None = None,
             per_char: bool = True) -> bytes:
    """An OFD package: ``pages`` lines of text per page; annotation remarks/stamp text and link
    annotations by page number (1-based); attachments by file name."""
    remarks, stamp_text, links, attachments = remarks or {}, stamp_text or {}, links or {}, attachments or {}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = "".join(f"<ofd:{tag}>{escape(v)}</ofd:{tag}>" for tag, v in
                       (("DocID", "0123456789abcdef"), ("Title", title), ("Author", author),
                        ("CreationDate", created), ("ModDate", modified), ("Creator", "gkcheck-tests"))
                       if v)
        z.writestr("OFD.xml", _xml(f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
                                   f'<ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                                   f'</ofd:DocBody></ofd:OFD>'))
        page_refs = "".join(f'<ofd:Page ID="{100 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
        annots = '<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>' if (remarks or stamp_text or links) else ""
        attach = '<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>' if attachments else ""
        z.writestr("Doc_0/Document.xml", _xml(
            f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>9999</ofd:MaxUnitID>'
            f'<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
            f'<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages>'
            f'{annots}{attach}</ofd:Document>'))
        z.writestr("Doc_0/PublicRes.xml", _xml(
            f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/>'
            f'</ofd:Fonts></ofd:Res>'))
        oid = 1000
        for n, lines in enumerate(pages):
            objs, oid = _text_objects(lines, oid, per_char)
            z.writestr(f"Doc_0/Pages/Page_{n}/Content.xml", _xml(
                f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{oid + 1}">{objs}</ofd:Layer>'
                f'</ofd:Content></ofd:Page>'))
            oid += 1
        if annots:
            pages_with = sorted(set(remarks) | set(stamp_text) | set(links))
            z.writestr("Doc_0/Annots/Annotations.xml", _xml(
                f'<ofd:Annotations xmlns:ofd="{NS}">' + "".join(
                    f'<ofd:Page PageID="{100 + p - 1}"><ofd:FileLoc>Page_{p - 1}/Annotation.xml</ofd:FileLoc></ofd:Page>'
                    for p in pages_with) + '</ofd:Annotations>'))
            for p in pages_with:
                parts = []
                if p in remarks:
                    oid += 1
                    parts.append(f'<ofd:Annot ID="{oid}" Type="Highlight" Creator="editor" LastModDate="2024-01-01">'
                                 f'<ofd:Remark>{escape(remarks[p])}</ofd:Remark><ofd:Appearance Boundary="0 0 10 10"/>'
                                 f'</ofd:Annot>')
                if p in stamp_text:
                    objs, oid = _text_objects([stamp_text[p]], oid, False)
                    parts.append(f'<ofd:Annot ID="{oid + 1}" Type="Stamp" Creator="editor" LastModDate="2024-01-01">'
                                 f'<ofd:Appearance Boundary="100 200 60 20">{objs}</ofd:Appearance></ofd:Annot>')
                    oid += 1
                if p in links:
                    oid += 1
                    parts.append(f'<ofd:Annot ID="{oid}" Type="Link" Creator="editor" LastModDate="2024-01-01">'
                                 f'<ofd:Parameters><ofd:Parameter Name="Link">1</ofd:Parameter></ofd:Parameters>'
                                 f'<ofd:Appearance Boundary="0 0 10 10"><ofd:Actions><ofd:Action Event="CLICK">'
                                 f'<ofd:URI URI="{escape(links[p])}"/></ofd:Action></ofd:Actions></ofd:Appearance>'
                                 f'</ofd:Annot>')
                z.writestr(f"Doc_0/Annots/Page_{p - 1}/Annotation.xml", _xml(
                    f'<ofd:PageAnnot xmlns:ofd="{NS}">{"".join(parts)}</ofd:PageAnnot>'))
        if attachments:
            items = []
            for i, (name, blob) in enumerate(attachments.items()):
                stem, _, ext = name.rpartition(".")
                items.append(f'<ofd:Attachment ID="{i + 1}" Name="{escape(stem)}" Format="{escape(ext)}" '
                             f'CreationDate="2024-01-01T00:00:00" Size="{len(blob) / 1024:.2f}">'
                             f'<ofd:FileLoc>{escape(name)}</ofd:FileLoc></ofd:Attachment>')
                z.writestr(f"Doc_0/Attachs/{name}", blob)
            z.writestr("Doc_0/Attachs/Attachments.xml", _xml(
                f'<ofd:Attachments xmlns:ofd="{NS}">{"".join(items)}</ofd:Attachments>'))
    return buf.getvalue()
