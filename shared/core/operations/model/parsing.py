"""Pydantic at the edge: turn a validation failure into an error that names the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared.core.operations.errors import OperationsInputError

M = TypeVar("M", bound=BaseModel)


def first_problem(exc: ValidationError) -> tuple[str, str]:
    """The dotted field and the reason of the first error pydantic found."""
    error = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in error["loc"]) or "body"
    return field, str(error["msg"])


def parse_model(
    model: type[M],
    data: Mapping[str, Any] | str | bytes,
    error: type[OperationsInputError] = OperationsInputError,
    prefix: str = "",
) -> M:
    """`model` validated from a mapping or JSON text; `error(field, reason)` if it is not."""
    try:
        if isinstance(data, str | bytes):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        field, reason = first_problem(exc)
        raise error(f"{prefix}{field}", reason) from None
