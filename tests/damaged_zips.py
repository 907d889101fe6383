"""ZIP archives damaged by byte edits, as a disk, a network or an attacker
leaves them: a wrong checksum, entries that overlap, an encrypted-entry flag."""

import io
import struct
import zipfile

CENTRAL = b"PK\x01\x02"


def stored(data):
    """The same members, uncompressed: their bytes can be edited in place."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
    return buffer.getvalue()


def _central_entries(data):
    """(offset of each central directory header, its name), in order."""
    start = zipfile.ZipFile(io.BytesIO(data)).start_dir
    entries, at = [], start
    while data[at : at + 4] == CENTRAL:
        name_len, extra_len, comment_len = struct.unpack(
            "<HHH", data[at + 28 : at + 34]
        )
        entries.append((at, data[at + 46 : at + 46 + name_len].decode()))
        at += 46 + name_len + extra_len + comment_len
    return entries


def bad_crc(data, member):
    """``member``'s data changed after its checksum was written."""
    data = bytearray(stored(data))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    first_byte = info.header_offset + 30 + name_len + extra_len
    data[first_byte] ^= 0x20
    return bytes(data)


def overlapping(data):
    """The last entry's directory record points at the first entry's data: one
    stream read as two files (how overlapping ZIP bombs multiply their size)."""
    data = bytearray(data)
    entries = _central_entries(bytes(data))
    first_offset = struct.unpack("<I", data[entries[0][0] + 42 : entries[0][0] + 46])
    last = entries[-1][0]
    data[last + 42 : last + 46] = struct.pack("<I", *first_offset)
    return bytes(data)


def encrypted(data, member):
    """``member`` flagged as encrypted (general purpose bit 0) in the directory."""
    data = bytearray(data)
    for at, name in _central_entries(bytes(data)):
        if name == member:
            (flags,) = struct.unpack("<H", data[at + 8 : at + 10])
            data[at + 8 : at + 10] = struct.pack("<H", flags | 0x1)
    return bytes(data)
