"""How big an uploaded spreadsheet may be once unpacked: every bound is checked before
the thing it bounds is allocated, so no file can take the server's memory.

The operator-facing limits are settings (`WELLOS_IMPORT_MAX_*`, wired in
bootstrap.py); the rest are constants that no honest file comes near.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.core.common.errors import InputError

MIB = 1024 * 1024
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_LINE_CHARS = MIB  # one CSV line, and one CSV record over several lines
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# XLSX (zip) structure
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_DIRECTORY_BYTES = 8 * MIB
MAX_COMPRESSION_RATIO = 250  # for members that inflate past RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = MIB
MAX_XML_RUN_BYTES = MIB  # bytes between two '<': bounds any one tag, attribute or text
MAX_XML_DEPTH = 64
MAX_STYLES = 65_536  # Excel allows 64,000 cell formats
MAX_SHARED_TEXT_CHARS = 32 * MIB  # all shared strings together (held in memory)


@dataclass(frozen=True)
class SheetLimits:
    """The bounds of one spreadsheet import (defaults: settings' defaults)."""

    max_uncompressed_bytes: int = 1024 * MIB
    max_shared_strings: int = 1_000_000
    max_columns: int = 1_000
    max_rows: int = 1_000_000
    max_cell_chars: int = MAX_CELL_CHARS

    def check_columns(self, count: int, where: str) -> None:
        if count > self.max_columns:
            raise InputError(
                "file",
                f"{where} has {count:,} columns; at most {self.max_columns:,} are read "
                "(WELLOS_IMPORT_MAX_COLUMNS)",
            )

    def check_cell(self, length: int, where: str) -> None:
        if length > self.max_cell_chars:
            raise InputError(
                "file", f"{where} holds more than {self.max_cell_chars:,} characters in one cell"
            )

    def check_rows(self, count: int) -> None:
        if count > self.max_rows:
            raise InputError(
                "file",
                f"has more than {self.max_rows:,} data rows (WELLOS_IMPORT_MAX_ROWS); "
                "split it into several files",
            )
