"""A configuration against the field catalog, then against the source's reflected schema.

Every refusal is an InputError naming the path of the offending setting, as the
API shows it: `entities.production.column_mapping.oil_bbl`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shared.core.common.errors import InputError
from shared.core.etl.errors import RowRejectedError, SourcePolicyError, SourceSchemaError
from shared.core.etl.model.coerce import coercer_for
from shared.core.etl.model.config import (
    DateTransform,
    DefaultTransform,
    EntityMapping,
    EtlSettings,
    MapTransform,
    Transform,
    UnitTransform,
)
from shared.core.etl.model.fields import FIELDS, Entity, Kind, TargetField
from shared.core.etl.model.transforms import unit_factor, units_into
from shared.core.etl.ports.runs import ColumnKind, SourceTable

Describe = Callable[[str | None, str], SourceTable | None]
CURSOR_KINDS = frozenset({ColumnKind.TEMPORAL, ColumnKind.DATE, ColumnKind.NUMERIC})


def check_settings(settings: EtlSettings) -> None:
    for entity, mapping in settings.entities.items():
        check_mapping(entity, mapping.column_mapping, mapping.transforms, f"entities.{entity}")


def check_mapping(
    entity: Entity,
    column_mapping: dict[str, str],
    transforms: dict[str, list[Transform]],
    path: str,
) -> None:
    """Field names, required fields and transforms of one entity's mapping."""
    fields = FIELDS[entity]
    for target in column_mapping:
        if target not in fields:
            known = ", ".join(fields)
            raise InputError(f"{path}.column_mapping.{target}", f"is not a field; use {known}")
    missing = [
        name for name, spec in fields.items() if spec.required and name not in column_mapping
    ]
    if missing:
        raise InputError(f"{path}.column_mapping", f"must map {', '.join(missing)}")
    for target, chain in transforms.items():
        if target not in column_mapping:
            raise InputError(f"{path}.transforms.{target}", "names no field of column_mapping")
        for index, transform in enumerate(chain):
            step_path = f"{path}.transforms.{target}.{index}"
            _check_transform(fields[target], transform, step_path, index == len(chain) - 1)


def _check_transform(spec: TargetField, transform: Transform, path: str, last: bool) -> None:
    """One transform of a field's chain; the values a MAP or DEFAULT puts last in the chain
    must already be what the field takes (a number in range, a choice, safe text)."""
    if isinstance(transform, UnitTransform):
        if spec.unit is None:
            raise InputError(f"{path}.type", f"{spec.name} has no unit to convert into")
        if transform.to_unit.lower() != spec.unit:
            raise InputError(f"{path}.to_unit", f"{spec.name} is in {spec.unit}")
        if unit_factor(transform.from_unit, transform.to_unit) is None:
            known = ", ".join(units_into(spec.unit))
            raise InputError(f"{path}.from_unit", f"converts into {spec.unit} only from {known}")
    elif isinstance(transform, DateTransform):
        if spec.kind is not Kind.DATE:
            raise InputError(f"{path}.type", f"{spec.name} is not a date field")
        for position, pattern in enumerate(transform.formats):
            if "%" not in pattern:
                raise InputError(f"{path}.formats.{position}", "has no % directive")
    elif isinstance(transform, MapTransform) and (spec.kind is Kind.CHOICE or last):
        for source, value in transform.mapping.items():
            _check_value(spec, value, f"{path}.mapping.{source}")
    elif isinstance(transform, DefaultTransform) and last:
        _check_value(spec, transform.value, f"{path}.value")


def _check_value(spec: TargetField, value: object, path: str) -> None:
    try:
        coercer_for(spec)(value)
    except RowRejectedError as exc:
        raise InputError(path, exc.reason) from None


def check_against_source(settings: EtlSettings, describe: Describe) -> None:
    """Every table and column the configuration names exists in the source."""
    for entity, mapping in settings.entities.items():
        check_entity_against_source(entity, mapping, describe)


def check_entity_against_source(entity: Entity, mapping: EntityMapping, describe: Describe) -> None:
    path = f"entities.{entity}"
    try:
        table = describe(mapping.source_schema, mapping.source_table)
    except SourcePolicyError as exc:  # the schema names a WellOS database
        raise SourcePolicyError(f"{path}.{exc.field}", exc.reason) from None
    if table is None:
        raise SourceSchemaError(f"{path}.source_table", _no_table(mapping))
    _check_columns(table, mapping.key_columns, f"{path}.key_columns")
    for target, column in mapping.column_mapping.items():
        _check_column(table, column, f"{path}.column_mapping.{target}")
    if mapping.cursor_column is not None:
        _check_column(table, mapping.cursor_column, f"{path}.cursor_column")
        if table.columns[mapping.cursor_column].kind not in CURSOR_KINDS:
            reason = f"column {mapping.cursor_column!r} must be a date, time or number"
            raise SourceSchemaError(f"{path}.cursor_column", reason)


def _no_table(mapping: EntityMapping) -> str:
    where = f" in schema {mapping.source_schema!r}" if mapping.source_schema else ""
    hint = "; name a schema with source_schema" if "." in mapping.source_table else ""
    return f"table {mapping.source_table!r} does not exist in the source{where}{hint}"


def _check_columns(table: SourceTable, columns: Sequence[str], path: str) -> None:
    for index, column in enumerate(columns):
        _check_column(table, column, f"{path}.{index}")


def _check_column(table: SourceTable, column: str, path: str) -> None:
    if column not in table.columns:
        reason = f"column {column!r} does not exist in table {table.name!r}"
        raise SourceSchemaError(path, reason)
