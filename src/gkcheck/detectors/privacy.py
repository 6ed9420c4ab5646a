"""Personal information (个人信息): identity numbers, phones, bank cards, passports, e-mail, addresses.

One pass over the joined text finds the stretches that can hold a number or an e-mail
(:func:`_windows`); each candidate pattern then runs only inside those stretches. A validator
(:mod:`.idcard`: check characters, division codes, dates, Luhn) and the words around the
candidate confirm or reject it. Tables add what running text cannot say: a column headed
身份证号码 makes a 15-digit number an ID and a 联系电话 column of a list of people makes a
landline private; a column with several findings also gets one summary finding.

:func:`scan` is shared with :func:`gkcheck.masking.mask_text`, so what is reported is exactly
what gets masked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterator

from ..config import Config
from ..model import GkcheckError, Hit, Location, Table
from ..rules import Rule
from ..textview import Context, TextView
from .idcard import (PROVINCES, card_issuer, division_status, id15_problem, id18_problem, is_uscc,
                     luhn_ok)

RULES = {  # kind → rule code
    "id": "P001", "id15": "P001", "mobile": "P002", "bank": "P003", "passport": "P004",
    "email": "P005", "address": "P006", "landline": "P007", "idcode": "P010",
}
UNDER_MASKED = "P008"
COLUMN = "P009"

KIND_NAMES = {
    "id": "身份证号码", "id15": "身份证号码", "mobile": "手机号码", "bank": "银行卡号（账号）",
    "passport": "护照或通行证号码", "email": "个人电子邮箱", "address": "家庭住址",
    "landline": "个人固定电话", "idcode": "含身份证号码的证件号码",
}
MASK_CHARS = "*＊×"
WINDOW = 20  # characters of the same line looked at before a candidate

_B = r"(?<![0-9A-Za-z_])(?<![0-9A-Za-z][-/.])"   # not inside a longer run or a code like GZ-2024-…
_E = r"(?![0-9A-Za-z_]|\.\d)"       # nor followed by more of them or by decimals

ID18 = re.compile(_B + r"\d{17}[\dXxＸｘ]" + _E)   # \d also takes full-width digits
# a space between groups may be the ideographic space U+3000 (normalisation keeps it: it is visible)
ID_SPACED = re.compile(_B + r"\d{6}([ \u3000-])\d{8}\1\d{3}[\dXx]" + _E)   # 360702 19900307 451X
ID15 = re.compile(_B + r"\d{15}" + _E)
# an ID number inside a longer official number: letters before it (学籍号 G + ID) or digits after
# it (残疾人证号 = ID + category 1-7 + grade 1-4); a plain 18-character ID is ID18's
ID_EMBEDDED = re.compile(_B + r"([A-Za-z]{1,2})?(\d{17}[\dXx])(\d{1,4})?" + _E)
EMBED_LABEL = re.compile(r"残疾|学籍|居住证|优待证|老年证|社保|社会保障|医保|参保|证号|证件|身份|号码")
MOBILE = re.compile(_B + r"(?:(?:\+|00)86[ \u3000-]?)?1[3-9]\d(?:\d{8}|([ \u3000-])\d{4}\1\d{4})" + _E)
LANDLINE = re.compile(_B + r"(?:[(（]0\d{2,3}[)）]|0\d{2,3}[ \u3000-]?)[2-9]\d{6,7}(?:(?:-|转)\d{1,5})?" + _E)
CARD = re.compile(_B + r"(?:\d{16,19}|\d{4}(?:[ \u3000-]\d{4}){3}(?:[ \u3000-]?\d{1,3})?)" + _E)
PASSPORT = re.compile(_B + r"[EGDSPCWKHMTL][A-Z0-9]?\d{7,9}" + _E)
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MASKED = re.compile(r"(?<![0-9A-Za-z*＊×_])[0-9Xx*＊×]{7,20}(?![0-9A-Za-z*＊×_])")
# Every character the number and e-mail patterns above consume, and every character their
# lookaheads test (_ and . too): a stretch of these bounded by other characters is one
# candidate patterns can neither leave nor see beyond, so running a pattern inside each stretch
# (pos/endpos; lookbehinds still see the text before) finds exactly what a pass over the whole
# text finds. The shortest match is 6 characters (a@b.cn).
_WINDOW_CHARS = r"[\dA-Za-z_.Ｘｘ \u3000\-+()（）转*＊×@%/]"
# = _WINDOW_CHARS{6,}; written with the class first so the engine skips ahead to a possible
# first character instead of trying the repeat at every position (0.12 → 0.10 s on 20 MB)
_WINDOW = re.compile(_WINDOW_CHARS + _WINDOW_CHARS + "{5,}")
MERGE_GAP = 16  # stretches this close are scanned as one (fewer calls, a few more characters)
MIN_DIGITS = 7  # every number pattern takes at least 7 \d (a passport: a letter and 7 digits)
ADDRESS = re.compile(r"(?:家庭住址|家庭地址|家庭住所|现住址|现居住地址|现居住地|居住地址|户籍地址|户籍所在地|"
                     r"住址)[ \t]*[:：]?[ \t]*([^\s，,；;。|]{4,60})")
HOUSE = re.compile(r"[0-9０-９一二三四五六七八九十百]+[ \t]*(?:号楼|号院|号|室|栋|幢|单元|弄|户)")

ID_LABEL = re.compile(r"身份证|证件号|公民身份|身份号码")
USCC_LABEL = re.compile(r"信用代码|统一代码|社会信用|纳税人识别号|税号|注册号|组织机构代码")
PASSPORT_LABEL = re.compile(r"护照|通行证|回乡证|旅行证|证件号")
BANK_LABEL = re.compile(r"银行|卡号|账号|帐号|开户|储蓄|借记|信用卡|社保卡|一卡通|存折|收款|转账|汇款|账户|帐户")
NUMBER_LABEL = re.compile(r"订单|单号|流水|编号|序号|批次|凭证|票据|发票|合同|信用代码|识别号|注册号|文号|条码")
ORG_ACCOUNT = re.compile(r"对公|单位账户|单位帐户|专户|基本户|财政|户名[:：]?\S*(?:局|委|办|院|中心|公司|政府|银行|学校|所|站)")
ORG_PHONE = re.compile(r"(?:咨询|监督|举报|投诉|服务|值班|办公|受理|报名|传真|客服|求助|报警|业务|政务)"
                       r"(?:电话|热线|方式|号码)|联系人|热线|总机")
CONTACT = re.compile(r"联系(?:电话|方式|号码)")
ORG_WORDS = re.compile(r"局|委员会|办公室|中心|科室|窗口|政府|部门|单位|公司|医院|学校|街道|社区|居委会|村委|党支部|"
                       r"服务站|派出所|书记|主任|科长|局长|所长|站长|干部|网格员|工作人员|负责人|专干|联络员")
AFTER_AMOUNT = re.compile(r"\s*(?:元|万|亿|千|百|吨|人|户|个|次|平方|公里|公顷|亩|米|台|件|辆|份|册|kg|km|m²)")
BEFORE_AMOUNT = re.compile(r"[￥¥$]\s*$|(?:金额|资金|收入|总额|投资|产值)[^\d\n]{0,4}$")
PRIVATE_PHONE = re.compile(r"家庭电话|住宅电话|宅电|家庭固话|家里电话|私人电话|个人电话|本人电话|家庭联系电话")
PERSONAL = re.compile(r"身份证|证件号|公民身份|住址|户主|户籍|申请人|当事人|被执行人|被处罚人|被申请人|本人|"
                      r"姓名|性别|出生|家属|监护人|配偶|患者|低保|特困|五保|救助对象|残疾人|贫困户|参保人")
PUBLIC_MAIL = re.compile(r"\.(?:gov|org|edu)\.cn$|\.gov$", re.I)

HEADER_KINDS = (
    ("id", re.compile(r"身份证|证件号|公民身份|身份号码|残疾人?证号|学籍号")),
    ("passport", re.compile(r"护照|通行证")),
    ("bank", re.compile(r"银行账号|银行帐号|银行卡|卡号|账号|帐号|社保卡")),
    ("address", re.compile(r"家庭住址|家庭地址|现住址|住址|居住地|户籍地址|户籍所在地")),
    ("email", re.compile(r"邮箱|电子邮件|e-?mail", re.I)),
    ("phone", re.compile(r"手机|电话|联系方式")),
)
PERSON_HEADER = re.compile(r"姓名|户主|申请人|学生|患者|名字|当事人|被执行人|参保人|持卡人|收款人|领取人|"
                           r"困难群众|救助对象|人员")
STAFF_HEADER = re.compile(r"职务|岗位|职责|分工|单位|部门|科室|联系人")


@dataclass(frozen=True)
class Candidate:
    """A piece of personal data in the text. ``problem`` is None for a plain value, else what a
    masked value still shows (then it is under-masked); properly masked values never become
    candidates. ``note`` says why it was recognised when that is not obvious."""

    kind: str
    start: int
    end: int
    value: str
    problem: str | None = None
    note: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class Column:
    """What a table column holds, from its header."""

    kind: str
    header: str
    table: int
    col: int
    personal: bool  # the table is a list of people (a name, ID or address column)
    header_row: int = 0  # the row of the header (title rows may come first)


ColumnAt = Callable[[int], "Column | None"]


def _no_column(offset: int) -> None:
    return None


LINE_REACH = 200  # how far a "line" reaches: bounded, so a megabyte on one line stays linear


def _line_start(text: str, pos: int) -> int:
    lo = max(0, pos - LINE_REACH)
    return max(text.rfind("\n", lo, pos) + 1, lo)


def _line_end(text: str, pos: int) -> int:
    hi = min(len(text), pos + LINE_REACH)
    end = text.find("\n", pos, hi)
    return hi if end < 0 else end


def _before(text: str, start: int, width: int = WINDOW) -> str:
    return text[max(_line_start(text, start), start - width):start]


def _line(text: str, start: int, end: int) -> str:
    return text[_line_start(text, start):_line_end(text, end)]


_URL_TAIL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s\"'<>，。；]*$")


def _in_url(text: str, start: int) -> bool:
    return bool(_URL_TAIL.search(text, max(_line_start(text, start), start - 200), start))


_SPACE_OR_DASH = re.compile(r"[\s\-]")
MASK_SET = frozenset(MASK_CHARS)


def _compact(value: str) -> str:
    return value if value.isalnum() else _SPACE_OR_DASH.sub("", value)  # most values: digits only


# -- masked values ------------------------------------------------------------------------------

def masked_problem(kind: str, value: str) -> str | None:
    """What a masked ``value`` of ``kind`` still shows that it should hide, or None if enough is hidden."""
    v = _compact(value)
    hidden = sum(c in MASK_CHARS for c in v)
    if kind == "idcode":  # a 残疾人证号: the ID is its first 18 characters
        kind, v = "id", v[:18]
    if kind in ("id", "id15"):
        date_at = (6, 14) if len(v) == 18 else (6, 12)
        month_day = v[date_at[1] - 4:date_at[1]]
        if any(c.isdigit() for c in month_day):
            return f"出生日期仍可见，应隐藏第{date_at[0] + 1}-{date_at[1]}位（出生日期）"
        if hidden < 4:
            return f"只隐藏了{hidden}位，应至少隐藏出生日期所在的第{date_at[0] + 1}-{date_at[1]}位"
        return None
    if kind == "mobile":
        if hidden < 4:
            return f"只隐藏了{hidden}位，应隐藏中间4位（如 138****5678）"
        return None
    if kind == "bank":
        shown = sum(c.isdigit() for c in v)
        if hidden < 4 or shown > 10:
            return f"显示了{shown}位，最多保留前6位和后4位，建议只保留后4位"
        return None
    return None


def _masked_kind(token: str, text: str, start: int, column: Column | None) -> str | None:
    if column is not None and column.kind in ("id", "phone", "bank"):
        want = column.kind
    else:
        want = None
    n = len(token)
    if n == 20 and want in (None, "id") and token[:2] in PROVINCES and token[18] in "1234567*＊×" \
            and token[19] in "1234*＊×":
        return "idcode"  # 残疾人证号: ID + category + grade
    if n == 18 and (want in (None, "id")) and (token[:2] in PROVINCES or token[0] in MASK_CHARS):
        return "id"
    if n == 15 and (want == "id" or ID_LABEL.search(_before(text, start))):
        return "id15"
    if n == 11 and token[0] == "1" and (token[1] in "3456789" or token[1] in MASK_CHARS) and want in (None, "phone"):
        return "mobile"
    if 12 <= n <= 19 and (want == "bank" or BANK_LABEL.search(_before(text, start))):
        return "bank"
    return None


# -- the scan -----------------------------------------------------------------------------------

def scan(text: str, today: date, column_at: ColumnAt = _no_column,
         hidden_at: Callable[[int], "str | None"] = _no_column) -> list[Candidate]:
    """Every piece of personal data in ``text`` that is shown in full or masked too little.

    ``column_at(offset)`` tells which table column (if any) the offset sits in, ``hidden_at(offset)``
    why the text there is hidden (None if visible): an office's published number is exempt only
    where it is visible, since nobody publishes a contact number in a comment or a hidden sheet."""
    found: list[Candidate] = []
    numbers, emails, masked = _windows(text)
    id18_problems: dict[str, str | None] = {}  # an ID is also a 18-digit card candidate: judge it once

    def id18(value: str) -> str | None:
        if value not in id18_problems:
            id18_problems[value] = id18_problem(value, today)
        return id18_problems[value]

    for m in _within(ID18, text, numbers):
        value = unicodedata.normalize("NFKC", m.group())
        if id18(value) is not None:
            continue
        before = _before(text, m.start())
        if USCC_LABEL.search(before):
            continue
        note = None
        if division_status(value[:6]) == "prefecture":
            note = f"地址码 {value[:6]} 不在 GB/T 2260 代码表（2019 年以前）中，地级代码 {value[:4]} 存在"
        found.append(Candidate("id", m.start(), m.end(), m.group(), note=note))

    for m in _within(ID_EMBEDDED, text, numbers):
        cand = _embedded_id(m, text, id18)
        if cand is not None:
            found.append(cand)

    for m in _within(ID_SPACED, text, numbers):
        value = _compact(m.group())
        if id18_problem(value, today) is None and not USCC_LABEL.search(_before(text, m.start())):
            found.append(Candidate("id", m.start(), m.end(), m.group()))

    for m in _within(ID15, text, numbers):
        col = column_at(m.start())
        if not ((col is not None and col.kind == "id") or ID_LABEL.search(_before(text, m.start()))):
            continue
        if id15_problem(m.group(), today) is None:
            found.append(Candidate("id15", m.start(), m.end(), m.group(), note="15 位旧身份证号码"))

    for m in _within(MOBILE, text, numbers):
        if AFTER_AMOUNT.match(text, m.end()) or BEFORE_AMOUNT.search(_before(text, m.start(), 12)):
            continue  # an amount or a count, not a phone
        col = column_at(m.start())
        if col is not None:
            if col.kind == "phone" and not col.personal:
                continue
        elif _office_number(text, m.start(), m.end()) and not hidden_at(m.start()):
            continue  # an office's published contact number
        found.append(Candidate("mobile", m.start(), m.end(), m.group()))

    for m in _within(LANDLINE, text, numbers):
        col = column_at(m.start())
        before = _before(text, m.start(), 24)
        if col is not None and col.kind == "phone":
            private = col.personal
        else:
            private = bool(PRIVATE_PHONE.search(before)) or (
                bool(PERSONAL.search(_line(text, m.start(), m.end()))) and not _office_number(text, m.start(), m.end()))
        if private:
            found.append(Candidate("landline", m.start(), m.end(), m.group()))

    for m in _within(CARD, text, numbers):
        digits = _compact(m.group())
        if not 16 <= len(digits) <= 19:
            continue
        col = column_at(m.start())
        before = _before(text, m.start(), 30)
        if col is not None and col.kind == "bank":
            found.append(Candidate("bank", m.start(), m.end(), m.group()))
            continue
        if len(digits) == 18 and (id18(digits) is None or is_uscc(digits)):
            continue  # an ID (reported above) or a credit code
        if not luhn_ok(digits) or card_issuer(digits) is None or ORG_ACCOUNT.search(before):
            continue
        if BANK_LABEL.search(before):
            found.append(Candidate("bank", m.start(), m.end(), m.group()))
        elif digits.startswith("62") and len(digits) in (16, 19) and not NUMBER_LABEL.search(before):
            found.append(Candidate("bank", m.start(), m.end(), m.group(), severity="warning",
                                   note="符合银联卡号规则（62 开头、Luhn 校验通过），但附近没有“银行”“卡号”等字样，"
                                        "也可能是订单号或流水号，请核实"))

    for m in _within(PASSPORT, text, numbers):
        col = column_at(m.start())
        if (col is not None and col.kind in ("passport", "id")) or PASSPORT_LABEL.search(_before(text, m.start())):
            found.append(Candidate("passport", m.start(), m.end(), m.group()))

    for m in _within(EMAIL, text, emails):
        value = m.group()
        if PUBLIC_MAIL.search(value):
            continue
        col = column_at(m.start())
        if col is not None and col.kind == "email":
            personal = col.personal
        else:
            personal = bool(PERSONAL.search(_line(text, m.start(), m.end()))) and \
                not ORG_PHONE.search(_before(text, m.start(), 12))
        if personal:
            found.append(Candidate("email", m.start(), m.end(), value))

    for m in ADDRESS.finditer(text):
        value = m.group(1)
        cand = _address(value, m.start(1))
        if cand is not None:
            found.append(cand)

    for m in _within(MASKED, text, masked):
        token = m.group()
        if MASK_SET.isdisjoint(token) or sum(c.isdigit() for c in token) < 2:
            continue
        kind = _masked_kind(token, text, m.start(), column_at(m.start()))
        if kind is None:
            continue
        problem = masked_problem(kind, token)
        if problem:
            found.append(Candidate(kind, m.start(), m.end(), token, problem=problem))

    return _drop_overlaps([c for c in found if not _in_url(text, c.start)])


def _embedded_id(m: re.Match[str], text: str, id18: Callable[[str], "str | None"]) -> Candidate | None:
    """A number that holds a valid ID number with letters before or digits after it: a 残疾人证号
    (ID + 残疾类别 1-7 + 残疾等级 1-4) or a 学籍号 (G/J/L + ID) by its shape, any other only after
    a word such as 证号/学籍/居住证/社保; without one, digits after a valid ID are a warning (an
    order number rarely starts with a valid ID, but it may) and other letters before it nothing
    (a code such as A36070219900307451X)."""
    pre, core, post = m.group(1) or "", m.group(2), m.group(3) or ""
    if not pre and not post:
        return None
    if id18(core.upper()) is not None:
        return None
    before = _before(text, m.start())
    if USCC_LABEL.search(before):
        return None
    if not pre and len(post) == 2 and post[0] in "1234567" and post[1] in "1234":
        note = "残疾人证号：前 18 位是持证人的身份证号码，后 2 位是残疾类别和等级"
    elif pre.upper() in ("G", "J", "L") and not post:
        note = "全国学籍号：字母后是学生的身份证号码"
    elif EMBED_LABEL.search(before):
        note = f"号码中含有效的身份证号码 {core[:6]}…（第 {len(pre) + 1}-{len(pre) + 18} 位）"
    elif pre:
        return None  # A36070219900307451X: a code with a letter in front, unless a label says so
    else:
        return Candidate("idcode", m.start(), m.end(), m.group(), severity="warning",
                         note=f"号码的第 {len(pre) + 1}-{len(pre) + 18} 位是有效的身份证号码（校验码、地址码、"
                              "出生日期都正确），可能是含身份证号码的证件号，请核实")
    return Candidate("idcode", m.start(), m.end(), m.group(), note=note)


def _windows(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """The stretches of ``text`` (see _WINDOW) worth running the number patterns in (at least
    MIN_DIGITS digits), the e-mail pattern in (an @) and the masked-value pattern in (a mask
    character; a masked match without one is skipped anyway). Stretches a few characters apart
    (table cells) are joined: what lies between cannot be part of a match either, and scanning it
    costs less than starting the patterns once more."""
    numbers: list[list[int]] = []
    emails: list[list[int]] = []
    masked: list[list[int]] = []
    for m in _WINDOW.finditer(text):
        stretch = m.group()
        start, end = m.span()
        for keep, windows in ((sum(map(str.isdigit, stretch)) >= MIN_DIGITS, numbers),  # isdigit ⊇ \d
                              ("@" in stretch, emails), (not MASK_SET.isdisjoint(stretch), masked)):
            if not keep:
                continue
            if windows and start - windows[-1][1] <= MERGE_GAP:
                windows[-1][1] = end
            else:
                windows.append([start, end])
    return ([(a, b) for a, b in numbers], [(a, b) for a, b in emails], [(a, b) for a, b in masked])


def _within(pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """pattern.finditer(text), run only inside ``windows``."""
    for start, end in windows:
        yield from pattern.finditer(text, start, end)


def _office_number(text: str, start: int, end: int) -> bool:
    """A number an office publishes: after 咨询电话/监督电话/联系人 ..., or after 联系电话 in a line
    that names an organisation, and with no personal data in the same line."""
    before = _before(text, start, 24)
    line = _line(text, start, end)
    if PERSONAL.search(line):
        return False
    return bool(ORG_PHONE.search(before) or (CONTACT.search(before) and ORG_WORDS.search(line)))


def _address(value: str, start: int) -> Candidate | None:
    house = HOUSE.search(value)
    if house is None:
        return None
    if any(c in value for c in MASK_CHARS):
        return Candidate("address", start, start + len(value), value,
                         problem="门牌号仍可见，应隐藏到街道（乡镇）以下")
    return Candidate("address", start, start + len(value), value)


_PRIORITY = {"id": 0, "idcode": 1, "id15": 2, "bank": 3, "passport": 4, "mobile": 5, "landline": 6, "email": 7,
             "address": 8}


def _drop_overlaps(found: list[Candidate]) -> list[Candidate]:
    found.sort(key=lambda c: (c.start, _PRIORITY[c.kind], -c.end))
    kept: list[Candidate] = []
    for c in found:
        if kept and c.start < kept[-1].end:
            prev = kept[-1]
            if _PRIORITY[c.kind] < _PRIORITY[prev.kind] and c.end >= prev.end:
                kept[-1] = c
            continue
        kept.append(c)
    return kept


# -- tables -------------------------------------------------------------------------------------

def column_kind(header: str) -> str | None:
    h = re.sub(r"\s", "", header)
    if not h or len(h) > 20:
        return None
    for kind, pattern in HEADER_KINDS:
        if pattern.search(h):
            return kind
    return None


def table_columns(view: TextView) -> tuple[dict[int, Column], dict[int, int]]:
    """Segment index → the column it sits in, for every data cell under a recognised header;
    and segment index → its row (0-based, in its table)."""
    out: dict[int, Column] = {}
    rows: dict[int, int] = {}
    for t, table in enumerate(view.document.tables):
        header_row, headers, kinds = _header(table, view)
        if header_row < 0:
            continue
        short = [re.sub(r"\s", "", h) for h in headers if len(h) <= 20]
        # a list of people: an ID/address column, or a name column in a table that is not a staff
        # directory (姓名 + 职务 + 联系电话 is an office's published contact list)
        personal = any(k in ("id", "address", "passport") for k in kinds) or (
            any(PERSON_HEADER.search(h) for h in short) and not any(STAFF_HEADER.search(h) for h in short))
        for c, kind in enumerate(kinds):
            if kind is None:
                continue
            column = Column(kind, headers[c].strip(), t, c, personal, header_row)
            for r, row in enumerate(table.cells[header_row + 1:], header_row + 1):
                if c < len(row) and row[c] >= 0:
                    out[row[c]] = column
                    rows[row[c]] = r
    return out, rows


HEADER_ROWS = 5  # a header is looked for in the first rows: titles and notes often come first


def _header(table: Table, view: TextView) -> tuple[int, list[str], list[str | None]]:
    """The first of the table's first rows that has a recognised column header (-1 if none)."""
    for r, row in enumerate(table.cells[:HEADER_ROWS]):
        if r + 1 >= len(table.cells):
            break
        headers = [view.segment_text(i) if i >= 0 else "" for i in row]
        kinds = [column_kind(h) for h in headers]
        if any(kinds) and sum(bool(h.strip()) for h in headers) >= 2:
            return r, headers, kinds
    return -1, [], []


