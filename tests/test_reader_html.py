"""The HTML reader: real pages written to disk in UTF-8 and GBK, read back, and located to the
line and column an editor sees in the page source."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkcheck import Checker
from gkcheck.readers import Limits, ReadError, read
from gkcheck.readers.css import parse_color, parse_stylesheet
from gkcheck.readers.html import declared_charset, read_html

REPO = Path(__file__).resolve().parent.parent


def doc_of(page: str, encoding: str = "utf-8", name: str = "page.html"):
    return read(page.encode(encoding), name)


def texts(doc, **where) -> list[str]:
    """Texts of the segments whose attributes (kind, name) or base location fields match."""
    out = []
    for s in doc.segments:
        if all((getattr(s, k) if k in ("kind", "name") else getattr(s.base, k)) == v for k, v in where.items()):
            out.append(s.text)
    return out


def position(doc, word: str) -> tuple[int, int]:
    for s in doc.segments:
        at = s.text.find(word)
        if at >= 0:
            loc = s.locate(at)
            return loc.line, loc.column
    raise AssertionError(f"{word} not in {[s.text for s in doc.segments]}")


ARTICLE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>关于开展专项检查的通知</title>
</head>
<body>
<div class="content">
  <p>　　各乡（镇）：</p>
  <p>　　今年以来，<span class="hl">截止</span>目前全县共完成检查
     120次。</p>
</div>
</body></html>
"""


# -- text, lines and columns --------------------------------------------------------------------

@pytest.mark.parametrize("charset", ["utf-8", "gbk", "gb2312"])
def test_finding_has_the_source_line_and_column(tmp_path, charset):
    page = tmp_path / "notice.html"
    page.write_bytes(ARTICLE.format(charset=charset).encode("utf-8" if charset == "utf-8" else "gbk"))
    result = Checker().check_file(page)
    assert result.status == "ok", result.error
    hit = [f for f in result.findings if f.match == "截止目前"]
    assert len(hit) == 1
    # line 9: `  <p>　　今年以来，<span class="hl">截止</span>目前` - 截 is character 30 of the line
    line9 = ARTICLE.split("\n")[8]
    assert (hit[0].location.line, hit[0].location.column) == (9, line9.index("截止") + 1) == (9, 30)
    assert result.encoding == ("utf-8" if charset == "utf-8" else "gb18030")


def test_block_joins_inline_tags_and_cjk_line_breaks():
    doc = doc_of(ARTICLE.format(charset="utf-8"))
    body = texts(doc, kind="text", part=None)
    assert "　　今年以来，截止目前全县共完成检查 120次。" in body   # 查 and 1: not both CJK
    assert position(doc, "120次") == (10, 6)        # after a CJK line break the anchors still hold
    assert position(doc, "目前") == (9, 39)
    assert texts(doc, part="title") == ["关于开展专项检查的通知"]


def test_white_space_entities_and_breaks():
    page = ("<p>Open   Government\n  Data &amp; 政务&nbsp;公开 &lt;b&gt; &#x5F00;放</p>\n"
            "<p>第一行<br>第二行<br/>\n第三行</p>\n<pre>  a\n   b</pre>\n<p>中文 English\n中文</p>")
    doc = doc_of(page)
    assert texts(doc) == ["Open Government Data & 政务 公开 <b> 开放", "第一行\n第二行\n第三行",
                          "  a\n   b", "中文 English 中文"]
    seg = doc.segments[0]

    def at(word):
        loc = seg.locate(seg.text.index(word))
        return loc.line, loc.column

    assert at("Government") == (1, 11) and at("Data") == (2, 3)
    assert at("政务") == (2, 14)
    assert at("公开") == (2, 22)        # after the six characters of &nbsp;
    assert at("开放") == (2, 35)        # the reference &#x5F00; starts there
    assert position(doc, "第三行") == (4, 1)


