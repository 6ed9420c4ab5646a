"""Moving a file without ever overwriting one: the upload gate's only way to touch the user's files.

Inside one filesystem a move is a single rename that refuses an existing target
(``renameat2(RENAME_NOREPLACE)`` on Linux; elsewhere a check followed by :func:`os.replace`), so
the file is always in exactly one place, whole. Across filesystems it is copied to a hidden
temporary name beside the target (:func:`temp_name`), flushed to disk, renamed into place the
same way, and only then removed from where it was.

:func:`move_checked` moves only the content that was checked: the file is first renamed to a
hidden name beside itself (:func:`stage_name`; the uploader's name is free again, nobody writes to
the hidden one), its SHA-256 is compared with the checked one there, and only then is it moved on;
a copy across filesystems is hashed while it is copied. A mismatch raises :class:`ContentChanged`
with the file left at the hidden name.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sys
from pathlib import Path
from typing import Iterable

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_renameat2 = None
if sys.platform.startswith("linux"):
    try:
        import ctypes

        _libc = ctypes.CDLL(None, use_errno=True)
        _renameat2 = _libc.renameat2
        _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        _renameat2.restype = ctypes.c_int
    except (OSError, AttributeError):  # an old C library without the call
        _renameat2 = None


def temp_name(target: Path) -> Path:
    """Where a copy across filesystems is written before it is renamed to ``target``."""
    return target.with_name(f".{target.name}.gkcheck-part")


def stage_name(source: Path, tag: object = "") -> Path:
    """Where a file waits, beside itself, between its last hash and its move (hidden: the gate
    never takes it, and an uploader writing under the old name makes a new file). ``tag`` (the
    upload's row id) keeps two uploads of one name apart."""
    return source.with_name(f".{source.name}.{tag}.gkcheck-check" if tag != "" else f".{source.name}.gkcheck-check")


class ContentChanged(Exception):
    """The file's content is not the content that was checked; it waits at ``staged``."""

    def __init__(self, staged: Path):
        super().__init__(str(staged))
        self.staged = staged


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def move_checked(src: Path, dst: Path, sha256: str, tag: object = "") -> None:
    """Move ``src`` to ``dst`` like :func:`move_file`, but only if its content has the SHA-256
    ``sha256`` (the content that was checked). Raises :class:`ContentChanged` (the file then waits
    at :func:`stage_name` of ``src``) when it does not; :class:`FileExistsError` when ``dst`` is
    taken (the file is then back under its own name)."""
    staged = stage_name(src, tag)
    rename_noreplace(src, staged)
    if sha256_of(staged) != sha256:
        raise ContentChanged(staged)
    try:
        move_file(staged, dst, sha256=sha256)
    except ContentChanged:
        raise
    except BaseException:
        try:
            rename_noreplace(staged, src)   # not moved: back under its own name, as it was
        except OSError:
            pass                            # a new upload took the name; recovery finds it
        raise


def rename_noreplace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``; :class:`FileExistsError` if ``dst`` exists, ``OSError(EXDEV)``
    if they are on different filesystems."""
    if _renameat2 is not None:
        import ctypes

        if _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(src), None, str(dst))
        # the filesystem does not know the flag: fall through to check-then-rename
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst))
    os.replace(src, dst)


def move_file(src: Path, dst: Path, *, sha256: str | None = None) -> None:
    """Move ``src`` to ``dst`` (whose folder exists) atomically, never replacing an existing file.

    Raises :class:`FileExistsError` when ``dst`` is taken; ``src`` is then untouched. With
    ``sha256``, a copy across filesystems whose bytes do not have that hash is not put in place
    (:class:`ContentChanged` naming ``src``)."""
    try:
        rename_noreplace(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _copy_across(src, dst, sha256)
        os.unlink(src)
        _fsync_dir(src.parent)
        return
    _fsync_dir(dst.parent)
    if src.parent != dst.parent:
        _fsync_dir(src.parent)


def _copy_across(src: Path, dst: Path, sha256: str | None = None) -> None:
    tmp = temp_name(dst)
    try:
        digest = hashlib.sha256()
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            for chunk in iter(lambda: fin.read(1 << 20), b""):
                digest.update(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        if sha256 is not None and digest.hexdigest() != sha256:
            raise ContentChanged(src)
        shutil.copystat(src, tmp)
        rename_noreplace(tmp, dst)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise
    _fsync_dir(dst.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # not every platform opens folders; the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def free_name(folder: Path, name: str, companions: Iterable[str] = ()) -> Path:
    """``folder/name``, or ``folder/stem-1.ext``, ``stem-2.ext`` ... the first one that is free
    together with its companion files (``name + suffix`` for each suffix in ``companions``)."""
    suffixes = ("", *companions)
    stem, dot, ext = name.rpartition(".")
    if not stem:  # no extension (or a name like ".x", never given here)
        stem, dot, ext = name, "", ""
    n = 0
    while True:
        candidate = name if n == 0 else f"{stem}-{n}{dot}{ext}"
        if not any(os.path.lexists(folder / (candidate + s)) for s in suffixes):
            return folder / candidate
        n += 1
