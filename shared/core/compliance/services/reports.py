"""Monthly reports from the stored records: severance taxes per state, owner revenue
distribution, and the compliance calendar.

Severance value comes from the month's run tickets (oil, net standard bbl × the
ticket's price) and priced sales dispositions (gas and condensate, volume × price).
Volumes sold at the same price on a lease are taxed together; each group goes
through :func:`~shared.core.compliance.model.taxes.compute_severance` with the
lease's first production month and tax flags. Sales without a price are listed as
unpriced, not taxed.

Revenue: each priced group's net (value less its taxes and fees) is distributed to
the lease's owners in force on the first day of the month, to the cent, by
:func:`~shared.core.compliance.model.revenue.distribute`; owners' amounts sum to the
net exactly. A lease without a division order for the product is listed as
undistributed with its net, outside the totals.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from shared.core.common.access import audit, require, require_office_role
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.compliance.errors import ComplianceInputError
from shared.core.compliance.model.deadlines import due_date, obligations
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.revenue import (
    InterestLine,
    InterestType,
    Owner,
    Sale,
    check_interests,
    distribute,
    interests_in_force,
    net_revenue,
)
from shared.core.compliance.model.rows import InterestRow, Lease, OwnerRow, view
from shared.core.compliance.model.rulebook import Product
from shared.core.compliance.model.taxes import TaxRequest, TaxResult, compute_severance
from shared.core.compliance.ports import ComplianceDatabases, ComplianceStore
from shared.core.compliance.services.records import STATES
from shared.core.compliance.services.settings import FORM_PR_VARIANT, effective
from shared.core.registry.model.tenants import Tenant

ZERO = Decimal(0)


@dataclass(frozen=True)
class PricedGroup:
    lease_id: str
    product: Product
    price: Decimal
    volume: Decimal


@dataclass(frozen=True)
class NewOwner:
    name: str
    tax_id: str | None = None
    address: str | None = None
    hold_reason: str | None = None


@dataclass(frozen=True)
class NewInterest:
    owner_id: str
    interest_type: str
    product: str
    decimal_interest: Decimal
    effective_from: date
    effective_to: date | None = None


def priced_groups(
    store: ComplianceStore, lease_id: str, period: Period
) -> tuple[list[PricedGroup], list[dict[str, Any]]]:
    """Sales of the lease's month grouped by product and price, and the unpriced ones."""
    volumes: dict[tuple[Product, Decimal], Decimal] = defaultdict(Decimal)
    unpriced: list[dict[str, Any]] = []
    for ticket in store.run_tickets([lease_id], period.first_day, period.last_day):
        if ticket.price_per_bbl is None:
            unpriced.append(
                {
                    "lease_id": lease_id,
                    "ticket_number": ticket.ticket_number,
                    "volume": str(ticket.net_standard_bbl),
                }
            )
            continue
        key = (Product.OIL, ticket.price_per_bbl.normalize())
        volumes[key] += ticket.net_standard_bbl
    for row in store.dispositions([lease_id], str(period)):
        if row.kind != "sold" or row.product not in ("oil", "gas", "condensate"):
            continue
        if row.price is None:
            unpriced.append(
                {"lease_id": lease_id, "disposition_id": row.id, "volume": str(row.volume)}
            )
            continue
        key = (Product(row.product), row.price.normalize())
        volumes[key] += row.volume
    groups = [
        PricedGroup(lease_id, product, price, volume)
        for (product, price), volume in sorted(volumes.items())
        if volume > 0
    ]
    return groups, unpriced


def group_tax(store: ComplianceStore, group: PricedGroup, state: str, period: Period) -> TaxResult:
    profile = store.profile(group.lease_id)
    first = store.first_production(group.lease_id)
    return compute_severance(
        TaxRequest(
            state=state,
            product=group.product,
            volume=group.volume,
            price=group.price,
            period=period,
            first_production=Period.of(first) if first else None,
            flags=frozenset(profile.tax_flags if profile else []),
        )
    )


