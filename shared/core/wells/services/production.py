"""Daily production: one well-day, a date range, and bulk upserts of up to 5,000 rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from shared.core.common.access import audit, ensure_well_visible, require, visible_well_ids
from shared.core.common.actor import Actor
from shared.core.common.change_feed import record_batch_changes
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError, WellOSError
from shared.core.common.json_text import JsonObjects
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.production import PRODUCTION_FIELDS, validate_production_day
from shared.core.wells.model.records import ProductionDay, values_of
from shared.core.wells.ports import ProductionRepository, WellsDatabases, WellsUnitOfWork

T = TypeVar("T")

MAX_BATCH_ROWS = 5000
MAX_RANGE_DAYS = 3700


@dataclass(frozen=True)
class RowError:
    index: int
    field: str
    reason: str


class BatchRejectedError(WellOSError):
    """A bulk upsert with invalid rows; nothing of it was written."""

    code = "batch_rejected"

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} row(s) rejected; nothing was written")
        self.errors = list(errors)


class ProductionService:
    def __init__(self, databases: WellsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def get_day(self, tenant: Tenant, actor: Actor, well_id: str, day: date) -> ProductionDay:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            _existing_well(uow, actor, well_id)
            record = uow.production.get_day(well_id, day)
            if record is None:
                raise NotFoundError("production", f"{well_id}/{day}")
            return record

    def between(
        self, tenant: Tenant, actor: Actor, well_id: str, start: date, end: date
    ) -> list[ProductionDay]:
        return self._read_range(
            tenant, actor, well_id, start, end, lambda days: days.between(well_id, start, end)
        )

    def between_json(
        self, tenant: Tenant, actor: Actor, well_id: str, start: date, end: date
    ) -> JsonObjects | None:
        """`between` as the database writes it in JSON; None: call `between`."""
        return self._read_range(
            tenant, actor, well_id, start, end, lambda days: days.between_json(well_id, start, end)
        )

    def _read_range(
        self,
        tenant: Tenant,
        actor: Actor,
        well_id: str,
        start: date,
        end: date,
        read: Callable[[ProductionRepository], T],
    ) -> T:
        require(actor, Permission.WELLS_READ)
        if end < start:
            raise InputError("to", "must not be before 'from'")
        if (end - start).days > MAX_RANGE_DAYS:
            raise InputError("to", f"a range may span at most {MAX_RANGE_DAYS} days")
        with self._databases.unit_of_work(tenant) as uow:
            _existing_well(uow, actor, well_id)
            return read(uow.production)

    def put_day(
        self, tenant: Tenant, actor: Actor, well_id: str, day: date, values: Mapping[str, Any]
    ) -> tuple[ProductionDay, bool]:
        """Create or replace one well-day; returns the record and whether it was new."""
        require(actor, Permission.WELLS_WRITE)
        validate_production_day(day, values, self._clock().date())
        with self._databases.unit_of_work(tenant) as uow:
            _existing_well(uow, actor, well_id)
            before = uow.production.get_day(well_id, day)
            uow.production.upsert_days([self._row(actor, well_id, day, values)])
            after = uow.production.get_day(well_id, day)
            audit(
                uow,
                self._clock,
                actor,
                "production.upserted",
                "production",
                f"{well_id}/{day}",
                values_of(before) if before else None,
                values_of(after) if after else None,
            )
            uow.commit()
            assert after is not None
            return after, before is None

    def upsert_batch(self, tenant: Tenant, actor: Actor, rows: Sequence[Mapping[str, Any]]) -> int:
        """Write all rows in one transaction, or none of them with every row's error."""
        require(actor, Permission.WELLS_WRITE)
        if len(rows) > MAX_BATCH_ROWS:
            raise InputError("rows", f"at most {MAX_BATCH_ROWS} rows per batch")
        if not rows:
            raise InputError("rows", "must not be empty")
        today = self._clock().date()
        with self._databases.unit_of_work(tenant) as uow:
            errors = _row_errors(uow, actor, rows, today)
            if errors:
                raise BatchRejectedError(errors)
            prepared = [
                self._row(actor, row["well_id"], row["production_date"], row) for row in rows
            ]
            written = uow.production.upsert_days(prepared)
            summary = _batch_summary(rows)
            audit(
                uow,
                self._clock,
                actor,
                "production.batch_upserted",
                "production",
                actor.request_id or "batch",
                None,
                summary,
            )
            well_days = [(day.well_id, day.production_date) for day in prepared]
            record_batch_changes(uow, self._clock(), actor, "production.batch_upserted", well_days)
            uow.commit()
            return written

    def _row(
        self, actor: Actor, well_id: str, day: date, values: Mapping[str, Any]
    ) -> ProductionDay:
        row: dict[str, Any] = {name: values.get(name) for name in PRODUCTION_FIELDS}
        row["is_estimated"] = bool(values.get("is_estimated") or False)
        return ProductionDay(
            well_id=well_id,
            production_date=day,
            updated_at=self._clock(),
            updated_by=actor.email,
            **row,
        )


def _existing_well(uow: WellsUnitOfWork, actor: Actor, well_id: str) -> None:
    ensure_well_visible(uow, actor, well_id)
    if not uow.wells.exists(well_id):
        raise NotFoundError("well", well_id)


def _row_errors(
    uow: WellsUnitOfWork, actor: Actor, rows: Sequence[Mapping[str, Any]], today: date
) -> list[RowError]:
    errors: list[RowError] = []
    visible = visible_well_ids(uow, actor)
    known: dict[str, bool] = {}
    seen: set[tuple[str, date]] = set()
    for index, row in enumerate(rows):
        well_id, day = row["well_id"], row["production_date"]
        if well_id not in known:
            known[well_id] = uow.wells.get(well_id) is not None and (
                visible is None or well_id in visible
            )
        if not known[well_id]:
            errors.append(RowError(index, "well_id", f"well {well_id} not found"))
            continue
        if (well_id, day) in seen:
            errors.append(
                RowError(index, "production_date", "the same well-day appears twice in the batch")
            )
            continue
        seen.add((well_id, day))
        try:
            validate_production_day(day, row, today)
        except InputError as exc:
            errors.append(RowError(index, exc.field, exc.reason))
    return errors


def _batch_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    days = [row["production_date"] for row in rows]
    return {
        "rows": len(rows),
        "wells": len({row["well_id"] for row in rows}),
        "from": min(days).isoformat(),
        "to": max(days).isoformat(),
    }
