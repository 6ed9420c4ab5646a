"""What every annotator shares: a finding as a note (the words a comment or a mark shows, and the
fix, if it is safe to apply), and which fixes are safe."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import CATEGORY_NAMES, SEVERITY_NAMES, Finding, GkcheckError

# a fix is applied only where the replacement is unambiguous: a dictionary typo or variant with one
# suggestion, stacked or half-width punctuation, and the masked form of personal data
FIX_RULES = frozenset({"T001", "T002", "F003", "F004"})
_SEVERAL = re.compile(r"[或/／、；;]|\s")


class AnnotateError(GkcheckError):
    """The file cannot be annotated (cannot be parsed, or is of a type without annotations)."""


class Unsupported(AnnotateError):
    """The file is of a type that has no annotated form (text, CSV, PDF)."""


@dataclass(frozen=True)
class Note:
    """A finding and, when it is safe to apply, the text to put in place of its match."""

    finding: Finding
    shown: str                 # the match as people may see it (personal data masked)
    fix: str | None = None

    @property
    def whole_file(self) -> bool:
        loc = self.finding.location
        return not self.finding.match or (loc.line is None and loc.paragraph is None and loc.cell is None)

    def lines(self) -> list[str]:
        f = self.finding
        head = f"{f.rule} {SEVERITY_NAMES[f.severity]}·{CATEGORY_NAMES[f.category]}：{f.message}"
        out = [head]
        if self.shown:
            out.append(f"原文：{self.shown}")
        if f.suggestion:
            out.append(f"建议改为：{f.suggestion}")
        elif f.suggestion == "":
            out.append("建议删除")
        elif self.fix is not None:
            out.append(f"建议改为：{self.fix}" if self.fix else "建议删除")
        elif f.advice:
            out.append(f"建议：{f.advice}")
        if f.note:
            out.append(f"说明：{f.note}")
        return out

    def title(self) -> str:
        return "\n".join(self.lines())


def safe_fix(finding: Finding) -> str | None:
    """The replacement for ``finding.match`` when applying it needs no judgement, else None."""
    if not finding.match:
        return None
    if (finding.location.hidden or "").startswith(("脚本", "隐藏表单", "表单提交值", "密码框")):
        return None   # text inside a script or a form's submitted value: editing it may break the page
    if finding.category == "privacy":
        from ..masking import DEFAULT_POLICY
        from ..masking.files import masked_value

        masked = masked_value(finding, DEFAULT_POLICY)
        return masked if masked != finding.match else None
    if finding.rule not in FIX_RULES or finding.suggestion is None:
        return None
    if finding.rule in ("T001", "T002") and (not finding.suggestion or _SEVERAL.search(finding.suggestion)):
        return None
    return finding.suggestion if finding.suggestion != finding.match else None


def notes_for(findings: list[Finding], fix: bool) -> list[Note]:
    from ..reporters import private_values, shown_match

    private = private_values(findings)
    return [Note(f, shown_match(f, private), safe_fix(f) if fix else None) for f in findings]
