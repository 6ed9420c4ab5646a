"""Acting on findings from ``gkcheck serve``: 忽略此处 and 加入本单位词库 (docs/serve.md#对问题的操作).

- **忽略此处** (``POST /v1/ignore {"fingerprint"}``): every finding a check answers carries a
  fingerprint (ledger/fingerprint.py: document · rule · match · near context · occurrence, no line
  numbers). With a ledger configured (``ledger = ...`` in gkcheck.toml) checks through the server
  are recorded in it and the fingerprint is marked 已忽略 there, exactly as ``gkcheck ledger
  ignore`` does. Without a ledger the fingerprints are kept in :data:`IGNORE_FILE` beside the
  configuration file (its HMAC key in ``IGNORE_FILE.key``). Either way the next check of the same
  document leaves the finding out and counts it in the file's ``suppressed``.
- **加入本单位词库** (``POST /v1/allow {"word", "rule"}``): the word is appended to the first
  configured ``allowlists`` file (written atomically, existing lines kept byte for byte, writers
  serialised by a lock), and the server's checker is rebuilt so the next check honours it.
  Without an allow-list file configured the answer is 409 with what to configure: the server never
  invents a file to write.

The server writes nothing else, and never a path a request names. ``GET /v1/actions`` tells the
page what is available.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations (see serve.py).

import fcntl
import json
import os
import re
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..config import Config
from ..model import FileResult, GkcheckError

if TYPE_CHECKING:
    from ..checker import Checker
    from ..ledger import Ledger

IGNORE_FILE = "gkcheck-serve-ignored.json"
ALLOW_DETECTORS = frozenset({"dictionary", "nearmiss", "typostat"})   # the detectors that read allowlists
MAX_WORD = 40
MAX_REASON = 200
MAX_IGNORE = 1000      # places in one 忽略 (a group's places)
_FP = re.compile(r"[0-9a-f]{24}")


class ActionError(Exception):
    """An action refused: HTTP status and a Chinese message."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


# -- files written atomically under a lock ------------------------------------------------------

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise writers of ``path``: threads of this process (a lock per file) and other
    processes (``flock`` on the folder that holds it: the file itself is replaced by each write,
    and a lock file would be one more file beside the user's)."""
    key = str(path)
    with _THREAD_LOCKS_GUARD:
        lock = _THREAD_LOCKS.setdefault(key, threading.Lock())
    with lock:
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)            # releases the flock


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: a temporary file in the same folder, fsync, os.replace.
    A reader sees the old file or the new one, never half of one; the mode of the old file is
    kept."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# -- the checker, rebuilt when the words it was built from change -------------------------------

