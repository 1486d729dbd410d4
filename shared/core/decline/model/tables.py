"""Rate tables in, parameter tables out: the text edges of decline analysis.

``read_rate_rows`` turns CSV-like rows (mappings of column to text) into the
dates, rates and hours on that :func:`shared.core.decline.model.fit.fit_decline`
takes; ``describe_parameters`` gives a model's parameters in a user's unit with
its declines in all three conventions (see :mod:`shared.core.decline.model.units`);
``describe_forecast`` gives a forecast as plain values with calendar dates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from shared.core.common.errors import InputError
from shared.core.decline.model.arps import ArpsModel, ModifiedHyperbolic
from shared.core.decline.model.reserves import Forecast
from shared.core.decline.model.units import DeclineType, TimeUnit, per_unit

if TYPE_CHECKING:  # fit imports scipy; describing a fit must not
    from shared.core.decline.model.fit import DeclineFit


@dataclass(frozen=True)
class RateTable:
    dates: list[date]
    rates: list[float | None]
    hours_on: list[float | None] | None


def read_rate_rows(
    rows: Iterable[Mapping[str, str | None]],
    columns: Sequence[str],
    *,
    date_column: str = "date",
    rate_column: str = "rate",
    hours_column: str | None = None,
) -> RateTable:
    """Dates (YYYY-MM-DD, or YYYY-MM for the 1st) and rates; blank cells are missing.

    Errors name ``date_column``/``rate_column``/``hours_column`` for a missing
    column and ``dates``/``rates``/``hours_on`` for a bad cell (with its line).

    Examples
    --------
    >>> table = read_rate_rows([{"date": "2024-01", "rate": "12.5"}], ["date", "rate"])
    >>> table.dates, table.rates
    ([datetime.date(2024, 1, 1)], [12.5])
    """
    named = {"date_column": date_column, "rate_column": rate_column}
    if hours_column is not None:
        named["hours_column"] = hours_column
    for field, column in named.items():
        if column not in columns:
            raise InputError(field, f"no column '{column}'; columns are {', '.join(columns)}")
    dates: list[date] = []
    rates: list[float | None] = []
    hours: list[float | None] = []
    for line, row in enumerate(rows, start=2):
        dates.append(_date_cell(row.get(date_column), line))
        rates.append(_number_cell(row.get(rate_column), "rates", line))
        if hours_column is not None:
            hours.append(_number_cell(row.get(hours_column), "hours_on", line))
    return RateTable(dates, rates, hours if hours_column is not None else None)


def describe_parameters(model: ArpsModel, unit: TimeUnit, time_unit: TimeUnit) -> dict[str, Any]:
    """qi, b, declines per ``unit`` in every convention, and the switch in ``time_unit``.

    Examples
    --------
    >>> from shared.core.decline.model.arps import Exponential
    >>> view = describe_parameters(Exponential(100.0, 0.001), TimeUnit.YEAR, TimeUnit.MONTH)
    >>> round(view["di"]["nominal"], 5), round(view["di"]["secant"], 5)
    (0.36525, 0.30598)
    """
    values = model.parameters()
    b = values["b"]
    view: dict[str, Any] = {"qi": values["qi"], "b": b, "di": _declines(values["di"], unit, b)}
    if isinstance(model, ModifiedHyperbolic):
        view["dlim"] = _declines(model.dlim, unit, 0.0)
        view["switch_time"] = model.switch_time / time_unit.days
        view["switch_time_unit"] = time_unit.value
        view["switch_rate"] = model.switch_rate
    return view


def describe_fit(result: DeclineFit, unit: TimeUnit) -> dict[str, Any]:
    """The chosen model, its parameters (declines per ``unit``) and the fit's quality."""
    return {
        "model": result.model_name,
        "origin": result.origin.isoformat(),
        "frequency": result.frequency,
        "unit": unit.value,
        "parameters": describe_parameters(result.model, unit, TimeUnit.MONTH),
        "goodness_of_fit": {
            "r_squared_log": result.r_squared_log,
            "rmse_log": result.rmse_log,
            "aicc": result.aicc,
        },
        "points": {"used": result.points_used, "dropped": dict(result.dropped)},
        "candidates": [
            {"model": c.model.name, "aicc": c.aicc, "rmse_log": c.rmse_log}
            for c in result.candidates
        ],
    }


def describe_forecast(outlook: Forecast, origin: date) -> dict[str, Any]:
    """EUR, reserves and monthly points of a forecast, with calendar dates from ``origin``.

    Examples
    --------
    >>> from shared.core.decline.model.arps import Exponential
    >>> from shared.core.decline.model.reserves import forecast
    >>> view = describe_forecast(forecast(Exponential(100.0, 0.001), 2, 1.0), date(2024, 1, 1))
    >>> view["forecast"][0]["date"], round(view["eur"])
    ('2024-01-31', 99000)
    """
    return {
        "economic_limit": outlook.economic_limit,
        "limit_date": _date_after(origin, outlook.limit_days),
        "produced": outlook.produced,
        "remaining": outlook.remaining,
        "eur": outlook.eur,
        "forecast": [
            {
                "month": point.month,
                "date": _date_after(origin, point.t_days),
                "rate": point.rate,
                "volume": point.volume,
                "cumulative": point.cumulative,
            }
            for point in outlook.points
        ],
    }


def _date_after(origin: date, days: float) -> str | None:
    if not math.isfinite(days) or days >= (date.max - origin).days:
        return None
    return (origin + timedelta(days=round(days))).isoformat()


def _declines(nominal_day: float, unit: TimeUnit, b: float) -> dict[str, float]:
    return {kind.value: per_unit(nominal_day, kind, unit, b) for kind in DeclineType}


def _date_cell(text: str | None, line: int) -> date:
    value = (text or "").strip()
    try:
        return date.fromisoformat(value + "-01" if len(value) == 7 else value)
    except ValueError:
        raise InputError("dates", f"line {line}: '{value}' is not YYYY-MM-DD or YYYY-MM") from None


def _number_cell(text: str | None, field: str, line: int) -> float | None:
    value = (text or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(field, f"line {line}: '{value}' is not a number") from None
