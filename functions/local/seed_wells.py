"""One demo well drawn at random: identity, location, depths, lifecycle dates, curve, equipment."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from functions.local.seed_production import Decline, WellBehaviour
from functions.local.seed_profiles import LeaseProfile
from shared.core.wells.model.lifecycle import WellStatus

FEET_PER_DEGREE_LATITUDE = 364_000.0


@dataclass(frozen=True)
class LeasePlan:
    profile: LeaseProfile
    values: dict[str, Any]


@dataclass(frozen=True)
class WellPlan:
    lease_number: str
    field_code: str
    values: dict[str, Any]
    milestones: dict[WellStatus, dict[str, Any]]
    target_status: WellStatus
    behaviour: WellBehaviour
    equipment: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class WellDraw:
    """Inputs of one well; `plan()` draws the rest from `rng` in a fixed order."""

    rng: random.Random
    slug: str
    lease: LeasePlan
    section: int
    number: int
    api_number: str
    first_day: date
    shut_in_from: date | None

    def plan(self) -> WellPlan:
        profile = self.lease.profile
        horizontal = self.rng.random() < profile.field.horizontal_share
        first_production = self.first_day - timedelta(days=self.rng.randint(0, 1200))
        completion = first_production - timedelta(days=self.rng.randint(7, 21))
        spud = completion - timedelta(days=self.rng.randint(25, 90))
        return WellPlan(
            lease_number=str(self.lease.values["lease_number"]),
            field_code=profile.field.code,
            values=self._identity(horizontal) | self._location(horizontal),
            milestones={
                WellStatus.DRILLING: {"spud_date": spud},
                WellStatus.COMPLETED: {"completion_date": completion},
                WellStatus.PRODUCING: {"first_production_date": first_production},
            },
            target_status=WellStatus.SHUT_IN if self.shut_in_from else WellStatus.PRODUCING,
            behaviour=self._behaviour(horizontal, first_production),
            equipment=self._equipment(completion),
        )

    def _identity(self, horizontal: bool) -> dict[str, Any]:
        prefix = self.lease.profile.well_prefix
        name = (
            f"{prefix} {self.section}-{self.number}H" if horizontal else f"{prefix} #{self.number}"
        )
        gassy = self.rng.random() < 0.25
        return {
            "name": name,
            "api_number": self.api_number,
            "well_number": f"{self.number}H" if horizontal else str(self.number),
            "well_type": "OIL_GAS" if gassy else "OIL",
            "is_horizontal": horizontal,
        }

    def _location(self, horizontal: bool) -> dict[str, Any]:
        county = self.lease.profile.county
        latitude = county.latitude + self.rng.uniform(-0.12, 0.12)
        longitude = county.longitude + self.rng.uniform(-0.12, 0.12)
        tvd = self.rng.uniform(8200, 11200) if horizontal else self.rng.uniform(9000, 11500)
        lateral = self.rng.uniform(7500, 10500) if horizontal else 0.0
        return {
            "surface_latitude": round(latitude, 6),
            "surface_longitude": round(longitude, 6),
            "bottom_hole_latitude": round(latitude - lateral / FEET_PER_DEGREE_LATITUDE, 6),
            "bottom_hole_longitude": round(longitude + self.rng.uniform(-0.002, 0.002), 6),
            "true_vertical_depth_ft": round(tvd),
            "total_depth_ft": round(tvd + lateral + (600 if horizontal else 0)),
            "ground_elevation_ft": self.rng.randint(*county.elevation_ft),
        }

    def _behaviour(self, horizontal: bool, first_production: date) -> WellBehaviour:
        rng = self.rng
        qi = rng.uniform(200, 400) if horizontal else rng.uniform(50, 150)
        return WellBehaviour(
            key=f"{self.slug}/{self.api_number}",
            first_production=first_production,
            decline=Decline(qi, rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.2)),
            gor0_scf_bbl=rng.uniform(500, 3000),
            water_cut0=rng.uniform(0.25, 0.5),
            water_cut_max=rng.uniform(0.7, 0.9),
            water_cut_tau_years=rng.uniform(2.5, 6.0),
            tubing_psi0=rng.uniform(180, 450),
            casing_ratio=rng.uniform(0.6, 0.9),
            line_psi=rng.uniform(45, 80),
            choke_64ths=rng.choice((None, 24.0, 32.0, 48.0)),
            shut_in_from=self.shut_in_from,
        )

    def _equipment(self, completion: date) -> tuple[dict[str, Any], ...]:
        rng, code = self.rng, self.api_number[2:10]
        installed = completion + timedelta(days=rng.randint(2, 10))
        pump = {
            "tag": f"RP-{code}",
            "name": "Beam pumping unit",
            "equipment_type": "ROD_PUMP",
            "manufacturer": rng.choice(("Lufkin", "Weatherford", "Cook Pump")),
            "model": rng.choice(("C-456D-305-144", "C-640D-365-168", "M-912D-427-192")),
            "serial_number": f"PU{rng.randint(100000, 999999)}",
            "installation_date": installed,
        }
        separator = {
            "tag": f"SEP-{code}",
            "name": "Three-phase separator",
            "equipment_type": "SEPARATOR",
            "manufacturer": rng.choice(("Sivalls", "Kimray", "NATCO")),
            "model": rng.choice(("36x10 1440 psi", "30x10 1000 psi", "48x15 500 psi")),
            "serial_number": f"SP{rng.randint(100000, 999999)}",
            "installation_date": installed,
        }
        return pump, separator
