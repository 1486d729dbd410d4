"""Robust Arps fit of a production history; the only decline module that imports scipy.

Each candidate model is fitted with ``scipy.optimize.least_squares`` in
log-rate space (so a 10 % miss weighs the same at 5000 and at 50 bbl/d), with
bounds, on parameters ``ln qi``, ``ln Di`` (Di nominal per day) and ``b``:

1. initial guesses come from straight lines through ln(rate) versus time
   (early third of the history and all of it), and several b values;
2. the best plain least-squares start is refined with a ``soft_l1`` loss
   scaled to the residuals' robust spread, so downtime days (partial rates)
   and other outliers pull little;
3. the model predicts each point's *period average* (Δ cumulative / Δ t), so
   daily and monthly data are both fitted without a half-period bias.

The modified hyperbolic candidate uses a fixed terminal decline (default
10 %/yr effective); it is not fitted because a history rarely shows it.
Models are compared by AICc on the log residuals. Any model within 2 of the
lowest AICc counts as equally good, the one with fewest free parameters
wins, and between the hyperbolic and the modified hyperbolic (same count)
the modified one wins unless the data clearly reject the terminal decline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.optimize import least_squares  # type: ignore[import-untyped]

from shared.core.common.errors import InputError
from shared.core.decline.model.arps import (
    ArpsModel,
    Exponential,
    FloatArray,
    Harmonic,
    Hyperbolic,
    ModifiedHyperbolic,
)
from shared.core.decline.model.history import History, prepare_history
from shared.core.decline.model.units import DAYS_PER_YEAR

MODEL_NAMES = ("exponential", "harmonic", "hyperbolic", "modified_hyperbolic")
DEFAULT_TERMINAL_DECLINE = -math.log1p(-0.10) / DAYS_PER_YEAR
"""10 %/yr effective, as a nominal decline per day."""
B_MAX = 2.0
AICC_TOLERANCE = 2.0
_B_STARTS = (0.3, 0.8, 1.3, 1.8)
_DI_BOUNDS = (1e-6, 1.0)


@dataclass(frozen=True)
class CandidateFit:
    """One model fitted to the history."""

    model: ArpsModel
    free_parameters: int
    aicc: float
    rmse_log: float


@dataclass(frozen=True)
class DeclineFit:
    """The chosen model and how well it fits; t = 0 of the model is ``origin``."""

    model: ArpsModel
    aicc: float
    rmse_log: float
    r_squared_log: float
    origin: date
    frequency: str
    history_end_days: float
    points_used: int
    dropped: dict[str, int]
    candidates: tuple[CandidateFit, ...]

    @property
    def model_name(self) -> str:
        return self.model.name

    @property
    def points_dropped(self) -> int:
        return sum(self.dropped.values())


@dataclass(frozen=True)
class _Spec:
    name: str
    build: Callable[[FloatArray], ArpsModel]
    b_starts: tuple[float, ...] = ()

    @property
    def free_parameters(self) -> int:
        return 3 if self.b_starts else 2


def fit_decline(
    dates: Sequence[date],
    rates: Sequence[float | None],
    *,
    hours_on: Sequence[float | None] | None = None,
    models: Sequence[str] | None = None,
    terminal_decline: float | None = DEFAULT_TERMINAL_DECLINE,
    from_peak: bool = True,
    b_max: float = B_MAX,
) -> DeclineFit:
    """Fit the Arps candidates to a daily or monthly rate series and pick one.

    ``rates`` are average volume/day of the period starting at each date;
    ``terminal_decline`` is nominal per day (None: no modified hyperbolic).

    Examples
    --------
    >>> from datetime import timedelta
    >>> days = [date(2024, 1, 1) + timedelta(days=i) for i in range(120)]
    >>> truth = Hyperbolic(qi=800.0, di=0.02, b=0.9)
    >>> result = fit_decline(days, list(truth.rate(np.arange(120) + 0.5)), models=["hyperbolic"])
    >>> result.model_name, round(result.model.parameters()["b"], 2)
    ('hyperbolic', 0.9)
    """
    specs = _specs(models, terminal_decline, b_max)
    history = prepare_history(dates, rates, hours_on=hours_on, from_peak=from_peak)
    candidates = tuple(_fit_candidate(spec, history, b_max) for spec in specs)
    best = _select(candidates)
    log_rates = np.log(history.rates)
    total = float(np.sum((log_rates - log_rates.mean()) ** 2))
    rss = float(np.sum(_log_residuals(best.model, history) ** 2))
    return DeclineFit(
        model=best.model,
        aicc=best.aicc,
        rmse_log=best.rmse_log,
        r_squared_log=1.0 - rss / total if total > 0.0 else 1.0,
        origin=history.origin,
        frequency=history.frequency,
        history_end_days=history.end_days,
        points_used=history.points_used,
        dropped=history.dropped,
        candidates=candidates,
    )


def _specs(models: Sequence[str] | None, dlim: float | None, b_max: float) -> list[_Spec]:
    if dlim is not None and not (dlim > 0.0 and math.isfinite(dlim)):
        raise InputError("terminal_decline", f"must be a finite number > 0, got {dlim}")
    if not 0.0 < b_max <= 10.0:
        raise InputError("b_max", f"must be in (0, 10], got {b_max}")
    names = (
        list(models)
        if models is not None
        else [n for n in MODEL_NAMES if dlim is not None or n != "modified_hyperbolic"]
    )
    unknown = sorted(set(names) - set(MODEL_NAMES))
    if unknown or not names:
        raise InputError("models", f"choose from {', '.join(MODEL_NAMES)}; got {names}")
    if "modified_hyperbolic" in names and dlim is None:
        raise InputError("terminal_decline", "is required by the modified_hyperbolic model")
    b_starts = tuple(b for b in _B_STARTS if b <= b_max) or (b_max / 2,)
    catalogue = {
        "exponential": _Spec("exponential", lambda x: Exponential(*_rate_and_decline(x))),
        "harmonic": _Spec("harmonic", lambda x: Harmonic(*_rate_and_decline(x))),
        "hyperbolic": _Spec(
            "hyperbolic", lambda x: Hyperbolic(*_rate_and_decline(x), b=float(x[2])), b_starts
        ),
        "modified_hyperbolic": _Spec(
            "modified_hyperbolic",
            lambda x: ModifiedHyperbolic(*_rate_and_decline(x), b=float(x[2]), dlim=dlim or 0.0),
            b_starts,
        ),
    }
    return [catalogue[name] for name in dict.fromkeys(names)]


def _rate_and_decline(x: FloatArray) -> tuple[float, float]:
    """qi and Di from the optimizer's ln qi and ln Di."""
    return math.exp(x[0]), math.exp(x[1])


