"""Write docs/rules/: one page per rule (the text `gkcheck explain` prints, plus the dictionaries
that feed a dictionary rule) and an index. tests/test_rule_docs.py fails when a page is stale.

    .venv/bin/python scripts/gen_rule_docs.py
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from gkcheck.dictionary import bundled_dictionaries, load_dictionary
from gkcheck.model import CATEGORIES
from gkcheck.model import CATEGORY_NAMES
from gkcheck.resources import data_dir
from gkcheck.rules import Rule, load_rules

OUT = Path(__file__).resolve().parents[1] / "docs" / "rules"


def pages() -> dict[str, str]:
    """File name → content of every page under docs/rules/."""
    rules = load_rules()
    feeds: dict[str, list[str]] = defaultdict(list)
    for path in bundled_dictionaries(data_dir("dictionaries")):
        d = load_dictionary(path)
        feeds[d.rule].append(f"- `dictionaries/{path.name}`：{d.title}，{len(d.entries)} 条"
                             + (f"，允许词 {len(d.allowed)} 个" if d.allowed else "")
                             + f"。依据：{d.basis}")
    out = {f"{r.code}.md": page(r, feeds.get(r.code, [])) for r in rules.values()}
    out["README.md"] = index(list(rules.values()))
    return out


def page(rule: Rule, dictionaries: list[str]) -> str:
    text = rule.doc_markdown().rstrip("\n") + "\n"
    if dictionaries:
        text += "\n## 词典\n\n" + "\n".join(dictionaries) + "\n"
    return text


def index(rules: list[Rule]) -> str:
    lines = ["# 规则一览", "",
             "本目录由 `scripts/gen_rule_docs.py` 从 `rules/*.toml` 和 `dictionaries/` 生成，请勿手改；"
             "`gkcheck explain 编号` 在命令行显示同样的内容。", ""]
    for category in CATEGORIES:
        members = [r for r in rules if r.category == category]
        if not members:
            continue
        lines += [f"## {CATEGORY_NAMES.get(category, category)}（`{category}`）", "",
                  "| 编号 | 名称 | 默认级别 | 提示 |", "|---|---|---|---|"]
        lines += [f"| [{r.code}]({r.code}.md) | `{r.name}` | {r.severity} | {r.message} |" for r in members]
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for stale in set(p.name for p in OUT.glob("*.md")) - set(wanted):
        (OUT / stale).unlink()
    for name, content in wanted.items():
        (OUT / name).write_text(content, "utf-8")
    print(f"wrote {len(wanted)} pages to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
