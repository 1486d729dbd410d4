"""The WellOS fields an ETL mapping or an import may fill, per entity.

Each entity has a business key: wells by API number, production by well and
day, equipment by tag. Production and equipment name their well by API number
(`well_api_number`); the loader resolves it to the well's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.core.common import limits
from shared.core.wells.model.lifecycle import WellStatus, WellType


class Entity(StrEnum):
    WELLS = "wells"
    PRODUCTION = "production"
    EQUIPMENT = "equipment"


# Entities load in this order: production and equipment refer to wells.
LOAD_ORDER = (Entity.WELLS, Entity.EQUIPMENT, Entity.PRODUCTION)


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    API = "api_number"
    CHOICE = "choice"


@dataclass(frozen=True)
class TargetField:
    """A WellOS field a source column may fill, with its plausibility limits
    (shared.core.common.limits): a number's range, a date's window, one line or several."""

    name: str
    kind: Kind
    max_length: int | None = None
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: frozenset[str] = frozenset()
    required: bool = False
    dates: limits.DateWindow | None = None
    multiline: bool = False


def _text(name: str, length: int, required: bool = False, multiline: bool = False) -> TargetField:
    return TargetField(name, Kind.TEXT, max_length=length, required=required, multiline=multiline)


def _number(name: str, rule: limits.Bounds, unit: str | None = None) -> TargetField:
    return TargetField(name, Kind.NUMBER, unit=unit, minimum=rule.low, maximum=rule.high)


def _date(name: str, window: limits.DateWindow, required: bool = False) -> TargetField:
    return TargetField(name, Kind.DATE, required=required, dates=window)


WELL_FIELDS = (
    TargetField("api_number", Kind.API, required=True),
    _text("name", 200),
    _text("well_number", 50),
    TargetField("well_type", Kind.CHOICE, choices=frozenset(WellType)),
    TargetField("status", Kind.CHOICE, choices=frozenset(WellStatus)),
    _date("spud_date", limits.WELL_HISTORY),
    _date("completion_date", limits.WELL_HISTORY),
    _date("first_production_date", limits.WELL_HISTORY),
    _date("plugged_date", limits.WELL_HISTORY),
    _number("surface_latitude", limits.LATITUDE),
    _number("surface_longitude", limits.LONGITUDE),
    _number("total_depth_ft", limits.DEPTH_FT, "ft"),
    _number("true_vertical_depth_ft", limits.DEPTH_FT, "ft"),
    _number("ground_elevation_ft", limits.ELEVATION_FT, "ft"),
    TargetField("is_horizontal", Kind.BOOL),
)

PRODUCTION_FIELDS = (
    TargetField("well_api_number", Kind.API, required=True),
    _date("production_date", limits.HAPPENED, required=True),
    _number("oil_bbl", limits.OIL_BBL_PER_DAY, "bbl"),
    _number("gas_mcf", limits.GAS_MCF_PER_DAY, "mcf"),
    _number("water_bbl", limits.WATER_BBL_PER_DAY, "bbl"),
    _number("condensate_bbl", limits.CONDENSATE_BBL_PER_DAY, "bbl"),
    _number("hours_on", limits.HOURS_PER_DAY),
    _number("choke_64ths", limits.CHOKE_64THS),
    _number("tubing_pressure_psi", limits.PRESSURE_PSI, "psi"),
    _number("casing_pressure_psi", limits.PRESSURE_PSI, "psi"),
    _number("line_pressure_psi", limits.PRESSURE_PSI, "psi"),
    _number("temperature_f", limits.TEMPERATURE_F),
    _number("bsw_pct", limits.BSW_PCT),
    _number("gor_scf_bbl", limits.GOR_SCF_BBL),
    TargetField("is_estimated", Kind.BOOL),
    _text("notes", 2000, multiline=True),
)

EQUIPMENT_FIELDS = (
    _text("tag", 100, required=True),
    _text("name", 200),
    _text("equipment_type", 64),
    _text("manufacturer", 200),
    _text("model", 200),
    _text("serial_number", 200),
    TargetField("well_api_number", Kind.API),
    _date("installation_date", limits.HAPPENED),
    _text("status", 32),
)

FIELDS: dict[Entity, dict[str, TargetField]] = {
    Entity.WELLS: {f.name: f for f in WELL_FIELDS},
    Entity.PRODUCTION: {f.name: f for f in PRODUCTION_FIELDS},
    Entity.EQUIPMENT: {f.name: f for f in EQUIPMENT_FIELDS},
}

# The business key of each entity, in the loaded row's columns.
BUSINESS_KEYS: dict[Entity, tuple[str, ...]] = {
    Entity.WELLS: ("api_number",),
    Entity.PRODUCTION: ("well_id", "production_date"),
    Entity.EQUIPMENT: ("tag",),
}


def required_fields(entity: Entity) -> list[str]:
    return [name for name, spec in FIELDS[entity].items() if spec.required]
