"""The decline-curve forecast over the in-memory tenant database: a well's own daily
production fitted and projected, and who may ask for it."""

from __future__ import annotations

import itertools
import math
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from shared.adapters.memory.tenant_data import MemoryTenantDatabases
from shared.adapters.memory.wells import WellsData
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Role
from shared.core.decline.services.forecast import ForecastService
from shared.core.registry.model.tenants import Tenant
from tests.functional.people import START, Clock, actor, tenant

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
