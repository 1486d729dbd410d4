"""A well's decline-curve forecast from its own daily production."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from shared.core.common.access import ensure_well_visible, require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.decline.model.history import produced_volume
from shared.core.decline.model.reserves import forecast
from shared.core.decline.model.streams import Product
from shared.core.decline.model.tables import describe_fit, describe_forecast
from shared.core.decline.model.units import TimeUnit
from shared.core.decline.ports import DeclineDatabases
from shared.core.decline.services.fit_memo import FitMemo
from shared.core.registry.model.tenants import Tenant

if TYPE_CHECKING:
    from shared.core.decline.model.fit import DeclineFit

PRODUCT_COLUMNS: dict[str, str] = {"oil": "oil_bbl", "gas": "gas_mcf"}
HISTORY_START = date(1900, 1, 1)


@dataclass(frozen=True)
class WellForecast:
    well_id: str
    product: str
    history_dates: list[date]
    history_rates: list[float | None]
    report: dict[str, Any]
    forecast_dates: list[date]
    forecast_rates: list[float]


class ForecastService:
    def __init__(
        self, databases: DeclineDatabases, clock: Clock = utc_now, memo: FitMemo | None = None
    ) -> None:
        self._databases = databases
        self._clock = clock
        self._memo = memo if memo is not None else FitMemo(_fit)

    def forecast_well(
        self,
        tenant: Tenant,
        actor: Actor,
        well_id: str,
        months: int,
        economic_limit: float,
        product: Product = "oil",
    ) -> WellForecast:
        require(actor, Permission.REPORTS_READ)
        if economic_limit <= 0:
            raise InputError("economic_limit", "must be greater than 0")
        dates, rates, hours = self._history(tenant, actor, well_id, PRODUCT_COLUMNS[product])
        if len([r for r in rates if r]) < 6:
            raise InputError("production", "a forecast needs at least 6 producing days")
        fitted = self._memo.fitted(tenant.id, dates, rates, hours)
        outlook = forecast(
            fitted.model,
            months,
            economic_limit,
            start_days=fitted.history_end_days,
            produced=produced_volume(dates, rates),
        )
        described = describe_forecast(outlook, fitted.origin)
        report = {"product": product, **describe_fit(fitted, TimeUnit.YEAR), **described}
        points = described["forecast"]
        return WellForecast(
            well_id=well_id,
            product=product,
            history_dates=dates,
            history_rates=rates,
            report=report,
            forecast_dates=[date.fromisoformat(p["date"]) for p in points if p["date"]],
            forecast_rates=[p["rate"] for p in points if p["date"]],
        )

    def _history(
        self, tenant: Tenant, actor: Actor, well_id: str, column: str
    ) -> tuple[list[date], list[float | None], list[float | None]]:
        with self._databases.unit_of_work(tenant) as uow:
            ensure_well_visible(uow, actor, well_id)
            if uow.wells.get(well_id) is None:
                raise NotFoundError("well", well_id)
            rows = uow.production.between(well_id, HISTORY_START, self._clock().date())
        return (
            [row.production_date for row in rows],
            [getattr(row, column) for row in rows],
            [row.hours_on for row in rows],
        )


def _fit(
    dates: Sequence[date], rates: Sequence[float | None], hours: Sequence[float | None]
) -> DeclineFit:
    from shared.core.decline.model.fit import fit_decline  # scipy: only when fitting

    return fit_decline(dates, rates, hours_on=hours)
