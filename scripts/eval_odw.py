"""Measure gkcheck on the ECSpell "odw" (official document writing) sentences.

Usage: .venv/bin/python scripts/eval_odw.py [path/to/odw.train] [--show] [--half=tune|held|all]
                                            [--typo-level=strict|normal]

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

Then a table per typo layer (rule codes by prefix: the dictionary rules T001/T002, the near-miss
rules T010-T019 and the context check T020-T029 where the rule table has them, and all typo rules
together) on one half of the data: sentence precision, sentence recall and the false-alarm rate.
The halves are fixed: line ``i`` (0-based, data lines only) is in the tuning half when ``i`` is
even, in the held-out half when it is odd. Thresholds are tuned on the tuning half only; the
numbers in docs/detection-quality.md are the held-out half (the default).

- sentence precision: misspelt sentences with a finding on a changed character, over all flagged
  sentences (those, plus correct sentences flagged, plus misspelt ones flagged only elsewhere);
- sentence recall: misspelt sentences with a finding on a changed character, over all misspelt;
- false alarms: correct (``0``) sentences flagged, and corrected targets flagged.
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
    caught: int = 0              # misspelt sentences with at least one finding on a changed char
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

    @property
    def precision(self) -> float:
        flagged = self.misspelt_flagged + self.correct_flagged
        return self.caught / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        return self.caught / self.misspelt if self.misspelt else 0.0


def read_pairs(path: Path = DATA) -> list[tuple[int, str, str]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            rows.append((int(parts[0]), parts[1], parts[2]))
    return rows


def split(rows: list[tuple[int, str, str]], half: str) -> list[tuple[int, str, str]]:
    """The fixed halves: even data lines tune, odd data lines are held out."""
    if half == "all":
        return rows
    keep = 0 if half == "tune" else 1
    return [r for i, r in enumerate(rows) if i % 2 == keep]


def typo_layers(checker: Checker) -> dict[str, tuple[str, ...]]:
    """Layers of the typo rules present in the rule table, by code prefix."""
    codes = set(checker.rules)
    layers = {"词典 T001/T002": ("T001", "T002")}
    if any(c.startswith("T01") for c in codes):
        layers["近形/近音 T010–T019"] = ("T01",)
    if any(c.startswith("T02") for c in codes):
        layers["上下文统计 T020–T029"] = ("T02",)
    layers["全部错别字规则 T"] = ("T",)
    return layers


def evaluate_layers(checker: Checker, rows: list[tuple[int, str, str]],
                    layers: dict[str, tuple[str, ...]]) -> dict[str, Stats]:
    """One check per sentence, its findings split by layer."""
    cache: dict[str, list] = {}

    def check(text: str) -> list:
        if text not in cache:
            cache[text] = checker.check_text(text, publish_date=FIXED_TODAY)
        return cache[text]

    return {name: evaluate(checker, rows, prefixes, check) for name, prefixes in layers.items()}


def evaluate(checker: Checker, rows: list[tuple[int, str, str]], rules: str | tuple[str, ...] | None = None,
             check=None) -> Stats:
    """Check every source sentence; ``rules`` keeps only findings whose code starts with it."""
    st = Stats()
    if check is None:
        def check(text: str) -> list:
            return checker.check_text(text, publish_date=FIXED_TODAY)
    for n, source, target in rows:
        findings = [f for f in check(source) if rules is None or f.rule.startswith(rules)]
        if n == 0 or source == target:
            st.correct += 1
            if findings:
                st.correct_flagged += 1
                st.false_alarms.extend((f.rule, f.match, source) for f in findings)
            continue
        st.misspelt += 1
        st.fixed += 1
        again = [f for f in check(target) if rules is None or f.rule.startswith(rules)]
        if again:
            st.fixed_flagged += 1
            st.false_alarms.extend((f.rule, f.match, target) for f in again)
        changed = {i for i, (a, b) in enumerate(zip(source, target)) if a != b}
        if not findings:
            continue
        st.misspelt_flagged += 1
        all_right, any_right = True, False
        for f in findings:
            st.findings += 1
            start = (f.location.column or 1) - 1
            if changed & set(range(start, start + len(f.match))):
                st.right_findings += 1
                any_right = True
            else:
                all_right = False
                st.misplaced.append((f.rule, f.match, source))
        st.right_sentences += all_right
        st.caught += any_right
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


def layer_table(stats: dict[str, Stats]) -> str:
    lines = ["| 层 / layer | 句子精确率 precision | 句子召回率 recall | 正确句误报 correct flagged "
             "| 改正句误报 targets flagged |", "|---|---|---|---|---|"]
    for name, st in stats.items():
        lines.append(f"| {name} | {st.precision:.3f} ({st.caught}/{st.misspelt_flagged + st.correct_flagged}) "
                     f"| {st.recall:.3f} ({st.caught}/{st.misspelt}) "
                     f"| {100 * st.correct_flagged_rate:.2f}% ({st.correct_flagged}/{st.correct}) "
                     f"| {100 * st.fixed_flagged / max(st.fixed, 1):.2f}% ({st.fixed_flagged}/{st.fixed}) |")
    return "\n".join(lines)


def _option(argv: list[str], name: str, default: str) -> str:
    for a in argv:
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return default


def main(argv: list[str]) -> int:
    show = "--show" in argv
    half = _option(argv, "half", "held")
    level = _option(argv, "typo-level", "normal")
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else DATA
    if not path.is_file():
        print(f"no data at {path}", file=sys.stderr)
        return 2
    rows = split(read_pairs(path), half)
    typo = Checker(Config(select=("typo",), typo_level=level), today=lambda: FIXED_TODAY)
    everything = Checker(Config(typo_level=level), today=lambda: FIXED_TODAY)
    print(f"odw.train, half={half} ({len(rows)} lines), typo-level={level}")
    layers = evaluate_layers(typo, rows, typo_layers(typo))
    print(layer_table(layers))
    for name, st in layers.items():
        print(report(name, st, show))
    print(report("all rules", evaluate(everything, rows), show))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