def cell_candidates(view: TextView, index: int, column: Column, today: date) -> list[Candidate]:
    """What a cell under a recognised header holds that the running-text scan cannot know."""
    start, _ = view.segment_span(index)
    raw = view.segment_text(index)
    value = raw.strip()
    if not value:
        return []
    start += raw.index(value)
    end = start + len(value)
    v = _compact(value)
    masked = not MASK_SET.isdisjoint(v)
    if column.kind == "id":
        if re.fullmatch(r"\d{17}[\dXx]|\d{15}", v):
            if masked:
                return []
            problem = id18_problem(v, today) if len(v) == 18 else id15_problem(v, today)
            return [Candidate("id" if len(v) == 18 else "id15", start, end, value,
                              note=f"列标题为“{column.header}”（号码{problem}，仍按身份证号码处理）")]
    elif column.kind == "bank":
        if re.fullmatch(r"\d{10,25}", v):
            return [Candidate("bank", start, end, value, note=f"列标题为“{column.header}”")]
        if masked and re.fullmatch(r"[\d*＊×]{10,25}", v):
            problem = masked_problem("bank", v)
            if problem:
                return [Candidate("bank", start, end, value, problem=problem)]
    elif column.kind == "address":
        cand = _address(value, start)
        if cand is not None:
            return [cand]
    elif column.kind == "passport":
        if re.fullmatch(r"[A-Z][A-Z0-9]?\d{6,10}", v):
            return [Candidate("passport", start, end, value)]
    return []


