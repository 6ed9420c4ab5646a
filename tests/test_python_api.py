"""The Python API as CMS plugins use it: docs/python-api.md runs as written, the example plugin
works on real files, the spaCy component puts findings on doc.spans, and one Checker serves many
threads with the same answers as one thread."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from docx import Document as DocxDocument
from openpyxl import Workbook

from gkcheck import Checker
from gkcheck.offsets import char_offsets

from .conftest import REPO

PAGE = (REPO / "docs" / "python-api.md").read_text("utf-8")
ID = "360702198506120034"          # valid check digit, 赣州市章贡区
PHONE = "13907970000"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE, re.S)


def test_every_python_snippet_in_the_page_runs_in_order(monkeypatch):
    """The page is one session: later snippets use CHECKER from the first. Each snippet's
    asserts are the outputs the page promises."""
    monkeypatch.chdir(REPO)
    blocks = python_blocks()
    assert len(blocks) >= 8
    namespace: dict[str, object] = {"__name__": "python_api_page"}
    for number, block in enumerate(blocks, 1):
        try:
            exec(compile(block, f"docs/python-api.md block {number}", "exec"), namespace)
        except Exception as exc:  # show which block and line broke
            import traceback

            where = traceback.extract_tb(exc.__traceback__)[-1]
            raise AssertionError(f"docs/python-api.md, python block {number}, line {where.lineno}: "
                                 f"{where.line} -> {exc!r}") from exc


def test_the_page_documents_every_public_name_it_uses():
    import gkcheck

    for name in ("Checker", "Config", "MaskPolicy", "mask_text", "load_config"):
        assert hasattr(gkcheck, name) and name in PAGE


# -- the example plugin --------------------------------------------------------------------------

def _docx_with(text: str) -> bytes:
    doc = DocxDocument()
    doc.add_paragraph("关于2024年度困难群众救助对象的公示")
    doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _xlsx_with(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def plugin():
    sys.path.insert(0, str(REPO / "examples"))
    try:
        import cms_plugin
    finally:
        sys.path.remove(str(REPO / "examples"))
    return cms_plugin


def test_plugin_refuses_an_error_and_says_what_to_write(plugin):
    verdict = plugin.before_save(plugin.Article("通知", "<p>截止目前，全县已完成任务。</p>"))
    assert not verdict.allowed
    assert verdict.messages == ["正文第1段“截止目前，全县已完成任务…”：错别字“截止目前”，应为“截至目前”"]


def test_plugin_lets_warnings_through_with_notes(plugin):
    verdict = plugin.before_save(plugin.Article("通知", "<p>县工商局开展检查。</p>",
                                                publish_date="2024-05-01"))
    assert verdict.allowed
    assert len(verdict.messages) == 1 and "县市场监督管理局" in verdict.messages[0]


def test_plugin_passes_a_clean_article(plugin):
    verdict = plugin.before_save(plugin.Article("关于做好防汛工作的通知", "<p>各乡镇要认真做好防汛工作。</p>"))
    assert verdict.allowed and verdict.messages == [] and verdict.masked_attachments == {}


def test_plugin_masks_personal_data_in_attachments_and_never_shows_it(plugin):
    sheet = _xlsx_with([["姓名", "身份证号码", "联系电话"], ["张三", ID, PHONE]])
    notice = _docx_with(f"申请人：李四，身份证号码{ID}")
    verdict = plugin.before_save(plugin.Article("公示", "<p>名单见附件。</p>",
                                                attachments={"名单.xlsx": sheet, "公示.docx": notice}))
    assert not verdict.allowed
    assert any("名单.xlsx Sheet!B2" in m or "名单.xlsx" in m and "B2" in m for m in verdict.messages)
    assert not any(ID in m or PHONE in m for m in verdict.messages)   # masked for people
    assert set(verdict.masked_attachments) == {"名单.xlsx", "公示.docx"}
    checker = Checker()
    for name, data in verdict.masked_attachments.items():
        again = checker.check_bytes(data, name)
        assert again.status == "ok"
        assert not [f for f in again.findings if f.category == "privacy" and f.severity == "error"], name


def test_plugin_fails_closed_on_an_attachment_it_cannot_read(plugin):
    verdict = plugin.before_save(plugin.Article("通知", "<p>见附件。</p>",
                                                attachments={"附件.docx": b"PK\x03\x04broken"}))
    assert not verdict.allowed and verdict.messages[0].startswith("附件 附件.docx 无法检查：")


def test_plugin_runs_as_a_script_on_the_examples():
    run = subprocess.run([sys.executable, str(REPO / "examples" / "cms_plugin.py")], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert run.stdout.count("拒绝保存") == 2
    assert "错别字“截止目前”，应为“截至目前”" in run.stdout


# -- offsets --------------------------------------------------------------------------------------

def test_char_offsets_map_back_through_crlf_and_refuse_to_guess(checker):
    text = "标题\r\n\r\n截止目前已完成，于2023年2月30日召开坐谈会。\r联系电话" + PHONE
    findings = checker.check_text(text)
    spans = char_offsets(text, findings)
    assert [text[s:e] for s, e in spans] == [f.match for f in findings]
    assert {f.rule for f in findings} >= {"T001", "D001", "P002"}
    moved = [dataclasses.replace(f, match="别的字") for f in findings]
    assert set(char_offsets(text, moved)) == {(None, None)}


# -- threads -------------------------------------------------------------------------------------

def test_one_checker_gives_every_thread_the_same_answers_as_one_thread():
    checker = Checker()   # fresh: lazy parts (word segmentation) are first loaded under threads
    texts = [
        "截止目前已完成，召开坐谈会。",
        f"张三，身份证号码{ID}，联系电话{PHONE}。",
        "于2023年2月30日（星期一）召开会议，国办发[2017]47号。",
        "各乡镇要认真做好防汛工作。",
        "<p>台湾总统</p><a href='http://127.0.0.1/admin'>后台</a>",
    ]
    files = {"a.docx": _docx_with(f"手机{PHONE}，截止目前"),
             "b.xlsx": _xlsx_with([["身份证号码"], [ID], [ID]])}

    def answer(i: int) -> tuple:
        if i % 3 == 2:
            name = sorted(files)[i % 2]
            result = checker.check_bytes(files[name], name)
            return tuple((f.rule, f.match, f.location) for f in result.findings)
        text = texts[i % len(texts)]
        found = checker.check_text(text, filename="x.html" if text.startswith("<") else None,
                                   publish_date="2024-01-10")
        return tuple((f.rule, f.match, f.location) for f in found)

    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(answer, range(120)))
    serial = [answer(i) for i in range(120)]
    assert parallel == serial
    assert all(parallel[i] for i in range(120) if i % 3 == 2 or i % len(texts) != 3)


# -- spaCy -----------------------------------------------------------------------------------------

def test_spacy_component_puts_findings_on_doc_spans():
    import spacy
    from spacy.tokens import Doc, DocBin

    nlp = spacy.blank("zh")
    nlp.add_pipe("gkcheck", config={"publish_date": "2024-03-01"})
    text = f"截止目前已完成。\n于2023年2月30日召开会议，联系电话{PHONE}。"
    doc = nlp(text)
    spans = doc.spans["gkcheck"]
    assert [(s.text, s.label_) for s in spans] == [
        ("截止目前", "T001"), ("2023年2月30日", "D001"), (PHONE, "P002")]
    assert spans[0]._.gkcheck.suggestion == "截至目前"
    assert spans[2]._.gkcheck.category == "privacy"
    assert [f.rule for f in doc._.gkcheck_findings] == ["T001", "D001", "P002"]
    # serialisable like any other doc
    restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert [(s.text, s._.gkcheck.rule) for s in restored.spans["gkcheck"]] == [
        ("截止目前", "T001"), ("2023年2月30日", "D001"), (PHONE, "P002")]
    bin_ = DocBin(store_user_data=True, docs=[doc])
    (again,) = DocBin().from_bytes(bin_.to_bytes()).get_docs(nlp.vocab)
    assert len(again.spans["gkcheck"]) == 3


def test_spacy_component_config_selects_rules_and_reads_a_gkcheck_toml(tmp_path):
    import spacy

    (tmp_path / "gkcheck.toml").write_text('ignore = ["T001"]\n', "utf-8")
    nlp = spacy.blank("zh")
    nlp.add_pipe("gkcheck", config={"config_file": str(tmp_path / "gkcheck.toml"),
                                    "spans_key": "check"})
    doc = nlp(f"截止目前已完成，联系电话{PHONE}。")
    assert [s.label_ for s in doc.spans["check"]] == ["P002"]
    assert "gkcheck" not in doc.spans

    nlp2 = spacy.blank("zh")
    nlp2.add_pipe("gkcheck", config={"select": ["typo"]})
    doc2 = nlp2(f"截止目前，电话{PHONE}")
    assert [s.label_ for s in doc2.spans["gkcheck"]] == ["T001"]
    docs = list(nlp2.pipe(["截止目前", "召开坐谈会"]))
    assert [d.spans["gkcheck"][0].text for d in docs] == ["截止目前", "召开坐谈"]


def test_spacy_is_not_imported_by_the_engine():
    code = "import sys, gkcheck; gkcheck.Checker().check_text('截止目前'); print('spacy' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "False", run.stderr
