"""Rows the database wrote as JSON text itself, for a read that goes out as it came in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class JsonObjects:
    """`count` rows as the items of a JSON array (`items`, without the brackets): one
    object per row, keys `keys` in that order, each key's values of Python type `kinds`
    (as the row-by-row read would return them: float, str, date, datetime, bool, int or
    None), written as pydantic writes those values. `known` names keys whose values the
    database confirmed are among the given strings (a string enum's values)."""

    count: int
    items: str
    keys: tuple[str, ...]
    kinds: tuple[type, ...]
    known: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class JsonPage:
    """A page whose rows the database wrote as JSON objects, with its filter's `total`."""

    objects: JsonObjects
    total: int
    limit: int
    offset: int
