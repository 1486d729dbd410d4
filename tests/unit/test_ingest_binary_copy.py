"""The binary COPY payload the drain streams to PostgreSQL, read back field by field."""

from __future__ import annotations

import struct

import numpy as np

from shared.adapters.sql.scada.readings_copy import PG_EPOCH_US, encode_binary_copy
from shared.core.scada.model.columns import ReadingColumns


def columns(rows: list[tuple[int, int, int | None, float | None, int]]) -> ReadingColumns:
    return ReadingColumns(
        tag_id=np.array([r[0] for r in rows], dtype=np.int32),
        ts_us=np.array([r[1] for r in rows], dtype=np.int64),
        server_ts_us=np.array([r[2] or 0 for r in rows], dtype=np.int64),
        server_ts_missing=np.array([r[2] is None for r in rows], dtype=np.bool_),
        value=np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=np.float64),
        status=np.array([r[4] for r in rows], dtype=np.int32),
    )


def parse(payload: bytes) -> list[tuple]:
    """A minimal binary COPY reader for (int4, timestamptz, float8, int4, timestamptz,
    int2, bool, text)."""
    assert payload[:11] == b"PGCOPY\n\xff\r\n\x00" and payload[-2:] == b"\xff\xff"
    offset, rows = 19, []
    formats = [">i", ">q", ">d", ">i", ">q", ">h", ">?", "text"]
    while payload[offset : offset + 2] != b"\xff\xff":
        (count,) = struct.unpack_from(">h", payload, offset)
        offset += 2
        row = []
        for fmt in formats[:count]:
            (length,) = struct.unpack_from(">i", payload, offset)
            offset += 4
            if length == -1:
                row.append(None)
                continue
            if fmt == "text":
                value = payload[offset : offset + length].decode()
            else:
                (value,) = struct.unpack_from(fmt, payload, offset)
            offset += length
            row.append(value)
        rows.append(tuple(row))
    assert offset + 2 == len(payload)
    return rows


def test_every_null_pattern_encodes_to_its_values():
    # GIVEN rows with and without a value and a server timestamp
    at = 1_780_000_000_000_000
    given = [
        (1, at, at + 1, 2.5, 0),
        (2, at + 2, None, 3.5, -2147483648),
        (3, at + 3, at + 4, None, 5),
        (4, at + 5, None, None, 6),
    ]
    # WHEN encoded
    decoded = parse(encode_binary_copy(columns(given)))
    # THEN each row comes back (grouped by null pattern), timestamps in PostgreSQL's epoch
    expected = [
        (tag, ts - PG_EPOCH_US, value, status, None if server is None else server - PG_EPOCH_US,
         11, False, None)
        for tag, ts, server, value, status in given
    ]  # fmt: skip
    assert sorted(decoded) == sorted(expected)


def test_an_empty_batch_is_header_and_trailer_only():
    assert parse(encode_binary_copy(columns([]))) == []


def test_typed_rows_carry_their_type_flag_and_text():
    # GIVEN a string, a huge integer, a Boolean and a backfilled Double
    at = 1_780_000_000_000_000
    given = columns([(1, at, None, None, 0), (2, at, at, float(2**64 - 1), 0),
                     (3, at, None, 1.0, 0), (4, at, None, 2.5, 0)])  # fmt: skip
    typed = ReadingColumns(
        given.tag_id, given.ts_us, given.server_ts_us, given.server_ts_missing, given.value,
        given.status, value_type=np.array([12, 9, 1, 11], dtype=np.int16),
        historical=np.array([False, False, False, True]),
        text=np.array(["pump off", str(2**64 - 1), None, None], dtype=object),
    )  # fmt: skip
    # WHEN encoded
    decoded = sorted(parse(encode_binary_copy(typed)))
    # THEN every field comes back
    t = at - PG_EPOCH_US
    assert decoded == [
        (1, t, None, 0, None, 12, False, "pump off"),
        (2, t, float(2**64 - 1), 0, t, 9, False, str(2**64 - 1)),
        (3, t, 1.0, 0, None, 1, False, None),
        (4, t, 2.5, 0, None, 11, True, None),
    ]
