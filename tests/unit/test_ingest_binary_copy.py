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
    """A minimal binary COPY reader for (int4, timestamptz, float8, int4, timestamptz)."""
    assert payload[:11] == b"PGCOPY\n\xff\r\n\x00" and payload[-2:] == b"\xff\xff"
    offset, rows = 19, []
    formats = [">i", ">q", ">d", ">i", ">q"]
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
        (tag, ts - PG_EPOCH_US, value, status, None if server is None else server - PG_EPOCH_US)
        for tag, ts, server, value, status in given
    ]
    assert sorted(decoded) == sorted(expected)


def test_an_empty_batch_is_header_and_trailer_only():
    assert parse(encode_binary_copy(columns([]))) == []
