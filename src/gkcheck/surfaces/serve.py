"""``gkcheck serve``: checking and masking over HTTP, and a web page for editors at ``/``.

An ASGI application (FastAPI, run by uvicorn; both from the ``serve`` extra and imported only
here, only when the server is built):

- ``POST /v1/check`` — a JSON body ``{"text", "filename"?, "publish_date"?}`` or a multipart
  upload (field ``file``) → the JSON report of ``gkcheck scan --format json``; ``422`` with the
  same report when the input could not be checked (fail closed: never a ``200``).
- ``POST /v1/mask`` — JSON ``{"text"}`` → ``{"text", "items"}``; an upload → the masked file.
- ``POST /v1/jobs`` and ``/v1/jobs/{id}/...`` — the same checks as jobs: streamed progress,
  cancel, paged and grouped findings, report downloads (serve_jobs.py).
- ``GET /healthz``, ``GET /openapi.json``, ``GET /docs`` (self-contained, no CDN), ``GET /``.

Every request body is read by :func:`guard` before the application sees it: the token is checked
first, then the body is counted while it arrives and refused with 413 as soon as it is too large.
Checks run in a bounded thread pool (:class:`Pool`) so the event loop stays free. No endpoint
takes a path on the server; a client's file name is only a label in the answer.
"""
# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations, whose
# types are imported inside create_app (FastAPI is imported only when a server is built).

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable
from urllib.parse import quote

import click

from .._version import __version__
from ..config import Config, parse_date
from ..model import FileResult, GkcheckError, Report
from .serve_docs import DOC_PATHS
from .serve_docs import pages as doc_pages
from .serve_guard import (DEFAULT_MAX_UPLOADS, DEFAULT_TIMEOUT, DEFAULT_WORKERS, LOCAL_HOSTS,  # noqa: F401
                          ASGIApp, Limits, authorized, check_token, guard, host_allow_list, host_name)

from .serve_jobs import DEFAULT_TTL, JobStore
from .serve_jobs import add_routes as add_job_routes

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

    from ..checker import Checker

DEFAULT_MAX_BYTES = 20 * 2**20
DEFAULT_MAX_CONNECTIONS = 200
HEADER_TIMEOUT = 10.0
KEEP_ALIVE = 5.0
BACKLOG = 128          # pending connections the kernel keeps, and accepted at once by the loop
JOBS_PER_WORKER = 4      # jobs kept (running or finished, see serve_jobs.py) per worker
JOB_TIMEOUT_FACTOR = 10  # a job may run this many times --timeout
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html",
    "text": "text/plain",
    "csv": "text/csv",
    "markdown": "text/markdown",
}
# the web page and the API docs page: URL → (file in gkcheck/web, content type)
WEB_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/list.js": ("list.js", "text/javascript; charset=utf-8"),
    "/actions.js": ("actions.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
    "/docs": ("docs.html", "text/html; charset=utf-8"),
    "/docs.js": ("docs.js", "text/javascript; charset=utf-8"),
}
PAGE_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; "
                                "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                                "form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
# what needs no token: the page (it asks for the token), the API docs and the health probe
OPEN_PATHS = frozenset({*WEB_FILES, *DOC_PATHS, "/openapi.json", "/healthz"})
HTTP_MESSAGES = {404: "没有这个地址", 405: "不支持此请求方法"}


class ApiError(Exception):
    """An answer other than the normal one: HTTP status and a Chinese message (``{"detail": ...}``)."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


# -- the thread pool ------------------------------------------------------------------------------

class Pool:
    """Runs checks off the event loop, at most ``workers`` at a time.

    A check that outlives ``timeout`` is answered 504, but its thread cannot be stopped: it keeps
    its slot until it ends, so runaway checks cannot pile up. A request that finds no free slot
    within ``timeout`` is answered 503."""

    def __init__(self, workers: int, timeout: float):
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="gkcheck-serve")
        self._slots = asyncio.Semaphore(workers)

    async def run(self, fn: Callable[[], Any]) -> Any:
        try:
            async with asyncio.timeout(self.timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise ApiError(503, "服务繁忙：正在进行的检查已满，请稍后再试") from None
        loop = asyncio.get_running_loop()

        def free(_: object) -> None:
            try:
                loop.call_soon_threadsafe(self._slots.release)
            except RuntimeError:  # the loop has closed: the server is stopping
                pass

        try:
            future = self._executor.submit(fn)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(free)
        try:
            async with asyncio.timeout(self.timeout):
                return await asyncio.wrap_future(future)
        except TimeoutError:
            raise ApiError(504, f"检查超时（超过 {self.timeout:g} 秒）：内容过大或过于复杂，"
                                "请拆分后再试") from None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# -- what the endpoints do, apart from HTTP -------------------------------------------------------

def label(name: object, default: str) -> str:
    """A client's file name used as a label only: its last path component, printable, bounded."""
    if not isinstance(name, str):
        return default
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    last = "".join(c for c in last if c.isprintable()).strip()[:200]
    return default if last in ("", ".", "..") else last


