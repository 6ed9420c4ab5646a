"""Masking an image: each value's box is covered by a solid fill (Pillow); the file's format stays.

OCR gives one box per line of text; the value's own box is cut out of it by the widths of the
characters before, in and after the value (a CJK character counts as one em, others as
:data:`NARROW` em), widened by :data:`PAD` of a character on each side, so a label in the same
line ("身份证号：") stays readable and no digit of the value peeks out. The whole value is
covered: a picture cannot show "360702********1234" the way a text can, and a half-covered digit
would still be read by the next OCR pass. The copy is checked again by OCR (masking/files.py).
"""

from __future__ import annotations

import io
import unicodedata
from typing import Sequence

from ..model import Location, Segment
from .edits import Applied, Edit, MaskError, Outcome

NARROW = 0.55   # width of a digit or Latin letter, in CJK character widths
PAD = 0.35      # extra cover on each side of the value, in CJK character widths
FILL = (0, 0, 0)


def _width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else NARROW


def value_box(segment: Segment, start: int, end: int) -> tuple[int, int, int, int]:
    """The box of ``segment.text[start:end]`` inside the segment's OCR box (x0, y0, x1, y1)."""
    x, y, w, h = (int(v) for v in (segment.base.box or "0,0,0,0").split(","))
    widths = [_width(c) for c in segment.text]
    total = sum(widths) or 1.0
    unit = w / total
    left = x + unit * (sum(widths[:start]) - PAD)
    right = x + unit * (sum(widths[:end]) + PAD)
    pad_y = max(2, h // 8)
    return int(max(x - 2, left)), y - pad_y, int(min(x + w + 2, right)) + 1, y + h + pad_y


def _segment(segments: Sequence[Segment], loc: Location, match: str) -> tuple[Segment, int] | None:
    """The recognised line the finding came from and the value's offset in it."""
    for seg in segments:
        if seg.base.box != loc.box or seg.base.page != loc.page:
            continue
        offset = (loc.column or 1) - 1
        if seg.text[offset:offset + len(match)] == match:
            return seg, offset
        found = seg.text.find(match)
        if found >= 0:
            return seg, found
    return None


def mask_image(data: bytes, filename: str, edits: Sequence[Edit]) -> Outcome:
    from PIL import ImageDraw

    from ..readers import Limits
    from ..readers.ocr import open_image, read_image

    limits = Limits()
    image = open_image(data, limits)
    if getattr(image, "n_frames", 1) > 1:
        raise MaskError("多页 TIFF 图片暂不支持生成脱敏副本，请逐页导出后再处理")
    fmt = image.format or "PNG"
    segments = read_image(data, filename, limits).segments  # the boxes, as the check saw them
    image.load()
    if image.mode not in ("RGB", "L", "RGBA"):
        image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    fill = FILL if image.mode != "L" else 0
    applied: list[Applied] = []
    missed: list[Edit] = []
    for edit in edits:
        loc = edit.finding.location
        found = _segment(segments, loc, edit.finding.match) if loc.box else None
        if found is None:
            missed.append(edit)
            continue
        seg, offset = found
        x0, y0, x1, y1 = value_box(seg, offset, offset + len(edit.finding.match))
        draw.rectangle((x0, y0, x1, y1), fill=fill)
        applied.append(Applied(edit, loc, f"图片中该处已用色块整段遮盖（{x0},{y0},{x1 - x0},{y1 - y0}）"))
    out = io.BytesIO()
    options = {"quality": 95} if fmt == "JPEG" else {}
    if fmt == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    image.save(out, format=fmt, **options)
    return Outcome(out.getvalue(), tuple(applied), tuple(missed))
