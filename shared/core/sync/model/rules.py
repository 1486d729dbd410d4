"""Conflict rules of field sync, as pure functions.

Every rule is a total order or an equivalence over the contenders, so the
outcome depends only on the set of events, never on the order they arrived in:

- sensor reading: newest `occurred_at` wins; on a tie the greater device id,
  then the greater event id. Every reading is kept as history.
- production for a well-day: the highest barrels of oil equivalent
  (oil + gas / 6) wins, then oil, gas, water, device id, event id. The whole
  log wins, not each volume: the day's row stays one consistent measurement
  (hours on, gauges and volumes from the same tickets). Losers stay as history.
- inspection of one piece of equipment on one day: the same results (pass/fail
  and each checklist item's ok) are equivalent; different results go to manual
  review, nothing applied until someone resolves them.
- notes: merge; all kept, ordered by `occurred_at`, device id, event id.
- anything else (an unknown type): manual review.

Device clocks are taken as reported. Clock skew is recorded beside each event
but never corrects `occurred_at`: it is measured at sync time, which differs
between a first send and a retry, so correcting with it would make the winner
depend on when a batch happened to arrive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.core.sync.model.field_events import ChecklistResult, EventType, Rule
from shared.core.wells.model.production import boe

RULE_BY_TYPE: dict[str, Rule] = {
    EventType.WELL_READING_RECORDED: Rule.NEWEST_WINS,
    EventType.PRODUCTION_LOGGED: Rule.HIGHEST_VALUE,
    EventType.EQUIPMENT_INSPECTED: Rule.MANUAL_REVIEW,
    EventType.NOTE_ADDED: Rule.MERGE,
    # field work (services.field_work): a double close or an overlapping test waits for review
    EventType.WORK_ORDER_CLOSED: Rule.MANUAL_REVIEW,
    EventType.WELL_TEST_LOGGED: Rule.MANUAL_REVIEW,
}


def rule_for(event_type: str) -> Rule | None:
    """The conflict rule of a type; None for types that never conflict; review if unknown."""
    if event_type in RULE_BY_TYPE:
        return RULE_BY_TYPE[event_type]
    if event_type in EventType.__members__:
        return None
    return Rule.MANUAL_REVIEW


@dataclass(frozen=True)
class ReadingClaim:
    event_id: str
    device_id: str
    occurred_at: datetime
    value: float
    unit: str


def reading_rank(claim: ReadingClaim) -> tuple[datetime, str, str]:
    return (claim.occurred_at, claim.device_id, claim.event_id)


def newest_reading(claims: Iterable[ReadingClaim]) -> ReadingClaim:
    """The reading that is the current value among `claims` (not empty)."""
    return max(claims, key=reading_rank)


def same_reading(a: ReadingClaim, b: ReadingClaim) -> bool:
    return a.value == b.value and a.unit == b.unit


@dataclass(frozen=True)
class ProductionClaim:
    event_id: str
    device_id: str
    oil_bbl: float | None
    gas_mcf: float | None
    water_bbl: float | None


Volumes = tuple[float, float, float, float]


def volumes_rank(oil_bbl: float | None, gas_mcf: float | None, water_bbl: float | None) -> Volumes:
    """Order of production volumes: BOE, then oil, gas, water."""
    return (boe(oil_bbl, gas_mcf), oil_bbl or 0.0, gas_mcf or 0.0, water_bbl or 0.0)


def production_rank(claim: ProductionClaim) -> tuple[Volumes, str, str]:
    volumes = volumes_rank(claim.oil_bbl, claim.gas_mcf, claim.water_bbl)
    return (volumes, claim.device_id, claim.event_id)


def production_winner(claims: Iterable[ProductionClaim]) -> ProductionClaim:
    """The log that stands for the well-day among `claims` (not empty)."""
    return max(claims, key=production_rank)


def same_volumes(a: ProductionClaim, b: ProductionClaim) -> bool:
    return volumes_rank(a.oil_bbl, a.gas_mcf, a.water_bbl) == volumes_rank(
        b.oil_bbl, b.gas_mcf, b.water_bbl
    )


InspectionResults = tuple[bool, tuple[tuple[str, bool], ...]]


def inspection_results(passed: bool, checklist: Sequence[ChecklistResult]) -> InspectionResults:
    """What two inspections must agree on: pass/fail and each item's ok (notes aside)."""
    items = sorted((result.item.strip().lower(), result.ok) for result in checklist)
    return (passed, tuple(items))


class InspectionVerdict(StrEnum):
    FIRST = "first"
    EQUIVALENT = "equivalent"
    REVIEW = "review"


def inspection_verdict(
    standing: Sequence[InspectionResults], arriving: InspectionResults
) -> InspectionVerdict:
    """Compare an arriving inspection with those standing for the same equipment-day."""
    if not standing:
        return InspectionVerdict.FIRST
    if all(results == arriving for results in standing):
        return InspectionVerdict.EQUIVALENT
    return InspectionVerdict.REVIEW


@dataclass(frozen=True)
class NoteClaim:
    event_id: str
    device_id: str
    occurred_at: datetime


def merged_note_order(notes: Iterable[NoteClaim]) -> list[NoteClaim]:
    """Notes merge: all of them, in the order they were written."""
    return sorted(notes, key=lambda note: (note.occurred_at, note.device_id, note.event_id))
