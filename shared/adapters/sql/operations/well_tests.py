"""Well tests on a tenant database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.operations.tables import well_tests
from shared.core.operations.model.well_tests import WellTest


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _test(row: sa.Row[Any]) -> WellTest:
    m = row._mapping
    return WellTest(
        test_id=str(m["id"]),
        well_id=str(m["well_id"]),
        start=_utc(m["start"]),
        end=_utc(m["end"]),
        oil_bbl_per_day=Decimal(m["oil_bbl_per_day"]),
        gas_mcf_per_day=Decimal(m["gas_mcf_per_day"]),
        water_bbl_per_day=Decimal(m["water_bbl_per_day"]),
        device_id=m["device_id"],
    )


class SqlWellTestStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, test: WellTest, now: datetime) -> None:
        self._c.execute(
            well_tests.insert().values(
                id=test.test_id,
                well_id=test.well_id,
                start=test.start,
                end=test.end,
                oil_bbl_per_day=test.oil_bbl_per_day,
                gas_mcf_per_day=test.gas_mcf_per_day,
                water_bbl_per_day=test.water_bbl_per_day,
                device_id=test.device_id,
                created_at=now,
            )
        )

    def of_wells(self, well_ids: Sequence[str], until: datetime | None) -> Sequence[WellTest]:
        if not well_ids:
            return []
        t = well_tests
        statement = sa.select(t).where(t.c.well_id.in_(list(well_ids)))
        if until is not None:
            statement = statement.where(t.c.end <= until)
        statement = statement.order_by(t.c.end.desc(), t.c.id).limit(1000)
        return [_test(row) for row in self._c.execute(statement)]
