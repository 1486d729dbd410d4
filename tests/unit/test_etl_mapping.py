"""Rows through a compiled mapping: required keys, wells by API number, duplicates, rules."""

from __future__ import annotations

from datetime import date

from shared.core.etl.model.config import EntityMapping
from shared.core.etl.model.fields import Entity
from shared.core.etl.services.runner import (
    business_pairs,
    extract_request,
    mapper_for,
    newer,
    since_for,
)

MAPPING = EntityMapping.model_validate(
    {
        "source_table": "prod data [2024]",
        "key_columns": ["RecordID"],
        "cursor_column": "Modified",
        "look_back_minutes": 90,
        "column_mapping": {"well_api_number": "API", "production_date": "Day", "oil_bbl": "Öl"},
        "transforms": {"production_date": {"type": "DATE", "formats": ["%m/%d/%Y"]}},
    }
)
WELLS = {"42501201300000": "well-1"}
TODAY = date(2024, 6, 1)


def mapper():
    return mapper_for(Entity.PRODUCTION, MAPPING, WELLS, TODAY)


def test_the_extract_reads_each_column_once_ordered_by_cursor_then_keys():
    request = extract_request(MAPPING, None)
    assert request.columns == ("RecordID", "Modified", "API", "Day", "Öl")
    assert request.order == ("Modified", "RecordID")
    assert request.not_null == ("RecordID",)


def test_a_good_row_maps_to_a_wellos_row_with_the_wells_id():
    row = (1, None, "42-501-20130", "03/04/2024", 12.5)
    assert mapper().map_row(row) == {
        "well_id": "well-1",
        "production_date": date(2024, 3, 4),
        "oil_bbl": 12.5,
    }


def test_a_chunk_keeps_the_last_of_duplicate_keys_and_rejects_bad_rows_with_reasons():
    # GIVEN a chunk: a duplicate well-day, an unknown well, a future day, a negative volume
    rows = [
        (1, None, "42-501-20130", "03/04/2024", 1.0),
        (2, None, "42-501-20130", "03/04/2024", 2.0),
        (3, None, "42-317-00001", "03/04/2024", 3.0),
        (4, None, "42-501-20130", "12/31/2024", 4.0),
        (5, None, "42-501-20130", "03/05/2024", -1.0),
        (6, None, None, "03/06/2024", 6.0),
    ]
    # WHEN it is mapped
    chunk = mapper().map_chunk(rows)
    # THEN one row stands for the well-day (the last), counted once as a duplicate
    assert [(r["oil_bbl"], k) for r, k in zip(chunk.rows, chunk.source_keys, strict=True)] == [
        (2.0, (2,))
    ]
    assert chunk.duplicates == 1
    # AND every other row is rejected naming the field and why, with the source row kept
    reasons = [(r.source_key, r.field, r.reason) for r in chunk.rejected]
    assert reasons == [
        ((3,), "well_api_number", "no well with API number 42317000010000"),
        ((4,), "production_date", "2024-12-31 is in the future"),
        ((5,), "oil_bbl", "-1 is below 0"),
        ((6,), "well_api_number", "is required but the value is empty"),
    ]
    assert chunk.rejected[0].values["Öl"] == 3.0


def test_business_keys_for_deletion_detection():
    chunk = mapper().map_chunk([(7, None, "42-501-20130", "03/04/2024", 1.0)])
    assert business_pairs(Entity.PRODUCTION, chunk) == [("[7]", '["well-1","2024-03-04"]')]


def test_the_look_back_window_and_the_watermark_never_moving_back():
    from datetime import datetime

    mark = datetime(2024, 3, 4, 12, 0)
    assert since_for(mark, 90) == datetime(2024, 3, 4, 10, 30)
    assert since_for(date(2024, 3, 4), 90) == date(2024, 3, 3)
    assert since_for(1000, 90) == 1000
    assert newer(mark, datetime(2024, 3, 4, 11, 0)) == mark
    assert newer(None, 5) == 5


