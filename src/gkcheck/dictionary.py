"""Dictionary files: wrong→right word lists with their provenance, loaded into entries.

Format (UTF-8, one entry a line, ``#`` starts a comment)::

    # rule: T001                      which rule the entries belong to (required)
    # title: 常见错别字                what the file covers
    # basis: 《现代汉语词典》第7版 ...   the standard, regulation or usage source (required)
    # default: near!=打击|整治          conditions every entry of the file gets (optional)
    错误写法<TAB>正确写法<TAB>说明<TAB>条件
    =正确的长词                        an allowed word: a hit inside it is not reported

The suggestion may be empty (sensitive words: delete). Conditions, joined by ``;``:
``before=RE`` / ``before!=RE`` (the text just before must / must not end with RE),
``after=RE`` / ``after!=RE`` (the text just after must / must not start with RE),
``near=RE`` / ``near!=RE`` (the sentence must / must not contain RE), ``word`` (the hit must
start and end on word boundaries, decided by segmentation), ``since=YYYY-MM-DD`` (only in
documents dated on or after), ``severity=error|warning|info``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .model import SEVERITIES, GkcheckError

_REGEX_KEYS = ("before", "before!", "after", "after!", "near", "near!")


@dataclass(frozen=True)
class Conditions:
    before: re.Pattern[str] | None = None
    not_before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None
    not_after: re.Pattern[str] | None = None
    near: re.Pattern[str] | None = None
    not_near: re.Pattern[str] | None = None
    word: bool = False
    since: date | None = None
    severity: str | None = None

    @property
    def needs_context(self) -> bool:
        return any((self.before, self.not_before, self.after, self.not_after, self.near,
                    self.not_near, self.word, self.since))


NO_CONDITIONS = Conditions()


@dataclass(frozen=True)
class Entry:
    match: str
    suggestion: str | None  # None for an allowed word
    rule: str | None        # None for an allowed word
    note: str = ""
    conditions: Conditions = NO_CONDITIONS
    source: str = ""


@dataclass(frozen=True)
class DictionaryFile:
    path: Path
    rule: str
    title: str
    basis: str
    entries: tuple[Entry, ...]
    allowed: tuple[str, ...]


def parse_conditions(spec: str, where: str, inherited: dict[str, str] | None = None) -> Conditions:
    items = dict(inherited or {})
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        if part == "word":
            items["word"] = ""
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise GkcheckError(f"{where}: 无法识别的条件 {part!r}")
        items[key.strip()] = value.strip()
    kwargs: dict[str, object] = {}
    for key, value in items.items():
        if key in _REGEX_KEYS:
            try:
                if key.startswith("before"):
                    pattern = re.compile(f"(?:{value})$")
                elif key.startswith("after"):
                    pattern = re.compile(f"(?:{value})")
                else:
                    pattern = re.compile(value)
            except re.error as exc:
                raise GkcheckError(f"{where}: 条件 {key} 的正则表达式有误：{exc}") from None
            field = {"before": "before", "before!": "not_before", "after": "after",
                     "after!": "not_after", "near": "near", "near!": "not_near"}[key]
            kwargs[field] = pattern
        elif key == "word":
            kwargs["word"] = True
        elif key == "since":
            try:
                kwargs["since"] = date.fromisoformat(value)
            except ValueError:
                raise GkcheckError(f"{where}: since 需要 YYYY-MM-DD 格式的日期：{value}") from None
        elif key == "severity":
            if value not in SEVERITIES:
                raise GkcheckError(f"{where}: 级别 {value} 无效")
            kwargs["severity"] = value
        else:
            raise GkcheckError(f"{where}: 未知条件 {key}")
    return Conditions(**kwargs) if kwargs else NO_CONDITIONS


def _default_items(spec: str) -> dict[str, str]:
    items: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        key, _, value = part.partition("=")
        items[key.strip()] = value.strip()
    return items


def load_dictionary(path: Path, rule: str | None = None) -> DictionaryFile:
    """Parse one dictionary file. ``rule`` overrides the file's ``# rule:`` header (user files)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GkcheckError(f"无法读取词典 {path}：{exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GkcheckError(f"词典 {path} 不是 UTF-8 编码") from None
    header: dict[str, str] = {}
    entries: list[Entry] = []
    allowed: list[str] = []
    defaults: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        where = f"{path}:{lineno}"
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped.lstrip("#").strip().partition(":")
            if sep and key.strip().isascii() and key.strip().isalpha() and not entries:
                header[key.strip().lower()] = value.strip()
                if key.strip().lower() == "default":
                    defaults = _default_items(value)
                    parse_conditions("", where, defaults)  # validate once
            continue
        if stripped.startswith("="):
            word = stripped[1:].strip()
            if word:
                allowed.append(word)
            continue
        cols = line.rstrip("\r\n").split("\t")
        wrong = cols[0].strip()
        right = cols[1].strip() if len(cols) > 1 else ""
        note = cols[2].strip() if len(cols) > 2 else ""
        cond = cols[3].strip() if len(cols) > 3 else ""
        if not wrong:
            raise GkcheckError(f"{where}: 缺少错误写法")
        if wrong == right:
            raise GkcheckError(f"{where}: 错误写法与正确写法相同：{wrong}")
        entries.append(Entry(wrong, right or "", "", note,
                             parse_conditions(cond, where, defaults), f"{path.name}:{lineno}"))
    rule_code = rule or header.get("rule")
    if not rule_code:
        raise GkcheckError(f"{path}: 缺少 '# rule:' 头，不知道这些词条属于哪条规则")
    basis = header.get("basis", "")
    if rule is None and not basis:
        raise GkcheckError(f"{path}: 缺少 '# basis:' 头（词条依据）")
    entries = [Entry(e.match, e.suggestion, rule_code, e.note, e.conditions, e.source) for e in entries]
    return DictionaryFile(path, rule_code, header.get("title", path.stem), basis,
                          tuple(entries), tuple(allowed))


def load_allowlist(path: Path) -> tuple[str, ...]:
    """A user allowlist: one correct word a line (a leading ``=`` is accepted), ``#`` comments."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GkcheckError(f"无法读取允许词表 {path}：{exc}") from None
    words = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.lstrip("=").strip())
    return tuple(w for w in words if w)


def bundled_dictionaries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.tsv"))
