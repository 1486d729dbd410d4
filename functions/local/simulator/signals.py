"""Sensor values for a set of wells, computed for all tags at once per tick (numpy).

The rod-pump signals the models read (current, vibration, pressures, flow line
temperature, strokes, fillage) follow the training generator hour by hour
(:mod:`functions.local.simulator.history`), with a little per-sample noise; an
hour the generator left without a reading is served as BadSensorFailure. Every
other tag: value = base · well factor · (1 + drift · days) + daily cycle + noise.
Then fault effects injected at runtime ramp in over `fault_ramp_s`, then the
occasional bad-quality sample (BadSensorFailure or UncertainLastUsableValue,
value kept).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from functions.local.simulator.catalog import TagSpec
from functions.local.simulator.history import SIGNAL_NAMES, SensorHistory, hour_floor

BAD_SENSOR_FAILURE = 0x808C0000
UNCERTAIN_LAST_USABLE = 0x40900000

FAULT_EFFECTS: dict[str, dict[str, float]] = {
    "bearing_wear": {"vibration": 4.0, "motor_temperature": 0.2, "motor_current": 0.1},
    "pump_off": {"motor_current": -0.45, "pump_fillage": -0.6, "flow_rate": -0.5},
    "tubing_leak": {"tubing_pressure": -0.6, "casing_pressure": 0.15, "flow_rate": -0.3},
    "flowline_blockage": {"tubing_pressure": 1.0, "flow_rate": -0.7},
    "gas_lock": {
        "flow_rate": -0.9,
        "motor_current": -0.3,
        "pump_fillage": -0.8,
        "pump_intake_pressure": 0.2,
        "gas_rate": 0.3,
    },
}
FAULTS = tuple(FAULT_EFFECTS)
"""Bearing wear → rising vibration; pump-off → falling current;
tubing leak → pressure decay; flowline blockage → tubing pressure doubles, flow drops;
gas lock → no flow, swinging current."""


@dataclass(frozen=True)
class LiveFault:
    """A fault the RTU switches on by itself ``after_s`` seconds after it starts ticking
    (and off again after ``for_s`` more, if given): ``WELL:NAME:AFTER_S[/FOR_S]``."""

    well: int
    name: str
    after_s: float
    for_s: float | None = None

    @classmethod
    def parse(cls, text: str) -> LiveFault:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f"{text!r}: expected WELL:NAME:AFTER_S[/FOR_S]")
        well, name, timing = parts
        if name not in FAULT_EFFECTS:
            raise ValueError(f"unknown fault {name!r}; choose from {', '.join(FAULT_EFFECTS)}")
        after, _, lasting = timing.partition("/")
        try:
            fault = cls(int(well), name, float(after), float(lasting) if lasting else None)
        except ValueError:
            raise ValueError(f"{text!r}: well, seconds and duration must be numbers") from None
        if fault.well < 1 or fault.after_s < 0 or (fault.for_s is not None and fault.for_s <= 0):
            raise ValueError(f"{text!r}: well from 1, seconds not negative, duration positive")
        return fault

    def __str__(self) -> str:
        lasting = "" if self.for_s is None else f"/{self.for_s:g}"
        return f"{self.well}:{self.name}:{self.after_s:g}{lasting}"


Floats = npt.NDArray[np.float64]
SHORT_HORIZON_HOURS = 8 * 24
"""Without a given history, the generated one starts the day before and grows as needed."""


@dataclass(frozen=True)
class ActiveFault:
    name: str
    since: float


class FieldSignals:
    def __init__(
        self,
        wells: Sequence[int],
        specs: Sequence[TagSpec],
        seed: int,
        start: float,
        fault_ramp_s: float = 600.0,
        bad_rate: float = 0.001,
        history: SensorHistory | None = None,
    ) -> None:
        self.wells = list(wells)
        self.columns = {spec.name: i for i, spec in enumerate(specs)}
        self._rng = np.random.default_rng(seed)
        shape = (len(self.wells), len(specs))
        factor = self._rng.uniform(0.7, 1.3, (shape[0], 1))
        self._base: Floats = np.array([s.base for s in specs]) * factor
        self._daily: Floats = np.array([s.daily for s in specs]) * self._base
        self._noise: Floats = np.array([s.noise for s in specs]) * self._base
        self._drift: Floats = np.array([s.drift for s in specs]) * np.ones(shape)
        self._phase: Floats = self._rng.uniform(0, 2 * math.pi, shape)
        self._start = start
        self._ramp = fault_ramp_s
        self.bad_rate = bad_rate
        self.faults: dict[int, ActiveFault] = {}
        self.history = history or _default_history(seed, start)
        pairs = [(i, self.columns[n]) for i, n in enumerate(SIGNAL_NAMES) if n in self.columns]
        self._from_history = np.array([i for i, _ in pairs], dtype=np.intp)
        self._history_columns = np.array([c for _, c in pairs], dtype=np.intp)
        self._history_noise = np.array([specs[c].noise for c in self._history_columns])
        self._hour: tuple[int, Floats, npt.NDArray[np.bool_]] | None = None

    def set_fault(self, well: int, name: str | None, now: float) -> None:
        """Start (or clear, with None/"") a fault on a well; unknown names raise ValueError."""
        if not name:
            self.faults.pop(well, None)
            return
        if name not in FAULT_EFFECTS:
            raise ValueError(f"unknown fault {name!r}; choose from {', '.join(FAULTS)}")
        current = self.faults.get(well)
        if current is None or current.name != name:
            self.faults[well] = ActiveFault(name, now)

    def sample(self, moment: float) -> tuple[Floats, npt.NDArray[np.uint32]]:
        """Values and status codes, shape (wells, tags), for unix time `moment`."""
        day = (moment % 86_400) / 86_400
        days = (moment - self._start) / 86_400
        values = self._base * (1 + self._drift * days)
        values = values + self._daily * np.sin(2 * math.pi * day + self._phase)
        values = values + self._noise * self._rng.standard_normal(values.shape)
        missing = self._follow_history(values, moment)
        self._apply_faults(values, moment)
        np.maximum(values, 0.0, out=values)
        status = np.zeros(values.shape, dtype=np.uint32)
        if self.bad_rate > 0:
            bad = self._rng.random(values.shape) < self.bad_rate
            uncertain = self._rng.random(values.shape) < 0.3
            status[bad] = BAD_SENSOR_FAILURE
            status[bad & uncertain] = UNCERTAIN_LAST_USABLE
        status[missing] = BAD_SENSOR_FAILURE
        return values, status

    def _follow_history(self, values: Floats, moment: float) -> npt.NDArray[np.bool_]:
        """Put the generated hour's values in the signal columns; True where it has none."""
        missing = np.zeros(values.shape, dtype=bool)
        if self._history_columns.size == 0:
            return missing
        hour = self.history.hour_index(moment)
        if self._hour is None or self._hour[0] != hour:
            self._hour = (hour, *self.history.values_at(self.wells, moment))
        _, hourly, gaps = self._hour
        shape = (len(self.wells), self._history_columns.size)
        jitter = 1 + self._history_noise * self._rng.standard_normal(shape)
        values[:, self._history_columns] = hourly[:, self._from_history] * jitter
        missing[:, self._history_columns] = gaps[:, self._from_history]
        return missing

    def _apply_faults(self, values: Floats, moment: float) -> None:
        for well, fault in self.faults.items():
            row = self.wells.index(well) if well in self.wells else None
            if row is None:
                continue
            severity = min(1.0, max(0.0, (moment - fault.since) / self._ramp))
            for tag, change in FAULT_EFFECTS[fault.name].items():
                column = self.columns.get(tag)
                if column is not None:
                    values[row, column] *= 1 + change * severity
            current = self.columns.get("motor_current")
            if fault.name == "gas_lock" and current is not None:
                swing = 0.1 * self._base[row, current] * math.sin(2 * math.pi * moment / 30)
                values[row, current] += swing * severity


def _default_history(seed: int, start: float) -> SensorHistory:
    anchor = hour_floor(datetime.fromtimestamp(start, UTC)) - timedelta(days=1)
    return SensorHistory(seed, anchor, horizon_hours=SHORT_HORIZON_HOURS)
