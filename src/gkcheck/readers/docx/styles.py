"""Which paragraph and run styles hide text (``w:vanish``), read from the styles part."""

from __future__ import annotations

import re

from ..ooxml import Package, parse_xml
from .names import RPR, VAL, VANISH, W, _on


_STYLES_SEEN: dict[tuple[object, ...], frozenset[str]] = {}  # fingerprint → hidden style ids
_STYLES_SEEN_MAX = 64


def _hidden_styles(pkg: Package, name: str) -> frozenset[str]:
    """Style ids whose run properties hide text (w:vanish), following w:basedOn; remembered per
    styles part (byte for byte), since a batch of notices from one template shares one."""
    key = pkg.fingerprint(name) if name else None
    if key is not None and key in _STYLES_SEEN:
        return _STYLES_SEEN[key]
    hidden = _read_hidden_styles(pkg, name)
    if key is not None:
        if len(_STYLES_SEEN) >= _STYLES_SEEN_MAX:
            _STYLES_SEEN.clear()  # atomic, so safe when the server reads in threads
        _STYLES_SEEN[key] = hidden
    return hidden


def _read_hidden_styles(pkg: Package, name: str) -> frozenset[str]:
    data = pkg.read(name) if name else None
    if data is None:
        return frozenset()
    reduced = _styles_that_matter(data)
    if reduced == b"":
        return frozenset()
    root = parse_xml(reduced or data, name)
    based: dict[str, str] = {}
    own: dict[str, bool] = {}
    for style in root.iter(W + "style"):
        sid = style.get(W + "styleId")
        if not sid:
            continue
        parent = style.find(W + "basedOn")
        if parent is not None and parent.get(VAL):
            based[sid] = parent.get(VAL)  # type: ignore[assignment]
        rpr = style.find(RPR)
        vanish = rpr.find(VANISH) if rpr is not None else None
        if vanish is not None:
            own[sid] = _on(vanish)
    hidden = set()
    for sid in set(based) | set(own):
        cur, seen = sid, set()
        while cur and cur not in own and cur not in seen:
            seen.add(cur)
            cur = based.get(cur)  # type: ignore[assignment]
        if cur in own and own[cur]:
            hidden.add(sid)
    return frozenset(hidden)


_W_URI = W[1:-1].encode()
_ATTRS = rb"""(?:[^>"']|"[^"]*"|'[^']*')*?"""


def _styles_that_matter(data: bytes) -> bytes | None:
    """The styles part cut down to what :func:`_hidden_styles` reads: each w:style whole if it
    mentions w:vanish, else only its start tag and w:basedOn; ``b""`` when nothing can hide text.

    A template's styles.xml is ~350 KB of table borders and latent styles (python-docx's default
    takes 10 ms to parse, 20 times the rest of a one-page notice); the bytes are only scanned.
    None (parse the part whole) whenever the cut could differ from the parsed part: not UTF-8,
    the WordprocessingML namespace bound other than once on the root, comments, CDATA, DOCTYPE,
    processing instructions, or w:style / w:basedOn written in a way the scan does not expect.
    """
    head = re.match(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*<([A-Za-z_][\w.-]*):styles(?=[\s/>])"
                    + _ATTRS + rb"(/?)>", data)
    if head is None or head.group(2):
        return None
    if b"vanish" not in data:  # no DOCTYPE either: the head has none, and it comes first
        return b""
    prefix = re.escape(head.group(1))
    if b"<!" in data or data.find(b"<?", head.end()) >= 0 or data.count(_W_URI) != 1 \
            or len(re.findall(rb"xmlns:" + prefix + rb"\s*=", data)) != 1 \
            or not re.search(rb"xmlns:" + prefix + rb"""\s*=\s*["']""" + re.escape(_W_URI),
                             data[:head.end()]):
        return None
    start = re.compile(rb"<" + prefix + rb":style(?=[\s/>])" + _ATTRS + rb"(/?)>")
    end = re.compile(rb"</" + prefix + rb":style\s*>")
    based_tag = re.compile(rb"<" + prefix + rb":basedOn(?=[\s/>])")
    based = re.compile(rb"<" + prefix + rb":basedOn(?=[\s/>])" + _ATTRS + rb"/>")
    out = [data[:head.end()]]
    pos = head.end()
    while (m := start.search(data, pos)) is not None:
        if m.group(1):  # <w:style .../>
            out.append(m.group(0))
            pos = m.end()
            continue
        e = end.search(data, m.end())
        if e is None:
            return None
        body = data[m.end():e.start()]
        if start.search(body):
            return None
        if b"vanish" in body:
            out.append(data[m.start():e.end()])
        else:
            kept = based.findall(body)
            if len(kept) != len(based_tag.findall(body)):
                return None
            out.extend([m.group(0), *kept, e.group(0)])
        pos = e.end()
    out.append(b"</" + head.group(1) + b":styles>")
    return b"".join(out)
