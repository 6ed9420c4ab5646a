"""Folding list columns (issue 15, docs/privacy.md): in a column that P009 summarises, the cells'
own privacy findings are folded into the P009 finding (``cells``) unless one finding per cell is
asked for (``--expand-columns``, ``expand-columns = true``, mask, annotate). Real XLSX files
written with openpyxl; every reporter, the CLI, the config, mask, annotate and the ledger."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from gkcheck.checker import Checker
from gkcheck.config import Config, load_config
from gkcheck.model import GkcheckError, Report
from gkcheck.reporters import render

from .conftest import FIXED_TODAY

REPO = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((REPO / "docs" / "json-report.schema.json").read_text("utf-8"))
ROWS = 200
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def id_number(rng: random.Random) -> str:
    body = f"360702{rng.randint(1960, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def people(n: int = ROWS, seed: int = 15) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    surnames, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
    return [(rng.choice(surnames) + rng.choice(given) + rng.choice(given), id_number(rng),
             f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}") for _ in range(n)]


def list_xlsx(ppl: list[tuple[str, str, str]], note_id: str | None = None) -> bytes:
    """A 公示 list: 序号, 姓名, 身份证号码 (C), 联系电话 (D), 备注 (E; one ID in free text)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["序号", "姓名", "身份证号码", "联系电话", "备注"])
    for i, (name, ssn, phone) in enumerate(ppl, 1):
        ws.append([i, name, ssn, phone, f"代领人身份证{note_id}" if note_id and i == 3 else ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def ppl():
    return people()


@pytest.fixture(scope="module")
def data(ppl):
    return list_xlsx(ppl, note_id=people(1, seed=99)[0][1])


@pytest.fixture(scope="module")
def checker():
    return Checker(Config(), today=lambda: FIXED_TODAY)


def test_folded_by_default_with_every_cell(checker, data, ppl):
    result = checker.check_bytes(data, "名单.xlsx")
    assert result.status == "ok", result.error
    columns = {f.location.cell: f for f in result.findings if f.rule == "P009"}
    assert set(columns) == {f"C2:C{ROWS + 1}", f"D2:D{ROWS + 1}"}
    assert columns[f"C2:C{ROWS + 1}"].cells == tuple(f"C{r}" for r in range(2, ROWS + 2))
    assert columns[f"D2:D{ROWS + 1}"].cells == tuple(f"D{r}" for r in range(2, ROWS + 2))
    assert all(f.severity == "error" for f in columns.values())
    # no per-cell finding left in the folded columns; the ID in the free-text column keeps its own
    cells = [f for f in result.findings if f.rule != "P009" and f.category == "privacy"]
    assert [(f.rule, f.location.cell) for f in cells] == [("P001", "E4")]
    assert len(result.findings) < 10
    # the JSON: an optional list, valid against the schema
    report = Report((result,), "test")
    doc = json.loads(render(report, "json"))
    jsonschema.validate(doc, SCHEMA)
    by_cell = {f["location"]["cell"]: f for f in doc["files"][0]["findings"] if f["rule"] == "P009"}
    assert by_cell[f"C2:C{ROWS + 1}"]["cells"][:3] == ["C2", "C3", "C4"]
    assert len(by_cell[f"C2:C{ROWS + 1}"]["cells"]) == ROWS
    assert all("cells" not in f for f in doc["files"][0]["findings"] if f["rule"] != "P009")


def test_expanded_on_request_config_and_argument(checker, data, ppl):
    expanded = checker.check_bytes(data, "名单.xlsx", expand_columns=True)
    ids = [f for f in expanded.findings if f.rule == "P001"]
    assert {f.match for f in ids} >= {p[1] for p in ppl} and len(ids) == ROWS + 1
    assert all(f.severity == "warning" for f in ids if f.location.cell.startswith("C"))
    assert len([f for f in expanded.findings if f.rule == "P002"]) == ROWS
    assert all(f.cells is None for f in expanded.findings)
    assert len([f for f in expanded.findings if f.rule == "P009"]) == 2      # the summaries stay
    by_config = Checker(Config(expand_columns=True), today=lambda: FIXED_TODAY).check_bytes(data, "名单.xlsx")
    assert by_config.findings == expanded.findings
    # and the config's expand-columns = true can be overridden per call
    folded = Checker(Config(expand_columns=True), today=lambda: FIXED_TODAY).check_bytes(
        data, "名单.xlsx", expand_columns=False)
    assert folded.findings == checker.check_bytes(data, "名单.xlsx").findings


def test_config_key_is_strict(tmp_path):
    path = tmp_path / "gkcheck.toml"
    path.write_text("expand-columns = true\n", "utf-8")
    assert load_config(path).expand_columns is True
    path.write_text("", "utf-8")
    assert load_config(path).expand_columns is False
    path.write_text('expand-columns = "yes"\n', "utf-8")
    with pytest.raises(GkcheckError, match="expand-columns"):
        load_config(path)


def _scan_json(tmp_path: Path, data: bytes, *args: str) -> dict:
    target = tmp_path / "名单.xlsx"
    target.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "scan", str(target), "--format", "json",
                           "--publish-date", "2024-03-01", *args],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def test_cli_expand_columns_and_config(tmp_path, data):
    folded = _scan_json(tmp_path, data)["files"][0]["findings"]
    expanded = _scan_json(tmp_path, data, "--expand-columns")["files"][0]["findings"]
    assert sum(f["rule"] == "P001" for f in folded) == 1
    assert sum(f["rule"] == "P001" for f in expanded) == ROWS + 1
    assert any("cells" in f for f in folded) and not any("cells" in f for f in expanded)
    (tmp_path / "gkcheck.toml").write_text("expand-columns = true\n", "utf-8")
    from_config = _scan_json(tmp_path, data)["files"][0]["findings"]
    assert sum(f["rule"] == "P001" for f in from_config) == ROWS + 1


def test_every_reporter_shows_the_folded_column(checker, data):
    result = checker.check_bytes(data, "名单.xlsx")
    report = Report((result,), "test")
    text = render(report, "text")
    assert f"共 {ROWS} 个单元格：C2、C3、C4、C5、C6 等" in text
    assert len(text.splitlines()) < 30, text
    html = render(report, "html")
    assert f"共 {ROWS} 个单元格：C2、C3、C4、C5、C6 等" in html
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    values = [str(c.value) for row in book["问题清单"].iter_rows() for c in row if c.value]
    assert any(f"共 {ROWS} 个单元格：C2、C3" in v for v in values)
    assert book["问题清单"].max_row < 10
    sarif = json.loads(render(report, "sarif"))
    results = sarif["runs"][0]["results"]
    assert len(results) == len(result.findings)
    p009 = [r for r in results if r["ruleId"] == "P009"]
    assert len(p009) == 2 and all(r["properties"]["cells"][0] in ("C2", "D2") for r in p009)
    junit = ET.fromstring(render(report, "junit"))
    failures = junit.findall(".//failure")
    assert len(failures) == len(result.findings)
    assert any(f"共 {ROWS} 个单元格" in (f.text or "") for f in failures)
    # no personal value shown whole in the human reports
    for value in (text, html):
        assert people()[0][1] not in value


def test_mask_still_masks_every_cell(data, ppl, tmp_path):
    from gkcheck.masking.files import mask_bytes

    masked = mask_bytes(data, "名单.xlsx")
    ids = {p[1] for p in ppl}
    phones = {p[2] for p in ppl}
    assert len([i for i in masked.items]) >= 2 * ROWS + 1
    ws = openpyxl.load_workbook(io.BytesIO(masked.data))["名单"]
    cells = [str(c.value) for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    assert not ids & set(cells) and not phones & set(cells)
    assert all("*" in str(ws[f"C{r}"].value) and "*" in str(ws[f"D{r}"].value) for r in range(2, ROWS + 2))
    # the masked copy has no privacy finding left, folded or not
    again = Checker(Config(), today=lambda: FIXED_TODAY).check_bytes(masked.data, "名单.xlsx", expand_columns=True)
    assert not [f for f in again.findings if f.rule in ("P001", "P002", "P009")]


def test_mask_command_masks_every_cell(data, ppl, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "名单.xlsx").write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "gkcheck", "mask", str(tmp_path / "in" / "名单.xlsx"),
                           "--output", str(tmp_path / "out")], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(tmp_path / "out" / "名单.xlsx")["名单"]
    shown = {str(ws[f"{col}{r}"].value) for col in "CD" for r in range(2, ROWS + 2)}
    assert not shown & ({p[1] for p in ppl} | {p[2] for p in ppl}) and len(shown) > ROWS


def test_annotate_comments_every_cell(checker, data):
    from gkcheck.annotate import annotate

    result = annotate(data, "名单.xlsx", checker=checker)
    ws = openpyxl.load_workbook(io.BytesIO(result.data))["名单"]
    for r in range(2, ROWS + 2):
        assert ws[f"C{r}"].comment is not None and ws[f"D{r}"].comment is not None, r
    # given the folded findings of a scan, the column still gets its comment (on its first cell)
    folded = checker.check_bytes(data, "名单.xlsx").findings
    result = annotate(data, "名单.xlsx", folded)
    ws = openpyxl.load_workbook(io.BytesIO(result.data))["名单"]
    assert "P009" in ws["C2"].comment.text and "P009" in ws["D2"].comment.text


def test_ledger_fingerprints_of_a_folded_column_are_stable(checker, ppl):
    from gkcheck.ledger.fingerprint import fingerprints

    key = b"k" * 32
    first = checker.check_bytes(list_xlsx(ppl), "名单.xlsx").findings
    again = checker.check_bytes(list_xlsx(ppl), "名单.xlsx").findings
    longer = checker.check_bytes(list_xlsx(ppl + people(5, seed=7)), "名单.xlsx").findings
    fewer = checker.check_bytes(list_xlsx(ppl[:50]), "名单.xlsx").findings

    def p009(findings):
        chosen = [f for f in findings if f.rule == "P009"]
        return fingerprints(key, "名单.xlsx", chosen)

    assert p009(first) == p009(again) == p009(longer) == p009(fewer)
    assert len(set(p009(first))) == 2


def test_a_scan_with_a_ledger_keeps_the_cells(tmp_path, data):
    doc = _scan_json(tmp_path, data, "--ledger", str(tmp_path / "ledger.db"))
    p009 = [f for f in doc["files"][0]["findings"] if f["rule"] == "P009"]
    assert len(p009) == 2 and all(len(f["cells"]) == ROWS and f["fingerprint"] for f in p009)
    again = _scan_json(tmp_path, data, "--ledger", str(tmp_path / "ledger.db"))
    assert {f["fingerprint"] for f in again["files"][0]["findings"] if f["rule"] == "P009"} == \
        {f["fingerprint"] for f in p009}
    assert all(f["ledger_state"] == "known" for f in again["files"][0]["findings"] if f["rule"] == "P009")


def test_without_p009_nothing_is_folded(data):
    """Folding rides on the column finding: with P009 ignored every cell keeps its own finding."""
    result = Checker(Config(ignore=("P009",)), today=lambda: FIXED_TODAY).check_bytes(data, "名单.xlsx")
    assert sum(f.rule == "P001" for f in result.findings) == ROWS + 1
    assert all(f.cells is None for f in result.findings)
