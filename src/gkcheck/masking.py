"""Masking (脱敏) of personal data for display and for desensitized copies."""

from __future__ import annotations


def mask_value(value: str, keep_start: int | None = None, keep_end: int | None = None,
               char: str = "*") -> str:
    """Hide the middle of ``value``, keeping separators (spaces, hyphens) as they are.

    Defaults keep about a quarter at each end (at most 6 at the start and 4 at the end), so a
    short value is never shown whole."""
    chars = [c for c in value if c.isalnum()]
    n = len(chars)
    if n == 0:
        return value
    if keep_start is None:
        keep_start = min(6, n // 4)
    if keep_end is None:
        keep_end = min(4, n // 4)
    if keep_start + keep_end >= n:
        keep_start, keep_end = 0, 0
    out, seen = [], 0
    for c in value:
        if c.isalnum():
            seen += 1
            out.append(c if seen <= keep_start or seen > n - keep_end else char)
        else:
            out.append(c)
    return "".join(out)
