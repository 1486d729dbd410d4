"""Sheets streamed from CSV and XLSX, and mappings suggested from their headers."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from shared.core.common.errors import InputError
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.spreadsheets.reader import open_sheet
from shared.core.etl.model.suggest import split_header, suggest
from tests.bombs import replace_parts, sheet, with_shared_strings, workbook


def read(data: bytes, name: str = "sheet.csv") -> tuple[str, list[str], list[tuple[int, list]]]:
    with open_sheet(io.BytesIO(data), name) as sheet:
        return sheet.file_format, sheet.headers, [(r.line, r.values) for r in sheet.rows]


def test_csv_with_bom_semicolons_blank_lines_and_short_rows():
    data = "\ufeffAPI;Datum;Öl (m3)\n42-501-20130;2024-03-01;1,5\n\n42-501-20131;2024-03-02\n"
    file_format, headers, rows = read(data.encode())
    assert (file_format, headers) == ("csv", ["API", "Datum", "Öl (m3)"])
    assert rows == [
        (2, ["42-501-20130", "2024-03-01", "1,5"]),
        (4, ["42-501-20131", "2024-03-02", None]),
    ]


def test_windows_1252_text_and_duplicate_or_empty_headers():
    _, headers, rows = read("Name,Name,,Notes\nA,B,C,caf\xe9\n".encode("cp1252"))
    assert headers == ["Name", "Name (2)", "column_3", "Notes"]
    assert rows[0][1][3] == "café"


def test_xlsx_streams_typed_cells_from_the_first_sheet():
    book = Workbook()
    sheet = book.active
    sheet.append([None])
    sheet.append(["API", "Date", "Oil"])
    sheet.append(["42-501-20130", datetime(2024, 3, 1), 12.5])
    buffer = io.BytesIO()
    book.save(buffer)
    file_format, headers, rows = read(buffer.getvalue(), "x.xlsx")
    assert (file_format, headers) == ("xlsx", ["API", "Date", "Oil"])
    assert rows == [(3, ["42-501-20130", datetime(2024, 3, 1), 12.5])]


def test_files_that_are_not_sheets_are_refused():
    with pytest.raises(InputError, match="not an XLSX workbook"):
        read(b"plain text", "x.xlsx")
    with pytest.raises(InputError, match="neither CSV text nor an XLSX"):
        read(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match="no header row"):
        read(b"\n\n")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Oil (bbl)", ("oil", "bbl")),
        ("Gas Mcf", ("gas", "mcf")),
        ("Water m3", ("water", "m3")),
        ("Öl Volume [m³]", ("öl volume", "m3")),
        ("gas_mcf", ("gas", "mcf")),
        ("API #", ("api #", None)),
        ("Tubing Pressure (kPa)", ("tubing pressure", "kpa")),
    ],
)
def test_headers_split_into_a_name_and_a_unit(header, expected):
    assert split_header(header) == expected


def test_a_suggestion_maps_names_converts_units_and_detects_the_date_format():
    headers = ["API #", "Prod Date", "Oil (bbl)", "Gas (e3m3)", "Water m3", "Ticket"]
    sample = [["42-501-20130", "13/03/2024", "1", "2", "3", "T-1"]]
    result = suggest(Entity.PRODUCTION, headers, sample)
    assert result.column_mapping == {
        "well_api_number": "API #", "production_date": "Prod Date", "oil_bbl": "Oil (bbl)",
        "gas_mcf": "Gas (e3m3)", "water_bbl": "Water m3",
    }  # fmt: skip
    assert result.transforms == {
        "production_date": [{"type": "DATE", "formats": ["%d/%m/%Y"]}],
        "gas_mcf": [{"type": "UNIT", "from_unit": "e3m3", "to_unit": "mcf"}],
        "water_bbl": [{"type": "UNIT", "from_unit": "m3", "to_unit": "bbl"}],
    }
    assert result.unmapped == ["Ticket"] and result.warnings == []


def test_a_wrong_or_unknown_unit_is_flagged_and_not_mapped():
    result = suggest(Entity.PRODUCTION, ["API", "Date", "Oil (Mcf)", "Water (gal)"], [])
    messages = {w.column: w.message for w in result.warnings}
    assert "unit 'mcf' in the header does not fit oil_bbl" in messages["Oil (Mcf)"]
    assert "accepted: bbl, m3" in messages["Water (gal)"]
    assert set(result.column_mapping) == {"well_api_number", "production_date"}


def test_a_sheet_without_the_key_columns_says_what_to_map():
    result = suggest(Entity.WELLS, ["Name", "Status"], [])
    assert [w.message for w in result.warnings] == ["no column found for api_number: map one"]


def test_xlsx_cells_read_as_openpyxl_reads_them():
    # GIVEN a 1904-dated workbook, a chart sheet first, then typed cells of every kind
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.create_chartsheet("Chart", 0).add_chart(BarChart())
    sheet = book.worksheets[0]
    sheet.append(["Name", "When", "Day", "Time", "Hours", "Flag", "Rich", "Int", "Float"])
    rich = CellRichText(["bold ", TextBlock(InlineFont(b=True), "part")])
    sheet.append(["Jones 1", datetime(2024, 3, 1, 6, 30), date(1999, 12, 31), time(6, 15),
                  timedelta(hours=30), True, rich, -7, 1e-7])  # fmt: skip
    sheet["E2"].number_format = "[h]:mm:ss"
    sheet.cell(row=40, column=3, value="far down")
    buffer = io.BytesIO()
    book.save(buffer)
    # WHEN it is read here and by openpyxl itself
    _, headers, rows = read(buffer.getvalue(), "x.xlsx")
    expected = load_workbook(io.BytesIO(buffer.getvalue()), data_only=True).worksheets[0]
    # THEN the values agree row for row
    theirs = [(r[0].row, list(v.value for v in r)) for r in expected.iter_rows()]
    theirs = [(line, values) for line, values in theirs if any(v is not None for v in values)]
    assert [(1, headers), *rows] == theirs
    assert rows[0][1][4] == timedelta(hours=30)


def test_xlsx_parts_written_by_other_tools_read_the_same():
    # GIVEN parts with a namespace prefix, rich and phonetic shared strings, every cell type
    strings = (
        b'<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<x:si><x:t>API</x:t></x:si>"
        b"<x:si><x:r><x:t>Oil </x:t></x:r><x:r><x:t>(bbl)</x:t></x:r>"
        b"<x:rPh><x:t>phonetic</x:t></x:rPh></x:si></x:sst>"
    )
    rows = (
        b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>'
        b'<c r="D2" t="str"><f>A1</f><v>formula text</v></c></row>'
        b'<row r="3"><c r="A3" t="e"><v>#N/A</v></c><c r="B3" t="b"><v>1</v></c>'
        b'<c r="C3" t="d"><v>2024-03-01T06:00:00</v></c><c r="D3"><v>12</v></c></row>'
        b'<row r="4"><c t="inlineStr"><is><t>inline</t></is></c><c><v>2.5E3</v></c></row>'
    )
    data = with_shared_strings(workbook([["x"]]), [strings], rows)
    # WHEN it is read
    _, headers, values = read(data, "x.xlsx")
    # THEN the header comes from the shared strings, without the phonetic run
    assert headers == ["API", "Oil (bbl)", "column_3", "formula text"]
    assert values == [
        (3, ["#N/A", True, datetime(2024, 3, 1, 6, 0), 12]),
        (4, ["inline", 2500.0, None, None]),
    ]


def test_a_cell_that_does_not_hold_its_type_is_refused_naming_it():
    rows = b'<row r="1"><c r="A1"><v>API</v></c></row><row r="2"><c r="B2" t="s"><v>7</v></c></row>'
    data = replace_parts(workbook([["x"]]), {"xl/worksheets/sheet1.xml": sheet(rows)})
    with pytest.raises(InputError) as caught:
        read(data, "x.xlsx")
    assert caught.value.reason == "cell A1 holds 'API', not a 'n' value"
