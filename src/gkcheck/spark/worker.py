"""What runs inside a Spark task: Arrow batches of files in, Arrow batches of findings out.

Only pyarrow and gkcheck are needed here (no PySpark import but ``SparkFiles`` for shipped
dictionaries), so the functions can be called and tested on plain Arrow batches too.

One :class:`~gkcheck.Checker` per Python worker process: building it (rules, dictionaries,
detectors) costs far more than checking a page, and Spark reuses its Python workers between
tasks (``spark.python.worker.reuse``, on by default), so :func:`_checker` keeps the one built
for a given :class:`Settings` for the life of the process.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..config import Config
from ..model import FileResult
from ..sniff import NON_DOCUMENT_EXTENSIONS, suffix
from ..walk import excluded
from .rows import file_rows, skipped_row, to_batch

BATCH_ROWS = 2048          # findings per output batch
KEEP_HIDDEN_DIRS = (".well-known",)


@dataclass(frozen=True)
class Settings:
    """What the driver ships to every task: the configuration (with shipped file names in place
    of the driver's paths), the date the date rules take as today, and the walk filter."""

    config: Config
    today: date
    publish_date: date | str | None = None
    walk_filter: bool = True
    root: str | None = None              # a path prefix; exclude globs match below it
    shipped: tuple[tuple[str, tuple[str, ...]], ...] = ()   # field -> names given to addFile

    def key(self) -> str:
        return hashlib.sha256(pickle.dumps(self)).hexdigest()


def ship_config(config: Config, add_file: Callable[[str], None]) -> Config:
    """The driver's side: register the configured dictionary and allow-list files with Spark
    (``SparkContext.addFile``) so every executor gets a copy. Returns the configuration unchanged;
    :func:`_local_config` rewrites the paths on the executor."""
    names: set[str] = set()
    for path in (*config.dictionaries, *config.allowlists):
        if path.name in names:
            from ..model import GkcheckError

            raise GkcheckError(f"词库或允许词文件重名，无法分发到集群：{path.name}（请改名）")
        names.add(path.name)
        add_file(str(path))
    return config


def _local_config(config: Config) -> Config:
    """The executor's side: the shipped copies in place of the driver's paths (when the driver's
    path does not exist here, as on a cluster)."""
    if not (config.dictionaries or config.allowlists):
        return config

    def local(path: Path) -> Path:
        if path.exists():
            return path
        from pyspark import SparkFiles

        return Path(SparkFiles.get(path.name))

    return replace(config, dictionaries=tuple(local(p) for p in config.dictionaries),
                   allowlists=tuple(local(p) for p in config.allowlists))


_CHECKERS: dict[str, Any] = {}


def _checker(settings: Settings) -> Any:
    key = settings.key()
    checker = _CHECKERS.get(key)
    if checker is None:
        from ..checker import Checker

        today = settings.today
        checker = Checker(_local_config(settings.config), today=lambda: today)
        _CHECKERS.clear()          # one configuration per process; never grow
        _CHECKERS[key] = checker
    return checker


def skipped_by_walk(path: str, settings: Settings) -> str | None:
    """The kind under which a folder walk of ``gkcheck scan`` passes over this file (walk.py:
    ``hidden``, ``excluded``, ``images``, ``other``), or None for a file it checks."""
    from ..sniff import IMAGE_EXTENSIONS

    rel = relative(path, settings.root)
    parts = rel.split("/")
    if excluded(rel, settings.config.exclude):
        return "excluded"
    if any(p.startswith(".") and p not in KEEP_HIDDEN_DIRS for p in parts[:-1]) or parts[-1].startswith("."):
        return "hidden"
    ext = suffix(parts[-1])
    if ext in NON_DOCUMENT_EXTENSIONS:
        return "images" if ext in IMAGE_EXTENSIONS else "other"
    return None


def relative(path: str, root: str | None) -> str:
    if root and path.startswith(root):
        return path[len(root):].lstrip("/")
    return path.rsplit("/", 1)[-1]


def check_batches(batches: Iterable[Any], settings: Settings) -> Iterator[Any]:
    """``mapInArrow`` body: batches with ``path`` and ``content`` → batches of finding rows."""
    checker = _checker(settings)
    rows: list[dict[str, Any]] = []
    for batch in batches:
        paths = batch.column("path").to_pylist()
        contents = batch.column("content")
        for i, path in enumerate(paths):
            kind = skipped_by_walk(path, settings) if settings.walk_filter else None
            if kind:
                rows.append(skipped_row(path, kind))
                continue
            data = contents[i].as_py()
            # as scan does: the file, then every file inside it (zip members, embedded files)
            for result in checker.check_bytes_all(data, path, publish_date=settings.publish_date):
                rows.extend(file_rows(result))
            del data
            if len(rows) >= BATCH_ROWS:
                yield to_batch(rows)
                rows = []
    if rows:
        yield to_batch(rows)


def oversized_batches(batches: Iterable[Any], settings: Settings) -> Iterator[Any]:
    """``mapInArrow`` body for files over ``max_file_bytes``: an error row each, content unread."""
    limit = settings.config.max_file_bytes
    rows: list[dict[str, Any]] = []
    for batch in batches:
        for path, length in zip(batch.column("path").to_pylist(), batch.column("length").to_pylist()):
            kind = skipped_by_walk(path, settings) if settings.walk_filter else None
            if kind:
                rows.append(skipped_row(path, kind))
                continue
            rows.extend(file_rows(FileResult(
                path, None, "error", f"文件过大（{length // 2**20} MB，上限 {limit // 2**20} MB）")))
    if rows:
        yield to_batch(rows)