def check_text(checker: "Checker", text: str, name: str, publish_date: date | None) -> FileResult:
    """The text as one file (HTML when ``name`` says so); a failure is that file's error."""
    kind = "html" if name.lower().endswith(HTML_SUFFIXES) else "text"
    try:
        findings = checker.check_text(text, filename=name, publish_date=publish_date)
    except GkcheckError as exc:
        return FileResult(name, None, "error", str(exc))
    except Exception as exc:  # a reader bug or hostile input: an error for the client, never "clean"
        return FileResult(name, None, "error", f"无法检查（{type(exc).__name__}：{exc}）")
    return FileResult(name, kind, "ok", None, tuple(findings))   # no encoding: JSON brought text


def for_people(report: Report) -> Report:
    """The report with personal data masked in ``match`` and ``context``, as every report a person
    reads (the web page asks for this with ``?masked=true``)."""
    from ..reporters import private_values, shown_context, shown_match

    def shown(result: FileResult) -> FileResult:
        private = private_values(result)
        return replace(result, findings=tuple(
            replace(f, match=shown_match(f, private), context=shown_context(f, private))
            for f in result.findings))

    return replace(report, files=tuple(shown(result) for result in report.files))


def content_disposition(name: str) -> str:
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError(400, "publish_date 应为字符串 YYYY-MM-DD")
    try:
        return parse_date(value, "publish_date")
    except GkcheckError as exc:
        raise ApiError(400, str(exc)) from None


def _web_file(name: str) -> bytes:
    return resources.files("gkcheck.surfaces").joinpath("web", name).read_bytes()


# -- the application ------------------------------------------------------------------------------

CHECK_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {
        "type": "object", "required": ["text"], "additionalProperties": False, "properties": {
            "text": {"type": "string", "description": "要检查的文字"},
            "filename": {"type": "string", "description": "仅作标签；以 .html/.htm 结尾时按 HTML 源代码检查"},
            "publish_date": {"type": "string", "format": "date", "description": "发布日期 YYYY-MM-DD（默认今天）"},
            "doc": {"type": "string", "description": "台账和“忽略此处”用的文档标识（如 zwgk/tzgg/123.html）；默认为文件名标签"}}}},
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "DOCX、XLSX、HTML、PDF、TXT、CSV、MD；类型按内容判断，文件名仅作标签"},
            "publish_date": {"type": "string", "format": "date"}, "doc": {"type": "string"}}}},
    "application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["text"], "properties": {
            "text": {"type": "string", "description": "要检查的文字（PHP、HTML 表单的写法；multipart 不带 file 时同样）"},
            "filename": {"type": "string"}, "publish_date": {"type": "string", "format": "date"},
            "doc": {"type": "string"}}}}}}}
MASK_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {
        "type": "object", "required": ["text"], "additionalProperties": False,
        "properties": {"text": {"type": "string"}}}},
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary", "description": "XLSX、DOCX、HTML、TXT、CSV、MD"}}}},
    "application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}}}}}
ANNOTATE_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary", "description": "DOCX、XLSX、HTML"},
            "fix": {"type": "string", "enum": ["true", "false"],
                    "description": "true：DOCX 加修订，HTML 返回改好的副本（docs/annotate.md）"},
            "publish_date": {"type": "string", "description": "YYYY-MM-DD"}}}},
    "application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["text", "filename"], "properties": {
            "text": {"type": "string", "description": "HTML 源代码"},
            "filename": {"type": "string", "description": "以 .html/.htm 结尾"},
            "fix": {"type": "string", "enum": ["true", "false"]}}}}}}}
