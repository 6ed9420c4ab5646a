"""The rule table: every rule gkcheck can report, loaded from the TOML files in ``rules/``.

A rule is data: a stable code (``T001``), a kebab-case name, a category, a default severity,
a one-line Chinese message, its documentation, and examples that must and must not fire
(tests run them all). Detectors emit hits by rule code; the engine takes category, severity
and message from here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .model import CATEGORIES, SEVERITIES, GkcheckError
from .resources import data_dir


@dataclass(frozen=True)
class Example:
    text: str
    filename: str | None = None
    publish_date: str | None = None
    match: str | None = None  # for hits: the exact text the finding must carry


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: str
    severity: str
    message: str
    detector: str
    summary: str
    why: str
    fix: str
    basis: str
    hit: tuple[Example, ...] = ()
    miss: tuple[Example, ...] = ()
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def doc_markdown(self) -> str:
        """The rule's documentation page (docs/rules/CODE.md and `gkcheck explain`)."""
        lines = [f"# {self.code} {self.name}", "", f"- 类别：`{self.category}`",
                 f"- 默认级别：`{self.severity}`", f"- 提示：{self.message}", "",
                 "## 检查什么", "", self.summary.strip(), "", "## 为什么", "", self.why.strip(), "",
                 "## 怎么改", "", self.fix.strip(), "", "## 依据", "", self.basis.strip(), ""]
        if self.hit:
            lines += ["## 会报告", ""] + [f"- {_show(e)}" for e in self.hit] + [""]
        if self.miss:
            lines += ["## 不会报告", ""] + [f"- {_show(e)}" for e in self.miss] + [""]
        return "\n".join(lines)


def _show(e: Example) -> str:
    from .textview import INVISIBLE_CHAR

    # a character nobody sees is shown by its code point (an example of hidden characters)
    text = INVISIBLE_CHAR.sub(lambda m: f"<U+{ord(m.group()):04X}>", e.text.replace("\n", "⏎"))
    return f"`{text}`" + (f"（{e.filename}）" if e.filename else "")


def _example(raw: Any) -> Example:
    if isinstance(raw, str):
        return Example(raw)
    return Example(raw["text"], raw.get("filename"), raw.get("publish_date"), raw.get("match"))


def _rule(raw: dict[str, Any], source: Path) -> Rule:
    try:
        rule = Rule(
            code=raw["code"], name=raw["name"], category=raw["category"],
            severity=raw["severity"], message=raw["message"], detector=raw["detector"],
            summary=raw["summary"], why=raw["why"], fix=raw["fix"], basis=raw["basis"],
            hit=tuple(_example(x) for x in raw.get("hit", ())),
            miss=tuple(_example(x) for x in raw.get("miss", ())),
            options=dict(raw.get("options", {})),
        )
    except KeyError as exc:
        raise GkcheckError(f"{source}: 规则缺少字段 {exc}") from None
    if rule.category not in CATEGORIES:
        raise GkcheckError(f"{source}: 规则 {rule.code} 的类别 {rule.category} 不在 {CATEGORIES} 中")
    if rule.severity not in SEVERITIES:
        raise GkcheckError(f"{source}: 规则 {rule.code} 的级别 {rule.severity} 无效")
    return rule


@cache
def load_rules(folder: Path | None = None) -> dict[str, Rule]:
    """All rules by code, from every ``*.toml`` in ``folder`` (default: the bundled rules)."""
    folder = folder or data_dir("rules")
    rules: dict[str, Rule] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for raw in data.get("rule", ()):
            rule = _rule(raw, path)
            if rule.code in rules:
                raise GkcheckError(f"{path}: 规则编号 {rule.code} 重复")
            rules[rule.code] = rule
    return rules


def resolve_selector(selector: str, rules: dict[str, Rule]) -> set[str]:
    """Codes matched by a ``--select``/``--ignore`` value: a code, a code prefix, a rule name or a
    category. An unknown selector is a usage error."""
    s = selector.strip()
    if s in CATEGORIES:
        return {c for c, r in rules.items() if r.category == s}
    by_name = {r.name: c for c, r in rules.items()}
    if s in by_name:
        return {by_name[s]}
    hits = {c for c in rules if c.upper().startswith(s.upper())}
    if not hits:
        raise GkcheckError(f"未知的规则或类别：{selector}（用 gkcheck rules 查看全部规则）")
    return hits
