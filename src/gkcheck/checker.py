"""The engine: a :class:`Checker` is built once (rules, dictionaries, detectors) and then checks
any number of texts and files, from any number of threads.

Flow: reader (bytes → Document) → every enabled detector (TextView → hits) → findings with
rule metadata, severity overrides and locations → :class:`~gkcheck.model.FileResult`.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ._version import __version__
from .config import Config, parse_date
from .detectors import build as build_detectors
from .model import (SEVERITY_RANK, Document, FileResult, Finding, GkcheckError, Hit, LazySegments,
                    LineBlock, Location, Report, ocr_note)
from .offsets import Astral, quote, text_offsets
from .readers import Limits, read
from .readers.archive import MAX_DEPTH, Budget, members
from .sniff import NO_OCR_EXTRA, ocr_available, sniff
from .steps import EVERY as STEP_EVERY, active as watching, step
from .rules import Rule, load_rules, resolve_selector
from .textview import Context, TextView
from .walk import iter_files

CONTEXT_CHARS = 20
MARKER_TYPES = frozenset({"html", "text", "csv", "markdown"})  # where suppression markers are read
# result types whose files may hold other files, and the kind readers.archive.members takes
_CONTAINERS = {"zip": "zip", "docx": "docx", "xlsx": "xlsx", "pptx": "pptx", "ofd": "ofd", "doc": "cfb"}
PUBDATE_KEYS = ("PubDate", "pubdate", "publishdate", "article:published_time")


class Checker:
    """Checks text, bytes and files against the enabled rules.

    >>> checker = Checker()                     # once, at start-up
    >>> findings = checker.check_text("截止目前已完成")
    >>> findings[0].suggestion
    '截至目前'
    """

    def __init__(self, config: Config | None = None, *, limits: Limits = Limits(),
                 today: Callable[[], date] = date.today):
        self.config = config or Config()
        self.rules: dict[str, Rule] = load_rules()
        self.enabled = self._enabled_rules()
        if self.config.ocr and not ocr_available():
            raise GkcheckError(NO_OCR_EXTRA)
        if self.config.ocr_page_seconds is not None:
            limits = replace(limits, ocr_page_seconds=self.config.ocr_page_seconds)
        self.limits = limits
        self._today = today
        self._severity = dict(self.config.severity)
        unknown = set(self._severity) - set(self.rules)
        if unknown:
            raise GkcheckError(f"配置的 severity 中有未知规则：{', '.join(sorted(unknown))}")
        names = {self.rules[c].detector for c in self.enabled}
        self._detectors = build_detectors(names, config=self.config, rules=self.rules,
                                          enabled=self.enabled)

    def _enabled_rules(self) -> set[str]:
        codes = set(self.rules)
        if self.config.select:
            codes = set().union(*(resolve_selector(s, self.rules) for s in self.config.select))
        for s in self.config.ignore:
            codes -= resolve_selector(s, self.rules)
        # whole-site rules (category site) are run by `gkcheck site` over a mirror, not per document
        per_document = {c for c in codes if self.rules[c].category != "site"}
        if not per_document and (self.config.select or self.config.ignore):
            # a selection that leaves nothing to run would report every file clean: refuse it
            why = "（site 类规则 W001–W0xx 只由 gkcheck site 对整站运行）" if codes else ""
            raise GkcheckError(f"所选规则中没有一条能逐个文件检查{why}，这样的检查什么也不查")
        return per_document

    # -- public API ---------------------------------------------------------------------------

    def check_text(self, text: str, *, filename: str | None = None,
                   publish_date: date | str | None = None,
                   expand_columns: bool | None = None) -> list[Finding]:
        """Findings for a string: plain text, or HTML when ``filename`` ends in .html/.htm.

        ``expand_columns`` (here and in the other ``check_*``): True gives one finding per cell
        in a list column that P009 summarises instead of folding them into it; None follows
        the configuration (``expand-columns``, default False)."""
        if filename and filename.lower().endswith((".html", ".htm", ".shtml", ".xhtml")):
            doc = read(text.encode("utf-8"), filename, self.limits)
        else:
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            doc = Document(filename or "<text>", "text", LazySegments(lines, [LineBlock(0, lines)]))
        # offsets into ``text`` as submitted (CR LF kept) where the match is written there as is
        return text_offsets(text, self.check_document(doc, publish_date=publish_date,
                                                      expand_columns=expand_columns))

    def check_bytes(self, data: bytes, filename: str, *,
                    publish_date: date | str | None = None,
                    expand_columns: bool | None = None) -> FileResult:
        """Read ``data`` as the file ``filename`` (type from the content) and check it.

        Never raises for a bad file: the result has ``status == "error"`` and a message.
        A zip archive gives one result for all its members (each finding's
        ``location.member`` names the member; an unreadable member makes it an error);
        :meth:`check_bytes_all` gives one result per member instead."""
        if _is_archive(data, filename):
            return merge_members(filename, self.check_bytes_all(data, filename, publish_date=publish_date,
                                                                expand_columns=expand_columns))
        return self._check_bytes(data, filename, publish_date, expand_columns)

    def check_bytes_all(self, data: bytes, filename: str, *, publish_date: date | str | None = None,
                        expand_columns: bool | None = None,
                        _depth: int = 0, _budget: Budget | None = None) -> list[FileResult]:
        """The result for ``data`` followed by one for every file inside it, each named
        ``outer!inner``: the members of a zip archive, files embedded in an Office document,
        an OFD's attachments; recursively to :data:`~gkcheck.readers.archive.MAX_DEPTH` within one
        :class:`~gkcheck.readers.archive.Budget` for the whole tree (docs/formats.md)."""
        archive = _is_archive(data, filename)
        if archive:
            if len(data) > self.config.max_file_bytes:
                return [FileResult(filename, None, "error",
                                   f"文件过大（{len(data) // 2**20} MB，上限 {self.config.max_file_bytes // 2**20} MB）")]
            results = [FileResult(filename, "zip", "ok")]
        else:
            results = [self._check_bytes(data, filename, publish_date, expand_columns)]
            if results[0].status == "error" or results[0].type not in _CONTAINERS:
                return results
        if _depth >= MAX_DEPTH:
            if archive:
                return [FileResult(filename, "zip", "error", f"压缩包嵌套超过 {MAX_DEPTH} 层，其中的文件未检查"
                                   "（可能是恶意构造的递归压缩包）")]
            return results
        budget = _budget or Budget.of(self.limits)
        try:
            inner = members(data, _CONTAINERS.get(results[0].type or "", "zip"), self.limits, budget)
        except GkcheckError as exc:
            if archive:
                return [FileResult(filename, "zip", "error", str(exc))]
            return results + [FileResult(f"{filename}!（嵌入文件）", None, "error", f"嵌入的文件无法取出：{exc}")]
        except (MemoryError, RecursionError):
            return [FileResult(filename, None, "error", "文件结构异常，无法取出其中的文件")]
        for member in inner:
            name = f"{filename}!{member.name}"
            if member.error or member.data is None:
                results.append(FileResult(name, None, "error", member.error or "无法取出"))
            else:
                results.extend(self.check_bytes_all(member.data, name, publish_date=publish_date,
                                                    expand_columns=expand_columns,
                                                    _depth=_depth + 1, _budget=budget))
        return results

    def _check_bytes(self, data: bytes, filename: str, publish_date: date | str | None,
                     expand_columns: bool | None = None) -> FileResult:
        if len(data) > self.config.max_file_bytes:
            return FileResult(filename, None, "error",
                              f"文件过大（{len(data) // 2**20} MB，上限 {self.config.max_file_bytes // 2**20} MB）")
        try:
            step("read", 0, len(data))
            doc = read(data, filename, self.limits)
            findings = self.check_document(doc, publish_date=publish_date, expand_columns=expand_columns)
        except GkcheckError as exc:
            return FileResult(filename, None, "error", str(exc))
        except MemoryError:
            return FileResult(filename, None, "error", "文件过大或结构异常，读取时内存不足")
        except RecursionError:
            return FileResult(filename, None, "error", "文件嵌套层级过深，无法读取")
        except Exception as exc:  # a reader bug or a hostile file: that file's error, never a crash
            return FileResult(filename, None, "error", f"无法读取文件（{type(exc).__name__}：{exc}）")
        suppressed = 0
        wide = (doc.encoding or "").lower().startswith(("utf-16", "utf-32"))   # ASCII markers not byte-visible
        if doc.type in MARKER_TYPES and (b"gkcheck-" in data or wide):   # in-document markers (ledger/suppress.py)
            from .ledger.suppress import apply, decode

            findings, suppressed = apply(findings, decode(data, doc.encoding), doc.type)
        return FileResult(filename, doc.type, "ok", None, tuple(findings), doc.encoding, suppressed)

    def check_file(self, path: str | os.PathLike[str], *,
                   publish_date: date | str | None = None, display: str | None = None,
                   expand_columns: bool | None = None) -> FileResult:
        name = display or str(path)
        try:
            size = os.path.getsize(path)
            if size > self.config.max_file_bytes:
                return FileResult(name, None, "error",
                                  f"文件过大（{size // 2**20} MB，上限 {self.config.max_file_bytes // 2**20} MB）")
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            return FileResult(name, None, "error", f"无法打开文件：{exc.strerror or exc}")
        result = self.check_bytes(data, name, publish_date=publish_date, expand_columns=expand_columns)
        return result

    def check_file_all(self, path: str | os.PathLike[str], *, publish_date: date | str | None = None,
                       display: str | None = None) -> list[FileResult]:
        """:meth:`check_file` with one result per file inside it (:meth:`check_bytes_all`)."""
        name = display or str(path)
        try:
            size = os.path.getsize(path)
            if size > self.config.max_file_bytes:
                return [FileResult(name, None, "error",
                                   f"文件过大（{size // 2**20} MB，上限 {self.config.max_file_bytes // 2**20} MB）")]
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            return [FileResult(name, None, "error", f"无法打开文件：{exc.strerror or exc}")]
        return self.check_bytes_all(data, name, publish_date=publish_date)

    def check_document(self, doc: Document, *, publish_date: date | str | None = None,
                       expand_columns: bool | None = None) -> list[Finding]:
        with _gc_paused():
            return self._check_document(doc, publish_date, expand_columns)

    def _check_document(self, doc: Document, publish_date: date | str | None,
                        expand_columns: bool | None = None) -> list[Finding]:
        view = TextView.of(doc)
        ctx = self.context_for(doc, publish_date, expand_columns)
        findings: list[tuple[tuple[int, int], Finding]] = []
        enabled = self.enabled
        astral = Astral.of(view.original or "")
        watched = watching()   # a surface shows progress (steps.py): say where each pass is
        segments, passes = len(doc.segments), len(self._detectors)
        for part, (_, detector) in enumerate(self._detectors):
            if watched:
                step("check", 0, segments, part, passes, doc.type)
            for hit in detector.detect(view, ctx):
                if hit.rule in enabled:
                    findings.append(((hit.start, len(findings)), self._finding(hit, view, astral)))
                    if watched and not len(findings) % STEP_EVERY and hit.start >= 0:
                        step("check", view.segment_index(hit.start) + 1, segments, part, passes, doc.type)
        findings.sort(key=lambda item: item[0])
        ordered = [f for _, f in findings]
        if all(f.location.line is not None for f in ordered):
            # line-based files (web pages, text, PDF): links and facts in reading order too
            ordered.sort(key=lambda f: (f.location.page or 0, f.location.line, f.location.column or 0))
        return ordered

    def scan(self, paths: Sequence[str | os.PathLike[str]], *, jobs: int | None = None,
             publish_date: date | str | None = None,
             progress: Callable[[FileResult], None] | None = None) -> Report:
        """Check files and folders; one unreadable file is that file's error, the batch goes on."""
        skipped: dict[str, int] = {}
        items = list(iter_files([Path(p) for p in paths], self.config.exclude, skipped,
                                images=self.config.ocr))
        jobs = jobs or self.config.jobs
        results: list[FileResult] = []
        todo = [(str(p), err) for p, err in items]
        if jobs > 1 and len(todo) > 1:
            results = _scan_parallel(self, todo, jobs, publish_date, progress)
        else:
            for path, err in todo:
                batch = ([FileResult(path, None, "error", err)] if err
                         else self.check_file_all(path, publish_date=publish_date))
                for result in batch:
                    results.append(result)
                    if progress:
                        progress(result)
        return Report(tuple(results), __version__, skipped)

    # -- helpers ------------------------------------------------------------------------------

    def context_for(self, doc: Document, publish_date: date | str | None,
                    expand_columns: bool | None = None) -> Context:
        today = self._today()
        explicit = publish_date if publish_date is not None else self.config.publish_date
        pub = parse_date(explicit, "发布日期") if explicit is not None else None
        page_date = _meta_date(doc.meta)
        doc_date = pub or page_date or today
        expand = self.config.expand_columns if expand_columns is None else expand_columns
        return Context(today=today, doc_date=doc_date, publish_date=pub, expand_columns=expand)

    def _finding(self, hit: Hit, view: TextView, astral: "Astral | None" = None) -> Finding:
        rule = self.rules[hit.rule]
        severity = self._severity.get(hit.rule) or hit.severity or rule.severity
        offsets = None
        if hit.start >= 0:
            # offsets are in the text as detectors see it (normalised); report the text as written
            start, end = view.original_span(hit.start, hit.end)
            if hit.match is None or (view.norm is not None and hit.match == view.text[hit.start:hit.end]):
                match = view.original[start:end]
            else:
                match = hit.match
            location = hit.location or view.locate(hit.start)
            index = view.segment_index(hit.start)
            context = _context(view, index, start, end)
            seg_start, seg_end = view.original_segment_span(index)
            if location.block is not None and location.quote is None:
                location = _placed(location, view.original, seg_start, seg_end, start)
            if match == view.original[start:end]:
                offsets = (astral or Astral.of(view.original)).local(seg_start, start, end)
        else:
            match = hit.match or ""
            location = hit.location or Location()
            context = match
        advice = hit.advice or (rule.fix or None if hit.suggestion is None else None)
        return Finding(rule.code, rule.name, rule.category, severity, hit.message or rule.message,
                       match, hit.suggestion, location, context, ocr_note(location, hit.note), advice=advice, cells=hit.cells,
                       offsets=offsets)


