"""Fixtures shared by the ledger tests: a ledger on SQLite or on a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os

import pytest

from .pg_server import PgCluster, pg_bin

_NAMES = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster():
    bindir = pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries absent (/usr/lib/postgresql/*/bin); "
                    ".ci/run installs Debian's postgresql package")
    cluster = PgCluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_target(request, tmp_path):
    """A fresh, empty ledger: a SQLite file, or a new database on the throwaway cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    cluster = request.getfixturevalue("pg_cluster")
    name = f"ledger_{os.getpid()}_{next(_NAMES)}"
    return cluster.create_database(name)
