"""The decline-curve forecast over the in-memory tenant database: a well's own daily
production fitted and projected, and who may ask for it."""

from __future__ import annotations

import itertools
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from shared.adapters.memory.tenant_data import MemoryTenantDatabases
from shared.adapters.memory.wells import WellsData
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Role
from shared.core.decline.services.fit_memo import FitMemo, history_digest
from shared.core.decline.services.forecast import ForecastService
from shared.core.registry.model.tenants import Tenant
from tests.functional.people import START, Clock, actor, tenant

if TYPE_CHECKING:
    from shared.core.decline.model.fit import DeclineFit

FIRST_DAY = date(2026, 1, 1)
DAYS = 180


@dataclass
class World:
    tenant: Tenant
    databases: MemoryTenantDatabases
    forecasts: ForecastService
    well_id: str

    def seed_days(self, well_id: str, rates: list[float]) -> None:
        with self.databases.unit_of_work(self.tenant) as uow:
            catalog = uow.data("wells", WellsData)
            for n, rate in enumerate(rates):
                on = FIRST_DAY + timedelta(days=n)
                catalog.seed_day(well_id, on, oil_bbl=rate, gas_mcf=rate * 3, hours_on=24.0)
            uow.commit()

    def add_well(self) -> str:
        well_id = str(uuid.uuid4())
        with self.databases.unit_of_work(self.tenant) as uow:
            uow.data("wells", WellsData).seed_well(well_id, "Cole 1")
            uow.commit()
        return well_id


@pytest.fixture
def world() -> World:
    databases, acme = MemoryTenantDatabases(), tenant()
    world = World(acme, databases, ForecastService(databases, Clock()), "")
    world.well_id = world.add_well()
    # 200 bbl/d declining 40 % a year (exponential), every day reported
    world.seed_days(world.well_id, [200.0 * math.exp(-0.4 * n / 365) for n in range(DAYS)])
    return world


def test_a_declining_well_is_forecast_down_to_its_economic_limit(world: World) -> None:
    outlook = world.forecasts.forecast_well(
        world.tenant, actor(world.tenant, Role.VIEWER), world.well_id, 24, 5.0
    )
    assert outlook.product == "oil" and len(outlook.history_dates) == DAYS
    assert outlook.forecast_dates and outlook.forecast_dates[0] > outlook.history_dates[-1]
    rates = outlook.forecast_rates
    assert all(later <= earlier for earlier, later in itertools.pairwise(rates))
    last_history_rate = 200.0 * math.exp(-0.4 * (DAYS - 1) / 365)
    assert rates[0] == pytest.approx(last_history_rate, rel=0.05)  # it follows the history
    assert outlook.report["product"] == "oil"
    gas = world.forecasts.forecast_well(
        world.tenant, actor(world.tenant, Role.VIEWER), world.well_id, 24, 5.0, product="gas"
    )
    assert gas.forecast_rates[0] == pytest.approx(3 * rates[0], rel=0.05)


def test_a_forecast_needs_a_visible_well_enough_days_and_a_positive_limit(world: World) -> None:
    viewer = actor(world.tenant, Role.VIEWER)
    with pytest.raises(InputError, match="economic_limit"):
        world.forecasts.forecast_well(world.tenant, viewer, world.well_id, 24, 0.0)
    young = world.add_well()
    world.seed_days(young, [100.0] * 5)
    with pytest.raises(InputError, match="production"):
        world.forecasts.forecast_well(world.tenant, viewer, young, 24, 5.0)
    with pytest.raises(NotFoundError):
        world.forecasts.forecast_well(world.tenant, viewer, str(uuid.uuid4()), 24, 5.0)
    pumper = actor(world.tenant, Role.FIELD_OPERATOR)
    with pytest.raises(NotFoundError):  # not their well: as if it did not exist
        world.forecasts.forecast_well(world.tenant, pumper, world.well_id, 24, 5.0)
    with world.databases.unit_of_work(world.tenant) as uow:
        uow.assignments.assign(pumper.user_id, world.well_id, "admin", START)
        uow.commit()
    assert world.forecasts.forecast_well(world.tenant, pumper, world.well_id, 24, 5.0).report