def _meta_date(meta: dict[str, str]) -> date | None:
    for key in PUBDATE_KEYS:
        value = meta.get(key)
        if value:
            try:
                return parse_date(value[:10] if len(value) >= 10 and value[4] in "-/." else value)
            except GkcheckError:
                return None
    return None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while one document is checked: hits and findings hold
    no cycles, and rescanning the 300k findings of a spreadsheet as they pile up cost ~25%."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _placed(location: Location, original: str, seg_start: int, seg_end: int, start: int) -> Location:
    """``location`` with the quote of the line the match is in (and, for a web page's body text
    whose ``<br>`` lines count as paragraphs, that line's paragraph number). A page of a PDF or
    OFD (``page`` and ``line`` set) is named with its printed line, quoted from that line's start:
    ``第2页第5行“…”``."""
    if location.page is not None and location.line is not None and location.column is not None:
        line_start = max(start - location.column + 1, seg_start)
        line_end = original.find("\n", start, seg_end)
        return replace(location, block=f"{location.block}第{location.line}行",
                       quote=quote(original, line_start, seg_end if line_end < 0 else line_end))
    line_start = max(original.rfind("\n", seg_start, start) + 1, seg_start)
    line_end = original.find("\n", line_start, seg_end)
    paragraph = location.paragraph
    if line_start > seg_start and location.block == "正文" and paragraph is not None:
        paragraph += original.count("\n", seg_start, line_start)
    return replace(location, paragraph=paragraph,
                   quote=quote(original, line_start, seg_end if line_end < 0 else line_end))


