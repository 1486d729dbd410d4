"""Writing readings: PostgreSQL binary COPY, or multi-row inserts elsewhere.

The COPY payload is built with numpy, one structured array per null pattern
(value null or not × server timestamp null or not): a binary COPY row is a
field count, then per field a length (-1 for NULL) and the big-endian bytes.
pg8000 (the default driver) and psycopg both stream the buffer as it is, so the
drain needs no extra driver. Rows arrive sorted by (tag_id, ts), which keeps
the btree inserts of the read index on neighbouring pages. The few rows with a
`value_text` (strings, huge integers, NaN names) are packed one by one.

Backfilled readings (`historical`) must not duplicate a reading already stored
for the same (tag_id, ts): live readings stream straight into the table; the
backfilled ones go through a temporary staging table (same binary COPY) and an
`INSERT … SELECT … WHERE NOT EXISTS` probe of the read index (the backfill is
made unique per (tag_id, ts) in numpy first), under a transaction-scoped
advisory lock so two drains of one tenant do not both insert the same backfill.
Live readings are not checked (the gateway sends them once, in order; batch ids
deduplicate redelivery).

Chunks of live Doubles without text (what a version 1 batch always is) are
copied with the five columns a reading needs; the table's defaults fill
value_type (11, Double), historical (false) and value_text (null), so the
server parses three fields fewer per row and the payload is a fifth smaller.
Other chunks name all eight columns; consecutive chunks of one kind share a COPY.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.scada.tables import scada_readings
from shared.core.scada.model.columns import VT_DOUBLE, ReadingColumns
from shared.core.scada.ports import ReadingWriter

COPY_COLUMNS = "tag_id, ts, value, status, server_ts, value_type, historical, value_text"
COPY_STATEMENT = f"COPY scada_readings ({COPY_COLUMNS}) FROM STDIN (FORMAT BINARY)"
PLAIN_COLUMNS = "tag_id, ts, value, status, server_ts"
PLAIN_STATEMENT = f"COPY scada_readings ({PLAIN_COLUMNS}) FROM STDIN (FORMAT BINARY)"
STAGING = "wellos_readings_staging"
STAGING_STATEMENT = f"COPY {STAGING} ({COPY_COLUMNS}) FROM STDIN (FORMAT BINARY)"
_CREATE_STAGING = (
    f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} "
    "(LIKE scada_readings INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
)
# The staged rows are unique per (tag_id, ts) and in that order already (`first_per_key`):
# a nested-loop anti join probing the read index of the partition each ts falls in.
_INSERT_NEW = (
    f"INSERT INTO scada_readings ({COPY_COLUMNS}) "
    f"SELECT {', '.join('s.' + c for c in COPY_COLUMNS.split(', '))} "
    f"FROM {STAGING} s WHERE NOT EXISTS (SELECT 1 FROM scada_readings r "
    "WHERE r.tag_id = s.tag_id AND r.ts = s.ts)"
)
BACKFILL_LOCK = "SELECT pg_advisory_xact_lock(hashtext('wellos_reading_backfill'))"
_FIELDS = 8
_PLAIN_FIELDS = 5
PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01T00:00:00Z in Unix microseconds
_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
_TRAILER = b"\xff\xff"
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PORTABLE_CHUNK = 2000
SLICE_BYTES = 1 << 20  # CopyData message size: the server starts on a slice at once


def _row_dtype(value_null: bool, server_null: bool, plain: bool) -> np.dtype[Any]:
    fields: list[tuple[str, str]] = [("n", ">i2"), ("l_tag", ">i4"), ("tag", ">i4")]
    fields += [("l_ts", ">i4"), ("ts", ">i8"), ("l_v", ">i4")]
    fields += [] if value_null else [("v", ">f8")]
    fields += [("l_q", ">i4"), ("q", ">i4"), ("l_st", ">i4")]
    fields += [] if server_null else [("st", ">i8")]
    if not plain:
        fields += [("l_vt", ">i4"), ("vt", ">i2"), ("l_h", ">i4"), ("h", "u1"), ("l_txt", ">i4")]
    return np.dtype(fields)


_DTYPES = {
    (v, s, p): _row_dtype(v, s, p)
    for v in (False, True)
    for s in (False, True)
    for p in (False, True)
}


def is_plain(columns: ReadingColumns) -> bool:
    """Live Doubles without text: the table's defaults hold their last three columns."""
    return (
        columns.text is None
        and not columns.historical.any()
        and bool((columns.value_type == VT_DOUBLE).all())
    )


