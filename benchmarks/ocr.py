"""OCR pages per second: rendered 公示 lists (images) and scanned PDF pages through the checker.

    .venv/bin/python -m benchmarks.ocr [--pages 6] [--out results-ocr.json]

Needs the ocr extra (``pip install -e '.[ocr]'``) and the Noto CJK font from Debian
(fonts-noto-cjk). Each page is a 1300 × 1250 pixel image of a 20-row table (name, ID number,
mobile): the same kind of page as tests/test_ocr.py. Loading the models (first page of a
process) is measured apart. The numbers go into docs/performance.md by hand, with the machine,
the date and how busy it was.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import tempfile
import time
from pathlib import Path

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def page(seed: int) -> bytes:
    from faker import Faker
    from PIL import Image, ImageDraw, ImageFont

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    font = ImageFont.truetype(FONT, 26)
    image = Image.new("L", (1300, 1250), 250)
    draw = ImageDraw.Draw(image)
    draw.text((330, 40), "临时救助名单公示", font=ImageFont.truetype(FONT, 36), fill=20)
    for r in range(20):
        y = 140 + r * 46
        for x, text in zip((70, 170, 350, 770), (str(r + 1), fake.name(), fake.ssn(), fake.phone_number())):
            draw.text((x, y), text, font=font, fill=15)
    image = image.rotate(1.0, expand=True, fillcolor=250)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def scanned_pdf(images: list[bytes], path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    for i, data in enumerate(images, 1):
        c.drawImage(ImageReader(io.BytesIO(data)), 30, 60, width=w - 60, height=h - 120)
        c.drawString(w / 2 - 10, 30, f"- {i} -")
        c.showPage()
    c.save()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from gkcheck import Config
    from gkcheck.checker import Checker
    from gkcheck.readers.ocr import engine

    images = [page(i) for i in range(args.pages)]
    t0 = time.perf_counter()
    engine()
    load = time.perf_counter() - t0
    checker = Checker(Config())
    t0 = time.perf_counter()
    found = 0
    for i, data in enumerate(images):
        found += sum(f.rule in ("P001", "P002") for f in checker.check_bytes(data, f"{i}.png").findings)
    image_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "scan.pdf"
        scanned_pdf(images, pdf)
        t0 = time.perf_counter()
        pdf_found = sum(f.rule in ("P001", "P002") for f in checker.check_file(pdf).findings)
        pdf_s = time.perf_counter() - t0
    result = {
        "pages": args.pages, "cpus": os.cpu_count(), "load_1min": os.getloadavg()[0],
        "model_load_s": round(load, 2),
        "image_s_per_page": round(image_s / args.pages, 2), "image_pages_per_s": round(args.pages / image_s, 3),
        "pdf_s_per_page": round(pdf_s / args.pages, 2), "pdf_pages_per_s": round(args.pages / pdf_s, 3),
        "values_found_images": found, "values_found_pdf": pdf_found, "values_planted": 40 * args.pages,
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
