"""Reporters render a :class:`~gkcheck.model.Report`; they know nothing about files or rules.

``REPORTERS`` maps a ``--format`` name to ``module:function``; the function takes the report
and keyword options it may ignore, and returns ``str`` (text formats) or ``bytes`` (the formats
in ``BINARY_FORMATS``, which need ``--output``). Each is imported only when asked for.

Everything a person reads masks personal data (category ``privacy``): :func:`shown_match` and
:func:`shown_context`, given the file's :func:`private_values`, also mask a value that another
finding's context happens to include, whole or cut off by the context window. Only the JSON
report keeps ``match`` whole.
"""

from __future__ import annotations

import re
from importlib import import_module
from typing import Any, Callable, Iterable, Iterator

from ..model import CATEGORY_NAMES, SEVERITY_NAMES, FileResult, Finding, Report  # noqa: F401 (re-exported)

REPORTERS: dict[str, str] = {
    "text": "gkcheck.reporters.text:render",
    "json": "gkcheck.reporters.json:render",
    "sarif": "gkcheck.reporters.sarif:render",
    "junit": "gkcheck.reporters.junit:render",
    "html": "gkcheck.reporters.html:render",
    "xlsx": "gkcheck.reporters.xlsx:render",
}
BINARY_FORMATS = frozenset({"xlsx"})


# a personal-data value cut by the context window is masked when at least this much of it shows
MIN_PIECE = 4

Renderer = Callable[..., "str | bytes"]


def renderer(name: str) -> Renderer:
    module, _, attr = REPORTERS[name].partition(":")
    return getattr(import_module(module), attr)


def render(report: Report, name: str, **options: object) -> str | bytes:
    return renderer(name)(report, **options)


def render_chunks(report: Report, name: str, **options: object) -> Iterable[str | bytes]:
    """The report in pieces, for writing a large one without holding it whole: a reporter
    module may offer ``chunks(report)``; the others give their whole output as one piece."""
    module, _, attr = REPORTERS[name].partition(":")
    chunks = getattr(import_module(module), "chunks", None)
    return chunks(report, **options) if chunks else (render(report, name, **options),)


class Private(tuple):
    """Personal-data values of one file, longest first, with what masking them needs built once:
    each value's masked form, and the values indexed by their first and last ``MIN_PIECE``
    characters to find a piece cut off at either end of a context window. Masking a context
    then costs a few dictionary lookups, not one pass per value (a 100,000-row list has
    hundreds of thousands of values)."""

    def __new__(cls, values: Iterable[str]) -> "Private":
        return super().__new__(cls, sorted(set(values), key=lambda v: (-len(v), v)))

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._masked: dict[str, str] | None = None
        self._automaton: Any = None

    def masked(self, value: str) -> str | None:
        """``value`` masked, or None when it is not one of these values."""
        if not self:      # e.g. a list whose every value is folded into its column's P009
            return None
        if self._masked is None:
            self._build()
        return self._masked.get(value)  # type: ignore[union-attr]

    def _build(self) -> None:
        import re

        from ..masking import mask_value

        self._masked = {v: mask_value(v) for v in self}
        self._heads: dict[str, list[str]] = {}
        self._tails: dict[str, list[str]] = {}
        for v in self:                           # longest first within each list
            self._heads.setdefault(v[:MIN_PIECE], []).append(v)
            self._tails.setdefault(v[-MIN_PIECE:], []).append(v)
        # a cut-off piece is a run of characters that values are made of, at most one shorter
        # than the longest value: only such runs at either end of a context are looked up
        chars = re.escape("".join(sorted(set("".join(self)))))
        self._longest = len(self[0]) - 1
        self._lead = re.compile(f"[{chars}]{{{MIN_PIECE},{self._longest}}}")
        self._trail = re.compile(f"[{chars}]{{{MIN_PIECE},{self._longest}}}$")

    def mask(self, text: str) -> str:
        if not self or len(text) < MIN_PIECE:
            return text
        if self._masked is None:
            self._build()
        text = self._mask_whole(text)
        lead = self._lead.match(text)
        # the window starts inside a value: text[:k] is the value's last k characters
        for k in range(lead.end() if lead else 0, MIN_PIECE - 1, -1):
            hit = next((v for v in self._tails.get(text[k - MIN_PIECE:k], ())
                        if len(v) > k and v.endswith(text[:k])), None)
            if hit:
                text = self._masked[hit][-k:] + text[k:]
                break
        # the window ends inside a value: text[-k:] is the value's first k characters
        n = len(text)
        trail = self._trail.search(text, max(0, n - self._longest))
        for k in range(n - trail.start() if trail else 0, MIN_PIECE - 1, -1):
            hit = next((v for v in self._heads.get(text[n - k:n - k + MIN_PIECE], ())
                        if len(v) > k and v.startswith(text[n - k:])), None)
            if hit:
                text = text[:n - k] + self._masked[hit][:k]
                break
        return text

    def _mask_whole(self, text: str) -> str:
        if len(self) <= 8:
            for value in self:
                if value in text:
                    text = text.replace(value, self._masked[value])
            return text
        if self._automaton is None:
            from ahocorasick_rs import AhoCorasick, MatchKind

            self._automaton = AhoCorasick(list(self), matchkind=MatchKind.LeftmostLongest)
        out, pos = [], 0
        for index, start, end in self._automaton.find_matches_as_indexes(text):
            out.append(text[pos:start])
            out.append(self._masked[self[index]])
            pos = end
        out.append(text[pos:])
        return "".join(out)


