"""OCR: the text of images and of scanned PDF pages, recognised by RapidOCR on ONNX Runtime.

Installed with the ``ocr`` extra (``rapidocr-onnxruntime`` 1.4, whose wheel carries the PP-OCR
detection, direction and recognition models: nothing is downloaded at run time, and Pillow).
This module is imported only when an image or an image-only PDF page is met; the recogniser is
built once per process, on first use, and reused (a ``--jobs`` worker builds its own).

Every recognised line of text is one segment whose location holds the page (PDF pages, frames of
a multi-page TIFF), ``box`` = ``"x,y,w,h"`` in pixels of the image (a PDF page rendered at
:data:`PDF_DPI`) and ``ocr`` = the recogniser's confidence; every detector runs on these
segments like on any text. Lines below :data:`MIN_SCORE` are dropped as noise; a line above it
is kept however unsure, so a doubtful ID number that passes its checksum is still reported.

Limits: an image larger than ``Limits.max_image_pixels`` is refused before it is decoded (a
30,000 × 30,000 PNG is 900 M pixels), and one page may take ``Limits.ocr_page_seconds``; a page
that takes longer is not checked (an image: :class:`ReadError`; a PDF page: stays an unchecked
page, H005). ONNX Runtime cannot be interrupted, so the late page finishes in the background
and its result is dropped: the limit bounds how long one page holds up the run, and the
process still waits for that page before it exits.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import warnings
from collections import OrderedDict
from functools import cache
from typing import Any, Iterator

from ...model import Document, Location, Segment
from .. import Limits, ReadError
from ..places import page_place

PDF_DPI = 200          # PDF pages are rendered at this resolution for OCR (boxes are in its pixels)
MIN_SCORE = 0.3        # recognised lines below this confidence are dropped (RapidOCR's own default is 0.5)
TOO_SLOW = "OCR 识别超过 {seconds:g} 秒仍未完成（每页上限，配置项 ocr-page-seconds）"


CACHE_SIZE = 8         # images whose recognised lines a process keeps (gkcheck mask reads each one 3 times)


class OcrTimeout(ReadError):
    """One page took longer than ``Limits.ocr_page_seconds``."""


@cache
def _recent() -> OrderedDict[str, tuple[Segment, ...]]:
    """The recognised lines of the last :data:`CACHE_SIZE` images this process read, by content
    hash: ``gkcheck mask`` checks an image, finds its boxes and checks the copy, and the same
    picture must not cost three recognitions (made once per process, like the engine)."""
    return OrderedDict()


@cache
def _engines() -> dict[int, Any]:
    return {}


def engine() -> Any:
    """The recogniser, built once per process (loading the three models takes about a second).

    Kept by process id: ``--jobs`` workers are forked, and a forked child must not use the
    parent's ONNX Runtime sessions (their thread pools did not come along), so it builds its own."""
    from rapidocr_onnxruntime import RapidOCR

    built = _engines()
    pid = os.getpid()
    if pid not in built:
        built.clear()
        built[pid] = RapidOCR()
    return built[pid]


def recognise(image: Any, seconds: float) -> list[tuple[tuple[int, int, int, int], str, float]]:
    """``(box, text, confidence)`` of every line of text in a Pillow image, in reading order;
    :class:`OcrTimeout` when it takes longer than ``seconds``."""
    import numpy as np

    array = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])  # RGB → BGR as OpenCV
    out: dict[str, Any] = {}
    recogniser = engine()  # loading the models does not count against the page's time

    def work() -> None:
        try:
            out["result"] = recogniser(array, text_score=MIN_SCORE)[0]
        except Exception as exc:  # reported as this page's error in the calling thread
            out["error"] = exc

    # not a daemon: a late page is left to finish (the process waits for it at exit) — ONNX Runtime
    # killed in the middle of a run at interpreter exit aborts the process ("terminate called")
    thread = threading.Thread(target=work, name="gkcheck-ocr", daemon=False)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise OcrTimeout(TOO_SLOW.format(seconds=seconds))
    if "error" in out:
        raise ReadError(f"OCR 识别失败：{out['error']}")
    lines = []
    for points, text, score in out.get("result") or ():
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x, y = int(min(xs)), int(min(ys))
        box = (max(x, 0), max(y, 0), int(round(max(xs))) - x, int(round(max(ys))) - y)
        text = str(text).strip()
        if text:
            lines.append((box, text, float(score)))
    return lines


