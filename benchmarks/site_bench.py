"""The site row: `gkcheck site` over a generated mirror of N pages (default 50,000), one process
started by benchmarks/measure.py (wall time, CPU time, peak RSS). Target (issue 17): under a minute.

    .venv/bin/python -m benchmarks.site_bench [--pages 50000] [--cache DIR]

The mirror has the shape of the /col/col{id}/ + /art/Y/M/D/art_{id}_{n}.html CMS: 200 columns, list
pages of 20 items (index.html, index_N.html), articles with the 47号文 meta tags, a 发布时间 line,
a breadcrumb and a navigation bar, about 2 KB each, half of them GBK. Generation is cached, never timed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MEASURE = Path(__file__).with_name("measure.py")
AS_OF = date(2026, 11, 22)
FILLER = "为进一步做好政务公开工作，根据有关规定，现将有关事项通知如下。" * 12


def generate(root: Path, pages: int, columns: int = 200, per_page: int = 20) -> Path:
    marker = root / ".complete"
    if marker.exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    names = [f"栏目{i}{['动态', '通知公告', '人事信息', '专题', '机构职能'][i % 5]}" for i in range(columns)]
    nav = "".join(f'<a href="/col/col{i}/index.html">{n}</a>' for i, n in enumerate(names[:20]))
    per_col = max(1, pages // columns - 3)
    for i, name in enumerate(names):
        enc = "gbk" if i % 2 else "utf-8"
        entries = []
        for n in range(per_col):
            d = AS_OF - timedelta(days=(n * 3 + i) % 900)
            url = f"/art/{d.year}/{d.month}/{d.day}/art_{i}_{n}.html"
            html = (f'<!DOCTYPE html><html><head><meta charset="{enc}"><title>{name}信息{n}</title>'
                    f'<meta name="ColumnName" content="{name}"><meta name="ArticleTitle" content="{name}信息{n}">'
                    f'<meta name="PubDate" content="{d:%Y-%m-%d} 09:00"></head><body><div class="nav">{nav}</div>'
                    f"<div>当前位置：首页 &gt; {name}</div><h1>{name}信息{n}</h1><div>发布时间：{d:%Y-%m-%d}</div>"
                    f"<p>{FILLER}</p></body></html>")
            p = root / url.lstrip("/")
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(html.encode(enc))
            entries.append((url, f"{name}信息{n}", d))
        chunks = [entries[k:k + per_page] for k in range(0, len(entries), per_page)]
        for k, chunk in enumerate(chunks[:3]):  # the mirror holds the first three list pages
            lis = "".join(f'<li><a href="{u}">{t}</a><span>{d:%Y-%m-%d}</span></li>' for u, t, d in chunk)
            html = (f'<!DOCTYPE html><html><head><meta charset="{enc}"><title>{name}</title>'
                    f'<meta name="ColumnName" content="{name}"></head><body><div class="nav">{nav}</div>'
                    f"<div>当前位置：首页 &gt; {name}</div><ul>{lis}</ul></body></html>")
            p = root / "col" / f"col{i}" / ("index.html" if k == 0 else f"index_{k}.html")
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(html.encode(enc))
    (root / "index.html").write_text(f'<html><head><meta charset="utf-8"></head><body><div class="nav">{nav}</div>'
                                     f"<ul><li><a href='/col/col0/index.html'>x</a><span>{AS_OF:%Y-%m-%d}</span></li>"
                                     "</ul></body></html>", "utf-8")
    marker.write_text("ok")
    return root


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=50_000)
    ap.add_argument("--cache", type=Path, default=REPO / "benchmarks" / "_corpora")
    args = ap.parse_args(argv)
    root = generate(args.cache / f"site-{args.pages}", args.pages)
    count = sum(1 for _ in root.rglob("*.html"))
    with tempfile.NamedTemporaryFile(suffix=".json") as usage, tempfile.NamedTemporaryFile(suffix=".json") as rep:
        cmd = [sys.executable, "-m", "gkcheck", "site", str(root), "--as-of", AS_OF.isoformat(),
               "--format", "json", "-o", rep.name, "--fail-on", "never"]
        subprocess.run([sys.executable, str(MEASURE), usage.name, "--", *cmd], check=True, cwd=REPO)
        stats = json.loads(Path(usage.name).read_text())
        report = json.loads(Path(rep.name).read_text("utf-8"))
    row = {"id": "site", "pages": count, "columns": len(report["columns"]), "seconds": round(stats["seconds"], 2),
           "cpu_seconds": round(stats["cpu_seconds"], 2), "peak_mb": round(stats["peak_mb"], 1),
           "pages_per_s": round(count / stats["seconds"]), "target_seconds": 60,
           "returncode": stats["returncode"]}
    print(json.dumps(row, ensure_ascii=False))
    return 0 if stats["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
