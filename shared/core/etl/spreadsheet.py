"""CSV and XLSX sheets, streamed row by row (bounded memory for any file size).

`open_sheet` takes a seekable binary file. CSV is decoded as UTF-8 (with or
without BOM), else Windows-1252, split by the delimiter its header line uses
(`,`, `;`, tab or `|`). XLSX is read with openpyxl in read-only mode (rows
stream from the zip), first worksheet, cached values of formulas. The first
non-empty row is the header; data rows are numbered as the spreadsheet shows
them (header = 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from shared.core.errors import InputError

SNIFF_BYTES = 65_536
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class SheetRow:
    line: int
    values: list[Any]


@dataclass
class Sheet:
    file_format: str
    headers: list[str]
    rows: Iterator[SheetRow]


def detect_format(head: bytes, filename: str) -> str:
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise InputError("file", "is named .xlsx but is not an XLSX workbook")
    if b"\x00" in head[:4096]:
        raise InputError("file", "is neither CSV text nor an XLSX workbook")
    return "csv"


@contextmanager
def open_sheet(stream: BinaryIO, filename: str) -> Iterator[Sheet]:
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    file_format = detect_format(head, filename)
    if file_format == "xlsx":
        with _xlsx(stream) as raw:
            yield _sheet("xlsx", raw)
        return
    yield _sheet("csv", _csv(stream, head))


def _sheet(file_format: str, raw: Iterator[tuple[int, list[Any]]]) -> Sheet:
    for _line, values in raw:
        if any(_present(value) for value in values):
            return Sheet(file_format, unique_headers(values), _data(raw, len(values)))
    raise InputError("file", "has no header row")


def _data(raw: Iterator[tuple[int, list[Any]]], width: int) -> Iterator[SheetRow]:
    for line, values in raw:
        if not any(_present(value) for value in values):
            continue
        if len(values) < width:
            values = [*values, *([None] * (width - len(values)))]
        yield SheetRow(line, values[:width])


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def unique_headers(values: list[Any]) -> list[str]:
    headers: list[str] = []
    for index, value in enumerate(values):
        name = str(value).strip() if _present(value) else f"column_{index + 1}"
        candidate, copy = name, 2
        while candidate in headers:
            candidate, copy = f"{name} ({copy})", copy + 1
        headers.append(candidate)
    return headers


def _encoding(head: bytes) -> str:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut = len(head) == SNIFF_BYTES and exc.start >= len(head) - 4  # a character split
        if not cut:
            return "cp1252"
    return "utf-8-sig"


def _delimiter(sample: str) -> str:
    """The candidate the header line uses most (a comma when it uses none)."""
    header = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {candidate: header.count(candidate) for candidate in DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _csv(stream: BinaryIO, head: bytes) -> Iterator[tuple[int, list[Any]]]:
    encoding = _encoding(head)
    delimiter = _delimiter(head.decode(encoding, errors="ignore"))
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for values in reader:
            yield reader.line_num, list(values)
    except csv.Error as exc:
        raise InputError("file", f"line {reader.line_num}: {exc}") from exc
    finally:
        text.detach()


@contextmanager
def _xlsx(stream: BinaryIO) -> Iterator[Iterator[tuple[int, list[Any]]]]:
    import zipfile

    from openpyxl import load_workbook  # type: ignore[import-untyped]  # only for XLSX

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError("file", "is not a readable XLSX workbook") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = (
            (line, list(values))
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        yield rows
    finally:
        workbook.close()
