"""``gkcheck mask``: desensitized (脱敏) copies of documents, and :func:`mask_bytes` for CMS plugins.

Flow for one file: check it with the privacy rules → turn every ``privacy`` finding into an
:class:`~gkcheck.masking.edits.Edit` (its match masked by a :class:`~gkcheck.masking.MaskPolicy`) →
the format's masker writes the masked characters at the finding's location → the copy is
checked again, and masked again if anything is left (at most :data:`ROUNDS` times). A copy that
still holds personal data in full is never written.

>>> from gkcheck.masking.files import mask_bytes
>>> result = mask_bytes("联系电话：13907971234（申请人本人）".encode(), "a.txt")
>>> result.data.decode()
'联系电话：139****1234（申请人本人）'
>>> result.items[0].location.describe()
'第1行第6字'
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..checker import Checker
from ..config import Config
from .edits import Applied, Edit, MaskError, masker_for
from . import DEFAULT_POLICY, MaskPolicy, mask_value
from ..model import FileResult, Finding, GkcheckError, Location

ROUNDS = 3
UNDER_MASKED = "P008"
# what ``--keep`` and ``[options.mask.keep]`` accept → the MaskPolicy field
KEEP_KINDS = {"id": "id", "mobile": "mobile", "phone": "mobile", "landline": "landline",
              "bank": "bank", "passport": "passport", "email": "email"}
KIND_NAMES = {"id": "身份证号码", "id15": "身份证号码", "mobile": "手机号码", "bank": "银行卡号",
              "passport": "护照/通行证号码", "email": "电子邮箱", "address": "家庭住址",
              "landline": "固定电话", "idcode": "含身份证号码的证件号码", None: "个人信息"}


@dataclass(frozen=True)
class MaskItem:
    """One value that was masked: the rule that found it, its kind, where it is and what it
    became. The original value is deliberately not kept, so a log of these leaks nothing."""

    rule: str
    kind: str | None
    location: Location
    masked: str
    note: str | None = None

    def describe(self) -> str:
        text = f"{self.location.describe()}  {self.rule} {KIND_NAMES.get(self.kind, '个人信息')} → {self.masked}"
        return text + (f"（{self.note}）" if self.note else "")


@dataclass(frozen=True)
class MaskResult:
    """The masked bytes, what was masked, and privacy findings left only because the policy keeps
    more characters than the privacy rules accept (``remaining``: say so, the copy is written)."""

    data: bytes
    items: tuple[MaskItem, ...]
    type: str | None
    encoding: str | None = None
    remaining: tuple[Finding, ...] = ()


# -- policy --------------------------------------------------------------------------------------

def parse_keep(spec: str) -> tuple[str, tuple[int, int]]:
    """``id=6,4`` → ``("id", (6, 4))``."""
    kind, sep, numbers = spec.partition("=")
    kind = kind.strip().lower()
    m = re.fullmatch(r"\s*(\d{1,2})\s*[,，]\s*(\d{1,2})\s*", numbers)
    if not sep or kind not in KEEP_KINDS or not m:
        raise GkcheckError(f"无法识别的保留位数：{spec}（写法如 id=6,4；类别可为 "
                           f"{'、'.join(KEEP_KINDS)}）")
    return KEEP_KINDS[kind], (int(m.group(1)), int(m.group(2)))


def _pairs(value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, Mapping):
        return value.items()
    if isinstance(value, tuple) and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return value  # a frozen TOML table
    raise GkcheckError("[options.mask] 中 keep 应为表，如 keep = { id = [6, 4] }")


def policy_from(options: Mapping[str, Any] | None = None, keep: Sequence[str] = (),
                char: str | None = None, base: MaskPolicy = DEFAULT_POLICY) -> MaskPolicy:
    """The policy from ``[options.mask]`` of the configuration, then ``--keep``/``--char``."""
    options = dict(options or {})
    unknown = set(options) - {"keep", "char"}
    if unknown:
        raise GkcheckError(f"[options.mask] 中有未知配置项：{', '.join(sorted(unknown))}（可用 keep、char）")
    changes: dict[str, Any] = {}
    for kind, value in _pairs(options.get("keep", {})):
        if isinstance(value, (list, tuple)) and len(value) == 2:
            value = ",".join(str(v) for v in value)
        name, pair = parse_keep(f"{kind}={value}")
        changes[name] = pair
    for spec in keep:
        name, pair = parse_keep(spec)
        changes[name] = pair
    mask_char = char if char is not None else options.get("char")
    if mask_char is not None:
        if not isinstance(mask_char, str) or len(mask_char) != 1 or mask_char.isalnum() or mask_char.isspace():
            raise GkcheckError(f"遮盖字符应为一个非字母数字的字符（如 * 或 ＊），不能是：{mask_char!r}")
        changes["char"] = mask_char
    known = {f.name for f in fields(MaskPolicy)}
    missing = set(changes) - known
    if missing:
        raise GkcheckError(f"脱敏规则不支持：{', '.join(sorted(missing))}")
    return replace(base, **changes)


# -- one file ------------------------------------------------------------------------------------

UNCHECKED = "H005"  # content the reader could not read (docs/formats.md): no copy can be vouched for


def privacy_checker(config: Config | None = None) -> Checker:
    """A checker running only the privacy rules and H005 (content that could not be read; the
    configuration's ``ignore`` still applies)."""
    return Checker((config or Config()).with_overrides(select=("privacy", UNCHECKED)))


_KIND_BY_RULE: dict[str, str] = {}
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _kind(finding: Finding) -> str | None:
    if not _KIND_BY_RULE:
        from ..detectors.privacy import RULES

        for kind, code in RULES.items():
            _KIND_BY_RULE.setdefault(code, kind)
    kind = _KIND_BY_RULE.get(finding.rule)
    if kind is not None:
        return kind
    if _HAN.search(finding.match):
        return "address"
    return None  # under-masked: mask_value guesses the kind from the value's shape


def masked_value(finding: Finding, policy: MaskPolicy) -> str:
    return mask_value(finding.match, kind=_kind(finding), policy=policy, char=policy.char)


def _targets(result: FileResult) -> list[Finding]:
    return [f for f in result.findings if f.category == "privacy" and f.match]


def mask_bytes(data: bytes, filename: str, policy: MaskPolicy = DEFAULT_POLICY, *,
               checker: Checker | None = None, publish_date: date | str | None = None) -> MaskResult:
    """Mask the personal data in one file given as bytes (type from the content, as in a scan).

    Returns the masked bytes (``data`` itself when nothing was found) and what was masked;
    raises :class:`~gkcheck.model.GkcheckError` (message in Chinese) when the file cannot be
    read, cannot be masked or would still hold personal data. Build ``checker`` once with
    :func:`privacy_checker` when masking many files."""
    checker = checker or privacy_checker()
    result = checker.check_bytes(data, filename, publish_date=publish_date, expand_columns=True)
    if result.status != "ok":
        raise MaskError(result.error or "无法读取文件")
    unread = [f for f in result.findings if f.rule == UNCHECKED]
    if unread:
        raise MaskError(f"文件中有未能检查的内容（{unread[0].message}），无法确认副本中没有个人信息，未生成副本")
    kind, encoding = result.type, result.encoding
    items: list[MaskItem] = []
    current = data
    for _ in range(ROUNDS):
        edits = [Edit(f, new) for f in _targets(result) if (new := masked_value(f, policy)) != f.match]
        if not edits:
            break
        outcome = masker_for(kind or "")(current, filename, edits)
        if outcome.missed:
            where = "；".join(e.finding.location.describe() for e in outcome.missed[:5])
            raise MaskError(f"有 {len(outcome.missed)} 处个人信息在文件中找不到可替换的文字（{where}），未生成副本")
        items.extend(_item(a) for a in outcome.applied)
        current = outcome.data
        result = checker.check_bytes(current, filename, publish_date=publish_date, expand_columns=True)
        if result.status != "ok":
            raise MaskError(f"脱敏后的副本无法重新读取（{result.error}），未生成副本")
    left = _targets(result)
    full = [f for f in left if masked_value(f, policy) != f.match]
    if full:
        where = "；".join(f"{f.location.describe()} {f.rule}" for f in full[:5])
        raise MaskError(f"脱敏 {ROUNDS} 轮后仍检出 {len(full)} 处个人信息（{where}），未生成副本")
    return MaskResult(current, tuple(items), kind, encoding, tuple(left))


def _item(applied: Applied) -> MaskItem:
    f = applied.edit.finding
    return MaskItem(f.rule, _kind(f), applied.location, applied.edit.new, applied.note)


# -- many files ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileOutcome:
    source: Path
    target: Path | None
    result: MaskResult | None = None
    error: str | None = None


def plan(paths: Sequence[Path], output: Path, exclude: tuple[str, ...] = ()) -> list[tuple[Path, Path | None, str | None]]:
    """``(source, target, error)`` for every file: a named file goes to ``output/name``, a file
    found in a folder to ``output/`` + its path relative to that folder. The output folder itself
    is never walked."""
    from ..walk import iter_files

    out_real = output.resolve()
    todo: list[tuple[Path, Path | None, str | None]] = []
    seen: dict[Path, Path] = {}
    for root in paths:
        for path, err in iter_files([root], exclude):
            real = path.resolve()
            if out_real in real.parents:
                if root.is_dir():
                    continue  # the copies of an earlier run
                todo.append((path, None, "文件位于输出目录中"))
                continue
            if err:
                todo.append((path, None, err))
                continue
            rel = path.relative_to(root) if root.is_dir() else Path(path.name)
            target = output / rel
            t_real = target.resolve()
            if t_real == real or _same_file(target, path):   # a symbolic or a hard link
                todo.append((path, None, "输出文件就是原文件，原文件不会被修改"))
            elif t_real in seen:
                todo.append((path, None, f"与 {seen[t_real]} 的输出文件同名（{target}）"))
            else:
                seen[t_real] = path
                todo.append((path, target, None))
    return todo


def _same_file(a: Path, b: Path) -> bool:
    from ..output import file_id

    ident = file_id(a)
    return ident is not None and ident == file_id(b)


def mask_file(source: Path, target: Path, policy: MaskPolicy, checker: Checker, *,
              overwrite: bool = False) -> FileOutcome:
    from ..output import write_atomic

    if not overwrite and target.exists():
        return FileOutcome(source, target, error=f"输出文件已存在：{target}（如需覆盖请加 --overwrite）")
    try:
        size = os.path.getsize(source)
        if size > checker.config.max_file_bytes:
            raise MaskError(f"文件过大（{size // 2**20} MB，上限 {checker.config.max_file_bytes // 2**20} MB）")
        data = source.read_bytes()
    except OSError as exc:
        return FileOutcome(source, target, error=f"无法打开文件：{exc.strerror or exc}")
    except GkcheckError as exc:
        return FileOutcome(source, target, error=str(exc))
    try:
        result = mask_bytes(data, str(source), policy, checker=checker)
    except GkcheckError as exc:
        return FileOutcome(source, target, error=str(exc))
    except Exception as exc:  # a masker bug or a hostile file: that file's error, never a crash
        return FileOutcome(source, target, error=f"无法脱敏（{type(exc).__name__}：{exc}）")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, result.data, overwrite=overwrite)
    except FileExistsError:
        return FileOutcome(source, target, error=f"输出文件已存在：{target}（如需覆盖请加 --overwrite）")
    except OSError as exc:
        return FileOutcome(source, target, error=f"无法写入 {target}：{exc.strerror or exc}")
    return FileOutcome(source, target, result)


def report_lines(outcome: FileOutcome) -> list[str]:
    result = outcome.result
    assert result is not None
    head = f"{outcome.source} → {outcome.target}"
    if not result.items:
        lines = [f"{head}：未发现个人信息，原样复制"]
    else:
        enc = f"，编码 {result.encoding} 保持不变" if result.encoding and result.type in (
            "text", "csv", "markdown", "html") else ""
        lines = [f"{head}：脱敏 {len(result.items)} 处{enc}"]
        lines += [f"  {outcome.source}:{item.describe()}" for item in result.items]
    for f in result.remaining:
        lines.append(f"  注意 {outcome.source}:{f.location.describe()} {f.rule} 按当前脱敏规则仍显示过多：{f.message}")
    return lines


__all__ = ["MaskItem", "MaskResult", "mask_bytes", "policy_from", "privacy_checker"]
