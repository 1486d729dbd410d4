"""Training and held-out sets built from synthetic wells with the run-time feature code.

Wells are split by seed: held-out wells are never seen in training. Each set
is a matrix of float32 features (the columns of the run-time catalogue) with
labels; :func:`fingerprint` hashes the arrays a model was trained on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from models.synthetic import FailureMode, Fault, generate_sensor_series, sensor_labels
from models.synthetic_production import generate_production_series
from shared.core.analytics.model.catalogue import (
    PRODUCTION_INDEX,
    PRODUCTION_WINDOW_DAYS,
    SENSOR_WINDOW_HOURS,
)
from shared.core.analytics.model.features import (
    optimizer_inputs,
    production_feature_matrix,
    production_scoreable,
    sensor_feature_matrix,
    sensor_scoreable,
)

Float32Array = NDArray[np.float32]
SensorPart = tuple[
    Float32Array, NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]
]
"""One well's rows: features, mode, hours to failure, clean, well index."""
MODES = tuple(FailureMode)
CLASSES = ("none", *(mode.value for mode in MODES))
"""Failure-predictor classes: no failure within 7 days, or the mode of the coming failure."""


@dataclass(frozen=True)
class DataConfig:
    """How much synthetic field to generate; ``seed`` picks every well."""

    seed: int = 20240
    train_wells: int = 160
    test_wells: int = 80
    fault_fraction: float = 0.6
    sensor_days: int = 44
    window_step_hours: int = 4
    production_days: int = 720

    @classmethod
    def small(cls, seed: int = 20240) -> DataConfig:
        """A field small enough for unit tests (a few seconds of training)."""
        return cls(seed=seed, train_wells=48, test_wells=32, production_days=420)

    def well_seeds(self, split: str) -> list[int]:
        offset = {"train": 0, "test": 500_000, "fresh": 900_000}[split]
        count = self.test_wells if split != "train" else self.train_wells
        return [self.seed * 1_000_000 + offset + i for i in range(count)]


@dataclass
class SensorSet:
    """Sensor feature rows with labels; ``mode`` is 0 (none) or 1 + the failure mode index."""

    x: Float32Array
    mode: NDArray[np.int64]
    hours_to_failure: NDArray[np.float64]
    clean: NDArray[np.bool_]
    well: NDArray[np.int64]


@dataclass
class RegressionSet:
    x: Float32Array
    y: NDArray[np.float64]
    reference: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))


def well_fault(config: DataConfig, well_seed: int, index: int) -> Fault | None:
    """The fault a well carries (balanced over modes), or None; drawn from its seed."""
    rng = np.random.default_rng([well_seed, 3])
    if rng.random() >= config.fault_fraction:
        return None
    hours = config.sensor_days * 24
    onset = int(rng.integers(int(hours * 0.55), hours))
    return Fault(MODES[index % len(MODES)], onset, int(rng.integers(120, 265)))


def sensor_set(
    config: DataConfig, split: str, progress: Callable[[], None] | None = None
) -> SensorSet:
    """Windows every ``window_step_hours`` up to a fault's onset (never after it)."""
    hours = config.sensor_days * 24
    parts: list[SensorPart] = []
    for index, seed in enumerate(config.well_seeds(split)):
        fault = well_fault(config, seed, index)
        series = generate_sensor_series(seed, hours, fault)
        labels = sensor_labels(hours + 1, fault)
        ends = np.arange(SENSOR_WINDOW_HOURS, hours + 1, config.window_step_hours)
        ends = ends[~labels["failed"][ends] | (labels["hours_to_failure"][ends] == 0)]
        to_failure = labels["hours_to_failure"][ends]
        code = 0 if fault is None else 1 + MODES.index(fault.mode)
        mode = np.where(labels["failure_within_7d"][ends], code, 0)
        precursor = 0 if fault is None else fault.precursor_hours
        clean = to_failure > precursor
        x = sensor_feature_matrix(series, ends)
        keep = sensor_scoreable(x)  # the rows scoring would not skip
        well = np.full(len(ends), index, dtype=np.int64)
        parts.append((x[keep], mode[keep], to_failure[keep], clean[keep], well[keep]))
        if progress is not None:
            progress()
    return SensorSet(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        np.concatenate([p[3] for p in parts]),
        np.concatenate([p[4] for p in parts]),
    )


