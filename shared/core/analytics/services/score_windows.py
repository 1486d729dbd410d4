"""Turn stored rows into the windows :func:`score_well_window` reads (numpy only)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from shared.core.analytics.model.catalogue import (
    PRODUCTION_COLUMNS,
    PRODUCTION_WINDOW_DAYS,
    SENSOR_SIGNALS,
    SENSOR_WINDOW_HOURS,
)
from shared.core.analytics.ports import HourlyValue, ProductionDay

SIGNAL_NAMES = frozenset(s.name for s in SENSOR_SIGNALS)
"""Tag names read into the sensor window (the simulator's tags carry these names)."""

Window = dict[str, NDArray[np.float64]]


def sensor_window_start(end: datetime) -> datetime:
    return end - timedelta(hours=SENSOR_WINDOW_HOURS)


def production_window_start(last_day: date) -> date:
    return last_day - timedelta(days=PRODUCTION_WINDOW_DAYS - 1)


def sensor_windows(values: Iterable[HourlyValue], end: datetime) -> dict[str, Window]:
    """Per well: each signal's hourly means over the window ending at ``end``, NaN where unread."""
    start = sensor_window_start(end)
    result: dict[str, Window] = {}
    for item in values:
        index = int((item.hour - start).total_seconds() // 3600)
        if not 0 <= index < SENSOR_WINDOW_HOURS or item.tag_name not in SIGNAL_NAMES:
            continue
        window = result.setdefault(
            item.well_id,
            {name: np.full(SENSOR_WINDOW_HOURS, np.nan) for name in sorted(SIGNAL_NAMES)},
        )
        window[item.tag_name][index] = item.value
    return result


def production_windows(rows: Sequence[ProductionDay], last_day: date) -> dict[str, Window]:
    """Per well: daily columns over the window ending on ``last_day``, NaN where not reported."""
    start = production_window_start(last_day)
    result: dict[str, Window] = {}
    for row in rows:
        index = (row.production_date - start).days
        if not 0 <= index < PRODUCTION_WINDOW_DAYS:
            continue
        window = result.setdefault(
            row.well_id,
            {c.name: np.full(PRODUCTION_WINDOW_DAYS, np.nan) for c in PRODUCTION_COLUMNS},
        )
        for column in PRODUCTION_COLUMNS:
            value = getattr(row, column.name)
            if value is not None:
                window[column.name][index] = float(value)
    return result
