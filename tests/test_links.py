"""Link checks (L001-L008): a table per decision, documents built by hand, then real files.

The tables drive the pure functions of gkcheck.detectors.links; the engine tests build
Documents directly (so they run without any reader); the file tests read real HTML (UTF-8 and
GBK), DOCX and XLSX files from tmp_path folders and need those readers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from gkcheck import Checker, Config
from gkcheck.detectors.links import admin_reason, nonpublic_reason, parse_target
from gkcheck.model import Document, GkcheckError, Link, Location, Segment

from .conftest import FIXED_TODAY


def _has_reader(name: str) -> bool:
    return importlib.util.find_spec(f"gkcheck.readers.{name}") is not None


needs_html = pytest.mark.skipif(not _has_reader("html"), reason="HTML reader not there yet")


# -- classification by parsing alone ---------------------------------------------------------------

KINDS = [
    ("", "benign"), ("#", "anchor"), ("#top", "anchor"), ("#sec-2", "anchor"),
    ("mailto:xxgk@example.gov.cn", "benign"), ("tel:0797-12345", "benign"), ("sms:12345", "benign"),
    ("javascript:void(0)", "benign"), ("javascript:void(0);", "benign"), ("javascript:;", "benign"),
    ("javascript:", "benign"), ("JavaScript:window.print()", "benign"), ("javascript:print();", "benign"),
    ("javascript:history.back()", "benign"), ("javascript:history.go(-1)", "benign"),
    ("javascript:window.close()", "benign"), ("javascript:window.open('http://192.168.0.9/x')", "web"),
    ("data:image/png;base64,iVBORw0KGgo=", "benign"),
    ("file:///C:/Users/admin/Desktop/a.docx", "local"), ("FILE://server/share/a.pdf", "local"),
    ("C:\\Users\\admin\\a.docx", "local"), ("d:/公开/名单.xlsx", "local"),
    ("\\\\fileserver\\share\\a.pdf", "local"),
    ("http：//www.gov.cn/", "malformed"), ("http//www.gov.cn/", "malformed"),
    ("htp://www.gov.cn/", "malformed"), ("https；//www.gov.cn", "malformed"),
    ("www.jiangxi.gov.cn", "malformed"), ("www.gov.cn/zhengce/", "malformed"),
    ("ganzhou.gov.cn", "malformed"), ("http://www.gov .cn/", "malformed"),
    ("http://www.gov.cn，/", "malformed"), ("http://www.gov.cn:99999/", "malformed"), ("http://", "malformed"),
    ("http://www.gov.cn/", "web"), ("HTTPS://WWW.GOV.CN", "web"), ("//www.gov.cn/a.html", "web"),
    ("http:/www.gov.cn/", "web"), ("http:\\\\www.gov.cn\\", "web"), ("ftp://ftp.example.gov.cn/a.zip", "web"),
    ("https://ganzhou.政务/", "web"),
    ("a.html", "relative"), ("./a.html", "relative"), ("../images/p.jpg", "relative"),
    ("/xxgk/a.html", "relative"), ("?page=2", "relative"), ("images\\p.jpg", "relative"),
    ("附件/名单.xlsx", "relative"), ("index.html#part2", "relative"), ("http/readme.html", "relative"),
]


@pytest.mark.parametrize("url,kind", KINDS)
def test_parse_target(url, kind):
    assert parse_target(url).kind == kind


NONPUBLIC = [
    ("localhost", True), ("app.localhost", True), ("127.0.0.1", True), ("127.1", True),
    ("2130706433", True), ("0x7f.0.0.1", True), ("10.3.2.1", True), ("192.168.1.20", True),
    ("172.16.0.1", True), ("172.31.255.255", True), ("169.254.10.1", True), ("0.0.0.0", True),
    ("100.64.1.1", True), ("::1", True), ("fc00::1", True), ("fe80::1", True), ("::ffff:192.168.1.1", True),
    ("oa", True), ("intranet", True), ("nas.local", True), ("git.internal", True), ("router.lan", True),
    ("172.32.0.1", False), ("172.15.0.1", False), ("8.8.8.8", False), ("www.gov.cn", False),
    ("192.168.gov.cn", False), ("10.example.gov.cn", False), ("localhost.example.com", False),
]


@pytest.mark.parametrize("host,private", NONPUBLIC)
def test_nonpublic_reason(host, private):
    assert (nonpublic_reason(host) is not None) is private


ADMIN = [
    ("/admin/article/edit", "", "", True), ("/cms/manage/list", "", "", True), ("/wcm/app/main.jsp", "", "", True),
    ("/admin.php", "", "", True), ("/content/show", "id=8&preview=true", "", True),
    ("/preview/123.html", "", "", True), ("/a.html", "isPreview=1", "", True), ("/", "", "admin.example.gov.cn", True),
    ("/", "", "preview.example.gov.cn", True), ("/wp-admin/", "", "", True),
    ("/zwgk/administration/", "", "", False), ("/system/2024/01/05/030.shtml", "", "", False),
    ("/admin-notice.html", "", "", False), ("/manage.html", "", "", False), ("/a.html", "previewed=1", "", False),
    ("/", "", "www.admin-service.gov.cn", False), ("/xxgk/management-rules.html", "", "", False),
]


@pytest.mark.parametrize("path,query,host,admin", ADMIN)
def test_admin_reason(path, query, host, admin):
    assert (admin_reason(path, query, host) is not None) is admin


# -- the detector through the engine, on hand-built documents ---------------------------------------

def make_checker(**options) -> Checker:
    config = Config(options=(("links", tuple(options.items())),)) if options else Config()
    return Checker(config.with_overrides(select=("link",)), today=lambda: FIXED_TODAY)


DEFAULT = make_checker()


def link(url: str, text: str = "链接", *, tag: str = "a", hidden: str | None = None, line: int = 1) -> Link:
    return Link(url, text, Location(line=line, column=1), tag, hidden)


def document(*links: Link, path: str = "<page>", type: str = "html",
             anchors: frozenset[str] | None = frozenset()) -> Document:
    return Document(path, type, (Segment("正文", Location(line=1, column=1)),), links=links, anchors=anchors)


def found(doc: Document, checker: Checker = DEFAULT) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity, f.match) for f in checker.check_document(doc)]


HIDING = ["display:none", "visibility:hidden", "font-size:0", "width:0;height:0;overflow:hidden",
          "position:absolute;left:-9999px", "color same as background", "marquee"]


@pytest.mark.parametrize("reason", HIDING)
def test_hidden_external_link_is_a_warning(reason):
    doc = document(link("https://www.some-shop.com/", "网上商城", hidden=reason))
    assert found(doc) == [("L001", "warning", "https://www.some-shop.com/")]


@pytest.mark.parametrize("url,text", [
    ("http://www.xpj888.com/", "娱乐"),                     # spam domain pattern
    ("https://www.some-site.com/", "真人百家乐官网"),        # gambling word in the text
    ("https://www.some-site.com/?q=%E6%88%90%E4%BA%BA%E8%A7%86%E9%A2%91", "点这里"),  # percent-encoded word
    ("https://bocai-888.net/", ""), ("https://www.jinsha-casino.cc/", "在线"),
    ("http://lucky.bet/", ""), ("https://www.some-site.com/", "兼职刷单日结"),
])
def test_hidden_spam_link_is_an_error(url, text):
    doc = document(link(url, text, hidden="display:none"))
    # one finding per 暗链: the L001 already says it points outside, no L006 beside it
    assert [f for f in found(doc) if f[2] == url] == [("L001", "error", url)]


def test_hidden_internal_links_are_info_and_hidden_images_or_anchors_are_not_reported():
    doc = document(link("/xxgk/a.html", "政府信息公开", hidden="display:none"),
                   link("https://www.jiangxi.gov.cn/", "江西省政府", hidden="display:none"),
                   link("#", "展开", hidden="display:none"),
                   link("javascript:void(0)", "更多", hidden="display:none"),
                   link("/images/banner2.jpg", "", tag="img", hidden="display:none"))
    assert found(doc) == [("L001", "info", "/xxgk/a.html"), ("L001", "info", "https://www.jiangxi.gov.cn/")]


def test_hidden_iframe_is_reported():
    doc = document(link("http://www.bocai.xyz/", "", tag="iframe", hidden="width:0;height:0"))
    assert ("L001", "error", "http://www.bocai.xyz/") in found(doc)


def test_visible_links_are_not_hidden_links():
    doc = document(link("https://www.some-shop.com/", "网上商城"))
    assert [r for r, _, _ in found(doc)] == ["L006"]


@pytest.mark.parametrize("url", ["file:///C:/Users/admin/Desktop/a.docx", "C:\\Users\\admin\\a.docx",
                                 "\\\\fileserver\\share\\a.pdf", "e:/公开/名单.xlsx"])
def test_local_paths(url):
    assert found(document(link(url))) == [("L002", "error", url)]


@pytest.mark.parametrize("url", ["http://192.168.1.20:8080/xxgk/1.html", "http://127.0.0.1/", "http://localhost:8080/a",
                                 "https://10.0.0.5/", "http://172.20.1.1/a.pdf", "http://[::1]:8000/",
                                 "http://oa/portal", "http://nas.local/share", "//192.168.0.1/a.jpg"])
def test_private_addresses(url):
    assert found(document(link(url))) == [("L003", "error", url)]


def test_private_image_is_reported_too():
    assert found(document(link("http://192.168.0.3/a.jpg", tag="img"))) == [("L003", "error", "http://192.168.0.3/a.jpg")]


@pytest.mark.parametrize("url", ["http://www.example.gov.cn/admin/article/edit?id=3",
                                 "https://www.example.gov.cn/a.html?preview=1", "/manage/list.jsp",
                                 "http://preview.example.gov.cn/a.html", "../wcm/app/main.jsp"])
def test_admin_and_preview(url):
    assert found(document(link(url))) == [("L004", "warning", url)]


def test_allowlist_default_and_configured():
    links = [link("https://www.gov.cn/"), link("http://www.ganzhou.gov.cn/a.html"), link("https://www.usa.gov/"),
             link("https://www.ganzhou.政务/"), link("https://www.people.com.cn/"), link("https://www.xinhuanet.com/a"),
             link("ftp://ftp.some-mirror.org/a.zip"), link("https://www.people.com.cn/logo.png", tag="img")]
    doc = document(*links)
    assert [m for r, _, m in found(doc) if r == "L006"] == [
        "https://www.people.com.cn/", "https://www.xinhuanet.com/a", "ftp://ftp.some-mirror.org/a.zip"]
    extended = make_checker(**{"extend-allowed-domains": ["people.com.cn", "*.xinhuanet.com"]})
    assert [m for r, _, m in found(doc, extended) if r == "L006"] == ["ftp://ftp.some-mirror.org/a.zip"]
    replaced = make_checker(**{"allowed-domains": ["ganzhou.gov.cn"]})
    assert "https://www.gov.cn/" in [m for r, _, m in found(doc, replaced) if r == "L006"]
    assert "http://www.ganzhou.gov.cn/a.html" not in [m for r, _, m in found(doc, replaced)]


def test_spammy_external_link_is_an_error():
    doc = document(link("https://www.xpj-casino.com/", "优惠活动"))
    assert found(doc) == [("L006", "error", "https://www.xpj-casino.com/")]


BENIGN = ["#", "#top", "#TOP", "mailto:xxgk@example.gov.cn", "tel:12345", "javascript:void(0)",
          "javascript:window.print()", "javascript:history.back()", "javascript:;", "", "#/route", "#!/x"]


def test_benign_links_are_left_alone():
    doc = document(*(link(u) for u in BENIGN))
    assert found(doc) == []


def test_malformed_and_placeholder_addresses():
    urls = ["http：//www.gov.cn/", "www.jiangxi.gov.cn", "htp://www.gov.cn", "https://www.example.com/a",
            "http://test.invalid/"]
    assert found(document(*(link(u) for u in urls))) == [("L007", "error", u) for u in urls]


def test_short_links():
    assert found(document(link("https://t.cn/A6abcdE"))) == [("L006", "warning", "https://t.cn/A6abcdE"),
                                                             ("L008", "info", "https://t.cn/A6abcdE")]


def test_missing_anchor():
    doc = document(link("#part3", line=2), link("#part2"), link("#%E7%AC%AC%E4%B8%89"), link("#第三"),
                   anchors=frozenset({"part2", "第三"}))
    assert found(doc) == [("L005", "warning", "#part3")]


def test_anchors_not_collected_means_not_checked():
    assert found(document(link("#part3"), anchors=None)) == []


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    (tmp_path / "xxgk" / "fj").mkdir(parents=True)
    (tmp_path / "images").mkdir()
    (tmp_path / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    (tmp_path / "xxgk" / "page.html").write_text("<p>正文</p>", encoding="utf-8")
    (tmp_path / "xxgk" / "fj" / "名单 2024.xlsx").write_bytes(b"PK")
    (tmp_path / "images" / "a.jpg").write_bytes(b"\xff\xd8")
    return tmp_path


def test_relative_links_resolved_on_disk(site):
    page = site / "xxgk" / "page.html"
    good = ["fj/名单 2024.xlsx", "fj/%E5%90%8D%E5%8D%95%202024.xlsx", "fj/%C3%FB%B5%A5%202024.xlsx", "../images/a.jpg", "./fj/", "../index.html?x=1",
            "page.html#top", "?page=2", "../images\\a.jpg", "list.jsp?id=3", "/xxgk/nothing.html"]
    bad = ["fj/名单2024.xlsx", "../images/b.jpg", "missing.html#part", "../../outside.html", "fj/sub/"]
    doc = document(*(link(u) for u in good + bad), path=str(page))
    assert found(doc) == [("L005", "error", u) for u in bad]


def test_site_root_checks_root_relative_links(site):
    page = site / "xxgk" / "page.html"
    doc = document(link("/images/a.jpg"), link("/images/b.jpg"), link("../../x.html"), path=str(page))
    checker = make_checker(**{"site-root": str(site)})
    assert found(doc, checker) == [("L005", "error", "/images/b.jpg"), ("L005", "error", "../../x.html")]
    assert found(doc, make_checker(**{"check-relative": False})) == []


def test_relative_links_not_checked_without_a_file_on_disk():
    assert found(document(link("missing.html"), path="page.html")) == []


def test_relative_links_in_office_documents_do_not_work_for_the_public():
    doc = document(link("附件1.docx"), link("#_Toc123"), link("https://www.gov.cn/"), type="docx", anchors=None)
    assert found(doc) == [("L002", "warning", "附件1.docx")]


def test_bad_options_are_errors():
    with pytest.raises(GkcheckError, match="未知选项"):
        make_checker(**{"allowed_domains": ["x.cn"]})
    with pytest.raises(GkcheckError, match="site-root"):
        make_checker(**{"site-root": "/no/such/folder/anywhere"})
    with pytest.raises(GkcheckError, match="timeout"):
        make_checker(**{"check-links": True, "timeout": "slow"})


# -- real files (need the readers) ------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>通知公告</title>
<style>.hide {{ display: none }}</style></head>
<body>
<p id="top">关于开展专项检查的通知</p>
<p><a href="#part2">第二部分</a> <a href="#part9">第九部分</a> <a href="#">更多</a></p>
<p><a href="fj/附件1.docx">附件1</a> <a href="fj/附件2.docx">附件2</a> <a href="../images/a.jpg">图</a></p>
<h2 id="part2">二、工作安排</h2>
<p><a href="http://192.168.1.20/oa/">内网</a> <a href="file:///D:/公开/名单.xlsx">名单</a>
<a href="http://www.example.gov.cn/admin/edit?id=1">后台</a> <a href="https://www.gov.cn/">中国政府网</a>
<a href="https://www.some-shop.com/">商城</a> <a href="mailto:xxgk@example.gov.cn">信箱</a>
<a href="javascript:window.print()">打印</a></p>
<div style="display:none"><a href="http://www.xpj888.com/">真人百家乐</a></div>
<a class="hide" href="https://www.another-shop.com/">购物</a>
<a href="https://www.third-shop.com/" style="font-size:0">广告</a>
</body></html>
"""


