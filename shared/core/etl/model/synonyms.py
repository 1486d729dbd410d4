"""Header words people use for WellOS fields, and unit spellings (all lower case)."""

from __future__ import annotations

from shared.core.etl.model.fields import Entity

UNIT_WORDS = {
    "bbl": "bbl", "bbls": "bbl", "stb": "bbl", "barrels": "bbl", "bopd": "bbl", "bwpd": "bbl",
    "mcf": "mcf", "mscf": "mcf", "mcfd": "mcf", "m3": "m3", "m^3": "m3", "cu m": "m3",
    "e3m3": "e3m3", "103m3": "e3m3", "mmcf": "mmcf", "scf": "scf", "psi": "psi", "psig": "psi",
    "kpa": "kpa", "bar": "bar", "ft": "ft", "feet": "ft", "m": "m", "gal": "gal", "l": "l",
    "%": "%", "pct": "%", "hrs": "h", "h": "h",
}  # fmt: skip

_PRODUCTION = {
    "well_api_number": ("api", "api number", "api no", "api #", "api#", "well api", "uwi", "api14"),
    "production_date": ("date", "production date", "prod date", "day", "report date"),
    "oil_bbl": ("oil", "oil volume", "oil prod", "oil production", "crude", "oil bbl"),
    "gas_mcf": ("gas", "gas volume", "gas prod", "gas production", "gas mcf"),
    "water_bbl": ("water", "water volume", "produced water", "water bbl"),
    "condensate_bbl": ("condensate", "cond"),
    "hours_on": ("hours", "hours on", "hrs", "hrs on", "runtime", "run time"),
    "choke_64ths": ("choke", "choke size"),
    "tubing_pressure_psi": ("tubing pressure", "tp", "tbg press", "tubing"),
    "casing_pressure_psi": ("casing pressure", "cp", "csg press", "casing"),
    "line_pressure_psi": ("line pressure", "lp"),
    "temperature_f": ("temperature", "temp"),
    "bsw_pct": ("bs&w", "bsw", "bs w"),
    "gor_scf_bbl": ("gor",),
    "is_estimated": ("estimated", "is estimated", "est"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}
_WELLS = {
    "api_number": ("api", "api number", "api no", "api #", "api#", "uwi", "api14"),
    "name": ("name", "well name", "well"),
    "well_number": ("well number", "well no", "well #", "number"),
    "well_type": ("type", "well type"),
    "status": ("status", "well status"),
    "spud_date": ("spud", "spud date"),
    "completion_date": ("completion", "completion date", "completed"),
    "first_production_date": ("first production", "first production date", "first prod"),
    "plugged_date": ("plugged", "plugged date", "p&a date"),
    "surface_latitude": ("latitude", "lat", "surface latitude"),
    "surface_longitude": ("longitude", "lon", "long", "lng", "surface longitude"),
    "total_depth_ft": ("total depth", "td", "depth", "md"),
    "true_vertical_depth_ft": ("tvd", "true vertical depth"),
    "ground_elevation_ft": ("elevation", "ground elevation", "gl"),
    "is_horizontal": ("horizontal", "is horizontal"),
}
_EQUIPMENT = {
    "tag": ("tag", "equipment tag", "asset tag"),
    "name": ("name", "equipment name"),
    "equipment_type": ("type", "equipment type"),
    "manufacturer": ("manufacturer", "make"),
    "model": ("model",),
    "serial_number": ("serial", "serial number", "serial no", "s n"),
    "well_api_number": ("api", "well api", "api number"),
    "installation_date": ("installed", "installation date", "install date"),
    "status": ("status",),
}


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    words = {name.replace("_", " "): name for name in table}
    words.update({word: name for name, synonyms in table.items() for word in synonyms})
    return words


SYNONYMS: dict[Entity, dict[str, str]] = {
    Entity.PRODUCTION: _index(_PRODUCTION),
    Entity.WELLS: _index(_WELLS),
    Entity.EQUIPMENT: _index(_EQUIPMENT),
}
