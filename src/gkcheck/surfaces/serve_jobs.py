"""Long checks as jobs for ``gkcheck serve`` (docs/serve.md, "检查任务"): the web page at scale.

``POST /v1/jobs`` takes what ``/v1/check`` takes (JSON text, or a multipart upload — here up to
:data:`MAX_FILES` files, and a form field ``text``) and answers at once with a job id; the check
runs in a thread of its own pool. ``GET /v1/jobs/{id}/events`` streams the job's state as one
JSON object per line (NDJSON, readable with ``fetch`` and an ``Authorization`` header, which an
``EventSource`` cannot send) while it runs: which file, and within a file the detector pass and
the segment reached (``gkcheck.steps``). ``POST /v1/jobs/{id}/cancel`` stops it: the engine's
progress callback raises :class:`~gkcheck.Stop` at its next step, the thread ends and the
uploads and findings are dropped; ``DELETE`` also forgets the job. When it is done the findings
are paged in document order (``/findings``), grouped as the human reports group them
(``/groups``, ``/groups/{n}``), and the HTML report or the XLSX 整改清单 is downloaded
(``/report``).

Jobs are kept in memory, at most ``max_jobs`` (the oldest finished one is forgotten first; when
all are running a new one is refused with 503), each for ``ttl`` seconds after it ends, and
bound to the token that created it: another token (or none) gets 404, as an unknown id does.
Fail closed: a job with a file that could not be checked ends ``failed``, never ``done``.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations, whose
# types are imported inside add_routes (as in serve.py).

import asyncio
import hashlib
import json
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..steps import Step, Stop, listening, step
from .._version import __version__
from ..model import FileResult, GkcheckError, Report

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

    from ..checker import Checker
    from ..reporters.groups import Group

MAX_FILES = 20
MAX_PAGE = 1000
DEFAULT_TTL = 30 * 60.0
KEEPALIVE = 10.0          # seconds between two event lines when nothing changes
POLL = 0.2                # how often the event stream looks at the job
FINISHING = ("done", "failed", "cancelled")
UNITS = {"xlsx": "个单元格", "xls": "个单元格", "csv": "个单元格", "text": "行", "markdown": "行"}
REPORT_FORMATS = {"html": ("检查报告.html", "text/html; charset=utf-8"),
                  "xlsx": ("整改清单.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                  "json": ("检查结果.json", "application/json")}


JOB_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {
        "type": "object", "required": ["text"], "additionalProperties": False, "properties": {
            "text": {"type": "string", "description": "要检查的文字"},
            "filename": {"type": "string", "description": "仅作标签；以 .html/.htm 结尾时按 HTML 源代码检查"},
            "publish_date": {"type": "string", "format": "date", "description": "发布日期 YYYY-MM-DD（默认今天）"}}}},
    "multipart/form-data": {"schema": {
        "type": "object", "properties": {
            "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                     "description": f"一个或多个文件（最多 {MAX_FILES} 个），类型按内容判断，文件名仅作标签"},
            "text": {"type": "string", "description": "要检查的文字（可与文件同时提交）"},
            "filename": {"type": "string", "description": "text 的标签"},
            "publish_date": {"type": "string", "format": "date"}}}}}}}


class Cancelled(Stop):
    """The job was cancelled (or ran out of time): stop checking."""


@dataclass
class Input:
    name: str
    data: "bytes | None" = None     # an upload
    text: "str | None" = None       # pasted text (checked as HTML when the name says so)


@dataclass(eq=False)
class Job:
    id: str
    owner: str
    inputs: list[Input]
    publish_date: date | None
    created: float = field(default_factory=time.time)
    state: str = "queued"          # queued, running, done, failed, cancelled
    names: list[str] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)
    progress: dict[str, Any] | None = None
    error: str | None = None
    version: int = 0               # bumped on every change the event stream should send
    ended: float | None = None     # time.monotonic() when it ended
    cancel: threading.Event = field(default_factory=threading.Event)
    groups: list[tuple[int, "Group"]] = field(default_factory=list)
    private: dict[int, Any] = field(default_factory=dict)
    reports: dict[str, bytes] = field(default_factory=dict)
    texts: dict[int, Any] = field(default_factory=dict)   # file → its marked-up text (serve_text.py)
    summary: dict[str, Any] | None = None                 # the report's summary, once it ended with results
    checker: Any = None                                   # the checker that ran it (for the marked-up text)

    def status(self) -> dict[str, Any]:
        """What ``GET /v1/jobs/{id}`` and every event line say."""
        files = []
        for i, name in enumerate(self.names):
            if i < len(self.results):
                r = self.results[i]
                files.append({"name": name, "type": r.type, "status": r.status, "error": r.error,
                              "findings": len(r.findings), "suppressed": r.suppressed,
                              "text": i in self.texts})
            else:
                running = self.state == "running" and i == len(self.results)
                files.append({"name": name, "type": None, "status": "running" if running else "pending",
                              "error": None, "findings": 0, "suppressed": 0, "text": False})
        out: dict[str, Any] = {
            "id": self.id, "state": self.state,
            "cancelling": self.cancel.is_set() and self.state in ("queued", "running"),
            "created": datetime.fromtimestamp(self.created, timezone.utc).isoformat(timespec="seconds"),
            "files": files, "progress": self.progress, "error": self.error}
        if self.summary is not None:
            out["summary"] = self.summary
            out["groups"] = len(self.groups)
        return out

    def changed(self) -> None:
        self.version += 1


class JobStore:
    """The jobs of one server: created, run in ``workers`` threads, found, forgotten."""

    def __init__(self, checker_of: Callable[[], "Checker"],
                 check_text: Callable[["Checker", str, str, date | None], FileResult], *,
                 workers: int, max_jobs: int, ttl: float, timeout: float, mask: Callable[[str], str],
                 record: Callable[[FileResult], FileResult] = lambda result: result):
        self.checker_of = checker_of   # the server's current checker (rebuilt when the allow-list changes)
        self.check_text = check_text   # a checker and pasted text → one file's result (serve.check_text)
        self.record = record           # the ledger / 忽略此处 (serve_actions.Actions.record); may raise
        self.mask = mask               # text → the same text with personal data masked (/v1/mask)
        self.max_jobs = max_jobs
        self.ttl = ttl
        self.timeout = timeout
        self._jobs: dict[str, Job] = {}
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="gkcheck-job")

    # -- the store ---------------------------------------------------------------------------

    def _expire(self) -> None:
        now = time.monotonic()
        for key, job in list(self._jobs.items()):
            if job.ended is not None and now - job.ended > self.ttl:
                del self._jobs[key]

    def create(self, owner: str, inputs: list[Input], publish_date: date | None) -> Job | None:
        """A new job, started; None when ``max_jobs`` are kept and none of them has ended."""
        self._expire()
        if len(self._jobs) >= self.max_jobs:
            ended = [j for j in self._jobs.values() if j.ended is not None]
            if not ended:
                return None
            del self._jobs[min(ended, key=lambda j: j.ended or 0.0).id]
        job = Job(secrets.token_urlsafe(18), owner, inputs, publish_date, names=[i.name for i in inputs])
        self._jobs[job.id] = job
        self._executor.submit(self._run, job)
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        self._expire()
        job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.owner, owner):
            return None
        return job

    def cancel(self, job: Job) -> None:
        """Ask the job to stop; one still waiting for a thread ends at once."""
        if job.state in FINISHING:
            return
        job.cancel.set()
        job.changed()
        if job.state == "queued":
            self._end(job, "cancelled")

    def forget(self, job: Job) -> None:
        self.cancel(job)
        self._jobs.pop(job.id, None)

    def close(self) -> None:
        for job in self._jobs.values():
            job.cancel.set()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- running one job ---------------------------------------------------------------------

    def _run(self, job: Job) -> None:
        if job.cancel.is_set():
            if job.state not in FINISHING:
                self._end(job, "cancelled")
            return
        job.state = "running"
        job.changed()
        deadline = time.monotonic() + self.timeout
        files = len(job.inputs)
        current: dict[str, Any] = {}

        def listener(step: Step) -> None:
            if job.cancel.is_set():
                raise Cancelled
            if time.monotonic() > deadline:
                job.error = (f"检查超时（超过 {self.timeout:g} 秒）：内容过大或过于复杂，请拆分后再试")
                raise Cancelled
            progress = _progress(current["index"], files, current["name"], step)
            # never backwards: the members of an archive, files embedded in a document each start over
            progress["fraction"] = max(progress["fraction"], (job.progress or {}).get("fraction", 0.0))
            job.progress = progress
            job.changed()

        checker = self.checker_of()
        job.checker = checker
        try:
            with listening(listener):
                for index, item in enumerate(job.inputs):
                    current.update(index=index, name=item.name)
                    step("read", 0, len(item.data) if item.data is not None else len(item.text or ""))
                    if item.data is not None:
                        result = checker.check_bytes(item.data, item.name, publish_date=job.publish_date)
                    else:
                        result = self.check_text(checker, item.text or "", item.name, job.publish_date)
                    result = self.record(result)
                    job.results.append(result)
                    job.changed()
                job.progress = {**(job.progress or {}), "phase": "group", "fraction": 1.0}
                job.changed()
                job.groups = _groups(job.results, job.cancel)
                job.private = _private(job.results, job.cancel)
                job.texts = self._texts(job)
        except Cancelled:
            job.results, job.groups = [], []
            self._end(job, "failed" if job.error else "cancelled")
            return
        except GkcheckError as exc:   # the ledger or the words file failed: not a silent answer
            job.results, job.groups = [], []
            job.error = str(exc)
            self._end(job, "failed")
            return
        except Exception as exc:  # an engine bug: the job's error, never "done", never a crash
            job.results, job.groups = [], []
            job.error = f"检查时出错（{type(exc).__name__}：{exc}）"
            self._end(job, "failed")
            return
        failed = [r for r in job.results if r.status == "error"]
        if failed:
            job.error = "；".join(f"“{r.path}”无法检查：{r.error}" for r in failed[:5]) + (
                f"等 {len(failed)} 个文件" if len(failed) > 5 else "") + "。这些内容没有被检查，不能视为没有问题。"
        self._end(job, "failed" if failed else "done")

    def _texts(self, job: Job) -> dict[int, Any]:
        """The marked-up text of each upload, when the whole result is small (serve_text.py)."""
        from .serve_text import MAX_FINDINGS, marked_text

        if sum(len(r.findings) for r in job.results) > MAX_FINDINGS:
            return {}
        out, first = {}, 0
        for i, (item, result) in enumerate(zip(job.inputs, job.results)):
            if job.cancel.is_set():
                raise Cancelled
            if item.data is not None:
                try:
                    shown = marked_text(job.checker or self.checker_of(), item.data, result, first, self.mask)
                except Exception:  # noqa: BLE001 — the list is still right; only the text is not shown
                    shown = None
                if shown is not None:
                    out[i] = shown
            first += len(result.findings)
        return out

    @staticmethod
    def _end(job: Job, state: str) -> None:
        job.inputs = []          # the uploads are not needed any more
        if state in ("done", "failed") and job.results:
            job.summary = Report(tuple(job.results), __version__).summary()
        job.state = state
        job.ended = time.monotonic()
        job.changed()


def _progress(index: int, files: int, name: str, step: Step) -> dict[str, Any]:
    """The ``progress`` object of a job's status: file ``index + 1`` of ``files``, and within
    it the phase and how far it is (``fraction`` of the whole job, 0–1)."""
    if step.phase == "read":
        within = 0.02
    else:
        done = min(step.done, step.total) / step.total if step.total else 1.0
        within = 0.05 + 0.95 * (step.part + done) / max(step.parts, 1)
    return {"file": index + 1, "files": files, "name": name, "phase": step.phase,
            "done": step.done, "total": step.total, "pass": step.part + 1, "passes": step.parts,
            "unit": "字节" if step.phase == "read" else UNITS.get(step.kind or "", "段"),
            "fraction": round(min(1.0, (index + within) / max(files, 1)), 4)}


def _groups(results: list[FileResult], cancel: threading.Event) -> list[tuple[int, "Group"]]:
    from ..reporters.groups import group_findings

    out: list[tuple[int, Group]] = []
    for i, result in enumerate(results):
        if cancel.is_set():
            raise Cancelled
        out.extend((i, g) for g in group_findings(result.findings))
    return out


def _private(results: list[FileResult], cancel: threading.Event) -> dict[int, Any]:
    """Each file's personal-data values with their masks built, so a masked page costs lookups."""
    from ..reporters import private_values

    out = {}
    for i, result in enumerate(results):
        if cancel.is_set():
            raise Cancelled
        private = out[i] = private_values(result)
        private.masked("")       # builds the masks now, in the job's thread, not on a page request
    return out


