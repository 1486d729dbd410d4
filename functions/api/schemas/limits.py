"""The plausibility limits of shared.core.common.limits as types for request bodies.

Every number, date and text a person types goes through one of these, so a
value like `oil_bbl: 1e308`, a date in year 1 or a name with a right-to-left
override is a 422 naming the field, with the limit in the OpenAPI description.

    class DayIn(StrictInput):
        oil_bbl: OilBbl | None = None
        notes: MultilineText | None = None
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field

from shared.core.common import limits


def _describe(rule: limits.Bounds) -> str:
    unit = f" {rule.unit}" if rule.unit else ""
    return f"{rule.low:,g} to {rule.high:,g}{unit} ({rule.reason})"


def bounded(rule: limits.Bounds) -> Any:
    """ge/le from the rule, finite only, and the reason in the schema."""
    return Field(ge=rule.low, le=rule.high, allow_inf_nan=False, description=_describe(rule))


def described(rule: limits.Bounds) -> Any:
    """Only the description, for bodies whose limits the domain rules check (batches that
    report every row's errors at once)."""
    return Field(allow_inf_nan=False, description=_describe(rule))


def _raise_problem(problem: Callable[[Any], str | None]) -> AfterValidator:
    def check(value: Any) -> Any:
        found = problem(value)
        if found is not None:
            raise ValueError(found)
        return value

    return AfterValidator(check)


def _today() -> date:
    return datetime.now(UTC).date()


def dated(window: limits.DateWindow) -> AfterValidator:
    """The window's check against today's UTC date (the services check it again on their clock)."""
    return _raise_problem(lambda value: window.problem(value, _today()))


SafeText = Annotated[str, _raise_problem(limits.SINGLE_LINE.problem)]
"""One line of text: no control characters, no bidirectional overrides or marks."""
MultilineText = Annotated[str, _raise_problem(limits.MULTILINE.problem)]
"""Notes: tab and line breaks allowed, other controls and bidirectional overrides not."""
Email = Annotated[
    str,
    Field(min_length=3, max_length=limits.MAX_EMAIL_LENGTH),
    _raise_problem(limits.email_problem),
]
"""An e-mail address WellOS keeps: one line, no control or bidirectional characters."""

Name = Annotated[SafeText, Field(min_length=1, max_length=200)]

HappenedDate = Annotated[date, dated(limits.HAPPENED)]
"""A day something happened: 1900-01-01 to today + 1."""
WellHistoryDate = Annotated[date, dated(limits.WELL_HISTORY)]
"""A day in a well's life (spud, completion): 1850-01-01 to today + 1."""
ContractDate = Annotated[date, dated(limits.CONTRACT)]
"""A lease's dates, which may lie ahead: 1850-01-01 to 2200-12-31."""
DeviceTime = Annotated[
    AwareDatetime, _raise_problem(lambda value: limits.moment_problem(value, None))
]
"""An instant a device's clock gave, with its offset: 1900 to 2200. Device clocks are taken
as reported (a skewed one is recorded, not refused); only a time no clock shows is refused."""

OilBbl = Annotated[float, bounded(limits.OIL_BBL_PER_DAY)]
CondensateBbl = Annotated[float, bounded(limits.CONDENSATE_BBL_PER_DAY)]
GasMcf = Annotated[float, bounded(limits.GAS_MCF_PER_DAY)]
WaterBbl = Annotated[float, bounded(limits.WATER_BBL_PER_DAY)]
Hours = Annotated[float, bounded(limits.HOURS_PER_DAY)]
PressurePsi = Annotated[float, bounded(limits.PRESSURE_PSI)]
TemperatureF = Annotated[float, bounded(limits.TEMPERATURE_F)]
Choke64ths = Annotated[float, bounded(limits.CHOKE_64THS)]
BswPct = Annotated[float, bounded(limits.BSW_PCT)]
GorScfBbl = Annotated[float, bounded(limits.GOR_SCF_BBL)]
TankLevelIn = Annotated[float, bounded(limits.TANK_LEVEL_IN)]
ReadingValue = Annotated[float, bounded(limits.READING_VALUE)]
Latitude = Annotated[float, bounded(limits.LATITUDE)]
Longitude = Annotated[float, bounded(limits.LONGITUDE)]
DepthFt = Annotated[float, bounded(limits.DEPTH_FT)]
ElevationFt = Annotated[float, bounded(limits.ELEVATION_FT)]
Fraction = Annotated[float, bounded(limits.FRACTION)]
Acres = Annotated[float, bounded(limits.ACRES)]
SequenceNumber = Annotated[int, Field(ge=0, le=limits.MAX_BIGINT)]
"""A counter the database keeps as BIGINT."""
