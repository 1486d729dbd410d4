"""The demo's geography: Permian Basin fields, counties and leases of the two demo tenants.

API state and county codes, county centres and ground elevations are real;
lease names, lessors and well counts are invented but plausible.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class County:
    name: str
    api_code: str
    latitude: float
    longitude: float
    elevation_ft: tuple[int, int]


@dataclass(frozen=True)
class FieldProfile:
    code: str
    name: str
    basin: str
    state: str
    api_state_code: int
    counties: tuple[County, ...]
    horizontal_share: float


@dataclass(frozen=True)
class LeaseProfile:
    name: str
    well_prefix: str
    lessor: str
    field: FieldProfile
    county: County
    wells: int


MIDLAND = County("Midland", "329", 31.87, -102.03, (2750, 2900))
MARTIN = County("Martin", "317", 32.31, -101.95, (2650, 2800))
ANDREWS = County("Andrews", "003", 32.31, -102.64, (3150, 3300))
REEVES = County("Reeves", "389", 31.32, -103.69, (2600, 3000))
LOVING = County("Loving", "301", 31.85, -103.58, (2750, 2950))
LEA = County("Lea", "025", 32.55, -103.45, (3400, 3700))
EDDY = County("Eddy", "015", 32.35, -104.05, (3000, 3300))

SPRABERRY = FieldProfile(
    "SPRB", "Spraberry Trend", "Permian Basin (Midland)", "TX", 42, (MIDLAND, MARTIN), 0.7
)
WOLFBERRY = FieldProfile(
    "ANDW", "Andrews Wolfberry", "Permian Basin (Central Basin Platform)", "TX", 42, (ANDREWS,), 0
)
WOLFCAMP = FieldProfile(
    "WCDB", "Wolfcamp Delaware", "Permian Basin (Delaware)", "TX", 42, (REEVES, LOVING), 1
)
BONE_SPRING = FieldProfile(
    "BSNM", "Bone Spring", "Permian Basin (Delaware)", "NM", 30, (LEA, EDDY), 1
)

PROFILES: dict[str, tuple[LeaseProfile, ...]] = {
    "acme": (
        LeaseProfile(
            "Scharbauer Ranch", "Scharbauer", "Scharbauer Cattle Co.", SPRABERRY, MIDLAND, 6
        ),
        LeaseProfile("Tom Ranch", "Tom Ranch", "Tom Family Trust", SPRABERRY, MARTIN, 5),
        LeaseProfile("Bradford Estate", "Bradford", "Bradford Minerals LP", SPRABERRY, MIDLAND, 4),
        LeaseProfile(
            "University Lands 12", "UL 12", "Permanent University Fund", WOLFBERRY, ANDREWS, 5
        ),
    ),
    "permian": (
        LeaseProfile(
            "Pecos Valley", "Pecos Valley", "Pecos Valley Royalty Co.", WOLFCAMP, REEVES, 5
        ),
        LeaseProfile("Red Bluff", "Red Bluff", "Hendrick Minerals", WOLFCAMP, LOVING, 4),
        LeaseProfile("Dorothy White", "Dorothy White", "White Ranch Partners", WOLFCAMP, REEVES, 3),
        LeaseProfile(
            "Salado Draw Federal",
            "Salado Draw Fed",
            "Bureau of Land Management",
            BONE_SPRING,
            LEA,
            4,
        ),
        LeaseProfile(
            "Cotton Draw State",
            "Cotton Draw St",
            "New Mexico State Land Office",
            BONE_SPRING,
            EDDY,
            4,
        ),
    ),
}
