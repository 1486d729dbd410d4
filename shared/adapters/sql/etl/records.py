"""Rows of the ETL tables to records and back: runs, watermark values, quarantined rows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from shared.adapters.sql.etl.load import utc
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.mapping import RejectedRow, key_text
from shared.core.etl.ports.imports import ImportCounts, ImportRecord, ImportStatus
from shared.core.etl.ports.runs import EntityCounts, RunRecord, RunStatus

MAX_ERROR = 2000
MAX_REASON = 1000


def encode_cursor(value: Any) -> tuple[str, str]:
    """A cursor value as (type, text), exact for every type a cursor column can have."""
    if isinstance(value, datetime):
        return "datetime", value.isoformat()
    if isinstance(value, date):
        return "date", value.isoformat()
    if isinstance(value, bool):
        raise TypeError("a boolean cannot be a cursor")
    if isinstance(value, int):
        return "int", str(value)
    if isinstance(value, Decimal):
        return "decimal", str(value)
    if isinstance(value, float):
        return "float", repr(value)
    return "str", str(value)


def decode_cursor(kind: str, text: str) -> Any:
    decoders: dict[str, Any] = {
        "datetime": datetime.fromisoformat,
        "date": date.fromisoformat,
        "int": int,
        "decimal": Decimal,
        "float": float,
    }
    decoder = decoders.get(kind)
    return decoder(text) if decoder else text


def run_values(run: RunRecord) -> dict[str, Any]:
    totals = run.totals
    return {
        "triggered_by": run.trigger,
        "status": run.status.value,
        "started_at": utc(run.started_at),
        "finished_at": utc(run.finished_at),
        "rows_read": totals.read,
        "rows_written": totals.written,
        "rows_quarantined": totals.quarantined,
        "rows_duplicate": totals.duplicates,
        "rows_deleted": totals.deleted,
        "entities": {name: asdict(counts) for name, counts in run.entities.items()},
        "error": run.error[:MAX_ERROR] if run.error else None,
    }


def run_from_row(row: sa.RowMapping) -> RunRecord:
    return RunRecord(
        id=str(row["id"]),
        trigger=row["triggered_by"],
        status=RunStatus(row["status"]),
        started_at=utc(row["started_at"]),
        finished_at=utc(row["finished_at"]),
        totals=EntityCounts(
            row["rows_read"],
            row["rows_written"],
            row["rows_quarantined"],
            row["rows_duplicate"],
            row["rows_deleted"],
        ),
        entities={name: EntityCounts(**counts) for name, counts in (row["entities"] or {}).items()},
        error=row["error"],
    )


def quarantine_row(
    entity: Entity, rejected: RejectedRow, run_id: str, at: datetime
) -> dict[str, Any]:
    data = json.dumps(rejected.values, ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha256(f"{entity.value}\x00{data}".encode()).hexdigest()
    return {
        "entity": entity.value,
        "row_hash": digest,
        "run_id": run_id,
        "source_key": key_text(rejected.source_key)[:500],
        "field": rejected.field[:200],
        "reason": rejected.reason[:MAX_REASON],
        "row_data": data,
        "quarantined_at": at,
    }


def import_values(record: ImportRecord) -> dict[str, Any]:
    counts = record.counts
    return {
        "kind": record.kind.value,
        "status": record.status.value,
        "filename": record.filename,
        "file_format": record.file_format,
        "size_bytes": record.size_bytes,
        "blob_prefix": record.blob_prefix,
        "parts": record.parts,
        "sha256": record.sha256,
        "created_by": record.created_by,
        "created_at": utc(record.created_at),
        "updated_at": utc(record.updated_at),
        "columns": record.columns,
        "suggested_mapping": record.suggested,
        "mapping": record.mapping,
        "rows_processed": counts.processed,
        "rows_inserted": counts.inserted,
        "rows_updated": counts.updated,
        "rows_unchanged": counts.unchanged,
        "rows_duplicate": counts.duplicate,
        "rows_rejected": counts.rejected,
        "error": record.error[:MAX_ERROR] if record.error else None,
    }


def import_from_row(row: sa.RowMapping) -> ImportRecord:
    return ImportRecord(
        id=str(row["id"]),
        kind=Entity(row["kind"]),
        status=ImportStatus(row["status"]),
        filename=row["filename"],
        file_format=row["file_format"],
        size_bytes=int(row["size_bytes"]),
        blob_prefix=row["blob_prefix"],
        parts=int(row["parts"]),
        sha256=row["sha256"],
        created_by=row["created_by"],
        created_at=utc(row["created_at"]),
        updated_at=utc(row["updated_at"]),
        columns=list(row["columns"]),
        suggested=dict(row["suggested_mapping"]),
        mapping=dict(row["mapping"]) if row["mapping"] else None,
        counts=ImportCounts(
            processed=row["rows_processed"],
            inserted=row["rows_inserted"],
            updated=row["rows_updated"],
            unchanged=row["rows_unchanged"],
            duplicate=row["rows_duplicate"],
            rejected=row["rows_rejected"],
        ),
        error=row["error"],
    )