def _signature(paths: tuple[Path, ...]) -> tuple[tuple[int, int, int] | None, ...]:
    """What tells a changed file, one ``stat`` each: an atomic replace is a new inode, an edit in
    place a new time or size."""
    out = []
    for p in paths:
        try:
            st = p.stat()
            out.append((st.st_ino, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


class CheckerHolder:
    """The server's checker. Before each check the allow-list and dictionary files are looked at
    (one ``stat`` each); when one changed — through 加入本单位词库 or by hand — a new checker is
    built from the same configuration and used from then on. A file that can no longer be read
    keeps the old checker and says why in :attr:`problem` (the check is not made blind)."""

    def __init__(self, checker: "Checker", build: Callable[[Config], "Checker"]):
        self._checker = checker
        self._build = build
        self._paths = (*checker.config.allowlists, *checker.config.dictionaries)
        self._seen = _signature(self._paths)
        self._lock = threading.Lock()
        self.problem: str | None = None

    @property
    def config(self) -> Config:
        return self._checker.config

    def get(self) -> "Checker":
        if self._paths and _signature(self._paths) != self._seen:
            self.refresh()
        return self._checker

    def refresh(self) -> None:
        with self._lock:
            now = _signature(self._paths)
            if now == self._seen:
                return
            try:
                self._checker = self._build(self._checker.config)
                self.problem = None
            except GkcheckError as exc:
                self.problem = str(exc)
                raise
            self._seen = now


# -- ignores without a ledger -------------------------------------------------------------------

class IgnoreFile:
    """Fingerprints ignored through the server when no ledger is configured: a JSON file
    ``{"version": 1, "ignored": [{"fingerprint", "doc", "rule", "reason", "time"}]}``; the HMAC
    key of the fingerprints in ``FILE.key`` (0600, made on first use, as a ledger's key)."""

    def __init__(self, path: Path):
        from ..ledger.fingerprint import load_key

        self.path = path
        self.key = load_key(Path(str(path) + ".key"))
        self._cache: tuple[tuple[int, int, int] | None, frozenset[str]] = ((-1, -1, -1), frozenset())

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {"version": 1, "ignored": []}
        except (OSError, ValueError) as exc:
            raise GkcheckError(f"无法读取忽略记录 {self.path}：{exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("ignored"), list):
            raise GkcheckError(f"忽略记录 {self.path} 的格式不对（应为 {{\"version\": 1, \"ignored\": [...]}}）")
        return data

    def fingerprints(self) -> frozenset[str]:
        sig = _signature((self.path,))[0]
        if sig is not None and sig == self._cache[0]:
            return self._cache[1]
        fps = frozenset(str(e.get("fingerprint")) for e in self._read()["ignored"] if isinstance(e, dict))
        self._cache = (sig, fps)
        return fps

    def add(self, fps: list[str], doc: str, rule: str, reason: str) -> int:
        """Record ``fps`` (those not recorded yet); returns how many were new."""
        with locked(self.path):
            data = self._read()
            have = {e.get("fingerprint") for e in data["ignored"] if isinstance(e, dict)}
            when = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            new = [fp for fp in fps if fp not in have]
            if not new:
                return 0
            data["ignored"].extend({"fingerprint": fp, "doc": doc, "rule": rule, "reason": reason,
                                    "time": when} for fp in new)
            write_atomically(self.path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
            return len(new)


# -- the actions --------------------------------------------------------------------------------

def _clean(value: object, what: str, limit: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ActionError(400, f"缺少字段 {what}（字符串）")
    text = value.strip()      # not normalised: the word must stay the text the checker matched
    if required and not text:
        raise ActionError(400, f"{what} 不能为空")
    if len(text) > limit:
        raise ActionError(400, f"{what} 过长（最多 {limit} 字）")
    if any(not c.isprintable() for c in text):
        raise ActionError(400, f"{what} 含有换行或控制字符")
    return text


def document_name(value: object) -> str | None:
    """The ``doc`` field of a check: a document's identity in the ledger, its path on the site
    (``zwgk/tzgg/1.html``; the ledger puts ``site-url`` before it), a key and never a path the
    server opens; None when not given. ValueError with a
    Chinese message when it is not one line of at most 500 characters."""
    if value is None or value == "":
        return None
    try:
        text = _clean(value, "doc", 500)
    except ActionError as exc:
        raise ValueError(exc.detail) from None
    return text.replace("\\", "/")


def _known(values: dict[str, Any], fields: set[str]) -> None:
    unknown = set(values) - fields
    if unknown:
        raise ActionError(400, f"未知字段：{', '.join(sorted(unknown))}（可用 {', '.join(sorted(fields))}）")


class Actions:
    """What the action endpoints and the checks share: the checker holder, the ledger (or the
    ignore file) and the allow-list file."""

    def __init__(self, checker: "Checker", build: Callable[[Config], "Checker"]):
        from ..rules import load_rules

        self.holder = CheckerHolder(checker, build)
        config = checker.config
        # only word checks of category typo: a sensitive word or a serious expression error is
        # never allowed everywhere by one click on the page (an administrator can edit the file)
        self.allow_rules = frozenset(code for code, rule in load_rules().items()
                                     if rule.detector in ALLOW_DETECTORS and rule.category == "typo"
                                     and code in checker.enabled)
        self.allowlist = config.allowlists[0] if config.allowlists else None
        self.ledger: "Ledger | None" = None
        self.ignores: "IgnoreFile | None" = None
        self._ledger_lock = threading.Lock()
        if config.ledger:
            from ..ledger import Ledger

            self.ledger = Ledger(config.ledger, site_url=config.site_url, units=config.units)
        elif config.source is not None:
            self.ignores = IgnoreFile(config.source.parent / IGNORE_FILE)

    def close(self) -> None:
        if self.ledger is not None:
            self.ledger.close()

    def describe(self) -> dict[str, Any]:
        """What ``GET /v1/actions`` answers (the page shows the buttons that can work)."""
        store = "ledger" if self.ledger else "file" if self.ignores else None
        return {
            "ignore": {"available": store is not None, "store": store,
                       "message": None if store else "未配置台账，也没有配置文件：无处记录忽略（见 docs/serve.md）"},
            "allow": {"available": self.allowlist is not None,
                      "file": self.allowlist.name if self.allowlist else None,
                      "rules": sorted(self.allow_rules),
                      "message": None if self.allowlist else NO_ALLOWLIST},
        }

    # -- after each check ---------------------------------------------------------------------

    def record(self, result: FileResult, doc: str | None = None) -> FileResult:
        """The checked document with a fingerprint on each finding, recorded in the ledger when
        there is one; the findings ignored through 忽略此处 left out and counted in
        ``suppressed``. ``doc``: the document's identity (a CMS's path for the page; default
        the file name label). A result that could not be checked is passed on untouched."""
        if result.status != "ok":
            return result
        if self.ledger is not None:
            with self._ledger_lock:
                try:
                    marked = self.ledger.record_result(
                        result, self.ledger.identity(doc, None) if doc else None, source="serve")
                except GkcheckError:
                    raise
                except Exception as exc:  # a database error: the check is fine, the ledger is not
                    raise GkcheckError(f"无法记入台账（{type(exc).__name__}：{exc}）") from None
            ignored = {f.fingerprint for f in marked.findings if f.ledger_state == "ignored"}
        else:
            from ..ledger import _annotate   # the ledger's own positional rebuild: fast, one place
            from ..ledger.fingerprint import document_identity, fingerprints

            key = self.ignores.key if self.ignores else None
            if key is None or not result.findings:
                return result
            fps = fingerprints(key, document_identity(doc or result.path, None, self.holder.config.site_url),
                               result.findings)
            marked = _annotate(result, fps, {})      # each finding: its fingerprint, ledger_state "new"
            ignored = set(fps) & self.ignores.fingerprints() if self.ignores else set()
        if not ignored:
            return marked
        kept = tuple(f for f in marked.findings if f.fingerprint not in ignored)
        return replace(marked, findings=kept,
                       suppressed=marked.suppressed + len(marked.findings) - len(kept))

    # -- 忽略此处 -------------------------------------------------------------------------------

    def ignore(self, values: dict[str, Any]) -> dict[str, Any]:
        """``{"fingerprint": fp}`` or ``{"fingerprints": [fp, ...]}`` (the places of a group)."""
        _known(values, {"fingerprint", "fingerprints", "reason", "rule", "doc"})
        raw = values.get("fingerprints", [values.get("fingerprint")])
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_IGNORE:
            raise ActionError(400, f"fingerprints 应为 1 到 {MAX_IGNORE} 个指纹的列表")
        fps = [_clean(fp, "fingerprint", 64).lower() for fp in raw]
        if not all(_FP.fullmatch(fp) for fp in fps):
            raise ActionError(400, "fingerprint 应为检查结果中问题的 24 位十六进制指纹")
        fps = list(dict.fromkeys(fps))
        reason = _clean(values.get("reason"), "reason", MAX_REASON, required=False) or "网页上忽略此处"
        if self.ledger is not None:
            with self._ledger_lock:
                try:
                    full = self.ledger.resolve(fps)
                except GkcheckError:
                    raise ActionError(404, "台账中没有这处问题：请重新检查后再忽略") from None
                self.ledger.ignore(full, reason, user="网页")
            return {"fingerprints": full, "store": "ledger", "ignored": len(full)}
        if self.ignores is None:
            raise ActionError(409, "无法忽略：服务既没有配置台账（ledger），也没有配置文件（gkcheck.toml），"
                                   "无处记录。请用 --config 指定配置文件后重启服务（见 docs/serve.md）")
        doc = _clean(values.get("doc"), "doc", 300, required=False)
        rule = _clean(values.get("rule"), "rule", 10, required=False)
        self.ignores.add(fps, doc, rule, reason)
        return {"fingerprints": fps, "store": "file", "file": self.ignores.path.name, "ignored": len(fps)}

    # -- 加入本单位词库 -----------------------------------------------------------------------------

    def allow(self, values: dict[str, Any]) -> dict[str, Any]:
        _known(values, {"word", "rule"})     # never a file name: only the configured file is written
        word = _clean(values.get("word"), "word", MAX_WORD)
        rule = _clean(values.get("rule"), "rule", 10)
        if any(c.isspace() for c in word) or word[0] in "#=":
            raise ActionError(400, "word 应为一个词：不含空白，不以 # 或 = 开头")
        if self.allowlist is None:
            raise ActionError(409, NO_ALLOWLIST)
        if rule not in self.allow_rules:
            raise ActionError(422, f"规则 {rule} 的问题不能从网页加入本单位词库（只有错别字类的词语检查可以），请用“忽略此处”")
        target = Path(os.path.realpath(self.allowlist))
        if target.is_dir():
            raise ActionError(409, f"配置的词库 {self.allowlist} 是文件夹，不是文件")
        if any(Path(os.path.realpath(p)) == target for p in self.holder.config.dictionaries):
            raise ActionError(409, f"配置的词库 {self.allowlist.name} 同时是词典文件（dictionaries），不向其中写词")
        added = add_word(target, word)
        try:
            self.holder.refresh()
        except GkcheckError as exc:
            raise ActionError(500, f"词已写入 {self.allowlist.name}，但重新加载词库失败：{exc}") from None
        return {"word": word, "file": self.allowlist.name, "added": added}


NO_ALLOWLIST = ("未配置本单位词库：请在 gkcheck.toml 中写 allowlists = [\"本单位词库.txt\"]"
                "（每行一个词，文件可以先建成空的）后重启服务（见 docs/configuration.md）")


def add_word(path: Path, word: str) -> bool:
    """Append ``word`` to the allow-list file at ``path`` unless it is already there. The
    existing bytes are kept as they are (comments, order, BOM); only a final newline may be
    added before the new line."""
    from ..dictionary import load_allowlist

    with locked(path):
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = b""
        except OSError as exc:
            raise ActionError(409, f"无法读取词库 {path.name}：{exc.strerror}") from None
        try:
            old.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ActionError(409, f"词库 {path.name} 不是 UTF-8 文本，未改动") from None
        if old and word in load_allowlist(path):
            return False
        sep = b"" if not old or old.endswith(b"\n") else b"\n"
        try:
            write_atomically(path, old + sep + word.encode("utf-8") + b"\n")
        except OSError as exc:
            raise ActionError(409, f"无法写入词库 {path.name}：{exc.strerror}") from None
        return True


def add_routes(app: Any, actions: Actions, run: Callable[[Callable[[], Any]], Any]) -> None:
    """``GET /v1/actions``, ``POST /v1/ignore``, ``POST /v1/allow`` on the FastAPI ``app``;
    ``run`` is the server's pool (file writes and a checker rebuild stay off the event loop)."""
    from functools import partial

    from fastapi import Request
    from fastapi.responses import JSONResponse

    async def body(request: Request) -> dict[str, Any]:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            try:
                values = json.loads(await request.body())
            except (ValueError, UnicodeDecodeError, RecursionError):
                raise ActionError(400, "请求体不是有效的 JSON") from None
        elif ctype == "application/x-www-form-urlencoded":
            values = dict((await request.form()).items())
        else:
            raise ActionError(415, "请用 application/json 提交")
        if not isinstance(values, dict):
            raise ActionError(400, "请求体应为 JSON 对象")
        return values

    async def act(request: Request, what: Callable[[dict[str, Any]], dict[str, Any]]) -> JSONResponse:
        try:
            values = await body(request)
            return JSONResponse(await run(partial(what, values)))
        except ActionError as exc:
            return JSONResponse({"detail": exc.detail}, exc.status)
        except GkcheckError as exc:
            return JSONResponse({"detail": str(exc)}, 500)

    @app.get("/v1/actions", summary="网页可用的操作（忽略此处、加入本单位词库）", responses={
        200: {"description": "{\"ignore\": {available, store: ledger|file|null, message}, "
                             "\"allow\": {available, file, rules: [受词库影响的规则], message}}"}})
    async def available() -> dict[str, Any]:
        return actions.describe()

    @app.post("/v1/ignore", summary="忽略此处：下次检查同一文档时不再报告这处问题", openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "fingerprint": {"type": "string", "description": "检查结果中问题的 fingerprint（24 位十六进制）"},
                "fingerprints": {"type": "array", "items": {"type": "string"},
                                 "description": "或：几处问题的指纹（一组的各处，最多 1000 个）"},
                "reason": {"type": "string", "description": "理由（记入台账或忽略记录）"},
                "rule": {"type": "string", "description": "规则编号（仅记录）"},
                "doc": {"type": "string", "description": "文档（仅记录）"}}}}}}},
        responses={200: {"description": "{\"fingerprints\": [...], \"store\": ledger|file, \"ignored\": 处数}"},
                   404: {"description": "台账中没有这处问题"},
                   409: {"description": "既没有台账也没有配置文件，无处记录"}})
    async def ignore(request: Request) -> JSONResponse:
        return await act(request, actions.ignore)

    @app.post("/v1/allow", summary="加入本单位词库：把词写入配置的允许词文件，下次检查起不再报告", openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["word", "rule"], "properties": {
                "word": {"type": "string", "description": "要加入的词（问题的 match）"},
                "rule": {"type": "string", "description": "问题的规则编号（只接受看词库的规则）"}}}}}}},
        responses={200: {"description": "{\"word\", \"file\": 词库文件名, \"added\": 是否新加}"},
                   409: {"description": "没有配置允许词文件（allowlists），或文件无法读写"},
                   422: {"description": "这条规则不看词库"}})
    async def allow(request: Request) -> JSONResponse:
        return await act(request, actions.allow)


__all__ = ["Actions", "ActionError", "IGNORE_FILE", "add_routes", "add_word", "write_atomically"]
