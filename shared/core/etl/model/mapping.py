"""A source row (a tuple in the order of `columns`) to a WellOS row, or a rejection.

Compiled once per run and entity: per mapped field the column's index, its
transform steps and the coercer of the field's type. A chunk is mapped a column
at a time first (each step and coercer over the whole column, in C where the
values are plain); a chunk where that meets a rejected value, a missing well
or a repeated key is mapped again row by row, which decides each row's fate
and reason. Production and
equipment rows name their well by API number; `wells` (API number -> well
id) resolves it. Within one chunk rows repeating a business key collapse to
the last one, and the duplicates are counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from shared.core.etl.errors import RowRejectedError
from shared.core.etl.model.coerce import Coercer, ColumnCoercer, coercer_for, column_coercer_for
from shared.core.etl.model.column_rows import ColumnRows
from shared.core.etl.model.config import Transform
from shared.core.etl.model.fields import BUSINESS_KEYS, FIELDS, Entity
from shared.core.etl.model.transforms import ColumnStep, Step, compile_chain, compile_column_chain

WELL_REFERENCE = "well_api_number"


@dataclass(frozen=True)
class RejectedRow:
    source_key: tuple[Any, ...]
    values: dict[str, Any]
    field: str
    reason: str


@dataclass
class MappedChunk:
    rows: Sequence[dict[str, Any]] = field(default_factory=list)
    """A list of dicts, or `ColumnRows` when the chunk was mapped a column at a time."""
    source_keys: list[tuple[Any, ...]] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    duplicates: int = 0


@dataclass(frozen=True)
class _Plan:
    name: str
    index: int
    steps: tuple[Step, ...]
    coerce: Coercer


class RowMapper:
    def __init__(
        self,
        entity: Entity,
        columns: Sequence[str],
        column_mapping: Mapping[str, str],
        transforms: Mapping[str, Sequence[Transform]],
        source_key: Callable[[Sequence[Any]], tuple[Any, ...]],
        wells: Mapping[str, str],
        today: date,
        key_indexes: Sequence[int] = (),
    ) -> None:
        """`key_indexes`: where `source_key` takes its values from, when it only picks them
        (a chunk mapped a column at a time then takes its keys from the columns, in C)."""
        self.entity = entity
        self.columns = list(columns)
        position = {name: index for index, name in enumerate(self.columns)}
        specs = FIELDS[entity]
        self._plan = [
            _Plan(
                name,
                position[column],
                tuple(compile_chain(name, transforms.get(name, ()))),
                coercer_for(specs[name], today),
            )
            for name, column in column_mapping.items()
        ]
        self._steps = [(p.name, p.index, p.steps, p.coerce) for p in self._plan]  # fast loop
        self._column_steps: list[tuple[str, int, list[ColumnStep], ColumnCoercer]] = [
            (
                name,
                position[column],
                compile_column_chain(name, transforms.get(name, ())),
                column_coercer_for(specs[name], today),
            )
            for name, column in column_mapping.items()
        ]
        self._business_key = BUSINESS_KEYS[entity]
        self._required = [n for n, spec in specs.items() if spec.required]
        self._source_key = source_key
        self._key_indexes = list(key_indexes)
        self._wells = wells
        self._today = today
        self._production = entity is Entity.PRODUCTION
        self._key_of = itemgetter(*BUSINESS_KEYS[entity])

    def map_row(self, row: Sequence[Any]) -> dict[str, Any]:
        """The WellOS row; raises RowRejectedError naming the field."""
        out: dict[str, Any] = {}
        for name, index, steps, coerce in self._steps:
            value = row[index]
            for step in steps:
                value = step(value)
            out[name] = coerce(value)
        for name in self._required:
            if out.get(name) is None:
                raise RowRejectedError(name, "is required but the value is empty")
        if WELL_REFERENCE in out:
            api = out.pop(WELL_REFERENCE)
            if api is not None:
                out["well_id"] = self._well_id(api)
        if self._production and out["production_date"] > self._today:
            day = out["production_date"]
            raise RowRejectedError("production_date", f"{day} is in the future")
        return out

    def _well_id(self, api: str) -> str:
        well_id = self._wells.get(api)
        if well_id is None:
            raise RowRejectedError(WELL_REFERENCE, f"no well with API number {api}")
        return well_id

    def map_chunk(self, rows: Sequence[Sequence[Any]]) -> MappedChunk:
        try:
            mapped = self._map_columns(rows) if rows else None
        except RowRejectedError:
            mapped = None
        return mapped if mapped is not None else self._map_rows(rows)

    def _map_columns(self, rows: Sequence[Sequence[Any]]) -> MappedChunk | None:
        """Every row mapped, unique by business key, or None (then row by row)."""
        source = list(zip(*rows, strict=True))
        out: dict[str, list[Any]] = {}
        for name, index, steps, coerce in self._column_steps:
            values: Sequence[Any] = source[index]
            for step in steps:
                values = step(values)
            out[name] = coerce(values)
        for name in self._required:
            if name not in out or None in out[name]:
                return None
        if WELL_REFERENCE in out:
            well_ids = list(map(self._wells.get, out.pop(WELL_REFERENCE)))
            if None in well_ids:
                return None
            out["well_id"] = well_ids
        if self._production and max(out["production_date"]) > self._today:
            return None
        if not all(name in out for name in self._business_key):
            return None
        keys = list(zip(*[out[name] for name in self._business_key], strict=True))
        if len(set(keys)) != len(rows):
            return None
        if self._key_indexes:
            source_keys = list(zip(*[source[index] for index in self._key_indexes], strict=True))
        else:
            source_keys = list(map(self._source_key, rows))
        return MappedChunk(ColumnRows(out, len(rows)), source_keys)

    def _map_rows(self, rows: Sequence[Sequence[Any]]) -> MappedChunk:
        mapped_rows: list[dict[str, Any]] = []
        chunk = MappedChunk(mapped_rows)
        kept: dict[tuple[Any, ...], int] = {}
        for row in rows:
            try:
                mapped = self.map_row(row)
            except RowRejectedError as rejected:
                chunk.rejected.append(self.rejection(row, rejected.field, rejected.reason))
                continue
            key = self._key_of(mapped)
            if key in kept:
                chunk.duplicates += 1
                index = kept[key]
                mapped_rows[index] = mapped
                chunk.source_keys[index] = self._source_key(row)
                continue
            kept[key] = len(mapped_rows)
            mapped_rows.append(mapped)
            chunk.source_keys.append(self._source_key(row))
        return chunk

    def rejection(self, row: Sequence[Any], field_name: str, reason: str) -> RejectedRow:
        values = {name: jsonable(value) for name, value in zip(self.columns, row, strict=False)}
        key = tuple(jsonable(value) for value in self._source_key(row))
        return RejectedRow(key, values, field_name, reason)


def jsonable(value: Any) -> Any:
    """A source value as JSON data (dates ISO, decimals as numbers, bytes as hex)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def key_text(key: Sequence[Any]) -> str:
    """A source key as one string (the deletion detector's and quarantine's id)."""
    return json.dumps([jsonable(value) for value in key], ensure_ascii=False, separators=(",", ":"))