def write_page(folder: Path, charset: str) -> Path:
    (folder / "xxgk" / "fj").mkdir(parents=True)
    (folder / "images").mkdir()
    (folder / "xxgk" / "fj" / "附件1.docx").write_bytes(b"PK")
    (folder / "images" / "a.jpg").write_bytes(b"\xff\xd8")
    page = folder / "xxgk" / "notice.html"
    page.write_bytes(PAGE.format(charset=charset).encode("gbk" if charset == "gbk" else "utf-8"))
    return page


@needs_html
@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_real_html_page(tmp_path, charset):
    page = write_page(tmp_path, charset)
    result = make_checker().check_file(page)
    assert result.status == "ok", result.error
    got = {(f.rule, f.severity, f.match) for f in result.findings}
    assert got >= {
        ("L005", "warning", "#part9"), ("L005", "error", "fj/附件2.docx"),
        ("L003", "error", "http://192.168.1.20/oa/"), ("L002", "error", "file:///D:/公开/名单.xlsx"),
        ("L004", "warning", "http://www.example.gov.cn/admin/edit?id=1"),
        ("L006", "warning", "https://www.some-shop.com/"),
        ("L001", "error", "http://www.xpj888.com/"),
        ("L001", "warning", "https://www.another-shop.com/"),
        ("L001", "warning", "https://www.third-shop.com/"),
    }, got
    matches = {m for _, _, m in got}
    assert not matches & {"#part2", "#", "fj/附件1.docx", "../images/a.jpg", "https://www.gov.cn/",
                          "mailto:xxgk@example.gov.cn", "javascript:window.print()"}
    located = [f for f in result.findings if f.match == "#part9"]
    assert located[0].location.line == 6


