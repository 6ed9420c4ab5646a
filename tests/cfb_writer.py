"""A minimal compound-file (OLE2/CFB, [MS-CFB] version 3) writer for hostile-input tests: streams
at the root, 512-byte sectors, no mini stream (streams are padded to 4096 bytes), and knobs to
forge what a hostile file forges: a cyclic sector chain, a stream size larger than the file,
a FAT that claims millions of sectors. olefile reads what it writes unforged (tested)."""

from __future__ import annotations

import struct

SECTOR = 512
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0"
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IQ", start, size))


def make_cfb(streams: dict[str, bytes], *, cyclic: str | None = None,
             sizes: dict[str, int] | None = None, fat_claims: int | None = None) -> bytes:
    sizes = sizes or {}
    sectors: list[bytes] = []
    fat: list[int] = []
    starts: dict[str, int] = {}
    padded: dict[str, int] = {}
    for name, blob in streams.items():
        blob = blob.ljust(max(4096, len(blob)), b"\0")
        blob += b"\0" * (-len(blob) % SECTOR)
        padded[name] = len(blob)
        first = len(sectors)
        starts[name] = first
        count = len(blob) // SECTOR
        for i in range(count):
            sectors.append(blob[i * SECTOR:(i + 1) * SECTOR])
            fat.append(first + i + 1 if i < count - 1 else (first if name == cyclic else END))
    names = list(streams)
    entries = [_entry("Root Entry", 5, 1 if names else NOSTREAM, NOSTREAM, END, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else NOSTREAM
        size = sizes.get(name, padded[name])  # never under the 4096-byte mini-stream cutoff
        entries.append(_entry(name, 2, NOSTREAM, right, starts[name], size))
    while len(entries) % 4:
        entries.append(b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM)
                       + b"\0" * 36 + struct.pack("<IQ", 0, 0))
    dir_start = len(sectors)
    dir_count = len(entries) // 4
    for i in range(dir_count):
        sectors.append(b"".join(entries[i * 4:(i + 1) * 4]))
        fat.append(dir_start + i + 1 if i < dir_count - 1 else END)
    fat_count = 1
    while (len(fat) + fat_count) > fat_count * 128:
        fat_count += 1
    fat_start = len(sectors)
    fat.extend([FATSECT] * fat_count)
    table = fat + [FREE] * (fat_count * 128 - len(fat))
    fat_bytes = struct.pack(f"<{len(table)}I", *table)
    for i in range(fat_count):
        sectors.append(fat_bytes[i * SECTOR:(i + 1) * SECTOR])
    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, fat_claims or fat_count, dir_start, 0, 4096, END, 0, END, 0)
              + struct.pack("<109I", *difat))
    return header + b"".join(sectors)


def word_stream(flags: int) -> bytes:
    """The start of a WordDocument stream: a FIB with ``flags`` (0x0100 = fEncrypted) and
    empty text; enough for the reader to decide."""
    fib = bytearray(1024)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", fib, 0x0A, flags | 0x0200)       # fWhichTblStm: 1Table
    struct.pack_into("<H", fib, 32, 14)
    struct.pack_into("<H", fib, 62, 22)
    struct.pack_into("<H", fib, 152, 0x5D)
    return bytes(fib)


def biff_filepass() -> bytes:
    """A Workbook stream that starts with BOF and a FILEPASS record (password to open)."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0206)
    filepass = struct.pack("<HH", 0x002F, 54) + struct.pack("<HHH", 1, 1, 1) + b"\x11" * 48
    return bof + filepass + struct.pack("<HH", 0x000A, 0)
