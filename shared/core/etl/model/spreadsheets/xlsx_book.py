"""What a worksheet needs from its workbook: where the first sheet is, the date
epoch, which cell styles are dates, and the shared strings (each one counted and
measured while it is read, so a table past `max_shared_strings` or a string past
`max_cell_chars` is refused before it is held).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import datetime

from shared.core.common.errors import InputError
from shared.core.etl.model.spreadsheets.limits import (
    MAX_SHARED_TEXT_CHARS,
    MAX_STYLES,
    MAX_ZIP_MEMBERS,
    SheetLimits,
)
from shared.core.etl.model.spreadsheets.xlsx_archive import XlsxArchive
from shared.core.etl.model.spreadsheets.xlsx_xml import XmlHandler, read_part


@dataclass(frozen=True)
class Book:
    sheet_part: str
    epoch: datetime
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    shared_strings: list[str]


def read_book(archive: XlsxArchive, limits: SheetLimits) -> Book:
    from openpyxl.utils.datetime import (  # type: ignore[import-untyped]  # only for XLSX
        CALENDAR_MAC_1904,
        WINDOWS_EPOCH,
    )

    office = _relationships(archive, "").get("officeDocument", {})
    book_part = next(iter(office.values()), "xl/workbook.xml")
    workbook = _Workbook()
    read_part(archive.chunks(book_part), workbook, book_part)
    related = _relationships(archive, book_part)
    sheets = related.get("worksheet", {})
    sheet = next((sheets[rid] for rid in workbook.sheet_ids if rid in sheets), None)
    if sheet is None:
        raise InputError("file", "has no worksheet")
    dates, durations = _styles(archive, next(iter(related.get("styles", {}).values()), None))
    strings = next(iter(related.get("sharedStrings", {}).values()), None)
    return Book(
        sheet_part=sheet,
        epoch=CALENDAR_MAC_1904 if workbook.date1904 else WINDOWS_EPOCH,
        date_styles=dates,
        timedelta_styles=durations,
        shared_strings=_shared_strings(archive, strings, limits) if strings else [],
    )


class _Relationships(XmlHandler):
    def __init__(self, source: str) -> None:
        self.by_type: dict[str, dict[str, str]] = {}
        self._base = posixpath.dirname(source)
        self._count = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name != "Relationship" or attrs.get("TargetMode") == "External":
            return
        self._count += 1
        if self._count > MAX_ZIP_MEMBERS:
            raise InputError("file", f"has more than {MAX_ZIP_MEMBERS:,} relationships")
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(self._base, target)
        kind = attrs.get("Type", "").rpartition("/")[2]
        self.by_type.setdefault(kind, {})[attrs.get("Id", "")] = posixpath.normpath(path)


def _relationships(archive: XlsxArchive, source: str) -> dict[str, dict[str, str]]:
    """Targets by relationship type and id, of the package (`source` "") or a part."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    handler = _Relationships(source)
    if archive.has(rels):
        read_part(archive.chunks(rels), handler, rels)
    return handler.by_type


class _Workbook(XmlHandler):
    def __init__(self) -> None:
        self.sheet_ids: list[str] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")
        elif name == "sheet" and len(self.sheet_ids) < MAX_ZIP_MEMBERS:
            self.sheet_ids.append(attrs.get("id", ""))


class _Styles(XmlHandler):
    def __init__(self) -> None:
        self.custom: dict[int, str] = {}
        self.cell_formats: list[int] = []
        self._in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "numFmt" and len(self.custom) < MAX_STYLES:
            self.custom[_int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            self._in_cell_xfs = True
        elif name == "xf" and self._in_cell_xfs:
            if len(self.cell_formats) >= MAX_STYLES:
                raise InputError("file", f"has more than {MAX_STYLES:,} cell formats")
            self.cell_formats.append(_int(attrs.get("numFmtId", "0")))

    def end(self, name: str) -> None:
        if name == "cellXfs":
            self._in_cell_xfs = False


def _styles(archive: XlsxArchive, part: str | None) -> tuple[frozenset[int], frozenset[int]]:
    """The cell style indexes whose number format shows a date, and a duration."""
    from openpyxl.styles.numbers import (  # type: ignore[import-untyped]
        BUILTIN_FORMATS,
        is_date_format,
        is_timedelta_format,
    )

    if part is None:
        return frozenset(), frozenset()
    styles = _Styles()
    read_part(archive.chunks(part), styles, part)
    dates, durations = set(), set()
    for index, format_id in enumerate(styles.cell_formats):
        code = styles.custom.get(format_id) or BUILTIN_FORMATS.get(format_id)
        if code and is_date_format(code):
            dates.add(index)
        if code and is_timedelta_format(code):
            durations.add(index)
    return frozenset(dates), frozenset(durations)


class _SharedStrings(XmlHandler):
    """`si` items: their `t` texts, plain or in runs, without phonetic (`rPh`) runs."""

    def __init__(self, limits: SheetLimits) -> None:
        self.strings: list[str] = []
        self._limits = limits
        self._parts: list[str] = []
        self._length = self._total = 0
        self._in_text = False
        self._phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si":
            if len(self.strings) >= self._limits.max_shared_strings:
                raise InputError(
                    "file",
                    f"has more than {self._limits.max_shared_strings:,} shared strings "
                    "(WELLOS_IMPORT_MAX_SHARED_STRINGS)",
                )
            self._parts, self._length = [], 0
        elif name == "rPh":
            self._phonetic += 1
        elif name == "t":
            self._in_text = not self._phonetic

    def text(self, data: str) -> None:
        if self._in_text:
            self._length += len(data)
            self._total += len(data)
            self._limits.check_cell(self._length, f"shared string {len(self.strings) + 1:,}")
            if self._total > MAX_SHARED_TEXT_CHARS:
                raise InputError(
                    "file", f"has more than {MAX_SHARED_TEXT_CHARS:,} characters of shared strings"
                )
            self._parts.append(data)

    def end(self, name: str) -> None:
        if name == "si":
            self.strings.append("".join(self._parts).replace("x005F_", ""))  # as openpyxl reads
        elif name == "rPh":
            self._phonetic -= 1
        elif name == "t":
            self._in_text = False


def _shared_strings(archive: XlsxArchive, part: str, limits: SheetLimits) -> list[str]:
    strings = _SharedStrings(limits)
    read_part(archive.chunks(part), strings, part)
    return strings.strings


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError("file", f"holds {text[:20]!r} where a number format id belongs") from None
