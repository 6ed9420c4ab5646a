"""Normalisation for matching (issue 12, defect 6): invisible characters and other forms of the
same characters do not hide values from the checks, and findings and masks point at the text as
written."""

from __future__ import annotations

import re
import unicodedata

import pytest

from gkcheck import Checker
from gkcheck.masking import mask_text
from gkcheck.masking.files import mask_bytes, privacy_checker
from gkcheck.offsets import char_offsets
from gkcheck.textview import INVISIBLE, VISIBLE_FORMAT, lookalike_table, normalize

from .conftest import FIXED_TODAY

ID = "36070219900307451X"
PAGE_PAD = "<p>关于做好相关工作的通知，请各单位认真落实。</p>\n" * 250  # past the 8 KB the sniffer reads


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(today=lambda: FIXED_TODAY)


def found(checker: Checker, text: str, rule: str) -> list[str]:
    return [f.match for f in checker.check_text(text) if f.rule == rule]


# -- the character classes ------------------------------------------------------------------------

def test_every_format_character_is_removed_or_listed_as_visible():
    invisible = re.compile(f"[{INVISIBLE}]")
    missing = [f"U+{cp:04X}" for cp in range(0x110000)
               if unicodedata.category(chr(cp)) == "Cf" and not invisible.match(chr(cp))
               and chr(cp) not in VISIBLE_FORMAT]
    assert missing == []
    for ch in "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\ufe0f\U000e0101\x00\x01\x1f\x7f\x85":
        assert normalize(f"a{ch}b").text == "ab", repr(ch)
    for ch in "\t\n\r\x0c \u3000":  # white space a reader sees stays
        assert normalize(f"a{ch}b").text == f"a{ch}b", repr(ch)


def test_full_width_digits_and_letters_map_but_chinese_punctuation_stays():
    assert normalize("１３８ＡＢｃ＠ｑｑ．ｃｏｍ").text == "138ABc@qq.com"
    kept = "，。：；？！（）【】《》“”、　"
    assert normalize(kept).text == kept


def test_compatibility_ideographs_and_radicals_become_the_ordinary_character():
    table = lookalike_table()
    assert table[0x2F6C] == "目"          # ⽬ KANGXI RADICAL EYE
    assert table[0xF9B4] == unicodedata.normalize("NFKC", "\uf9b4")  # a compatibility ideograph
    assert normalize("截止⽬前").text == "截止目前"


def test_nothing_to_normalise_is_the_same_string():
    text = "截至目前，已完成 138 项。"
    norm = normalize(text)
    assert norm.text is text and not norm.changed and norm.span(3, 5) == (3, 5)


def test_offsets_map_back_over_removed_runs():
    text = "\u200b\u200bA\u200bB\x00\x00C\u200b"
    norm = normalize(text)
    assert norm.text == "ABC"
    assert [norm.to_original(i) for i in range(3)] == [2, 4, 7]
    assert norm.span(0, 3) == (2, 8)      # inner invisibles included, outer ones not
    assert text[slice(*norm.span(1, 2))] == "B"


# -- defect 6: each case missed on main ---------------------------------------------------------

@pytest.mark.parametrize("phone", ["139\u200b0797\u200b1234", "１３９０７９７１２３４", "139\u20600797\u00ad1234",
                                   "1\ufeff3\u200c9\u200d0797 1234".replace(" ", "")])
def test_mobile_with_invisible_characters_or_full_width_digits_is_found_as_written(checker, phone):
    text = f"低保户李某，联系电话 {phone}。"
    findings = [f for f in checker.check_text(text) if f.rule == "P002"]
    assert [f.match for f in findings] == [phone]
    assert findings[0].location.column == text.index(phone) + 1
    assert phone in findings[0].context
    assert [text[s:e] for s, e in char_offsets(text, findings)] == [phone]


def test_full_width_id_still_found(checker):
    value = "３６０７０２１９９００３０７４５１Ｘ"
    assert found(checker, f"身份证号：{value}", "P001") == [value]


def test_typo_with_a_zero_width_space_or_a_radical_inside_is_found(checker):
    for typo in ("截\u200b止目前", "截止⽬前", "截\u00ad止\ufe00目前"):
        findings = [f for f in checker.check_text(f"{typo}已完成") if f.rule == "T001"]
        assert [(f.match, f.suggestion) for f in findings] == [(typo, "截至目前")], repr(typo)


def test_mask_text_masks_the_characters_as_written():
    text = "身份证号：360702\u200b19900307\u200b451X，电话 １３９０７９７１２３４（申请人本人）"
    out, masked = mask_text(text, today=FIXED_TODAY)
    assert out == "身份证号：360702\u200b********\u200b451X，电话 １３９****１２３４（申请人本人）"
    assert [text[m.start:m.end] for m in masked] == [m.original for m in masked]


