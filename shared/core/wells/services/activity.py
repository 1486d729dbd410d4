"""What happened on a well in the field, and who works it: the office's read views.

The timeline merges the records field sync wrote (notes, equipment inspections,
downtime reports, manual readings) newest first; the assignments list the field
operators a well is assigned to. Both follow the wells' visibility rule: a field
operator sees only the wells assigned to them.
"""

from __future__ import annotations

from collections.abc import Collection

from shared.core.common.access import ensure_well_visible, require
from shared.core.common.actor import Actor
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.records import Assignment
from shared.core.wells.ports import (
    TimelineEntry,
    TimelineQuery,
    WellActivityDatabases,
    WellsUnitOfWork,
)

MAX_TIMELINE_ENTRIES = 500


def merge_newest_first(entries: Collection[TimelineEntry], limit: int) -> list[TimelineEntry]:
    """One list across the kinds, newest first (ties by kind and id), cut to `limit`."""
    ordered = sorted(entries, key=lambda e: (e.occurred_at, e.kind.value, e.id), reverse=True)
    return ordered[:limit]


class WellActivityService:
    def __init__(self, databases: WellActivityDatabases) -> None:
        self._databases = databases

    def timeline(self, tenant: Tenant, actor: Actor, query: TimelineQuery) -> list[TimelineEntry]:
        """The well's field records in [start, end), newest first."""
        require(actor, Permission.WELLS_READ)
        if not 1 <= query.limit <= MAX_TIMELINE_ENTRIES:
            raise InputError("limit", f"must be between 1 and {MAX_TIMELINE_ENTRIES}")
        if query.start and query.end and query.end <= query.start:
            raise InputError("to", "must be after from")
        with self._databases.unit_of_work(tenant) as uow:
            _must_see(uow, actor, query.well_id)
            entries = uow.activity.timeline(query)
        return merge_newest_first(entries, query.limit)

    def assignments(self, tenant: Tenant, actor: Actor, well_id: str) -> list[Assignment]:
        """Who the well is assigned to, by whom and when (oldest first)."""
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            _must_see(uow, actor, well_id)
            return uow.activity.assignments(well_id)


def _must_see(uow: WellsUnitOfWork, actor: Actor, well_id: str) -> None:
    if uow.wells.get(well_id) is None:
        raise NotFoundError("well", well_id)
    ensure_well_visible(uow, actor, well_id)