UNITS = EntityMapping.model_validate(
    {
        "source_table": "prod",
        "key_columns": ["RecordID"],
        "column_mapping": {
            "well_api_number": "API", "production_date": "Day", "oil_bbl": "Oil",
            "gas_mcf": "Gas", "hours_on": "Hours",
        },
        "transforms": {
            "production_date": {"type": "DATE", "formats": ["%m/%d/%Y"]},
            "gas_mcf": {"type": "UNIT", "from_unit": "m3", "to_unit": "mcf"},
        },
    }
)  # fmt: skip
WELLS_2 = {"42501201300000": "well-1", "42501201310000": "well-2"}


def units_mapper():
    return mapper_for(Entity.PRODUCTION, UNITS, WELLS_2, TODAY)


def one_by_one(rows):
    """What each row maps to alone (map_row), or its rejection's field and reason."""
    mapper = units_mapper()
    out = []
    for row in rows:
        try:
            out.append(mapper.map_row(row))
        except Exception as exc:  # RowRejectedError
            out.append((exc.field, exc.reason))
    return out


def test_a_chunk_of_source_decimals_maps_as_each_row_would_alone():
    from decimal import Decimal

    # GIVEN source rows as PyMySQL reads them: API text, day text, DECIMAL volumes, an int
    rows = [
        (n, "42-501-2013" + str(n % 2), f"03/{n:02d}/2024", Decimal(f"{n}.125"),
         Decimal("1000.000"), 24 if n % 2 else Decimal("12.50"))
        for n in range(1, 29)
    ]  # fmt: skip
    # WHEN the chunk is mapped
    chunk = units_mapper().map_chunk(rows)
    # THEN its rows are the rows each source row maps to, in order, keys and types alike
    assert [dict(row) for row in chunk.rows] == one_by_one(rows)
    assert list(chunk.rows[0]) == [
        "production_date", "oil_bbl", "gas_mcf", "hours_on", "well_id"
    ]  # fmt: skip
    assert chunk.source_keys == [(n,) for n in range(1, 29)]
    assert (chunk.duplicates, chunk.rejected) == (0, [])
    assert chunk.rows[0]["gas_mcf"] == 1000.0 * 0.0353147


def test_a_chunk_with_odd_values_maps_and_rejects_as_row_by_row():
    from decimal import Decimal

    # GIVEN a chunk mixing what a column at a time cannot take as it is: a NaN decimal,
    # text numbers, a bool, an empty optional, a volume over its bound, an unknown day text
    rows = [
        (1, "42-501-20130", "03/01/2024", Decimal("NaN"), 1.0, 24),
        (2, "42-501-20130", "03/02/2024", "1,234.5", "2", 24),
        (3, "42-501-20130", "03/03/2024", True, 1.0, 24),
        (4, "42-501-20130", "03/04/2024", None, None, ""),
        (5, "42-501-20131", "03/05/2024", 1e12, 1.0, 24),
        (6, "42-501-20131", "2024-03-06", 1.0, 1.0, 24),
        (7, "42-501-20131", "03/07/2024", -0.0, 0, 24),
    ]
    # WHEN the chunk is mapped
    chunk = units_mapper().map_chunk(rows)
    # THEN the rows kept and the reasons given are those of each row mapped alone
    alone = one_by_one(rows)
    kept = [r for r in alone if isinstance(r, dict)]
    assert repr([dict(row) for row in chunk.rows]) == repr(kept)  # repr: NaN != NaN
    assert repr(kept[-1]["oil_bbl"]) == "-0.0"
    assert [(r.field, r.reason) for r in chunk.rejected] == [
        r for r in alone if isinstance(r, tuple)
    ]
    assert [r.source_key for r in chunk.rejected] == [(3,), (5,), (6,)]


def test_a_clean_chunk_can_be_read_as_dicts_or_as_columns():
    rows = [(n, "42-501-20130", f"03/{n:02d}/2024", 1.0, 2.0, 24) for n in (1, 2, 3)]
    chunk = units_mapper().map_chunk(rows)
    assert len(chunk.rows) == 3
    assert [row["production_date"] for row in chunk.rows] == [date(2024, 3, n) for n in (1, 2, 3)]
    assert chunk.rows[1:] == list(chunk.rows)[1:]
    assert chunk.rows.columns["well_id"] == ["well-1"] * 3  # type: ignore[attr-defined]
