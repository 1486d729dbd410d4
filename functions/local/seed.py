"""Seed a tenant with the demo's fields, leases, wells, equipment and production.

Everything goes through the application services, acting as the tenant's
admin, so the demo data obeys every rule (API numbers, the well lifecycle,
production limits) and lands in the audit log. Each step finds what exists by
its business key before creating it, so an interrupted seed can run again
without duplicating anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from functions.local.seed_plan import TenantPlan, tenant_plan
from functions.local.seed_production import daily_rows
from functions.local.seed_wells import WellPlan
from shared.bootstrap import Platform
from shared.core.common.actor import Actor
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.lifecycle import WellStatus
from shared.core.wells.model.records import CatalogRecord, Well
from shared.core.wells.ports import WellQuery
from shared.core.wells.services.catalog import EQUIPMENT, FACILITIES, FIELDS, LEASES, CatalogKind
from shared.core.wells.services.production import MAX_BATCH_ROWS

R = TypeVar("R", bound=CatalogRecord)

Progress = Callable[[str, int, int], None]
Ids = dict[str, str]

LIFECYCLE = (
    WellStatus.PLANNED,
    WellStatus.PERMITTED,
    WellStatus.DRILLING,
    WellStatus.COMPLETED,
    WellStatus.PRODUCING,
    WellStatus.SHUT_IN,
)


@dataclass(frozen=True)
class SeedReport:
    fields: int
    leases: int
    facilities: int
    wells: int
    equipment: int
    production_rows: int


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


class TenantSeeder:
    """Applies a `TenantPlan` for one tenant through the services."""

    def __init__(self, platform: Platform, tenant: Tenant, actor: Actor) -> None:
        self._platform = platform
        self._tenant = tenant
        self._actor = actor

    def seed(self, plan: TenantPlan, progress: Progress = _no_progress) -> SeedReport:
        fields, facilities, leases = self._seed_catalog(plan)
        wells: list[tuple[str, WellPlan]] = []
        for index, well in enumerate(plan.wells, start=1):
            well_id = self._ensure_well(well, leases[well.lease_number], fields[well.field_code])
            for equipment in well.equipment:
                self._ensure(EQUIPMENT, {**equipment, "well_id": well_id})
            wells.append((well_id, well))
            progress("wells", index, len(plan.wells))
        rows = self._write_production(wells, plan.first_day, plan.last_day, progress)
        equipment_count = len(plan.tanks) + sum(len(well.equipment) for _, well in wells)
        return SeedReport(
            len(fields), len(leases), len(facilities), len(wells), equipment_count, rows
        )

    def _seed_catalog(self, plan: TenantPlan) -> tuple[Ids, Ids, Ids]:
        """Fields, tank batteries with their tanks, and leases; their ids by business key."""
        fields = {v["code"]: self._ensure(FIELDS, v).id for v in plan.fields}
        facilities = {
            v["code"]: self._ensure(FACILITIES, _linked(v, "field_code", "field_id", fields)).id
            for v in plan.facilities
        }
        for tank in plan.tanks:
            self._ensure(EQUIPMENT, _linked(tank, "facility_code", "facility_id", facilities))
        leases = {}
        for lease in plan.leases:
            values = {**lease.values, "field_id": fields[lease.profile.field.code]}
            leases[values["lease_number"]] = self._ensure(LEASES, values).id
        return fields, facilities, leases

    def _ensure(self, kind: CatalogKind[R], values: Mapping[str, Any]) -> R:
        """The record with this business key, created when missing."""
        key = {kind.unique_key: values[kind.unique_key]}
        catalog = self._platform.catalog
        found = catalog.list(kind, self._tenant, self._actor, key, 1, 0).items
        return found[0] if found else catalog.create(kind, self._tenant, self._actor, values)

    def _ensure_well(self, plan: WellPlan, lease_id: str, field_id: str) -> str:
        api_number = plan.values["api_number"]
        query = WellQuery(text=api_number, limit=5)
        page = self._platform.wells.list(self._tenant, self._actor, query)
        found = [well for well in page.items if well.api_number == api_number]
        well = found[0] if found else self._create_well(plan, lease_id, field_id)
        self._walk_lifecycle(well, plan)
        return well.id

    def _create_well(self, plan: WellPlan, lease_id: str, field_id: str) -> Well:
        values = {**plan.values, "lease_id": lease_id, "field_id": field_id}
        return self._platform.wells.create(self._tenant, self._actor, values)

    def _walk_lifecycle(self, well: Well, plan: WellPlan) -> None:
        """PLANNED → PERMITTED → DRILLING → COMPLETED → PRODUCING (→ SHUT_IN), one step each."""
        current = WellStatus(well.status)
        if current not in LIFECYCLE:
            return
        steps = LIFECYCLE[LIFECYCLE.index(current) + 1 : LIFECYCLE.index(plan.target_status) + 1]
        for status in steps:
            changes = {"status": status.value, **plan.milestones.get(status, {})}
            self._platform.wells.update(self._tenant, self._actor, well.id, changes)

    def _write_production(
        self, wells: list[tuple[str, WellPlan]], first: date, last: date, progress: Progress
    ) -> int:
        total = sum(_days(well, first, last) for _, well in wells)
        written = 0
        for batch in _batches(wells, first, last):
            written += self._platform.production.upsert_batch(self._tenant, self._actor, batch)
            progress("production", written, total)
        return written


def seed_tenant(
    platform: Platform,
    tenant: Tenant,
    actor: Actor,
    last_day: date | None = None,
    progress: Progress = _no_progress,
) -> SeedReport:
    """Seed `tenant` as `actor` (an admin) with production up to `last_day` (yesterday)."""
    last_day = last_day or date.today() - timedelta(days=1)
    plan = tenant_plan(tenant.slug, last_day)
    return TenantSeeder(platform, tenant, actor).seed(plan, progress)


def _linked(
    values: Mapping[str, Any], code_key: str, id_key: str, ids: Mapping[str, str]
) -> dict[str, Any]:
    """`values` with a business-code reference replaced by the referenced record's id."""
    linked = {key: value for key, value in values.items() if key != code_key}
    linked[id_key] = ids[values[code_key]]
    return linked


def _days(well: WellPlan, first: date, last: date) -> int:
    return max((last - max(first, well.behaviour.first_production)).days + 1, 0)


def _batches(
    wells: list[tuple[str, WellPlan]], first: date, last: date
) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for well_id, well in wells:
        for row in daily_rows(well_id, well.behaviour, first, last):
            batch.append(row)
            if len(batch) == MAX_BATCH_ROWS:
                yield batch
                batch = []
    if batch:
        yield batch
