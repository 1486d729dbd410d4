"""The digest hour: the user's next local ``digest_hour`` o'clock, at their UTC offset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.core.analytics.model.preferences import Preferences, parse_preferences
from shared.core.common.errors import InputError


def test_the_next_digest_is_later_today_before_the_hour_and_tomorrow_after_it() -> None:
    houston = Preferences(utc_offset_minutes=-360, digest=True, digest_hour=7)  # 07:00 = 13:00Z
    assert houston.next_digest(datetime(2026, 12, 5, 12, 59, tzinfo=UTC)) == datetime(
        2026, 12, 5, 13, 0, tzinfo=UTC
    )
    assert houston.next_digest(datetime(2026, 12, 5, 13, 1, tzinfo=UTC)) == datetime(
        2026, 12, 6, 13, 0, tzinfo=UTC
    )
    # 23:30Z on the 5th is 17:30 local: the 07:00 local digest is the 6th at 13:00Z
    assert houston.next_digest(datetime(2026, 12, 5, 23, 30, tzinfo=UTC)) == datetime(
        2026, 12, 6, 13, 0, tzinfo=UTC
    )


def test_a_digest_hour_outside_the_day_is_refused_naming_it() -> None:
    with pytest.raises(InputError) as refused:
        parse_preferences(["email"], None, None, None, 0, True, 24)
    assert refused.value.field == "digest_hour"