def render_in(store: "JobStore", fn: Callable[[], Any]) -> Any:
    """Run ``fn`` (a report) in the jobs' threads: bounded, and off the event loop."""
    return asyncio.wrap_future(store._executor.submit(fn))


def owner_of(request: "Request") -> str:
    """Who may see a job: a digest of the request's ``Authorization`` header (the server checked
    the token already); without a token every client is the same owner."""
    header = request.headers.get("authorization", "").strip()
    return hashlib.sha256(header.encode("utf-8", "surrogateescape")).hexdigest()


# -- the endpoints --------------------------------------------------------------------------------

def add_routes(app: "FastAPI", store: JobStore, *, error: type[Exception], label: Callable[[object, str], str],
               parse_date: Callable[[object], date | None], content_disposition: Callable[[str], str], units: Any = ()) -> None:
    """Register the job endpoints on ``app``. ``error(status, detail)`` is the app's error
    answer, ``label`` makes a client's file name a label, ``parse_date`` reads publish_date,
    ``units`` the configuration's ``[units]`` for the XLSX 整改清单."""
    from fastapi import Query, Request
    from fastapi.responses import JSONResponse, Response, StreamingResponse
    from starlette.exceptions import HTTPException

    async def read_inputs(request: Request) -> tuple[list[Input], date | None]:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            try:
                values = json.loads(await request.body())
            except (ValueError, UnicodeDecodeError, RecursionError):
                raise error(400, "请求体不是有效的 JSON") from None
            if not isinstance(values, dict):
                raise error(400, "请求体应为 JSON 对象")
            if not isinstance(values.get("text"), str):
                raise error(400, "缺少字段 text（字符串）")
            unknown = set(values) - {"text", "filename", "publish_date"}
            if unknown:
                raise error(400, f"未知字段：{', '.join(sorted(unknown))}（可用 filename, publish_date, text）")
            if values.get("filename") is not None and not isinstance(values["filename"], str):
                raise error(400, "filename 应为字符串")
            return ([Input(label(values.get("filename"), "<text>"), text=values["text"])],
                    parse_date(values.get("publish_date")))
        if ctype != "multipart/form-data":
            raise error(415, "请用 application/json 或 multipart/form-data 提交")
        try:
            form = await request.form(max_files=MAX_FILES, max_fields=16)
        except HTTPException as exc:
            raise error(400, f"无法解析上传的表单（{exc.detail}；最多 {MAX_FILES} 个文件）") from None
        try:
            unknown = set(form.keys()) - {"file", "text", "filename", "publish_date"}
            if unknown:
                raise error(400, f"未知字段：{', '.join(sorted(unknown))}（可用 file, filename, publish_date, text）")
            inputs = []
            for upload in form.getlist("file"):
                if isinstance(upload, str):
                    raise error(400, "表单字段 file 应为上传的文件")
                data = await upload.read()
                name = label(upload.filename, "upload")
                if not data:
                    raise error(400, f"上传的文件“{name}”是空的（0 字节）")
                inputs.append(Input(name, data=data))
            text = form.get("text")
            if isinstance(text, str) and text.strip():
                inputs.append(Input(label(form.get("filename"), "<text>"), text=text))
            if not inputs:
                raise error(400, "缺少上传的文件（表单字段 file）或文字（字段 text）")
            date_value = form.get("publish_date")
            return inputs, parse_date(date_value if isinstance(date_value, str) else None)
        finally:
            await form.close()

    def job_of(request: Request, job_id: str) -> Job:
        job = store.get(job_id, owner_of(request))
        if job is None:
            raise error(404, "没有这个检查任务（编号有误、已过期或已删除）")
        return job

    def finished(job: Job) -> Job:
        if job.state not in ("done", "failed"):
            raise error(409, "检查尚未完成" if job.state in ("queued", "running") else "检查已取消，没有结果")
        return job

    def shown(job: Job, file: int, finding: Any, masked: bool) -> dict[str, Any]:
        from ..reporters import private_values, shown_context, shown_match

        out = finding.to_dict()
        out["file"] = file
        if masked:
            private = job.private.get(file)
            if private is None:
                private = job.private[file] = private_values(job.results[file])
            out["match"] = shown_match(finding, private)
            out["context"] = shown_context(finding, private)
        return out

    masked_query = Query(False, description="为 true 时遮盖个人信息的 match 和 context（给人看）")

    @app.post("/v1/jobs", summary="创建检查任务（长时间的检查：进度、取消、分页结果）", status_code=202,
              openapi_extra=JOB_BODY, responses={202: {"description": "任务状态（见 GET /v1/jobs/{id}），state 为 queued"},
                         503: {"description": "保留的任务已满且都未结束"}})
    async def create(request: Request) -> JSONResponse:
        inputs, publish_date = await read_inputs(request)
        job = store.create(owner_of(request), inputs, publish_date)
        if job is None:
            raise error(503, "服务繁忙：进行中的检查任务已满，请稍后再试")
        return JSONResponse(job.status(), 202, headers={"Location": f"/v1/jobs/{job.id}"})

    @app.get("/v1/jobs/{job_id}", summary="任务状态")
    async def status(request: Request, job_id: str) -> dict[str, Any]:
        return job_of(request, job_id).status()

    @app.get("/v1/jobs/{job_id}/events", summary="任务进度（NDJSON：每行一个任务状态，结束后关闭）")
    async def events(request: Request, job_id: str) -> StreamingResponse:
        job = job_of(request, job_id)

        async def lines() -> Any:
            seen, last = -1, 0.0
            while True:
                now = time.monotonic()
                if job.version != seen or now - last >= KEEPALIVE:
                    seen, last = job.version, now
                    yield json.dumps(job.status(), ensure_ascii=False) + "\n"
                    if job.state in FINISHING:
                        return
                await asyncio.sleep(POLL)

        return StreamingResponse(lines(), media_type="application/x-ndjson",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/v1/jobs/{job_id}/cancel", summary="取消任务（检查停止，结果不保留）")
    async def cancel(request: Request, job_id: str) -> dict[str, Any]:
        job = job_of(request, job_id)
        store.cancel(job)
        return job.status()

    @app.delete("/v1/jobs/{job_id}", summary="取消并删除任务", status_code=204, response_class=Response)
    async def delete(request: Request, job_id: str) -> Response:
        store.forget(job_of(request, job_id))
        return Response(status_code=204)

    def page(offset: int, limit: int) -> None:
        if offset < 0 or not 1 <= limit <= MAX_PAGE:
            raise error(400, f"offset 应不小于 0，limit 应在 1 到 {MAX_PAGE} 之间")

    @app.get("/v1/jobs/{job_id}/findings", summary="任务的问题（按文件、按在文件中的位置排列，分页）")
    async def findings(request: Request, job_id: str, offset: int = 0, limit: int = 200,
                       file: int | None = None, masked: bool = masked_query) -> dict[str, Any]:
        job = finished(job_of(request, job_id))
        page(offset, limit)
        files = range(len(job.results)) if file is None else [file]
        if file is not None and not 0 <= file < len(job.results):
            raise error(400, "file 超出范围")
        total = sum(len(job.results[i].findings) for i in files)
        out, skip = [], offset
        for i in files:
            items = job.results[i].findings
            if skip >= len(items):
                skip -= len(items)
                continue
            for f in items[skip:skip + limit - len(out)]:
                out.append(shown(job, i, f, masked))
            skip = 0
            if len(out) >= limit:
                break
        return {"total": total, "offset": offset, "findings": out}

    @app.get("/v1/jobs/{job_id}/groups", summary="任务的问题分组（同一规则、同一文字为一组；分页）")
    async def groups(request: Request, job_id: str, offset: int = 0, limit: int = 200,
                     masked: bool = masked_query) -> dict[str, Any]:
        from ..reporters.groups import inside_summary

        job = finished(job_of(request, job_id))
        page(offset, limit)
        out = []
        for n, (file, group) in enumerate(job.groups[offset:offset + limit], offset):
            head = shown(job, file, group.first, masked)
            item = {"index": n, "file": file, "kind": group.kind, "count": group.count,
                    "severity": group.severity, "finding": head}
            if group.kind == "hidden" and group.inside:
                item["inside"] = inside_summary(group, ((f, shown(job, file, f, masked)["match"])
                                                        for f in group.inside))
            out.append(item)
        return {"total": len(job.groups), "offset": offset, "groups": out}

    @app.get("/v1/jobs/{job_id}/groups/{index}", summary="一组问题的各处（分页）")
    async def group_places(request: Request, job_id: str, index: int, offset: int = 0, limit: int = 200,
                           masked: bool = masked_query) -> dict[str, Any]:
        job = finished(job_of(request, job_id))
        page(offset, limit)
        if not 0 <= index < len(job.groups):
            raise error(404, "没有这一组")
        file, group = job.groups[index]
        return {"total": group.count, "offset": offset,
                "findings": [shown(job, file, f, masked) for f in group.findings[offset:offset + limit]]}

    @app.get("/v1/jobs/{job_id}/text", summary="上传文件的原文，问题已标出、个人信息已遮盖（结果较小时）",
             responses={200: {"description": "{\"segments\": [{where, text, marks: [[start, end, [问题序号]]]}], "
                                             "\"unplaced\": 未能标出的问题数}"}})
    async def text(request: Request, job_id: str, file: int = 0) -> dict[str, Any]:
        job = finished(job_of(request, job_id))
        shown = job.texts.get(file)
        if shown is None:
            raise error(404, "这个文件没有可显示的原文（文字检查、压缩包、无法检查的文件或问题超过 1,000 处时不提供）")
        return shown

    @app.get("/v1/jobs/{job_id}/report", summary="下载报告：HTML 报告、XLSX 整改清单或 JSON 报告",
             responses={200: {"description": "报告文件（HTML、XLSX 中个人信息已遮盖；JSON 与 /v1/check 相同）"}})
    async def report(request: Request, job_id: str,
                     format: str = Query("html", pattern="^(html|xlsx|json)$")) -> Response:
        job = finished(job_of(request, job_id))
        whole = Report(tuple(job.results), __version__)
        name, media = REPORT_FORMATS[format]
        if len(job.results) == 1:
            stem = job.results[0].path.rsplit(".", 1)[0] if "." in job.results[0].path else job.results[0].path
            name = f"{stem}-{name}"
        headers = {"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"}
        if format == "json":
            from ..reporters.json import chunks

            def pieces() -> Iterator[bytes]:
                for piece in chunks(whole):
                    yield piece.encode("utf-8")
            return StreamingResponse(pieces(), media_type=media, headers=headers)
        data = job.reports.get(format)
        if data is None:
            from ..reporters import render

            def build() -> bytes:
                out = render(whole, format, units=units)
                return out.encode("utf-8") if isinstance(out, str) else out
            try:
                data = job.reports[format] = await render_in(store, build)
            except GkcheckError as exc:
                raise error(500, str(exc)) from None
        return Response(data, 200, media_type=media, headers=headers)


__all__ = ["Cancelled", "Job", "JobStore", "add_routes"]
