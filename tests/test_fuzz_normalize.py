"""Fuzz (issue 12): random text with format characters, controls, full-width forms, radicals and
compatibility ideographs around and inside planted values (ID numbers with correct check
characters, mobile numbers, 残疾人证号, the typo 截止目前). Each planted value must be found with
its rule and its exact place (``text[start:end]`` is the value as written) and masked by
``mask_text`` and by ``mask_bytes`` on a .txt file.

Deterministic: ``derandomize=True`` (examples come from the test's own name), a modest
``max_examples`` and a deadline generous enough for a busy CI machine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkcheck import Checker
from gkcheck.detectors.idcard import ID_CHECK, ID_WEIGHTS
from gkcheck.masking import mask_text
from gkcheck.masking.files import mask_bytes, privacy_checker
from gkcheck.offsets import char_offsets
from gkcheck.textview import lookalike_table, normalize

from .conftest import FIXED_TODAY

FUZZ = settings(derandomize=True, max_examples=40, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# what nobody sees: format characters, variation selectors, tags, a Hangul filler
FORMAT = list("\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u034f\u061c"
              "\u180e\u202a\u202c\u202e\u2066\u2069\ufe00\ufe0f\u3164\U000e0001\U000e0041\U000e0101\U0001d173")
CONTROLS = list("\x00\x01\x02\x07\x08\x0b\x0e\x1b\x1f\x7f\x80\x9f")  # a browser or Office shows none
# filler that cannot join a planted value or change what is around it (no digits, letters,
# amounts or words such as 编号/金额 that change how a number is read)
FILLER = list("的一是在了和有大这主为们地要动国以我到他会作来分生对于学下级就年阶义发成部民可出能方进同行面说种过")
PUNCT = list("，。、；：？！（）《》“” \u3000\n")


def _check_char(body: str) -> str:
    return ID_CHECK[sum(int(a) * w for a, w in zip(body, ID_WEIGHTS)) % 11]


@st.composite
def id_numbers(draw) -> str:
    division = draw(st.sampled_from(["360702", "360721", "110105", "440304", "510104", "810000"]))
    born = draw(st.dates(date(1940, 1, 1), date(2012, 12, 31)))
    body = f"{division}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + _check_char(body)


mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1))


def _reverse_lookalikes() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cp, ch in lookalike_table().items():
        out.setdefault(ch, []).append(chr(cp))
    return out


REVERSE = _reverse_lookalikes()


@st.composite
def disguised(draw, value: str, invisible: list[str]) -> str:
    """``value`` as someone might write it: any character in another form (full-width digit or
    letter, radical, compatibility ideograph), invisible characters between characters."""
    out = []
    for i, ch in enumerate(value):
        forms = [ch] + REVERSE.get(ch, [])
        out.append(draw(st.sampled_from(forms)))
        if i + 1 < len(value):
            out.append("".join(draw(st.lists(st.sampled_from(invisible), max_size=2))))
    return "".join(out)


def noise(invisible: list[str]):
    return st.text(st.sampled_from(FILLER + PUNCT + invisible), max_size=30)


@dataclass(frozen=True)
class Plant:
    rule: str
    kind: str | None   # what mask_text calls it (None: not personal data)
    value: str         # as written
    start: int


@st.composite
def documents(draw, invisible: list[str]) -> tuple[str, list[Plant]]:
    """A text of a few lines, each a planted value with its label and random noise around."""
    pieces: list[str] = []
    plants: list[Plant] = []
    pos = 0
    kinds = draw(st.lists(st.sampled_from(["id", "mobile", "disability", "typo"]), min_size=1, max_size=4))
    for kind in kinds:
        if kind == "id":
            label, value, after, rule = "申请人张某，身份证号：", draw(id_numbers()), "，现予公示。", "P001"
        elif kind == "mobile":
            label, value, after, rule = "低保户李某，联系电话 ", draw(mobiles), "（本人）。", "P002"
        elif kind == "disability":
            label, value, after, rule = "户主为残疾人，残疾证号", draw(id_numbers()) + draw(
                st.sampled_from("1234567")) + draw(st.sampled_from("1234")), "。", "P010"
        else:
            label, value, after, rule = "", "截止目前", "已完成。", "T001"
        written = draw(disguised(value, invisible))
        before = draw(noise(invisible)) + "\n" + label + "".join(draw(st.lists(st.sampled_from(invisible), max_size=2)))
        tail = "".join(draw(st.lists(st.sampled_from(invisible), max_size=2))) + after + draw(noise(invisible)) + "\n"
        start = pos + len(before)
        pieces += [before, written, tail]
        pos += len(before) + len(written) + len(tail)
        plants.append(Plant(rule, None if rule == "T001" else ("idcode" if rule == "P010" else kind), written, start))
    return "".join(pieces), plants


CHECKER = Checker(today=lambda: FIXED_TODAY)


def _assert_found(text: str, plants: list[Plant]) -> None:
    findings = CHECKER.check_text(text)
    where = {(f.rule, s, e) for f, (s, e) in zip(findings, char_offsets(text, findings)) if s is not None}
    for p in plants:
        assert (p.rule, p.start, p.start + len(p.value)) in where, (p, [(f.rule, f.match) for f in findings])
        assert text[p.start:p.start + len(p.value)] == p.value


def _assert_masked(masked_text: str, plants: list[Plant]) -> None:
    seen = normalize(masked_text).text
    for p in plants:
        if p.kind is not None:
            digits = normalize(p.value).text
            assert digits not in seen, (p, masked_text)


@FUZZ
@given(documents(FORMAT + CONTROLS))
def test_planted_values_are_found_where_they_are_written(doc):
    text, plants = doc
    _assert_found(text, plants)


@FUZZ
@given(documents(FORMAT + CONTROLS))
def test_mask_text_masks_every_planted_value_as_written(doc):
    text, plants = doc
    out, masked = mask_text(text, today=FIXED_TODAY)
    spans = {(m.start, m.end) for m in masked}
    for p in plants:
        if p.kind is not None:
            assert (p.start, p.start + len(p.value)) in spans, p
    assert all(text[m.start:m.end] == m.original for m in masked)
    _assert_masked(out, plants)
    # nothing but the masked characters changed: the invisible ones are still in place
    assert len(out) == len(text)


@FUZZ
@given(documents(FORMAT))  # control characters make a text file binary to the sniffer: not here
def test_mask_bytes_on_a_text_file_leaves_no_planted_value(doc):
    text, plants = doc
    text = text.replace("\r", "")
    result = mask_bytes(text.encode("utf-8"), "名单.txt", checker=PRIVACY)
    out = result.data.decode("utf-8")
    _assert_masked(out, plants)
    left = [f for f in PRIVACY.check_bytes(result.data, "名单.txt").findings if f.rule in ("P001", "P002", "P010")]
    assert left == []


PRIVACY = privacy_checker()
