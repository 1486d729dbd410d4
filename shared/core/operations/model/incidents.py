"""Incidents and spills: what happened, where, what was released and recovered, why,
and what is being done about it. Which agencies to notify is incident_rules.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model import values


class IncidentKind(StrEnum):
    SPILL = "spill"
    RELEASE = "release"
    """Of gas (venting, a leak)."""
    FIRE = "fire"
    BLOWOUT = "blowout"
    BREAK = "break"
    """A line or vessel break or leak."""
    INJURY = "injury"
    FATALITY = "fatality"
    NEAR_MISS = "near_miss"
    EQUIPMENT_FAILURE = "equipment_failure"


class Material(StrEnum):
    CRUDE_OIL = "crude_oil"
    CONDENSATE = "condensate"
    PRODUCED_WATER = "produced_water"
    NATURAL_GAS = "natural_gas"
    DRILLING_FLUID = "drilling_fluid"
    CHEMICAL = "chemical"
    OTHER = "other"


GAS = frozenset({Material.NATURAL_GAS})


class Unit(StrEnum):
    BBL = "bbl"
    MCF = "mcf"


class WaterContact(StrEnum):
    NONE = "none"
    SURFACE = "surface"
    """A creek, river, lake, stock tank: navigable waters in the federal sense."""
    COASTAL = "coastal"
    GROUNDWATER = "groundwater"


@dataclass(frozen=True, slots=True)
class Release:
    material: Material
    released: Decimal
    recovered: Decimal = Decimal(0)
    unit: Unit = Unit.BBL
    estimated: bool = False
    """The volume is an estimate (no measurement): reports must say so."""


@dataclass(frozen=True, slots=True)
class Location:
    state: str
    """Two-letter state code: picks the jurisdiction's rules."""
    county: str = ""
    well_id: str | None = None
    lease_id: str | None = None
    facility_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class CorrectiveAction:
    description: str
    owner: str
    due_on: date
    done_on: date | None = None


@dataclass(frozen=True, slots=True)
class SentNotification:
    rule_id: str
    at: datetime
    reference: str = ""
    """The agency's incident or ticket number."""


@dataclass(frozen=True)
class Incident:
    incident_id: str
    kind: IncidentKind
    occurred_at: datetime
    discovered_at: datetime
    location: Location
    description: str
    cause: str = ""
    releases: tuple[Release, ...] = ()
    water: WaterContact = WaterContact.NONE
    sensitive_area: bool = False
    injuries: int = 0
    corrective_actions: tuple[CorrectiveAction, ...] = ()
    notifications: tuple[SentNotification, ...] = ()

    def released(self, materials: frozenset[Material], unit: Unit) -> Decimal:
        return sum(
            (r.released for r in self.releases if r.material in materials and r.unit is unit),
            Decimal(0),
        )


def check_incident(incident: Incident) -> Incident:
    """The incident, checked; `OperationsInputError` naming the field otherwise."""
    values.text(incident.incident_id, "incident_id", 64)
    values.text(incident.description, "description", 4000)
    values.text(incident.cause, "cause", 2000, required=False)
    values.moment(incident.occurred_at, "occurred_at")
    values.moment(incident.discovered_at, "discovered_at")
    if incident.discovered_at < incident.occurred_at:
        raise OperationsInputError("discovered_at", "must not be before occurred_at")
    _check_location(incident.location)
    for i, release in enumerate(incident.releases):
        _check_release(release, f"releases.{i}")
    if incident.injuries < 0 or incident.injuries > 10_000:
        raise OperationsInputError("injuries", "must be 0 to 10,000")
    return incident


def _check_location(location: Location) -> None:
    if len(location.state) != 2 or not location.state.isascii() or not location.state.isupper():
        raise OperationsInputError("location.state", "must be a two-letter state code, e.g. TX")
    if location.latitude is not None and not -90 <= location.latitude <= 90:
        raise OperationsInputError("location.latitude", "must be between -90 and 90")
    if location.longitude is not None and not -180 <= location.longitude <= 180:
        raise OperationsInputError("location.longitude", "must be between -180 and 180")


def _check_release(release: Release, field: str) -> None:
    released = values.money(release.released, f"{field}.released", places=4)
    recovered = values.money(release.recovered, f"{field}.recovered", places=4)
    if recovered > released:
        raise OperationsInputError(f"{field}.recovered", "must not exceed the volume released")
    gas = release.material in GAS
    if gas != (release.unit is Unit.MCF):
        raise OperationsInputError(f"{field}.unit", "gas is measured in mcf, liquids in bbl")


def add_corrective_action(incident: Incident, action: CorrectiveAction) -> Incident:
    checked = CorrectiveAction(
        values.text(action.description, "description", 2000),
        values.text(action.owner, "owner"),
        values.day(action.due_on, "due_on"),
        None if action.done_on is None else values.day(action.done_on, "done_on"),
    )
    return replace(incident, corrective_actions=(*incident.corrective_actions, checked))


def complete_action(incident: Incident, index: int, done_on: date) -> Incident:
    actions: Sequence[CorrectiveAction] = incident.corrective_actions
    if not 0 <= index < len(actions):
        raise OperationsInputError("action", f"no corrective action {index}")
    done = replace(actions[index], done_on=values.day(done_on, "done_on"))
    return replace(incident, corrective_actions=(*actions[:index], done, *actions[index + 1 :]))


def record_notification(incident: Incident, sent: SentNotification) -> Incident:
    values.moment(sent.at, "at")
    values.text(sent.reference, "reference", 100, required=False)
    if any(n.rule_id == sent.rule_id for n in incident.notifications):
        raise OperationsInputError("rule_id", f"{sent.rule_id} was already recorded as sent")
    return replace(incident, notifications=(*incident.notifications, sent))
