"""Shared pieces of the API's models: strict inputs, pages, value conversion."""

from __future__ import annotations

import functools
import re
import types
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from operator import itemgetter
from typing import Annotated, Any, ClassVar, Generic, TypeVar, Union, get_args, get_origin

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)

from shared.core.common.pages import Page

T = TypeVar("T")

# --- path and query parameters: what every database can hold ---

INT32_MAX = 2**31 - 1
"""The largest value of an INTEGER column (PostgreSQL, MySQL, SQL Server)."""

CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f"
PLAIN_TEXT_PATTERN = f"^[^{CONTROL_CHARACTERS}]*$"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""Times and days a query may name: inside every database's and Python's range, with
room for the services' default windows on either side (a year-1 date with an offset
has no UTC value at all)."""


def no_control_characters(value: str) -> str:
    """NUL cannot be stored in PostgreSQL text, and no name or filter needs a control character."""
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def in_query_range(moment: datetime) -> datetime:
    """A time without an offset is UTC; its UTC value must lie in [1900, 2200)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError("must be from 1900-01-01T00:00:00Z to before 2200-01-01T00:00:00Z")
    return moment


def day_in_query_range(day: date) -> date:
    if not EARLIEST.date() <= day < LATEST.date():
        raise ValueError("must be from 1900-01-01 to 2199-12-31")
    return day


PlainText = Annotated[
    str,
    AfterValidator(no_control_characters),
    Field(json_schema_extra={"pattern": PLAIN_TEXT_PATTERN}),
]
"""A free-text query value: no control characters (give it a max_length where it is used)."""

Moment = Annotated[datetime, AfterValidator(in_query_range)]
"""A time in a query: naive is UTC, years 1900 to 2199 (UTC)."""

Day = Annotated[date, AfterValidator(day_in_query_range)]
"""A calendar day in a path or query: 1900-01-01 to 2199-12-31."""

SerialId = Annotated[int, Path(ge=1, le=INT32_MAX, description="Numeric id")]
"""A numeric id in a path: beyond an INTEGER column's range it cannot exist (422)."""


def reject_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL; refuse it as bad input instead of failing on write."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


class ApiModel(BaseModel):
    """The API's answers: their validators and serializers are built on first use, not when
    the module is imported (a cold start imports every route's models and serves one).

    Not for request bodies or query models (`StrictInput`, plain `BaseModel`): FastAPI
    builds the adapter of a request field as it declares the route, silencing a pydantic
    warning about the field's alias there; deferred, it would warn on the first request.
    """

    model_config = ConfigDict(defer_build=True)


