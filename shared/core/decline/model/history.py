"""Production history made ready for a decline fit.

A history is a list of dates with the average rate (volume/day) of the period
that starts on each date: one day for daily data, one calendar month for
monthly data (dates on the 1st), the median spacing otherwise. A period ends
at the next date at the latest. Times are days since the *origin*, the start
of the first period used, so a fitted qi is the rate at the origin.

Points dropped before fitting, by reason: ``missing`` (NaN/None/inf rate),
``not_positive`` (zero or negative rate), ``shut_in`` (zero hours on) and
``before_peak`` (ramp-up before the peak rate, when fitting from the peak). The
peak is the highest rate in the first 5-point window whose running median is
followed by a lower one: the end of the ramp-up, whatever comes later.
"""

from __future__ import annotations

import calendar
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from shared.core.common.errors import InputError

FloatArray = NDArray[np.float64]
MIN_POINTS = 6
PEAK_WINDOW = 5


@dataclass(frozen=True)
class History:
    """Producing points of a well, timed in days since ``origin``."""

    origin: date
    frequency: str
    t_start: FloatArray
    t_end: FloatArray
    rates: FloatArray
    dropped: dict[str, int]

    @property
    def points_used(self) -> int:
        return int(self.rates.size)

    @property
    def points_dropped(self) -> int:
        return sum(self.dropped.values())

    @property
    def end_days(self) -> float:
        """Days from the origin to the end of the last period used."""
        return float(self.t_end[-1])


def prepare_history(
    dates: Sequence[date],
    rates: Sequence[float | None],
    *,
    hours_on: Sequence[float | None] | None = None,
    from_peak: bool = True,
) -> History:
    """Validate a rate series and keep the points a decline fit should use.

    Raises InputError naming ``dates``, ``rates`` or ``hours_on``.

    Examples
    --------
    >>> days = [date(2024, 1, 1) + timedelta(days=i) for i in range(9)]
    >>> history = prepare_history(days, [0, 40, 100, 95, 0, 90, 86, 82, 79])
    >>> history.origin, history.points_used, history.points_dropped
    (datetime.date(2024, 1, 3), 6, 3)
    >>> history.dropped["not_positive"], history.dropped["before_peak"]
    (2, 1)
    """
    starts, ends, frequency = _periods(dates, rates)
    values = np.array([math.nan if r is None else r for r in rates], dtype=np.float64)
    missing = ~np.isfinite(values)
    not_positive = ~missing & (np.nan_to_num(values) <= 0.0)
    shut_in = _shut_in(hours_on, len(dates)) & ~missing & ~not_positive
    keep = ~(missing | not_positive | shut_in)
    if not keep.any():
        raise InputError("rates", "no positive rate to fit (all zero, negative or missing)")
    dropped = {
        "missing": int(missing.sum()),
        "not_positive": int(not_positive.sum()),
        "shut_in": int(shut_in.sum()),
    }
    kept = np.flatnonzero(keep)
    first = _peak_index(values[kept]) if from_peak else 0
    dropped["before_peak"] = first
    kept = kept[first:]
    if kept.size < MIN_POINTS:
        raise InputError(
            "rates", f"need at least {MIN_POINTS} producing points to fit, got {kept.size}"
        )
    origin = starts[kept[0]]
    return History(
        origin=origin,
        frequency=frequency,
        t_start=np.array([(starts[i] - origin).days for i in kept], dtype=np.float64),
        t_end=np.array([(ends[i] - origin).days for i in kept], dtype=np.float64),
        rates=values[kept],
        dropped=dropped,
    )


def produced_volume(dates: Sequence[date], rates: Sequence[float | None]) -> float:
    """Volume produced over the whole series: Σ positive rate × period length in days.

    Examples
    --------
    >>> produced_volume([date(2024, 1, 1), date(2024, 2, 1)], [100.0, 50.0])
    4550.0
    """
    starts, ends, _ = _periods(dates, rates)
    total = 0.0
    for start, end, rate in zip(starts, ends, rates, strict=True):
        if rate is not None and math.isfinite(rate) and rate > 0.0:
            total += rate * (end - start).days
    return total


def _periods(
    dates: Sequence[date], rates: Sequence[float | None]
) -> tuple[list[date], list[date], str]:
    """Start and end of each date's period, and the detected frequency."""
    if len(rates) != len(dates):
        raise InputError("rates", f"has {len(rates)} values for {len(dates)} dates")
    if not dates:
        raise InputError("dates", "no data")
    starts = list(dates)
    for earlier, later in itertools.pairwise(starts):
        if later == earlier:
            raise InputError("dates", f"duplicate date {later}")
        if later < earlier:
            raise InputError("dates", f"must be sorted ascending: {later} comes after {earlier}")
    spacing = float(np.median([(b - a).days for a, b in itertools.pairwise(starts)]))
    frequency = _frequency(spacing if len(starts) > 1 else 1.0)
    nexts = [*starts[1:], date.max]
    ends = [min(_period_end(d, frequency, spacing), n) for d, n in zip(starts, nexts, strict=True)]
    return starts, ends, frequency


def _frequency(spacing_days: float) -> str:
    if spacing_days <= 1.5:
        return "daily"
    if 27.0 <= spacing_days <= 32.0:
        return "monthly"
    return "irregular"


def _period_end(start: date, frequency: str, spacing_days: float) -> date:
    if frequency == "daily":
        return start + timedelta(days=1)
    if frequency == "monthly":
        return _add_month(start)
    return start + timedelta(days=round(spacing_days))


def _add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _shut_in(hours_on: Sequence[float | None] | None, size: int) -> NDArray[np.bool_]:
    if hours_on is None:
        return np.zeros(size, dtype=bool)
    if len(hours_on) != size:
        raise InputError("hours_on", f"has {len(hours_on)} values for {size} dates")
    hours = np.array([math.nan if h is None else h for h in hours_on], dtype=np.float64)
    return np.nan_to_num(hours, nan=24.0) <= 0.0


def _peak_index(rates: FloatArray) -> int:
    """Highest point of the window where the running median first stops rising."""
    window = min(PEAK_WINDOW, rates.size)
    medians = np.median(sliding_window_view(rates, window), axis=1)
    falling = np.flatnonzero(np.diff(medians) < 0.0)
    start = int(falling[0]) if falling.size else medians.size - 1
    return start + int(np.argmax(rates[start : start + window]))
