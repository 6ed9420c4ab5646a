"""The binary structures of a Word 97-2003 file ([MS-DOC]) that the reader needs: the FIB, the
piece table (CLX) that maps character positions (CPs) to bytes, the PLCs that split the text
into stories and notes, and the formatted-disk-pages (FKPs) of character and paragraph
properties, of which only four properties are read: hidden text (sprmCFVanish), tracked
deletion and insertion (sprmCFRMarkDel/Ins), and the table marks (sprmPFInTable, sprmPFTtp).

Every offset and count comes from the file and is checked against the stream it points into;
a bad one is a :class:`~gkcheck.readers.ReadError`, never an IndexError or a huge allocation.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from dataclasses import dataclass

from .. import ReadError

WIDENT = 0xA5EC
# FibRgFcLcb97 indices (pairs of fc/lcb)
PLCFFND_REF, PLCFFND_TXT, PLCFAND_REF, PLCFAND_TXT = 2, 3, 4, 5
PLCFHDD, PLCFBTE_CHPX, PLCFBTE_PAPX = 11, 12, 13
CLX, GRPXST_ATN_OWNERS = 33, 36
PLC_SPA_MOM = 40                 # the main document's shapes: anchor CPs and FSPA (26 bytes, lid first)
PLCFEND_REF, PLCFEND_TXT = 46, 47
PLCFTXBX_TXT = 56                # the text-box story's boxes: CPs and FTXBXS (22 bytes, lid at 14)

SPRM_VANISH, SPRM_RMARK_DEL, SPRM_RMARK_INS = 0x083C, 0x0800, 0x0801
SPRM_IN_TABLE, SPRM_TTP, SPRM_INNER_TTP = 0x2416, 0x2417, 0x244C
CHAR_SPRMS = {SPRM_VANISH: "vanish", SPRM_RMARK_DEL: "deleted", SPRM_RMARK_INS: "inserted"}
PARA_SPRMS = {SPRM_IN_TABLE: "in_table", SPRM_TTP: "ttp", SPRM_INNER_TTP: "ttp"}
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
MAX_PLC = 1_000_000   # entries in one PLC: a 20 MB file cannot have more
MAX_FKPS = 100_000


def broken(what: str) -> ReadError:
    return ReadError(f"Word 文档结构损坏（{what}），文件可能已被截断或是恶意构造的，无法检查")


@dataclass(frozen=True)
class Fib:
    flags: int
    ccp: dict[str, int]          # text, ftn, hdd, mcr, atn, edn, txbx, hdrtxbx
    fclcb: tuple[tuple[int, int], ...]

    @property
    def encrypted(self) -> bool:
        return bool(self.flags & 0x0100)

    @property
    def table_stream(self) -> str:
        return "1Table" if self.flags & 0x0200 else "0Table"

    def blob(self, table: bytes, index: int) -> bytes:
        """The bytes of the structure at FibRgFcLcb index ``index`` in the table stream (b"" if none)."""
        if index >= len(self.fclcb):
            return b""
        fc, lcb = self.fclcb[index]
        if lcb == 0:
            return b""
        if fc + lcb > len(table):
            raise broken(f"结构 {index} 超出表格流")
        return table[fc:fc + lcb]


_CCP_NAMES = ("text", "ftn", "hdd", "mcr", "atn", "edn", "txbx", "hdrtxbx")


def parse_fib(word: bytes) -> Fib:
    if len(word) < 154:
        raise broken("文件信息块 FIB 不完整")
    ident, = struct.unpack_from("<H", word, 0)
    if ident != WIDENT:
        raise ReadError("WordDocument 数据流不是 Word 97-2003 格式（可能是更早的 Word 6/95 文档），"
                        "无法检查；请另存为 .docx 后再检查")
    flags, = struct.unpack_from("<H", word, 0x0A)
    pos = 32
    csw, = struct.unpack_from("<H", word, pos)
    pos += 2 + csw * 2
    if pos + 2 > len(word):
        raise broken("FIB 不完整")
    cslw, = struct.unpack_from("<H", word, pos)
    pos += 2
    if cslw < 11 or pos + cslw * 4 + 2 > len(word):
        raise broken("FIB 不完整")
    lw = struct.unpack_from(f"<{cslw}i", word, pos)
    ccp = {name: max(0, lw[3 + i]) for i, name in enumerate(_CCP_NAMES)}
    pos += cslw * 4
    cb, = struct.unpack_from("<H", word, pos)
    pos += 2
    cb = min(cb, (len(word) - pos) // 8)
    pairs = struct.unpack_from(f"<{cb * 2}I", word, pos)
    fclcb = tuple((pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2))
    return Fib(flags, ccp, fclcb)


def plc(data: bytes, data_size: int) -> tuple[list[int], bytes]:
    """A PLC: n+1 CPs (uint32) then n structures of ``data_size`` bytes; returns (cps, data)."""
    if not data:
        return [], b""
    n = (len(data) - 4) // (4 + data_size)
    if n < 0 or n > MAX_PLC:
        raise broken("PLC 大小异常")
    cps = list(struct.unpack_from(f"<{n + 1}I", data, 0))
    return cps, data[4 * (n + 1):4 * (n + 1) + n * data_size]


# -- pieces ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Piece:
    cp: int        # first CP
    cp_end: int
    fc: int        # byte offset in the WordDocument stream
    wide: bool     # UTF-16 (True) or compressed 8-bit (False)


def pieces(clx: bytes) -> list[Piece]:
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers of pieces, skipped
        if pos + 3 > len(clx):
            raise broken("CLX 不完整")
        size, = struct.unpack_from("<h", clx, pos + 1)
        if size < 0:
            raise broken("CLX 大小为负")
        pos += 3 + size
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise broken("片段表 CLX 缺失")
    lcb, = struct.unpack_from("<I", clx, pos + 1)
    body = clx[pos + 5:pos + 5 + lcb]
    if len(body) < lcb:
        raise broken("片段表 CLX 不完整")
    cps, pcds = plc(body, 8)
    out: list[Piece] = []
    for i in range(len(cps) - 1):
        value, = struct.unpack_from("<I", pcds, i * 8 + 2)
        compressed = bool(value & 0x40000000)
        fc = value & 0x3FFFFFFF
        if cps[i + 1] < cps[i]:
            raise broken("片段表的字符位置不是递增的")
        out.append(Piece(cps[i], cps[i + 1], fc // 2 if compressed else fc, not compressed))
    return out


def text_of(word: bytes, table: list[Piece], cp_end: int) -> str:
    """The document's characters from CP 0 to ``cp_end``, one str character per CP (astral
    characters, two CPs in the file, shift the CPs after them by one in their piece)."""
    parts: list[str] = []
    for p in table:
        if p.cp >= cp_end:
            break
        n = min(p.cp_end, cp_end) - p.cp
        size = n * 2 if p.wide else n
        raw = word[p.fc:p.fc + size]
        if len(raw) < size:
            raise broken("文字超出 WordDocument 数据流")
        parts.append(raw.decode("utf-16-le", "replace") if p.wide else raw.decode("cp1252", "replace"))
    text = "".join(parts)
    if len(text) < cp_end:
        text += "\r" * (cp_end - len(text))
    return text


def fc_to_cp(table: list[Piece], fc0: int, fc1: int) -> list[tuple[int, int]]:
    """The CP ranges whose bytes lie in [fc0, fc1)."""
    out = []
    for p in table:
        width = 2 if p.wide else 1
        start, end = p.fc, p.fc + (p.cp_end - p.cp) * width
        lo, hi = max(start, fc0), min(end, fc1)
        if lo < hi:
            out.append((p.cp + (lo - start) // width, p.cp + (hi - start + width - 1) // width))
    return out


# -- properties in FKPs ----------------------------------------------------------------------

def sprms(grpprl: bytes, wanted: dict[int, str]) -> dict[str, int]:
    """The operands (first byte) of the wanted single-byte sprms in a grpprl."""
    found: dict[str, int] = {}
    pos, end = 0, len(grpprl)
    while pos + 2 <= end:
        sprm, = struct.unpack_from("<H", grpprl, pos)
        pos += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm == 0xD608:  # sprmTDefTable: a 2-byte cb, then cb - 1 bytes
                if pos + 2 > end:
                    break
                pos += 2 + max(struct.unpack_from("<H", grpprl, pos)[0] - 1, 0)
                continue
            if pos >= end:
                break
            size = grpprl[pos]
            if sprm == 0xC615 and size == 255:  # sprmPChgTabs with a long form: give up on the rest
                break
            pos += 1 + size
            continue
        size = _OPERAND.get(spra, 1)
        if sprm in wanted and pos < end:
            found[wanted[sprm]] = grpprl[pos]
        pos += size
    return found


def _on(value: int | None) -> bool:
    return value in (1, 0x81)  # on, or the opposite of a style that is off


def char_runs(word: bytes, table_stream: bytes, fib: Fib, cp_table: list[Piece]) -> dict[str, list[tuple[int, int]]]:
    """CP ranges with hidden text, tracked deletions and tracked insertions."""
    out: dict[str, list[tuple[int, int]]] = {"vanish": [], "deleted": [], "inserted": []}
    fcs, pns = plc(fib.blob(table_stream, PLCFBTE_CHPX), 4)
    if len(fcs) - 1 > MAX_FKPS:
        raise broken("字符属性页过多")
    for i in range(len(fcs) - 1):
        pn = struct.unpack_from("<I", pns, i * 4)[0] & 0x3FFFFF
        page = word[pn * 512:pn * 512 + 512]
        if len(page) < 512:
            raise broken("字符属性页超出数据流")
        crun = page[511]
        if crun == 0 or 4 * (crun + 1) + crun > 511:
            continue
        rgfc = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for j in range(crun):
            b = page[4 * (crun + 1) + j] * 2
            if not b or b >= 511:
                continue
            cb = page[b]
            found = sprms(page[b + 1:b + 1 + cb], CHAR_SPRMS)
            for key, value in found.items():
                if _on(value):
                    out[key].extend(fc_to_cp(cp_table, rgfc[j], rgfc[j + 1]))
    return {k: merge(v) for k, v in out.items()}


def para_runs(word: bytes, table_stream: bytes, fib: Fib, cp_table: list[Piece]) -> dict[str, list[tuple[int, int]]]:
    """CP ranges of paragraphs inside a table, and of table row ends (TTP)."""
    out: dict[str, list[tuple[int, int]]] = {"in_table": [], "ttp": []}
    fcs, pns = plc(fib.blob(table_stream, PLCFBTE_PAPX), 4)
    if len(fcs) - 1 > MAX_FKPS:
        raise broken("段落属性页过多")
    for i in range(len(fcs) - 1):
        pn = struct.unpack_from("<I", pns, i * 4)[0] & 0x3FFFFF
        page = word[pn * 512:pn * 512 + 512]
        if len(page) < 512:
            raise broken("段落属性页超出数据流")
        crun = page[511]
        if crun == 0 or 4 * (crun + 1) + 13 * crun > 511:
            continue
        rgfc = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for j in range(crun):
            b = page[4 * (crun + 1) + 13 * j] * 2
            if not b or b >= 510:
                continue
            cb = page[b]
            if cb == 0:
                size, start = page[b + 1] * 2, b + 2
            else:
                size, start = cb * 2 - 1, b + 1
            grpprl = page[start + 2:start + size]  # after the istd
            found = sprms(grpprl, PARA_SPRMS)
            for key, value in found.items():
                if value:
                    out[key].extend(fc_to_cp(cp_table, rgfc[j], rgfc[j + 1]))
    return {k: merge(v) for k, v in out.items()}


def merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    ranges.sort()
    out: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def covers(ranges: list[tuple[int, int]], cp: int) -> bool:
    i = bisect_right(ranges, (cp, 1 << 62)) - 1
    return i >= 0 and ranges[i][0] <= cp < ranges[i][1]


def xsts(data: bytes) -> list[str]:
    """A sequence of Xst (uint16 count + UTF-16 characters): the comment authors."""
    out, pos = [], 0
    while pos + 2 <= len(data) and len(out) < MAX_PLC:
        n, = struct.unpack_from("<H", data, pos)
        pos += 2
        out.append(data[pos:pos + 2 * n].decode("utf-16-le", "replace"))
        pos += 2 * n
    return out
