"""The XLSX zip, opened only after its directory passed the size checks.

Before `zipfile` reads the central directory, its end record must announce at
most `MAX_ZIP_MEMBERS` parts in at most `MAX_ZIP_DIRECTORY_BYTES` (no ZIP64).
Then every part's declared size counts against the import's uncompressed cap,
and a part that would inflate more than `MAX_COMPRESSION_RATIO` times is
refused as a bomb. Parts are read in chunks whose inflated bytes are counted
again (declared sizes can lie), and no run of bytes between two `<` may exceed
`MAX_XML_RUN_BYTES`, which bounds any one tag, attribute or text the XML
parser must hold.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from shared.core.common.errors import InputError
from shared.core.etl.model.spreadsheets.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_XML_RUN_BYTES,
    MAX_ZIP_DIRECTORY_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_FLOOR_BYTES,
    SheetLimits,
)

CHUNK_BYTES = 64 * 1024
_END_RECORD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_END_SEARCH = 22 + 65_535  # the end record and the longest comment
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError)  # fmt: skip


def unreadable() -> InputError:
    return InputError("file", "is not a readable XLSX workbook")


class XlsxArchive:
    """The workbook's parts, each read through the bounds of `limits`."""

    def __init__(self, stream: BinaryIO, limits: SheetLimits) -> None:
        _check_end_record(stream)
        try:
            self._zip = zipfile.ZipFile(stream)
        except _READ_ERRORS as exc:
            raise unreadable() from exc
        self._limits = limits
        self._parts = {info.filename: info for info in self._zip.infolist()}
        self._inflated = 0
        _check_parts(list(self._parts.values()), limits)

    def has(self, name: str) -> bool:
        return name in self._parts

    def chunks(self, name: str) -> Iterator[bytes]:
        """The part's inflated bytes, `CHUNK_BYTES` at a time, every bound checked."""
        info = self._parts.get(name)
        if info is None:
            raise InputError("file", f"is missing the workbook part {name}")
        run = read = 0
        try:
            with self._zip.open(info) as part:
                while chunk := part.read(CHUNK_BYTES):
                    read += len(chunk)
                    self._inflated += len(chunk)
                    self._check_inflated(name, read, info.file_size)
                    run = _xml_run(chunk, run, name)
                    yield chunk
        except _READ_ERRORS as exc:
            raise InputError("file", f"part {name} cannot be read ({type(exc).__name__})") from exc

    def _check_inflated(self, name: str, read: int, declared: int) -> None:
        if read > declared:
            raise InputError("file", f"part {name} inflates past its declared {declared:,} bytes")
        if self._inflated > self._limits.max_uncompressed_bytes:
            raise _too_big(self._limits)

    def close(self) -> None:
        self._zip.close()


def _check_end_record(stream: BinaryIO) -> None:
    size = stream.seek(0, 2)
    stream.seek(max(0, size - _END_SEARCH))
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < 22:
        raise unreadable()
    if at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR:
        raise InputError("file", "is a ZIP64 archive; XLSX workbooks that large are refused")
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries > MAX_ZIP_MEMBERS or directory_bytes > MAX_ZIP_DIRECTORY_BYTES:
        raise InputError(
            "file",
            f"has {entries:,} parts in a {directory_bytes:,}-byte directory; an XLSX workbook "
            f"may have at most {MAX_ZIP_MEMBERS:,} parts in {MAX_ZIP_DIRECTORY_BYTES:,} bytes",
        )


def _check_parts(parts: list[zipfile.ZipInfo], limits: SheetLimits) -> None:
    if len(parts) > MAX_ZIP_MEMBERS:
        raise InputError("file", f"has more than {MAX_ZIP_MEMBERS:,} parts")
    for info in parts:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise InputError(
                "file",
                f"part {info.filename} would inflate {ratio:,.0f} times "
                f"({info.compress_size:,} to {info.file_size:,} bytes); parts that inflate more "
                f"than {MAX_COMPRESSION_RATIO} times are refused as decompression bombs",
            )
    if sum(info.file_size for info in parts) > limits.max_uncompressed_bytes:
        raise _too_big(limits)


def _too_big(limits: SheetLimits) -> InputError:
    return InputError(
        "file",
        f"unpacks to more than {limits.max_uncompressed_bytes:,} bytes "
        "(WELLOS_IMPORT_MAX_UNCOMPRESSED_BYTES)",
    )


def _xml_run(chunk: bytes, run: int, name: str) -> int:
    """The bytes since the last `<` after `chunk` (chunks are shorter than the bound)."""
    first = chunk.find(b"<")
    if first < 0:
        run += len(chunk)
    else:
        if run + first > MAX_XML_RUN_BYTES:
            run += first
        else:
            run = len(chunk) - chunk.rfind(b"<") - 1
    if run > MAX_XML_RUN_BYTES:
        raise InputError(
            "file",
            f"part {name} holds a tag or text longer than {MAX_XML_RUN_BYTES:,} bytes",
        )
    return run
