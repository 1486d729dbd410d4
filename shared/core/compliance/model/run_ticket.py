"""A run ticket's volumes: strapped gauges to gross observed, then API MPMS 11.1 to net.

The haul is the tank's volume at the opening gauge minus at the closing gauge
(:func:`.strapping.hauled_volume`). The observed gravity is a hydrometer reading
at the observed temperature, corrected to API gravity at 60 °F and rounded to
0.1 °API as tickets report it; CTL at the tank's observed temperature turns the
gross observed volume into gross standard volume, and the BS&W deduction gives
the net standard volume (:func:`.volume.standard_volumes`). Errors name the
ticket's own fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shared.core.compliance.errors import ComplianceInputError
from shared.core.compliance.model.strapping import (
    Gauge,
    StrappingRow,
    StrappingTable,
    hauled_volume,
)
from shared.core.compliance.model.volume import (
    StandardVolumes,
    api_gravity_at_60,
    standard_volumes,
)

GRAVITY_PLACES = Decimal("0.1")
_FIELDS = {
    "observed_api_gravity": "observed_gravity",
    "api_gravity": "observed_gravity",
    "observed_temperature": "observed_temperature_f",
    "temperature": "observed_temperature_f",
    "bsw": "bsw_percent",
    "gov": "closing_gauge",
}


@dataclass(frozen=True)
class TicketReading:
    opening: Gauge
    closing: Gauge
    observed_gravity: Decimal
    observed_temperature_f: Decimal
    bsw_percent: Decimal


@dataclass(frozen=True)
class TicketVolumes:
    api_gravity_60: Decimal
    volumes: StandardVolumes


def strapping_table(rows: Sequence[Mapping[str, object]]) -> StrappingTable:
    """A table from stored rows ``{"height_inches": "…", "volume_bbl": "…"}``."""
    return StrappingTable(
        [
            StrappingRow(Decimal(str(row["height_inches"])), Decimal(str(row["volume_bbl"])))
            for row in rows
        ]
    )


def ticket_volumes(table: StrappingTable, reading: TicketReading) -> TicketVolumes:
    """Gross observed, gross standard and net standard volume of one haul."""
    gross_observed = hauled_volume(table, reading.opening, reading.closing)
    try:
        gravity = api_gravity_at_60(
            float(reading.observed_gravity), float(reading.observed_temperature_f)
        )
        gravity_60 = Decimal(repr(gravity)).quantize(GRAVITY_PLACES, ROUND_HALF_UP)
        volumes = standard_volumes(
            gross_observed,
            float(gravity_60),
            float(reading.observed_temperature_f),
            reading.bsw_percent,
        )
    except ComplianceInputError as exc:
        raise ComplianceInputError(
            _FIELDS.get(exc.field, exc.field), exc.reason, exc.numbers
        ) from None
    return TicketVolumes(gravity_60, volumes)
