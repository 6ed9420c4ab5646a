"""The HTML reader's vocabulary: markup patterns, element sets and small text helpers."""

from __future__ import annotations

import html
import re
from functools import lru_cache

_WS = "\t\n\f\r "
_MARKUP = re.compile(r"""
<(?:
   !--(?:-?>|(?P<comment>.*?)--!?>|(?P<open_comment>.*))
  |/(?P<end>[A-Za-z][^\t\n\f\r />]*)[^>]*>
  |(?P<start>[A-Za-z][^\t\n\f\r />]*)
   (?P<attrs>(?:[\t\n\f\r /]++
              |[^\t\n\f\r />][^\t\n\f\r />=]*+
               (?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >]*+))?+
             )*+)
   >
  |(?P<bogus>[!?][^>]*|/[^A-Za-z>][^>]*)>   # <!DOCTYPE>, <![CDATA[..]]>, <?xml?>, </#..>: bogus comments
)""", re.S | re.X)
_ATTR = re.compile(r"""([^\t\n\f\r />][^\t\n\f\r />=]*)"""
                   r"""(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]*)))?""")
_SPECIAL = re.compile(r"[&\t\n\f\r ]")
_PIECE = re.compile(r"[\t\n\f\r ]+|&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_WS_RUN = re.compile(r"[\t\n\f\r ]+")
_ATTR_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;)")
# East Asian wide characters: a line break between two of them is not a space (CSS Text 3)
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]")
_STYLE_OPEN = re.compile(r"<style\b([^>]*)>", re.I)
_STYLE_CLOSE = re.compile(r"</style[\t\n\f\r ]*>", re.I)
_COMMENT_SPAN = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_MEDIA = re.compile(r"""media\s*=\s*["']?\s*([^"'>]*)""", re.I)
_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?\s*([^'"\s][^'"]*)""", re.I)
_WRITES_HTML = re.compile(r"document\s*\.\s*write(?:ln)?\s*\(|\.innerHTML\s*\+?=|insertAdjacentHTML", re.I)
_SCRIPT_LINK = re.compile(r"""<a\b[^<>]*?\bhref\s*=\s*\\?["']?([^"'\\\s>]+)[^<>]*>(.{0,500}?)<\\?/a\s*>""", re.I | re.S)
_SCRIPT_HIDING = re.compile(r"""\b(style|class)\s*=\s*\\?["']([^"'\\]*)""", re.I)
_TAG = re.compile(r"<[^<>]*>")
_CONDITIONAL = re.compile(r"\s*\[if\b|\s*<!\[endif\]|.*<!\[endif\]\s*$", re.S)

VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
                  "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"})
SKIPPED = frozenset({"script", "style", "iframe", "noembed", "noframes"})  # content not shown
RCDATA = frozenset({"title", "textarea", "xmp", "plaintext"})  # content is text, not markup
BLOCK = frozenset("""address article aside blockquote body button caption center dd details dialog
    dir div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head header
    hgroup hr html iframe legend li listing main marquee menu nav ol optgroup option p plaintext
    pre section select summary table tbody td textarea tfoot th thead tr ul xmp""".split())
P_CLOSERS = frozenset("""address article aside blockquote center details dialog dir div dl dd dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li listing main
    menu nav ol p plaintext pre section summary table ul xmp""".split())
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SCOPE = frozenset({"table", "td", "th", "caption", "marquee", "object", "applet", "template",
                   "html", "button"})
IMPLIES_END = P_CLOSERS | HEADINGS | {"li", "dd", "dt", "a", "td", "th", "tr", "tbody", "thead", "tfoot",
                                      "option", "optgroup"}
FORMATTING = frozenset({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike",
                        "strong", "tt", "u"})
SPECIAL = BLOCK | {"applet", "object", "noscript", "template", "image"}
TABLE_PARTS = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot", "caption"})
NOT_SHOWN = frozenset({"html", "head", "meta", "link", "style", "script", "base", "title",
                       "noscript", "template"})
LINK_ATTRS = {"a": "href", "area": "href", "link": "href", "script": "src", "img": "src",
              "iframe": "src", "frame": "src", "embed": "src", "source": "src", "video": "src",
              "audio": "src", "track": "src", "input": "src", "object": "data", "form": "action"}
FORM_TAGS = frozenset({"input", "textarea", "option", "optgroup", "button"})  # text in attributes
DATA_ATTRS = {"object": "data", "embed": "src", "iframe": "src", "frame": "src"}  # data: documents
UNSEEN_LINK_TAGS = frozenset({"link", "script", "meta"})  # never displayed: never 暗链
# 《政府网站发展指引》 page metadata, plus keywords/description: checked as text
GUIDE_METAS = frozenset(name.lower() for name in (
    "SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ColumnDescription",
    "ColumnKeywords", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author",
    "Description", "Image", "Url"))
COMMENT = "HTML注释"
HIDDEN_ROW = "隐藏行："
MAX_SPAN = 1000            # colspan/rowspan are clamped to this (as browsers clamp colspan)
MAX_GRID = 1_000_000       # grid positions a page's tables may cover before spans are ignored
MAX_LINK_PARTS = 64        # text nodes that name one link
MAX_LINK_TEXT = 200        # characters of a link's text

_NONE, _SPACE, _NL_SPACE, _BREAK = 0, 1, 2, 3
_LINK, _CELL, _TABLE, _PRE = 1, 2, 3, 4
_ON_CLOSE = {"a": _LINK, "option": _LINK, "td": _CELL, "th": _CELL, "table": _TABLE, "pre": _PRE,
             "listing": _PRE}
Attr = tuple[str, int, int]  # decoded value, start and end of the raw value in the source


def unescape_attr(value: str) -> str:
    """An attribute value as the browser reads it: references decoded, but a named one only
    when it ends in ``;`` (``?a=1&copy=2`` stays as written)."""
    if "&" not in value:
        return value
    return _ATTR_ENTITY.sub(lambda m: html.unescape(m.group()), value)


_WIDE_BREAK = re.compile(r"(?<=" + _WIDE.pattern + r")[\t\f\r ]*\n[\t\n\f\r ]*(?=" + _WIDE.pattern + ")")


def clean_text(text: str) -> str:
    """Decoded text with white space collapsed as in a segment (used for link text)."""
    text = html.unescape(text).replace("\xa0", " ")
    return _WS_RUN.sub(" ", _WIDE_BREAK.sub("", text)).strip(_WS)


@lru_cache(maxsize=None)
def _raw_end(tag: str) -> re.Pattern[str]:
    return re.compile(r"</" + tag + r"(?=[\t\n\f\r />])[^>]*>", re.I)


def _span(item: Attr | None) -> int:
    if not item:
        return 1
    m = re.match(r"[\t\n\f\r ]*(\d+)", item[0])
    return min(MAX_SPAN, max(1, int(m.group(1)))) if m else 1
