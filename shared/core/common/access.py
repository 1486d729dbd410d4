"""Permission checks and audit entries shared by the tenant services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from shared.core.common.actor import Actor
from shared.core.common.change_feed import record_changes
from shared.core.common.clock import Clock
from shared.core.common.errors import NotFoundError, PermissionDeniedError
from shared.core.common.roles import Permission, Role, has_permission, sees_only_assigned_wells
from shared.core.common.units_of_work import AuditEntry, UnitOfWork

OFFICE_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


class AssignedWells(Protocol):
    def well_ids_for(self, user_id: str) -> set[str]: ...


class SeesAssignments(Protocol):
    """A unit of work that knows which wells each field operator is assigned to."""

    @property
    def assignments(self) -> AssignedWells: ...


def require(actor: Actor, permission: Permission) -> None:
    if not has_permission(actor.role, permission):
        raise PermissionDeniedError(f"role {actor.role.value} lacks permission {permission.value}")


def require_office_role(actor: Actor, what: str) -> None:
    if actor.role not in OFFICE_ROLES:
        raise PermissionDeniedError(f"only admins and managers may {what}")


def visible_well_ids(uow: SeesAssignments, actor: Actor) -> set[str] | None:
    """The wells `actor` may see: None means all of them."""
    if sees_only_assigned_wells(actor.role):
        return uow.assignments.well_ids_for(actor.user_id)
    return None


def ensure_well_visible(uow: SeesAssignments, actor: Actor, well_id: str) -> None:
    """Unassigned wells are reported as missing to field operators, not as forbidden."""
    visible = visible_well_ids(uow, actor)
    if visible is not None and well_id not in visible:
        raise NotFoundError("well", well_id)


def audit(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """Record who changed what; well-scoped changes also go to the devices' change feed."""
    at = clock()
    uow.audit.record(
        AuditEntry(
            action=action,
            entity=entity,
            entity_id=entity_id,
            actor_id=actor.user_id,
            actor_email=actor.email,
            at=at,
            before=before,
            after=after,
            request_id=actor.request_id,
        )
    )
    record_changes(uow, at, actor, action, entity, entity_id, before, after)
