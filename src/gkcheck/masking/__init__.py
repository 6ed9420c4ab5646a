"""Masking (脱敏) of personal data for display and for desensitized copies.

:func:`mask_value` hides the middle of one value; :func:`mask_text` finds personal data in a
text with the same scan the privacy rules use (:func:`gkcheck.detectors.privacy.scan`) and
masks every piece by a :class:`MaskPolicy`.

>>> mask_text("身份证号：360702199001011234，电话 13800138000")[0]
'身份证号：360702********1234，电话 138****8000'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MASK_CHARS = "*＊×"
_ALNUM = re.compile(r"[^\W_]")
_ADMIN = re.compile(r".*(?:省|自治区|市|自治州|地区|区|县|镇|乡|街道|办事处)")


@dataclass(frozen=True)
class MaskPolicy:
    """How many characters (digits and letters) of each kind of value stay visible at the start
    and at the end. An address keeps its administrative part (up to 区/县/镇/街道) and hides the
    rest; an e-mail address keeps ``email`` characters of the part before ``@`` and the domain."""

    id: tuple[int, int] = (6, 4)          # 360702********1234
    mobile: tuple[int, int] = (3, 4)      # 138****5678
    landline: tuple[int, int] = (4, 2)    # 0797-*****78
    bank: tuple[int, int] = (0, 4)        # ************1234
    passport: tuple[int, int] = (1, 3)    # E*****678
    email: tuple[int, int] = (1, 0)       # z*******@qq.com
    char: str = "*"

    def keep(self, kind: str) -> tuple[int, int] | None:
        kind = {"id15": "id", "idcode": "id", "phone": "mobile"}.get(kind, kind)
        value = getattr(self, kind, None)
        return value if isinstance(value, tuple) else None


DEFAULT_POLICY = MaskPolicy()


@dataclass(frozen=True)
class Masked:
    """One value :func:`mask_text` replaced: its kind, its span in the original text, the value
    as written and what it became."""

    kind: str
    start: int
    end: int
    original: str
    masked: str


def _invisible(c: str) -> bool:
    from ..textview import INVISIBLE_CHAR

    return INVISIBLE_CHAR.match(c) is not None


_PLAIN = re.compile(r"[0-9A-Za-z]*")  # a value of ASCII digits and letters only: every character counts


def _positions(value: str) -> list[bool]:
    """Which characters of ``value`` count as positions (digits, letters, mask characters; not
    one nobody sees). Most values are plain digits: no per-character test then."""
    if _PLAIN.fullmatch(value):
        return [True] * len(value)
    from ..textview import INVISIBLE_CHAR

    if INVISIBLE_CHAR.search(value) is None:
        return [c.isalnum() or c in MASK_CHARS for c in value]
    return [(c.isalnum() or c in MASK_CHARS) and not _invisible(c) for c in value]


def _guess_kind(value: str) -> str | None:
    if "@" in value:
        return "email"
    compact = re.sub(r"[\s\-+]", "", value)
    if re.fullmatch(r"[\dXx*＊×]{18}|[\d*＊×]{15}", compact):
        return "id"
    if re.fullmatch(r"(?:0?86)?1[\d*＊×]{10}", compact):
        return "mobile"
    if re.fullmatch(r"[\d*＊×]{16,19}", compact):
        return "bank"
    return None


def mask_value(value: str, keep_start: int | None = None, keep_end: int | None = None,
               char: str = "*", *, kind: str | None = None,
               policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """Hide the middle of ``value``, keeping separators (spaces, hyphens) as they are.

    Without explicit ``keep_start``/``keep_end`` the kind of value (given, or guessed from its
    shape: ID, mobile, bank card, e-mail) decides through ``policy``; otherwise about a quarter
    is kept at each end (at most 6 at the start and 4 at the end), so a short value is never
    shown whole. Characters already masked count as positions, so an under-masked value is
    masked further, never less."""
    if keep_start is None and keep_end is None:
        kind = kind or _guess_kind(value)
        if kind == "email":
            return _mask_email(value, policy, char)
        if kind == "address":
            return _mask_address(value, char)
        keep = policy.keep(kind) if kind else None
        if keep is not None:
            keep_start, keep_end = keep
            if kind in ("mobile", "phone"):
                value_digits = re.sub(r"\D", "", value)
                if len(value_digits) > 11:  # +86 / 0086 prefix stays visible
                    keep_start += len(value_digits) - 11
            elif kind == "idcode":  # the ID inside is masked like an ID, what is around it stays
                chars = [c for c in value if c.isalnum() or c in MASK_CHARS]
                lead = next((i for i, c in enumerate(chars) if not c.isalpha()), len(chars))  # 学籍号 G…
                keep_start += lead
                keep_end += max(0, len(chars) - lead - 18)
    # a character nobody sees (a Hangul filler is a letter to str.isalnum) is not a position
    positions = _positions(value)
    n = sum(positions)
    if n == 0:
        return value
    if keep_start is None:
        keep_start = min(6, n // 4)
    if keep_end is None:
        keep_end = min(4, n // 4)
    if keep_start + keep_end >= n:
        keep_start, keep_end = 0, 0
    if n == len(value):  # every character a position (a plain number): no walk
        return value[:keep_start] + char * (n - keep_start - keep_end) + value[n - keep_end:]
    out, seen = [], 0
    for c, counted in zip(value, positions):
        if counted:
            seen += 1
            out.append(c if seen <= keep_start or seen > n - keep_end else char)
        else:
            out.append(c)
    return "".join(out)


def _mask_email(value: str, policy: MaskPolicy, char: str) -> str:
    local, at, domain = value.partition("@")
    keep = policy.email[0]
    if len(local) <= keep:
        keep = max(0, len(local) - 1)
    return local[:keep] + char * (len(local) - keep) + at + domain


def _mask_address(value: str, char: str) -> str:
    m = _ADMIN.match(value)
    cut = m.end() if m and m.end() < len(value) else min(len(value) // 3, 6)
    # [^\W_] is str.isalnum(): letters and digits of any script
    return value[:cut] + _ALNUM.sub(lambda _: char, value[cut:])


def mask_text(text: str, policy: MaskPolicy = DEFAULT_POLICY, *,
              today: date | None = None) -> tuple[str, list[Masked]]:
    """``text`` with every piece of personal data the privacy rules would report masked by
    ``policy`` (under-masked values are masked further), and the list of what was masked."""
    from ..detectors.privacy import scan
    from ..textview import normalize

    # found in the text normalised for matching (zero-width characters, full-width digits ...),
    # masked in the text as written: the characters in between stay, the digits are hidden
    norm = normalize(text)
    out: list[str] = []
    masked: list[Masked] = []
    pos = 0
    for cand in scan(norm.text, today or date.today()):
        start, end = norm.span(cand.start, cand.end)
        value = text[start:end]
        new = mask_value(value, kind=cand.kind, policy=policy, char=policy.char)
        if new == value:
            continue
        out.append(text[pos:start])
        out.append(new)
        pos = end
        masked.append(Masked(cand.kind, start, end, value, new))
    out.append(text[pos:])
    return "".join(out), masked


__all__ = ["DEFAULT_POLICY", "MaskPolicy", "Masked", "mask_text", "mask_value"]
