"""Arps decline curves: exponential, harmonic, hyperbolic and modified hyperbolic.

Every model works in days: ``t`` is days since the start of the curve, ``qi``
is volume per day, the nominal declines ``di`` and ``dlim`` are per day, and a
cumulative is volume (rate × days: bbl, Mcf). Convert user units with
:mod:`shared.core.decline.model.units` (month = 365.25/12 days, year = 365.25 days).

Formulas (D nominal, t in days)::

    exponential   q = qi e^(-D t)            Np = (qi - q) / D
    harmonic      q = qi / (1 + D t)         Np = qi / D ln(qi / q)
    hyperbolic    q = qi (1 + b D t)^(-1/b)  Np = qi / ((1 - b) D) (1 - (q / qi)^(1 - b))
    instantaneous decline of the hyperbolic  D(t) = D / (1 + b D t)

The modified hyperbolic follows the hyperbolic until its instantaneous
decline falls to the terminal nominal decline Dlim, at
t* = (D / Dlim - 1) / (b D), then declines exponentially at Dlim; rate and
cumulative are continuous at t*. Models are vectorized (numpy only) and take a
float or an array of times.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, overload

import numpy as np
from numpy.typing import NDArray

from shared.core.common.errors import InputError

FloatArray = NDArray[np.float64]
Times = FloatArray | Sequence[float]


class ArpsModel(ABC):
    """A rate-time curve q(t) with its cumulative, decline and inverse."""

    name: ClassVar[str]

    @abstractmethod
    def parameters(self) -> dict[str, float]:
        """The defining parameters (declines nominal per day)."""

    @overload
    def rate(self, t: float) -> float: ...
    @overload
    def rate(self, t: Times) -> FloatArray: ...
    def rate(self, t: float | Times) -> float | FloatArray:
        """Rate (volume/day) at ``t`` days."""
        return _evaluate(self._rate, t)

    @overload
    def cumulative(self, t: float) -> float: ...
    @overload
    def cumulative(self, t: Times) -> FloatArray: ...
    def cumulative(self, t: float | Times) -> float | FloatArray:
        """Volume produced from 0 to ``t`` days."""
        return _evaluate(self._cumulative, t)

    @overload
    def decline(self, t: float) -> float: ...
    @overload
    def decline(self, t: Times) -> FloatArray: ...
    def decline(self, t: float | Times) -> float | FloatArray:
        """Instantaneous nominal decline (per day) at ``t`` days."""
        return _evaluate(self._decline, t)

    @overload
    def time_to_rate(self, q: float) -> float: ...
    @overload
    def time_to_rate(self, q: Times) -> FloatArray: ...
    def time_to_rate(self, q: float | Times) -> float | FloatArray:
        """Days until the rate falls to ``q`` (0 if q >= qi, inf if q <= 0)."""
        return _evaluate(self._time_to_rate, q)

    @abstractmethod
    def _rate(self, t: FloatArray) -> FloatArray: ...
    @abstractmethod
    def _cumulative(self, t: FloatArray) -> FloatArray: ...
    @abstractmethod
    def _decline(self, t: FloatArray) -> FloatArray: ...
    @abstractmethod
    def _time_to_rate(self, q: FloatArray) -> FloatArray: ...


@dataclass(frozen=True)
class Exponential(ArpsModel):
    """Constant nominal decline ``di`` (per day), b = 0."""

    qi: float
    di: float
    name: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        require_positive(qi=self.qi, di=self.di)

    def parameters(self) -> dict[str, float]:
        return {"qi": self.qi, "di": self.di, "b": 0.0}

    def _rate(self, t: FloatArray) -> FloatArray:
        return self.qi * np.exp(-self.di * t)

    def _cumulative(self, t: FloatArray) -> FloatArray:
        return self.qi * -np.expm1(-self.di * t) / self.di

    def _decline(self, t: FloatArray) -> FloatArray:
        return np.full_like(t, self.di)

    def _time_to_rate(self, q: FloatArray) -> FloatArray:
        return _log_drop(self.qi, q) / self.di


@dataclass(frozen=True)
class Harmonic(ArpsModel):
    """Harmonic decline, b = 1, initial nominal decline ``di`` per day."""

    qi: float
    di: float
    name: ClassVar[str] = "harmonic"

    def __post_init__(self) -> None:
        require_positive(qi=self.qi, di=self.di)

    def parameters(self) -> dict[str, float]:
        return {"qi": self.qi, "di": self.di, "b": 1.0}

    def _rate(self, t: FloatArray) -> FloatArray:
        return self.qi / (1.0 + self.di * t)

    def _cumulative(self, t: FloatArray) -> FloatArray:
        return self.qi / self.di * np.log1p(self.di * t)

    def _decline(self, t: FloatArray) -> FloatArray:
        return self.di / (1.0 + self.di * t)

    def _time_to_rate(self, q: FloatArray) -> FloatArray:
        return np.expm1(_log_drop(self.qi, q)) / self.di


@dataclass(frozen=True)
class Hyperbolic(ArpsModel):
    """Hyperbolic decline; exact at b = 0 (exponential) and b = 1 (harmonic) too.

    Examples
    --------
    >>> curve = Hyperbolic(qi=1000.0, di=0.002, b=0.8)
    >>> round(curve.rate(365.25), 2), round(curve.cumulative(365.25))
    (562.56, 271699)
    """

    qi: float
    di: float
    b: float
    name: ClassVar[str] = "hyperbolic"

    def __post_init__(self) -> None:
        require_positive(qi=self.qi, di=self.di)
        _require_b(self.b)

    def parameters(self) -> dict[str, float]:
        return {"qi": self.qi, "di": self.di, "b": self.b}

    def _log_drop_at(self, t: FloatArray) -> FloatArray:
        """ln(qi / q(t)) = ln(1 + b D t) / b, which tends to D t as b -> 0."""
        if self.b == 0.0:
            return self.di * t
        return np.log1p(self.b * self.di * t) / self.b

    def _rate(self, t: FloatArray) -> FloatArray:
        return self.qi * np.exp(-self._log_drop_at(t))

    def _cumulative(self, t: FloatArray) -> FloatArray:
        # (1 - (q/qi)^(1-b)) / (1-b) written to stay exact as b -> 1
        return self.qi / self.di * _one_minus_exp_ratio(1.0 - self.b, self._log_drop_at(t))

    def _decline(self, t: FloatArray) -> FloatArray:
        return self.di / (1.0 + self.b * self.di * t)

    def _time_to_rate(self, q: FloatArray) -> FloatArray:
        drop = _log_drop(self.qi, q)
        if self.b == 0.0:
            return drop / self.di
        return np.expm1(self.b * drop) / (self.b * self.di)


@dataclass(frozen=True)
class ModifiedHyperbolic(ArpsModel):
    """Hyperbolic until the decline reaches ``dlim`` (nominal per day), then exponential.

    Examples
    --------
    >>> curve = ModifiedHyperbolic(qi=1000.0, di=0.01, b=1.5, dlim=0.0003)
    >>> round(curve.switch_time, 1), round(curve.switch_rate, 2)
    (2155.6, 96.55)
    """

    qi: float
    di: float
    b: float
    dlim: float
    name: ClassVar[str] = "modified_hyperbolic"

    def __post_init__(self) -> None:
        require_positive(qi=self.qi, di=self.di, dlim=self.dlim)
        _require_b(self.b)

    def parameters(self) -> dict[str, float]:
        return {"qi": self.qi, "di": self.di, "b": self.b, "dlim": self.dlim}

    @cached_property
    def hyperbolic(self) -> Hyperbolic:
        """The hyperbolic segment before the switch."""
        return Hyperbolic(self.qi, self.di, self.b)

    @cached_property
    def switch_time(self) -> float:
        """Days until the hyperbolic decline falls to ``dlim`` (inf if it never does)."""
        if self.di <= self.dlim:
            return 0.0
        if self.b == 0.0:
            return math.inf
        return (self.di / self.dlim - 1.0) / (self.b * self.di)

    @cached_property
    def switch_rate(self) -> float:
        """Rate at the switch to the terminal exponential (0 if it never switches)."""
        return 0.0 if math.isinf(self.switch_time) else self.hyperbolic.rate(self.switch_time)

    def _time_after_switch(self, t: FloatArray) -> FloatArray:
        return np.maximum(t - self.switch_time, 0.0)

    def _rate(self, t: FloatArray) -> FloatArray:
        before = self.hyperbolic._rate(np.minimum(t, self.switch_time))
        return before * np.exp(-self.dlim * self._time_after_switch(t))

    def _cumulative(self, t: FloatArray) -> FloatArray:
        before = self.hyperbolic._cumulative(np.minimum(t, self.switch_time))
        after = -np.expm1(-self.dlim * self._time_after_switch(t)) / self.dlim
        return before + self.switch_rate * after

    def _decline(self, t: FloatArray) -> FloatArray:
        return np.where(t < self.switch_time, self.hyperbolic._decline(t), self.dlim)

    def _time_to_rate(self, q: FloatArray) -> FloatArray:
        on_hyperbolic = q >= self.switch_rate
        safe_q = np.where(on_hyperbolic, self.switch_rate, q)
        with np.errstate(divide="ignore"):
            terminal = self.switch_time + _log_drop(self.switch_rate, safe_q) / self.dlim
        return np.where(on_hyperbolic, self.hyperbolic._time_to_rate(q), terminal)


def _evaluate(fn: Callable[[FloatArray], FloatArray], x: float | Times) -> float | FloatArray:
    values = np.asarray(x, dtype=np.float64)
    result = fn(values)
    return float(result) if values.ndim == 0 else result


def _log_drop(q_start: float, q: FloatArray) -> FloatArray:
    """ln(q_start / q), 0 when q >= q_start and inf when q <= 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = np.log(q_start / np.where(q > 0.0, q, 1.0))
    return np.where(q <= 0.0, np.inf, np.maximum(drop, 0.0))


def _one_minus_exp_ratio(eps: float, x: FloatArray) -> FloatArray:
    """(1 - exp(-eps x)) / eps, tending to x as eps -> 0."""
    if eps == 0.0:
        return x
    return -np.expm1(-eps * x) / eps


def require_positive(**values: float) -> None:
    for field, value in values.items():
        if not value > 0.0 or math.isinf(value):
            raise InputError(field, f"must be a finite number > 0, got {value}")


def _require_b(b: float) -> None:
    if not 0.0 <= b <= 10.0:
        raise InputError("b", f"must be between 0 and 10, got {b}")