def test_phone_with_nul_characters_in_a_web_page_is_found_and_masked(checker):
    page = f"<html><body>\n{PAGE_PAD}<p>申请人王某，手机 139\x000797\x001234</p>\n</body></html>".encode()
    result = checker.check_bytes(page, "notice.html")
    assert result.status == "ok"
    assert [(f.rule, f.match) for f in result.findings if f.category == "privacy"] == \
        [("P002", "139\x000797\x001234")]
    masked = mask_bytes(page, "notice.html", checker=privacy_checker())
    assert b"139\x00****\x001234" in masked.data
    assert privacy_checker().check_bytes(masked.data, "notice.html").findings == ()


def test_mask_bytes_on_a_text_file_keeps_the_invisible_characters(checker):
    data = f"困难群众名单\n张三 身份证号 {ID[:6]}\u200d{ID[6:]} 电话 １３９\u200b０７９７１２３４\n".encode()
    result = mask_bytes(data, "名单.txt")
    text = result.data.decode()
    assert text == "困难群众名单\n张三 身份证号 360702\u200d********451X 电话 １３９\u200b****１２３４\n"
    assert [i.rule for i in result.items] == ["P001", "P002"]


# -- detectors that judge the characters themselves are not fooled --------------------------------

def test_full_width_punctuation_is_not_turned_into_half_width(checker):
    assert [f for f in checker.check_text("经研究，决定如下：（一）加强管理！") if f.rule in ("F002", "F004")] == []
    # a half-width comma with zero-width spaces around it is still a half-width comma
    findings = [f for f in checker.check_text("经研究\u200b,\u200b决定如下") if f.rule == "F004"]
    assert [(f.match, f.suggestion) for f in findings] == [(",", "，")]


def test_dictionary_entries_hold_nothing_normalisation_changes():
    """Entries are matched against normalised text, so an entry with a full-width digit or a
    zero-width character could never match."""
    from gkcheck.config import Config
    from gkcheck.detectors.dictionary import load_entries
    from gkcheck.rules import load_rules

    entries, allowed = load_entries(Config(), set(load_rules()))
    changed = [e.match for e in entries if normalize(e.match).changed] + [w for w in allowed if normalize(w).changed]
    assert changed == []


def test_xlsx_cell_location_and_hidden_sheet_point_at_the_original(tmp_path, checker):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "公示"
    ws["A1"] = "说明"
    hidden = wb.create_sheet("底册")
    hidden.sheet_state = "hidden"
    hidden["B3"] = "\u200b\u200b户主手机：１３９\u200b０７９７１２３４"
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    result = checker.check_file(path)
    p002 = [f for f in result.findings if f.rule == "P002"]
    assert [(f.match, f.location.sheet, f.location.cell) for f in p002] == [("１３９\u200b０７９７１２３４", "底册", "B3")]
    masked = mask_bytes(path.read_bytes(), "名单.xlsx")
    assert [i.rule for i in masked.items] == ["P002"]
    assert not [f for f in privacy_checker().check_bytes(masked.data, "名单.xlsx").findings if f.rule == "P002"]


def test_an_invisible_letter_is_not_a_position_of_the_mask():
    from gkcheck.masking import mask_value

    # U+3164 HANGUL FILLER is a letter to str.isalnum but shows nothing
    assert mask_value("139\u31640797\u31641234", kind="mobile") == "139\u3164****\u31641234"


# -- the fast paths agree with the plain definition ------------------------------------------------

def _plain_normalize(text: str) -> tuple[str, list[int]]:
    """The definition, one character at a time: what detectors see and, for each of its characters,
    the offset in ``text``."""
    invisible = re.compile(f"[{INVISIBLE}]")
    table = lookalike_table()
    out, where = [], []
    for i, ch in enumerate(text):
        if invisible.match(ch):
            continue
        out.append(table.get(ord(ch), ch))
        where.append(i)
    return "".join(out), where


ALPHABET = ("截止目前申请人电话，。：（）\n 0123456789Xab\u3000"
            "\u200b\u200d\u00ad\ufeff\x00\x01\u3164\ufe0f\U000e0101\U0001d173"
            "１２３ＸＡａ＠．⽬⻔㇐\uf9b4\U0002f800\U0001f600")


@pytest.mark.parametrize("seed", range(40))
def test_normalize_agrees_with_the_plain_definition(seed):
    import random

    rng = random.Random(seed)
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 300)))
    if seed % 4 == 0:
        text = text.replace("\U0002f800", "").replace("\U000e0101", "").replace("\U0001d173", "").replace("\U0001f600", "")
    norm = normalize(text)
    expected, where = _plain_normalize(text)
    assert norm.text == expected
    assert [norm.to_original(i) for i in range(len(expected))] == where
    lines = text.split("\n")
    starts = tuple(__import__("itertools").accumulate([len(t) + 1 for t in lines[:-1]], initial=0))
    nlines = norm.text.split("\n")
    assert norm.starts(starts) == tuple(__import__("itertools").accumulate([len(t) + 1 for t in nlines[:-1]], initial=0))


