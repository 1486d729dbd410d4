"""The model features computed from sensor and production windows (numpy only).

The catalogue (signals, features, units, window sizes) is in
:mod:`shared.core.analytics.model.catalogue`.

Training (``models/``) and scoring (:mod:`shared.core.analytics.model.scoring`) call
the same functions, so a model sees at run time exactly what it learned from.

Inputs are plain mappings of column name to a 1-D array, oldest first, NaN for
a missing value; a value outside its signal's ``plausible`` range (a sensor
glitch, a typo) counts as missing too, so one bad value cannot skew a window:

* a **sensor window**: hourly readings of :data:`SENSOR_SIGNALS` of one well,
  the last :data:`SENSOR_WINDOW_HOURS` hours (shorter windows are padded with
  missing hours). A pump runs in an hour when its strokes per minute exceed
  :data:`RUNNING_SPM` (when they were not read: when its current exceeds
  :data:`RUNNING_CURRENT_A`); statistics use running hours only, so routine
  downtime does not look like a fault.
* a **production window**: daily volumes and readings of
  :data:`PRODUCTION_COLUMNS`, the last :data:`PRODUCTION_WINDOW_DAYS` days.

A feature that cannot be computed (no data) takes its ``neutral`` value, so
model inputs never hold NaN; ``valid_hours_24h``, ``baseline_hours`` and
``producing_days_30d`` say whether a window had enough data to be scored.

Examples
--------
>>> hours = SENSOR_WINDOW_HOURS
>>> window = {s.name: np.full(hours, 10.0) for s in SENSOR_SIGNALS}
>>> row = sensor_features(window)
>>> row.dtype, row.shape == (len(SENSOR_FEATURES),)
(dtype('float32'), True)
>>> float(row[SENSOR_INDEX["vibration_ratio_24h"]])
1.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from shared.core.analytics.model import windows as w
from shared.core.analytics.model.catalogue import (
    BASELINE_HOURS,
    BOE_MCF,
    CHOKE_CANDIDATE,
    MIN_BASELINE_HOURS,
    MIN_PRODUCING_DAYS_30D,
    MIN_VALID_HOURS_24H,
    PRODUCTION_COLUMNS,
    PRODUCTION_FEATURES,
    PRODUCTION_INDEX,
    PRODUCTION_WINDOW_DAYS,
    RUNNING_CURRENT_A,
    RUNNING_SPM,
    SENSOR_FEATURES,
    SENSOR_INDEX,
    SENSOR_SIGNALS,
    SENSOR_WINDOW_HOURS,
    Feature,
    Signal,
)
from shared.core.common.errors import InputError

Float32Array = NDArray[np.float32]
FloatArray = NDArray[np.float64]

_SPM = [s.name for s in SENSOR_SIGNALS].index("strokes_per_minute")
_CURRENT = [s.name for s in SENSOR_SIGNALS].index("motor_current")


def sensor_features(window: Mapping[str, ArrayLike]) -> Float32Array:
    """One sensor feature row for a window that ends at its last reading."""
    length = _length(window, SENSOR_SIGNALS)
    row: Float32Array = sensor_feature_matrix(window, np.array([length]))[0]
    return row


def production_features(window: Mapping[str, ArrayLike]) -> Float32Array:
    """One production feature row for a window that ends at its last day."""
    length = _length(window, PRODUCTION_COLUMNS)
    row: Float32Array = production_feature_matrix(window, np.array([length]))[0]
    return row


def sensor_feature_matrix(series: Mapping[str, ArrayLike], ends: ArrayLike) -> Float32Array:
    """Rows of :data:`SENSOR_FEATURES` for windows ending before each index of ``ends``."""
    end_index = np.asarray(ends, dtype=np.int64)
    x = np.stack(
        [w.windows(_plausible(series, s), end_index, SENSOR_WINDOW_HOURS) for s in SENSOR_SIGNALS]
    )  # signals x rows x hours
    spm, current = x[_SPM], x[_CURRENT]
    known_state = np.isfinite(spm) | np.isfinite(current)
    running = np.where(np.isfinite(spm), spm > RUNNING_SPM, current > RUNNING_CURRENT_A)
    ok = np.isfinite(x) & running[None, :, :]
    every_signal = ok.all(axis=0)
    recent, trend = slice(-24, None), slice(-72, None)
    base = slice(0, SENSOR_WINDOW_HOURS - BASELINE_HOURS)
    per_signal = np.stack(_signal_stats(x, ok, recent, trend, base), axis=-1)
    rows = len(end_index)
    values = [per_signal.transpose(1, 0, 2).reshape(rows, -1)]
    state = running.astype(np.float64)
    extra = [w.mean(state[:, part], known_state[:, part]) for part in (recent, trend, base)]
    extra += [w.count(every_signal[:, recent]), w.count(every_signal[:, base])]
    values.append(np.stack(extra, axis=1))
    return _finish(np.concatenate(values, axis=1), SENSOR_FEATURES)


def _signal_stats(
    x: FloatArray, ok: w.BoolArray, recent: slice, trend: slice, base: slice
) -> list[FloatArray]:
    """The per-signal statistics of `catalogue._PER_SIGNAL`, in its order, each signals x rows."""
    mean_24 = w.mean(x[..., recent], ok[..., recent])
    std_24 = w.std(x[..., recent], ok[..., recent])
    mean_72 = w.mean(x[..., trend], ok[..., trend])
    low, high = w.minimum(x[..., trend], ok[..., trend]), w.maximum(x[..., trend], ok[..., trend])
    slope = w.slope(x[..., trend], ok[..., trend], per_day=24.0)
    baseline = w.median(x[..., base], ok[..., base])
    return [
        mean_24,
        std_24,
        mean_72,
        low,
        high,
        slope,
        baseline,
        w.ratio(mean_24, baseline),
        w.ratio(mean_72, baseline),
        w.ratio(std_24, baseline),
        w.ratio(high - low, baseline),
        w.ratio(slope, baseline),
    ]


def production_feature_matrix(series: Mapping[str, ArrayLike], ends: ArrayLike) -> Float32Array:
    """Rows of :data:`PRODUCTION_FEATURES` for windows ending before each index of ``ends``."""
    end_index = np.asarray(ends, dtype=np.int64)
    c = {
        col.name: w.windows(_plausible(series, col), end_index, PRODUCTION_WINDOW_DAYS)
        for col in PRODUCTION_COLUMNS
    }
    hours, oil, gas, water = c["hours_on"], c["oil_bbl"], c["gas_mcf"], c["water_bbl"]
    producing = (hours > 0.0) & np.isfinite(oil)
    known = np.isfinite(hours)
    last7, last30 = slice(-7, None), slice(-30, None)
    water_known = producing & np.isfinite(water)
    daily_cut = w.ratio(np.nan_to_num(water), np.nan_to_num(oil) + np.nan_to_num(water))
    steady = producing & (hours >= 12.0) & (oil > 0.0)
    log_rate = np.log(np.where(steady, 24.0 * oil / np.where(steady, hours, 1.0), 1.0))

    def per_day(volume: FloatArray, part: slice, mask: w.BoolArray) -> FloatArray:
        m = mask[:, part]
        return 24.0 * w.ratio(_sum(volume[:, part], m), _sum(hours[:, part], m))

    def cut(part: slice) -> FloatArray:
        m = water_known[:, part]
        oil_sum, water_sum = _sum(oil[:, part], m), _sum(water[:, part], m)
        return w.ratio(water_sum, oil_sum + water_sum)

    gas_known = producing & np.isfinite(gas)
    boe = np.nan_to_num(oil) + np.nan_to_num(gas) / BOE_MCF
    values = [
        per_day(oil, last7, producing),
        per_day(oil, last30, producing),
        per_day(gas, last30, gas_known),
        per_day(water, last30, water_known),
        w.ratio(_sum(boe[:, last30], known[:, last30]), w.count(known[:, last30])),
        cut(last7),
        cut(last30),
        cut(slice(None)),
        w.slope(daily_cut, water_known & np.isfinite(daily_cut), per_day=1.0),
        1000.0
        * w.ratio(
            _sum(gas[:, last30], gas_known[:, last30]), _sum(oil[:, last30], gas_known[:, last30])
        ),
        -365.25 * w.slope(log_rate, steady, per_day=1.0),
        w.ratio(_sum(hours[:, last30], known[:, last30]), 24.0 * w.count(known[:, last30])),
        w.count(known[:, last30] & (hours[:, last30] <= 0.0)),
        w.count(producing[:, last30]),
        *(_producing_mean(c["choke_64ths"], producing, part) for part in (last7, last30)),
        _last(c["choke_64ths"], producing & np.isfinite(c["choke_64ths"])),
        *(
            _producing_mean(c[name], producing, last30)
            for name in ("tubing_pressure_psi", "casing_pressure_psi", "line_pressure_psi")
        ),
    ]
    return _finish(np.stack(values, axis=1), PRODUCTION_FEATURES)


def sensor_scoreable(matrix: Float32Array) -> NDArray[np.bool_]:
    """Rows of :func:`sensor_feature_matrix` with enough running hours to be scored."""
    valid = matrix[:, SENSOR_INDEX["valid_hours_24h"]] >= MIN_VALID_HOURS_24H
    return np.asarray(valid & (matrix[:, SENSOR_INDEX["baseline_hours"]] >= MIN_BASELINE_HOURS))


def production_scoreable(matrix: Float32Array) -> NDArray[np.bool_]:
    """Rows of :func:`production_feature_matrix` with enough production to be scored."""
    producing = matrix[:, PRODUCTION_INDEX["producing_days_30d"]] >= MIN_PRODUCING_DAYS_30D
    return np.asarray(producing & (matrix[:, PRODUCTION_INDEX["oil_rate_7d"]] > 0.0))


def optimizer_inputs(
    production_row: ArrayLike, chokes: ArrayLike, names: Sequence[str]
) -> Float32Array:
    """Inputs of the production optimizer: ``names`` from one production row, one row per choke.

    ``choke_candidate`` takes each of ``chokes`` in turn; every other name is
    read from ``production_row`` (a row of :func:`production_features`).
    """
    row = np.asarray(production_row, dtype=np.float32)
    candidates = np.asarray(chokes, dtype=np.float32).reshape(-1)
    matrix = np.empty((candidates.size, len(names)), dtype=np.float32)
    for j, name in enumerate(names):
        if name == CHOKE_CANDIDATE.name:
            matrix[:, j] = candidates
        else:
            matrix[:, j] = row[column_indices([name], PRODUCTION_FEATURES)[0]]
    return matrix


def column_indices(names: Sequence[str], catalogue: Sequence[Feature]) -> NDArray[np.int64]:
    """Positions of ``names`` in ``catalogue``; InputError naming an unknown feature."""
    key = (id(catalogue), tuple(names))
    cached = _POSITIONS.get(key)
    if cached is None or cached[0] is not catalogue:
        index = {feature.name: i for i, feature in enumerate(catalogue)}
        unknown = [name for name in names if name not in index]
        if unknown:
            raise InputError("features", f"unknown feature(s): {', '.join(unknown)}")
        cached = (catalogue, np.array([index[name] for name in names], dtype=np.int64))
        if len(_POSITIONS) < 256:
            _POSITIONS[key] = cached
    return cached[1].copy()


_POSITIONS: dict[tuple[int, tuple[str, ...]], tuple[Sequence[Feature], NDArray[np.int64]]] = {}


def _finish(matrix: FloatArray, catalogue: Sequence[Feature]) -> Float32Array:
    """float32 rows; a value float32 cannot hold (or none at all) takes the feature's neutral."""
    neutral = np.array([feature.neutral for feature in catalogue])
    usable = np.isfinite(matrix) & (np.abs(matrix) <= _FLOAT32_MAX)
    return np.where(usable, matrix, neutral[None, :]).astype(np.float32)


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _plausible(series: Mapping[str, ArrayLike], signal: Signal) -> FloatArray:
    """The column with values outside the signal's plausible range set to NaN (missing)."""
    column = _column(series, signal.name)
    low, high = signal.plausible
    with np.errstate(invalid="ignore"):
        return np.where((column >= low) & (column <= high), column, np.nan)


