"""A lease's month on the API: a Texas lease with one well, a strapped oil tank, daily
production, gauges, a run ticket and gas dispositions that balance exactly.

The numbers (period 2026-10): the tank holds 2 bbl per inch (0 in → 0 bbl, 240 in → 480
bbl). Opening gauge 5' 0" on 30 September = 120 bbl. Oil: 31 days × 10 bbl
= 310 bbl produced; a haul from 15' 0" (360 bbl) to 2' 6" (60 bbl) = 300 bbl gross
observed, at 60 °F, 40.0 °API and no BS&W = 300.00 bbl net standard (CTPL 1.00000 at
60 °F); closing = 120 + 310 - 300 = 130 bbl = 5' 5". Gas: 31 × 40 = 1240 Mcf, 1200 sold
and 40 used on the lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tests.integration.api_support import create_well, unique
from tests.integration.conftest import TenantSession

BASE = "/api/v1/compliance"
PERIOD = "2026-10"
OPERATOR = "123456"
STRAPPING = [{"height_inches": 0, "volume_bbl": 0}, {"height_inches": 240, "volume_bbl": 480}]


@dataclass(frozen=True)
class LeaseMonth:
    lease_id: str
    well_id: str
    tank_id: str


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def new_lease(session: TenantSession, *, state: str = "TX", operator: str = OPERATOR) -> str:
    body = {"lease_number": unique("L"), "name": unique("Lease"), "royalty_rate": 0.1875}
    lease = ok(session.client.post("/api/v1/leases", json=body, headers=session.headers), 201)
    profile = {
        "state": state,
        "operator_number": operator,
        "district": "08",
        "state_lease_number": "12345",
        "gas_id": "234567",
        "field_name": "Spraberry (Trend Area)",
        "field_number": "85279200",
    }
    url = f"{BASE}/leases/{lease['id']}/profile"
    ok(session.client.put(url, json=profile, headers=session.headers))
    return str(lease["id"])


def gauge(session: TenantSession, tank_id: str, day: str, text: str, headers: Any = None) -> Any:
    url = f"{BASE}/tanks/{tank_id}/gauges/{day}"
    return session.client.put(url, json={"gauge": text}, headers=headers or session.headers)


def ticket(session: TenantSession, tank_id: str, headers: Any = None, **values: Any) -> Any:
    body = {
        "ticket_number": unique("RT"),
        "tank_id": tank_id,
        "ticket_date": "2026-10-20",
        "purchaser": "Plains Marketing",
        "truck": "T-17",
        "opening_gauge": "15' 0\"",
        "closing_gauge": "2' 6\"",
        "observed_gravity": "40.0",
        "observed_temperature_f": "60.0",
        "bsw_percent": "0",
        "seal_off": "S-1001",
        "seal_on": "S-1002",
        "price_per_bbl": "75",
        **values,
    }
    return session.client.post(f"{BASE}/run-tickets", json=body, headers=headers or session.headers)


def month(
    session: TenantSession, *, oil_per_day: float = 10, closing: str = "5' 5\""
) -> LeaseMonth:
    """One lease's balanced October (see the module docstring)."""
    lease_id = new_lease(session)
    well = create_well(session, lease_id=lease_id, first_production_date="2019-06-01")
    rows = [
        {
            "well_id": well["id"],
            "production_date": (date(2026, 10, 1) + timedelta(days=d)).isoformat(),
            "oil_bbl": oil_per_day,
            "gas_mcf": 40,
            "water_bbl": 5,
            "hours_on": 24,
        }
        for d in range(31)
    ]
    ok(
        session.client.post(
            "/api/v1/production:batch", json={"rows": rows}, headers=session.headers
        )
    )
    tank = ok(
        session.client.post(
            f"{BASE}/tanks",
            json={"lease_id": lease_id, "name": "Tank 1", "product": "oil", "strapping": STRAPPING},
            headers=session.headers,
        ),
        201,
    )
    ok(gauge(session, tank["id"], "2026-09-30", "5' 0\""))
    ok(ticket(session, tank["id"]), 201)
    ok(gauge(session, tank["id"], "2026-10-31", closing))
    for kind, volume, extra in (
        ("sold", 1200, {"purchaser": "Energy Transfer", "price": "3.00"}),
        ("used_on_lease", 40, {}),
    ):
        body = {
            "lease_id": lease_id,
            "period": PERIOD,
            "product": "gas",
            "kind": kind,
            "volume": volume,
            **extra,
        }
        ok(session.client.post(f"{BASE}/dispositions", json=body, headers=session.headers), 201)
    return LeaseMonth(lease_id, str(well["id"]), str(tank["id"]))
