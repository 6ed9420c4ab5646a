"""A pre-save hook for a CMS written in Python: gkcheck decides whether an article may be saved.

The CMS calls :func:`before_save` with the article (title, body HTML, publication date and the
attached files) when an editor clicks 保存/发布. The hook

- refuses the article when anything of severity ``error`` is found (the 单项否决 kind) and says
  what to change, where;
- lets it through with notes when only warnings are found;
- offers desensitized copies of attachments that hold personal data (the originals stay as
  uploaded; the CMS decides whether to store the copies instead).

Run it to see the verdicts on the bundled example pages::

    .venv/bin/python examples/cms_plugin.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gkcheck import Checker, Finding, GkcheckError, load_config
from gkcheck.masking.files import mask_bytes
from gkcheck.reporters import shown_match

# Built once when the CMS loads the plugin; shared by every request and thread.
CHECKER = Checker(load_config())


@dataclass
class Article:
    title: str
    body_html: str
    publish_date: date | str | None = None
    attachments: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Verdict:
    allowed: bool
    messages: list[str]                                   # for the editor, in Chinese
    masked_attachments: dict[str, bytes] = field(default_factory=dict)


def before_save(article: Article) -> Verdict:
    errors: list[str] = []
    notes: list[str] = []
    masked: dict[str, bytes] = {}

    def sort(where: str, findings: tuple[Finding, ...] | list[Finding]) -> None:
        for f in findings:
            place = f.location.describe()   # 正文第2段“…”: already says where in the article
            line = f"{place if place.startswith(where) else where + ' ' + place}：{f.message}“{shown_match(f)}”"
            if f.suggestion:
                line += f"，应为“{f.suggestion}”"
            elif f.advice:
                line += f"；{f.advice}"
            (errors if f.severity == "error" else notes).append(line)

    sort("标题", CHECKER.check_text(article.title, publish_date=article.publish_date))
    sort("正文", CHECKER.check_text(article.body_html, filename="body.html",
                                    publish_date=article.publish_date))
    for name, data in article.attachments.items():
        result = CHECKER.check_bytes(data, name, publish_date=article.publish_date)
        if result.status == "error":   # fail closed: an attachment nobody can check is not clean
            errors.append(f"附件 {name} 无法检查：{result.error}")
            continue
        sort(f"附件 {name}", result.findings)
        if any(f.category == "privacy" for f in result.findings):
            try:
                masked[name] = mask_bytes(data, name).data
            except GkcheckError as exc:
                notes.append(f"附件 {name} 无法自动脱敏：{exc}")
    return Verdict(not errors, errors + notes, masked)


def main(paths: list[str]) -> int:
    refused = 0
    for path in paths or sorted(str(p) for p in (Path(__file__).parent).glob("*.htm*")):
        html = Path(path).read_bytes()
        result = CHECKER.check_bytes(html, path)   # the page's own encoding (GBK pages too)
        body = html.decode(result.encoding or "utf-8", errors="replace")
        verdict = before_save(Article(title=Path(path).stem, body_html=body))
        refused += not verdict.allowed
        print(f"{path}: {'可以保存' if verdict.allowed else '拒绝保存'}")
        for message in verdict.messages:
            print(f"  {message}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
