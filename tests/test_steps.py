"""gkcheck.steps: the engine says how far a check has come to a listener set for the running
context, and a listener can stop the check (what a cancelled job of ``gkcheck serve`` does)."""

from __future__ import annotations

import io
import threading

import openpyxl
import pytest

from gkcheck.steps import Step, Stop, listening


def sheet(rows: int) -> bytes:
    book = openpyxl.Workbook()
    for i in range(rows):
        book.active.append([f"截止目前第{i}行", f"139{i:08d}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_check_reports_reading_then_every_detector_pass_with_its_position(checker):
    data = sheet(3000)
    seen: list[Step] = []
    with listening(seen.append):
        result = checker.check_bytes(data, "名单.xlsx", expand_columns=True)
    assert result.status == "ok" and len(result.findings) == 6000
    assert seen[0].phase == "read" and seen[0].total == len(data)
    checks = [s for s in seen if s.phase == "check"]
    passes = checks[0].parts
    assert passes > 1 and sorted({s.part for s in checks}) == list(range(passes))
    assert all(s.kind == "xlsx" and s.total >= 6000 and 0 <= s.done <= s.total for s in checks)
    assert [s.part for s in checks] == sorted(s.part for s in checks)       # passes in order
    assert max(s.done for s in checks) > 3000                               # positions within a pass
    # without a listener nothing is reported and the result is the same
    assert checker.check_bytes(data, "名单.xlsx", expand_columns=True).findings == result.findings


def test_a_listener_stops_the_check_and_no_file_error_hides_it(checker):
    class Cancelled(Stop):
        pass

    def stop(step: Step) -> None:
        if step.phase == "check" and step.done > 0:
            raise Cancelled

    with listening(stop), pytest.raises(Cancelled):
        checker.check_bytes(sheet(3000), "名单.xlsx", expand_columns=True)


def test_listeners_belong_to_their_thread(checker):
    seen: list[Step] = []
    other: list[int] = []

    def elsewhere() -> None:
        other.append(len(checker.check_text("截止目前")))

    with listening(seen.append):
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    assert other == [1] and seen == []
