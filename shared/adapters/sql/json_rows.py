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
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.rows import Record
from shared.adapters.sql.direct import fetch_one
from shared.adapters.sql.identity_cache import IdentityCache
from shared.core.common.json_text import JsonObjects

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
    connection: Connection,
    query: sa.Select[Any],
    order_by: Sequence[str],
    parameters: Mapping[str, Any] | None = None,
) -> list[Record]:
    """The rows of `query` as dicts, in the order of its columns named `order_by`.

    `query` selects columns of known types and orders by `order_by` itself (its
    ORDER BY picks the rows of a LIMIT; the aggregate's orders them); a column of
    another type sends the query down the row-by-row path. `parameters` bind the
    query's `bindparam`s (a query built once).
    """
    layout = _layout_of(query)
    keys = layout.keys if layout else tuple(str(c.key) for c in query.selected_columns)
    rows = read_rows(connection, query, order_by, parameters)
    return [dict(zip(keys, row, strict=True)) for row in rows]


def read_rows(
    connection: Connection,
    query: sa.Select[Any],
    order_by: Sequence[str],
    parameters: Mapping[str, Any] | None = None,
) -> list[Sequence[Any]]:
    """`read_records` as value sequences in the order of the query's columns (no dicts)."""
    layout = _layout_of(query)
    if connection.dialect.name != "postgresql" or layout is None or layout.converters is None:
        return list(connection.execute(query, parameters))
    order = tuple(order_by)
    statement = _wrapped(query, ("rows", order), lambda: [layout.aggregate(_quoted, order)])
    text = connection.execute(statement, parameters).scalar_one()
    return _converted(layout.converters, json.loads(text) if text else [])


@dataclass(frozen=True)
class _Layout:
    """What the JSON read needs to know of a query's columns."""

    keys: tuple[str, ...]
    names: tuple[str, ...]  # in SQL, as the subquery's columns are named
    converters: list[tuple[int, Convert]] | None  # None: a type JSON cannot bring back
    writing: tuple[str, str, tuple[type, ...]] | None  # `_json_writing` (PostgreSQL quoting)
    aggregates: dict[tuple[str, ...], sa.ColumnElement[Any]] = field(default_factory=dict)

    def aggregate(
        self, quote: Callable[[str], str], order_by: tuple[str, ...]
    ) -> sa.ColumnElement[Any]:
        """`json_agg` of the rows of subquery `r` as arrays, ordered by `order_by`."""
        built = self.aggregates.get(order_by)
        if built is None:
            values = ", ".join(f"r.{quote(name)}" for name in self.names)
            order = ", ".join(f"r.{quote(name)}" for name in order_by)
            sql = f"json_agg(json_build_array({values}) ORDER BY {order})::text"
            built = self.aggregates[order_by] = sa.literal_column(sql)
        return built


def _quoted(name: str) -> str:
    """A plain name (`_PLAIN_NAME`) as a PostgreSQL identifier, its case kept."""
    return f'"{name}"'


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LAYOUTS: IdentityCache[_Layout | None] = IdentityCache()


def _layout_of(query: sa.Select[Any]) -> _Layout | None:
    """The layout of `query`'s columns, remembered by what it selects (a table, a column
    built once): building it costs more than the rest of a small read. None when two
    columns share a name (the subquery would rename one) or one has no plain name."""
    selected = tuple(query._raw_columns)  # the public `selected_columns` costs ~0.2 ms
    return _LAYOUTS.get_or_build(selected, lambda: _new_layout(query))


def _new_layout(query: sa.Select[Any]) -> _Layout | None:
    columns = list(query.selected_columns)
    names = tuple(str(column.name) for column in columns)
    if len(set(names)) != len(names) or not all(map(_PLAIN_NAME.fullmatch, names)):
        return None
    try:
        converters: list[tuple[int, Convert]] | None = [
            (index, convert)
            for index, column in enumerate(columns)
            if (convert := _converter(column.type)) is not None
        ]
    except _NoJsonRead:
        converters = None
    writing = _json_writing(columns, _quoted)
    keys = tuple(str(column.key) for column in columns)
    return _Layout(keys, names, converters, writing)


