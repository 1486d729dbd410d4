"""Decline-curve analysis: Arps models, unit conventions, forecasts and fitting.

Everything works in days: rates are volume per day, declines nominal per day,
cumulative volumes rate × days; a month is 365.25/12 days and a year 365.25
days (see :mod:`~shared.core.decline.model.units` for the nominal, tangent-effective
and secant-effective conventions).

- :mod:`~shared.core.decline.model.arps`: the four Arps models (numpy only);
- :mod:`~shared.core.decline.model.reserves`: time to economic limit, EUR, monthly
  forecasts with remaining reserves;
- :mod:`~shared.core.decline.model.history`: validating and cleaning a rate series;
- :mod:`~shared.core.decline.model.fit`: the robust fit, the only module importing
  scipy, so it is not re-exported here and evaluating curves stays light;
- :mod:`~shared.core.decline.model.tables`: rate rows in, plain-value reports out.

Examples
--------
An endpoint forecasting a well::

    from shared.core.decline.model import forecast
    from shared.core.decline.model.fit import fit_decline
    from shared.core.decline.model.history import produced_volume
    from shared.core.decline.model.tables import describe_fit, describe_forecast

    result = fit_decline(dates, rates)
    outlook = forecast(result.model, months, economic_limit,
                       start_days=result.history_end_days,
                       produced=produced_volume(dates, rates))
    body = {**describe_fit(result, TimeUnit.YEAR), **describe_forecast(outlook, result.origin)}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.core.common.lazy_exports import export

if TYPE_CHECKING:  # each imported on first use: see shared.core.common.lazy_exports
    from shared.core.decline.model.arps import (
        ArpsModel,
        Exponential,
        Harmonic,
        Hyperbolic,
        ModifiedHyperbolic,
    )
    from shared.core.decline.model.reserves import (
        Forecast,
        ForecastPoint,
        eur,
        forecast,
        time_to_economic_limit,
    )
    from shared.core.decline.model.units import (
        DAYS_PER_MONTH,
        DAYS_PER_YEAR,
        DeclineType,
        TimeUnit,
        from_nominal,
        nominal_per_day,
        parse_fraction,
        per_unit,
        to_nominal,
    )

__all__ = [
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "ArpsModel",
    "DeclineType",
    "Exponential",
    "Forecast",
    "ForecastPoint",
    "Harmonic",
    "Hyperbolic",
    "ModifiedHyperbolic",
    "TimeUnit",
    "eur",
    "forecast",
    "from_nominal",
    "nominal_per_day",
    "parse_fraction",
    "per_unit",
    "time_to_economic_limit",
    "to_nominal",
]

EXPORTS = {
    "ArpsModel": "shared.core.decline.model.arps",
    "Exponential": "shared.core.decline.model.arps",
    "Harmonic": "shared.core.decline.model.arps",
    "Hyperbolic": "shared.core.decline.model.arps",
    "ModifiedHyperbolic": "shared.core.decline.model.arps",
    "Forecast": "shared.core.decline.model.reserves",
    "ForecastPoint": "shared.core.decline.model.reserves",
    "eur": "shared.core.decline.model.reserves",
    "forecast": "shared.core.decline.model.reserves",
    "time_to_economic_limit": "shared.core.decline.model.reserves",
    "DAYS_PER_MONTH": "shared.core.decline.model.units",
    "DAYS_PER_YEAR": "shared.core.decline.model.units",
    "DeclineType": "shared.core.decline.model.units",
    "TimeUnit": "shared.core.decline.model.units",
    "from_nominal": "shared.core.decline.model.units",
    "nominal_per_day": "shared.core.decline.model.units",
    "parse_fraction": "shared.core.decline.model.units",
    "per_unit": "shared.core.decline.model.units",
    "to_nominal": "shared.core.decline.model.units",
}


def __getattr__(name: str) -> Any:
    return export(__name__, EXPORTS, name)