def encode_binary_copy(columns: ReadingColumns) -> bytes:
    """The whole COPY … (FORMAT BINARY) payload for `columns`."""
    return _HEADER + encode_rows(columns) + _TRAILER


def encode_rows(columns: ReadingColumns, plain: bool = False) -> bytes:
    """The binary COPY rows of `columns`, without the header and trailer; `plain`: only
    the five columns of PLAIN_STATEMENT (for columns that are `is_plain`)."""
    if plain:
        return _encode_null_groups(columns, True)
    if columns.text is not None:
        has_text = np.array([item is not None for item in columns.text], dtype=np.bool_)
        if has_text.any():
            untexted = encode_rows(_drop_text(columns.take(np.flatnonzero(~has_text))))
            return untexted + _encode_text_rows(columns.take(np.flatnonzero(has_text)))
    return _encode_null_groups(columns, False)


def _encode_null_groups(columns: ReadingColumns, plain: bool) -> bytes:
    value_null = np.isnan(columns.value)
    parts = []
    for v_null in (False, True):
        for s_null in (False, True):
            mask = (value_null == v_null) & (columns.server_ts_missing == s_null)
            if mask.all():
                parts.append(_encode_group(columns, v_null, s_null, plain))
            elif mask.any():
                group = columns.take(np.flatnonzero(mask))
                parts.append(_encode_group(group, v_null, s_null, plain))
    return b"".join(parts)


def _encode_group(
    columns: ReadingColumns, value_null: bool, server_null: bool, plain: bool
) -> bytes:
    rows = np.empty(len(columns), dtype=_DTYPES[(value_null, server_null, plain)])
    rows["n"] = _PLAIN_FIELDS if plain else _FIELDS
    rows["l_tag"], rows["tag"] = 4, columns.tag_id
    rows["l_ts"], rows["ts"] = 8, columns.ts_us - PG_EPOCH_US
    rows["l_v"] = -1 if value_null else 8
    if not value_null:
        rows["v"] = columns.value
    rows["l_q"], rows["q"] = 4, columns.status
    rows["l_st"] = -1 if server_null else 8
    if not server_null:
        rows["st"] = columns.server_ts_us - PG_EPOCH_US
    if plain:
        return rows.tobytes()
    rows["l_vt"], rows["vt"] = 2, columns.value_type
    rows["l_h"], rows["h"] = 1, columns.historical
    rows["l_txt"] = -1
    return rows.tobytes()


def _drop_text(columns: ReadingColumns) -> ReadingColumns:
    return ReadingColumns(
        columns.tag_id, columns.ts_us, columns.server_ts_us, columns.server_ts_missing,
        columns.value, columns.status, columns.value_type, columns.historical, None,
    )  # fmt: skip


def _encode_text_rows(columns: ReadingColumns) -> bytes:
    """Rows with a `value_text`, packed one by one (strings are rare in SCADA data)."""
    assert columns.text is not None
    parts = []
    for i in range(len(columns)):
        value = float(columns.value[i])
        parts.append(struct.pack(">hiiiq", _FIELDS, 4, int(columns.tag_id[i]), 8,
                                 int(columns.ts_us[i]) - PG_EPOCH_US))  # fmt: skip
        parts.append(struct.pack(">i", -1) if value != value else struct.pack(">id", 8, value))
        parts.append(struct.pack(">ii", 4, int(columns.status[i])))
        if columns.server_ts_missing[i]:
            parts.append(struct.pack(">i", -1))
        else:
            parts.append(struct.pack(">iq", 8, int(columns.server_ts_us[i]) - PG_EPOCH_US))
        text = str(columns.text[i]).encode()
        parts.append(struct.pack(">ihiBi", 2, int(columns.value_type[i]), 1,
                                 int(columns.historical[i]), len(text)))  # fmt: skip
        parts.append(text)
    return b"".join(parts)


def _copy(connection: Connection, statement: str, payload: Iterator[bytes]) -> None:
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    cursor: Any = dbapi_connection.cursor()
    try:
        if connection.dialect.driver == "pg8000":
            cursor.execute(statement, stream=payload)  # one CopyData per slice
        else:
            with cursor.copy(statement) as copy:
                for part in payload:
                    copy.write(part)
    finally:
        cursor.close()


def _sliced(rows: bytes) -> Iterator[bytes]:
    for offset in range(0, len(rows), SLICE_BYTES):
        yield rows[offset : offset + SLICE_BYTES]


