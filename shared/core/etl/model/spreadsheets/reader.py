"""CSV and XLSX sheets, streamed row by row (bounded memory for any file size).

`open_sheet` takes a seekable binary file. CSV is decoded as UTF-8 (with or
without BOM), else Windows-1252, split by the delimiter its header line uses
(`,`, `;`, tab or `|`). XLSX is read part by part from the zip with a streaming
parser (xlsx_archive, xlsx_book, xlsx_rows): first worksheet, cached values of
formulas. The first non-empty row is the header; data rows are numbered as the
spreadsheet shows them (header = 1).

Every bound of `SheetLimits` is checked before what it bounds is allocated: a
CSV line is read at most `MAX_LINE_CHARS` at a time, a row's columns, a cell's
characters and the count of data rows are checked as they stream.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from shared.core.common.errors import InputError
from shared.core.etl.model.spreadsheets.limits import MAX_LINE_CHARS, SheetLimits
from shared.core.etl.model.spreadsheets.xlsx_archive import XlsxArchive
from shared.core.etl.model.spreadsheets.xlsx_book import read_book
from shared.core.etl.model.spreadsheets.xlsx_rows import sheet_rows

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
def open_sheet(
    stream: BinaryIO, filename: str, limits: SheetLimits | None = None
) -> Iterator[Sheet]:
    limits = limits or SheetLimits()
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    file_format = detect_format(head, filename)
    if file_format == "xlsx":
        with _xlsx(stream, limits) as raw:
            yield _sheet("xlsx", raw, limits)
        return
    yield _sheet("csv", _csv(stream, head, limits), limits)


def _sheet(file_format: str, raw: Iterator[tuple[int, list[Any]]], limits: SheetLimits) -> Sheet:
    for _line, values in raw:
        if any(_present(value) for value in values):
            rows = _data(raw, len(values), limits)
            return Sheet(file_format, unique_headers(values), rows)
    raise InputError("file", "has no header row")


def _data(
    raw: Iterator[tuple[int, list[Any]]], width: int, limits: SheetLimits
) -> Iterator[SheetRow]:
    count = 0
    for line, values in raw:
        if not any(_present(value) for value in values):
            continue
        count += 1
        if count > limits.max_rows:
            limits.check_rows(count)
        if len(values) < width:
            values = [*values, *([None] * (width - len(values)))]
        yield SheetRow(line, values[:width])


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def unique_headers(values: list[Any]) -> list[str]:
    """Names for the columns: a repeated name gets ` (2)`, ` (3)`…, an empty one `column_N`.

    Linear: each name remembers the next copy number to try, which only grows.
    """
    headers: list[str] = []
    taken: set[str] = set()
    next_copy: dict[str, int] = {}
    for index, value in enumerate(values):
        name = str(value).strip() if _present(value) else f"column_{index + 1}"
        candidate, copy = name, next_copy.get(name, 2)
        while candidate in taken:
            candidate, copy = f"{name} ({copy})", copy + 1
        next_copy[name] = copy
        taken.add(candidate)
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


class _Lines:
    """The text's lines for csv.reader, refusing a line or record past `MAX_LINE_CHARS`."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self.record_chars = 0
        self.line = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._text.readline(MAX_LINE_CHARS + 1)
        if not line:
            raise StopIteration
        self.line += 1
        self.record_chars += len(line)
        if self.record_chars > MAX_LINE_CHARS:
            raise InputError(
                "file", f"line {self.line:,} is longer than {MAX_LINE_CHARS:,} characters"
            )
        return line


def _csv(stream: BinaryIO, head: bytes, limits: SheetLimits) -> Iterator[tuple[int, list[Any]]]:
    encoding = _encoding(head)
    delimiter = _delimiter(head.decode(encoding, errors="ignore"))
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for values in reader:
            lines.record_chars = 0
            _check_csv_row(values, reader.line_num, limits)
            yield reader.line_num, values
    except csv.Error as exc:
        raise InputError("file", f"line {reader.line_num}: {exc}") from exc
    finally:
        if not text.closed:  # leave the caller's stream open (a closed one needs nothing)
            text.detach()


def _check_csv_row(values: list[str], line: int, limits: SheetLimits) -> None:
    if len(values) > limits.max_columns:
        limits.check_columns(len(values), f"line {line:,}")
    if values and max(map(len, values)) > limits.max_cell_chars:
        column = next(i for i, v in enumerate(values, 1) if len(v) > limits.max_cell_chars)
        limits.check_cell(limits.max_cell_chars + 1, f"line {line:,}, column {column:,},")


@contextmanager
def _xlsx(stream: BinaryIO, limits: SheetLimits) -> Iterator[Iterator[tuple[int, list[Any]]]]:
    archive = XlsxArchive(stream, limits)
    try:
        yield sheet_rows(archive, read_book(archive, limits), limits)
    finally:
        archive.close()
