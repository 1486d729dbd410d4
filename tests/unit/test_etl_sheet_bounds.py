"""Spreadsheets that try to take the server's memory or CPU are refused, naming what is too big."""

from __future__ import annotations

import io
import itertools
import os
import tracemalloc
import zipfile

import pytest

from shared.core.common.errors import InputError
from shared.core.etl.model.spreadsheets.limits import MAX_CELL_CHARS, SheetLimits
from shared.core.etl.model.spreadsheets.reader import open_sheet, unique_headers
from tests.bombs import (
    HEADER_FROM_STRINGS,
    MIB,
    replace_parts,
    shared_strings,
    shared_strings_bomb,
    sheet,
    with_shared_strings,
    workbook,
)

SMALL = SheetLimits(max_shared_strings=1_000, max_columns=50, max_rows=10)


def read_all(data: bytes, name: str = "sheet.csv", limits: SheetLimits | None = None):
    with open_sheet(io.BytesIO(data), name, limits) as opened:
        return opened.headers, [(row.line, row.values) for row in opened.rows]


def refusal(data: bytes, name: str = "x.xlsx", limits: SheetLimits | None = None) -> str:
    with pytest.raises(InputError) as caught:
        read_all(data, name, limits)
    assert caught.value.field == "file"
    return caught.value.reason


def with_sheet(rows_xml: bytes) -> bytes:
    return replace_parts(workbook([["x"]]), {"xl/worksheets/sheet1.xml": sheet(rows_xml)})


def with_strings(items: list[bytes], head: bytes = b"") -> bytes:
    strings = shared_strings([b"API", b"Oil", *items], head)
    return with_shared_strings(workbook([["x"]]), strings, HEADER_FROM_STRINGS)


def test_a_shared_strings_zip_bomb_is_refused_in_little_memory():
    # GIVEN a real workbook whose shared strings inflate to 48 MB (about 3 million strings)
    bomb = shared_strings_bomb(48 * MIB)
    assert len(bomb) < MIB
    # WHEN it is opened, tracing memory
    tracemalloc.start()
    try:
        reason = refusal(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # THEN it is refused as a bomb, naming the part, having held next to nothing
    assert "xl/sharedStrings.xml would inflate" in reason
    assert "decompression bombs" in reason
    assert peak < 50 * MIB


def test_a_workbook_that_unpacks_past_the_cap_is_refused_before_reading():
    # GIVEN 3 MB of shared strings that compress poorly, and a 2 MB cap
    strings = [f"{n:08x}".encode() * 8 for n in range(40_000)]
    limits = SheetLimits(max_uncompressed_bytes=2 * MIB)
    # WHEN it is opened THEN the refusal names the cap and its setting
    reason = refusal(with_strings(strings), limits=limits)
    assert reason == ("unpacks to more than 2,097,152 bytes (WELLOS_IMPORT_MAX_UNCOMPRESSED_BYTES)")


def test_shared_strings_are_counted_before_they_are_held():
    # GIVEN 1,000 distinct strings (the cap) and then one more
    at_cap = [f"well {n}".encode() for n in range(SMALL.max_shared_strings - 2)]
    # WHEN each is opened THEN the first reads, the second is refused naming the setting
    assert read_all(with_strings(at_cap), "x.xlsx", SMALL)[0] == ["API", "Oil"]
    reason = refusal(with_strings([*at_cap, b"one more"]), limits=SMALL)
    assert reason == "has more than 1,000 shared strings (WELLOS_IMPORT_MAX_SHARED_STRINGS)"


@pytest.mark.parametrize("where", ["shared", "inline", "csv"])
def test_a_cell_longer_than_excel_allows_is_refused(where):
    long = b"x" * (MAX_CELL_CHARS + 1)
    if where == "shared":
        data, name = with_strings([long]), "x.xlsx"
    elif where == "inline":
        cell = b'<c r="B1" t="inlineStr"><is><t>' + long + b"</t></is></c>"
        data, name = with_sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>API</t></is></c>'
                                + cell + b"</row>"), "x.xlsx"  # fmt: skip
    else:
        data, name = b"API,Notes\n42-501-20130," + long + b"\n", "x.csv"
    assert "more than 32,767 characters in one cell" in refusal(data, name)


