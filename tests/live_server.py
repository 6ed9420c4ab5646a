"""A real ``gkcheck serve`` (uvicorn) in a subprocess on 127.0.0.1, for the HTTP and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import httpx

GKCHECK = Path(sys.executable).with_name("gkcheck")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(workdir: Path, *args: str, env: dict[str, str] | None = None,
                   preexec: Callable[[], None] | None = None) -> Iterator[str]:
    """Start ``gkcheck serve --port <free port> ARGS`` in ``workdir`` and yield its base URL once
    ``/healthz`` answers; stop it afterwards. Its log goes to ``workdir/server.log``, its process
    id to ``workdir/server.pid``; ``preexec`` runs in the child before it starts (e.g. a limit)."""
    port = free_port()
    log = (workdir / "server.log").open("wb")
    environment = {k: v for k, v in os.environ.items() if k != "GKCHECK_TOKEN"}
    proc = subprocess.Popen([str(GKCHECK), "serve", "--port", str(port), *args], cwd=workdir,
                            stdout=log, stderr=subprocess.STDOUT, env={**environment, **(env or {})},
                            preexec_fn=preexec)
    (workdir / "server.pid").write_text(str(proc.pid))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("gkcheck serve exited:\n" + (workdir / "server.log").read_text("utf-8"))
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gkcheck serve did not answer /healthz:\n"
                                   + (workdir / "server.log").read_text("utf-8"))
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
