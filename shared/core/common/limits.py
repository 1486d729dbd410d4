"""Plausibility limits of everything a person (or a tenant's file or database) enters.

One module holds every limit with its reason. The API's body types
(functions/api/schemas/limits.py), the domain rules (production, wells, users,
tenants, field events) and the ETL/import field catalog (shared.core.etl.model.fields)
all read these, so a value refused over HTTP is refused the same way in a
spreadsheet row, an ETL row or a sync event. README ("Plausibility limits")
lists them for users.

The limits are wide on purpose: they catch typing slips (three zeros too many),
unit mix-ups and hostile values (1e308, year 1, NaN, right-to-left overrides)
that would otherwise be stored and later break sums, charts, the database
driver or a reader's screen. They are not engineering alarms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared.core.common.errors import InputError


@dataclass(frozen=True)
class Bounds:
    """A closed range of a number in `unit`, and why it is that wide."""

    low: float
    high: float
    unit: str
    reason: str

    def problem(self, value: Any, today: date | None = None) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number"
        if value < 0 <= self.low:
            return "must not be negative"
        if not self.low <= value <= self.high:  # exact for huge ints too: no float overflow
            return f"must be between {self.low:,g} and {self.high:,g} {self.unit}".rstrip()
        return None


# --- volumes, per well and day ----------------------------------------------------------
OIL_BBL_PER_DAY = Bounds(
    0,
    100_000,
    "bbl",
    "the most prolific wells ever (Cantarell, Ghawar) made tens of thousands of bbl/day",
)
CONDENSATE_BBL_PER_DAY = Bounds(0, 100_000, "bbl", "as oil: no single well makes more")
GAS_MCF_PER_DAY = Bounds(
    0,
    1_000_000,
    "Mcf",
    "the largest gas wells make 100-200 MMcf/day; 1 Bcf/day leaves room for any of them",
)
WATER_BBL_PER_DAY = Bounds(
    0, 100_000, "bbl", "high-rate ESP and disposal wells move up to ~50,000 bbl/day"
)
HOURS_PER_DAY = Bounds(0, 24, "hours", "a day has 24 hours")
# --- wellhead conditions ----------------------------------------------------------------
PRESSURE_PSI = Bounds(
    0, 30_000, "psi", "the strongest wellhead equipment is rated 30,000 psi (API 6A)"
)
TEMPERATURE_F = Bounds(-100, 1000, "°F", "arctic winter air to steam-flood wellheads (~700 °F)")
CHOKE_64THS = Bounds(0, 256, "64ths of an inch", "a 4-inch choke (256/64) is the largest made")
BSW_PCT = Bounds(0, 100, "%", "a percentage")
GOR_SCF_BBL = Bounds(
    0,
    1_000_000,
    "scf/bbl",
    "above ~100,000 scf/bbl a well is a dry-gas well; 10x that is no oil well",
)
TANK_LEVEL_IN = Bounds(
    0, 720, "in", "the tallest lease and storage tanks are ~50 ft; 60 ft is 720 in"
)
READING_VALUE = Bounds(
    -1e12,
    1e12,
    "",
    "any sensor in any unit, totalizers included, stays far below; sums and charts stay finite",
)
DEADBAND = Bounds(
    0, 1e12, "", "a change threshold in the tag's unit is never wider than a reading's range"
)
# --- where and how deep -----------------------------------------------------------------
LATITUDE = Bounds(-90, 90, "°", "degrees north (WGS 84)")
LONGITUDE = Bounds(-180, 180, "°", "degrees east (WGS 84)")
DEPTH_FT = Bounds(0, 50_000, "ft", "the deepest well ever drilled (Kola SG-3) reached 40,230 ft")
ELEVATION_FT = Bounds(
    -1_500, 20_000, "ft", "from the Dead Sea shore (-1,410 ft) to the highest Andean fields"
)
# --- leases -----------------------------------------------------------------------------
FRACTION = Bounds(0, 1, "", "interests and royalties are fractions of the whole, e.g. 0.1875")
ACRES = Bounds(
    0, 1_000_000, "acres", "the largest single leases and units are a few hundred thousand acres"
)
# --- integers the database keeps --------------------------------------------------------
MAX_BIGINT = 2**63 - 1
"""The largest BIGINT (device sequence numbers, ids): beyond it the driver overflows."""
MAX_JSON_INTEGER = 2**53 - 1
"""The largest integer every JSON reader (JavaScript, MySQL's JSON) keeps exactly."""


# --- dates ------------------------------------------------------------------------------
EARLIEST_RECORD_DATE = date(1900, 1, 1)
"""Production, field events, readings, equipment: no record of a well still tracked is older."""
EARLIEST_WELL_DATE = date(1850, 1, 1)
"""Well and lease history: wells drilled in the 1860s (McClintock No. 1, 1861) still produce."""
FUTURE_DAYS = 1
"""What happened may be dated up to a day ahead: a device east of UTC is already on tomorrow."""
LATEST_CONTRACT_DATE = date(2200, 12, 31)
"""Lease terms run into the future, but not past 2200 (a slip for a four-digit year)."""


@dataclass(frozen=True)
class DateWindow:
    """Dates from `earliest` to today + FUTURE_DAYS, or to LATEST_CONTRACT_DATE if `planned`."""

    earliest: date
    planned: bool = False

    def latest(self, today: date) -> date:
        return LATEST_CONTRACT_DATE if self.planned else today + timedelta(days=FUTURE_DAYS)

    def problem(self, value: Any, today: date) -> str | None:
        if isinstance(value, datetime) or not isinstance(value, date):
            return "must be a date"
        latest = self.latest(today)
        if not self.earliest <= value <= latest:
            return f"must be between {self.earliest} and {latest}"
        return None


HAPPENED = DateWindow(EARLIEST_RECORD_DATE)
WELL_HISTORY = DateWindow(EARLIEST_WELL_DATE)
CONTRACT = DateWindow(EARLIEST_WELL_DATE, planned=True)


def moment_problem(value: datetime, now: datetime | None) -> str | None:
    """Why an aware instant is implausible, if it is: before 1900, or after `now` +
    FUTURE_DAYS, or with no `now` after LATEST_CONTRACT_DATE. A device's clock and the
    times it stamps on events take no `now`: clocks are taken as reported (a skewed one is
    recorded beside the event), and only a time no clock shows is refused.

    The years are compared first: arithmetic on year 1 or 9999 with an offset overflows.
    """
    earliest = datetime.combine(EARLIEST_RECORD_DATE, time(), UTC)
    if now is None:
        latest = datetime.combine(LATEST_CONTRACT_DATE, time.max, UTC)
    else:
        latest = now + timedelta(days=FUTURE_DAYS)
    if value.tzinfo is None:
        return "must carry a UTC offset"
    if not earliest.year <= value.year <= latest.year or not earliest <= value <= latest:
        return f"must be between {earliest.isoformat()} and {latest.isoformat(timespec='seconds')}"
    return None


# --- text -------------------------------------------------------------------------------
_BIDI_AND_SURROGATES = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_SINGLE_LINE_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_AND_SURROGATES}]")
_MULTILINE_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_AND_SURROGATES}]")
"""C0 and C1 controls (multi-line text keeps tab, line feed and carriage return), the
bidirectional controls and marks that make text read differently from what it stores, and
lone surrogates (JSON's "\\ud800"), which no UTF-8 database can store."""


