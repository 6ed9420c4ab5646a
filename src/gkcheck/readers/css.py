"""Why a piece of an HTML page is not seen: the hidden-style rules of the HTML reader.

Only what a page says about itself counts: the ``style`` attribute, the ``hidden`` attribute,
presentational attributes (``<font color>``, ``bgcolor``, ``<marquee height>``, ``<iframe
width>``) and ``<style>`` blocks whose selectors are one simple compound (``.foo``, ``#bar``,
``div``, ``div.foo``, ``p#bar``; combinators, pseudo-classes and ``@media`` blocks are skipped,
external style sheets are not read). An element's :class:`State` is computed from its parent's,
so inheritance works the way a browser's does: ``display:none`` cannot be undone by a
descendant, ``visibility:hidden`` and ``font-size:0`` can.
"""

from __future__ import annotations

import re
from typing import Mapping, NamedTuple

Sheet = dict[str, dict[str, str]]  # "div" / ".foo" / "#bar" / "div.foo" → declarations


class State(NamedTuple):
    """What an element passes on to its content.

    ``reason`` is why text here is not seen (None when it is); ``hard`` a reason no descendant
    can undo (display:none ...); ``font``/``vis`` a tiny font size / visibility:hidden that a
    descendant can undo; ``color``/``background`` the known text and background colours
    (``#rrggbb``); ``noscript`` whether it sits in ``<noscript>`` (shown only when scripts are
    off: its text is checked as visible, its links count as hidden, see :func:`link_reason`).
    """

    reason: str | None = None
    hard: str | None = None
    font: str | None = None
    vis: str | None = None
    color: str | None = None
    background: str | None = None
    noscript: bool = False


VISIBLE = State()

# attributes that may change an element's state; an element with none of them inherits as is
STYLE_ATTRS = frozenset({"style", "class", "id", "hidden", "color", "bgcolor", "width", "height",
                         "scrollamount"})
# tags whose state is decided by the tag itself (or its presentational attributes)
STYLE_TAGS = frozenset({"marquee", "iframe", "frame", "noscript", "template", "font", "body", "html"})
ROOT_TAGS = frozenset({"html", "body"})  # body{display:none} is an anti-clickjacking guard, not hiding

NOSCRIPT = "noscript（仅在浏览器禁用脚本时显示）"
TEMPLATE = "template模板（不显示）"
HIDDEN_ATTR = "hidden属性"

_RELEVANT = frozenset({"display", "visibility", "opacity", "font-size", "overflow", "overflow-x",
                       "overflow-y", "width", "height", "max-width", "max-height", "left", "top",
                       "text-indent", "margin-left", "margin-top", "clip", "color", "background",
                       "background-color", "position", "font"})
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_BRACE = re.compile(r"[{}]")
# a name character beyond ASCII is U+00A0-U+FFFF, written as "not below U+00A0 and not astral":
# the same set, but a class spanning the BMP took 8 ms of every start to compile
_NON_ASCII = r"[^\x00-\x9f\U00010000-\U0010ffff]"
_SIMPLE = re.compile(rf"([a-zA-Z][a-zA-Z0-9]*)?(?:([.#])(-?(?:[_a-zA-Z]|{_NON_ASCII})(?:[-_a-zA-Z0-9]|{_NON_ASCII})*))?")
_LENGTH = re.compile(r"([-+]?(?:\d+\.?\d*|\.\d+))\s*(px|pt|pc|em|rem|ex|ch|cm|mm|q|in|vw|vh|vmin|vmax|%)?")
_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0,
       "cm": 37.8, "mm": 3.78, "q": 0.945, "in": 96.0, "vw": 19.2, "vh": 10.8, "vmin": 10.8, "vmax": 19.2}
_RELATIVE_FONT = ("em", "ex", "ch", "%")
OFFSCREEN_PX = -999.0
TINY_PX = 1.0
MARQUEE_TINY = 5
MARQUEE_FAST = 500


def declarations(style: str) -> dict[str, str]:
    """``"Display: NONE !important; color:#FFF"`` → ``{"display": "none", "color": "#fff"}``,
    keeping only the properties that can hide text."""
    out: dict[str, str] = {}
    for decl in style.split(";"):
        prop, sep, value = decl.partition(":")
        if not sep:
            continue
        prop = prop.strip().lower()
        if prop in _RELEVANT:
            value = value.strip().lower()
            if value.endswith("!important"):
                value = value[:-10].rstrip()
            out[prop] = value
    return out