def _context(view: TextView, index: int, start: int, end: int) -> str:
    """The text as written around ``original[start:end]`` in segment ``index``."""
    seg_start, seg_end = view.original_segment_span(index)
    lo = max(seg_start, start - CONTEXT_CHARS)
    hi = min(seg_end, end + CONTEXT_CHARS)
    return view.original[lo:hi].replace("\n", " ")


def _is_archive(data: bytes, filename: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        return sniff(data, filename) == "zip"
    except GkcheckError:
        return False


def merge_members(name: str, results: list[FileResult]) -> FileResult:
    """One result for an archive: its members' findings with ``location.member`` set, or an
    error naming the members that could not be checked (fail closed)."""
    head, rest = results[0], results[1:]
    if head.status == "error":
        return head
    cut = len(name) + 1
    failed = [r for r in rest if r.status == "error"]
    if failed:
        shown = "；".join(f"{r.path[cut:]}（{r.error}）" for r in failed[:5]) + ("等" if len(failed) > 5 else "")
        return FileResult(name, head.type, "error", f"压缩包中有 {len(failed)} 个文件无法检查：{shown}")
    findings = tuple(replace(f, location=replace(f.location, member=r.path[cut:])) for r in rest for f in r.findings)
    return FileResult(name, head.type, "ok", None, findings)


def worst(findings: Iterable[Finding]) -> int:
    return max((SEVERITY_RANK[f.severity] for f in findings), default=0)


# -- parallel scanning ------------------------------------------------------------------------
# Workers are forked from the process that built the Checker, so the dictionaries are built
# once and shared copy-on-write; only file paths go out and FileResults come back.

_WORKER: dict[str, object] = {}


def _init_worker(checker: Checker, publish_date: date | str | None) -> None:
    _WORKER["checker"] = checker
    _WORKER["publish_date"] = publish_date


def _check_one(item: tuple[str, str | None]) -> list[FileResult]:
    path, err = item
    if err:
        return [FileResult(path, None, "error", err)]
    checker: Checker = _WORKER["checker"]  # type: ignore[assignment]
    return checker.check_file_all(path, publish_date=_WORKER["publish_date"])  # type: ignore[arg-type]


def _chunksize(files: int, jobs: int) -> int:
    """Files sent to a worker at a time: a few, so that the last ones do not leave one worker
    busy while the others wait (a chunk of 16 slow files was most of a second at the end), yet
    not one at a time, which would cost a round trip per file."""
    return max(1, min(4, files // (jobs * 8)))


def _scan_parallel(checker: Checker, todo: list[tuple[str, str | None]], jobs: int,
                   publish_date: date | str | None,
                   progress: Callable[[FileResult], None] | None) -> list[FileResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork")
    results: list[FileResult] = []
    # frozen objects are never traversed by the workers' garbage collector, which would otherwise
    # write to (and so copy) the pages of the shared dictionaries. (Building the detectors' lazy
    # state here before the fork was tried: it saves CPU, but the parent's warm-up is serial
    # while the workers' own warm-ups overlap, so the wall time does not improve.)
    gc.collect()
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(checker, publish_date)) as pool:
            for batch in pool.map(_check_one, todo, chunksize=_chunksize(len(todo), jobs)):
                for result in batch:
                    results.append(result)
                    if progress:
                        progress(result)
    finally:
        gc.unfreeze()
    return results


__all__ = ["Checker", "worst"]
