"""The WellOS fields an ETL mapping or an import may fill, per entity.

Each entity has a business key: wells by API number, production by well and
day, equipment by tag. Production and equipment name their well by API number
(`well_api_number`); the loader resolves it to the well's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.core.domain.wells import WellStatus, WellType


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
    name: str
    kind: Kind
    max_length: int | None = None
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: frozenset[str] = frozenset()
    required: bool = False


def _text(name: str, length: int, required: bool = False) -> TargetField:
    return TargetField(name, Kind.TEXT, max_length=length, required=required)


def _number(
    name: str, unit: str | None = None, low: float | None = 0.0, high: float | None = None
) -> TargetField:
    return TargetField(name, Kind.NUMBER, unit=unit, minimum=low, maximum=high)


def _date(name: str, required: bool = False) -> TargetField:
    return TargetField(name, Kind.DATE, required=required)


WELL_FIELDS = (
    TargetField("api_number", Kind.API, required=True),
    _text("name", 200),
    _text("well_number", 50),
    TargetField("well_type", Kind.CHOICE, choices=frozenset(WellType)),
    TargetField("status", Kind.CHOICE, choices=frozenset(WellStatus)),
    _date("spud_date"),
    _date("completion_date"),
    _date("first_production_date"),
    _date("plugged_date"),
    _number("surface_latitude", low=-90.0, high=90.0),
    _number("surface_longitude", low=-180.0, high=180.0),
    _number("total_depth_ft", "ft"),
    _number("true_vertical_depth_ft", "ft"),
    _number("ground_elevation_ft", "ft", low=None),
    TargetField("is_horizontal", Kind.BOOL),
)

PRODUCTION_FIELDS = (
    TargetField("well_api_number", Kind.API, required=True),
    _date("production_date", required=True),
    _number("oil_bbl", "bbl"),
    _number("gas_mcf", "mcf"),
    _number("water_bbl", "bbl"),
    _number("condensate_bbl", "bbl"),
    _number("hours_on", high=24.0),
    _number("choke_64ths"),
    _number("tubing_pressure_psi", "psi"),
    _number("casing_pressure_psi", "psi"),
    _number("line_pressure_psi", "psi"),
    _number("temperature_f", low=None),
    _number("bsw_pct", high=100.0),
    _number("gor_scf_bbl"),
    TargetField("is_estimated", Kind.BOOL),
    _text("notes", 2000),
)

EQUIPMENT_FIELDS = (
    _text("tag", 100, required=True),
    _text("name", 200),
    _text("equipment_type", 64),
    _text("manufacturer", 200),
    _text("model", 200),
    _text("serial_number", 200),
    TargetField("well_api_number", Kind.API),
    _date("installation_date"),
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
