"""Writing files without ever touching the user's: new files only, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable


_UMASK = os.umask(0o022)
os.umask(_UMASK)   # read once at import: the process's umask, restored at once


def write_atomic(path: Path, data: str | bytes | Iterable[str | bytes], *, overwrite: bool = True) -> None:
    """Write ``data`` (or its pieces, in order; text as UTF-8) to ``path`` through a temporary
    file in the same folder and a rename, so a reader never sees half a file and a crash leaves
    the old file (or none) in place."""
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(path)
    pieces = (data,) if isinstance(data, (str, bytes)) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        # mkstemp makes the file 0600; a report or masked copy gets the mode any new file would
        # (or keeps the mode of the file it replaces), so a web server can still publish it
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_UMASK
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            for piece in pieces:
                fh.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
            fh.flush()
            os.fsync(fh.fileno())
        if not overwrite:
            os.link(tmp, path)  # fails if path appeared meanwhile
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# -- where a report may go ------------------------------------------------------------------------

_REPORT_HEADS = (b'"name": "gkcheck"', b'<testsuites name="gkcheck"', b"<title>gkcheck ")
_TEXT_REPORT_TAIL = "共检查 "   # the last line of a text report: 共检查 N 个文件：错误 …


def file_id(path: Path) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of the file ``path`` names (links followed), or None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def is_report(path: Path) -> bool:
    """Is the existing file at ``path`` empty or a report gkcheck wrote (any ``--format``)? Only
    such a file is replaced without ``--force``."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
            if not head:
                return True
            if head.startswith(b"PK"):
                return _is_xlsx_report(path)
            if any(mark in head for mark in _REPORT_HEADS):
                return True
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - 512))
            tail = fh.read().decode("utf-8", "replace").rstrip("\n").split("\n")[-2:]
    except OSError:
        return False
    # the summary line is the last line, or the one before the coverage line (已检查 …)
    return any(line.startswith(_TEXT_REPORT_TAIL) and "个文件：错误 " in line for line in tail)


def _is_xlsx_report(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            with zf.open("docProps/core.xml") as fh:
                return b"<dc:creator>gkcheck</dc:creator>" in fh.read(1 << 16)
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def output_problem(output: Path, inputs: Iterable[Path], *, force: bool = False) -> str | None:
    """Why the report must not be written to ``output`` (a message in Chinese), or None.

    ``output`` must not be one of ``inputs`` — compared by resolved path (symbolic links, ``..``,
    relative paths) and by ``(st_dev, st_ino)`` (hard links, a case-insensitive filesystem) — and
    an existing file that is not a gkcheck report is replaced only with ``force``."""
    real = os.path.realpath(output)
    ident = file_id(output)
    for path in inputs:
        if os.path.realpath(path) == real or (ident is not None and file_id(path) == ident):
            return (f"--output 指向被检查的文件 {path}，报告不能写在它上面"
                    "（报告要放在被检查的目录中时，用 --exclude 排除它）")
    if not force and os.path.lexists(output) and (not os.path.isfile(output) or not is_report(output)):
        return (f"--output 的文件 {output} 已存在且不是 gkcheck 的报告；"
                "确认要替换它请加 --force（被检查的文件任何时候都不会被替换）")
    return None
