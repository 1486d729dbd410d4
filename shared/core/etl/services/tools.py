"""What the operator's IT uses before trusting a configuration: a connection test, a preview."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from shared.core.common.errors import InputError
from shared.core.etl.errors import RowRejectedError, SourcePolicyError
from shared.core.etl.model.config import EntityMapping, EtlSettings
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.mapping import RejectedRow, RowMapper, jsonable
from shared.core.etl.ports.runs import ExtractRequest, SourceSession
from shared.core.etl.services.checks import check_entity_against_source
from shared.core.etl.services.runner import extract_request, mapper_for

PREVIEW_ROWS = 20
PREVIEW_SCAN = 1000


@dataclass(frozen=True)
class TableCheck:
    entity: str
    table: str
    found: bool
    columns: int = 0
    problem: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class ConnectionReport:
    ok: bool
    dialect: str | None = None
    server_version: str | None = None
    read_only: bool | None = None
    tables: list[TableCheck] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class Preview:
    entity: Entity
    scanned: int
    rows: list[dict[str, Any]]
    errors: list[RejectedRow]


def connection_report(session: SourceSession, settings: EtlSettings | None) -> ConnectionReport:
    info = session.info()
    entities = settings.entities.items() if settings else []
    tables = [_table_check(session, entity, mapping) for entity, mapping in entities]
    return ConnectionReport(True, info.dialect, info.server_version, info.read_only, tables)


def _table_check(session: SourceSession, entity: Entity, mapping: EntityMapping) -> TableCheck:
    try:
        table = session.describe(mapping.source_schema, mapping.source_table)
    except SourcePolicyError as exc:  # the schema names a WellOS database: refused, not reported
        raise SourcePolicyError(f"entities.{entity}.{exc.field}", exc.reason) from None
    name = mapping.source_table
    if table is None:
        return TableCheck(entity, name, False, problem="table not found")
    try:
        check_entity_against_source(entity, mapping, session.describe)
    except InputError as exc:
        return TableCheck(entity, name, True, len(table.columns), exc.reason, exc.field)
    return TableCheck(entity, name, True, len(table.columns))


def preview_entity(
    session: SourceSession,
    entity: Entity,
    mapping: EntityMapping,
    wells: dict[str, str],
    today: date,
) -> Preview:
    """The first mapped rows, and every error among the first rows the source returns."""
    check_entity_against_source(entity, mapping, session.describe)
    request = replace(extract_request(mapping, None), chunk_rows=PREVIEW_SCAN)
    mapper = mapper_for(entity, mapping, wells, today)
    errors = _null_rows(session, request, mapper)
    rows: list[dict[str, Any]] = []
    scanned = len(errors)
    first = next(iter(session.chunks(request)), [])
    for row in first:
        scanned += 1
        try:
            mapped = mapper.map_row(row)
        except RowRejectedError as exc:
            errors.append(mapper.rejection(row, exc.field, exc.reason))
            continue
        if len(rows) < PREVIEW_ROWS:
            rows.append({key: jsonable(value) for key, value in mapped.items()})
    return Preview(entity, scanned, rows, errors)


def _null_rows(
    session: SourceSession, request: ExtractRequest, mapper: RowMapper
) -> list[RejectedRow]:
    checked = [*request.not_null, *([request.cursor] if request.cursor else [])]
    rejected = []
    for row in session.rows_with_nulls(request, PREVIEW_SCAN):
        column = next(c for c in checked if row[request.columns.index(c)] is None)
        rejected.append(mapper.rejection(row, column, "key or cursor column is null"))
    return rejected
