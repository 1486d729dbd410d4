"""A user's notification preferences: channels, phone, quiet hours, digest; and quiet-hour time.

Quiet hours are ``HH:MM`` wall-clock times at the user's UTC offset; a window
whose end is before its start spans midnight (22:00-06:00). Non-critical
messages due inside the window wait until it ends; critical ones go at once.

With ``digest`` on, non-critical messages are held and sent as one summary a day
at ``digest_hour`` (0-23, the user's local hour at the same UTC offset, default 7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any

from shared.core.common.errors import InputError

CHANNELS = ("email", "sms", "console")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
MAX_OFFSET_MINUTES = 14 * 60
DEFAULT_DIGEST_HOUR = 7


@dataclass(frozen=True)
class Preferences:
    channels: tuple[str, ...] = ("email",)
    phone: str | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    utc_offset_minutes: int = 0
    digest: bool = False
    digest_hour: int = DEFAULT_DIGEST_HOUR

    def as_record(self) -> dict[str, Any]:
        """The preferences by name, as the API shows them."""
        return {
            "channels": list(self.channels),
            "phone": self.phone,
            "quiet_start": self.quiet_start,
            "quiet_end": self.quiet_end,
            "utc_offset_minutes": self.utc_offset_minutes,
            "digest": self.digest,
            "digest_hour": self.digest_hour,
        }

    def quiet_until(self, now: datetime) -> datetime | None:
        """The end of the quiet window ``now`` falls in (UTC), or None outside one."""
        if self.quiet_start is None or self.quiet_end is None:
            return None
        zone = timezone(timedelta(minutes=self.utc_offset_minutes))
        local = now.astimezone(zone)
        start, end = _clock(self.quiet_start), _clock(self.quiet_end)
        at = local.time().replace(tzinfo=None)
        if start == end:
            return None
        inside = start <= at < end if start < end else (at >= start or at < end)
        if not inside:
            return None
        ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        if ends <= local:
            ends += timedelta(days=1)
        return ends.astimezone(now.tzinfo)

    def next_digest(self, now: datetime) -> datetime:
        """The first ``digest_hour`` o'clock (user's local time) at or after ``now``."""
        zone = timezone(timedelta(minutes=self.utc_offset_minutes))
        local = now.astimezone(zone)
        at = local.replace(hour=self.digest_hour, minute=0, second=0, microsecond=0)
        if at < local:
            at += timedelta(days=1)
        return at.astimezone(now.tzinfo)


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def parse_preferences(
    channels: list[str],
    phone: str | None,
    quiet_start: str | None,
    quiet_end: str | None,
    utc_offset_minutes: int,
    digest: bool,
    digest_hour: int = DEFAULT_DIGEST_HOUR,
) -> Preferences:
    """Checked preferences, or InputError naming the first wrong field."""
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        raise InputError("channels", f"one or more of {', '.join(CHANNELS)}")
    if phone is not None and not E164.match(phone):
        raise InputError("phone", "an E.164 number such as +15551234567")
    if "sms" in channels and phone is None:
        raise InputError("phone", "required for the sms channel")
    for field, value in (("quiet_start", quiet_start), ("quiet_end", quiet_end)):
        if value is not None and not HHMM.match(value):
            raise InputError(field, "a time HH:MM (00:00-23:59)")
    if (quiet_start is None) != (quiet_end is None):
        raise InputError("quiet_end" if quiet_end is None else "quiet_start", "give both or none")
    if not -MAX_OFFSET_MINUTES <= utc_offset_minutes <= MAX_OFFSET_MINUTES:
        raise InputError("utc_offset_minutes", "between -840 and 840")
    if not 0 <= digest_hour <= 23:
        raise InputError("digest_hour", "a local hour between 0 and 23")
    return Preferences(
        tuple(dict.fromkeys(channels)),
        phone,
        quiet_start,
        quiet_end,
        utc_offset_minutes,
        digest,
        digest_hour,
    )
