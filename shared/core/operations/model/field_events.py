"""Field events of operations, for the offline sync: their payloads and conflict rules.

- `WORK_ORDER_CLOSED`: a pumper closes a work order from the field. Two closes of
  one work order (two devices, or the office and a device): the *first* close
  stands — the earliest `occurred_at`, then the smaller device id, then event id —
  and the others are kept as history. A close of a work order the office has
  cancelled goes to manual review (someone did work that was called off).
- `WELL_TEST_LOGGED`: a well test entered in the field. Two tests of one well
  and period (the test's start date, at the device's offset): the *newest* logged
  wins — the latest `occurred_at`, then the greater device id, then event id —
  the others are kept as history.

Like the other sync rules, each is a total order over the contenders, so the
outcome depends on the set of events, never on the order they arrived in.
Wiring them into the sync (event types, outcomes, the review queue) is the later step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model.parsing import parse_model
from shared.core.operations.model.well_tests import WellTest, check_well_test

WORK_ORDER_CLOSED = "WORK_ORDER_CLOSED"
WELL_TEST_LOGGED = "WELL_TEST_LOGGED"


class ConflictRule(StrEnum):
    FIRST_STANDS = "first_stands"
    NEWEST_WINS = "newest_wins"


RULE_BY_TYPE = {
    WORK_ORDER_CLOSED: ConflictRule.FIRST_STANDS,
    WELL_TEST_LOGGED: ConflictRule.NEWEST_WINS,
}


# --- payloads (pydantic at the edge) -------------------------------------------------------


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


class PartUsed(_Payload):
    part_number: str = Field(min_length=1, max_length=64)
    quantity: Decimal = Field(gt=0, le=100_000, decimal_places=4)


class WorkOrderClosedPayload(_Payload):
    work_order_id: str = Field(min_length=1, max_length=64)
    resolution: str = Field("", max_length=2000)
    downtime_hours: Decimal | None = Field(None, ge=0, le=744, decimal_places=2)
    parts_used: list[PartUsed] = Field(default_factory=list, max_length=50)


class WellTestLoggedPayload(_Payload):
    start: AwareDatetime
    end: AwareDatetime
    oil_bbl_per_day: Decimal = Field(ge=0, decimal_places=4)
    gas_mcf_per_day: Decimal = Field(ge=0, decimal_places=4)
    water_bbl_per_day: Decimal = Field(ge=0, decimal_places=4)
    choke_64ths: int | None = Field(None, ge=0, le=256)


def parse_work_order_closed(data: Mapping[str, Any]) -> WorkOrderClosedPayload:
    """The payload, or `OperationsInputError` naming `payload.<field>`."""
    return parse_model(WorkOrderClosedPayload, data, prefix="payload.")


def parse_well_test_logged(
    data: Mapping[str, Any], event_id: str, well_id: str, device_id: str
) -> WellTest:
    """The well test the event logs, checked like any other (period, plausible rates)."""
    payload = parse_model(WellTestLoggedPayload, data, prefix="payload.")
    test = WellTest(
        event_id,
        well_id,
        payload.start,
        payload.end,
        payload.oil_bbl_per_day,
        payload.gas_mcf_per_day,
        payload.water_bbl_per_day,
        device_id,
    )
    try:
        return check_well_test(test)
    except OperationsInputError as exc:
        raise OperationsInputError(f"payload.{exc.field}", exc.reason) from None


# --- WORK_ORDER_CLOSED: the first close stands ------------------------------------------


@dataclass(frozen=True)
class CloseClaim:
    event_id: str
    device_id: str
    """"office" for a close made in the office app."""
    occurred_at: datetime
    work_order_id: str


def close_rank(claim: CloseClaim) -> tuple[datetime, str, str]:
    return (claim.occurred_at, claim.device_id, claim.event_id)


@dataclass(frozen=True)
class Resolution:
    standing: CloseClaim
    history: tuple[CloseClaim, ...]


def resolve_closes(claims: Iterable[CloseClaim]) -> Resolution:
    """The close that stands among `claims` (not empty, one work order) and the rest."""
    ordered = sorted({c.event_id: c for c in claims}.values(), key=close_rank)
    if not ordered:
        raise ValueError("no close to resolve")
    if len({c.work_order_id for c in ordered}) > 1:
        raise ValueError("closes of different work orders do not conflict")
    return Resolution(ordered[0], tuple(ordered[1:]))


class CloseVerdict(StrEnum):
    APPLY = "apply"
    """The first close: close the work order with it."""
    HISTORY = "history"
    """A later close: keep it as history, change nothing."""
    REPLACE = "replace"
    """An earlier close arrived late: it stands now, the standing one becomes history."""
    DUPLICATE = "duplicate"
    REVIEW = "review"
    """The office cancelled the work order: manual review."""


def close_verdict(
    cancelled: bool, standing: CloseClaim | None, arriving: CloseClaim
) -> CloseVerdict:
    """What to do with an arriving close, given the work order's standing close (if any)."""
    if standing is not None and standing.event_id == arriving.event_id:
        return CloseVerdict.DUPLICATE
    if cancelled:
        return CloseVerdict.REVIEW
    if standing is None:
        return CloseVerdict.APPLY
    return (
        CloseVerdict.REPLACE
        if close_rank(arriving) < close_rank(standing)
        else CloseVerdict.HISTORY
    )


# --- WELL_TEST_LOGGED: the newest test per well and period wins ----------------------------


@dataclass(frozen=True)
class WellTestClaim:
    event_id: str
    device_id: str
    occurred_at: datetime
    """When the test was logged on the device (its clock, as reported)."""
    well_id: str
    start: datetime

    @property
    def period(self) -> tuple[str, date]:
        """The well and the test's start date at the device's offset."""
        return (self.well_id, self.start.date())


def well_test_rank(claim: WellTestClaim) -> tuple[datetime, str, str]:
    return (claim.occurred_at, claim.device_id, claim.event_id)


def newest_tests(claims: Iterable[WellTestClaim]) -> dict[tuple[str, date], WellTestClaim]:
    """Per (well, period), the test that stands; every other claim is history."""
    winners: dict[tuple[str, date], WellTestClaim] = {}
    for claim in claims:
        held = winners.get(claim.period)
        if held is None or well_test_rank(claim) > well_test_rank(held):
            winners[claim.period] = claim
    return winners