# -- the detector -------------------------------------------------------------------------------

class PrivacyDetector:
    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]):
        self.rules = rules
        options = config.detector_options("privacy")
        unknown = set(options) - {"column-summary-min"}
        if unknown:
            raise GkcheckError(f"[options.privacy] 中有未知选项：{', '.join(sorted(unknown))}（可用 column-summary-min）")
        summary_min = options.get("column-summary-min", 2)
        if not isinstance(summary_min, int) or isinstance(summary_min, bool) or summary_min < 1:
            raise GkcheckError(f"[options.privacy] column-summary-min 应为正整数：{summary_min!r}")
        self.summary_min = summary_min
        self.summarise = COLUMN in enabled  # without the summary, cells keep their own severity

    def detect(self, view: TextView, ctx: Context) -> Iterator[Hit]:
        columns, rows = table_columns(view)
        segment_index = view.segment_index

        def column_at(offset: int) -> Column | None:
            return columns.get(segment_index(offset)) if columns else None

        hidden = dict(view.hidden_segments())  # once: asking the view per candidate cost ~1 s on 100k rows

        def hidden_at(offset: int) -> str | None:
            return hidden.get(segment_index(offset)) if hidden else None

        found = scan(view.text, ctx.today, column_at, hidden_at)
        if columns:
            covered = {segment_index(c.start) for c in found}
            for index, column in columns.items():
                if index not in covered:
                    found.extend(cell_candidates(view, index, column, ctx.today))
            found.sort(key=lambda c: c.start)

        placed = [(cand, segment_index(cand.start)) for cand in found]  # a list may have 300k
        by_column: dict[tuple[int, int], list[Candidate]] = {}
        if columns:
            for cand, index in placed:
                column = columns.get(index)
                if column is not None and RULES[cand.kind] in COLUMN_RULES[column.kind]:
                    by_column.setdefault((column.table, column.col), []).append(cand)
        if not self.summarise:
            by_column = {}
        summarised = {id(c) for group in by_column.values() if len(group) >= self.summary_min for c in group}

        # folding (docs/privacy.md): a summarised column's cells are listed in its P009 finding
        # instead of one finding each, unless the caller asks for every cell (mask, annotate,
        # --expand-columns); a list of 100k rows then gives 3 findings, not 300k
        fold = not ctx.expand_columns
        for cand, index in placed:
            if fold and id(cand) in summarised:
                continue
            yield self._hit(view, cand, index, columns.get(index) if columns else None, rows, hidden,
                            id(cand) in summarised)
        for (t, c), group in by_column.items():
            if len(group) >= self.summary_min:
                yield self._summary(view, view.document.tables[t], column_at(group[0].start), group, rows,
                                    hidden, fold)

    def _hit(self, view: TextView, cand: Candidate, index: int, column: Column | None,
             rows: dict[int, int], hidden: dict[int, str], summarised: bool) -> Hit:
        """The hit for one candidate in segment ``index``; one of a summarised column is at most
        a warning (the column's summary carries the error)."""
        where = _hidden_where(view, hidden, index, column, rows)
        if cand.problem:
            message = f"{KIND_NAMES[cand.kind]}脱敏不足：{cand.problem}"
            rule = UNDER_MASKED
        else:
            rule = RULES[cand.kind]
            message = self.rules[rule].message if rule in self.rules else KIND_NAMES[cand.kind]
            if cand.kind == "id15":
                message = "15 位身份证号码未脱敏"
        if where:
            message += f"（位于{where}）"
        severity = cand.severity
        if summarised and (severity or self.rules[rule].severity) == "error":
            severity = "warning"
        # No suggestion: people-facing reports already show the match masked, and the masked
        # form is what `gkcheck mask` / masking.mask_text produce.
        return Hit(rule, cand.start, cand.end, message=message, severity=severity,
                   match=cand.value, note=cand.note)

    def _summary(self, view: TextView, table: Table, column: Column, group: list[Candidate],
                 rows: dict[int, int], hidden_segments: dict[int, str], fold: bool = False) -> Hit:
        col = column.col
        first = view.locate(group[0].start)
        column_cells = [row[col] for row in table.cells[column.header_row + 1:] if col < len(row) and row[col] >= 0]
        last = view.document.segments[column_cells[-1]].base if column_cells else first
        top = view.document.segments[column_cells[0]].base if column_cells else first
        plain = [c for c in group if not c.problem]
        under = [c for c in group if c.problem]
        kind = group[0].kind
        if top.cell and last.cell:
            where = f"{top.cell}:{last.cell}"
            location = Location(sheet=top.sheet, cell=where, part=top.part, hidden=top.hidden)
        else:
            where = f"{table.ref} 第{col + 1}列"
            # the column as a person names it: the table's name in its cells' place (表格1 第2行第3列)
            table_name = top.block.rsplit(" 第", 1)[0] if top.block and top.row is not None else None
            location = Location(part=top.part, page=top.page, paragraph=top.paragraph, hidden=top.hidden,
                                block=f"{table_name} 第{col + 1}列" if table_name else None)
        parts = []
        if plain:
            parts.append(f"{len(plain)} 个未脱敏的{KIND_NAMES[kind]}")
        if under:
            parts.append(f"{len(under)} 个脱敏不足的{KIND_NAMES[kind]}")
        message = f"{where}：" + "，".join(parts)
        hidden = _hidden_where(view, hidden_segments, view.segment_index(group[0].start), None, rows) or (
            "隐藏列" if col in table.hidden_cols else None)
        if hidden:
            message += f"（位于{hidden}）"
        severity = "error" if any(self.rules[RULES[c.kind]].severity == "error" and c.severity is None
                                  for c in plain) else "warning"
        return Hit(COLUMN, -1, -1, message=message, severity=severity, match="", location=location,
                   note="整列按同一方式处理：删除该列，或按“前6后4”等规则统一脱敏后再发布",
                   cells=_cell_refs(view, group) if fold else None)


