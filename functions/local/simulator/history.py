"""The simulated wells' hourly sensor history: the training generator, anchored in time.

The simulator's rod-pump signals (:data:`SENSOR_SIGNALS`: current, vibration,
pressures, temperature, strokes, fillage) are not invented here: well ``n`` of a
field seeded ``s`` follows ``models.synthetic.generate_sensor_series`` for
:func:`well_seed` ``(s, n)``, hour 0 at ``anchor``. A :class:`PlannedFault`
ramps its precursors in over the days before its onset exactly as in the data
the models were trained on, and from the onset the pump is down.

The RTU serves the value of the current hour (plus a little per-sample noise),
and the demo writes the same hours into the database as the field's past, so
a night's scoring sees one continuous history whichever side it came from.
The series is generated once for ``horizon_hours`` after the anchor (a year by
default) and regenerated longer when a moment beyond it is asked for.

Examples
--------
>>> anchor = datetime(2026, 11, 1, tzinfo=UTC)
>>> fault = PlannedFault.parse("2:bearing_wear:2026-11-20T00:00:00Z")
>>> history = SensorHistory(seed=7, anchor=anchor, faults=[fault], horizon_hours=30 * 24)
>>> hours, values = history.hourly(2, anchor, anchor + timedelta(hours=3))
>>> len(hours), sorted(values) == sorted(SIGNAL_NAMES)
(3, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from models.synthetic import FailureMode, Fault, generate_sensor_series
from shared.core.analytics.model.catalogue import SENSOR_SIGNALS

FloatArray = NDArray[np.float64]
SIGNAL_NAMES: tuple[str, ...] = tuple(signal.name for signal in SENSOR_SIGNALS)
HOUR = timedelta(hours=1)
YEAR_HOURS = 366 * 24
DEFAULT_PRECURSOR_HOURS = 120


def well_seed(field_seed: int, well: int) -> int:
    """The generator seed of simulated well ``well`` in a field seeded ``field_seed``."""
    return field_seed * 100_003 + well


def hour_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class PlannedFault:
    """A pump failure at ``onset`` on simulated well ``well``, announced over precursor hours."""

    well: int
    mode: FailureMode
    onset: datetime
    precursor_hours: int = DEFAULT_PRECURSOR_HOURS

    @classmethod
    def parse(cls, text: str) -> PlannedFault:
        """``WELL:MODE:ONSET[/PRECURSOR_HOURS]``, e.g. ``2:bearing_wear:2026-11-24T00:00Z/120``."""
        well, sep, rest = text.partition(":")
        mode, sep2, rest = rest.partition(":")
        if not sep or not sep2:
            raise ValueError(f"{text!r}: expected WELL:MODE:ONSET[/PRECURSOR_HOURS]")
        onset_text, slash, precursor = rest.partition("/")
        try:
            number = int(well)
        except ValueError:
            raise ValueError(f"{text!r}: well must be a number, not {well!r}") from None
        if number < 1:
            raise ValueError(f"{text!r}: wells are numbered from 1")
        try:
            failure = FailureMode(mode)
        except ValueError:
            choices = ", ".join(m.value for m in FailureMode)
            raise ValueError(f"{text!r}: unknown fault {mode!r}; choose from {choices}") from None
        try:
            onset = datetime.fromisoformat(onset_text)
        except ValueError:
            raise ValueError(f"{text!r}: onset {onset_text!r} is not an ISO date-time") from None
        if onset.tzinfo is None:
            raise ValueError(f"{text!r}: the onset needs a time zone (e.g. Z)")
        hours = int(precursor) if slash and precursor.isdigit() else -1 if slash else None
        if hours is not None and hours < 1:
            raise ValueError(f"{text!r}: precursor hours must be a whole number of at least 1")
        return cls(number, failure, onset.astimezone(UTC), hours or DEFAULT_PRECURSOR_HOURS)

    def __str__(self) -> str:
        onset = self.onset.strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{self.well}:{self.mode.value}:{onset}/{self.precursor_hours}"


class SensorHistory:
    """Hourly values of the sensor signals of every simulated well of one field."""

    def __init__(
        self,
        seed: int,
        anchor: datetime,
        faults: Sequence[PlannedFault] = (),
        horizon_hours: int = YEAR_HOURS,
    ) -> None:
        if anchor.tzinfo is None:
            raise ValueError("the anchor needs a time zone")
        self.seed = seed
        self.anchor = hour_floor(anchor)
        self.faults = {fault.well: fault for fault in faults}
        self._horizon = max(horizon_hours, 48)
        self._series: dict[int, tuple[FloatArray, NDArray[np.bool_]]] = {}

    def hour_index(self, moment: datetime | float) -> int:
        """Hours from the anchor to the hour holding ``moment`` (a datetime or Unix seconds)."""
        seconds = moment if isinstance(moment, float | int) else moment.timestamp()
        return math.floor((seconds - self.anchor.timestamp()) / 3600.0)

    def values_at(
        self, wells: Sequence[int], moment: float
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        """Values (wells × signals) of the hour holding ``moment``; True where one is missing.

        A missing hour (a telemetry gap in the generated data, or a moment before
        the anchor) holds the last usable value.
        """
        hour = self.hour_index(moment)
        values = np.empty((len(wells), len(SIGNAL_NAMES)))
        missing = np.zeros((len(wells), len(SIGNAL_NAMES)), dtype=bool)
        for row, well in enumerate(wells):
            filled, gaps = self._well(well, max(hour, 0) + 1)
            index = max(hour, 0)
            values[row] = filled[:, index]
            missing[row] = gaps[:, index] | (hour < 0)
        return values, missing

    def hourly(
        self, well: int, start: datetime, end: datetime
    ) -> tuple[list[datetime], dict[str, FloatArray]]:
        """The hours in [start, end) from the anchor on, and each signal's value (NaN: none)."""
        first = max(self.hour_index(hour_floor(start)), 0)
        stop = self.hour_index(end - timedelta(microseconds=1)) + 1
        if stop <= first:
            return [], {name: np.empty(0) for name in SIGNAL_NAMES}
        filled, gaps = self._well(well, stop)
        hours = [self.anchor + HOUR * h for h in range(first, stop)]
        part = np.where(gaps[:, first:stop], np.nan, filled[:, first:stop])
        return hours, {name: part[i] for i, name in enumerate(SIGNAL_NAMES)}

    def _well(self, well: int, hours: int) -> tuple[FloatArray, NDArray[np.bool_]]:
        cached = self._series.get(well)
        if cached is not None and cached[0].shape[1] >= hours:
            return cached
        while self._horizon < hours:
            self._horizon *= 2
        seed = well_seed(self.seed, well)
        generated = generate_sensor_series(seed, self._horizon, self._fault(well))
        raw = np.vstack([generated[name] for name in SIGNAL_NAMES])
        gaps = np.isnan(raw)
        self._series[well] = (_last_usable(raw), gaps)
        return self._series[well]

    def _fault(self, well: int) -> Fault | None:
        planned = self.faults.get(well)
        if planned is None:
            return None
        onset = self.hour_index(planned.onset)
        return Fault(planned.mode, onset_hour=onset, precursor_hours=planned.precursor_hours)


def _last_usable(raw: FloatArray) -> FloatArray:
    """Each gap holds the value before it (the first hours: the signal's mean)."""
    filled = raw.copy()
    for row in filled:
        missing = np.isnan(row)
        if not missing.any():
            continue
        if missing.all():
            row[:] = 0.0
            continue
        mean = float(np.nanmean(row))
        index = np.where(missing, 0, np.arange(row.size))
        np.maximum.accumulate(index, out=index)
        row[:] = row[index]
        row[np.isnan(row)] = mean
    return filled
