"""Large reads on PostgreSQL as one JSON value: the rows leave the server as a single
`json_agg` text, which Python's C JSON parser turns into lists.

pg8000 decodes each column of each row in Python (~15 µs for a 20-column row); a year
of a well's daily production, or two weeks of hourly readings, spend most of their
request there. Here the server encodes, `json.loads` decodes, and only the values
JSON has no type for are converted back (dates, times; whole floats come back as
ints). The records are the same as the row-by-row read's: same keys, same types.
Other databases take the portable path, one row at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import aggregate_order_by

from shared.adapters.rows import Record

Convert = Callable[[Any], Any]


def _converter(column_type: sa.types.TypeEngine[Any]) -> Convert | None:
    """How a JSON value becomes the value the row-by-row read returns (None: as it is)."""
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat
    if isinstance(column_type, sa.Date):
        return date.fromisoformat
    if isinstance(column_type, sa.Float):  # Double: 80 comes back as int, NaN as "NaN"
        return float
    if isinstance(column_type, sa.String | sa.Boolean | sa.Uuid | sa.Integer):
        return None
    raise _NoJsonRead(repr(column_type))


class _NoJsonRead(TypeError):
    """A column whose JSON value has no known way back (read row by row instead)."""


def read_records(
    connection: Connection, query: sa.Select[Any], order_by: Sequence[str]
) -> list[Record]:
    """The rows of `query` as dicts, in the order of its columns named `order_by`.

    `query` selects columns of known types and orders by `order_by` itself (its
    ORDER BY picks the rows of a LIMIT; the aggregate's orders them); a column of
    another type sends the query down the row-by-row path.
    """
    keys = tuple(str(column.key) for column in query.selected_columns)
    return [dict(zip(keys, row, strict=True)) for row in read_rows(connection, query, order_by)]


def read_rows(
    connection: Connection, query: sa.Select[Any], order_by: Sequence[str]
) -> list[Sequence[Any]]:
    """`read_records` as value sequences in the order of the query's columns (no dicts)."""
    rows = query.subquery("r")
    try:
        converters = [
            (index, convert)
            for index, column in enumerate(rows.columns)
            if (convert := _converter(column.type)) is not None
        ]
    except _NoJsonRead:
        converters = None
    if connection.dialect.name != "postgresql" or converters is None:
        return list(connection.execute(query))
    aggregate = sa.func.json_agg(
        aggregate_order_by(
            sa.func.json_build_array(*rows.columns), *(rows.c[name] for name in order_by)
        )
    )
    text = connection.execute(sa.select(aggregate.cast(sa.Text))).scalar_one()
    return _converted(converters, json.loads(text) if text else [])


def _converted(converters: list[tuple[int, Convert]], rows: list[list[Any]]) -> list[Sequence[Any]]:
    for values in rows:
        for index, convert in converters:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
    return list(rows)