def test_wide_string_check_agrees_with_a_search():
    from gkcheck.textview import _ANY_ASTRAL, _wide

    for text in ("", "abc", "é", "中文", "中文\U0002f800", "\U0001f600", "a" * 1000 + "\U0001f600", "中" * 5000):
        assert _wide(text) == bool(_ANY_ASTRAL.search(text)), repr(text[:10])


def test_dense_full_width_digits_are_mapped_one_replace_pass_each():
    text = "号１，２" * 50_000
    assert normalize(text).text == "号1，2" * 50_000


def test_a_run_cut_at_a_piece_boundary_maps_the_same():
    from gkcheck.textview import PIECE

    text = "a" * (PIECE - 1) + "\u200b\u200b\u200bb\n\u200bc"
    norm = normalize(text)
    assert norm.text == "a" * (PIECE - 1) + "b\nc"
    assert norm.to_original(PIECE - 1) == PIECE + 2            # the b
    assert norm.span(PIECE - 2, PIECE) == (PIECE - 2, PIECE + 3)
    assert norm.starts((0, PIECE + 4)) == (0, PIECE + 1)   # the run at a segment start is in it


def test_many_distinct_lookalikes_in_many_runs_are_translated():
    chars = [chr(c) for c in range(0xFF21, 0xFF3B)] + [chr(c) for c in range(0xFF41, 0xFF5B)] + list("⽬⻔㇐１２３４") \
        + [chr(c) for c in range(0xF900, 0xF940)]  # more than 60 distinct: str.translate
    text = "，".join(chars[i % len(chars)] for i in range(100_000))
    assert normalize(text).text == "".join(_plain_normalize(text)[0])


def test_radical_table_is_built_from_the_unicode_data_file():
    """The table in dictionaries/ is what scripts/build_radical_equivalents.py makes of the UCD file
    (checked where the Debian package unicode-data is installed, as .ci/run does)."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("build_radicals", root / "scripts" / "build_radical_equivalents.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.SOURCE.exists():
        pytest.skip(f"{module.SOURCE} not installed (apt-get install unicode-data)")
    expected = module.mappings(module.SOURCE.read_text(encoding="utf-8"))
    rows = [line.split("\t") for line in (root / "dictionaries" / "cjk-radical-equivalents.txt")
            .read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert [(ord(a), ord(b)) for a, b, _ in rows] == expected
    assert ("⻔", "门") in [(a, b) for a, b, _ in rows]


@pytest.mark.parametrize("value", ["139\u30000797\u30001234", "１３９\u3000０７９７\u3000１２３４"])
def test_ideographic_space_between_groups_separates_like_a_space(checker, value):
    assert found(checker, f"低保户李某，联系电话 {value}。", "P002") == [value]
    assert mask_text(f"低保户李某，联系电话 {value}。", today=FIXED_TODAY)[1][0].masked.count("*") == 4


def test_a_text_full_of_invisible_characters_is_bounded(checker):
    """Hostile: an invisible character after every visible one. Linear, a Python step per piece of
    256k characters (not per run) for the offsets, and memory bounded per piece."""
    import time
    import tracemalloc

    text = "号\u200b" * 150_000
    tracemalloc.start()
    try:
        norm = normalize(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert norm.text == "号" * 150_000 and norm.to_original(149_999) == 299_998
    assert peak < 60 * 2**20
    started = time.perf_counter()
    phone = "1\u200b3\u200b9\u200b0\u200b7\u200b9\u200b7\u200b1\u200b2\u200b3\u200b4"
    findings = checker.check_text("号\u200b" * 200_000 + f"\n低保户李某，联系电话 {phone}。")
    assert time.perf_counter() - started < 30
    assert [f.match for f in findings if f.rule == "P002"] == [phone]


def test_docx_values_split_over_runs_with_invisible_characters_are_masked_as_written(checker):
    import io

    from docx import Document

    doc = Document()
    p = doc.add_paragraph("申请人王某，手机 139")
    p.add_run("\u200b0797")
    p.add_run("\u200b１２３４，身份证号 3607021990030745\u00ad1X。")
    doc.add_paragraph("截\u200b止目前已完成。")
    buf = io.BytesIO()
    doc.save(buf)
    result = checker.check_bytes(buf.getvalue(), "a.docx")
    assert [(f.rule, f.match, f.location.paragraph) for f in result.findings if f.rule in ("P001", "P002", "T001")] == [
        ("P002", "139\u200b0797\u200b１２３４", 1), ("P001", "3607021990030745\u00ad1X", 1), ("T001", "截\u200b止目前", 2)]
    masked = mask_bytes(buf.getvalue(), "a.docx")
    paragraphs = [q.text for q in Document(io.BytesIO(masked.data)).paragraphs]
    assert paragraphs[0] == "申请人王某，手机 139\u200b****\u200b１２３４，身份证号 360702********45\u00ad1X。"