def segments(lines: list[tuple[tuple[int, int, int, int], str, float]], page: int | None) -> list[Segment]:
    """One segment per recognised line, located by page, box and confidence; named for people
    by its page (``第2页“…”``) or as ``图片“…”``, the box after the quote."""
    named = page_place(page) if page is not None else "图片"
    return [Segment(text, Location(page=page, box=",".join(map(str, box)), ocr=round(score, 3), block=named))
            for box, text, score in lines]


def open_image(data: bytes, limits: Limits) -> Any:
    """A Pillow image of ``data``, its size checked against the limit before anything is decoded."""
    from PIL import Image, UnidentifiedImageError

    too_big = "图片过大（{}），超过 OCR 上限 {} 万像素，无法检查；请缩小或分割后再检查"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ReadError(too_big.format(exc, limits.max_image_pixels // 10_000)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ReadError(f"图片无法打开（可能已损坏或格式不支持）：{exc}") from None
    width, height = image.size
    if width * height > limits.max_image_pixels:
        raise ReadError(too_big.format(f"{width} × {height} 像素", limits.max_image_pixels // 10_000))
    return image


def frames(image: Any, limits: Limits) -> Iterator[Any]:
    """The pages of an image: one, or each frame of a multi-page TIFF (scanners write those)."""
    count = getattr(image, "n_frames", 1)
    if count > limits.max_pages:
        raise ReadError(f"图片有 {count} 帧，超过上限 {limits.max_pages} 页")
    for i in range(count):
        try:
            image.seek(i)
            image.load()
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ReadError(f"图片无法解码（可能已损坏或被截断）：{exc}") from None
        width, height = image.size
        if width * height > limits.max_image_pixels:
            raise ReadError(f"图片第 {i + 1} 帧过大（{width} × {height} 像素），无法检查")
        yield image
        if count == 1:
            return


def read_image(data: bytes, path: str, limits: Limits) -> Document:
    """An image file: every line of text in it (each frame of a TIFF is a page)."""
    key = hashlib.sha256(data).hexdigest()
    recent = _recent()
    if key in recent:
        recent.move_to_end(key)
        return Document(path, "image", recent[key], meta={"ocr": "rapidocr-onnxruntime"})
    image = open_image(data, limits)
    count = getattr(image, "n_frames", 1)
    found: list[Segment] = []
    for number, frame in enumerate(frames(image, limits), 1):
        try:
            lines = recognise(frame, limits.ocr_page_seconds)
        except OcrTimeout as exc:
            where = f"第 {number} 页" if count > 1 else "图片"
            raise ReadError(f"{where}{exc}，无法检查") from None
        found.extend(segments(lines, number if count > 1 else None))
    recent[key] = tuple(found)
    while len(recent) > CACHE_SIZE:
        recent.popitem(last=False)
    return Document(path, "image", recent[key], meta={"ocr": "rapidocr-onnxruntime"})


def render_page(page: Any, limits: Limits) -> Any:
    """A PDF page (pypdfium2) as a Pillow image at :data:`PDF_DPI`, or smaller if the page is so
    large that the image would pass the pixel limit."""
    width, height = page.get_size()
    scale = PDF_DPI / 72
    pixels = width * height * scale * scale
    if pixels > limits.max_image_pixels:
        scale *= (limits.max_image_pixels / pixels) ** 0.5
    return page.render(scale=scale).to_pil()


def read_pdf_page(page: Any, number: int, limits: Limits) -> list[Segment]:
    """The recognised text of one PDF page (pypdfium2), as segments of that page (kept like an
    image's, by the hash of the rendered picture and the page number)."""
    picture = render_page(page, limits)
    key = f"{hashlib.sha256(picture.tobytes()).hexdigest()}:{picture.size}:{number}"
    recent = _recent()
    if key not in recent:
        recent[key] = tuple(segments(recognise(picture, limits.ocr_page_seconds), number))
        while len(recent) > CACHE_SIZE:
            recent.popitem(last=False)
    recent.move_to_end(key)
    return list(recent[key])


__all__ = ["MIN_SCORE", "PDF_DPI", "OcrTimeout", "read_image", "read_pdf_page", "recognise"]
