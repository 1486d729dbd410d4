"""Masked statistics along the last axis of windows: ``valid`` marks the samples used.

``x`` is (..., w): one window per leading index (for instance signals x rows x
hours). Every function returns one value per window and NaN where a window has
too few valid samples, without warnings (numpy's nan-functions warn on empty
windows). Times are sample indices divided by ``per_day`` (24 for hourly
data), so slopes are per day.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def windows(series: FloatArray, ends: NDArray[np.int64], width: int) -> FloatArray:
    """Rows ``series[end - width : end]`` for each end; NaN where they reach before the start."""
    index = ends[:, None] - width + np.arange(width)[None, :]
    padded = np.concatenate([np.full(width, np.nan), series])
    return np.asarray(padded[index + width], dtype=np.float64)


def count(valid: BoolArray) -> FloatArray:
    """Valid samples per window (as floats, to divide by)."""
    return np.asarray(valid.sum(axis=-1), dtype=np.float64)


def mean(x: FloatArray, valid: BoolArray) -> FloatArray:
    n = count(valid)
    total = np.where(valid, x, 0.0).sum(axis=-1)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def std(x: FloatArray, valid: BoolArray) -> FloatArray:
    """Population standard deviation; NaN below 2 samples."""
    n = count(valid)
    centre = np.nan_to_num(mean(x, valid))[..., None]
    squares = np.where(valid, (x - centre) ** 2, 0.0).sum(axis=-1)
    return np.where(n > 1, np.sqrt(squares / np.maximum(n, 1)), np.nan)


def minimum(x: FloatArray, valid: BoolArray) -> FloatArray:
    low = np.where(valid, x, np.inf).min(axis=-1)
    return np.where(count(valid) > 0, low, np.nan)


def maximum(x: FloatArray, valid: BoolArray) -> FloatArray:
    high = np.where(valid, x, -np.inf).max(axis=-1)
    return np.where(count(valid) > 0, high, np.nan)


def median(x: FloatArray, valid: BoolArray) -> FloatArray:
    n = count(valid).astype(np.int64)
    ordered = np.sort(np.where(valid, x, np.inf), axis=-1)
    low = np.take_along_axis(ordered, (np.maximum(n - 1, 0) // 2)[..., None], axis=-1)[..., 0]
    high_index = np.minimum(n // 2, x.shape[-1] - 1)[..., None]
    high = np.take_along_axis(ordered, high_index, axis=-1)[..., 0]
    return np.where(n > 0, (low + high) / 2.0, np.nan)


def slope(x: FloatArray, valid: BoolArray, per_day: float) -> FloatArray:
    """Least-squares slope of x against time (per day); NaN below 3 samples."""
    n = count(valid)
    t = np.broadcast_to(np.arange(x.shape[-1], dtype=np.float64) / per_day, x.shape)
    dt = np.where(valid, t - np.nan_to_num(mean(t, valid))[..., None], 0.0)
    dx = np.where(valid, x - np.nan_to_num(mean(x, valid))[..., None], 0.0)
    spread = (dt * dt).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = (dt * dx).sum(axis=-1) / spread
    return np.where((n > 2) & (spread > 0.0), result, np.nan)


def ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator, NaN where the denominator is not positive."""
    safe = np.where(denominator > 0.0, denominator, 1.0)
    return np.where(denominator > 0.0, numerator / safe, np.nan)
