"""Measure gkcheck on the ECSpell "odw" (official document writing) sentences.

Usage: .venv/bin/python scripts/eval_odw.py [path/to/odw.train] [--show]

Each line of the data is ``n_errors<TAB>source<TAB>target``; ``0`` lines are correct sentences
from real official documents (a false-alarm corpus), the others contain misspelt characters at
the positions where source and target differ. The data is evaluation data only: nothing from it
may go into the dictionaries.

Reported twice, once with the typo rules only and once with every rule:
- correct sentences flagged (false alarms, count and %), and the corrected targets of the
  misspelt sentences flagged (a second false-alarm corpus),
- misspelt sentences flagged (recall, at sentence level),
- of the flagged misspelt sentences, how many have every finding overlapping a changed
  character ("flagged at the right characters"), and the same per finding.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gkcheck import Checker, Config

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecspell-odw" / "odw.train"
FIXED_TODAY = date(2026, 11, 22)


@dataclass
class Stats:
    correct: int = 0
    correct_flagged: int = 0
    fixed: int = 0               # corrected versions (targets) of the misspelt sentences
    fixed_flagged: int = 0       # ... flagged anyway: a second false-alarm corpus
    misspelt: int = 0
    misspelt_flagged: int = 0
    right_sentences: int = 0     # flagged misspelt sentences whose findings all touch a changed char
    findings: int = 0            # findings on misspelt sentences
    right_findings: int = 0      # ... that overlap a changed character
    false_alarms: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, match, sentence)
    misplaced: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def correct_flagged_rate(self) -> float:
        return self.correct_flagged / self.correct if self.correct else 0.0

    @property
    def right_finding_rate(self) -> float:
        return self.right_findings / self.findings if self.findings else 1.0


def read_pairs(path: Path = DATA) -> list[tuple[int, str, str]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            rows.append((int(parts[0]), parts[1], parts[2]))
    return rows


def evaluate(checker: Checker, rows: list[tuple[int, str, str]], rules: str | None = None) -> Stats:
    """Check every source sentence; ``rules`` keeps only findings whose code starts with it."""
    st = Stats()
    for n, source, target in rows:
        findings = [f for f in checker.check_text(source, publish_date=FIXED_TODAY)
                    if rules is None or f.rule.startswith(rules)]
        if n == 0 or source == target:
            st.correct += 1
            if findings:
                st.correct_flagged += 1
                st.false_alarms.extend((f.rule, f.match, source) for f in findings)
            continue
        st.misspelt += 1
        st.fixed += 1
        again = [f for f in checker.check_text(target, publish_date=FIXED_TODAY)
                 if rules is None or f.rule.startswith(rules)]
        if again:
            st.fixed_flagged += 1
            st.false_alarms.extend((f.rule, f.match, target) for f in again)
        changed = {i for i, (a, b) in enumerate(zip(source, target)) if a != b}
        if not findings:
            continue
        st.misspelt_flagged += 1
        all_right = True
        for f in findings:
            st.findings += 1
            start = (f.location.column or 1) - 1
            if changed & set(range(start, start + len(f.match))):
                st.right_findings += 1
            else:
                all_right = False
                st.misplaced.append((f.rule, f.match, source))
        st.right_sentences += all_right
    return st


def report(title: str, st: Stats, show: bool = False) -> str:
    lines = [
        f"== {title}",
        f"correct sentences flagged: {st.correct_flagged}/{st.correct} "
        f"({100 * st.correct_flagged_rate:.2f}%)",
        f"corrected targets flagged: {st.fixed_flagged}/{st.fixed} "
        f"({100 * st.fixed_flagged / max(st.fixed, 1):.2f}%)",
        f"misspelt sentences flagged: {st.misspelt_flagged}/{st.misspelt} "
        f"({100 * st.misspelt_flagged / max(st.misspelt, 1):.2f}%)",
        f"flagged at the right characters: {st.right_sentences}/{st.misspelt_flagged} sentences; "
        f"{st.right_findings}/{st.findings} findings ({100 * st.right_finding_rate:.1f}%)",
    ]
    if show:
        lines += [f"  false alarm {r} {m!r}: {s}" for r, m, s in st.false_alarms]
        lines += [f"  misplaced   {r} {m!r}: {s}" for r, m, s in st.misplaced]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    show = "--show" in argv
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else DATA
    if not path.is_file():
        print(f"no data at {path}", file=sys.stderr)
        return 2
    rows = read_pairs(path)
    typo = Checker(Config(select=("typo",)), today=lambda: FIXED_TODAY)
    everything = Checker(Config(), today=lambda: FIXED_TODAY)
    print(report("typo rules (T001, T002)", evaluate(typo, rows), show))
    print(report("all rules", evaluate(everything, rows), show))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
