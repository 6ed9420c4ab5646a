"""Configuration: one frozen value built from a TOML file and the command line, passed explicitly.

Looked up (unless a file is given) as ``gkcheck.toml`` or ``[tool.gkcheck]`` in
``pyproject.toml``, from the working folder upward. Keys (all optional)::

    select = ["T", "expression"]      # rule codes, code prefixes, rule names or categories
    ignore = ["E004"]
    exclude = ["archive/**", "*.bak"] # globs on names and relative paths
    fail-on = "error"                 # error | warning | info | never
    jobs = 2
    publish-date = "2024-03-01"       # the date date checks compare against (default: now)
    dictionaries = ["my-typos.tsv"]   # extra dictionary files in the bundled format
    allow = ["某某词"]                 # words never reported
    allowlists = ["allow.txt"]        # files of such words, one a line
    typo-level = "normal"             # statistical typo check T020: strict | normal | off
    ledger = "gkcheck-ledger.db"      # the ledger (整改台账): SQLite file or postgresql:// URL
    site-url = "https://www.example.gov.cn/"   # documents' identity in the ledger: URL + path
    expand-columns = false            # true: one finding per cell in a list column P009 reports
    ocr = true                        # folder walks OCR images too (needs the ocr extra)
    ocr-page-seconds = 60             # time limit of OCR for one image or PDF page
    [units]                           # ledger reports: path or URL prefix = 单位名称
    "jyj/" = "县教育局"
    [severity]                        # per-rule severity overrides
    E004 = "error"
    [options.<detector>]              # detector options (see docs/configuration.md)
    [units]                           # path or URL prefix → responsible unit (整改清单 责任单位)
    "site/jyj/" = "县教育局"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .model import SEVERITIES, GkcheckError

FAIL_ON = ("error", "warning", "info", "never")
TYPO_LEVELS = ("strict", "normal", "off")
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: str = "error"
    jobs: int = 1
    publish_date: date | None = None
    dictionaries: tuple[Path, ...] = ()
    allow: tuple[str, ...] = ()
    allowlists: tuple[Path, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    max_file_bytes: int = MAX_FILE_BYTES
    source: Path | None = None
    ledger: str | None = None                    # docs/ledger.md
    site_url: str | None = None
    units: tuple[tuple[str, str], ...] = ()      # (path or URL prefix, 单位名称), see unit_for
    # False: in a list column that P009 reports, the cells' own privacy findings are folded into
    # the P009 finding (its ``cells``); True: one finding per cell (docs/privacy.md)
    expand_columns: bool = False
    ocr: bool = False                            # a folder walk OCRs the images it meets (docs/formats.md)
    ocr_page_seconds: float | None = None        # OCR time limit per page (None: Limits' default)

    def unit_for(self, path: str) -> str:
        return unit_for(self.units, path)
    typo_level: str = "normal"

    def with_overrides(self, **changes: Any) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def detector_options(self, name: str) -> dict[str, Any]:
        for key, items in self.options:
            if key == name:
                return dict(items)
        return {}


def parse_date(value: str | date | datetime, what: str = "日期") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise GkcheckError(f"无法识别的{what}：{value}（请用 YYYY-MM-DD）") from None


def _norm_prefix(text: str) -> str:
    text = text.replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return text


def unit_for(units: tuple[tuple[str, str], ...], path: str) -> str:
    """The unit responsible for ``path`` (a file path as reported, or a URL): the one whose prefix
    is the longest that ``path`` starts with (``\\`` read as ``/``, a leading ``./`` ignored;
    URLs compared without case in the scheme and host); ``""`` when no prefix matches."""
    target = _norm_prefix(path)
    lowered = target.lower()
    best, best_len = "", -1
    for prefix, unit in units:
        p = _norm_prefix(prefix)
        hit = target.startswith(p) or ("://" in p and lowered.startswith(p.lower()))
        if hit and len(p) > best_len:
            best, best_len = unit, len(p)
    return best


def _units(raw: dict[str, Any], where: Path) -> tuple[tuple[str, str], ...]:
    value = raw.get("units", {})
    if not isinstance(value, dict) or not all(isinstance(k, str) and k.strip() and isinstance(v, str)
                                              and v.strip() for k, v in value.items()):
        raise GkcheckError(f'{where}: units 应为表，每项“路径或网址前缀 = 单位名称”，如 [units] "site/jyj/" = "县教育局"')
    return tuple((k, v.strip()) for k, v in value.items())


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _strings(raw: dict[str, Any], key: str, where: Path) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GkcheckError(f"{where}: {key} 应为字符串列表")
    return tuple(value)


_KNOWN = {"select", "ignore", "exclude", "fail-on", "jobs", "publish-date", "dictionaries",
          "allow", "allowlists", "severity", "options", "max-file-mb", "ledger", "site-url", "units",
          "typo-level", "expand-columns",
          "ocr", "ocr-page-seconds"}


OPTION_TABLES = ("links", "privacy", "mask")  # detectors and commands that take options


def _known_options_table(name: str) -> bool:
    """A built-in table, or one named after a detector plugin (looked up only then)."""
    if name in OPTION_TABLES:
        return True
    from importlib.metadata import entry_points

    return any(ep.name == name for ep in entry_points(group="gkcheck.detectors"))


def config_from_mapping(raw: dict[str, Any], where: Path) -> Config:
    unknown = set(raw) - _KNOWN
    if unknown:
        raise GkcheckError(f"{where}: 未知配置项 {', '.join(sorted(unknown))}")
    base = where.parent
    fail_on = raw.get("fail-on", "error")
    if fail_on not in FAIL_ON:
        raise GkcheckError(f"{where}: fail-on 应为 {'/'.join(FAIL_ON)} 之一")
    severity = raw.get("severity", {})
    for code, sev in severity.items():
        if sev not in SEVERITIES:
            raise GkcheckError(f"{where}: 规则 {code} 的级别 {sev} 无效")
    typo_level = raw.get("typo-level", "normal")
    if typo_level not in TYPO_LEVELS:
        raise GkcheckError(f"{where}: typo-level 应为 {'/'.join(TYPO_LEVELS)} 之一")
    jobs = raw.get("jobs", 1)
    if not isinstance(jobs, int) or jobs < 1:
        raise GkcheckError(f"{where}: jobs 应为正整数")
    options = raw.get("options", {})
    if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
        raise GkcheckError(f"{where}: options 应为表，如 [options.links]")
    unknown_tables = [name for name in options if not _known_options_table(name)]
    if unknown_tables:
        raise GkcheckError(f"{where}: 未知的选项表 {', '.join(f'[options.{n}]' for n in unknown_tables)}"
                           f"（可用 {', '.join(f'[options.{n}]' for n in OPTION_TABLES)}）")
    for key in ("ledger", "site-url"):
        if key in raw and not isinstance(raw[key], str):
            raise GkcheckError(f"{where}: {key} 应为字符串")
    if not isinstance(raw.get("expand-columns", False), bool):
        raise GkcheckError(f"{where}: expand-columns 应为 true 或 false")
    if not isinstance(raw.get("ocr", False), bool):
        raise GkcheckError(f"{where}: ocr 应为 true 或 false")
    seconds = raw.get("ocr-page-seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                or not 1 <= seconds <= 3600):
        raise GkcheckError(f"{where}: ocr-page-seconds 应为 1 到 3600 之间的秒数")
    ledger = raw.get("ledger")
    if ledger and "://" not in ledger:
        ledger = str(base / ledger)      # a SQLite file: relative to the config file
    return Config(
        select=_strings(raw, "select", where),
        ignore=_strings(raw, "ignore", where),
        exclude=_strings(raw, "exclude", where),
        fail_on=fail_on,
        jobs=jobs,
        publish_date=parse_date(raw["publish-date"], "publish-date") if "publish-date" in raw else None,
        dictionaries=tuple(base / p for p in _strings(raw, "dictionaries", where)),
        allow=_strings(raw, "allow", where),
        allowlists=tuple(base / p for p in _strings(raw, "allowlists", where)),
        severity=tuple(severity.items()),
        options=_freeze(options),
        max_file_bytes=int(raw.get("max-file-mb", MAX_FILE_BYTES // 2**20)) * 2**20,
        source=where,
        ledger=ledger,
        site_url=raw.get("site-url"),
        units=_units(raw, where),
        typo_level=typo_level,
        expand_columns=raw.get("expand-columns", False),
        ocr=raw.get("ocr", False),
        ocr_page_seconds=float(seconds) if seconds is not None else None,
    )


def load_config_file(path: Path) -> Config:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise GkcheckError(f"无法读取配置文件 {path}：{exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise GkcheckError(f"配置文件 {path} 不是有效的 TOML：{exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("gkcheck", {})
    return config_from_mapping(data, path)


def find_config(start: Path) -> Path | None:
    """``gkcheck.toml``, or a ``pyproject.toml`` with ``[tool.gkcheck]``, from ``start`` upward."""
    for folder in (start, *start.parents):
        candidate = folder / "gkcheck.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                with candidate.open("rb") as fh:
                    if "gkcheck" in tomllib.load(fh).get("tool", {}):
                        return candidate
            except (OSError, tomllib.TOMLDecodeError):
                continue
    return None


def load_config(path: Path | None = None, cwd: Path | None = None) -> Config:
    if path is not None:
        return load_config_file(path)
    found = find_config((cwd or Path.cwd()).resolve())
    return load_config_file(found) if found else Config()
