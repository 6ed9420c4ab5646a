"""Fingerprints: a stable identity for a finding that survives line shifts and edits elsewhere.

A fingerprint is HMAC-SHA256, with the ledger's key, over

    document identity · rule · normalised match · normalised near context · occurrence

- the document identity is the path relative to the scan root (``/`` separators), or a
  configured site URL followed by that path;
- the match and up to ``NEAR`` characters on each side of it (from the finding's context, inside
  its line or paragraph) are normalised: NFKC, whitespace removed, lower case;
- line and column are NOT part of it, so moving lines around keeps every fingerprint; several
  identical findings in one document are told apart by their occurrence (0, 1, ...) in reading
  order.

Without the key a fingerprint says nothing about the value (an ID number has few enough
possibilities that a plain hash could be reversed by trying them all). The key is 32 random
bytes in a file beside the ledger, created on first use with mode 0600.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from ..model import Finding

NEAR = 6            # characters of context on each side that belong to a finding's identity
FP_HEX = 24         # 96 bits: no collisions in any realistic ledger
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


def near_context(finding: Finding) -> str:
    """The normalised characters just before and after the match, inside the finding's context."""
    context, match = finding.context, finding.match
    at = context.find(match) if match else -1
    if at < 0:
        return ""
    before = normalise(context[:at])[-NEAR:]
    after = normalise(context[at + len(match):])[:NEAR]
    return before + "\x1f" + after


def document_identity(path: str, root: str | None, site_url: str | None = None) -> str:
    """``path`` relative to ``root`` (a scanned folder), ``/``-separated; with ``site_url``
    that URL followed by the relative path."""
    if root is not None:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    else:
        rel = os.path.normpath(path)
    rel = rel.replace(os.sep, "/")
    if rel.startswith("./"):
        rel = rel[2:]
    if site_url:
        return site_url.rstrip("/") + "/" + rel.lstrip("/")
    return rel


def fingerprints(key: bytes, document: str, findings: Iterable[Finding]) -> list[str]:
    """One fingerprint per finding of one document, in the order given."""
    seen: dict[bytes, int] = {}
    out = []
    matches: dict[str, str] = {}     # many findings share a match: normalise each once
    for f in findings:
        match = matches.get(f.match)
        if match is None:
            match = matches[f.match] = normalise(f.match)
        base = "\x1e".join((document, f.rule, match, near_context(f))).encode("utf-8", "surrogatepass")
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(hmac.digest(key, base + b"\x1e" + str(n).encode(), "sha256").hex()[:FP_HEX])
    return out


def key_check(key: bytes) -> str:
    """A value stored in the ledger to tell whether a key is the one it was made with."""
    return hmac.new(key, b"gkcheck-ledger-key-check", hashlib.sha256).hexdigest()[:16]


def load_key(path: Path) -> bytes:
    """The key in ``path``; created (32 random bytes, mode 0600) when the file does not exist.
    Two processes creating it at once agree: the second finds the first one's file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = os.urandom(32).hex().encode()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, fresh)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)        # fails if another process was first: then use theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        data = path.read_bytes()
    key = data.strip()
    if len(key) < 32:
        from ..model import GkcheckError

        raise GkcheckError(f"台账密钥文件 {path} 无效（应为至少 32 个字符的随机值）")
    return key
