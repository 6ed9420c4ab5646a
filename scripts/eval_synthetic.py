"""Measure the near-miss rules (T010-T014) on injected errors and on clean text.

Usage: .venv/bin/python scripts/eval_synthetic.py [--split heldout|tune] [--limit N] [--seed S]

Sentences come from the government work reports, the Party congress reports (gov-corpus) and
the laws (law-corpus). Documents are split in two by a fixed hash of their title or path: the
``tune`` half was used while choosing the guards, the ``heldout`` half (default) never was.
In each sentence that contains a protected term (or idiom), one occurrence gets one error of the
kinds a writer or an input method makes: a confusable character from the confusion table
substituted, an interior character left out (terms of five or more characters), or two adjacent
characters swapped. Injections that produce a known word are skipped (they are not errors the
lexicon can decide). Reported:
- recall: injected sentences with a T01x finding over the injected characters, per rule;
- false alarms: clean sentences (the same sentences before injection) with any T01x finding;
- the correct sentences of odw.train (lines starting with 0) and /work/shared/samples flagged.
ecspell-odw is evaluation data only: nothing from it is used to build anything.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

from gkcheck import Checker, Config
from gkcheck.detectors.nearmiss import CODES, load_index

_HERE = Path(__file__).resolve()
SHARED = next((p / "shared" for p in _HERE.parents[2:4] if (p / "shared").is_dir()),
              _HERE.parents[2] / "shared")   # beside the checkout (or beside its worktree folder)
DATA = SHARED / "data"
SENTENCE = re.compile(r"[^。！？；\n]{10,120}[。！？；]")


def documents(data: Path, law_docs: int) -> list[tuple[str, str]]:
    docs = []
    for name in ("government_work_reports.jsonl", "cpc_congress_reports.jsonl"):
        for line in (data / "gov-corpus" / name).open(encoding="utf-8"):
            d = json.loads(line)
            docs.append((d["title"], d["content"]))
    with gzip.open(data / "law-corpus" / "laws.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= law_docs:
                break
            d = json.loads(line)
            docs.append((d["path"], d["text"]))
    return docs


def split_of(key: str) -> str:
    return "heldout" if hashlib.sha1(key.encode("utf-8")).digest()[0] & 1 else "tune"


def inject(rng: random.Random, term: str, confusion: dict[str, str]) -> tuple[str, int, int, str] | None:
    """(wrong form, first changed index, last changed index + 1, kind) or None; kind is the
    edit and whether it touches the first or last character (``sub-edge``, ``swap-inner``...)."""
    n = len(term)
    kinds = ["sub", "sub", "sub", "swap"] + (["del"] if n >= 5 else [])
    kind = rng.choice(kinds)
    if kind == "sub":
        j = rng.randrange(n)
        near = confusion.get(term[j], "")
        if not near:
            return None
        return term[:j] + rng.choice(near) + term[j + 1:], j, j + 1, _kind("sub", j, j, n)
    if kind == "swap":
        j = rng.randrange(n - 1)
        if term[j] == term[j + 1]:
            return None
        return term[:j] + term[j + 1] + term[j] + term[j + 2:], j, j + 2, _kind("swap", j, j + 1, n)
    j = rng.randrange(1, n - 1)
    return term[:j] + term[j + 1:], j, j, "del-inner"


def _kind(op: str, first: int, last: int, n: int) -> str:
    return f"{op}-edge" if first == 0 or last == n - 1 else f"{op}-inner"


def make_cases(docs, split: str, seed: int, limit: int, index) -> list[tuple[str, str, int, int, str, str]]:
    """(clean sentence, injected sentence, changed start, changed end, rule, kind) for one split."""
    import ahocorasick_rs
    import rjieba

    terms = sorted(index.terms)
    ac = ahocorasick_rs.AhoCorasick(terms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    rng = random.Random(seed)
    cases = []
    known = "\n".join(index.known)   # a wrong form inside any known word is skipped too
    for key, text in docs:
        if split_of(key) != split:
            continue
        for sentence in SENTENCE.findall(text):
            found = ac.find_matches_as_indexes(sentence)
            if not found:
                continue
            i, s, e = rng.choice(found)
            t = index.terms[terms[i]]
            made = inject(rng, t.text, index.confusion)
            if not made:
                continue
            wrong, a, b, kind = made
            if wrong in known or rjieba.has_word(wrong):
                continue
            cases.append((sentence, sentence[:s] + wrong + sentence[e:], s + a, s + max(b, a + 1), t.code,
                          kind))
    rng.shuffle(cases)
    return cases[:limit] if limit else cases


def _covers(text: str, match: str, a: int, b: int) -> bool:
    """Some occurrence of ``match`` in ``text`` overlaps the changed characters [a, b)."""
    i = text.find(match)
    while i >= 0:
        if i < b and i + len(match) >= a + (1 if b > a else 0):
            return True
        i = text.find(match, i + 1)
    return False


def evaluate(checker: Checker, cases) -> dict:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    kinds_found: Counter[str] = Counter()
    kinds_total: Counter[str] = Counter()
    clean_flagged = []
    for clean, wrong, a, b, code, kind in cases:
        total[code] += 1
        kinds_total[kind] += 1
        hits = [f for f in checker.check_text(wrong) if f.rule in CODES]
        if any(_covers(wrong, f.match, a, b) for f in hits):
            found[code] += 1
            kinds_found[kind] += 1
        if [f for f in checker.check_text(clean) if f.rule in CODES]:
            clean_flagged.append(clean)
    return {"found": found, "total": total, "clean": len(cases), "clean_flagged": clean_flagged,
            "kinds_found": kinds_found, "kinds_total": kinds_total}


def odw_correct(checker: Checker, path: Path, corrected: bool = False) -> tuple[int, list[str]]:
    """The correct sentences of odw.train (``0`` lines), or with ``corrected`` the corrections of
    its misspelt sentences (third column of the other lines): both are correct text."""
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines()]
    if corrected:
        correct = [r[2] for r in rows if len(r) == 3 and r[0] != "0"]
    else:
        correct = [r[1] for r in rows if len(r) == 3 and r[0] == "0"]
    return len(correct), [s for s in correct if any(f.rule in CODES for f in checker.check_text(s))]


def samples_errors(checker: Checker, folder: Path) -> int:
    report = checker.scan([folder])
    return sum(1 for r in report.files for f in r.findings if f.rule in CODES and f.severity == "error")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("heldout", "tune"), default="heldout")
    ap.add_argument("--limit", type=int, default=4000, help="injected sentences (0: all)")
    ap.add_argument("--law-docs", type=int, default=400, help="law documents read")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args(argv)
    checker = Checker(Config(select=CODES))
    index = load_index(set(CODES))
    cases = make_cases(documents(args.data, args.law_docs), args.split, args.seed, args.limit, index)
    res = evaluate(checker, cases)
    print(f"split {args.split}, seed {args.seed}: {len(cases)} sentences with one injected error")
    print("| rule | injected | found | recall |\n|---|---|---|---|")
    for code in sorted(res["total"]):
        n, k = res["total"][code], res["found"][code]
        print(f"| {code} | {n} | {k} | {k / n:.1%} |")
    n, k = sum(res["total"].values()), sum(res["found"].values())
    print(f"| all | {n} | {k} | {k / n:.1%} |" if n else "| all | 0 | 0 | - |")
    print("| error kind | injected | found | recall |\n|---|---|---|---|")
    for kind in sorted(res["kinds_total"]):
        n, k = res["kinds_total"][kind], res["kinds_found"][kind]
        print(f"| {kind} | {n} | {k} | {k / n:.1%} |")
    fa = len(res["clean_flagged"])
    print(f"clean sentences flagged: {fa} of {res['clean']} ({fa / max(1, res['clean']):.2%})")
    if args.show:
        for s in res["clean_flagged"]:
            print("  FA:", s, [(f.rule, f.match) for f in checker.check_text(s)])
    odw = args.data / "ecspell-odw" / "odw.train"
    if odw.is_file():
        total, flagged = odw_correct(checker, odw)
        res["odw_correct"], res["odw_flagged"] = total, flagged
        print(f"odw.train correct sentences flagged: {len(flagged)} of {total}")
        total, fixed = odw_correct(checker, odw, corrected=True)
        res["odw_corrected"], res["odw_corrected_flagged"] = total, fixed
        print(f"odw.train corrected sentences flagged: {len(fixed)} of {total}")
        if args.show:
            for s in flagged + fixed:
                print("  FA:", s, [(f.rule, f.match) for f in checker.check_text(s) if f.rule in CODES])
    samples = SHARED / "samples"
    if samples.is_dir():
        res["samples_errors"] = samples_errors(checker, samples)
        print(f"/work/shared/samples: {res['samples_errors']} error findings of T010-T014")
    return res


if __name__ == "__main__":
    main(sys.argv[1:])