def _cell_refs(view: TextView, group: list[Candidate]) -> tuple[str, ...]:
    """Where each folded candidate is: the cell reference (``C12``) in a spreadsheet, else the
    place as people read it (``表格第3行第2列`` ...); one entry per cell, in order."""
    refs: list[str] = []
    last = -1
    for cand in group:
        index = view.segment_index(cand.start)
        if index == last:          # two values in one cell: the cell once
            continue
        last = index
        loc = view.locate(cand.start)
        refs.append(loc.cell or loc.describe())
    return tuple(refs)


# the rules a column of each kind summarises
COLUMN_RULES = {"id": {"P001", "P008", "P010"}, "phone": {"P002", "P007", "P008"}, "bank": {"P003", "P008"},
                "address": {"P006", "P008"}, "passport": {"P004"}, "email": {"P005"}}


def _hidden_where(view: TextView, hidden_segments: dict[int, str], index: int, column: Column | None,
                  rows: dict[int, int]) -> str | None:
    """Why segment ``index`` is not seen (``hidden_segments``: the view's hidden_segments), or None."""
    hidden = hidden_segments.get(index)
    if hidden:
        return hidden
    if column is not None:
        table = view.document.tables[column.table]
        if column.col in table.hidden_cols:
            return "隐藏列"
        if rows.get(index) in table.hidden_rows:
            return "隐藏行"
    return None
