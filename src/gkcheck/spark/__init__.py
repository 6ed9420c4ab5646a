"""gkcheck on Apache Spark: the findings of ``gkcheck scan`` for files in a DataFrame.

Usage (``spark`` is a ``SparkSession``)::

    files = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load("hdfs:///sites/")
    findings = check_files(files)        # one row per finding, and one per clean or failed file
    findings.write.parquet("findings.parquet")

The input is what Spark's ``binaryFile`` source gives (``path``, ``modificationTime``,
``length``, ``content``). Files are checked in Arrow batches (``mapInArrow``): the bytes go to
the Python worker as one Arrow buffer per batch, never pickled row by row, and each Python worker
process builds one :class:`~gkcheck.Checker` (rules, dictionaries, detectors) the first time it
is given the shipped settings and reuses it for every later batch and task.

Fail closed, as on one machine: every input file appears in the output. A file that could not be
checked has ``status = "error"`` and the reason in ``error``; a file larger than the configured
``max_file_bytes`` is reported as such without its content ever being read by the task; a file
with no findings has one row with ``rule = null``. The result equals ``gkcheck scan --format json``
on the same files (same rules, same dates), finding for finding: :mod:`gkcheck.spark.rows` turns a
:class:`~gkcheck.model.FileResult` into rows with the JSON report's fields.

The PySpark import happens only in :func:`check_files` (``pip install 'gkcheck[spark]'``); the
per-batch work in :mod:`gkcheck.spark.worker` needs only pyarrow.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..config import Config
from .rows import ARROW_FIELDS, spark_schema_ddl
from .worker import Settings, check_batches, oversized_batches, ship_config

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame


def check_files(files: "DataFrame", config: Config | None = None, *, publish_date: date | str | None = None,
                today: date | None = None, walk_filter: bool = True, root: str | None = None) -> "DataFrame":
    """Findings for a ``binaryFile`` DataFrame, as a DataFrame with the JSON report's fields.

    ``config`` is the driver's configuration (``gkcheck.load_config()``); its dictionary and
    allow-list files are shipped to the executors with ``SparkContext.addFile``. ``today`` (default:
    the driver's date) is the same for every executor, so date rules agree with a local run of
    the same day. ``walk_filter`` drops the files a folder walk of ``gkcheck scan`` passes over
    (images, styles, scripts, hidden files, ``exclude`` globs matched below ``root``, a path
    prefix such as ``file:/data/sites/``), so the output covers exactly the files that
    ``gkcheck scan`` of the same folder reports.
    """
    from pyspark.sql import functions as F

    config = config or Config()
    spark = files.sparkSession
    settings = Settings(config=ship_config(config, spark.sparkContext.addFile),
                        today=today or date.today(), publish_date=publish_date, walk_filter=walk_filter, root=root)
    schema = spark_schema_ddl()
    limit = config.max_file_bytes
    small = files.where(F.col("length") <= limit).select("path", "length", "content")
    large = files.where(F.col("length") > limit).select("path", "length")   # content never read

    def run(batches: Any) -> Any:
        return check_batches(batches, settings)

    def refuse(batches: Any) -> Any:
        return oversized_batches(batches, settings)

    return small.mapInArrow(run, schema).unionByName(large.mapInArrow(refuse, schema))


__all__ = ["ARROW_FIELDS", "Settings", "check_batches", "check_files", "oversized_batches"]
