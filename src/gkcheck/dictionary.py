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

import os
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .model import SEVERITIES, GkcheckError

_REGEX_KEYS = ("before", "before!", "after", "after!", "near", "near!")


class LazyPattern:
    """A condition's regular expression, compiled when first used. The bundled dictionaries hold
    ~160 distinct ones; compiling them all took 45-85 ms of every start, and a page meets a few.
    (Their syntax is checked by tests/test_dictionaries.py; a user's file is compiled at load.)"""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def search(self, string: str) -> re.Match[str] | None:
        return self.compiled().search(string)

    def match(self, string: str) -> re.Match[str] | None:
        return self.compiled().match(string)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


Pattern = re.Pattern[str] | LazyPattern


@dataclass(frozen=True)
class Conditions:
    before: Pattern | None = None
    not_before: Pattern | None = None
    after: Pattern | None = None
    not_after: Pattern | None = None
    near: Pattern | None = None
    not_near: Pattern | None = None
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


def parse_conditions(spec: str, where: str, inherited: dict[str, str] | None = None, *,
                     compile_now: bool = True) -> Conditions:
    """``compile_now=False`` (bundled dictionaries) leaves the regular expressions to be
    compiled when first used."""
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
            if key.startswith("before"):
                source = f"(?:{value})$"
            elif key.startswith("after"):
                source = f"(?:{value})"
            else:
                source = value
            try:
                pattern: Pattern = re.compile(source) if compile_now else LazyPattern(source)
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


def load_dictionary(path: Path, rule: str | None = None, *, bundled: bool = False) -> DictionaryFile:
    """Parse one dictionary file. ``rule`` overrides the file's ``# rule:`` header (user files);
    a ``bundled`` file's condition patterns are compiled when first used.

    A file is parsed once per process while it is unchanged (two detectors read the sensitive
    dictionaries, and a server builds a Checker per configuration)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise GkcheckError(f"无法读取词典 {path}：{exc.strerror}") from None
    return _load_dictionary(path, os.path.abspath(path), rule, bundled, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _load_dictionary(path: Path, where: str, rule: str | None, bundled: bool, mtime_ns: int,
                     size: int) -> DictionaryFile:
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
    parsed: dict[str, Conditions] = {}  # condition text → Conditions (entries share a few)
    shown = str(path)
    for lineno, line in enumerate(text.splitlines(), 1):
        where = f"{shown}:{lineno}"
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped.lstrip("#").strip().partition(":")
            if sep and key.strip().isascii() and key.strip().isalpha() and not entries:
                header[key.strip().lower()] = value.strip()
                if key.strip().lower() == "default":
                    defaults = _default_items(value)
                    parse_conditions("", where, defaults, compile_now=not bundled)  # validate once
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
        conditions = parsed.get(cond)
        if conditions is None:
            conditions = parsed[cond] = parse_conditions(cond, where, defaults, compile_now=not bundled)
        entries.append(Entry(wrong, right or "", "", note, conditions, f"{path.name}:{lineno}"))
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