ERRORS = {400: {"description": "请求无效（JSON、字段、日期格式）：{\"detail\": 中文说明}"},
          401: {"description": "设置了令牌而请求未带或带错 Authorization: Bearer"},
          413: {"description": "请求体超过 --max-bytes"},
          415: {"description": "Content-Type 不是 application/json、multipart/form-data 或 application/x-www-form-urlencoded"},
          503: {"description": "正在进行的检查已满，等待超过 --timeout"},
          504: {"description": "检查超过 --timeout 秒"}}


def create_app(config: Config | None = None, *, checker: "Checker | None" = None,
               token: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
               timeout: float = DEFAULT_TIMEOUT, workers: int = DEFAULT_WORKERS,
               allowed_hosts: "Iterable[str] | None" = None,
               max_uploads: int = DEFAULT_MAX_UPLOADS, max_jobs: int | None = None) -> ASGIApp:
    """The ASGI application. ``checker`` (built from ``config`` when not given) is shared by all
    requests; ``token`` protects all but :data:`OPEN_PATHS`; ``max_bytes`` bounds a request body; ``timeout`` bounds
    one check in seconds (a job :data:`JOB_TIMEOUT_FACTOR` times that); ``max_jobs`` bounds the jobs
    kept (default :data:`JOBS_PER_WORKER` per worker). ``allowed_hosts``: the ``Host`` names accepted (``"*"``: any); by
    default any when a token is set, else only the local names (:data:`LOCAL_HOSTS`)."""
    token = check_token(token)
    hosts = host_allow_list(allowed_hosts, token)
    max_jobs = max_jobs or JOBS_PER_WORKER * workers
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, Response
    from starlette.exceptions import HTTPException

    from ..checker import Checker
    from ..masking.files import mask_bytes, policy_from, privacy_checker
    from ..masking import mask_text
    from ..reporters.json import render

    if checker is None:
        checker = Checker(config)
    config = checker.config
    from .serve_actions import Actions, add_routes, document_name
    # 忽略此处、加入本单位词库 and the ledger (serve_actions.py); a changed allow-list rebuilds the checker
    actions = Actions(checker, partial(Checker, limits=checker.limits, today=checker._today))
    masker_checker = privacy_checker(config)
    policy = policy_from(config.detector_options("mask"))
    pool = Pool(workers, timeout)
    # jobs take the current checker and record like /v1/check (ledger, 忽略此处)
    jobs = JobStore(actions.holder.get, check_text, workers=workers, max_jobs=max_jobs,
                    ttl=DEFAULT_TTL, timeout=JOB_TIMEOUT_FACTOR * timeout,
                    mask=lambda text: mask_text(text, policy)[0], record=actions.record)
    pages = {path: (_web_file(name), media) for path, (name, media) in WEB_FILES.items()}
    pages.update(doc_pages())    # /docs' examples and the report schema (serve_docs.py)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        yield
        jobs.close()
        pool.close()
        actions.close()

    app = FastAPI(title="gkcheck", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=lifespan,
                  description="政务公开内容发布前合规检查：检查与脱敏接口。说明见 docs/serve.md。")

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        where = "；".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
        return JSONResponse({"detail": f"请求参数无效：{where}"}, 400)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": HTTP_MESSAGES.get(exc.status_code, str(exc.detail))},
                            exc.status_code, headers=exc.headers)

    async def read_input(request: Request, json_fields: set[str], form_fields: set[str]) -> dict[str, Any]:
        """The request's fields: from a JSON object (``text`` required), or from a multipart form
        (``file`` required → bytes, its name in ``filename``). Unknown fields are an error, never
        silently ignored (a misspelt ``publish_date`` would change the findings)."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            try:
                values = json.loads(await request.body())
            except (ValueError, UnicodeDecodeError):
                raise ApiError(400, "请求体不是有效的 JSON") from None
            except RecursionError:   # [[[[…]]]] nested deeper than the parser goes
                raise ApiError(400, "请求体的 JSON 嵌套过深") from None
            if not isinstance(values, dict):
                raise ApiError(400, "请求体应为 JSON 对象")
            if not isinstance(values.get("text"), str):
                raise ApiError(400, "缺少字段 text（字符串）")
            unknown = set(values) - json_fields
        elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            try:
                # a text field may be as long as a JSON text (the body is bounded by --max-bytes)
                form = await request.form(max_files=1, max_fields=len(form_fields | json_fields) + 8,
                                          max_part_size=max_bytes)
            except HTTPException as exc:
                raise ApiError(400, f"无法解析上传的表单（{exc.detail}）") from None
            try:
                upload = form.get("file")
                if (upload is None or upload == "") and isinstance(form.get("text"), str):
                    # a form with a text field (what PHP and HTML forms send): as the JSON body
                    values = {k: v for k, v in form.items() if isinstance(v, str)}
                    if len(values) < len(form):
                        raise ApiError(400, "表单中只能有文字字段（或只上传一个文件 file）")
                    unknown = set(values) - json_fields
                    if unknown:
                        raise ApiError(400, f"未知字段：{', '.join(sorted(unknown))}"
                                            f"（可用 {', '.join(sorted(json_fields))}）")
                    return values
                if upload is None or isinstance(upload, str):
                    raise ApiError(400, "缺少上传的文件（表单字段 file）或文字（表单字段 text）")
                values = {k: v for k, v in form.items() if k != "file"}
                unknown = set(values) - form_fields
                values["file"] = await upload.read()
                values["filename"] = upload.filename
                if not values["file"]:
                    raise ApiError(400, "上传的文件是空的（0 字节）")
            finally:
                await form.close()
        else:
            raise ApiError(415, "请用 application/json、multipart/form-data 或 "
                                "application/x-www-form-urlencoded 提交")
        if unknown:
            known = json_fields if ctype == "application/json" else {"file", *form_fields}
            raise ApiError(400, f"未知字段：{', '.join(sorted(unknown))}（可用 {', '.join(sorted(known))}）")
        return values

    def answer(report: Report, masked: bool) -> Response:
        status = 422 if any(f.status == "error" for f in report.files) else 200
        return Response(render(for_people(report) if masked else report), status,
                        media_type="application/json")

    @app.post("/v1/check", summary="检查文字或文件", openapi_extra=CHECK_BODY, responses={
        200: {"description": "JSON 报告，与 gkcheck scan --format json 相同（docs/json-report.md）"},
        422: {"description": "内容无法检查：仍是 JSON 报告，其中 status 为 error、error 为原因"}, **ERRORS})
    async def check(request: Request, masked: bool = Query(
            False, description="为 true 时遮盖报告中个人信息的 match 和 context（给人看）")) -> Response:
        values = await read_input(request, {"text", "filename", "publish_date", "doc"}, {"publish_date", "doc"})
        publish_date = _date(values.get("publish_date"))
        try:
            doc = document_name(values.get("doc"))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        if "file" in values:
            name = label(values["filename"], "upload")

            def work(current: "Checker") -> FileResult:
                return current.check_bytes(values["file"], name, publish_date=publish_date)
        else:
            if values.get("filename") is not None and not isinstance(values["filename"], str):
                raise ApiError(400, "filename 应为字符串")
            name = label(values.get("filename"), "<text>")

            def work(current: "Checker") -> FileResult:
                return check_text(current, values["text"], name, publish_date)
        return answer(Report((await pool.run(partial(recorded, work, doc)),), __version__), masked)

    def recorded(work: Callable[["Checker"], FileResult], doc: str | None) -> FileResult:
        """In the pool: the check by the current checker (rebuilt when the allow-list changed),
        then the ledger or the ignore file (fingerprints; 忽略此处 left out). A words file that
        cannot be read, or a ledger that cannot be written, is a 503, never a silent answer."""
        try:
            return actions.record(work(actions.holder.get()), doc)
        except GkcheckError as exc:
            raise ApiError(503, str(exc)) from None

    @app.post("/v1/mask", summary="脱敏文字或文件", openapi_extra=MASK_BODY, responses={
        200: {"description": "文字：{\"text\": 脱敏后的文字, \"items\": [{kind, start, end, masked}]}；"
                             "文件：脱敏后的文件（Content-Disposition 带文件名，X-Gkcheck-Masked 为脱敏处数）"},
        422: {"description": "文件无法读取或无法脱敏：{\"detail\": 原因}，不返回副本"}, **ERRORS})
    async def mask(request: Request) -> Response:
        values = await read_input(request, {"text"}, set())
        if "file" not in values:
            masked, items = await pool.run(partial(mask_text, values["text"], policy))
            return JSONResponse({"text": masked, "items": [
                {"kind": m.kind, "start": m.start, "end": m.end, "masked": m.masked} for m in items]})
        name = label(values["filename"], "upload")

        def run() -> Any:
            try:
                return mask_bytes(values["file"], name, policy, checker=masker_checker)
            except GkcheckError as exc:
                return str(exc)
            except Exception as exc:  # a masker bug or a hostile file: no copy, never a crash
                return f"无法脱敏（{type(exc).__name__}：{exc}）"

        result = await pool.run(run)
        if isinstance(result, str):
            raise ApiError(422, result)
        media = MEDIA_TYPES.get(result.type or "", "application/octet-stream")
        if media.startswith("text/") and result.encoding:
            media += f"; charset={result.encoding}"
        return Response(result.data, 200, headers={
            "Content-Type": media, "Content-Disposition": content_disposition(name),
            "X-Gkcheck-Masked": str(len(result.items))})

    @app.post("/v1/annotate", summary="生成批注副本（DOCX 批注和修订、XLSX 单元格批注、HTML 标记）",
              openapi_extra=ANNOTATE_BODY, responses={
        200: {"description": "批注副本（Content-Disposition 带文件名；X-Gkcheck-Findings、X-Gkcheck-Anchored、"
                             "X-Gkcheck-Listed、X-Gkcheck-Fixed 为问题数、原位标注数、列在开头的数、修改数）"},
        422: {"description": "文件无法读取、不是 DOCX/XLSX/HTML 或无法标注：{\"detail\": 原因}"}, **ERRORS})
    async def annotate_file(request: Request) -> Response:
        from ..annotate import annotate

        values = await read_input(request, {"text", "filename", "fix", "publish_date"}, {"fix", "publish_date"})
        if "file" not in values:     # HTML source as text (JSON or a form's text field)
            if not isinstance(values.get("filename"), str) or \
                    not values["filename"].lower().endswith(HTML_SUFFIXES):
                raise ApiError(400, "文字只能按 HTML 源代码生成批注副本：请给 filename（如 page.html），"
                                    "或用 multipart/form-data 上传文件（字段 file）")
            values["file"] = values["text"].encode("utf-8")
        fix = str(values.get("fix", "false")).strip().lower()
        if fix not in ("true", "false", "1", "0", ""):
            raise ApiError(400, "fix 应为 true 或 false")
        name = label(values["filename"], "upload")
        publish_date = _date(values.get("publish_date"))

        def run() -> Any:
            try:
                return annotate(values["file"], name, checker=actions.holder.get(), fix=fix in ("true", "1"),
                                publish_date=publish_date)
            except GkcheckError as exc:
                return str(exc)
            except Exception as exc:  # an annotator bug or a hostile file: no copy, never a crash
                return f"无法生成批注副本（{type(exc).__name__}：{exc}）"

        result = await pool.run(run)
        if isinstance(result, str):
            raise ApiError(422, result)
        data = result.corrected if result.corrected is not None else result.data
        return Response(data, 200, headers={
            "Content-Type": MEDIA_TYPES.get(result.type, "application/octet-stream"),
            "Content-Disposition": content_disposition(name),
            "X-Gkcheck-Findings": str(len(result.findings)), "X-Gkcheck-Anchored": str(result.anchored),
            "X-Gkcheck-Listed": str(result.listed), "X-Gkcheck-Fixed": str(result.fixed)})

    add_job_routes(app, jobs, error=ApiError, label=label, parse_date=_date,
                   content_disposition=content_disposition, units=config.units)

    @app.get("/healthz", summary="健康检查（不需要令牌）",
             responses={200: {"description": "{\"status\": \"ok\", \"version\": 版本号}"}})
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    def page(path: str) -> Callable[[], Awaitable[Response]]:
        content, media = pages[path]

        async def serve_page() -> Response:
            return Response(content, media_type=media, headers=PAGE_HEADERS)
        return serve_page

    for path in pages:
        app.add_api_route(path, page(path), methods=["GET"], include_in_schema=False)
    add_routes(app, actions, pool.run)

    return guard(app, token=token, max_bytes=max_bytes, open_paths=OPEN_PATHS, limits=Limits(
        hosts=hosts, max_uploads=max_uploads, workers=workers, queue_timeout=timeout))


# A short notice with a mistake of each kind. `gkcheck serve` checks it once before it accepts a
# connection, so the detectors build their lazy state (word segmenter, typo model, patterns) once,
# not in each worker thread that meets the first requests at the same time: under load from the
# start that took the peak memory to 411 MB against 204 MB warmed, and the first answers seconds.
WARM_TEXT = ("关于做好2024年政务公开工作的通知\n各有关单位：为深入贯彻中华人民共合国政府信息公开条例，进一步做好政务"
             "公开工作，现将有关事项通知如下。截止目前，各单位要再接再励，按装设备，于2024年2月30日前将材料报送市政府"
             "办公室（https://www.example.gov.cn/），联系人：张伟（身份证号码11010519491231002X），电话：13800138000。\n")


def warm(checker: "Checker") -> "Checker":
    """``checker`` after one check of :data:`WARM_TEXT` (its findings are not used; a failure here
    would show again, and be answered, on the first real request)."""
    try:
        checker.check_text(WARM_TEXT)
    except Exception:  # noqa: BLE001
        pass
    return checker


# -- the command ----------------------------------------------------------------------------------

@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址（默认只接受本机访问；对外提供服务请放在 nginx 等反向代理之后）。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="监听端口。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="配置文件（默认向上查找 gkcheck.toml 或 pyproject.toml 的 [tool.gkcheck]）。")
@click.option("--token", envvar="GKCHECK_TOKEN", default=None,
              help="访问令牌：设置后接口须带 Authorization: Bearer <令牌>（建议用环境变量 GKCHECK_TOKEN 设置）。")
@click.option("--max-bytes", type=click.IntRange(1024), default=DEFAULT_MAX_BYTES, show_default=True,
              help="单个请求的大小上限（字节），超过返回 413。")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              help="每次检查的时限（秒），超过返回 504。")
@click.option("--workers", type=click.IntRange(1, 64), default=DEFAULT_WORKERS, show_default=True,
              help="同时进行的检查数；都在进行时新请求最多等待 --timeout 秒，否则返回 503。")
@click.option("--allow-host", "allow_host", multiple=True, metavar="NAME",
              help="接受的 Host 请求头（主机名，可重复；* 为任意）。默认：设置了令牌时任意，"
                   "否则只接受 localhost、127.0.0.1、::1 和 --host 的值（防 DNS 重绑定）。")
@click.option("--max-connections", type=click.IntRange(8, 100000), default=DEFAULT_MAX_CONNECTIONS,
              show_default=True,
              help="同时打开的连接数上限；满了时先关闭等待请求头最久的空闲连接。")
def serve(host: str, port: int, config_path: Path | None, token: str | None, max_bytes: int,
          timeout: float, workers: int, allow_host: tuple[str, ...], max_connections: int) -> None:
    """启动 HTTP 服务：检查与脱敏接口（/v1/check、/v1/mask）、接口文档（/docs）和网页（/）。"""
    from ..checker import Checker
    from ..config import load_config

    try:
        import fastapi  # noqa: F401  (create_app needs it; say so before building anything)
        import uvicorn
    except ImportError:
        raise click.UsageError("gkcheck serve 需要 serve 扩展：pip install 'gkcheck[serve]'") from None
    from .serve_limits import connection_protocol, fit_open_files, install_repeat_filter

    connections, uploads, files = fit_open_files(max_connections, DEFAULT_MAX_UPLOADS, BACKLOG)
    try:
        token = check_token(token)
        hosts = host_allow_list(allow_host or None, token, host)
        checker = warm(Checker(load_config(config_path)))
        app = create_app(checker=checker, token=token, max_bytes=max_bytes, timeout=timeout,
                         workers=workers, allowed_hosts=sorted(hosts) if hosts is not None else ["*"],
                         max_uploads=uploads)
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None
    if not token and host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("gkcheck: 警告：未设置访问令牌（--token 或 GKCHECK_TOKEN），"
                   "能访问此端口的人都能使用本服务", err=True)
    if connections < max_connections:
        click.echo(f"gkcheck: 打开文件数上限为 {files}，同时连接数降为 {connections}，"
                   f"同时上传数 {uploads}", err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"gkcheck 服务：http://{shown}:{port}/  接口文档：http://{shown}:{port}/docs", err=True)
    # no limit_concurrency: it answers 503 by counting connections, /healthz included; the
    # connection protocol closes idle connections instead
    server_config = uvicorn.Config(
        app, host=host, port=port, log_level="info", server_header=False, backlog=BACKLOG,
        http=connection_protocol(connections, HEADER_TIMEOUT), timeout_keep_alive=int(KEEP_ALIVE),
        h11_max_incomplete_event_size=64 * 1024)
    install_repeat_filter()   # after uvicorn set up its loggers: a flood of one error is a few lines
    uvicorn.Server(server_config).run()


__all__ = ["create_app", "serve"]
