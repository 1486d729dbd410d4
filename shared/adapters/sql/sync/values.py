"""Values across the sync tables' dialects: UTC times in, aware UTC times out, JSON-ready data.

MySQL's DATETIME forgets the zone, so times are written in UTC and read back as
aware UTC datetimes on every dialect.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import is_dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from shared.adapters.rows import Record


def read_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def read_row(row: sa.RowMapping) -> Record:
    return {key: read_value(value) for key, value in row.items()}


def write_value(value: Any) -> Any:
    """UTC for times (MySQL would drop the offset), JSON-ready data inside JSON columns."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def write_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: write_value(value) for key, value in row.items()}


def to_json(value: Any) -> Any:
    """JSON-ready data: mappings and dataclasses as objects, sequences as lists."""
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return to_json(vars(value))
    return value