def _sum(x: FloatArray, valid: w.BoolArray) -> FloatArray:
    return np.where(w.count(valid) > 0, np.where(valid, x, 0.0).sum(axis=1), np.nan)


def _producing_mean(x: FloatArray, producing: w.BoolArray, part: slice) -> FloatArray:
    return w.mean(x[:, part], (producing & np.isfinite(x))[:, part])


def _last(x: FloatArray, valid: w.BoolArray) -> FloatArray:
    positions = np.where(valid, np.arange(x.shape[1])[None, :], -1).max(axis=1)
    picked = x[np.arange(x.shape[0]), np.maximum(positions, 0)]
    return np.where(positions >= 0, picked, np.nan)


def _column(series: Mapping[str, ArrayLike], name: str) -> FloatArray:
    if name not in series:
        raise InputError(name, "column missing from the window")
    column = np.asarray(series[name], dtype=np.float64)
    if column.ndim != 1:
        raise InputError(name, f"must be one-dimensional, got shape {column.shape}")
    return column


def _length(window: Mapping[str, ArrayLike], columns: Sequence[Signal]) -> int:
    lengths = {len(_column(window, c.name)) for c in columns}
    if len(lengths) != 1:
        raise InputError("window", f"columns differ in length: {sorted(lengths)}")
    return lengths.pop()
