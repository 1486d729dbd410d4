"""Writing readings: PostgreSQL binary COPY, or multi-row inserts elsewhere.

The COPY payload is built with numpy, one structured array per null pattern
(value null or not × server timestamp null or not): a binary COPY row is a
field count, then per field a length (-1 for NULL) and the big-endian bytes.
pg8000 (the default driver) and psycopg both stream the buffer as it is, so the
drain needs no extra driver. Rows arrive sorted by (tag_id, ts), which keeps
the btree inserts of the read index on neighbouring pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from shared.adapters.sql.scada.tables import scada_readings
from shared.core.scada.model.columns import ReadingColumns
from shared.core.scada.ports import ReadingWriter

COPY_STATEMENT = (
    "COPY scada_readings (tag_id, ts, value, status, server_ts) FROM STDIN (FORMAT BINARY)"
)
PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01T00:00:00Z in Unix microseconds
_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
_TRAILER = b"\xff\xff"
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PORTABLE_CHUNK = 2000
SLICE_BYTES = 1 << 20  # CopyData message size: the server starts on a slice at once


def _row_dtype(value_null: bool, server_null: bool) -> np.dtype[Any]:
    fields: list[tuple[str, str]] = [("n", ">i2"), ("l_tag", ">i4"), ("tag", ">i4")]
    fields += [("l_ts", ">i4"), ("ts", ">i8"), ("l_v", ">i4")]
    fields += [] if value_null else [("v", ">f8")]
    fields += [("l_q", ">i4"), ("q", ">i4"), ("l_st", ">i4")]
    fields += [] if server_null else [("st", ">i8")]
    return np.dtype(fields)


_DTYPES = {(v, s): _row_dtype(v, s) for v in (False, True) for s in (False, True)}


def encode_binary_copy(columns: ReadingColumns) -> bytes:
    """The whole COPY … (FORMAT BINARY) payload for `columns`."""
    return _HEADER + encode_rows(columns) + _TRAILER


def encode_rows(columns: ReadingColumns) -> bytes:
    """The binary COPY rows of `columns`, without the header and trailer."""
    value_null = np.isnan(columns.value)
    parts = []
    for v_null in (False, True):
        for s_null in (False, True):
            mask = (value_null == v_null) & (columns.server_ts_missing == s_null)
            if mask.all():
                parts.append(_encode_group(columns, v_null, s_null))
            elif mask.any():
                parts.append(_encode_group(columns.take(np.flatnonzero(mask)), v_null, s_null))
    return b"".join(parts)


def _encode_group(columns: ReadingColumns, value_null: bool, server_null: bool) -> bytes:
    rows = np.empty(len(columns), dtype=_DTYPES[(value_null, server_null)])
    rows["n"] = 5
    rows["l_tag"], rows["tag"] = 4, columns.tag_id
    rows["l_ts"], rows["ts"] = 8, columns.ts_us - PG_EPOCH_US
    rows["l_v"] = -1 if value_null else 8
    if not value_null:
        rows["v"] = columns.value
    rows["l_q"], rows["q"] = 4, columns.status
    rows["l_st"] = -1 if server_null else 8
    if not server_null:
        rows["st"] = columns.server_ts_us - PG_EPOCH_US
    return rows.tobytes()


class PostgresCopyReadingWriter:
    """One binary COPY for all chunks, sent in slices as they are encoded."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def write(self, chunks: Iterable[ReadingColumns]) -> int:
        written = [0]

        def payload() -> Iterator[bytes]:
            yield _HEADER
            for chunk in chunks:
                written[0] += len(chunk)
                rows = encode_rows(chunk)
                for offset in range(0, len(rows), SLICE_BYTES):
                    yield rows[offset : offset + SLICE_BYTES]
            yield _TRAILER

        dbapi_connection = self._c.connection.dbapi_connection
        assert dbapi_connection is not None
        cursor: Any = dbapi_connection.cursor()
        try:
            if self._c.dialect.driver == "pg8000":
                cursor.execute(COPY_STATEMENT, stream=payload())  # one CopyData per slice
            else:
                with cursor.copy(COPY_STATEMENT) as copy:
                    for part in payload():
                        copy.write(part)
        finally:
            cursor.close()
        return written[0]


class PortableReadingWriter:
    """Multi-row INSERTs (PyMySQL and pyodbc batch an executemany into few statements)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def write(self, chunks: Iterable[ReadingColumns]) -> int:
        total = 0
        for columns in chunks:
            for start in range(0, len(columns), PORTABLE_CHUNK):
                stop = min(start + PORTABLE_CHUNK, len(columns))
                self._c.execute(scada_readings.insert(), _rows(columns, start, stop))
            total += len(columns)
        return total


def _rows(columns: ReadingColumns, start: int, stop: int) -> list[dict[str, Any]]:
    values: npt.NDArray[np.float64] = columns.value[start:stop]
    return [
        {
            "tag_id": int(columns.tag_id[i]),
            "ts": _instant(int(columns.ts_us[i])),
            "value": None if np.isnan(values[i - start]) else float(values[i - start]),
            "status": int(columns.status[i]),
            "server_ts": None
            if columns.server_ts_missing[i]
            else _instant(int(columns.server_ts_us[i])),
        }
        for i in range(start, stop)
    ]


def _instant(micros: int) -> datetime:
    return _UNIX_EPOCH + timedelta(microseconds=micros)


def reading_writer_for(connection: Connection) -> ReadingWriter:
    """COPY on PostgreSQL (pg8000 or psycopg), the portable inserts elsewhere."""
    dialect = connection.dialect
    if dialect.name == "postgresql" and dialect.driver in ("pg8000", "psycopg"):
        return PostgresCopyReadingWriter(connection)
    return PortableReadingWriter(connection)