@dataclass(frozen=True)
class Text:
    """Names and codes are one line; notes and descriptions may have several."""

    multiline: bool = False

    def problem(self, value: Any, today: date | None = None) -> str | None:
        if not isinstance(value, str):
            return "must be text"
        unsafe = (_MULTILINE_UNSAFE if self.multiline else _SINGLE_LINE_UNSAFE).search(value)
        if unsafe is None:
            return None
        what = "control, bidirectional or surrogate characters"
        return f"must not contain {what} (U+{ord(unsafe.group()):04X} at {unsafe.start()})"


SINGLE_LINE = Text()
MULTILINE = Text(multiline=True)

MAX_EMAIL_LENGTH = 320
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def email_problem(value: str) -> str | None:
    """Why `value` is not an e-mail address WellOS keeps (a login, a notification target)."""
    unsafe = SINGLE_LINE.problem(value)
    if unsafe is not None:
        return unsafe
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(value):
        return "is not a valid e-mail address"
    return None


# --- free-form JSON ---------------------------------------------------------------------
MAX_JSON_DEPTH = 32
"""Nesting of any JSON request body: no WellOS body needs a tenth of it, and deeper input
would run the parsers into Python's recursion limit."""
MAX_PAYLOAD_DEPTH = 16
"""Nesting of free-form data kept as is (an event of a type this server does not know)."""


def json_problem(value: Any, max_depth: int = MAX_PAYLOAD_DEPTH) -> tuple[str, str] | None:
    """(path, reason) of the first thing in decoded JSON that cannot be kept safely.

    Iterative, so any depth is walked without recursion.
    """
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                return path[:200], f"is nested deeper than {max_depth} levels"
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and (bad := SINGLE_LINE.problem(key)):
                    return name[:200], f"has a key that {bad}"
                stack.append((child, name, depth + 1))
        elif (reason := _scalar_problem(item)) is not None:
            return path[:200], reason
    return None


def _scalar_problem(item: Any) -> str | None:
    if item is None or isinstance(item, bool):
        return None
    if isinstance(item, str):
        return MULTILINE.problem(item)
    if isinstance(item, int):
        return None if abs(item) <= MAX_JSON_INTEGER else f"must be within ±{MAX_JSON_INTEGER}"
    if isinstance(item, float):
        return None if math.isfinite(item) else "must be a finite number"
    return "is not JSON data"


# --- checking a record ------------------------------------------------------------------
Rule = Bounds | DateWindow | Text


def check_values(values: Mapping[str, Any], rules: Mapping[str, Rule], today: date) -> None:
    """Raise InputError naming the first field of `values` outside its rule (None passes)."""
    for name, rule in rules.items():
        value = values.get(name)
        if value is None:
            continue
        problem = rule.problem(value, today)
        if problem is not None:
            raise InputError(name, problem)
