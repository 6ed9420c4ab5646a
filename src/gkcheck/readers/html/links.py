"""HTML links, metadata and text-bearing attributes (alt, title, ``<meta>``)."""

from __future__ import annotations

import re

from ..css import VISIBLE, State, element_state, link_reason
from .syntax import (_REFRESH_URL, _SCRIPT_HIDING, _SCRIPT_LINK, _TAG, _WS, GUIDE_METAS, LINK_ATTRS,
                     MAX_LINK_TEXT, NOT_SHOWN, UNSEEN_LINK_TAGS, Attr, clean_text)


class LinksMixin:
    """The link and attribute part of :class:`~.reader.Reader`."""

    def script_links(self, body: str, pos: int, state: State) -> None:
        """Links a script writes into the page (``document.write('<a href=...>')``), a common way
        to plant 暗链; hidden when the written markup hides them (or the script sits hidden)."""
        reason = link_reason(state)
        if reason is None:
            for m in _SCRIPT_HIDING.finditer(body):
                name = "style" if m.group(1).lower() == "style" else "class"
                found = element_state(VISIBLE, "div", {name: m.group(2)}, self.sheet).reason
                if found:
                    reason = f"脚本写入的隐藏内容（{found}）"
                    break
        for m in _SCRIPT_LINK.finditer(body):
            url = m.group(1).replace("\\/", "/")
            text = clean_text(_TAG.sub("", m.group(2).replace("\\/", "/")))[:MAX_LINK_TEXT]
            self.links.append([url, [text], self.location(pos + m.start(1), hidden=reason), "a", reason, ""])

    def attr_segments(self, tag: str, attrs: dict[str, Attr], state: State) -> None:
        if tag in NOT_SHOWN:
            return
        for name in ("alt", "title"):
            item = attrs.get(name)
            if item and item[0].strip(_WS):
                _, at, end = item
                self.lone_segment(self.src[at:end], at, kind="attr", name=name, part=f"{name}属性",
                                  hidden=state.reason)

    def meta_tag(self, attrs: dict[str, Attr]) -> None:
        key_item = attrs.get("name") or attrs.get("property")
        content = attrs.get("content")
        if content is None:
            return
        value, at, end = content
        if key_item and key_item[0].strip():
            key = key_item[0].strip()
            self.meta.setdefault(key, value)
            if key.lower() != key:
                self.meta.setdefault(key.lower(), value)
            if key.lower() in GUIDE_METAS and value.strip(_WS):
                self.lone_segment(self.src[at:end], at, kind="meta", name=key, part=f"meta {key}")
        equiv = attrs.get("http-equiv")
        if equiv and equiv[0].strip().lower() == "refresh":
            m = _REFRESH_URL.search(value)
            if m:
                url = m.group(1).strip()
                self.links.append([url, [], self.location(at + m.start(1)), "meta", None, ""])

    def link_tag(self, tag: str, attrs: dict[str, Attr], state: State) -> int:
        """Record the link a tag makes, if any; returns its index or -1."""
        if tag == "option":
            item = attrs.get("value")
            if not item or not re.match(r"[\t\n\f\r ]*(?:https?:)?//", item[0], re.I):
                return -1
        elif tag == "input" and attrs.get("type", ("",))[0].strip().lower() != "image":
            return -1
        else:
            item = attrs.get(LINK_ATTRS[tag])
        if item is None or not item[0].strip(_WS):
            return -1
        url, at, _ = item
        hidden = None if tag in UNSEEN_LINK_TAGS else link_reason(state)
        fallback = ""
        for key in ("alt", "title", "aria-label"):
            if attrs.get(key) and attrs[key][0].strip():
                fallback = clean_text(attrs[key][0])
                break
        if tag == "img" and self.open_link >= 0 and not self.links[self.open_link][5]:
            self.links[self.open_link][5] = fallback  # an image link is named by its alt text
        self.links.append([url, [], self.location(at, hidden=hidden), tag, hidden, fallback])
        return len(self.links) - 1