def private_values(result: FileResult | Iterable[Finding]) -> Private:
    """The personal data found in one file, longest first: what no context may show whole."""
    findings = result.findings if isinstance(result, FileResult) else result
    return Private(f.match for f in findings if f.category == "privacy" and len(f.match) >= MIN_PIECE)


def shown_match(finding: Finding, private: tuple[str, ...] = ()) -> str:
    """The matched text as a person may see it: personal data masked (the JSON keeps it whole)."""
    if finding.category == "privacy":
        shown = private.masked(finding.match) if isinstance(private, Private) else None
        if shown is not None:
            return shown
        from ..masking import mask_value

        return mask_value(finding.match)
    return _mask_known(finding.match, private) if private else finding.match


def shown_context(finding: Finding, private: tuple[str, ...] = ()) -> str:
    """The context as a person may see it: the finding's own value and every value in
    ``private`` (see :func:`private_values`) masked, also where the window cuts one off."""
    context = finding.context
    if finding.category == "privacy" and finding.match:
        context = context.replace(finding.match, shown_match(finding, private))
    return _mask_known(context, private) if private else context


def readable_json(value: Any, one_per_line: frozenset[str]) -> str:
    """JSON indented by two spaces, except that the items of a list under a key in
    ``one_per_line`` (findings, results) are written one per line by the C encoder: a report
    with 100,000 findings renders in a second instead of the pure-Python indenting encoder's
    minute, and each finding stays one greppable line."""
    return "".join(iter_json(value, one_per_line))


def iter_json(value: Any, one_per_line: frozenset[str], indent: str = "") -> Iterator[str]:
    """:func:`readable_json` in pieces; the value under a ``one_per_line`` key may be any
    iterable (a generator of finding dicts), so a large report is never held whole."""
    import json

    inner = indent + "  "
    if isinstance(value, dict) and value:
        yield "{"
        for n, (key, item) in enumerate(value.items()):
            yield f"{',' if n else ''}\n{inner}{json.dumps(key, ensure_ascii=False)}: "
            if key in one_per_line and hasattr(item, "__iter__") and not isinstance(item, (dict, str)):
                yield from _lines(item, inner, json.dumps)
            else:
                yield from iter_json(item, one_per_line, inner)
        yield f"\n{indent}}}"
    elif isinstance(value, list) and value:
        yield "["
        for n, item in enumerate(value):
            yield f"{',' if n else ''}\n{inner}"
            yield from iter_json(item, one_per_line, inner)
        yield f"\n{indent}]"
    else:
        yield json.dumps(value, ensure_ascii=False)