def severance_report(store: ComplianceStore, state: str, period: Period) -> dict[str, Any]:
    lines = []
    unpriced: list[dict[str, Any]] = []
    due: dict[str, dict[str, str]] = {}
    totals = {"gross_value": ZERO, "tax": ZERO, "fees": ZERO}
    for profile in store.profiles(state):
        lease_id = profile.lease_id
        lease = store.lease(lease_id)
        groups, missing = priced_groups(store, lease_id, period)
        unpriced.extend(missing)
        for group in groups:
            result = group_tax(store, group, state, period)
            for item in result.due_dates:
                due[item.obligation] = {
                    "obligation": item.obligation,
                    "label": item.label,
                    "due": item.due.isoformat(),
                    "agency": item.agency,
                }
            totals["gross_value"] += result.gross_value
            totals["tax"] += result.tax
            totals["fees"] += result.fees
            lines.append(
                {
                    "lease_id": lease_id,
                    "lease_number": lease.lease_number if lease else None,
                    "product": group.product.value,
                    "volume": str(group.volume),
                    "price": str(group.price),
                    "gross_value": str(result.gross_value),
                    "taxable_value": str(result.taxable_value),
                    "tax": str(result.tax),
                    "fees": str(result.fees),
                    "total": str(result.total),
                    "due_date": result.due_date.due.isoformat(),
                    "lines": [
                        {
                            "rule_id": line.rule_id,
                            "label": line.label,
                            "kind": line.kind,
                            "base": str(line.base),
                            "rate": str(line.rate),
                            "amount": str(line.amount),
                            "condition": line.condition,
                            "source": line.source.url,
                        }
                        for line in result.lines
                    ],
                    "notes": list(result.notes),
                }
            )
    return {
        "state": state,
        "period": str(period),
        "lines": lines,
        "unpriced": unpriced,
        "totals": {k: str(v) for k, v in totals.items()},
        "due_dates": sorted(due.values(), key=lambda d: (d["due"], d["obligation"])),
    }


def revenue_report(store: ComplianceStore, period: Period) -> dict[str, Any]:
    owners = {o.id: o for o in store.owners()}
    model_owners = {
        owner_id: Owner(owner_id, o.name, o.tax_id, o.address, o.hold_reason)
        for owner_id, o in owners.items()
    }
    leases = []
    by_owner: dict[str, Decimal] = defaultdict(Decimal)
    suspense: dict[str, list[str]] = {}
    net_total = ZERO
    undistributed: list[dict[str, str]] = []
    for profile in store.profiles(None):
        lease_id, state = profile.lease_id, profile.state
        lines = _interest_lines(store.interests(lease_id))
        groups, _ = priced_groups(store, lease_id, period)
        for group in groups:
            tax = group_tax(store, group, state, period)
            sale = Sale(group.product, group.volume, group.price, taxes=tax.total)
            if not interests_in_force(lines, group.product, period.first_day):
                undistributed.append(
                    {
                        "lease_id": lease_id,
                        "product": group.product.value,
                        "net": str(net_revenue(sale).net),
                        "reason": f"no {group.product.value} division order in force",
                    }
                )
                continue
            distribution = distribute(sale, lines, model_owners, period)
            net_total += distribution.revenue.net
            for share in distribution.shares:
                by_owner[share.owner_id] += share.amount
                if share.in_suspense:
                    suspense[share.owner_id] = list(share.suspense_reasons)
            leases.append(
                {
                    "lease_id": lease_id,
                    "product": group.product.value,
                    "volume": str(group.volume),
                    "price": str(group.price),
                    "gross": str(distribution.revenue.gross),
                    "taxes": str(distribution.revenue.taxes),
                    "net": str(distribution.revenue.net),
                    "shares": [
                        {
                            "owner_id": s.owner_id,
                            "decimal_interest": str(s.decimal_interest),
                            "amount": str(s.amount),
                            "suspense": list(s.suspense_reasons),
                        }
                        for s in distribution.shares
                    ],
                }
            )
    statements = [
        {
            "owner_id": owner_id,
            "name": owners[owner_id].name if owner_id in owners else None,
            "amount": str(amount),
            "in_suspense": owner_id in suspense,
            "suspense_reasons": suspense.get(owner_id, []),
        }
        for owner_id, amount in sorted(by_owner.items())
    ]
    return {
        "period": str(period),
        "net_revenue": str(net_total),
        "distributed": str(sum(by_owner.values(), ZERO)),
        "payable": str(sum((by_owner[o] for o in by_owner if o not in suspense), ZERO)),
        "suspense": str(sum((by_owner[o] for o in suspense), ZERO)),
        "leases": leases,
        "owners": statements,
        "undistributed": undistributed,
    }


