"""Economic limit, EUR and monthly forecasts from an Arps model.

Times are days since the model's t = 0 (a fit's ``origin``); months are
365.25/12 days; rates are volume/day and volumes are rate × days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from shared.core.common.errors import InputError
from shared.core.decline.model.arps import ArpsModel, require_positive
from shared.core.decline.model.units import DAYS_PER_MONTH

MAX_FORECAST_MONTHS = 1200


@dataclass(frozen=True)
class ForecastPoint:
    """One forecast month: rate at its end, volume within it, cumulative at its end."""

    month: int
    t_days: float
    rate: float
    volume: float
    cumulative: float


@dataclass(frozen=True)
class Forecast:
    """Monthly points from ``start_days`` until ``months`` or the economic limit, whichever first.

    ``eur`` = ``produced`` + ``remaining``; ``remaining`` is the model's volume
    from ``start_days`` to the economic limit (or the max life).
    """

    points: tuple[ForecastPoint, ...]
    start_days: float
    economic_limit: float
    limit_days: float
    produced: float
    remaining: float

    @property
    def eur(self) -> float:
        return self.produced + self.remaining


def time_to_economic_limit(model: ArpsModel, economic_limit: float) -> float:
    """Days from the start of ``model`` until its rate falls to ``economic_limit``.

    Examples
    --------
    >>> from shared.core.decline.model.arps import Exponential
    >>> round(time_to_economic_limit(Exponential(qi=100.0, di=0.001), 50.0), 2)
    693.15
    """
    require_positive(economic_limit=economic_limit)
    return model.time_to_rate(economic_limit)


def eur(model: ArpsModel, economic_limit: float, max_life: float | None = None) -> float:
    """Estimated ultimate recovery: cumulative to the economic limit, capped at ``max_life`` days.

    Examples
    --------
    >>> from shared.core.decline.model.arps import Exponential
    >>> round(eur(Exponential(qi=100.0, di=0.001), 50.0))
    50000
    """
    return model.cumulative(_limit_days(model, economic_limit, max_life))


def forecast(
    model: ArpsModel,
    months: int,
    economic_limit: float,
    *,
    start_days: float = 0.0,
    produced: float | None = None,
    max_life: float | None = None,
) -> Forecast:
    """Forecast ``months`` months from ``start_days``, stopping at the economic limit.

    ``produced`` is the volume already produced (default: the model's own
    cumulative at ``start_days``); ``max_life`` caps the life in days from t = 0.

    Examples
    --------
    >>> from shared.core.decline.model.arps import Exponential
    >>> result = forecast(Exponential(qi=100.0, di=0.001), 12, 50.0, start_days=365.25)
    >>> len(result.points), round(result.points[0].rate, 2), round(result.eur)
    (11, 67.32, 50000)
    """
    if not 0 <= months <= MAX_FORECAST_MONTHS:
        raise InputError("months", f"must be between 0 and {MAX_FORECAST_MONTHS}, got {months}")
    if not (start_days >= 0.0 and math.isfinite(start_days)):
        raise InputError("start_days", f"must be a finite number >= 0, got {start_days}")
    limit = _limit_days(model, economic_limit, max_life)
    already = model.cumulative(start_days)
    if produced is None:
        produced = already
    elif not produced >= 0.0:
        raise InputError("produced", f"must be >= 0, got {produced}")
    return Forecast(
        points=_monthly_points(model, months, start_days, limit, produced - already),
        start_days=start_days,
        economic_limit=economic_limit,
        limit_days=limit,
        produced=produced,
        remaining=max(model.cumulative(limit) - already, 0.0) if limit > start_days else 0.0,
    )


def _monthly_points(
    model: ArpsModel, months: int, start: float, limit: float, offset: float
) -> tuple[ForecastPoint, ...]:
    """Month ends after ``start`` up to the month holding ``limit``, clipped at ``limit``."""
    ends = start + DAYS_PER_MONTH * np.arange(1, months + 1, dtype=np.float64)
    ends = np.minimum(ends[ends - DAYS_PER_MONTH < limit], limit)
    cumulative = model.cumulative(ends)
    volumes = np.diff(cumulative, prepend=model.cumulative(start))
    rates = model.rate(ends)
    return tuple(
        ForecastPoint(i + 1, float(t), float(q), float(v), float(c + offset))
        for i, (t, q, v, c) in enumerate(zip(ends, rates, volumes, cumulative, strict=True))
    )


def _limit_days(model: ArpsModel, economic_limit: float, max_life: float | None) -> float:
    life = time_to_economic_limit(model, economic_limit)
    if max_life is not None:
        require_positive(max_life=max_life)
        life = min(life, max_life)
    return life