def _lines(items: Iterable[Any], indent: str, dumps: Callable[..., str], batch: int = 1000) -> Iterator[str]:
    lines: list[str] = []
    sep = ",\n" + indent + "  "
    empty = True
    for item in items:
        lines.append(dumps(item, ensure_ascii=False, separators=(", ", ": ")))
        if len(lines) == batch:
            yield ("[\n" + indent + "  " if empty else sep) + sep.join(lines)
            empty, lines = False, []
    if lines:
        yield ("[\n" + indent + "  " if empty else sep) + sep.join(lines)
        empty = False
    yield "[]" if empty else f"\n{indent}]"


def printable(text: str) -> str:
    """``text`` that can be written as UTF-8: a file name that was not valid UTF-8 reaches us with
    lone surrogates (os.fsdecode); each becomes ``?``."""
    return text.encode("utf-8", "replace").decode("utf-8")


# what a terminal or a log line must never get raw: C0/C1 controls (escape sequences, CR, LF),
# DEL, line and paragraph separators, bidirectional overrides, and the lone surrogates that stand
# for the bytes of a file name that is not UTF-8
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}   # a tab is left as it is


def _escape(m: "re.Match[str]") -> str:
    c = m.group()
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:   # os.fsdecode's stand-in for a byte that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` safe to write on one line of a terminal or a log: every control character,
    line break, bidirectional override and non-UTF-8 byte of a file name written as an escape
    (``\\x1b``, ``\\n``, ``\\xff``, ``\\u202e``). Text without them is returned as it is."""
    return _CONTROLS.sub(_escape, text)


def one_line(finding: Finding, match: str) -> str:
    """Message, shown text and fix in one line: ``错别字：“截止目前” → 建议改为“截至目前”``."""
    text = finding.message
    if finding.suggestion:
        text += f"：“{match}” → 建议改为“{finding.suggestion}”"
    elif finding.suggestion == "":
        text += f"：“{match}” → 建议删除"
    elif match:
        text += f"：“{match}”" + (f" → 建议：{finding.advice}" if finding.advice else "")
    elif finding.advice:
        text += f"：建议：{finding.advice}"
    if finding.note:
        text += f"（{finding.note}）"
    return text


def _mask_known(text: str, private: Iterable[str]) -> str:
    return (private if isinstance(private, Private) else Private(private)).mask(text)


SKIP_NAMES = {"images": "图片 {} 个", "other": "其他非文档文件（样式、脚本、压缩包等）{} 个",
              "hidden": "隐藏文件或目录 {} 个", "excluded": "按排除规则跳过 {} 项",
              "outside": "指向目录外或已失效的链接 {} 个"}
TYPE_NAMES = {"html": "HTML", "docx": "DOCX", "xlsx": "XLSX", "pdf": "PDF", "text": "文本",
              "csv": "CSV", "markdown": "Markdown", "image": "图片（OCR）"}


def coverage(report: Report) -> tuple[str, str]:
    """What was checked and what was not, for every human report, so a clean report is never read
    as more than it is: ``("已检查 12 个文件（HTML 8、DOCX 4）", "未检查：无法读取 1 个、图片 3 个；
    图片中的文字不识别")``."""
    by_type: dict[str, int] = {}
    failed = 0
    for f in report.files:
        if f.status == "ok":
            key = TYPE_NAMES.get(f.type or "", f.type or "其他")
            by_type[key] = by_type.get(key, 0) + 1
        else:
            failed += 1
    checked = sum(by_type.values())
    done = f"已检查 {checked} 个文件" + (
        "（" + "、".join(f"{k} {v}" for k, v in by_type.items()) + "）" if by_type else "")
    missing = [f"无法读取 {failed} 个"] if failed else []
    missing += [name.format(report.skipped[k]) for k, name in SKIP_NAMES.items() if report.skipped.get(k)]
    ocr = any(f.type == "image" for f in report.files) or any(
        x.location.ocr is not None for f in report.files for x in f.findings)
    tail = ("；OCR 识别的文字可能有误，请核对原图" + ("，跳过的图片未识别（可加 --ocr）" if report.skipped.get("images") else "")
            if ocr else "；图片中的文字不识别（不做 OCR）")
    not_done = "未检查：" + ("、".join(missing) if missing else "无") + tail
    return done, not_done


def coverage_line(report: Report) -> str:
    return "；".join(coverage(report)) + "。"
