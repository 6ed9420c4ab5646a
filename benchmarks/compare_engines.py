"""The dependency decisions, re-measured on gkcheck's own data: each library gkcheck uses against
the usual alternative, on the benchmark corpora.

    .venv/bin/python -m benchmarks.compare_engines [--quick] [--out DIR] [--write-doc]

- multi-pattern matching: ahocorasick-rs vs pyahocorasick, built over gkcheck's real dictionary
  entries, scanning the benchmark text (build time, scan time, agreement, and the ``iter_long``
  end-of-string miss reproduced);
- segmentation: rjieba vs jieba (same tokens? speed, import + initialisation time);
- readers, each a whole process: python-calamine vs openpyxl, lxml vs python-docx,
  pypdfium2 vs pdfminer.six and pypdf;
- HTML: gkcheck's own tokenizer (readers/html.py) vs lxml.html.

A contender that is not installed is reported as such and skipped (pyahocorasick, jieba,
pdfminer.six and pypdf are not gkcheck dependencies: ``.venv/bin/pip install pyahocorasick jieba
pdfminer.six pypdf`` to compare them). ``--write-doc`` replaces the block between
``<!-- engines:start -->`` and ``<!-- engines:end -->`` in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Callable

from . import corpora
from .run import DOC, REPO, gkcheck_patterns, probe, run_process, write_doc

MARK_START, MARK_END = "<!-- engines:start -->", "<!-- engines:end -->"
MB = 2**20


def version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


# -- Aho-Corasick -------------------------------------------------------------------------------

def aho_corasick(text: str, size: int, repeat: int) -> dict:
    import ahocorasick_rs

    patterns = gkcheck_patterns()
    rows = []
    build_rs, ac = best_of(lambda: ahocorasick_rs.AhoCorasick(
        patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest), repeat)
    scan_rs, found_rs = best_of(lambda: ac.find_matches_as_indexes(text, overlapping=False), repeat)
    spans_rs = {(s, e) for _, s, e in found_rs}
    rows.append({"contender": f"ahocorasick-rs {version('ahocorasick-rs')}（leftmost-longest）",
                 "build_ms": build_rs * 1000, "scan_s": scan_rs, "mb_per_s": size / MB / scan_rs,
                 "matches": len(found_rs)})
    small = ahocorasick_rs.AhoCorasick(["城管局依", "管局"], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    repro = {"words": ["城管局依", "管局"], "text": "市城管局",
             "ahocorasick_rs": [("城管局依", "管局")[i] for i, _, _ in small.find_matches_as_indexes("市城管局")]}
    notes = []
    if version("pyahocorasick"):
        import ahocorasick

        def build() -> object:
            automaton = ahocorasick.Automaton()
            for i, word in enumerate(patterns):
                automaton.add_word(word, (i, len(word)))
            automaton.make_automaton()
            return automaton

        build_py, automaton = best_of(build, repeat)
        scan_iter, all_hits = best_of(lambda: list(automaton.iter(text)), repeat)
        scan_long, long_hits = best_of(lambda: list(automaton.iter_long(text)), repeat)
        spans_long = {(end - n + 1, end + 1) for end, (_, n) in long_hits}
        rows.append({"contender": f"pyahocorasick {version('pyahocorasick')} iter（全部重叠匹配）",
                     "build_ms": build_py * 1000, "scan_s": scan_iter, "mb_per_s": size / MB / scan_iter,
                     "matches": len(all_hits)})
        rows.append({"contender": f"pyahocorasick {version('pyahocorasick')} iter_long（最长不重叠）",
                     "build_ms": build_py * 1000, "scan_s": scan_long, "mb_per_s": size / MB / scan_long,
                     "matches": len(long_hits)})
        tiny = ahocorasick.Automaton()
        for word in repro["words"]:
            tiny.add_word(word, word)
        tiny.make_automaton()
        repro["pyahocorasick_iter_long"] = [w for _, w in tiny.iter_long(repro["text"])]
        repro["pyahocorasick_iter"] = [w for _, w in tiny.iter(repro["text"])]
        notes.append(f"同一文本上 iter_long 与 ahocorasick-rs 的匹配位置不同的有 "
                     f"{len(spans_rs ^ spans_long)} 处（共 {len(spans_rs)} 处）。")
    else:
        notes.append("pyahocorasick 未安装，未比较。")
    return {"id": "aho-corasick", "patterns": len(patterns), "rows": rows, "repro": repro, "notes": notes}


# -- segmentation -------------------------------------------------------------------------------

def import_cost(code: str, repeat: int) -> float:
    """Milliseconds a fresh process needs for ``code`` above ``python -c pass`` (median)."""
    here = Path.cwd()
    runs = [(run_process([sys.executable, "-c", code], here).seconds,
             run_process([sys.executable, "-c", "pass"], here).seconds) for _ in range(repeat)]
    return statistics.median(a - b for a, b in runs) * 1000


def differing_spans(lines: list[str], a: list[list[str]], b: list[list[str]]) -> tuple[int, int]:
    """How many token spans one segmenter has and the other has not, and how many hold a CJK character."""
    spans = cjk = 0
    for line, ta, tb in zip(lines, a, b):
        if ta == tb:
            continue
        for s, e in token_spans(ta) ^ token_spans(tb):
            spans += 1
            cjk += any("\u4e00" <= ch <= "\u9fff" for ch in line[s:e])
    return spans, cjk


def token_spans(tokens: list[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for token in tokens:
        out.add((pos, pos + len(token)))
        pos += len(token)
    return out


def segmentation(text: str, chars: int, repeat: int) -> dict:
    import rjieba

    lines = [line for line in text[:chars].split("\n") if line]
    total = sum(map(len, lines))
    rows = []
    t_rs, tokens_rs = best_of(lambda: [rjieba.cut(line) for line in lines], repeat)
    rows.append({"contender": f"rjieba {version('rjieba')}", "mchars_per_s": total / t_rs / 1e6,
                 "import_ms": import_cost("import rjieba; rjieba.cut('政务公开')", max(repeat, 3))})
    notes = []
    if version("jieba"):
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        t_py, tokens_py = best_of(lambda: [jieba.lcut(line) for line in lines], repeat)
        same_lines = sum(a == b for a, b in zip(tokens_rs, tokens_py))
        spans, cjk_spans = differing_spans(lines, tokens_rs, tokens_py)
        same_plain = sum(rjieba.cut(line, hmm=False) == jieba.lcut(line, HMM=False) for line in lines)
        rows.append({"contender": f"jieba {version('jieba')}", "mchars_per_s": total / t_py / 1e6,
                     "import_ms": import_cost("import jieba; jieba.setLogLevel(60); jieba.lcut('政务公开')",
                                              max(repeat, 3))})
        notes.append(f"{len(lines):,} 行（{total:,} 字），默认设置（HMM 开）下分词完全相同的 {same_lines:,} 行"
                     f"（{same_lines / len(lines):.1%}）；切分不同的 {spans:,} 处中含汉字的 {cjk_spans} 处，"
                     f"其余是数字、字母和符号的切法不同（如“0854-84979817”：rjieba 不拆开，jieba 拆成三段）；"
                     f"HMM 关时 {same_plain:,} 行（{same_plain / len(lines):.1%}）完全相同。"
                     f"rjieba 快 {t_py / t_rs:.1f} 倍。jieba 的导入时间含读取其词典缓存文件（首次运行另需约 1 秒建缓存）。")
    else:
        notes.append("jieba 未安装，未比较。")
    return {"id": "segmentation", "rows": rows, "notes": notes}


# -- readers (whole processes) ----------------------------------------------------------------

def readers(corpus: corpora.Corpus, repeat: int) -> dict:
    cases = [
        ("XLSX", f"{corpus.sizes.xlsx_rows:,} 行 × 8 列", corpus.xlsx,
         [("python-calamine", "calamine", "python-calamine"), ("openpyxl", "openpyxl", "openpyxl（read_only）")]),
        ("DOCX", f"{corpus.sizes.docx} 个通知", corpus.docx,
         [("lxml", "docx", "lxml（word/document.xml 的 w:t）"), ("python-docx", "python-docx", "python-docx")]),
        ("PDF", f"{corpus.sizes.pdf} 个 PDF", corpus.pdf,
         [("pypdfium2", "pdfium", "pypdfium2"), ("pdfminer.six", "pdfminer", "pdfminer.six extract_text"),
          ("pypdf", "pypdf", "pypdf extract_text")]),
    ]
    rows, notes = [], []
    for kind, what, path, contenders in cases:
        base = None
        for dist, name, label in contenders:
            if not version(dist):
                notes.append(f"{label} 未安装，未比较。")
                continue
            runs = [run_process(probe(name, path), Path.cwd()) for _ in range(repeat)]
            seconds = statistics.median(r.seconds for r in runs)
            base = base or seconds
            rows.append({"format": kind, "input": what, "contender": f"{label} {version(dist)}", "seconds": seconds,
                         "peak_mb": max(r.peak_mb for r in runs), "chars": int(runs[-1].stdout.strip()),
                         "vs_first": seconds / base})
    return {"id": "readers", "rows": rows, "notes": notes}


# -- HTML ---------------------------------------------------------------------------------------

def html_tokenizer(corpus: corpora.Corpus, repeat: int) -> dict:
    import lxml.html

    from gkcheck.readers import Limits
    from gkcheck.readers.html import read_html

    pages = [(p.name, p.read_bytes()) for p in sorted(corpus.html.glob("*.html"))]

    def gk() -> int:
        return sum(len(read_html(data, name, Limits()).segments) for name, data in pages)

    def lx() -> int:
        return sum(len(lxml.html.fromstring(data).text_content()) for _, data in pages)

    t_gk, _ = best_of(gk, repeat)
    t_lx, _ = best_of(lx, repeat)
    rows = [{"contender": "gkcheck readers/html.py（解码、分块、行列定位、隐藏文字、表格、链接）",
             "pages_per_s": len(pages) / t_gk, "ms_per_page": t_gk / len(pages) * 1000},
            {"contender": f"lxml.html {version('lxml')}（解析 + text_content()，无行列）",
             "pages_per_s": len(pages) / t_lx, "ms_per_page": t_lx / len(pages) * 1000}]
    return {"id": "html", "rows": rows, "notes": [f"{len(pages)} 个网页（一半 GBK），进程内计时，不含读文件；"
                                                  f"gkcheck 的读取器是 lxml.html 的 {t_gk / t_lx:.1f} 倍耗时。"]}


# -- report -------------------------------------------------------------------------------------

def markdown(result: dict) -> str:
    ac, seg, rd, hx = (result["sections"][k] for k in ("aho-corasick", "segmentation", "readers", "html"))
    out = [f"测量于 {result['finished'][:10]}，{'快速模式（--quick）' if result['quick'] else '完整模式'}，"
           f"每项取 {result['repeat']} 次的中位数。命令：`.venv/bin/python -m benchmarks.compare_engines --write-doc`。",
           "", f"**多模式匹配**：gkcheck 默认配置的全部 {ac['patterns']:,} 个词条（含允许词），"
           f"扫描 {result['text_mb']:.1f} MB 基准文本（进程内）。", "",
           "| 引擎 | 建自动机 | 扫描 | 速度 | 匹配数 |", "|---|---|---|---|---|"]
    for r in ac["rows"]:
        out.append(f"| {r['contender']} | {r['build_ms']:.0f} ms | {r['scan_s']:.2f} s | {r['mb_per_s']:.1f} MB/s "
                   f"| {r['matches']:,} |")
    repro = ac["repro"]
    out += ["", f"复现 iter_long 的漏报：词 {'、'.join(repro['words'])}，文本“{repro['text']}”："
            f"ahocorasick-rs 找到 {repro['ahocorasick_rs']}"
            + (f"，pyahocorasick iter_long 得到 {repro['pyahocorasick_iter_long']}，iter 得到 {repro['pyahocorasick_iter']}。"
               if "pyahocorasick_iter_long" in repro else "。"), *[f"{n}" for n in ac["notes"]]]
    out += ["", f"**分词**：基准文本前 {result['seg_chars']:,} 字，逐行分词（进程内）；导入时间为新进程中导入并切分一次比 "
            "`python -c pass` 多用的时间。", "", "| 分词器 | 速度 | 导入 + 初始化 |", "|---|---|---|"]
    for r in seg["rows"]:
        out.append(f"| {r['contender']} | {r['mchars_per_s']:.2f} M 字/s | {r['import_ms']:.0f} ms |")
    out += ["", *seg["notes"]]
    out += ["", "**读取器**：每个都是独立进程（含导入），读出全部文字。", "",
            "| 格式 | 输入 | 读取器 | 耗时 | 相对第一行 | 峰值内存 | 读出字符数 |", "|---|---|---|---|---|---|---|"]
    for r in rd["rows"]:
        out.append(f"| {r['format']} | {r['input']} | {r['contender']} | {r['seconds']:.2f} s | {r['vs_first']:.1f}× "
                   f"| {r['peak_mb']:.0f} MB | {r['chars']:,} |")
    out += ["", *rd["notes"]] if rd["notes"] else []
    out += ["", "**HTML**：", "", "| 读取器 | 速度 | 每页 |", "|---|---|---|"]
    for r in hx["rows"]:
        out.append(f"| {r['contender']} | {r['pages_per_s']:.0f} 页/s | {r['ms_per_page']:.2f} ms |")
    out += ["", *hx["notes"]]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare_engines", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny corpora, one repetition")
    parser.add_argument("--out", type=Path, default=REPO / ".benchmarks")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--write-doc", action="store_true", help="update the engines block of docs/performance.md")
    args = parser.parse_args(argv)
    if args.write_doc and args.quick:
        parser.error("--write-doc needs a full run (no --quick)")
    sizes = corpora.QUICK if args.quick else corpora.FULL
    repeat = args.repeat or (1 if args.quick else 3)
    cache = args.cache or REPO / "benchmarks" / "_corpora" / ("quick" if args.quick else "full")
    corpus = corpora.ensure(cache, sizes, {"text", "xlsx", "docx", "pdf", "html"}, log=lambda s: print(s, flush=True))
    started = time.time()
    data = corpus.text.read_bytes()
    text = data.decode("utf-8")
    seg_chars = min(len(text), 1_000_000)
    sections = {}
    for name, fn in (("aho-corasick", lambda: aho_corasick(text, len(data), repeat)),
                     ("segmentation", lambda: segmentation(text, seg_chars, repeat)),
                     ("readers", lambda: readers(corpus, repeat)),
                     ("html", lambda: html_tokenizer(corpus, repeat))):
        print(f"比较 {name} …", flush=True)
        sections[name] = fn()
    result = {"quick": args.quick, "repeat": repeat, "text_mb": len(data) / MB, "seg_chars": seg_chars,
              "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
              "finished": time.strftime("%Y-%m-%dT%H:%M:%S"), "sections": sections}
    text_md = markdown(result)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "engines.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (args.out / "engines.md").write_text(text_md, "utf-8")
    print(text_md)
    if args.write_doc:
        write_doc(text_md, DOC, (MARK_START, MARK_END))
        print(f"已更新 {DOC.relative_to(REPO)} 中的依赖比较")
    return 0


if __name__ == "__main__":
    sys.exit(main())
