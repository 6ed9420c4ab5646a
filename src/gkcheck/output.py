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
