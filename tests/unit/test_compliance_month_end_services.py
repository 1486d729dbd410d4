"""Month-end, Form PR content, tax and revenue reports over the in-memory compliance store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shared.adapters.memory.compliance import ComplianceData, MemoryComplianceStore
from shared.core.compliance.errors import PeriodFiledError
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rows import (
    Filing,
    InterestRow,
    LeaseProfile,
    OwnerRow,
    RecordedDisposition,
    RunTicket,
    Tank,
    TankGauge,
)
from shared.core.compliance.services.filings import build_content
from shared.core.compliance.services.month_end import lease_month_end, month_end_out
from shared.core.compliance.services.records import ensure_period_open
from shared.core.compliance.services.reports import calendar, revenue_report, severance_report

OCT = Period(2026, 10)
AT = datetime(2026, 11, 3, tzinfo=UTC)


def ticket(ticket_id: str, number: str, day: date, net: str, price: Decimal | None) -> RunTicket:
    """A run ticket of tank T1 on lease L1 to Plains (only its net volume and price count)."""
    zero = Decimal(0)
    return RunTicket(
        ticket_id, number, "T1", "L1", day, "Plains", None, zero, zero, zero, zero, zero,
        None, None, zero, Decimal(1), Decimal(net), Decimal(net), Decimal(net), price, None, AT,
    )  # fmt: skip


def disposition(
    disposition_id: str, kind: str, volume: Decimal, purchaser: str | None, price: Decimal | None
) -> RecordedDisposition:
    """Gas of lease L1 in October 2026."""
    return RecordedDisposition(
        disposition_id, "L1", "2026-10", "gas", kind, volume, purchaser, price, None, None, AT
    )


def filed_form_pr(filing_id: str, period: str, content: dict[str, Any]) -> Filing:
    return Filing(filing_id, "TX_PR", "1", period, "filed", False, content, AT, AT, AT)


def lease_store(*, oil_per_day: float = 10.0, closing: str = "130.00") -> MemoryComplianceStore:
    """Lease L1 (TX, operator 1): 31 × 10 bbl, opening 120, a 300-bbl ticket at $75."""
    data = ComplianceData()
    data.catalog.seed_lease("L1", "Cole", lease_number="L-1")
    data.catalog.seed_well("W1", lease_id="L1", first_production_date=date(2019, 6, 1))
    data.profiles["L1"] = LeaseProfile("L1", "TX", "1", "08", "123", None, None, None, [], AT)
    for day in range(31):
        data.catalog.seed_day(
            "W1", date(2026, 10, 1) + timedelta(day), oil_bbl=oil_per_day, gas_mcf=40.0,
            water_bbl=5.0, hours_on=24.0,
        )  # fmt: skip
    data.tanks["T1"] = Tank("T1", "L1", None, "Tank 1", "oil", None, [], AT, AT)
    data.gauges += [
        TankGauge(
            "G1", "T1", date(2026, 9, 30), Decimal(72), Decimal("120.00"), "office", None, AT
        ),
        TankGauge(
            "G2", "T1", date(2026, 10, 31), Decimal(78), Decimal(closing), "office", None, AT
        ),
    ]
    data.run_tickets.append(ticket("R1", "1", date(2026, 10, 20), "300.00", Decimal(75)))
    data.dispositions += [
        disposition("D1", "sold", Decimal(1200), "ET", Decimal("3.00")),
        disposition("D2", "used_on_lease", Decimal(40), None, None),
    ]
    return MemoryComplianceStore(data)


def test_a_balanced_month_has_no_problems() -> None:
    month = lease_month_end(lease_store(), "L1", OCT)
    oil = month.product("oil").month
    assert (oil.opening_inventory, oil.produced, oil.disposed, oil.closing_inventory) == (
        Decimal(120),
        Decimal(310),
        Decimal(300),
        Decimal(130),
    )
    assert oil.producing_days == 31
    assert month.problems == []


def test_an_opening_that_is_not_last_months_filed_closing_is_a_problem() -> None:
    store = lease_store()
    store.data.filings["F0"] = filed_form_pr(
        "F0",
        "2026-09",
        {
            "lease_ids": ["L1"],
            "leases": [
                {
                    "lease_id": "L1",
                    "products": {
                        "oil": {"closing_inventory": "118.00"},
                        "gas": {"closing_inventory": "0"},
                    },
                }
            ],
        },
    )
    problems = lease_month_end(store, "L1", OCT).problems
    assert [(product, p.code.value, p.numbers) for product, p in problems] == [
        (
            "oil",
            "opening_not_last_closing",
            {"opening": Decimal("120.00"), "previous_closing": Decimal("118.00")},
        )
    ]


def test_a_filed_month_is_closed_to_changes_until_amended() -> None:
    store = lease_store()
    content = build_content(store, "1", OCT)
    store.data.filings["F1"] = filed_form_pr("F1", "2026-10", content)
    with pytest.raises(PeriodFiledError) as caught:
        ensure_period_open(store, "L1", OCT, "ticket_date")
    assert caught.value.field == "ticket_date"
    ensure_period_open(store, "L1", Period(2026, 11), "ticket_date")  # next month is open
    store.data.filings["F1"] = replace(store.data.filings["F1"], status="amended")
    ensure_period_open(store, "L1", OCT, "ticket_date")


def test_form_pr_content_lists_problems_per_lease_with_the_due_date() -> None:
    content = build_content(lease_store(closing="125.00"), "1", OCT)
    assert content["lease_ids"] == ["L1"]
    assert [
        (p["lease_number"], p["code"], p["numbers"]["difference"]) for p in content["problems"]
    ] == [("L-1", "inventory_out_of_balance", "-5.00")]
    assert content["due_date"] == "2026-11-30"
    assert build_content(lease_store(), "2", OCT)["lease_ids"] == []


def test_severance_groups_sales_by_price_and_lists_unpriced_ones() -> None:
    store = lease_store()
    store.data.run_tickets.append(ticket("R2", "2", date(2026, 10, 25), "100.00", None))
    report = severance_report(store, "TX", OCT)
    oil = [line for line in report["lines"] if line["product"] == "oil"]
    assert [(line["volume"], line["price"], line["tax"]) for line in oil] == [
        ("300.00", "75", "1035.00")
    ]  # 4.6 % of $22,500
    assert report["unpriced"] == [{"lease_id": "L1", "ticket_number": "2", "volume": "100.00"}]
    gas = next(line for line in report["lines"] if line["product"] == "gas")
    assert Decimal(gas["tax"]) == Decimal("270.00")  # 7.5 % of 1200 Mcf × $3
    assert Decimal(report["totals"]["tax"]) == Decimal("1305.00")


def test_revenue_sums_to_the_cent_and_a_lease_without_division_order_is_undistributed() -> None:
    store = lease_store()
    store.data.owners = {
        "A": OwnerRow("A", "Royalty", "1", "x", None, AT),
        "B": OwnerRow("B", "WI", "2", "y", None, AT),
        "C": OwnerRow("C", "Heir", None, None, None, AT),
    }
    store.data.interests = [
        InterestRow(f"I{owner}", "L1", owner, kind, "oil", Decimal(share), date(2020, 1, 1), None)
        for owner, kind, share in (
            ("A", "royalty", "0.1666666667"),
            ("B", "working", "0.8"),
            ("C", "royalty", "0.0333333333"),
        )
    ]
    report = revenue_report(store, OCT)
    [oil] = report["leases"]
    assert sum(Decimal(s["amount"]) for s in oil["shares"]) == Decimal(oil["net"])
    assert report["distributed"] == report["net_revenue"] == oil["net"]
    assert [u["product"] for u in report["undistributed"]] == ["gas"]
    heir = next(o for o in report["owners"] if o["owner_id"] == "C")
    assert heir["in_suspense"] and heir["suspense_reasons"] == ["missing tax id", "missing address"]
    assert Decimal(report["payable"]) + Decimal(report["suspense"]) == Decimal(oil["net"])


def test_month_end_out_is_exact_decimal_text() -> None:
    out = month_end_out(lease_month_end(lease_store(oil_per_day=10.333), "L1", OCT))
    assert out["products"]["oil"]["produced"] == "320.32"  # 31 × 10.333 = 320.323
    assert out["balanced"] is False


def test_the_calendar_says_what_is_filed_overdue_and_due_soon() -> None:

    items = calendar(2026, today=date(2026, 11, 20), filed={("tx_form_pr", "2026-09")})
    by_key = {(i["obligation"], i["period"]): i for i in items}
    assert by_key[("tx_form_pr", "2026-09")]["status"] == "filed"  # due 2026-10-31
    assert by_key[("tx_form_pr", "2026-08")]["status"] == "overdue"  # nobody filed it here
    october = by_key[("tx_form_pr", "2026-10")]  # due 2026-11-30
    assert (october["status"], october["days_left"]) == ("due_soon", 10)
    assert by_key[("tx_oil_production_tax", "2026-11")]["status"] == "upcoming"  # 2026-12-25
