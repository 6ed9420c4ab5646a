"""Write dictionaries/cjk-radical-equivalents.txt: CJK radicals (CJK Radicals Supplement, U+2E80-2EFF)
and CJK strokes (U+31C0-31EF) → the unified ideograph that looks the same, from the Unicode Character
Database file EquivalentUnifiedIdeograph.txt (property Equivalent_Unified_Ideograph, UAX #44; Unicode
License v3, which allows copying and redistribution with the copyright notice kept in the output).

Kangxi radicals (U+2F00-2FDF) and compatibility ideographs are not listed: NFKC maps them, and
gkcheck.textview builds those from unicodedata. The text view reads this file to normalise text for
matching (docs/architecture.md, "Normalisation").

    apt-get install unicode-data    # Debian: /usr/share/unicode/EquivalentUnifiedIdeograph.txt
    .venv/bin/python scripts/build_radical_equivalents.py [path/to/EquivalentUnifiedIdeograph.txt]
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

SOURCE = Path("/usr/share/unicode/EquivalentUnifiedIdeograph.txt")
OUT = Path(__file__).resolve().parents[1] / "dictionaries" / "cjk-radical-equivalents.txt"
BLOCKS = ((0x2E80, 0x2EFF), (0x31C0, 0x31EF))
LINE = re.compile(r"^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*([0-9A-F]{4,6})")


def mappings(text: str) -> list[tuple[int, int]]:
    out = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        lo = int(m.group(1), 16)
        hi = int(m.group(2) or m.group(1), 16)
        target = int(m.group(3), 16)
        for cp in range(lo, hi + 1):
            if any(a <= cp <= b for a, b in BLOCKS) and unicodedata.normalize("NFKC", chr(cp)) == chr(cp):
                out.append((cp, target))
    return out


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    text = source.read_text(encoding="utf-8")
    header = [line for line in text.splitlines()[:5] if line.startswith("#")]
    rows = mappings(text)
    lines = ["# title: CJK 部首、笔画与形同的统一汉字（检查前把形近字符换成普通汉字）",
             f"# source: Unicode Character Database, {source.name}（{header[0].lstrip('# ') if header else ''}）",
             "# licence: Unicode License Agreement for Data Files and Software (https://www.unicode.org/license.txt); notice kept below",
             *[f"# upstream: {h.lstrip('# ')}" for h in header[1:4]],
             "# filter: CJK Radicals Supplement (U+2E80-2EFF) and CJK Strokes (U+31C0-31EF) that NFKC leaves alone",
             "# built by: scripts/build_radical_equivalents.py",
             "# columns: radical or stroke<TAB>unified ideograph<TAB>code points"]
    lines += [f"{chr(a)}\t{chr(b)}\tU+{a:04X} → U+{b:04X}" for a, b in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} mappings to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
