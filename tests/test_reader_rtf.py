"""RTF as Word and WPS write Chinese text by hand-written samples of the syntax (the LibreOffice
files are in test_reader_legacy.py): GBK bytes by font charset, \\uN with fallbacks, hidden and
deleted text, tables, \\bin data."""

from __future__ import annotations

from gkcheck.readers import read


def _hex(text: str) -> str:
    return "".join(f"\\'{b:02x}" for b in text.encode("gbk"))


def test_gbk_bytes_unicode_fallbacks_and_hidden_text() -> None:
    rtf = ("{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}{\\f1\\fswiss\\fcharset0 Arial;}}"
           "{\\info{\\author " + _hex("赵六") + "}{\\creatim\\yr2024\\mo3\\dy5}}"
           "\\pard\\f0 " + _hex("联系电话") + " 13912345678\\par "
           "\\uc2\\u25104\\'b3\\'c9\\u21151\\'b9\\'a6\\par "
           "{\\v " + _hex("隐藏") + "}" + _hex("可见") + "{\\deleted " + _hex("删除") + "}\\par "
           "{\\*\\unknowndest " + _hex("不读") + "}{\\pict\\bin4 \x00\x01\x02\x03}" + _hex("结尾") + "\\par}")
    doc = read(rtf.encode("latin-1"), "a.rtf")
    texts = [(s.text, s.base.paragraph, s.base.hidden) for s in doc.segments]
    assert texts == [("联系电话 13912345678", 1, None), ("成功", 2, None), ("可见", 3, None),
                     ("隐藏", 3, "隐藏文字"), ("删除", 3, "修订：已删除"), ("结尾", 4, None)]
    assert doc.meta == {"created": "2024-03-05"}
    assert [f.value for f in doc.facts if f.kind == "creator"] == ["赵六"]


def test_table_cells_and_rows() -> None:
    cells = "".join(f"\\pard\\intbl {_hex(t)}\\cell " for t in ("姓名", "电话"))
    row2 = "".join(f"\\pard\\intbl {t}\\cell " for t in ("a", "13912345678"))
    rtf = "{\\rtf1\\ansi\\ansicpg936 \\trowd\\cellx1000\\cellx2000 " + cells + "\\row " + "\\trowd " + row2 + \
          "\\row \\pard " + _hex("表后") + "\\par}"
    doc = read(rtf.encode("latin-1"), "t.rtf")
    assert len(doc.tables) == 1
    grid = [[doc.segments[i].text for i in row] for row in doc.tables[0].cells]
    assert grid == [["姓名", "电话"], ["a", "13912345678"]]
    assert doc.segments[doc.tables[0].cells[1][1]].base.row == 2
    assert doc.segments[-1].text == "表后"