def read_json_objects(
    connection: Connection,
    query: sa.Select[Any],
    order_by: Sequence[str],
    parameters: Mapping[str, Any] | None = None,
) -> JsonObjects | None:
    """The rows of `query` written by PostgreSQL as JSON objects, byte for byte as
    `pydantic_core.to_json` writes the dicts `read_records` returns, in `order_by` order.

    None where that is not certain, and the caller reads the rows instead: another
    database, a column type without a known writing, a float outside [1e-4, 1e15) that is
    not a whole number below 1e15 (there PostgreSQL's exponent notation differs), NaN and
    infinities (pydantic writes null), a day or time outside the years 1000-9999.
    """
    layout = _layout_of(query)
    if connection.dialect.name != "postgresql" or layout is None or layout.writing is None:
        return None
    row, safe, kinds = layout.writing
    order = ", ".join(f"r.{_quoted(name)}" for name in order_by)

    def written() -> list[sa.ColumnElement[Any]]:
        return [
            sa.literal_column("count(*)"),
            sa.literal_column(f"coalesce(string_agg({row}, ',' ORDER BY {order}), '')"),
            sa.literal_column(f"coalesce(bool_and({safe}), true)"),
            sa.literal_column("current_setting('extra_float_digits')::int >= 1"),
        ]

    statement = _wrapped(query, ("objects", tuple(order_by)), written)
    count, items, fits, shortest = fetch_one(connection, statement, parameters)
    if not (fits and shortest):
        return None
    return JsonObjects(int(count), str(items), layout.keys, kinds)


@dataclass(frozen=True)
class JsonField:
    """A value each object of `read_json_page` ends with: SQL over the subquery `r`'s
    columns writing its JSON text (never NULL), and its Python type."""

    key: str
    sql: str
    kind: type


def read_json_page(
    connection: Connection,
    query: sa.Select[Any],
    order_by: Sequence[str],
    parameters: Mapping[str, Any] | None,
    total: str,
    added: Sequence[JsonField] = (),
    known: Mapping[str, frozenset[str]] | None = None,
    omit: frozenset[str] = frozenset(),
) -> tuple[JsonObjects, int | None] | None:
    """`read_json_objects` of a page whose query carries its filter's total in column
    `total` (a window count, left out of the objects; None when the page has no rows),
    each object ending with the `added` values, the columns named in `omit` left out of
    it. A column named in `known` is written only
    when its values are among those strings (a string enum: else None, as for any value
    SQL cannot write as pydantic would)."""
    if connection.dialect.name != "postgresql":
        return None
    known = dict(known or {})
    omit = omit | {total}
    purpose = ("page", tuple(order_by), omit, tuple(added), tuple(sorted(known.items())))
    built = _PAGE_READS.get_or_build(
        (query,), lambda: _page_read(query, order_by, total, omit, added, known), purpose
    )
    if built is None:
        return None
    statement, keys, kinds = built
    values = fetch_one(connection, statement, parameters)
    count, items, fits, shortest, page_total = values
    if not (fits and shortest):
        return None
    objects = JsonObjects(int(count), str(items), keys, kinds, known)
    return objects, None if page_total is None else int(page_total)


_PageRead = tuple[sa.Select[Any], tuple[str, ...], tuple[type, ...]]
_PAGE_READS: IdentityCache[_PageRead | None] = IdentityCache()


def _page_read(
    query: sa.Select[Any],
    order_by: Sequence[str],
    total: str,
    omit: frozenset[str],
    added: Sequence[JsonField],
    known: Mapping[str, frozenset[str]],
) -> _PageRead | None:
    columns = [column for column in query.selected_columns if column.name not in omit]
    names = [str(column.name) for column in query.selected_columns]
    if len(set(names)) != len(names) or not all(map(_PLAIN_NAME.fullmatch, names)):
        return None
    writing = _json_writing(columns, _quoted, added, known)
    if writing is None:
        return None
    row, safe, kinds = writing
    order = ", ".join(f"r.{_quoted(name)}" for name in order_by)
    written: list[sa.ColumnElement[Any]] = [
        sa.literal_column("count(*)"),
        sa.literal_column(f"coalesce(string_agg({row}, ',' ORDER BY {order}), '')"),
        sa.literal_column(f"coalesce(bool_and({safe}), true)"),
        sa.literal_column("current_setting('extra_float_digits')::int >= 1"),
        sa.literal_column(f"max(r.{_quoted(total)})"),
    ]
    statement = sa.select(*written).select_from(query.subquery("r"))
    keys = (*(str(column.key) for column in columns), *(value.key for value in added))
    return statement, keys, kinds


