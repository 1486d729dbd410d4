"""Queue messages of ETL runs and spreadsheet imports, and when a tenant is due.

A message carries ids only (the tenant, the import); workers read the rest
from the registry and the tenant's database. Message ids make re-sends of the
same tick or the same import idempotent on queues that deduplicate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.core.common.errors import InputError
from shared.core.ports.queue import OutgoingMessage

ETL_QUEUE = "etl"
IMPORTS_QUEUE = "imports"
TIMER_SLACK = timedelta(seconds=60)  # a tick a little early still counts as the interval


@dataclass(frozen=True)
class EtlJob:
    tenant_id: str
    trigger: str


@dataclass(frozen=True)
class ImportJob:
    tenant_id: str
    import_id: str


def etl_message(job: EtlJob, at: datetime) -> OutgoingMessage:
    body = json.dumps({"kind": "etl", "tenant_id": job.tenant_id, "trigger": job.trigger})
    minute = int(at.timestamp() // 60)
    return OutgoingMessage(body.encode(), f"etl-{job.tenant_id}-{minute}", {"kind": "etl"})


def import_message(job: ImportJob) -> OutgoingMessage:
    body = json.dumps({"kind": "import", "tenant_id": job.tenant_id, "import_id": job.import_id})
    return OutgoingMessage(body.encode(), f"import-{job.import_id}", {"kind": "import"})


def _fields(body: bytes, kind: str, names: tuple[str, ...]) -> list[str]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError("message", "is not a JSON job message") from exc
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise InputError("message.kind", f"must be {kind!r}")
    values = [data.get(name) for name in names]
    for name, value in zip(names, values, strict=True):
        if not isinstance(value, str) or not value:
            raise InputError(f"message.{name}", "must be a non-empty string")
    return [str(value) for value in values]


def parse_etl_job(body: bytes) -> EtlJob:
    tenant_id, trigger = _fields(body, "etl", ("tenant_id", "trigger"))
    return EtlJob(tenant_id, trigger)


def parse_import_job(body: bytes) -> ImportJob:
    tenant_id, import_id = _fields(body, "import", ("tenant_id", "import_id"))
    return ImportJob(tenant_id, import_id)


def is_due(last_enqueued_at: datetime | None, interval_minutes: int, now: datetime) -> bool:
    if last_enqueued_at is None:
        return True
    return now - last_enqueued_at >= timedelta(minutes=interval_minutes) - TIMER_SLACK
