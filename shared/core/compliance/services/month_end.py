"""Month-end by lease: production, inventories and dispositions, checked by the balance rules.

For one lease and month:

- produced: the lease's wells' daily volumes (``production_daily``) summed, to 0.01;
- oil inventory: the oil tanks' latest gauge on or before the day before the month
  (opening) and on or before its last day (closing), strapped to bbl;
- dispositions: run tickets of the month (sold to their purchaser, net standard
  volume) and the recorded dispositions of oil, gas and water;
- producing days: days on which any well of the lease produced or was on;
- sales by well: each product's sales allocated back to the wells in proportion to
  their daily volumes (the lease metered as one), to 0.01 exactly;
- last month's closing: from last month's filing of the lease, when there is one;
  this month's filing status tells whether a refiling is amended.

The rules of :mod:`shared.core.compliance.model.balance` list the problems with their
numbers; gas has no inventory (opening and closing 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.errors import NotFoundError
from shared.core.common.roles import Permission
from shared.core.compliance.model.allocation import allocate_by_daily_volumes
from shared.core.compliance.model.balance import (
    Disposition,
    DispositionKind,
    LeaseMonth,
    Problem,
    check_month,
)
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rows import Filing, Lease, LeaseProfile, ProductionDay
from shared.core.compliance.ports import ComplianceDatabases, ComplianceStore
from shared.core.registry.model.tenants import Tenant

CENT = Decimal("0.01")
ZERO = Decimal(0)
PRODUCTS = ("oil", "gas")
_PRODUCED = {"oil": "oil_bbl", "gas": "gas_mcf", "water": "water_bbl"}
REPORTED = ("oil_bbl", "gas_mcf", "water_bbl", "hours_on")


@dataclass(frozen=True)
class ProductMonth:
    product: str
    month: LeaseMonth
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class LeaseMonthEnd:
    lease: Lease
    profile: LeaseProfile | None
    period: Period
    products: tuple[ProductMonth, ...]
    water_produced: Decimal
    water_disposed: Decimal
    sold_by_well: dict[str, dict[str, Decimal]]
    """Each product's sales allocated back to the wells by their daily volumes."""

    @property
    def problems(self) -> list[tuple[str, Problem]]:
        return [(item.product, p) for item in self.products for p in item.problems]

    def product(self, name: str) -> ProductMonth:
        return next(item for item in self.products if item.product == name)


def lease_month_end(store: ComplianceStore, lease_id: str, period: Period) -> LeaseMonthEnd:
    """The month-end of one lease (raises NotFoundError for an unknown lease)."""
    lease = store.lease(lease_id)
    if lease is None:
        raise NotFoundError("lease", lease_id)
    production = store.production(lease_id, period.first_day, period.last_day)
    producing_days = len(
        {
            row.production_date
            for row in production
            if any(
                (row.volume(c) or 0) > 0 for c in ("oil_bbl", "gas_mcf", "water_bbl", "hours_on")
            )
        }
    )
    tickets = store.run_tickets([lease_id], period.first_day, period.last_day)
    recorded = store.dispositions([lease_id], str(period))
    opening, closing = _inventory(store, lease_id, period)
    previous_closing = _previous_closing(store, lease_id, period)
    this_filing = _filing_of(store, lease_id, period)
    previously_filed = this_filing is not None and this_filing.status in ("filed", "amended")
    amended = this_filing is not None and this_filing.amended
    products = []
    for product in PRODUCTS:
        dispositions = [
            Disposition(DispositionKind(row.kind), row.volume, row.purchaser)
            for row in recorded
            if row.product == product
        ]
        if product == "oil":
            dispositions = [
                *(
                    Disposition(DispositionKind.SOLD, t.net_standard_bbl, t.purchaser)
                    for t in tickets
                ),
                *dispositions,
            ]
        month = LeaseMonth(
            lease_id=lease_id,
            period=period,
            opening_inventory=opening if product == "oil" else ZERO,
            produced=_sum(production, _PRODUCED[product]),
            dispositions=tuple(dispositions),
            closing_inventory=closing if product == "oil" else ZERO,
            producing_days=producing_days,
            previous_closing=previous_closing.get(product),
            previously_filed=previously_filed,
            amended=amended,
        )
        products.append(ProductMonth(product, month, tuple(check_month(month))))
    water_disposed = sum((row.volume for row in recorded if row.product == "water"), ZERO)
    sold_by_well = {
        item.product: _allocate_sales(item.month, production, _PRODUCED[item.product])
        for item in products
    }
    return LeaseMonthEnd(
        lease=lease,
        profile=store.profile(lease_id),
        period=period,
        products=tuple(products),
        water_produced=_sum(production, "water_bbl"),
        water_disposed=water_disposed,
        sold_by_well=sold_by_well,
    )


def month_end_leases(store: ComplianceStore, state: str | None) -> list[str]:
    """Leases that take part in month-end: those with a compliance profile or a tank."""
    ids = {profile.lease_id for profile in store.profiles(state)}
    if state is None:
        ids |= {tank.lease_id for tank in store.tanks(None)}
    return sorted(ids)