def test_blocks_are_segments_and_script_style_are_not_text():
    page = ("<html><head><script>var a = '<p>截止目前</p>';</script><style>p{color:red}</style></head>"
            "<body><div>前言<p>正文一</p>正文二<ul><li>甲</li><li>乙</ul></div>"
            "<textarea>留言 内容</textarea><noembed>旧</noembed><iframe src='a.html'>不支持框架</iframe></body></html>")
    doc = doc_of(page)
    assert texts(doc, hidden=None) == ["前言", "正文一", "正文二", "甲", "乙", "留言 内容"]
    # a script's string literal is read, as text a script may show (issue 12, docs/formats.md)
    assert texts(doc, hidden="脚本中的文字（脚本运行时才可能显示）") == ["截止目前"]


def test_malformed_markup_is_text_or_ignored():
    page = "<p>3 < 5 且 a<b</p><p>未闭合<!-- 注释没有结束 张三"
    doc = doc_of(page)
    assert texts(doc, hidden=None) == ["3 < 5 且 a", "未闭合"]
    assert texts(doc, hidden="HTML注释") == ["注释没有结束 张三"]


@pytest.mark.parametrize("page, expected", [
    ("<b><p>截止</b>目前</p>", [("截止目前", None)]),                       # formatting end tag: p goes on
    ("<p>截止</div>目前</p>", [("截止目前", None)]),                         # stray block end tag ignored
    ("<p>a<div>b</div>c</p>", [("a", None), ("b", None), ("c", None)]),     # <div> closes the open <p>
    ('<span style="display:none"><p>x</span>y</p>z', [("xy", "display:none"), ("z", "display:none")]),
    ("<ul><li>一<li>二</ul><dl><dt>甲<dd>乙</dl>", [("一", None), ("二", None), ("甲", None), ("乙", None)]),
    ("<table><tr><td>a<br>b</td><td> </td><td>c</table>", [("a\nb", None), ("c", None)]),
])
def test_misnested_and_implied_tags_group_like_a_browser(page, expected):
    assert [(s.text, s.base.hidden) for s in doc_of(page).segments] == expected


def test_bom_and_crlf(tmp_path):
    page = "\ufeff<p>截止目前</p>\r\n<p>第二行截止目前</p>"
    doc = read(page.encode("utf-8"), "a.html")
    assert position(doc, "截止") == (1, 4)
    assert doc.segments[1].locate(3).column == 7 and doc.segments[1].locate(3).line == 2


# -- encodings ----------------------------------------------------------------------------------

def test_gbk_page_without_charset_is_detected(tmp_path):
    page = ("<html><head><title>信丰县人民政府</title></head><body>"
            "<p>为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》规定，现将有关事项通知如下。</p>"
            "<p>截止目前，全县共主动公开政府信息五千余条。</p></body></html>")
    path = tmp_path / "old.htm"
    path.write_bytes(page.encode("gbk"))
    doc = read(path.read_bytes(), str(path))
    assert doc.encoding == "gb18030"
    assert "截止目前，全县共主动公开政府信息五千余条。" in texts(doc)
    assert [f.match for f in Checker().check_file(path).findings if f.rule == "T001"] == ["截止目前"]


