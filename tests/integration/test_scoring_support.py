"""Helpers for the scoring and alert tests: a tenant whose wells have readings and production.

Readings come from ``models.synthetic.generate_sensor_series`` (one reading per
tag and hour), some wells with an injected fault; they are written straight
into ``scada_readings`` as the drain would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from models.synthetic import FailureMode, Fault, generate_sensor_series
from shared.adapters.sql.scada.tables import scada_readings
from shared.adapters.sql.tenant_tables import production_daily
from shared.bootstrap import Platform
from shared.core.analytics.model.catalogue import SENSOR_SIGNALS, SENSOR_WINDOW_HOURS
from tests.integration.conftest import TenantSession
from tests.integration.ingest_support import build_site, tenant_engine

NIGHT = date(2026, 11, 20)
SIGNALS = tuple(s.name for s in SENSOR_SIGNALS)
FAULT = Fault(FailureMode.BEARING_WEAR, onset_hour=SENSOR_WINDOW_HOURS + 24)


@dataclass
class Field:
    session: TenantSession
    well_ids: list[str]
    faulty: set[str]
    no_data: set[str]


def window_end(night: date = NIGHT) -> datetime:
    return datetime.combine(night + timedelta(days=1), time(0), UTC)


def write_readings(
    platform: Platform, slug: str, tags: dict[str, int], series: dict[str, Any], end: datetime
) -> None:
    start = end - timedelta(hours=SENSOR_WINDOW_HOURS)
    rows = []
    for name, tag_id in tags.items():
        for hour, value in enumerate(series[name]):
            if not math.isfinite(value):
                continue
            ts = start + timedelta(hours=hour, minutes=30)
            rows.append({"tag_id": tag_id, "ts": ts, "value": float(value), "status": 0})
    with tenant_engine(platform, slug).begin() as connection:
        for first in range(0, len(rows), 5000):
            connection.execute(scada_readings.insert().values(rows[first : first + 5000]))


def write_production(
    platform: Platform, slug: str, well_id: str, days: int, oil: float, **extra: Any
) -> None:
    decline = extra.pop("decline_per_day", 0.0)
    last_day = NIGHT + timedelta(days=extra.pop("shift", 0))
    rows = [
        {
            "well_id": well_id,
            "production_date": last_day - timedelta(days=days - 1 - i),
            "oil_bbl": oil * math.exp(-decline * i),
            "gas_mcf": extra.get("gas", 2.0 * oil),
            "water_bbl": extra.get("water", 0.5 * oil),
            "hours_on": extra.get("hours_on", 24.0),
            "choke_64ths": 24.0,
            "tubing_pressure_psi": 450.0,
            "casing_pressure_psi": 650.0,
            "line_pressure_psi": 120.0,
            "is_estimated": False,
            "updated_at": datetime.now(UTC),
            "updated_by": "test",
        }
        for i in range(days)
    ]
    with tenant_engine(platform, slug).begin() as connection:
        connection.execute(production_daily.insert().values(rows))


def build_field(platform: Platform, session: TenantSession, faulty: int = 1) -> Field:
    """Three wells with 14 days of hourly readings (the first ``faulty`` with a fault), one bare."""
    site = build_site(session, wells=4, tag_names=SIGNALS)
    ids = [str(w["id"]) for w in site.wells]
    for index in range(3):
        tags = {name: site.tag(index, name) for name in SIGNALS}
        fault = FAULT if index < faulty else None
        series = generate_sensor_series(100 + index, SENSOR_WINDOW_HOURS, fault)
        write_readings(platform, session.slug, tags, series, window_end())
        write_production(platform, session.slug, ids[index], 60, 80.0)
    return Field(session, ids, set(ids[:faulty]), {ids[3]})


def rows_of(platform: Platform, slug: str, table: str) -> list[dict[str, Any]]:
    with tenant_engine(platform, slug).connect() as connection:
        result = connection.execute(sa.text(f"SELECT * FROM {table}"))
        return [dict(row._mapping) for row in result]