class CountingFit:
    """The real fit, counting how often it runs."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(
        self, dates: Sequence[date], rates: Sequence[float | None], hours: Sequence[float | None]
    ) -> DeclineFit:
        from shared.core.decline.model.fit import fit_decline

        self.runs += 1
        return fit_decline(dates, rates, hours_on=hours)


def test_a_fit_is_made_once_per_history_and_again_when_production_changes(world: World) -> None:
    fit = CountingFit()
    forecasts = ForecastService(world.databases, Clock(), FitMemo(fit))
    viewer = actor(world.tenant, Role.VIEWER)
    first = forecasts.forecast_well(world.tenant, viewer, world.well_id, 24, 5.0)
    # WHEN the page asks again with other months and limit THEN the fit is reused
    again = forecasts.forecast_well(world.tenant, viewer, world.well_id, 12, 8.0)
    assert fit.runs == 1
    assert again.report["model"] == first.report["model"]
    assert len(again.forecast_dates) < len(first.forecast_dates)
    # WHEN a day of production is corrected THEN the next forecast is fitted to it
    with world.databases.unit_of_work(world.tenant) as uow:
        on = FIRST_DAY + timedelta(days=DAYS - 1)
        uow.data("wells", WellsData).seed_day(
            world.well_id, on, oil_bbl=1.0, gas_mcf=3.0, hours_on=24.0
        )
        uow.commit()
    corrected = forecasts.forecast_well(world.tenant, viewer, world.well_id, 24, 5.0)
    assert fit.runs == 2
    assert corrected.history_rates[-1] == 1.0
    assert corrected.report != first.report
    # AND the same series in another tenant is fitted for that tenant
    other = tenant()
    twin = World(other, world.databases, forecasts, "")
    twin.well_id = twin.add_well()
    twin.seed_days(twin.well_id, [200.0 * math.exp(-0.4 * n / 365) for n in range(DAYS)])
    forecasts.forecast_well(other, actor(other, Role.VIEWER), twin.well_id, 24, 5.0)
    assert fit.runs == 3


def test_the_fit_memo_forgets_the_least_recently_used_series() -> None:
    made: list[float] = []

    def fit(dates: Sequence[date], rates: Sequence[float | None], hours: object) -> Any:
        made.append(rates[0] or 0.0)
        return object()

    memo = FitMemo(fit, entries=2)
    days = [FIRST_DAY, FIRST_DAY + timedelta(days=1)]
    for first_rate in (1.0, 2.0, 1.0, 3.0, 2.0, 1.0):
        memo.fitted("t", days, [first_rate, None], [24.0, None])
    # 1, 2 fitted; 1 remembered; 3 pushes out 2; 2 again pushes out 1; 1 again
    assert made == [1.0, 2.0, 3.0, 2.0, 1.0]
    assert len(memo) == 2
    # a missing value is none of the numbers a hostile import could store
    for rates in ([0.0, 0.0], [0.0, None], [0.0, float("-inf")], [0.0, float("nan")]):
        memo.fitted("t", days, rates, [24.0, 24.0])
    assert made[-4:] == [0.0] * 4


def test_the_history_digest_tells_every_series_apart() -> None:
    days = [FIRST_DAY, FIRST_DAY + timedelta(days=1)]
    series: list[tuple[str, list[date], list[float | None], list[float | None]]] = [
        ("t", days, [1.0, None], [24.0, 24.0]),
        ("t", days, [1.0, 0.0], [24.0, 24.0]),
        ("t", days, [1.0, float("-inf")], [24.0, 24.0]),
        ("t", days, [1.0, None], [24.0, None]),
        ("t", days, [None, 1.0], [24.0, 24.0]),
        ("t", days[:1], [1.0], [24.0]),
        ("t", [days[1], days[0]], [1.0, None], [24.0, 24.0]),
        ("u", days, [1.0, None], [24.0, 24.0]),
        ("t", days, [1.0, 1e308], [24.0, 24.0]),
    ]
    digests = {history_digest(*one) for one in series}
    assert len(digests) == len(series)
    assert history_digest(*series[0]) == history_digest("t", list(days), [1.0, None], [24, 24])
