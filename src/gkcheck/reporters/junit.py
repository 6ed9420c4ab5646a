"""JUnit XML for CI test views (GitLab merge requests, Jenkins, Azure Pipelines).

One ``<testsuite>`` per file. Every finding is a ``<testcase>``: an error or a warning fails it
(``<failure type="T001">``), so an editor sees each problem as a red line with its place; an
info finding is a passing testcase whose ``<system-out>`` says what to look at (advice, not a
failure). A file without findings is one passing testcase ``检查通过``, so it shows as checked.
A file that could not be checked is one testcase with ``<error>`` — never a pass.
Personal data is masked like in every report a person reads.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import FileResult, Finding, Report
from . import CATEGORY_NAMES, SEVERITY_NAMES, one_line, private_values, shown_context, shown_match

FAILING = ("error", "warning")
# characters XML 1.0 cannot carry, even escaped; a document may hold them (\x0b in DOCX text)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(report: Report, **_: object) -> str:
    root = ET.Element("testsuites", name="gkcheck")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for result in report.files:
        suite = _suite(result)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(result: FileResult) -> ET.Element:
    path = _clean(result.path)
    suite = ET.Element("testsuite", name=path)
    props = ET.SubElement(suite, "properties")
    for name, value in (("type", result.type), ("encoding", result.encoding), ("status", result.status)):
        if value:
            ET.SubElement(props, "property", name=name, value=value)
    failures = errors = 0
    if result.status == "error":
        case = ET.SubElement(suite, "testcase", classname=path, name="读取文件", file=path)
        error = ET.SubElement(case, "error", type="unreadable", message=_clean(f"无法检查：{result.error}"))
        error.text = _clean(f"{result.path}：无法检查（不是“没有问题”）：{result.error}")
        errors = 1
    elif not result.findings:
        ET.SubElement(suite, "testcase", classname=path, name="检查通过", file=path)
    private = private_values(result)
    for f in result.findings:
        suite.append(_case(f, path, private))
        failures += f.severity in FAILING
    tests = len(suite.findall("testcase"))
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return suite


def _case(f: Finding, path: str, private: tuple[str, ...]) -> ET.Element:
    where = f.location.describe()
    case = ET.Element("testcase", classname=path, name=_clean(f"{f.rule} {f.name}（{where}）"), file=path)
    if f.location.line is not None:
        case.set("line", str(f.location.line))
    details = _clean(_details(f, where, private))
    if f.severity in FAILING:
        message = f"{SEVERITY_NAMES[f.severity]}：{one_line(f, shown_match(f, private))}"
        failure = ET.SubElement(case, "failure", type=f.rule, message=_clean(message))
        failure.text = details
    else:
        ET.SubElement(case, "system-out").text = details
    return case


def _details(f: Finding, where: str, private: tuple[str, ...]) -> str:
    match, context = shown_match(f, private), shown_context(f, private)
    lines = [f"{SEVERITY_NAMES[f.severity]} {f.rule} {f.name}（{CATEGORY_NAMES[f.category]}）：{f.message}",
             f"位置：{where}"]
    if f.cells:   # a folded list column (docs/privacy.md)
        from .groups import cells_text

        lines.append(f"单元格：{cells_text(f)}")
    if match:
        lines.append(f"原文：{match}")
    if context and context != match:
        lines.append(f"上下文：…{context}…")
    if f.suggestion:
        lines.append(f"建议改为：{f.suggestion}")
    elif f.suggestion == "":
        lines.append("建议删除")
    elif f.advice:
        lines.append(f"建议：{f.advice}")
    if f.note:
        lines.append(f"说明：{f.note}")
    return "\n".join(lines)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