class StrictInput(BaseModel):
    """Request bodies: unknown fields are errors, strings are trimmed, numbers are finite."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    _no_nul = field_validator("*", mode="after")(reject_nul)


class PatchInput(StrictInput):
    """PATCH bodies: only the fields sent change; `not_null` fields may not be set to null."""

    not_null: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _reject_nulls(cls, value: Any, info: ValidationInfo) -> Any:
        # A field validator (not a model one) so the error names the field.
        if value is None and info.field_name in cls.not_null:
            raise ValueError("may not be null")
        return value


def to_values(model: BaseModel, only_set: bool = False) -> dict[str, Any]:
    """The model's data for the services: UUIDs as strings, enums as values."""
    data = model.model_dump(exclude_unset=only_set)
    return {key: _plain(value) for key, value in data.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value
    return value


class PageOut(ApiModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def as_response_model(model: Any, content: Any) -> bytes:
    """`content` as FastAPI's `response_model=model` writes it (validated from attributes,
    dumped by alias), for a sync route to return as its body: FastAPI validates a sync
    route's answer on a second trip to the thread pool, this runs where the route runs."""
    adapter = _adapter(model)
    return adapter.dump_json(adapter.validate_python(content, from_attributes=True), by_alias=True)


def id_text(value: uuid.UUID | None) -> str | None:
    """An optional id as the services take it."""
    return None if value is None else str(value)


def page_out(page: Page[Any]) -> dict[str, Any]:
    following = page.offset + page.limit
    return {
        "items": page.items,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": following if following < page.total else None,
    }


# --- rows the server just read, to JSON without validating them again ---

_AS_READ: dict[Any, frozenset[type]] = {
    float: frozenset({float}),
    int: frozenset({int}),
    str: frozenset({str}),
    bool: frozenset({bool}),
    date: frozenset({date}),
    datetime: frozenset({datetime}),
    uuid.UUID: frozenset({str}),  # the repositories' UUIDs are their text
}


PlainField = tuple[str, frozenset[type], frozenset[str] | None]
"""A field's name, the exact value types that serialize as the model would, and for a
string enum the values validation keeps (None: any value of those types)."""


@functools.cache
def _plain_fields(model: type[BaseModel], computed: bool = False) -> tuple[PlainField, ...] | None:
    """The model's fields (`PlainField`), or None when it has anything beyond plain, optional
    scalars and string enums (aliases, nested models; computed fields unless `computed`,
    which the caller then adds itself): its rows always go through validation."""
    if model.model_computed_fields and not computed:
        return None
    fields = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        members = (
            get_args(annotation)
            if get_origin(annotation) in (Union, types.UnionType)
            else (annotation,)
        )
        plain = [member for member in members if member is not type(None)]
        if info.alias or info.serialization_alias or len(plain) != 1:
            return None
        values = None
        if isinstance(plain[0], type) and issubclass(plain[0], StrEnum):
            values = frozenset(member.value for member in plain[0])
            kinds: frozenset[type] = frozenset({str})
        elif plain[0] in _AS_READ:
            kinds = _AS_READ[plain[0]]
        else:
            return None
        allowed = kinds | ({type(None)} if len(members) > len(plain) else set())
        fields.append((name, frozenset(allowed), values))
    return tuple(fields)


def json_fits(
    keys: Sequence[str],
    kinds: Sequence[type],
    model: type[BaseModel],
    known: Mapping[str, frozenset[str]] | None = None,
    computed: bool = False,
) -> bool:
    """Whether JSON objects of `keys` whose values have Python types `kinds` (None aside),
    written as pydantic writes those values, are what `model` writes: `rows_fit` for
    rows the database wrote in JSON itself (`JsonObjects`). A string enum's values must
    be `known` to be among its own. With `computed`, the model's computed fields are the
    caller's to check (`keys` are its other fields)."""
    fields = _plain_fields(model, computed)
    if fields is None or tuple(keys) != tuple(name for name, _, _ in fields):
        return False
    known = known or {}
    for name, _, values in fields:  # an enum's values: those the database confirmed
        if values is not None and not (name in known and known[name] <= values):
            return False
    return all(kind in allowed for kind, (_, allowed, _) in zip(kinds, fields, strict=True))


def rows_fit(
    rows: Sequence[dict[str, Any]], model: type[BaseModel], computed: bool = False
) -> bool:
    """Whether `rows` serialize exactly as validating them into `model` would serialize.

    True when every row has the model's fields in its order and each value already
    has the type validation would produce (a float column of floats, a date of dates,
    a UUID as its text, a string enum's value). Then `pydantic_core.to_json` of the rows
    writes the same bytes as the response model, without building a model per row.
    With `computed`, the model's computed fields are left to the caller to add.
    """
    fields = _plain_fields(model, computed)
    if fields is None:
        return False
    names = tuple(name for name, _, _ in fields)
    if any(tuple(row) != names for row in rows):
        return False
    if rows and not all(type(key) is str for key in rows[0]):  # a str subclass serializes slowly
        return False
    for name, allowed, values in fields:
        column = list(map(itemgetter(name), rows))
        if not set(map(type, column)) <= allowed:
            return False
        if values is not None and not set(column) - {None} <= values:
            return False
    return True