def _lease_field(lease: Lease | None, name: str) -> str | None:
    return None if lease is None else getattr(lease, name)


def owner_statement(store: ComplianceStore, owner_id: str, period: Period) -> dict[str, Any]:
    """One owner's month: a line per lease, product and price with interest and amount."""
    owners = {o.id: o for o in store.owners()}
    if owner_id not in owners:
        raise NotFoundError("owner", owner_id)
    report = revenue_report(store, period)
    leases = {p: store.lease(p) for p in {item["lease_id"] for item in report["leases"]}}
    lines = [
        {
            "lease_number": _lease_field(leases[item["lease_id"]], "lease_number"),
            "lease_name": _lease_field(leases[item["lease_id"]], "name"),
            "product": item["product"],
            "volume": item["volume"],
            "price": item["price"],
            "lease_gross": item["gross"],
            "lease_taxes": item["taxes"],
            "lease_net": item["net"],
            "decimal_interest": share["decimal_interest"],
            "amount": share["amount"],
        }
        for item in report["leases"]
        for share in item["shares"]
        if share["owner_id"] == owner_id
    ]
    owner = owners[owner_id]
    mine = next((o for o in report["owners"] if o["owner_id"] == owner_id), None)
    return {
        "owner_id": owner_id,
        "name": owner.name,
        "period": str(period),
        "lines": lines,
        "total": str(sum((Decimal(line["amount"]) for line in lines), ZERO)),
        "in_suspense": bool(mine and mine["in_suspense"]),
        "suspense_reasons": mine["suspense_reasons"] if mine else [],
    }


def calendar(
    year: int,
    variants: Mapping[str, str] | None = None,
    today: date | None = None,
    filed: Collection[tuple[str, str]] = (),
    soon_days: int = 14,
) -> list[dict[str, Any]]:
    """Every filing and payment due in ``year``, from the deadline rules (``variants``:
    the variant chosen per obligation, else the rule's default). With ``today``, each
    item says ``days_left`` and its status: ``filed`` (``filed`` holds (obligation,
    period) pairs WellOS knows were filed), ``overdue``, ``due_soon`` (within
    ``soon_days``) or ``upcoming``."""
    items = []
    for obligation in obligations():
        periods = (
            [Period(year - 1, m) for m in range(1, 13)] + [Period(year, m) for m in range(1, 13)]
            if obligation.frequency == "monthly"
            else [Period(year - 1, 12), Period(year, 12)]
        )
        for period in periods:
            try:
                due = due_date(obligation.id, period, (variants or {}).get(obligation.id))
            except ComplianceInputError:
                continue
            if due.due.year != year:
                continue
            item: dict[str, Any] = {
                "obligation": due.obligation,
                "label": due.label,
                "agency": due.agency,
                "period": str(period),
                "due": due.due.isoformat(),
                "variant": due.variant,
                "source": due.source.url,
            }
            if today is not None:
                left = (due.due - today).days
                item["days_left"] = left
                item["status"] = (
                    "filed"
                    if (obligation.id, str(period)) in filed
                    else "overdue"
                    if left < 0
                    else "due_soon"
                    if left <= soon_days
                    else "upcoming"
                )
            items.append(item)
    return sorted(items, key=lambda item: (item["due"], item["obligation"]))


def _interest_lines(rows: Sequence[InterestRow]) -> list[InterestLine]:
    return [
        InterestLine(
            owner_id=row.owner_id,
            interest_type=InterestType(row.interest_type),
            product=Product(row.product),
            decimal_interest=row.decimal_interest.normalize(),
            effective_from=row.effective_from,
            effective_to=row.effective_to,
        )
        for row in rows
    ]


