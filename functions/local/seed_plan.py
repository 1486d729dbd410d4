"""What the demo seeds: Permian Basin fields, leases and wells, drawn from `Random(slug)`.

The geography is real (API state and county codes, county centres, elevations);
names, numbers and curves are invented but plausible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from functions.local.seed_profiles import PROFILES, FieldProfile, LeaseProfile
from functions.local.seed_wells import LeasePlan, WellDraw, WellPlan

ROYALTIES = (0.125, 0.1875, 0.2, 0.225, 0.25)
WORKING_INTERESTS = (1.0, 0.875, 0.75, 0.5)
SHUT_IN_WELLS = 2
HISTORY_DAYS = 730


@dataclass(frozen=True)
class TenantPlan:
    fields: tuple[dict[str, Any], ...]
    facilities: tuple[dict[str, Any], ...]
    tanks: tuple[dict[str, Any], ...]
    leases: tuple[LeasePlan, ...]
    wells: tuple[WellPlan, ...]
    first_day: date
    last_day: date


def tenant_plan(slug: str, last_day: date) -> TenantPlan:
    """The whole seed of tenant `slug`, with production from two years before `last_day`."""
    rng = random.Random(slug)
    leases = PROFILES.get(slug, PROFILES["acme"])
    fields = tuple(dict.fromkeys(lease.field for lease in leases))
    lease_plans = tuple(_lease_plan(rng, lease) for lease in leases)
    first_day = last_day - timedelta(days=HISTORY_DAYS - 1)
    wells = _well_plans(rng, slug, lease_plans, first_day, last_day)
    return TenantPlan(
        fields=tuple(_field_values(field) for field in fields),
        facilities=tuple(_facility_values(rng, field) for field in fields),
        tanks=tuple(tank for field in fields for tank in _tank_values(rng, field)),
        leases=lease_plans,
        wells=wells,
        first_day=first_day,
        last_day=last_day,
    )


def _field_values(field: FieldProfile) -> dict[str, Any]:
    return {
        "code": field.code,
        "name": field.name,
        "basin": field.basin,
        "state": field.state,
        "county": ", ".join(county.name for county in field.counties),
    }


def _facility_values(rng: random.Random, field: FieldProfile) -> dict[str, Any]:
    county = field.counties[0]
    return {
        "code": f"TB-{field.code}-01",
        "name": f"{field.name} Central Tank Battery",
        "facility_type": "TANK_BATTERY",
        "latitude": round(county.latitude + rng.uniform(-0.03, 0.03), 6),
        "longitude": round(county.longitude + rng.uniform(-0.03, 0.03), 6),
        "field_code": field.code,
    }


def _tank_values(rng: random.Random, field: FieldProfile) -> list[dict[str, Any]]:
    kinds = (("OIL_TANK", "500 bbl oil tank"),) * 2 + (("WATER_TANK", "400 bbl water tank"),)
    return [
        {
            "tag": f"TK-{field.code}-{number:02d}",
            "name": name,
            "equipment_type": kind,
            "manufacturer": rng.choice(("Tank Specialties", "Permian Tank & Mfg", "Brenco")),
            "serial_number": f"TS{rng.randint(100000, 999999)}",
            "facility_code": f"TB-{field.code}-01",
        }
        for number, (kind, name) in enumerate(kinds, start=1)
    ]


def _lease_plan(rng: random.Random, lease: LeaseProfile) -> LeasePlan:
    royalty = rng.choice(ROYALTIES)
    interest = rng.choice(WORKING_INTERESTS)
    gross = float(rng.choice((320, 640, 960, 1280)))
    effective = date(rng.randint(2012, 2019), rng.randint(1, 12), 1)
    values = {
        "lease_number": f"{lease.field.state}-{lease.county.api_code}-{rng.randint(10000, 59999)}",
        "name": lease.name,
        "lessor": lease.lessor,
        "effective_date": effective,
        "royalty_rate": royalty,
        "working_interest": interest,
        "net_revenue_interest": round(interest * (1.0 - royalty), 6),
        "gross_acres": gross,
        "net_acres": round(gross * interest, 2),
    }
    return LeasePlan(lease, values)


def _well_plans(
    rng: random.Random, slug: str, leases: tuple[LeasePlan, ...], first_day: date, last_day: date
) -> tuple[WellPlan, ...]:
    used_api: set[str] = set()
    count = sum(lease.profile.wells for lease in leases)
    shut_in = set(rng.sample(range(count), SHUT_IN_WELLS))
    plans: list[WellPlan] = []
    for lease in leases:
        section = rng.randint(1, 36)
        for number in range(1, lease.profile.wells + 1):
            api = _api_number(rng, lease.profile, used_api)
            shut_in_from = None
            if len(plans) in shut_in:
                shut_in_from = last_day - timedelta(days=rng.randint(12, 45))
            well = WellDraw(rng, slug, lease, section, number, api, first_day, shut_in_from)
            plans.append(well.plan())
    return tuple(plans)


def _api_number(rng: random.Random, lease: LeaseProfile, used: set[str]) -> str:
    while True:
        unique = rng.randint(30000, 46999)
        api = f"{lease.field.api_state_code:02d}{lease.county.api_code}{unique:05d}0000"
        if api not in used:
            used.add(api)
            return api