def parse_stylesheet(css: str, sheet: Sheet | None = None) -> Sheet:
    """Rules of a ``<style>`` block whose selector is one simple compound, merged into ``sheet``
    (later rules win). ``@media``, ``@supports`` ... blocks are skipped."""
    sheet = {} if sheet is None else sheet
    css = _COMMENT.sub(" ", css)
    depth, pos, selector = 0, 0, ""
    for m in _BRACE.finditer(css):
        chunk = css[pos:m.start()]
        pos = m.end()
        if m.group() == "{":
            if depth == 0:
                selector = chunk.strip()
            depth += 1
            continue
        if depth == 1 and selector and not selector.startswith("@"):
            decls = declarations(chunk)
            if decls:
                for sel in selector.split(","):
                    key = simple_key(sel.strip())
                    if key:
                        sheet.setdefault(key, {}).update(decls)
        depth = max(0, depth - 1)
    return sheet


def simple_key(selector: str) -> str | None:
    """``div.Foo`` → ``div.Foo``; ``P`` → ``p``; anything with a combinator or pseudo-class → None."""
    m = _SIMPLE.fullmatch(selector)
    if not m or not selector:
        return None
    tag, kind, name = m.groups()
    return (tag.lower() if tag else "") + ((kind + name) if kind else "")


def element_state(parent: State, tag: str, attrs: Mapping[str, str], sheet: Sheet) -> State:
    """The state of element ``tag`` with (decoded) ``attrs`` under ``parent``."""
    decls: dict[str, str] = {}
    if sheet:
        _from_sheet(decls, sheet, tag, attrs)
    style = attrs.get("style")
    if style:
        decls.update(declarations(style))
    hard = parent.hard
    if tag in ROOT_TAGS:
        hard = None
    elif hard is None:
        hard = _hard_reason(tag, decls, attrs)
    font = parent.font
    size = decls.get("font-size") or _font_shorthand_size(decls.get("font"))
    if size is not None:
        font = _font_reason(size, parent.font)
    vis = parent.vis
    visibility = decls.get("visibility")
    if visibility is not None and tag not in ROOT_TAGS:
        vis = f"visibility:{visibility}" if visibility in ("hidden", "collapse") else None
    color = parent.color
    value = decls.get("color") or (attrs.get("color") if tag == "font" else None)
    if value:
        color = parse_color(value) or color
    background = parent.background
    bg = _background(decls, attrs)
    if bg is not False:
        background = bg
    reason = hard or font or vis
    if reason is None and color is not None and color == background:
        reason = f"文字颜色与背景色相同（{color}）"
    state = State(reason, hard, font, vis, color, background, parent.noscript or tag == "noscript")
    return parent if state == parent else state


def link_reason(state: State) -> str | None:
    """Why a link in an element of ``state`` is not seen by a reader of the page."""
    return state.reason or (NOSCRIPT if state.noscript else None)


def own_reason(tag: str, attrs: Mapping[str, str], sheet: Sheet) -> str | None:
    """Why an element with no content (an ``<img>``, ``<iframe>``) is not seen, by itself."""
    return element_state(VISIBLE, tag, attrs, sheet).reason


def _from_sheet(decls: dict[str, str], sheet: Sheet, tag: str, attrs: Mapping[str, str]) -> None:
    rules = sheet.get(tag)
    if rules:
        decls.update(rules)
    classes = attrs.get("class")
    if classes:
        for name in classes.split():
            for key in ("." + name, tag + "." + name):
                rules = sheet.get(key)
                if rules:
                    decls.update(rules)
    ident = attrs.get("id")
    if ident:
        for key in ("#" + ident, tag + "#" + ident):
            rules = sheet.get(key)
            if rules:
                decls.update(rules)