class ReportService:
    def __init__(self, databases: ComplianceDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def severance(
        self, tenant: Tenant, actor: Actor, state: str, period: Period, export: bool = False
    ) -> dict[str, Any]:
        require(actor, Permission.REPORTS_EXPORT if export else Permission.REPORTS_READ)
        if state not in STATES:
            raise InputError("state", f"must be one of {', '.join(STATES)}")
        with self._databases.unit_of_work(tenant) as uow:
            return severance_report(uow.compliance, state, period)

    def revenue(
        self, tenant: Tenant, actor: Actor, period: Period, export: bool = False
    ) -> dict[str, Any]:
        """Owner amounts are the office's business: admins and managers only."""
        require_office_role(actor, "read owner revenue")
        require(actor, Permission.REPORTS_EXPORT if export else Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return revenue_report(uow.compliance, period)

    def owner_statement(
        self, tenant: Tenant, actor: Actor, owner_id: str, period: Period, export: bool = False
    ) -> dict[str, Any]:
        require_office_role(actor, "read owner statements")
        require(actor, Permission.REPORTS_EXPORT if export else Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return owner_statement(uow.compliance, owner_id, period)

    def calendar(self, tenant: Tenant, actor: Actor, year: int) -> list[dict[str, Any]]:
        require(actor, Permission.REPORTS_READ)
        if not 2000 <= year <= 2100:
            raise InputError("year", "must be 2000 to 2100")
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            variant = effective(store)[FORM_PR_VARIANT]
            filed = {
                ("tx_form_pr", str(period))
                for period in [Period(year - 1, m) for m in range(1, 13)]
                + [Period(year, m) for m in range(1, 13)]
                if store.filed_periods(str(period))
            }
        today = self._clock().date()
        return calendar(year, {"tx_form_pr": variant}, today, filed)

    def add_owner(self, tenant: Tenant, actor: Actor, new: NewOwner) -> dict[str, Any]:
        require_office_role(actor, "add owners")
        if not new.name.strip():
            raise InputError("name", "must not be empty")
        with self._databases.unit_of_work(tenant) as uow:
            owner = OwnerRow(
                str(uuid.uuid4()), new.name.strip(), new.tax_id, new.address, new.hold_reason,
                self._clock(),
            )  # fmt: skip
            uow.compliance.add_owner(owner)
            row = view(owner)
            audit(
                uow,
                self._clock,
                actor,
                "create",
                "compliance_owner",
                row["id"],
                None,
                {"name": row["name"]},
            )
            uow.commit()
            return row

    def list_owners(self, tenant: Tenant, actor: Actor) -> list[dict[str, Any]]:
        require_office_role(actor, "read owners")
        with self._databases.unit_of_work(tenant) as uow:
            return [view(owner) for owner in uow.compliance.owners()]

    def list_interests(self, tenant: Tenant, actor: Actor, lease_id: str) -> list[dict[str, Any]]:
        require_office_role(actor, "read division orders")
        with self._databases.unit_of_work(tenant) as uow:
            if uow.compliance.lease(lease_id) is None:
                raise NotFoundError("lease", lease_id)
            return [view(line) for line in uow.compliance.interests(lease_id)]

    def put_interests(
        self, tenant: Tenant, actor: Actor, lease_id: str, lines: Sequence[NewInterest]
    ) -> list[dict[str, Any]]:
        """Replace the lease's division order; every product's interests sum to exactly 1."""
        require_office_role(actor, "change division orders")
        for index, line in enumerate(lines):
            if line.interest_type not in {t.value for t in InterestType}:
                raise InputError(
                    f"interests[{index}].interest_type",
                    f"must be one of {', '.join(t.value for t in InterestType)}",
                )
            if line.product not in {p.value for p in Product}:
                raise InputError(
                    f"interests[{index}].product",
                    f"must be one of {', '.join(p.value for p in Product)}",
                )
        model_lines = [
            InterestLine(
                line.owner_id,
                InterestType(line.interest_type),
                Product(line.product),
                line.decimal_interest,
                line.effective_from,
                line.effective_to,
            )
            for line in lines
        ]
        check_interests(model_lines)
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            if store.lease(lease_id) is None:
                raise NotFoundError("lease", lease_id)
            known = {o.id for o in store.owners()}
            for index, line in enumerate(lines):
                if line.owner_id not in known:
                    raise InputError(f"interests[{index}].owner_id", "is not a known owner")
            before = store.interests(lease_id)
            rows = [
                InterestRow(
                    str(uuid.uuid4()),
                    lease_id,
                    line.owner_id,
                    line.interest_type,
                    line.product,
                    line.decimal_interest,
                    line.effective_from,
                    line.effective_to,
                )
                for line in lines
            ]
            store.replace_interests(lease_id, rows)
            audit(
                uow,
                self._clock,
                actor,
                "put",
                "compliance_interests",
                lease_id,
                {"lines": len(before)},
                {"lines": len(rows)},
            )
            uow.commit()
            return [view(line) for line in store.interests(lease_id)]