def production_sets(
    config: DataConfig,
    split: str,
    optimizer_names: list[str],
    progress: Callable[[], None] | None = None,
) -> tuple[RegressionSet, RegressionSet]:
    """(optimizer, water cut) sets; optimizer targets are rate / ``oil_rate_7d``."""
    opt: list[tuple[Float32Array, NDArray[np.float64], NDArray[np.float64]]] = []
    cut: list[tuple[Float32Array, NDArray[np.float64]]] = []
    for seed in config.well_seeds(split):
        series = generate_production_series(seed, config.production_days)
        opt.append(_optimizer_rows(series, optimizer_names, np.random.default_rng([seed, 4])))
        cut.append(_water_cut_rows(series))
        if progress is not None:
            progress()
    ox, oy, oref = (np.concatenate(p) for p in zip(*opt, strict=True))
    cx, cy = (np.concatenate(p) for p in zip(*cut, strict=True))
    return RegressionSet(ox, oy, oref), RegressionSet(cx, cy)


def _optimizer_rows(
    series: dict[str, NDArray[np.float64]], names: list[str], rng: np.random.Generator
) -> tuple[Float32Array, NDArray[np.float64], NDArray[np.float64]]:
    """At each choke change c: the window before c, the new choke, the rates of days c, c+1.

    As many steady days again (window before the day, that day's choke and rate),
    so the model sees both. Targets are rate per producing day / ``oil_rate_7d``.
    """
    choke, hours, oil = series["choke_64ths"], series["hours_on"], series["oil_bbl"]
    days = np.arange(PRODUCTION_WINDOW_DAYS, len(choke) - 1)
    changed = days[choke[days] != choke[days - 1]]
    steady = rng.choice(days, size=min(len(days), 2 * len(changed) + 4), replace=False)
    window_end = np.concatenate([changed, changed, steady])
    target_day = np.concatenate([changed, changed + 1, steady])
    usable = (hours[target_day] >= 20.0) & np.isfinite(oil[target_day] + choke[target_day])
    window_end, target_day = window_end[usable], target_day[usable]
    rows = production_feature_matrix(series, window_end)
    reference = rows[:, PRODUCTION_INDEX["oil_rate_7d"]].astype(np.float64)
    keep = production_scoreable(rows) & (reference > 1.0)
    x = np.zeros((int(keep.sum()), len(names)), dtype=np.float32)
    for i, (row, c) in enumerate(zip(rows[keep], choke[target_day][keep], strict=True)):
        x[i] = optimizer_inputs(row, [c], names)[0]
    rate = 24.0 * oil[target_day][keep] / hours[target_day][keep]
    return x, rate / reference[keep], reference[keep]


def _water_cut_rows(
    series: dict[str, NDArray[np.float64]],
) -> tuple[Float32Array, NDArray[np.float64]]:
    """Rows every 7 days; target: water cut of the next 30 days."""
    days = len(series["oil_bbl"])
    ends = np.arange(PRODUCTION_WINDOW_DAYS, days - 30, 7)
    oil, water = np.nan_to_num(series["oil_bbl"]), np.nan_to_num(series["water_bbl"])
    oil_next = np.array([oil[e : e + 30].sum() for e in ends])
    water_next = np.array([water[e : e + 30].sum() for e in ends])
    total = oil_next + water_next
    keep = total > 0.0
    x = production_feature_matrix(series, ends)
    keep &= production_scoreable(x)
    return x[keep], water_next[keep] / total[keep]


def fingerprint(*arrays: NDArray[np.generic]) -> str:
    """sha256 over the dtype, shape and bytes of each array, in order."""
    digest = hashlib.sha256()
    for array in arrays:
        contiguous = np.ascontiguousarray(array)
        digest.update(f"{contiguous.dtype.str}{contiguous.shape}".encode())
        digest.update(contiguous.tobytes())
    return digest.hexdigest()


def batches(total: int, size: int) -> Iterator[slice]:
    for start in range(0, total, size):
        yield slice(start, min(total, start + size))
