"""ETL configuration, tools and runs, and spreadsheet imports on the wire.

The configuration's own models (`EtlConfigInput` in, `EtlConfig` out) live in
shared.core.etl.model.config; they are the contract. The source URL is write-only:
no response carries it, only `connection_secret_ref`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, SecretStr

from functions.api.schemas.common import ApiModel, StrictInput
from shared.core.etl.model.mapping import RejectedRow
from shared.core.etl.ports.imports import ImportRecord, RowResult
from shared.core.etl.ports.runs import RunRecord
from shared.core.etl.services.import_preview import ImportPreview
from shared.core.etl.services.tools import ConnectionReport, Preview


class TestConnectionIn(StrictInput):
    connection_url: SecretStr | None = Field(
        default=None, description="Test this URL instead of the stored one (not stored)"
    )


class TableCheckOut(ApiModel):
    entity: str
    table: str
    found: bool
    columns: int
    problem: str | None
    field: str | None


class ConnectionReportOut(ApiModel):
    ok: bool
    dialect: str | None
    server_version: str | None
    read_only: bool | None = Field(description="The session is read-only on the server side")
    tables: list[TableCheckOut]
    error: str | None


class MappingErrorOut(ApiModel):
    source_key: list[Any]
    field: str
    reason: str
    values: dict[str, Any] = Field(description="The source row as read")


class PreviewOut(ApiModel):
    entity: str
    scanned: int = Field(description="Source rows read for the preview")
    rows: list[dict[str, Any]] = Field(description="The first 20 rows as WellOS would store them")
    errors: list[MappingErrorOut] = Field(description="Every mapping error among the rows read")


class CountsOut(ApiModel):
    read: int
    written: int
    quarantined: int
    duplicates: int
    deleted: int


class RunOut(ApiModel):
    id: uuid.UUID
    trigger: str
    status: Literal["running", "succeeded", "failed", "abandoned"]
    started_at: datetime
    finished_at: datetime | None
    rows_read: int
    rows_written: int
    rows_quarantined: int
    rows_duplicate: int
    rows_deleted: int
    entities: dict[str, CountsOut]
    error: str | None


class RunQueuedOut(ApiModel):
    queued: Literal[True] = True
    message_id: str


class RunsOut(ApiModel):
    items: list[RunOut]
    limit: int
    offset: int


class QuarantinedOut(ApiModel):
    entity: str
    run_id: uuid.UUID
    source_key: str
    field: str
    reason: str
    row_data: dict[str, Any]
    quarantined_at: datetime


def report_out(report: ConnectionReport) -> dict[str, Any]:
    return {**vars(report), "tables": [vars(table) for table in report.tables]}


def rejected_out(row: RejectedRow) -> dict[str, Any]:
    return {
        "source_key": list(row.source_key),
        "field": row.field,
        "reason": row.reason,
        "values": row.values,
    }


def preview_out(preview: Preview) -> dict[str, Any]:
    errors = [rejected_out(row) for row in preview.errors]
    return {
        "entity": preview.entity,
        "scanned": preview.scanned,
        "rows": preview.rows,
        "errors": errors,
    }


def run_out(run: RunRecord) -> dict[str, Any]:
    totals = run.totals
    return {
        "id": run.id,
        "trigger": run.trigger,
        "status": run.status.value,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "rows_read": totals.read,
        "rows_written": totals.written,
        "rows_quarantined": totals.quarantined,
        "rows_duplicate": totals.duplicates,
        "rows_deleted": totals.deleted,
        "entities": {name: vars(counts) for name, counts in run.entities.items()},
        "error": run.error,
    }


# Imports --------------------------------------------------------------------------------

ImportKind = Literal["production", "wells", "equipment"]


class ImportCountsOut(ApiModel):
    processed: int
    inserted: int
    updated: int
    unchanged: int
    duplicate: int
    rejected: int


class ImportOut(ApiModel):
    id: uuid.UUID
    kind: ImportKind
    status: Literal["previewed", "queued", "running", "succeeded", "failed", "undone"]
    filename: str
    file_format: Literal["csv", "xlsx"]
    size_bytes: int
    columns: list[str]
    mapping: dict[str, Any] | None = Field(description="The confirmed mapping")
    counts: ImportCountsOut
    summary: str
    error: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class ColumnOut(ApiModel):
    name: str
    samples: list[Any]


class ColumnWarningOut(ApiModel):
    column: str
    message: str


class PreviewRowOut(ApiModel):
    line: int
    values: dict[str, Any]


class RowProblemOut(ApiModel):
    line: int
    field: str
    reason: str


class ImportPreviewOut(ApiModel):
    import_: ImportOut = Field(alias="import")
    columns: list[ColumnOut]
    suggested_mapping: dict[str, Any] = Field(
        description="Send it back (edited) to /confirm: column_mapping and transforms"
    )
    unmapped_columns: list[str]
    warnings: list[ColumnWarningOut]
    rows: list[PreviewRowOut] = Field(description="The first rows mapped with the suggestion")
    problems: list[RowProblemOut] = Field(description="Problems among the first 200 rows")


class RowResultOut(ApiModel):
    line: int
    status: Literal["inserted", "updated", "unchanged", "duplicate", "rejected"]
    key: str | None
    field: str | None
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ImportDetailOut(ImportOut):
    rows: list[RowResultOut]
    rows_limit: int
    rows_offset: int


class UndoOut(ApiModel):
    import_: ImportOut = Field(alias="import")
    reverted: int
    skipped: int = Field(description="Rows changed since the import: left as they are")


def import_summary(record: ImportRecord) -> str:
    counts = record.counts
    if record.status.value == "succeeded" and not (counts.inserted or counts.updated):
        return f"nothing changed: all {counts.unchanged} valid rows were already stored"
    return (
        f"{counts.processed} rows: {counts.inserted} inserted, {counts.updated} updated, "
        f"{counts.unchanged} unchanged, {counts.duplicate} duplicate, {counts.rejected} rejected"
    )


def import_out(record: ImportRecord) -> dict[str, Any]:
    return {
        **{k: v for k, v in vars(record).items() if k not in ("counts", "suggested")},
        "kind": record.kind.value,
        "status": record.status.value,
        "counts": vars(record.counts),
        "summary": import_summary(record),
    }


def row_out(result: RowResult) -> dict[str, Any]:
    return {**vars(result), "status": result.status.value}


def import_preview_out(preview: ImportPreview) -> dict[str, Any]:
    record, suggestion = preview.record, preview.suggestion
    columns = [
        {"name": name, "samples": [row.values[i] for row in preview.samples]}
        for i, name in enumerate(record.columns)
    ]
    warnings = [vars(w) for w in suggestion.warnings]
    for earlier in preview.earlier:
        message = f"this file was imported before (import {earlier.id}): rows already stored stay"
        warnings.append({"column": "", "message": message + " unchanged"})
    return {
        "import": import_out(record),
        "columns": columns,
        "suggested_mapping": record.suggested,
        "unmapped_columns": suggestion.unmapped,
        "warnings": warnings,
        "rows": [vars(row) for row in preview.rows],
        "problems": [vars(problem) for problem in preview.problems],
    }
