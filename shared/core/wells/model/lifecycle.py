"""Well vocabulary and the well lifecycle state machine."""

from __future__ import annotations

from enum import StrEnum

from shared.core.common import limits
from shared.core.common.errors import IllegalTransitionError


class WellStatus(StrEnum):
    PLANNED = "PLANNED"
    PERMITTED = "PERMITTED"
    DRILLING = "DRILLING"
    COMPLETED = "COMPLETED"
    PRODUCING = "PRODUCING"
    SHUT_IN = "SHUT_IN"
    ABANDONED = "ABANDONED"
    PLUGGED = "PLUGGED"
    CANCELLED = "CANCELLED"


class WellType(StrEnum):
    OIL = "OIL"
    GAS = "GAS"
    OIL_GAS = "OIL_GAS"
    INJECTION = "INJECTION"
    DISPOSAL = "DISPOSAL"
    WATER_SUPPLY = "WATER_SUPPLY"
    OBSERVATION = "OBSERVATION"
    DRY_HOLE = "DRY_HOLE"


WELL_TRANSITIONS: dict[WellStatus, tuple[WellStatus, ...]] = {
    WellStatus.PLANNED: (WellStatus.PERMITTED, WellStatus.CANCELLED),
    WellStatus.PERMITTED: (WellStatus.DRILLING, WellStatus.CANCELLED),
    WellStatus.DRILLING: (WellStatus.COMPLETED, WellStatus.ABANDONED),
    WellStatus.COMPLETED: (WellStatus.PRODUCING, WellStatus.ABANDONED),
    WellStatus.PRODUCING: (WellStatus.SHUT_IN, WellStatus.ABANDONED),
    WellStatus.SHUT_IN: (WellStatus.PRODUCING, WellStatus.ABANDONED),
    WellStatus.ABANDONED: (WellStatus.PLUGGED,),
    WellStatus.PLUGGED: (),
    WellStatus.CANCELLED: (),
}


def allowed_transitions(current: WellStatus) -> tuple[WellStatus, ...]:
    return WELL_TRANSITIONS[current]


def ensure_transition(current: WellStatus, requested: WellStatus) -> None:
    """Raise IllegalTransitionError unless `current` may move to `requested`.

    Setting the status a well already has is a no-op, not an error.
    """
    if requested == current or requested in WELL_TRANSITIONS[current]:
        return
    raise IllegalTransitionError(
        current.value, requested.value, [status.value for status in WELL_TRANSITIONS[current]]
    )


WELL_LIMITS: dict[str, limits.Rule] = {
    **dict.fromkeys(("name", "well_number", "api_number"), limits.SINGLE_LINE),
    **dict.fromkeys(
        ("spud_date", "completion_date", "first_production_date", "plugged_date"),
        limits.WELL_HISTORY,
    ),
    **dict.fromkeys(("surface_latitude", "bottom_hole_latitude"), limits.LATITUDE),
    **dict.fromkeys(("surface_longitude", "bottom_hole_longitude"), limits.LONGITUDE),
    **dict.fromkeys(("total_depth_ft", "true_vertical_depth_ft"), limits.DEPTH_FT),
    "ground_elevation_ft": limits.ELEVATION_FT,
}
"""Plausibility limits of a well's values (checked on create, change and import)."""
