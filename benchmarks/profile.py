"""Where the time of one ``gkcheck scan`` goes: start-up, reading, each detector, findings, report.

    .venv/bin/python -m benchmarks.profile FILE [FILE ...] [--cprofile N]

Runs the same steps as ``Checker.check_file`` + the JSON reporter, one at a time, and prints
the CPU seconds of each step (CPU time, not wall time: a busy machine disturbs it less). ``--cprofile N`` also prints the N functions with
the most own time over the whole check. Use it on a benchmark corpus file
(``benchmarks/_corpora/full/text/big.txt`` ...) to see which part to tune first.
"""

from __future__ import annotations

import argparse
import sys
import time

clock = time.process_time
from pathlib import Path


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stages(path: Path) -> list[tuple[str, float, float]]:
    """(step, CPU seconds, peak RSS in MB after the step) for one file."""
    t0 = clock()
    from gkcheck import Checker
    from gkcheck.model import FileResult, Report
    from gkcheck.readers import read
    from gkcheck.reporters import render
    from gkcheck.textview import TextView
    t_import = clock()
    checker = Checker()
    t_build = clock()
    data = path.read_bytes()
    doc = read(data, str(path), checker.limits)
    t_read = clock()
    read_peak = peak_mb()
    view = TextView.of(doc)
    ctx = checker.context_for(doc, None)
    t_view = clock()
    out = [("import gkcheck", t_import - t0, 0.0), ("Checker()", t_build - t_import, 0.0),
           (f"read ({doc.type})", t_read - t_build, read_peak), ("TextView", t_view - t_read, peak_mb())]
    hits = []
    for name, detector in checker._detectors:
        t = clock()
        found = list(detector.detect(view, ctx))
        out.append((f"detector {name} ({len(found)} hits)", clock() - t, peak_mb()))
        hits.extend(found)
    t = clock()
    findings = [checker._finding(h, view) for h in hits if h.rule in checker.enabled]
    out.append((f"findings ({len(findings)})", clock() - t, peak_mb()))
    t = clock()
    render(Report((FileResult(str(path), doc.type, "ok", None, tuple(findings)),), "profile"), "json")
    out.append(("JSON report", clock() - t, peak_mb()))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="also print the top N functions")
    args = parser.parse_args(argv)
    for path in args.files:
        rows = stages(path)
        total = sum(s for _, s, _ in rows)
        print(f"{path}（{path.stat().st_size / 2**20:.1f} MB），合计 CPU {total:.2f} s；峰值内存为该步之后的进程峰值")
        for name, seconds, peak in rows:
            print(f"  {name:<40} {seconds:8.3f} s  {seconds / total:6.1%}  {peak:7.0f} MB" if peak else
                  f"  {name:<40} {seconds:8.3f} s  {seconds / total:6.1%}")
        if args.cprofile:
            import cProfile
            import pstats

            from gkcheck import Checker

            checker = Checker()
            profiler = cProfile.Profile()
            profiler.enable()
            checker.check_file(path)
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