def _fit_candidate(spec: _Spec, history: History, b_max: float) -> CandidateFit:
    lower, upper = _bounds(spec, history, b_max)

    def residuals(x: FloatArray) -> FloatArray:
        return _log_residuals(spec.build(x), history)

    starts = [np.clip(x0, lower, upper) for x0 in _starts(spec, history)]
    plain = min(
        (least_squares(residuals, x0, bounds=(lower, upper)) for x0 in starts),
        key=lambda result: float(result.cost),
    )
    scale = _robust_scale(np.asarray(plain.fun, dtype=np.float64))
    robust = least_squares(residuals, plain.x, bounds=(lower, upper), loss="soft_l1", f_scale=scale)
    model = spec.build(np.asarray(robust.x, dtype=np.float64))
    fitted = _log_residuals(model, history)
    k = spec.free_parameters
    return CandidateFit(model, k, _aicc(fitted, k), float(np.sqrt(np.mean(fitted**2))))


def _log_residuals(model: ArpsModel, history: History) -> FloatArray:
    """ln(model period average) - ln(observed rate) for each point."""
    volume = model.cumulative(history.t_end) - model.cumulative(history.t_start)
    average = volume / (history.t_end - history.t_start)
    return np.log(np.maximum(average, 1e-300)) - np.log(history.rates)


def _bounds(spec: _Spec, history: History, b_max: float) -> tuple[FloatArray, FloatArray]:
    peak = float(history.rates.max())
    lower = [math.log(peak / 10.0), math.log(_DI_BOUNDS[0])]
    upper = [math.log(peak * 100.0), math.log(_DI_BOUNDS[1])]
    if spec.b_starts:
        lower.append(0.0)
        upper.append(b_max)
    return np.array(lower), np.array(upper)


def _starts(spec: _Spec, history: History) -> list[FloatArray]:
    """Starting points: lines through ln q(t) over the early third and the whole history."""
    t_mid = 0.5 * (history.t_start + history.t_end)
    log_q = np.log(history.rates)
    early = max(3, history.points_used // 3)
    lines = [np.polyfit(t_mid[:early], log_q[:early], 1), np.polyfit(t_mid, log_q, 1)]
    starts: list[FloatArray] = []
    for slope, intercept in lines:
        log_di = math.log(min(max(-float(slope), 1e-5), 0.5))
        base = [float(intercept), log_di]
        if spec.b_starts:
            starts.extend(np.array([*base, b]) for b in spec.b_starts)
        else:
            starts.append(np.array(base))
    return starts


def _robust_scale(residuals: FloatArray) -> float:
    mad = float(np.median(np.abs(residuals - np.median(residuals))))
    return max(1.4826 * mad, 1e-4)


def _aicc(residuals: FloatArray, k: int) -> float:
    n = residuals.size
    mean_square = max(float(np.mean(residuals**2)), 1e-300)
    return n * math.log(mean_square) + 2 * k + 2 * k * (k + 1) / (n - k - 1)


def _select(candidates: Sequence[CandidateFit]) -> CandidateFit:
    best_aicc = min(c.aicc for c in candidates)
    close = [c for c in candidates if c.aicc <= best_aicc + AICC_TOLERANCE]
    fewest = min(c.free_parameters for c in close)
    pool = sorted((c for c in close if c.free_parameters == fewest), key=lambda c: c.aicc)
    bounded = [c for c in pool if c.model.name == "modified_hyperbolic"]
    return bounded[0] if pool[0].model.name == "hyperbolic" and bounded else pool[0]
