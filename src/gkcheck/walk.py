"""Which files a scan reads: named files as given, folders walked recursively.

A folder walk follows a symbolic link only when its target stays inside the folder being
walked, visits each real folder once (so link loops end), passes over files that are not
documents (images, scripts, styles), and honours ``--exclude`` globs, which match a file's name,
its path relative to the walked folder, or any folder on that path.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Iterator

from .model import SKIP_KINDS  # noqa: F401 (what ``skipped`` counts)
from .sniff import IMAGE_EXTENSIONS, NON_DOCUMENT_EXTENSIONS, OCR_EXTENSIONS, suffix


def excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    parts = rel.split("/")
    candidates = {rel, parts[-1]}
    for i in range(1, len(parts)):
        candidates.add("/".join(parts[:i]))
        candidates.add(parts[i - 1])
    for pat in patterns:
        pat = pat.strip().rstrip("/")
        if pat.startswith("./"):
            pat = pat[2:]
        for cand in candidates:
            if fnmatchcase(cand, pat) or (pat.endswith("/**") and fnmatchcase(cand, pat[:-3])):
                return True
    return False


def iter_files(paths: list[Path], exclude: tuple[str, ...] = (),
               skipped: dict[str, int] | None = None, *,
               images: bool = False) -> Iterator[tuple[Path, str | None]]:
    """Yield ``(path, error)``; ``error`` is set for a named path that does not exist.

    ``skipped``, when given, counts what a folder walk passed over, by kind (:data:`SKIP_KINDS`):
    ``images`` and ``other`` non-document files, ``hidden`` files and folders (name starting with
    a dot), entries ``excluded`` by a pattern, links pointing ``outside`` the folder.
    ``images``: images are yielded (to be read by OCR), not passed over."""
    for path in paths:
        if path.is_dir():
            yield from _walk_dir(path, exclude, skipped if skipped is not None else {}, images)
        elif path.exists():
            yield path, None
        else:
            yield path, "文件或目录不存在"


def _count(skipped: dict[str, int], kind: str) -> None:
    skipped[kind] = skipped.get(kind, 0) + 1


def _walk_dir(root: Path, exclude: tuple[str, ...], skipped: dict[str, int],
              images: bool = False) -> Iterator[tuple[Path, str | None]]:
    real_root = root.resolve()
    seen: set[str] = set()
    stack = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield folder, f"无法读取目录：{exc.strerror}"
            continue
        subdirs = []
        for entry in entries:
            rel_path = f"{rel}{entry.name}"
            if excluded(rel_path, exclude):
                _count(skipped, "excluded")
                continue
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not (target == str(real_root) or target.startswith(str(real_root) + os.sep)):
                    _count(skipped, "outside")
                    continue  # never follow a link out of the folder being scanned
                if not os.path.exists(target):
                    _count(skipped, "outside")
                    continue
            if entry.is_dir(follow_symlinks=True):
                if not entry.name.startswith(".") or entry.name in (".well-known",):
                    subdirs.append((Path(entry.path), rel_path + "/"))
                else:
                    _count(skipped, "hidden")
            elif entry.is_file(follow_symlinks=True):
                ext = suffix(entry.name)
                if entry.name.startswith("."):
                    _count(skipped, "hidden")
                    continue
                if ext in NON_DOCUMENT_EXTENSIONS and not (images and ext in OCR_EXTENSIONS):
                    _count(skipped, "images" if ext in IMAGE_EXTENSIONS else "other")
                    continue
                yield Path(entry.path), None
        stack.extend(reversed(subdirs))