def _hard_reason(tag: str, decls: dict[str, str], attrs: Mapping[str, str]) -> str | None:
    if tag == "template":
        return TEMPLATE
    if "hidden" in attrs:
        return HIDDEN_ATTR
    display = decls.get("display")
    if display == "none":
        return "display:none"
    opacity = decls.get("opacity")
    if opacity is not None:
        try:
            if float(opacity.rstrip("%")) <= (1.0 if opacity.endswith("%") else 0.01):
                return f"opacity:{opacity}"
        except ValueError:
            pass
    overflow = decls.get("overflow") or decls.get("overflow-y") or decls.get("overflow-x")
    if overflow in ("hidden", "clip"):
        for prop in ("height", "width", "max-height", "max-width"):
            px = to_px(decls.get(prop))
            if px is not None and px <= TINY_PX:
                return f"{prop}:{decls[prop]};overflow:{overflow}"
    for prop in ("left", "top", "text-indent", "margin-left", "margin-top"):
        px = to_px(decls.get(prop))
        if px is not None and px <= OFFSCREEN_PX:
            return f"{prop}:{decls[prop]}（移出可视区域）"
    clip = decls.get("clip")
    if clip and decls.get("position") in ("absolute", "fixed") and \
            re.fullmatch(r"rect\(\s*(?:0|1px)(?:[\s,]+(?:0|1px)){3}\s*\)", clip):
        return f"clip:{clip}"
    if tag == "marquee":
        for prop in ("height", "width"):
            px = to_px(decls.get(prop) or attrs.get(prop))
            if px is not None and px <= MARQUEE_TINY:
                return f"marquee {prop}={px:g}（滚动字幕区域极小）"
        try:
            amount = int((attrs.get("scrollamount") or "0").strip())
        except ValueError:
            amount = 0
        if amount >= MARQUEE_FAST:
            return f"marquee scrollamount={amount}（滚动过快无法看清）"
    if tag in ("iframe", "frame"):
        for prop in ("height", "width"):
            px = to_px(decls.get(prop) or attrs.get(prop))
            if px is not None and px <= TINY_PX:
                return f"{tag} {prop}={px:g}（框架尺寸为0）"
    return None


def _font_reason(size: str, inherited: str | None) -> str | None:
    m = _LENGTH.fullmatch(size)
    if not m:
        return None if size not in ("inherit", "unset") else inherited
    unit = m.group(2)
    if unit in _RELATIVE_FONT:
        return inherited if inherited else (f"font-size:{size}" if float(m.group(1)) <= 0 else None)
    px = float(m.group(1)) * _PX.get(unit, 1.0)
    return f"font-size:{size}" if px <= TINY_PX else None


def _font_shorthand_size(font: str | None) -> str | None:
    if not font:
        return None
    m = re.search(r"(?:^|\s)((?:\d+\.?\d*|\.\d+)(?:px|pt|em|rem|%)?)(?:/\S+)?\s", font + " ")
    return m.group(1) if m else None


def to_px(value: str | None) -> float | None:
    """A CSS length in (roughly) pixels; None for a percentage, ``auto`` or nonsense."""
    if not value:
        return None
    m = _LENGTH.fullmatch(value.strip().lower())
    if not m or m.group(2) == "%":
        return None
    return float(m.group(1)) * _PX[m.group(2)]


def _background(decls: dict[str, str], attrs: Mapping[str, str]) -> str | None | bool:
    """The element's own background colour, None if it has one we cannot know (an image, a
    gradient), False if it says nothing (the parent's shows through)."""
    value = decls.get("background-color")
    if value is None:
        value = decls.get("background")
    if value is None:
        value = attrs.get("bgcolor")
        return (parse_color(value) or False) if value else False
    if "url(" in value or "gradient" in value:
        return None
    for token in re.split(r"\s+(?![^()]*\))", value.strip()):
        color = parse_color(token)
        if color:
            return color
    return False if value in ("transparent", "none", "inherit", "initial") else None


_NAMED = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000",
          "blue": "#0000ff", "yellow": "#ffff00", "gray": "#808080", "grey": "#808080",
          "silver": "#c0c0c0", "navy": "#000080", "maroon": "#800000", "orange": "#ffa500",
          "purple": "#800080", "teal": "#008080", "lime": "#00ff00", "aqua": "#00ffff",
          "fuchsia": "#ff00ff", "olive": "#808000", "whitesmoke": "#f5f5f5", "snow": "#fffafa"}
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*[,\s]\s*(\d{1,3})\s*[,\s]\s*(\d{1,3})\s*(?:[,/]\s*([\d.]+%?)\s*)?\)")


def parse_color(value: str | None) -> str | None:
    """``#FFF``, ``white``, ``rgb(255,255,255)`` → ``#ffffff``; None for anything else
    (including transparent colours)."""
    if not value:
        return None
    v = value.strip().lower()
    if v.startswith("#") or re.fullmatch(r"[0-9a-f]{6}", v):
        h = v.lstrip("#")
        if len(h) in (3, 4) and re.fullmatch(r"[0-9a-f]+", h):
            return "#" + "".join(c * 2 for c in h[:3])
        if len(h) in (6, 8) and re.fullmatch(r"[0-9a-f]+", h):
            return "#" + h[:6]
        return None
    if v in _NAMED:
        return _NAMED[v]
    m = _RGB.fullmatch(v)
    if m:
        alpha = m.group(4)
        if alpha is not None and float(alpha.rstrip("%")) == 0:
            return None
        return "#" + "".join(f"{min(255, int(x)):02x}" for x in m.group(1, 2, 3))
    return None
