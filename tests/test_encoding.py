"""Text decoding: short GBK lines of an even number of bytes are valid UTF-16 too; they must
come out as the Chinese text they are, or a 名单.txt would be read as noise and reported clean."""

from __future__ import annotations

import pytest

from gkcheck import Checker
from gkcheck.encoding import decode

LINES = ["联系电话：13907970000\n", "姓名,身份证号码\n张三,360702198506120034\n",
         "截止目前，全县已完成改造任务。\n", "关于印发《2024年工作要点》的通知\r\n"]


@pytest.mark.parametrize("text", LINES)
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-16", "utf-16-le", "utf-16-be"])
def test_short_lines_decode_to_what_was_written(text, encoding):
    assert decode(text.encode(encoding))[0] == text


def test_a_short_gbk_list_is_checked_not_misread(checker):
    result = checker.check_bytes("联系电话：13907970000\n".encode("gbk"), "名单.txt")
    assert result.encoding == "gb18030"
    assert [f.rule for f in result.findings] == ["P002"]
