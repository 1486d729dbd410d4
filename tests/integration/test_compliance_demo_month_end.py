"""The month-end end to end on the demo's seed: a lease with daily production gets its
month of tanks, gauges, run tickets, dispositions, owners and a flare; the month balances,
Form PR validates and files, the tax report and the owners' revenue come out, and the
owners' amounts sum exactly to the net revenue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from functions.local.seed_compliance import OPERATOR, seed_month_end
from shared.bootstrap import Platform
from shared.core.compliance.model.period import Period
from tests.integration.api_support import create_well, unique
from tests.integration.compliance_support import BASE, ok
from tests.integration.conftest import TenantSession

PERIOD = Period(2026, 10)


def test_the_demo_month_end_from_gauges_and_tickets_to_form_pr_and_tax(
    platform: Platform, acme: TenantSession
) -> None:
    # GIVEN a lease, a tank battery and two wells with a month of daily production
    headers = acme.headers
    body = {"lease_number": unique("L"), "name": "Cole Ranch", "royalty_rate": 0.1875}
    lease = ok(acme.client.post("/api/v1/leases", json=body, headers=headers), 201)
    battery = {"name": "Cole battery", "facility_type": "TANK_BATTERY"}
    ok(acme.client.post("/api/v1/facilities", json=battery, headers=headers), 201)
    rows = []
    for rate in (41.37, 18.62):
        well = create_well(acme, lease_id=lease["id"], first_production_date="2018-03-01")
        rows += [
            {
                "well_id": well["id"],
                "production_date": str(date(2026, 10, 1) + timedelta(d)),
                "oil_bbl": rate,
                "gas_mcf": rate * 2.1,
                "water_bbl": rate / 3,
                "hours_on": 24,
            }
            for d in range(31)
        ]
    ok(acme.client.post("/api/v1/production:batch", json={"rows": rows}, headers=headers))

    # WHEN the demo seeds the month-end
    tenant = acme.created.tenant
    actor = platform.auth.authenticate(tenant, acme.access_token)
    seeded = seed_month_end(platform, tenant, actor, PERIOD)
    again = seed_month_end(platform, tenant, actor, PERIOD)

    # THEN the lease's month balances exactly, with its hauls
    assert seeded.lease_id == lease["id"] and seeded.run_tickets >= 4
    assert again.run_tickets == 0  # seeding twice changes nothing
    month = ok(acme.client.get(f"{BASE}/leases/{lease['id']}/month-end/{PERIOD}", headers=headers))
    assert month["problems"] == [] and month["products"]["oil"]["produced"] == "1859.69"
    # the lease's sales go back to its two wells by their daily volumes, to the cent
    sold = sum(
        Decimal(d["volume"])
        for d in month["products"]["oil"]["dispositions"]
        if d["kind"] == "sold"
    )
    by_well = {k: Decimal(v) for k, v in month["sold_by_well"]["oil"].items()}
    assert sum(by_well.values()) == sold and len(by_well) == 2
    big = max(by_well.values())
    assert abs(big / sold - Decimal("41.37") / Decimal("59.99")) < Decimal("0.0001")

    # AND Form PR is built, validated and filed
    created = ok(
        acme.client.post(
            f"{BASE}/form-pr",
            json={"operator_number": OPERATOR, "period": str(PERIOD)},
            headers=headers,
        ),
        201,
    )
    validated = ok(acme.client.post(f"{BASE}/form-pr/{created['id']}/validate", headers=headers))
    filed = ok(acme.client.post(f"{BASE}/form-pr/{created['id']}/file", headers=headers))
    assert (validated["status"], filed["status"]) == ("validated", "filed")
    edi = acme.client.get(f"{BASE}/form-pr/{created['id']}/export", headers=headers)
    assert edi.text.startswith(f"H{OPERATOR}202610")

    # AND the Texas tax report values the hauls at the ticket price, with due dates
    tax = ok(
        acme.client.get(
            f"{BASE}/severance", params={"state": "TX", "period": str(PERIOD)}, headers=headers
        )
    )
    oil = next(line for line in tax["lines"] if line["product"] == "oil")
    assert Decimal(oil["gross_value"]) == Decimal(oil["volume"]) * Decimal("72.50")
    assert Decimal(oil["tax"]) == (Decimal(oil["gross_value"]) * Decimal("0.046")).quantize(
        Decimal("0.01")
    )
    assert {d["obligation"] for d in tax["due_dates"]} >= {"tx_oil_production_tax"}

    # AND the owners' statements sum to the revenue to the cent, the heir in suspense
    revenue = ok(
        acme.client.get(f"{BASE}/revenue", params={"period": str(PERIOD)}, headers=headers)
    )
    assert Decimal(revenue["distributed"]) == Decimal(revenue["net_revenue"]) > 0
    assert sum(Decimal(o["amount"]) for o in revenue["owners"]) == Decimal(revenue["net_revenue"])
    assert Decimal(revenue["payable"]) + Decimal(revenue["suspense"]) == Decimal(
        revenue["net_revenue"]
    )
    heirs = next(o for o in revenue["owners"] if o["name"] == "Heirs of J. R. Cole")
    assert heirs["in_suspense"] is True

    # AND the tank battery's flare and heater have emissions
    emissions = ok(
        acme.client.get(f"{BASE}/emissions", params={"period": str(PERIOD)}, headers=headers)
    )
    assert emissions["facilities"] and emissions["co2e_t"] > 0
    # AND the calendar knows October's Form PR is filed
    items = ok(acme.client.get(f"{BASE}/calendar", params={"year": 2026}, headers=headers))
    october = next(i for i in items if (i["obligation"], i["period"]) == ("tx_form_pr", "2026-10"))
    assert october["status"] == "filed"

    # AND each owner's statement adds up, and all statements sum to the net revenue
    totals = Decimal(0)
    for owner in revenue["owners"]:
        url = f"{BASE}/revenue/owners/{owner['owner_id']}"
        statement = ok(acme.client.get(url, params={"period": str(PERIOD)}, headers=headers))
        assert Decimal(statement["total"]) == Decimal(owner["amount"])
        totals += Decimal(statement["total"])
    assert totals == Decimal(revenue["net_revenue"])
    exported = acme.client.get(f"{url}/export", params={"period": str(PERIOD)}, headers=headers)
    assert exported.status_code == 200 and "decimal_interest" in exported.text.splitlines()[0]