def test_a_header_of_2400_columns_is_refused_and_1000_are_read():
    # GIVEN CSV headers of 1,000 and of 2,400 short, mostly repeated columns
    at_cap = ",".join(f"c{n % 7}" for n in range(1_000)).encode() + b"\n1\n"
    wide = ",".join(f"c{n % 7}" for n in range(2_400)).encode() + b"\n1\n"
    # WHEN they are opened
    headers, _rows = read_all(at_cap)
    reason = refusal(wide, "wide.csv")
    # THEN 1,000 unique names come back, and the wide one is refused naming the setting
    assert len(set(headers)) == 1_000
    assert reason == "line 1 has 2,400 columns; at most 1,000 are read (WELLOS_IMPORT_MAX_COLUMNS)"


def test_an_xlsx_cell_past_the_column_cap_is_refused_as_it_is_met():
    far = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>API</t></is></c><c r="CNH1"><v>1</v></c></row>'
    )
    reason = refusal(with_sheet(far))
    assert reason == "row 1 has 2,400 columns; at most 1,000 are read (WELLOS_IMPORT_MAX_COLUMNS)"
    unnumbered = b'<row r="1">' + b"<c><v>1</v></c>" * 1_001 + b"</row>"
    assert "has 1,001 columns" in refusal(with_sheet(unnumbered))


def test_a_row_number_past_excels_last_row_is_refused_without_walking_the_gap():
    rows = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="900000000"><c><v>2</v></c></row>'
    assert refusal(with_sheet(rows)) == "row number 900,000,000 is beyond Excel's last row"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_data_rows_past_the_cap_are_refused(file_format):
    def data(rows: int) -> tuple[bytes, str]:
        lines = [["API", "Oil"], *([f"42-501-{n:05d}", n] for n in range(rows))]
        if file_format == "xlsx":
            return workbook(lines), "x.xlsx"
        return "".join(f"{a},{b}\n" for a, b in lines).encode(), "x.csv"

    assert len(read_all(*data(SMALL.max_rows), SMALL)[1]) == 10
    reason = refusal(*data(SMALL.max_rows + 1), SMALL)
    assert reason == (
        "has more than 10 data rows (WELLOS_IMPORT_MAX_ROWS); split it into several files"
    )


def test_a_csv_line_longer_than_the_bound_is_refused_before_it_is_held():
    endless = b"API,Oil\n" + b"x" * (5 * MIB)
    assert refusal(endless, "x.csv") == "line 2 is longer than 1,048,576 characters"
    quoted = b'API,Notes\n1,"' + b"a\n" * (3 * MIB) + b'"\n'
    assert refusal(quoted, "x.csv").startswith("line ")


def test_entity_declarations_are_refused():
    laughs = (
        b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    )
    reason = refusal(with_strings([b"&d;"], head=laughs))
    assert reason == "part xl/sharedStrings.xml declares a document type (entities are refused)"


def test_deep_nesting_and_huge_tags_are_refused():
    deep = b'<row r="1"><c r="A1"><v>1</v></c></row>' + b"<x>" * 10_000 + b"</x>" * 10_000
    assert "nests elements more than 64 deep" in refusal(with_sheet(deep))
    huge_attribute = b'<row r="1" spans="' + os.urandom(MIB).hex().encode() + b'"/>'
    assert "holds a tag or text longer than 1,048,576 bytes" in refusal(with_sheet(huge_attribute))


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for n in range(10_001):
            archive.writestr(f"p/{n}", b"")
    assert "has 10,002 parts" in refusal(out.getvalue())


def test_many_duplicate_headers_get_unique_names_in_order():
    # GIVEN 5,000 columns all named "Oil", a literal "Oil (3)" among them, and empty names
    names = ["Oil"] * 2 + ["Oil (3)"] + ["Oil"] * 4_997 + ["column_5003", "", None]
    # WHEN they are made unique
    headers = unique_headers(names)
    # THEN every name is unique, copies are numbered in order, skipping the literal one
    assert len(headers) == len(set(headers)) == 5_003
    assert headers[:5] == ["Oil", "Oil (2)", "Oil (3)", "Oil (4)", "Oil (5)"]
    assert headers[4_999] == "Oil (5000)"
    assert headers[-3:] == ["column_5003", "column_5002", "column_5003 (2)"]
    assert headers.count("Oil (3)") == 1


def test_duplicate_headers_match_the_one_by_one_rule():
    names = list(itertools.islice(itertools.cycle(["a", "a (2)", "b", "a", "", "a (2)"]), 60))

    def slow(values):  # the rule, spelled out: the lowest free copy number from 2
        out = []
        for index, value in enumerate(values):
            name = str(value).strip() if value not in (None, "") else f"column_{index + 1}"
            candidate, copy = name, 2
            while candidate in out:
                candidate, copy = f"{name} ({copy})", copy + 1
            out.append(candidate)
        return out

    assert unique_headers(names) == slow(names)
