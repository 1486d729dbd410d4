"""PRODUCTION_LOGGED: every log is history; the highest stands in production_daily."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from shared.core.common.change_feed import change_entries
from shared.core.common.errors import InputError
from shared.core.common.units_of_work import AuditEntry
from shared.core.sync.model.field_events import (
    ConflictStatus,
    EventOutcome,
    FieldEvent,
    OutcomeStatus,
    ProductionLogged,
    Rule,
)
from shared.core.sync.model.field_records import ProductionLog
from shared.core.sync.model.rules import (
    ProductionClaim,
    production_winner,
    same_volumes,
    volumes_rank,
)
from shared.core.sync.services.apply import BatchContext, join_conflict, origin
from shared.core.sync.services.state import BatchState
from shared.core.wells.model.production import PRODUCTION_FIELDS, validate_production_day
from shared.core.wells.model.records import ProductionDay, values_of

SYNCED_VOLUMES = ("oil_bbl", "gas_mcf", "water_bbl", "hours_on")


def _claim(row: ProductionLog) -> ProductionClaim:
    return ProductionClaim(row.event_id, row.device_id, row.oil_bbl, row.gas_mcf, row.water_bbl)


def _validate(log: ProductionLogged, ctx: BatchContext) -> None:
    try:
        validate_production_day(log.date, asdict(log), ctx.received_at.date())
    except InputError as exc:
        field = "date" if exc.field == "production_date" else exc.field
        raise InputError(f"payload.{field}", exc.reason) from exc


def apply_production(
    state: BatchState, ctx: BatchContext, event: FieldEvent, log: ProductionLogged
) -> EventOutcome:
    _validate(log, ctx)
    earlier = [_claim(row) for row in state.production_logs(event.well_id, log.date)]
    row = ProductionLog(
        **origin(ctx, event),
        oil_bbl=log.oil_bbl,
        gas_mcf=log.gas_mcf,
        water_bbl=log.water_bbl,
        hours_on=log.hours_on,
        production_date=log.date,
        tank_gauges=log.tank_gauges,
        is_winner=False,
    )
    state.add_production_log(row)
    mine = _claim(row)
    winner = production_winner([*earlier, mine])
    if winner is mine:
        state.mark_production_winner(event.well_id, log.date, event.id)
        _raise_daily(state, ctx, event.well_id, log)
    rivals = [claim for claim in earlier if not same_volumes(claim, mine)]
    if not rivals:
        reason = "same volumes as an earlier log for this well-day" if earlier else None
        return EventOutcome(None, OutcomeStatus.APPLIED, reason=reason)
    slot = f"production/{event.well_id}/{log.date.isoformat()}"  # = apply.slot_key
    members = [claim.event_id for claim in earlier] + [event.id]
    status = ConflictStatus.AUTO_RESOLVED
    conflict = join_conflict(
        state, ctx, event, slot, Rule.HIGHEST_VALUE, status, members, winner.event_id
    )
    reason = (
        "this log stands for the well-day (highest value)"
        if winner is mine
        else "kept as history: a higher log stands for this well-day"
    )
    return EventOutcome(None, OutcomeStatus.CONFLICT, conflict.id, Rule.HIGHEST_VALUE, reason)


def _raise_daily(state: BatchState, ctx: BatchContext, well_id: str, log: ProductionLogged) -> None:
    """Write the winning log into production_daily, unless the day already holds more.

    Field logs only ever raise a well-day: an office figure that is higher than
    every field log stays (never under-report production).
    """
    current = state.production_day(well_id, log.date)
    if current is not None and volumes_rank(
        current.oil_bbl, current.gas_mcf, current.water_bbl
    ) >= volumes_rank(log.oil_bbl, log.gas_mcf, log.water_bbl):
        return
    kept = values_of(current) if current else {}
    values: dict[str, Any] = {name: kept.get(name) for name in PRODUCTION_FIELDS}
    values.update(
        {name: getattr(log, name) for name in SYNCED_VOLUMES if getattr(log, name) is not None}
    )
    values["is_estimated"] = bool(values.get("is_estimated"))
    day = ProductionDay(
        well_id=well_id,
        production_date=log.date,
        updated_at=ctx.clock(),
        updated_by=ctx.actor.email,
        **values,
    )
    state.put_production_day(day)
    before, row = (values_of(current) if current else None), values_of(day)
    entity_id = f"{well_id}/{log.date.isoformat()}"
    action, at, actor = "production.synced", ctx.clock(), ctx.actor
    state.add_audit(
        AuditEntry(
            action,
            "production",
            entity_id,
            actor.user_id,
            actor.email,
            at,
            before,
            row,
            actor.request_id,
        )
    )
    state.add_changes(change_entries(at, actor, action, "production", entity_id, before, row))
