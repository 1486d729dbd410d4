"""Rules of spreadsheet imports: who may import, what a mapping must name, the audit entry."""

from __future__ import annotations

from datetime import datetime

from shared.core.common.access import require, require_office_role
from shared.core.common.actor import Actor
from shared.core.common.errors import InputError, NotFoundError, PermissionDeniedError
from shared.core.common.roles import Permission, sees_only_assigned_wells
from shared.core.common.units_of_work import AuditEntry
from shared.core.etl.model.config import ImportMapping
from shared.core.etl.ports.imports import ImportRecord
from shared.core.etl.services.checks import check_mapping


def require_import_reader(actor: Actor) -> None:
    """An import spans any wells: not for those who see only their assigned ones."""
    require(actor, Permission.WELLS_READ)
    if sees_only_assigned_wells(actor.role):
        raise PermissionDeniedError(
            "imports cover wells of the whole tenant; field operators see only their own"
        )


def require_import_writer(actor: Actor) -> None:
    require(actor, Permission.WELLS_WRITE)
    require_office_role(actor, "import spreadsheets")


def must_exist(record: ImportRecord | None, import_id: str) -> ImportRecord:
    if record is None:
        raise NotFoundError("import", import_id)
    return record


def check_import_mapping(record: ImportRecord, mapping: ImportMapping) -> None:
    check_mapping(record.kind, mapping.column_mapping, mapping.transforms, "mapping")
    for target, column in mapping.column_mapping.items():
        if column not in record.columns:
            shown = ", ".join(repr(c) for c in record.columns[:20])
            raise InputError(
                f"mapping.column_mapping.{target}",
                f"column {column!r} is not in the file ({shown})",
            )


def import_audit_entry(
    record: ImportRecord, action: str, email: str, at: datetime, extra: dict[str, int] | None
) -> AuditEntry:
    after = {"kind": record.kind.value, "filename": record.filename, **vars(record.counts)}
    return AuditEntry(
        action=action,
        entity="import",
        entity_id=record.id,
        actor_id="import",
        actor_email=email,
        at=at,
        before=None,
        after={**after, **(extra or {})},
        request_id="",
    )