def month_end_out(item: LeaseMonthEnd) -> dict[str, Any]:
    """A JSON-ready view: volumes as strings of exact decimals, problems with numbers."""
    products: dict[str, Any] = {}
    for entry in item.products:
        month = entry.month
        products[entry.product] = {
            "opening_inventory": str(month.opening_inventory),
            "produced": str(month.produced),
            "dispositions": [
                {"kind": d.kind.value, "volume": str(d.volume), "purchaser": d.purchaser}
                for d in month.dispositions
            ],
            "disposed": str(month.disposed),
            "closing_inventory": str(month.closing_inventory),
            "producing_days": month.producing_days,
        }
    return {
        "lease_id": item.lease.id,
        "lease_number": item.lease.lease_number,
        "lease_name": item.lease.name,
        "state": item.profile.state if item.profile else None,
        "profile": {
            key: getattr(item.profile, key)
            for key in (
                "operator_number",
                "district",
                "state_lease_number",
                "gas_id",
                "field_name",
                "field_number",
            )
        }
        if item.profile
        else None,
        "period": str(item.period),
        "products": products,
        "water": {"produced": str(item.water_produced), "disposed": str(item.water_disposed)},
        "sold_by_well": {
            product: {well: str(volume) for well, volume in wells.items()}
            for product, wells in item.sold_by_well.items()
        },
        "balanced": not item.problems,
        "problems": [problem_out(product, p) for product, p in item.problems],
    }


def problem_out(product: str, problem: Problem) -> dict[str, Any]:
    return {
        "product": product,
        "code": problem.code.value,
        "field": problem.field,
        "message": problem.message,
        "numbers": {k: str(v) for k, v in problem.numbers.items()},
    }


class MonthEndService:
    def __init__(self, databases: ComplianceDatabases) -> None:
        self._databases = databases

    def lease(self, tenant: Tenant, actor: Actor, lease_id: str, period: Period) -> dict[str, Any]:
        require(actor, Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return month_end_out(lease_month_end(uow.compliance, lease_id, period))

    def all_leases(
        self,
        tenant: Tenant,
        actor: Actor,
        period: Period,
        state: str | None,
        export: bool = False,
    ) -> list[dict[str, Any]]:
        require(actor, Permission.REPORTS_EXPORT if export else Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            return [
                month_end_out(lease_month_end(store, lease_id, period))
                for lease_id in month_end_leases(store, state)
            ]


def _allocate_sales(
    month: LeaseMonth, production: Sequence[ProductionDay], column: str
) -> dict[str, Decimal]:
    """The month's sales split among the wells by their daily volumes, to 0.01 exactly."""
    sold = sum((d.volume for d in month.dispositions if d.kind is DispositionKind.SOLD), ZERO)
    daily: dict[str, list[Decimal]] = {}
    for row in production:
        value = row.volume(column)
        if value is not None:
            daily.setdefault(row.well_id, []).append(Decimal(str(value)))
    if sold <= 0 or not any(sum(v, ZERO) > 0 for v in daily.values()):
        return {}
    return allocate_by_daily_volumes(sold, daily, CENT)


def _sum(rows: Sequence[ProductionDay], column: str) -> Decimal:
    values = (row.volume(column) for row in rows)
    total = sum((Decimal(str(v)) for v in values if v is not None), ZERO)
    return total.quantize(CENT, ROUND_HALF_UP)


def _inventory(store: ComplianceStore, lease_id: str, period: Period) -> tuple[Decimal, Decimal]:
    opening = closing = ZERO
    day_before = period.first_day - timedelta(days=1)
    for tank in store.tanks(lease_id):
        if tank.product != "oil":
            continue
        before = store.latest_gauge(tank.id, day_before)
        after = store.latest_gauge(tank.id, period.last_day)
        opening += before.volume_bbl if before else ZERO
        closing += after.volume_bbl if after else ZERO
    return opening, closing


def _filing_of(store: ComplianceStore, lease_id: str, period: Period) -> Filing | None:
    profile = store.profile(lease_id)
    if profile is None or profile.state != "TX" or not profile.operator_number:
        return None
    return store.filing("TX_PR", profile.operator_number, str(period))


def _previous_closing(store: ComplianceStore, lease_id: str, period: Period) -> dict[str, Decimal]:
    filing = _filing_of(store, lease_id, period.plus_months(-1))
    if filing is None or filing.status == "draft":
        return {}
    for lease in filing.content.get("leases", []):
        if lease.get("lease_id") == lease_id:
            return {
                product: Decimal(values["closing_inventory"])
                for product, values in lease.get("products", {}).items()
            }
    return {}


def month_end_rows(leases: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat rows for a download: one per lease and product, problems joined."""
    rows = []
    for lease in leases:
        for product, values in lease["products"].items():
            problems = [p["message"] for p in lease["problems"] if p["product"] == product]
            rows.append(
                {
                    "lease_number": lease["lease_number"],
                    "lease_name": lease["lease_name"],
                    "state": lease["state"],
                    "period": lease["period"],
                    "product": product,
                    "opening_inventory": values["opening_inventory"],
                    "produced": values["produced"],
                    "disposed": values["disposed"],
                    "closing_inventory": values["closing_inventory"],
                    "producing_days": values["producing_days"],
                    "problems": "; ".join(problems),
                }
            )
    return rows
