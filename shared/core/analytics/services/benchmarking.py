"""Rank wells by BOE/day, decline rate, water cut or downtime over the last N days.

Best first: highest BOE/day; lowest decline, water cut and downtime. Decline is
the effective annual decline of oil rate from a log-linear least-squares fit
over the producing days (rate > 0); it needs 7 producing days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from shared.core.analytics.model.catalogue import BOE_MCF
from shared.core.analytics.ports import AnalyticsDatabases, ProductionDay
from shared.core.common.access import require, visible_well_ids
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant

METRICS = ("boe_per_day", "decline_rate", "water_cut", "downtime")
HIGHER_IS_BETTER = frozenset({"boe_per_day"})
MIN_DECLINE_DAYS = 7


@dataclass(frozen=True)
class WellRank:
    rank: int
    well_id: str
    name: str
    value: float


def _num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def well_metric(metric: str, rows: list[ProductionDay], days: int) -> float | None:
    """One well's value of ``metric`` from its daily rows (None when it cannot be computed)."""
    if not rows:
        return None
    if metric == "boe_per_day":
        return sum(_num(r.oil_bbl) + _num(r.gas_mcf) / BOE_MCF for r in rows) / days
    if metric == "water_cut":
        oil = sum(_num(r.oil_bbl) for r in rows)
        water = sum(_num(r.water_bbl) for r in rows)
        return water / (oil + water) if oil + water > 0 else None
    if metric == "downtime":
        return 1.0 - min(sum(_num(r.hours_on) for r in rows) / (24.0 * days), 1.0)
    producing = [r for r in rows if _num(r.oil_bbl) > 0]
    if len(producing) < MIN_DECLINE_DAYS:
        return None
    start = min(r.production_date for r in producing)
    t = np.array([(r.production_date - start).days for r in producing], dtype=np.float64)
    y = np.log(np.array([_num(r.oil_bbl) for r in producing]))
    if np.ptp(t) == 0:
        return None
    slope = float(np.polyfit(t, y, 1)[0])
    return 1.0 - math.exp(slope * 365.0)


class BenchmarkService:
    def __init__(self, databases: AnalyticsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def rank_wells(
        self, tenant: Tenant, actor: Actor, metric: str, days: int, limit: int, offset: int
    ) -> Page[WellRank]:
        require(actor, Permission.REPORTS_READ)
        if metric not in METRICS:
            raise InputError("metric", f"must be one of {', '.join(METRICS)}")
        if not 1 <= days <= 3660:
            raise InputError("days", "must be between 1 and 3660")
        end = self._clock().date()
        start = end - timedelta(days=days - 1)
        with self._databases.unit_of_work(tenant) as uow:
            visible = visible_well_ids(uow, actor)
            names = uow.analytics.well_names()
            rows = uow.analytics.production_days(None, start, end)
        by_well: dict[str, list[ProductionDay]] = {}
        for row in rows:
            by_well.setdefault(row.well_id, []).append(row)
        scored: list[tuple[str, str, float]] = []
        for well_id, name in names.items():
            if visible is not None and well_id not in visible:
                continue
            value = well_metric(metric, by_well.get(well_id, []), days)
            if value is not None:
                scored.append((well_id, name, value))
        sign = -1.0 if metric in HIGHER_IS_BETTER else 1.0
        scored.sort(key=lambda item: (sign * item[2], item[1]))
        ranked = [WellRank(rank, *item) for rank, item in enumerate(scored, start=1)]
        return Page(ranked[offset : offset + limit], len(ranked), limit, offset)