def test_declared_charset_forms():
    assert declared_charset(b'<meta charset="GBK">') == "GBK"
    assert declared_charset(b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=gb2312'>") == "gb2312"
    assert declared_charset(b'<?xml version="1.0" encoding="GB18030"?><html>') == "GB18030"
    assert declared_charset(b"<p>" + b" " * 5000 + b'<meta charset="gbk">') is None
    # a page that says UTF-8 but is GBK is still read (the declaration lies, detection decides)
    doc = read('<meta charset="utf-8"><p>政务公开工作要点，截止目前已完成。</p>'.encode("gbk"), "a.html")
    assert "政务公开工作要点，截止目前已完成。" in texts(doc)


def test_undecodable_page_is_a_read_error():
    with pytest.raises(ReadError, match="编码"):
        read_html(b"\xff\xfe" + b"\x00\xd8" * 3, "a.html", Limits())  # UTF-16 BOM, lone surrogates


# -- metadata and attributes -------------------------------------------------------------------

META_PAGE = """<html><head>
<meta charset="utf-8">
<meta name="SiteName" content="赣州市人民政府">
<meta name="PubDate" content="2024-02-24 09:30">
<meta name="ColumnName" content="通知公告">
<meta name="keywords" content="政务公开,月报">
<meta name="viewport" content="width=device-width">
<meta property="og:title" content="月报 &amp; 通报">
<meta name="Description" content="">
</head><body><img src="a.png" alt="统计图：各县（市、区）信息发布数量"><a href="/" title="返回 首页">首页</a>
<abbr title="政府网站发展指引">指引</abbr><link rel="stylesheet" href="a.css" title="默认样式"></body></html>"""


def test_meta_tags_are_metadata_and_segments():
    doc = doc_of(META_PAGE)
    assert doc.meta["SiteName"] == "赣州市人民政府"
    assert doc.meta["PubDate"] == doc.meta["pubdate"] == "2024-02-24 09:30"
    assert doc.meta["viewport"] == "width=device-width" and doc.meta["og:title"] == "月报 & 通报"
    assert doc.meta["Description"] == ""
    metas = {s.name: s for s in doc.segments if s.kind == "meta"}
    assert set(metas) == {"SiteName", "PubDate", "ColumnName", "keywords"}
    assert (metas["SiteName"].base.line, metas["SiteName"].base.column) == (3, 32)
    assert Checker().context_for(doc, None).doc_date.isoformat() == "2024-02-24"


def test_alt_and_title_attributes_are_segments():
    doc = doc_of(META_PAGE)
    attrs = {(s.name, s.text) for s in doc.segments if s.kind == "attr"}
    assert attrs == {("alt", "统计图：各县（市、区）信息发布数量"), ("title", "返回 首页"), ("title", "政府网站发展指引")}
    alt = next(s for s in doc.segments if s.name == "alt")
    assert (alt.base.line, alt.base.column) == (10, 36)


# -- hidden places -----------------------------------------------------------------------------

@pytest.mark.parametrize("markup, reason", [
    ('<div style="display:none">', "display:none"),
    ('<div style="DISPLAY: NONE !important">', "display:none"),
    ('<div style="visibility:hidden">', "visibility:hidden"),
    ('<div style="font-size:0px">', "font-size:0px"),
    ('<div style="font-size:0">', "font-size:0"),
    ('<div style="height:0;overflow:hidden">', "height:0;overflow:hidden"),
    ('<div style="width:1px;height:1px;overflow:hidden">', "height:1px;overflow:hidden"),
    ('<div style="position:absolute;left:-9999px">', "left:-9999px（移出可视区域）"),
    ('<div style="position:absolute;top:-2000px">', "top:-2000px（移出可视区域）"),
    ('<div style="text-indent:-99em">', "text-indent:-99em（移出可视区域）"),
    ('<div style="opacity:0">', "opacity:0"),
    ('<div hidden>', "hidden属性"),
    ('<div style="color:#FFF;background:#ffffff">', "文字颜色与背景色相同（#ffffff）"),
    ('<div style="background-color:white"><font color="#ffffff">', "文字颜色与背景色相同（#ffffff）"),
    ('<div class="x">', "display:none"),
    ('<div id="y">', "visibility:hidden"),
    ('<div class="a z">', "font-size:1px"),
    ('<marquee height="1" width="2">', "marquee height=1（滚动字幕区域极小）"),
    ('<marquee scrollamount="3000">', "marquee scrollamount=3000（滚动过快无法看清）"),
    ('<template>', "template模板（不显示）"),
])
def test_hidden_elements_are_flagged_with_a_reason(markup, reason):
    tag = markup[1:].split()[0].rstrip(">")
    page = (f"<style>.x{{display:none}} #y{{visibility:hidden}} div.z{{font-size:1px}}</style>"
            f"<p>正文</p>{markup}<span>博彩广告</span> 文字</{tag}><p>后文</p>")
    doc = doc_of(page)
    assert texts(doc, hidden=reason) == ["博彩广告 文字"]
    assert texts(doc, hidden=None) == ["正文", "后文"]


@pytest.mark.parametrize("markup", [
    '<div style="display:block">', '<div style="width:0;height:0">', '<div style="left:-10px">',
    '<div style="color:#fff">', '<div style="color:#fff;background:#fff url(bg.png)">',
    '<div class="m">', '<div class="d">', '<div class="p">', '<div style="font-size:12px">',
    '<marquee height="30" scrollamount="3">', '<div aria-hidden="true">',
])
def test_visible_look_alikes_are_not_flagged(markup):
    css = ("<style>@media print{.m{display:none}} .nav .d{display:none} .p:hover{display:none}"
           " .m{color:red}</style>")
    doc = doc_of(f"{css}{markup}<span>文字</span></div>")
    assert texts(doc, hidden=None) == ["文字"]


def test_descendants_can_undo_font_size_and_visibility_but_not_display():
    page = ('<ul style="font-size:0"><li style="font-size:14px">导航</li><li>空</li></ul>'
            '<div style="visibility:hidden"><p style="visibility:visible">看得见</p><p>看不见</p></div>'
            '<div style="display:none"><p style="display:block">仍不可见</p></div>'
            '<div style="font-size:0"><span style="font-size:2em">相对单位仍为0</span></div>')
    doc = doc_of(page)
    assert [(s.text, s.base.hidden) for s in doc.segments] == [
        ("导航", None), ("空", "font-size:0"), ("看得见", None), ("看不见", "visibility:hidden"),
        ("仍不可见", "display:none"), ("相对单位仍为0", "font-size:0")]


def test_body_display_none_is_an_anti_clickjacking_guard():
    page = '<style>body{display:none !important}</style><body style="display:none"><p>正文</p></body>'
    assert texts(doc_of(page), hidden=None) == ["正文"]


def test_hidden_text_and_visible_text_of_one_block_stay_apart():
    doc = doc_of('<p>截止<span style="display:none">博彩</span>目前</p>')
    assert [(s.text, s.base.hidden) for s in doc.segments] == [("截止目前", None), ("博彩", "display:none")]


def test_comments_are_hidden_segments():
    page = ("<html><head><!--[if lt IE 9]><script src='html5.js'></script><![endif]--></head><body>\n"
            "<!-- 头部 -->\n<p>公示</p>\n<!--\n  原始名单：张三 13800138000\n-->\n<!----></body></html>")
    doc = doc_of(page)
    comments = [(s.text, s.base.line, s.base.column) for s in doc.segments if s.base.hidden == "HTML注释"]
    assert comments == [("头部", 2, 6), ("原始名单：张三 13800138000", 5, 3)]


# -- links --------------------------------------------------------------------------------------

LINKS = """<html><head><link rel="stylesheet" href="/css/a.css"><script src="/js/a.js"></script>
<meta http-equiv="refresh" content="30; URL='http://www.example.com/new.html'"></head><body>
<p><a href="/xxgk/a.html?x=1&amp;y=2">政府信息
   公开</a> <a href="#top"><img src="i.png" alt="回到顶部"></a> <a name="top"></a></p>
<div style="display:none"><a href="http://www.xpj888.com/" title="t">真人<b>百家乐</b></a>
  <script src="https://s4.cnzz.com/z_stat.php?id=1"></script><img src="/x.gif"></div>
<a class="h" href="https://www.another-shop.com/">购物</a>
<noscript><a href="/nojs.html">无脚本版</a></noscript>
<iframe src="http://www.ads.com/x.html" width="0" height="0"></iframe>
<form action="/search.jsp"><select onchange="location=this.value"><option value="http://www.gov.cn/">中国政府网</option>
<option value="0">请选择</option></select></form>
<map><area href="/map.html" alt="地图"></map><embed src="a.swf">
</body></html>"""


def test_links_with_text_location_tag_and_hidden_reason():
    doc = doc_of("<style>.h{visibility:hidden}</style>" + LINKS)
    got = [(ln.url, ln.text, ln.tag, ln.hidden, ln.location.line) for ln in doc.links]
    assert got == [
        ("/css/a.css", "", "link", None, 1),
        ("/js/a.js", "", "script", None, 1),
        ("http://www.example.com/new.html", "", "meta", None, 2),
        ("/xxgk/a.html?x=1&y=2", "政府信息公开", "a", None, 3),
        ("#top", "回到顶部", "a", None, 4),
        ("i.png", "回到顶部", "img", None, 4),
        ("http://www.xpj888.com/", "真人百家乐", "a", "display:none", 5),
        ("https://s4.cnzz.com/z_stat.php?id=1", "", "script", None, 6),
        ("/x.gif", "", "img", "display:none", 6),
        ("https://www.another-shop.com/", "购物", "a", "visibility:hidden", 7),
        ("/nojs.html", "无脚本版", "a", "noscript（仅在浏览器禁用脚本时显示）", 8),
        ("http://www.ads.com/x.html", "", "iframe", "iframe height=0（框架尺寸为0）", 9),
        ("/search.jsp", "", "form", None, 10),
        ("http://www.gov.cn/", "中国政府网", "option", None, 10),
        ("/map.html", "地图", "area", None, 12),
        ("a.swf", "", "embed", None, 12),
    ]
    first = doc.links[3]
    assert first.location.column == 13                    # where the address is written
    assert doc.links[6].location.hidden == "display:none"
    assert doc.anchors == frozenset({"top"})
    around = doc_of('<a href="/x"><div>标题</div><p>摘要</p></a><a href="/y"><b>一</p>二</a>三')
    assert [ln.text for ln in around.links] == ["标题 摘要", "一 二"]   # </p> alone is an empty paragraph
    assert "无脚本版" in texts(doc, hidden=None)           # noscript text is still checked


def test_links_written_by_a_script():
    page = ("<style>.yc{position:absolute;left:-5000px}</style>\n"
            "<script>document.write('<div style=\"display:none\"><a href=\"http://www.xpj888.com/\">真人<b>百家乐<\\/b><\\/a></div>');"
            "</script>\n<script>document.writeln(\"<p class=\\\"yc\\\"><a href='http://www.bet-cn.com'>bet</a></p>\");</script>\n"
            "<script>menu.innerHTML = '<a href=\"/xxgk/\">信息公开</a>';</script>"
            "<script>var a = '<a href=\"/never-written\">x</a>';</script>")
    got = [(ln.url, ln.text, ln.hidden, ln.location.line) for ln in doc_of(page).links]
    assert got == [("http://www.xpj888.com/", "真人百家乐", "脚本写入的隐藏内容（display:none）", 2),
                   ("http://www.bet-cn.com", "bet", "脚本写入的隐藏内容（left:-5000px（移出可视区域））", 3),
                   ("/xxgk/", "信息公开", None, 4)]


def test_commented_out_style_does_not_hide():
    doc = doc_of("<!-- <style>.z{display:none}</style> --><p class=z>可见</p>")
    assert texts(doc, hidden=None) == ["可见"]


def test_real_link_findings_from_a_page(tmp_path):
    page = tmp_path / "p.html"
    page.write_text('<p id="a">正文</p><div style="display:none"><a href="http://www.xpj888.com/">真人百家乐</a></div>'
                    '<a href="#b">缺失锚点</a>', encoding="utf-8")
    got = {(f.rule, f.match) for f in Checker().check_file(page).findings}
    assert {("L001", "http://www.xpj888.com/"), ("L005", "#b"), ("S001", "真人百家乐")} <= got


# -- tables -------------------------------------------------------------------------------------

TABLE = """<table>
<tr><th>姓名</th><th colspan="2">联系方式</th></tr>
<tr><td rowspan="2">张三</td><td>手机</td><td>138****0000</td></tr>
<tr><td>固话</td><td>0797-8123456</td></tr>
<tr style="display:none"><td>李四</td><td>手机</td><td>13900000000</td></tr>
<tr><td><p>备注一</p><p>备注二</p></td><td></td><td>末行
</table>
<table><tr><td>外层<table><tr><td>内层</td></tr></table>外层续</td></tr></table>"""


def test_tables_have_cells_rows_and_columns():
    doc = doc_of(TABLE)
    first, outer, inner = doc.tables[0], doc.tables[1], doc.tables[2]
    assert [t.ref for t in doc.tables] == ["表格1", "表格2", "表格3"]
    segs = doc.segments

    def grid(table):
        return [[segs[i].text if i >= 0 else None for i in row] for row in table.cells]

    assert grid(first) == [["姓名", "联系方式", "联系方式"], ["张三", "手机", "138****0000"],
                           ["张三", "固话", "0797-8123456"], ["李四", "手机", "13900000000"],
                           ["备注一", None, "末行"]]
    phone = segs[first.cells[2][2]]
    assert (phone.kind, phone.base.row, phone.base.col, phone.base.line) == ("cell", 3, 3, 4)
    assert first.hidden_rows == frozenset({3})
    assert segs[first.cells[3][0]].base.hidden == "隐藏行：display:none"
    note = segs[first.cells[4][0]]     # two paragraphs: a layout cell, plain text segments
    assert (note.kind, note.base.row) == ("text", None)
    assert grid(inner) == [["内层"]] and grid(outer) == [["外层"]]
    assert "外层续" in texts(doc)


def test_hidden_table_rows_are_reported_once(tmp_path):
    path = tmp_path / "t.html"
    path.write_text(TABLE, encoding="utf-8")
    found = [f for f in Checker().check_file(path).findings if f.category == "hidden"]
    assert [f.rule for f in found] in ([], ["H002"])   # rows/columns rule, never also H005 for them


def test_spans_are_clamped():
    page = "<table>" + "<tr><td colspan=100000 rowspan=99999>x</td></tr>" * 3 + "</table>"
    doc = doc_of(page)
    cells = doc.tables[0].cells
    assert len(cells) == 3 and sum(map(len, cells)) <= 3 * 1001
    page = "<table>" + "<tr><td>x</td></tr>" * 5000 + "<tr><td colspan=1000>y</td></tr></table>"
    cells = doc_of(page).tables[0].cells   # 5001 x 1000 would be too big: rows keep their own cells
    assert len(cells) == 5001 and sum(map(len, cells)) == 5001


# -- safety and speed --------------------------------------------------------------------------

@pytest.mark.parametrize("page", [
    "<div>" * 100_000 + "截止目前" + "</div>" * 100_000,
    "<span>" * 100_000 + "截止目前" + "</span>" * 100_000,
    "<table><tr><td>" * 20_000 + "截止目前",
    "<div>" * 100_000 + "截止目前" + "</p>" * 100_000,
])
def test_deep_nesting_is_read_in_bounded_time(page):
    start = time.perf_counter()
    findings = Checker().check_text(page, filename="deep.html")
    assert time.perf_counter() - start < 10
    assert [f.match for f in findings if f.rule == "T001"] == ["截止目前"]


@pytest.mark.parametrize("page", [
    "<p>" + "<a " * 100_000, '<a x="' * 50_000 + ">", "<!x" * 100_000, "</a" * 100_000 + ">",
    "<!--" * 100_000, "&" * 300_000, "x<br>" * 50_000, "<style>" + ".a{" * 50_000 + "</style>",
    "<style>" * 100_000, "<!--x-->" * 20_000 + "<style>.a{}</style>" * 20_000, "<title>" * 100_000,
    "<script>document.write('" + "<a href=x>" * 30_000 + "')</script>",
])
def test_hostile_markup_is_read_in_bounded_time(page):
    start = time.perf_counter()
    read(page.encode(), "x.html")
    assert time.perf_counter() - start < 5


def test_depth_limit_keeps_text():
    page = "<div>" * 50 + "<p>深处</p>" + "</div>" * 50 + "<p>后文</p>"
    doc = read(page.encode(), "a.html", Limits(max_depth=10))
    assert texts(doc) == ["深处", "后文"]


def test_check_text_with_an_html_file_name():
    findings = Checker().check_text("<p>本县<b>截止</b>目前已完成</p>", filename="x.html")
    assert [(f.rule, f.match, f.location.line, f.location.column) for f in findings] == [("T001", "截止目前", 1, 9)]
    plain = Checker().check_text("<p>本县<b>截止</b>目前已完成</p>")
    assert not [f for f in plain if f.match == "截止目前"]


PIECES = ["<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<span style='display:none'>", "</span>", "<td>",
          "<tr>", "<table>", "</table>", "截止", "目前", "\n  ", " ", "&nbsp;", "&amp;", "&#x5F00;", "&copy2024",
          "<br>", "<!-- 注释 -->", "<a href='x'>", "</a>", "<pre>", "</pre>", "<script>x<y</script>",
          "<title>标题&lt;</title>", "<img alt='图 片' title=\"t&amp;t\">", "<", ">", "&", "a b", "\t", "<li>",
          "<!--", "\xa0", "\r\n", "<meta name=Keywords content='关键 词'>", "<textarea>文本\n框</textarea>",
          "<font color=white><div style='background:#fff'>", "<marquee height=1>", "\ufeff"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_every_character_points_at_its_source(pieces):
    """Whatever the markup, each character of each segment is located where it is written (a
    reference at its "&", white space at white space)."""
    page = "".join(pieces)
    doc = read(page.encode("utf-8"), "f.html")
    src = page
    for _ in range(2):  # the byte-order mark, then a U+FEFF the decoder left (dropped as the masker does)
        src = src[1:] if src.startswith("\ufeff") else src
    lines = src.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for seg in doc.segments:
        for offset, char in enumerate(seg.text):
            loc = seg.locate(offset)
            line = lines[loc.line - 1] + "\n"
            assert 1 <= loc.column <= len(line)
            written = line[loc.column - 1]
            assert written in (char, "&") or char in " \n" or (written, char) == ("\xa0", " ")


# -- helpers and examples -----------------------------------------------------------------------

def test_css_helpers():
    assert parse_color("#FFF") == parse_color("white") == parse_color("rgb(255, 255, 255)") == "#ffffff"
    assert parse_color("rgba(0,0,0,0)") is None and parse_color("transparent") is None
    sheet = parse_stylesheet("/* .a{display:none} */ .b, #c {display:none} div > .d {display:none}"
                             " @media (max-width:600px) { .e {display:none} } P.F{visibility:hidden}")
    assert set(sheet) == {".b", "#c", "p.F"}


def test_bundled_examples(tmp_path):
    checker = Checker()
    found = {}
    for page in sorted((REPO / "examples").glob("*.html")):
        result = checker.check_file(page)
        assert result.status == "ok", result.error
        found[page.name] = {(f.rule, f.match) for f in result.findings}
    gbk = found["xinfeng-notice-2024-gbk.html"]
    assert {("T001", "截止目前"), ("E004", "县工商局"), ("L001", "http://www.xpj-88888.com/"),
            ("S001", "真人百家乐")} <= gbk
    utf8 = found["ganzhou-monthly-2024-01.html"]
    assert {("T001", "截止目前"), ("D001", "2月30日"), ("L001", "https://www.bocai-zx.com/"),
            ("L005", "#part3")} <= utf8