@pytest.mark.skipif(not _has_reader("docx"), reason="DOCX reader not there yet")
def test_docx_hyperlinks(tmp_path):
    docx = pytest.importorskip("docx")
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document_ = docx.Document()
    for url, text in [("http://192.168.1.5/a.pdf", "内网附件"), ("https://www.gov.cn/", "中国政府网"),
                      ("file:///C:/Users/a/名单.xlsx", "名单"), ("https://www.some-shop.com/", "商城")]:
        paragraph = document_.add_paragraph("详见")
        r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = text
        run.append(t)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)
    path = tmp_path / "通知.docx"
    document_.save(path)
    result = make_checker().check_file(path)
    assert result.status == "ok", result.error
    got = {(f.rule, f.match) for f in result.findings}
    assert got >= {("L003", "http://192.168.1.5/a.pdf"), ("L002", "file:///C:/Users/a/名单.xlsx"),
                   ("L006", "https://www.some-shop.com/")}
    assert not [m for _, m in got if m == "https://www.gov.cn/"]


@pytest.mark.skipif(not _has_reader("xlsx"), reason="XLSX reader not there yet")
def test_xlsx_hyperlinks(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet["A1"] = "链接"
    sheet["A2"] = "内网"
    sheet["A2"].hyperlink = "http://10.1.2.3/list.xlsx"
    sheet["A3"] = "政府网"
    sheet["A3"].hyperlink = "https://www.gov.cn/"
    path = tmp_path / "名单.xlsx"
    book.save(path)
    result = make_checker().check_file(path)
    assert result.status == "ok", result.error
    got = {(f.rule, f.match) for f in result.findings}
    assert ("L003", "http://10.1.2.3/list.xlsx") in got
    assert not [m for _, m in got if m == "https://www.gov.cn/"]


def test_hidden_links_are_a_web_page_matter_only():
    doc = document(link("https://www.some-shop.com/", "商城", hidden="修订删除"), type="docx", anchors=None)
    assert [r for r, _, _ in found(doc)] == ["L006"]


HIDDEN_PAGE = """<html><head><meta charset="utf-8"><style>#ad {{ position: absolute; top: -3000px }}</style></head>
<body style="background:#fff"><p>政务公开</p>
{snippet}
</body></html>"""

TECHNIQUES = [
    '<div style="display:none"><a href="https://www.some-shop.com/">商城</a></div>',
    '<a href="https://www.some-shop.com/" style="visibility:hidden">商城</a>',
    '<span style="font-size:0"><a href="https://www.some-shop.com/">商城</a></span>',
    '<div style="width:0;height:0;overflow:hidden"><a href="https://www.some-shop.com/">商城</a></div>',
    '<div style="position:absolute;left:-9999px"><a href="https://www.some-shop.com/">商城</a></div>',
    '<div id="ad"><a href="https://www.some-shop.com/">商城</a></div>',
    '<a href="https://www.some-shop.com/" style="color:#ffffff">商城</a>',
    '<marquee height="1" width="1"><a href="https://www.some-shop.com/">商城</a></marquee>',
    '<marquee scrollamount="10000"><a href="https://www.some-shop.com/">商城</a></marquee>',
    '<iframe src="https://www.some-shop.com/" width="0" height="0" frameborder="0"></iframe>',
]


@needs_html
@pytest.mark.parametrize("snippet", TECHNIQUES)
def test_each_hiding_technique_in_a_real_page(tmp_path, snippet):
    page = tmp_path / "index.html"
    page.write_text(HIDDEN_PAGE.format(snippet=snippet), encoding="utf-8")
    plain = {(f.rule, f.severity) for f in make_checker().check_file(page).findings}
    assert ("L001", "warning") in plain, plain
    spammy = snippet.replace("https://www.some-shop.com/", "http://www.amjs-888.com/")
    page.write_text(HIDDEN_PAGE.format(snippet=spammy), encoding="utf-8")
    escalated = {(f.rule, f.severity) for f in make_checker().check_file(page).findings}
    assert ("L001", "error") in escalated, escalated


@needs_html
def test_visible_page_has_no_hidden_links(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(HIDDEN_PAGE.format(snippet='<a href="https://www.gov.cn/" style="color:#333">中国政府网</a>'
                                       '<a href="https://www.some-shop.com/">商城</a>'), encoding="utf-8")
    assert [(f.rule, f.match) for f in make_checker().check_file(page).findings] == [
        ("L006", "https://www.some-shop.com/")]


def test_addresses_typed_into_text():
    text = ("第一行。\n请登录http://192.168.10.5:8080/tb/index.jsp填报，或访问https://www.gov.cn/。\n"
            "后台：https://www.example.gov.cn/admin/login（内部使用）；链接 http://10.1.1.1/x.")
    found_ = [(f.rule, f.match, f.location.line) for f in DEFAULT.check_text(text)]
    assert found_ == [("L003", "http://192.168.10.5:8080/tb/index.jsp", 2),
                      ("L004", "https://www.example.gov.cn/admin/login", 3), ("L003", "http://10.1.1.1/x", 3)]


def test_an_address_that_is_also_a_link_is_reported_once():
    doc = Document("<page>", "html", (Segment("http://192.168.0.1/a"),), links=(link("http://192.168.0.1/a"),))
    assert found(doc) == [("L003", "error", "http://192.168.0.1/a")]
