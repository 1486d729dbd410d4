"""The US API well number: state (2) county (3) unique (5) sidetrack (2) event (2).

Operators write it with or without dashes and often give only the 10- or
12-digit form; WellOS stores the 14-digit form, padding missing sidetrack and
event codes with zeros.
"""

from __future__ import annotations

import re

from shared.core.common.errors import InputError

# API state codes (API Bulletin D12A): 01-50 alphabetical over the states that
# drill, 55-56 Alaska/Pacific offshore, 60-61 Gulf of Mexico/Atlantic offshore.
VALID_STATE_CODES = frozenset({*range(1, 51), 55, 56, 60, 61})

_SEPARATORS = re.compile(r"[\s\-.]")
_DIGITS = re.compile(r"\d+")


def normalize_api_number(raw: str, field: str = "api_number") -> str:
    """Return the 14-digit API number for `raw`, or raise InputError naming `field`.

    >>> normalize_api_number("42-501-20130-03-00")
    '42501201300300'
    >>> normalize_api_number("4250120130")
    '42501201300000'
    """
    compact = _SEPARATORS.sub("", raw.strip())
    if not _DIGITS.fullmatch(compact or "x"):
        raise InputError(field, "must contain only digits and dashes")
    if len(compact) not in (10, 12, 14):
        raise InputError(
            field, "must have 10, 12 or 14 digits (state-county-unique[-sidetrack-event])"
        )
    full = compact.ljust(14, "0")
    if int(full[0:2]) not in VALID_STATE_CODES:
        raise InputError(field, f"state code {full[0:2]} is not a valid API state code")
    if full[2:5] == "000":
        raise InputError(field, "county code 000 is not valid")
    if full[5:10] == "00000":
        raise InputError(field, "unique well code 00000 is not valid")
    return full


def format_api_number(api14: str) -> str:
    """Display form: 42-501-20130-03-00."""
    return f"{api14[0:2]}-{api14[2:5]}-{api14[5:10]}-{api14[10:12]}-{api14[12:14]}"
