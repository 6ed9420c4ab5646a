"""docs/rules/ is generated from the rule packs and dictionaries and must not go stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from gkcheck.rules import load_rules

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "rules"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", REPO / "scripts" / "gen_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_rule_has_a_current_page():
    wanted = _generator().pages()
    on_disk = {p.name: p.read_text("utf-8") for p in DOCS.glob("*.md")}
    assert set(on_disk) == set(wanted), "run: .venv/bin/python scripts/gen_rule_docs.py"
    stale = [name for name in wanted if on_disk[name] != wanted[name]]
    assert stale == [], f"stale pages {stale}; run: .venv/bin/python scripts/gen_rule_docs.py"


def test_pages_say_what_explain_says():
    for rule in load_rules().values():
        text = (DOCS / f"{rule.code}.md").read_text("utf-8")
        assert text.startswith(rule.doc_markdown().rstrip("\n"))
        for heading in ("## 检查什么", "## 为什么", "## 怎么改", "## 依据"):
            assert heading in text, (rule.code, heading)


def test_dictionary_rules_name_their_dictionaries():
    t001 = (DOCS / "T001.md").read_text("utf-8")
    assert "dictionaries/typo-idiom.tsv" in t001 and "依据：" in t001
    index = (DOCS / "README.md").read_text("utf-8")
    assert all(f"[{code}]({code}.md)" in index for code in load_rules())