_STATEMENTS: IdentityCache[sa.Select[Any]] = IdentityCache()


def _wrapped(
    query: sa.Select[Any], purpose: tuple[object, ...], columns: Callable[[], list[Any]]
) -> sa.Select[Any]:
    """`SELECT columns FROM (query) AS r`, built once per query object and purpose: a
    query built once (bound at execution) then costs no construction and no cache key."""

    def build() -> sa.Select[Any]:
        return sa.select(*columns()).select_from(query.subquery("r"))

    return _STATEMENTS.get_or_build((query,), build, purpose)


def _json_writing(
    columns: Sequence[sa.ColumnElement[Any]],
    quote: Callable[[str], str],
    added: Sequence[JsonField] = (),
    known: Mapping[str, frozenset[str]] | None = None,
) -> tuple[str, str, tuple[type, ...]] | None:
    """SQL writing a row of subquery `r` as a JSON object (ending with the `added` values),
    SQL saying whether every value is written as pydantic would (and a column in `known`
    holds one of its strings), and each value's Python type; None: a column has none."""
    parts: list[str] = []
    safe: list[str] = []
    kinds: list[type] = []
    for index, column in enumerate(columns):
        x = f"r.{quote(str(column.name))}"
        written = _json_value(x, column.type)
        if written is None:
            return None
        text, check, kind = written
        separator = "{" if index == 0 else ","
        key = json.dumps(str(column.key)).replace("'", "''")
        parts += [f"'{separator}{key}:'", f"coalesce({text}, 'null')"]
        kinds.append(kind)
        allowed = (known or {}).get(str(column.key))
        if allowed is not None:
            values = ", ".join(sql_text(value) for value in sorted(allowed)) or "NULL"
            check = f"{check} AND {x} IN ({values})" if check else f"{x} IN ({values})"
        if check:
            safe.append(f"({x} IS NULL OR ({check}))")
    for value in added:
        parts += [sql_text("," + json.dumps(value.key) + ":"), value.sql]
        kinds.append(value.kind)
    row = f"concat({', '.join([*parts, sql_text('}')])})"  # one text built, not one per ||
    return row, " AND ".join(safe) or "true", tuple(kinds)


def sql_text(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


_UTC_YEAR_1000 = "TIMESTAMPTZ '1000-01-01 00:00:00+00'"
_UTC_YEAR_10000 = "TIMESTAMPTZ '10000-01-01 00:00:00+00'"


def _json_value(x: str, column_type: sa.types.TypeEngine[Any]) -> tuple[str, str, type] | None:
    """SQL writing value `x` as pydantic writes its Python value, SQL saying where that
    holds ("" always), the Python type; None for a type without such a writing."""
    if isinstance(column_type, sa.Boolean):
        return f"CASE WHEN {x} THEN 'true' WHEN NOT {x} THEN 'false' END", "", bool
    if isinstance(column_type, sa.Integer):
        return f"{x}::text", "", int
    if isinstance(column_type, sa.Uuid):  # its text has nothing JSON escapes
        return f"""'"' || {x}::text || '"'""", "", str
    if isinstance(column_type, sa.String):
        return f"to_json({x})::text", "", str
    if isinstance(column_type, sa.DateTime):
        if not column_type.timezone:
            return None
        # one to_char; a whole second's ".000000" goes (no other "." in the text)
        written = f"""to_char({x} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
        text = f"""'"' || replace({written}, '.000000', '') || 'Z"'"""
        years = f"{x} >= {_UTC_YEAR_1000} AND {x} < {_UTC_YEAR_10000}"
        return text, years, datetime
    if isinstance(column_type, sa.Date):
        return f"to_json({x})::text", f"{x} >= '1000-01-01' AND {x} < '10000-01-01'", date
    if isinstance(column_type, sa.Double):  # float8: its shortest text is Python's digits
        whole = f"{x} = trunc({x})"
        text = f"CASE WHEN {whole} THEN {x}::text || '.0' ELSE {x}::text END"
        positive_zero = f"({x} <> 0 OR {x}::text = '0')"  # -0 is read back as 0.0
        return text, f"abs({x}) < 1e15 AND ({whole} OR abs({x}) >= 1e-4) AND {positive_zero}", float
    return None


def _converted(converters: list[tuple[int, Convert]], rows: list[list[Any]]) -> list[Sequence[Any]]:
    for values in rows:
        for index, convert in converters:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
    return list(rows)
