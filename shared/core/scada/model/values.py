"""A stored reading's value back in its own type, as the readings API returns it.

The table keeps every number in the float `value` column and what a float cannot
hold in `value_text` (see model/columns.py); `value_type` is the OPC-UA built-in type
id. Non-finite floats have no JSON number: they come back as null (their name stays
in the table).
"""

from __future__ import annotations

from typing import Literal

from shared.core.scada.model.value_types import (
    FLOAT_TYPES,
    INTEGER_RANGES,
    VT_BOOLEAN,
    VT_DOUBLE,
    VT_ENUMERATION,
    VT_NULL,
    VT_STRING,
)

TypeName = Literal["float", "int", "bool", "string", "enum", "null"]
TypedValue = bool | int | float | str | None


def type_name(value_type: int) -> TypeName:
    if value_type in FLOAT_TYPES:
        return "float"
    if value_type == VT_ENUMERATION:
        return "enum"
    if value_type in INTEGER_RANGES:
        return "int"
    if value_type == VT_BOOLEAN:
        return "bool"
    if value_type == VT_STRING:
        return "string"
    if value_type == VT_NULL:
        return "null"
    return "float"  # not written by the drain; read as the Double every v1 reading is


def typed_value(value: float | None, value_type: int | None, text: str | None) -> TypedValue:
    """The reading's value in its type: integers exact, booleans, strings, floats."""
    kind = type_name(VT_DOUBLE if value_type is None else int(value_type))
    if kind == "string":
        return text
    if value is None:
        if kind in ("int", "enum") and text is not None:
            return int(text)
        return None
    if kind in ("int", "enum"):
        return int(text) if text is not None else int(value)
    if kind == "bool":
        return value != 0
    return float(value)