def first_per_key(columns: ReadingColumns) -> ReadingColumns:
    """The rows sorted by (tag_id, ts), the first of each (tag_id, ts) only."""
    ordered = columns.sorted_by_tag_and_time()
    if len(ordered) < 2:
        return ordered
    repeat = (ordered.tag_id[1:] == ordered.tag_id[:-1]) & (ordered.ts_us[1:] == ordered.ts_us[:-1])
    if not repeat.any():
        return ordered
    return ordered.take(np.flatnonzero(np.concatenate(([True], ~repeat))))


class PostgresCopyReadingWriter:
    """One binary COPY for all live rows, sent in slices as they are encoded; backfilled
    rows after it, through the staging table (see the module docstring)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def write(self, chunks: Iterable[ReadingColumns]) -> int:
        written = [0]
        backfilled: list[ReadingColumns] = []

        def live_parts() -> Iterator[ReadingColumns]:
            for chunk in chunks:
                live, historical = chunk.split_historical()
                if historical is not None:
                    backfilled.append(historical)
                yield live

        def payload(parts: Iterator[ReadingColumns], plain: bool) -> Iterator[bytes]:
            yield _HEADER
            for live in parts:
                written[0] += len(live)
                yield from _sliced(encode_rows(live, plain))
            yield _TRAILER

        for plain, parts in groupby(live_parts(), key=is_plain):
            _copy(self._c, PLAIN_STATEMENT if plain else COPY_STATEMENT, payload(parts, plain))
        if backfilled:
            written[0] += self._write_backfill(first_per_key(ReadingColumns.concat(backfilled)))
        return written[0]

    def _write_backfill(self, columns: ReadingColumns) -> int:
        """Stage the rows, then insert those whose (tag_id, ts) the table does not hold."""
        self._c.execute(sa.text(_CREATE_STAGING))
        _copy(self._c, STAGING_STATEMENT, iter([_HEADER, encode_rows(columns), _TRAILER]))
        self._c.execute(sa.text(BACKFILL_LOCK))
        inserted = self._c.execute(sa.text(_INSERT_NEW)).rowcount
        self._c.execute(sa.text(f"TRUNCATE {STAGING}"))
        return int(inserted)


class PortableReadingWriter:
    """Multi-row INSERTs (PyMySQL and pyodbc batch an executemany into few statements).

    Backfilled rows are inserted where a look-up of their tags' stored timestamps in
    the same range finds none (the table lock of another drain is not taken here).
    """

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def write(self, chunks: Iterable[ReadingColumns]) -> int:
        total = 0
        for chunk in chunks:
            live, historical = chunk.split_historical()
            if historical is not None:
                total += self._insert(self._new_only(historical))
            total += self._insert(live)
        return total

    def _insert(self, columns: ReadingColumns) -> int:
        for start in range(0, len(columns), PORTABLE_CHUNK):
            stop = min(start + PORTABLE_CHUNK, len(columns))
            self._c.execute(scada_readings.insert(), _rows(columns, start, stop))
        return len(columns)

    def _new_only(self, columns: ReadingColumns) -> ReadingColumns:
        """The rows whose (tag_id, ts) is neither stored nor earlier in `columns`."""
        r = scada_readings
        stored: set[tuple[int, datetime]] = set()
        tags = sorted({int(tag) for tag in columns.tag_id})
        low, high = _instant(int(columns.ts_us.min())), _instant(int(columns.ts_us.max()))
        for start in range(0, len(tags), 500):
            query = sa.select(r.c.tag_id, r.c.ts).where(
                r.c.tag_id.in_(tags[start : start + 500]), r.c.ts >= low, r.c.ts <= high
            )
            stored |= {(int(t), _utc(ts)) for t, ts in self._c.execute(query)}
        keep = []
        for i in range(len(columns)):
            key = (int(columns.tag_id[i]), _instant(int(columns.ts_us[i])))
            if key not in stored:
                stored.add(key)
                keep.append(i)
        return columns.take(np.array(keep, dtype=np.intp))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _rows(columns: ReadingColumns, start: int, stop: int) -> list[dict[str, Any]]:
    values: npt.NDArray[np.float64] = columns.value[start:stop]
    texts = columns.text
    return [
        {
            "tag_id": int(columns.tag_id[i]),
            "ts": _instant(int(columns.ts_us[i])),
            "value": None if np.isnan(values[i - start]) else float(values[i - start]),
            "status": int(columns.status[i]),
            "server_ts": None
            if columns.server_ts_missing[i]
            else _instant(int(columns.server_ts_us[i])),
            "value_type": int(columns.value_type[i]),
            "historical": bool(columns.historical[i]),
            "value_text": None if texts is None else texts[i],
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
