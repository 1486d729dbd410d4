"""Shared pieces of the API's models: strict inputs, pages, value conversion."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from shared.core.ports.pages import Page

T = TypeVar("T")


def reject_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL; refuse it as bad input instead of failing on write."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


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


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


def page_out(page: Page[Any]) -> dict[str, Any]:
    following = page.offset + page.limit
    return {
        "items": page.items,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": following if following < page.total else None,
    }
