"""What the API docs page (``/docs``) shows besides ``/openapi.json``: worked examples in curl, Java
and PHP (``web/examples/``, the same text as docs/serve.md, run against a live server by
tests/test_serve_examples.py) and the JSON report's schema with its finding part.

Served without a token, like the docs page itself: none of it holds anything of the server's.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

EXAMPLES = {            # URL → (file in web/examples, content type)
    "/examples/curl.sh": ("curl.sh", "text/plain; charset=utf-8"),
    "/examples/Check.java": ("Check.java", "text/plain; charset=utf-8"),
    "/examples/check.php": ("check.php", "text/plain; charset=utf-8"),
    "/examples/check-response.json": ("check-response.json", "application/json"),
}
SCHEMA_PATH = "/json-report.schema.json"
DOC_PATHS = frozenset({*EXAMPLES, SCHEMA_PATH})
_PKG = Path(__file__).resolve().parent.parent


def example(name: str) -> bytes:
    return resources.files("gkcheck.surfaces").joinpath("web", "examples", name).read_bytes()


def schema() -> bytes:
    """docs/json-report.schema.json: in a wheel under gkcheck/_data (pyproject's force-include),
    in a source checkout from docs/ itself (one copy, never out of step)."""
    for candidate in (_PKG / "_data" / "json-report.schema.json",
                      _PKG.parent.parent / "docs" / "json-report.schema.json"):
        if candidate.is_file():
            return candidate.read_bytes()
    raise FileNotFoundError("gkcheck 安装不完整：找不到 json-report.schema.json")


def pages() -> dict[str, tuple[bytes, str]]:
    """URL → (content, content type) of everything this module serves."""
    out = {path: (example(name), media) for path, (name, media) in EXAMPLES.items()}
    out[SCHEMA_PATH] = (schema(), "application/schema+json")
    return out


__all__ = ["DOC_PATHS", "EXAMPLES", "SCHEMA_PATH", "pages"]
