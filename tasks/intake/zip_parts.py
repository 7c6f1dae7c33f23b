"""The zip container of a receipt, written directly: a receipt is a dozen small parts, half of them the
same in every receipt, and `zipfile` spent more on its per-entry bookkeeping (a ZipInfo, a local time,
a writer object, a compressor flushed per part) than on the bytes. A part that is the same object every
time (the styles, the relationships) has its header, checksum and bytes made once (`_entry`).

Plain ZIP as Excel writes it: no data descriptors, no extra fields, UTF-8 names, a fixed 1980 time
(the receipt's own time is in its cells and its file name).
"""
from __future__ import annotations

import struct
import zlib
from functools import lru_cache

DOS_TIME, DOS_DATE = 0, (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01 00:00, zip's epoch
DEFLATE_FROM = 32768  # bytes: smaller parts are stored (a typical receipt's ~15 KB: deflating cost more than the bytes saved)
LOCAL = struct.Struct("<4s5H3L2H")
CENTRAL = struct.Struct("<4s6H3L5HL")  # without the offset, packed per receipt
END = struct.Struct("<4s4H2LH")


def zip_bytes(parts: list[tuple[str, str, bool]]) -> bytes:
    """(name, text, fixed) parts, in order, as one zip archive; fixed: a text that recurs (a constant, or
    one of a few variants), whose encoding is kept."""
    chunks: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name, text, fixed in parts:
        local, central = _fixed(name, text) if fixed else _encode(name, text)
        chunks.append(local)
        directory.append(central + struct.pack("<L", offset) + name.encode())
        offset += len(local)
    listing = b"".join(directory)
    chunks.append(listing)
    chunks.append(END.pack(b"PK\x05\x06", 0, 0, len(parts), len(parts), len(listing), offset, 0))
    return b"".join(chunks)


@lru_cache(maxsize=64)
def _fixed(name: str, text: str) -> tuple[bytes, bytes]:
    return _encode(name, text)


def _encode(name: str, text: str) -> tuple[bytes, bytes]:
    """The local header with the part's bytes, and its central record up to its offset."""
    data = text.encode()
    crc = zlib.crc32(data)
    if len(data) >= DEFLATE_FROM:
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)  # raw deflate, as zipfile's compresslevel=1
        body, method = packer.compress(data) + packer.flush(), 8
    else:
        body, method = data, 0
    encoded = name.encode()
    flags = 0x800 if not name.isascii() else 0
    local = LOCAL.pack(b"PK\x03\x04", 20, flags, method, DOS_TIME, DOS_DATE, crc, len(body), len(data),
                       len(encoded), 0) + encoded + body
    central = CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, method, DOS_TIME, DOS_DATE, crc, len(body), len(data),
                           len(encoded), 0, 0, 0, 0, 0o100644 << 16)
    return local, central
