"""The first worksheet's rows, streamed: `(row number, values)` a chunk of XML at a time.

Values are the cells' cached values as openpyxl reads them (`data_only`):
numbers as int or float, date-styled numbers as datetime/time/timedelta,
shared and inline strings, booleans, `d` cells as datetimes, errors as their
text. A cell past `max_columns`, a row number past Excel's 1,048,576 and a cell
text past `max_cell_chars` are refused as the parser meets them, before the
row is built. Rows are padded to the sheet's declared width (its `dimension`)
when that is within `max_columns`, as openpyxl pads them.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from shared.core.common.errors import InputError
from shared.core.etl.model.spreadsheets.limits import (
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    SheetLimits,
)
from shared.core.etl.model.spreadsheets.xlsx_archive import XlsxArchive
from shared.core.etl.model.spreadsheets.xlsx_book import Book
from shared.core.etl.model.spreadsheets.xlsx_xml import XmlHandler, parse_part

_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d*)")


def sheet_rows(
    archive: XlsxArchive, book: Book, limits: SheetLimits
) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl.utils.datetime import (  # type: ignore[import-untyped]  # only for XLSX
        from_excel,
        from_ISO8601,
    )

    handler = _Sheet(_Cells(book, from_excel, from_ISO8601), limits)
    for _ in parse_part(archive.chunks(book.sheet_part), handler, book.sheet_part):
        while handler.rows:
            yield handler.rows.popleft()


def column_number(reference: str) -> int:
    """`B7` → 2; refuses what is not a cell reference within Excel's columns."""
    match = _REFERENCE.fullmatch(reference)
    number = 0
    for letter in match.group(1).upper() if match else "":
        number = number * 26 + ord(letter) - 64
    if not 1 <= number <= EXCEL_MAX_COLUMNS:
        raise InputError("file", f"{reference[:20]!r} is not a cell reference")
    return number


class _Sheet(XmlHandler):
    def __init__(self, cells: _Cells, limits: SheetLimits) -> None:
        self.rows: deque[tuple[int, list[Any]]] = deque()
        self._typed, self._limits = cells.typed, limits
        self._width = 0
        self._row, self._cells = 0, dict[int, Any]()
        self._column, self._kind, self._style = 0, "n", 0
        self._text: list[str] | None = None
        self._length, self._in_inline, self._phonetic = 0, False, 0
        self._value: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "c":
            self._open_cell(attrs)
        elif name == "v" or (name == "t" and self._in_inline and not self._phonetic):
            self._text = []
        elif name == "is":
            self._in_inline, self._value = True, ""
        elif name == "rPh":
            self._phonetic += 1
        elif name == "row":
            self._open_row(attrs)
        elif name == "dimension":
            width = column_number(attrs.get("ref", "A1").rpartition(":")[2] or "A1")
            self._width = width if width <= self._limits.max_columns else 0

    def text(self, data: str) -> None:
        if self._text is not None:
            self._length += len(data)
            if self._length > self._limits.max_cell_chars:
                self._limits.check_cell(self._length, f"cell {self._where()}")
            self._text.append(data)

    def end(self, name: str) -> None:
        if name in ("v", "t") and self._text is not None:
            self._value = (self._value or "") + "".join(self._text)
            self._text = None
        elif name == "rPh":
            self._phonetic -= 1
        elif name == "c":
            self._close_cell()
        elif name == "row":
            width = max(self._width, max(self._cells, default=0))
            values = [None] * width
            for column, value in self._cells.items():
                values[column - 1] = value
            self.rows.append((self._row, values))
            self._cells = {}

    def _open_row(self, attrs: dict[str, str]) -> None:
        number = attrs.get("r")
        self._row = int(number) if number and number.isdigit() else self._row + 1
        if not 1 <= self._row <= EXCEL_MAX_ROWS:
            raise InputError("file", f"row number {self._row:,} is beyond Excel's last row")
        self._column = 0

    def _open_cell(self, attrs: dict[str, str]) -> None:
        reference = attrs.get("r")
        self._column = column_number(reference) if reference else self._column + 1
        if self._column > self._limits.max_columns:
            self._limits.check_columns(self._column, f"row {self._row:,}")
        self._kind = attrs.get("t", "n")
        style = attrs.get("s", "0")
        self._style = int(style) if style.isdigit() else 0
        self._value, self._text, self._length, self._in_inline = None, None, 0, False

    def _close_cell(self) -> None:
        value = self._typed(self._kind, self._value, self._style, self._where)
        if value is not None:
            self._cells[self._column] = value

    def _where(self) -> str:
        letters, number = "", self._column
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(65 + rest) + letters
        return f"{letters}{self._row}"


class _Cells:
    """Cell values as openpyxl makes them, with its date conversions (passed in: openpyxl is
    imported only when an XLSX is read)."""

    def __init__(
        self, book: Book, from_excel: Callable[..., Any], from_iso: Callable[[str], Any]
    ) -> None:
        self._book, self._from_excel, self._from_iso = book, from_excel, from_iso

    def typed(self, kind: str, text: str | None, style: int, where: Callable[[], str]) -> Any:
        if kind == "inlineStr":
            return text
        if not text:
            return None
        try:
            return self._convert(kind, text, style)
        except (ValueError, IndexError):
            raise InputError(
                "file", f"cell {where()} holds {text[:40]!r}, not a {kind!r} value"
            ) from None

    def _convert(self, kind: str, text: str, style: int) -> Any:
        if kind == "n":
            number = float(text) if any(c in text for c in ".eE") else int(text)
            if style not in self._book.date_styles:
                return number
            durations = self._book.timedelta_styles
            try:
                return self._from_excel(number, self._book.epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl marks a date serial out of range
        if kind == "s":
            return self._book.shared_strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return self._from_iso(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A)
