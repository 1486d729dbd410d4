"""A seeded tenant for the red-team suite: one of everything a path can name, made
through the API (and the analytics store for an alert), with a logged-in user per role.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from shared.bootstrap import Platform
from shared.core.analytics.model.scoring import Severity
from tests.integration.conftest import TenantSession, open_tenant
from tests.integration.ingest_support import build_site
from tests.integration.test_alerts_api import add_alert

ROLES = ("ADMIN", "MANAGER", "FIELD_OPERATOR", "VIEWER")
SECOND_OPERATOR = "FIELD_OPERATOR_2"  # a second device's user, for a sync conflict
PRODUCTION_DAY = date(2024, 3, 1)
IMPORT_CSV = b"API #,Prod Date,Oil (bbl)\n42-501-20130,03/02/2024,12.5\n"


@dataclass
class Seeded:
    """Ids by path parameter name, headers by role, and strings no other tenant may see."""

    slug: str
    session: TenantSession
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)

    @property
    def client(self) -> TestClient:
        return self.session.client

    def remember(self, body: dict[str, Any], *keys: str) -> None:
        """Ids and names of this tenant that must never show up in another tenant's answer."""
        for key in keys:
            value = body.get(key)
            if isinstance(value, str) and len(value) >= 8:
                self.secrets.add(value)


def _ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def seed_tenant(platform: Platform, client: TestClient, slug: str) -> Seeded:
    session = open_tenant(platform, client, slug)
    seeded = Seeded(slug, session, headers={"ADMIN": session.headers})
    seeded.user_ids["ADMIN"] = _ok(client.get("/api/v1/me", headers=session.headers), 200)["id"]
    for role in (*ROLES[1:], SECOND_OPERATOR):
        email = f"{role.lower()}-{uuid.uuid4().hex[:6]}@{slug}.test"
        given = "FIELD_OPERATOR" if role == SECOND_OPERATOR else role
        body = {"email": email, "full_name": f"{role.title()} {slug}", "role": given}
        user = _ok(client.post("/api/v1/users", json=body, headers=session.headers))
        seeded.user_ids[role] = user["id"]
        seeded.headers[role] = session.first_login(email, user["one_time_password"])[1]
        seeded.remember(user, "id", "email")
    seeded.ids["user_id"] = seeded.user_ids[SECOND_OPERATOR]
    _seed_catalog(seeded)
    _seed_scada(seeded)
    _seed_field_data(seeded)
    seeded.ids["alert_id"] = add_alert(platform, session, seeded.ids["well_id"], Severity.CRITICAL)
    order = {"well_id": seeded.ids["well_id"], "title": "Seed work order"}
    seeded.ids["work_order_id"] = _post(seeded, "/api/v1/work-orders", order)["id"]
    afe = {"number": "AFE-SEED", "title": "Seed AFE", "well_id": seeded.ids["well_id"],
           "estimate": [{"category": "workover", "amount": "50000"}]}  # fmt: skip
    seeded.ids["afe_id"] = _post(seeded, "/api/v1/afes", afe)["id"]
    permit = {"permit_type": "disposal", "agency": "Texas RRC", "well_id": seeded.ids["well_id"],
              "conditions": [{"text": "Annual MIT"}]}  # fmt: skip
    seeded.ids["permit_id"] = _post(seeded, "/api/v1/permits", permit)["id"]
    seeded.ids["incident_id"] = _post(seeded, "/api/v1/incidents", incident_body(seeded))["id"]
    _seed_import(seeded)
    return seeded


def incident_body(seeded: Seeded) -> dict[str, Any]:
    """A spill at the seeded well (reported by writers; the routes table uses it too)."""
    return {
        "kind": "spill",
        "occurred_at": "2026-12-01T08:00:00Z",
        "discovered_at": "2026-12-01T09:00:00Z",
        "location": {"state": "TX", "county": "Midland", "well_id": seeded.ids["well_id"]},
        "description": "Flowline leak",
        "releases": [{"material": "crude_oil", "released": "6", "recovered": "4"}],
    }


def _post(seeded: Seeded, path: str, body: dict[str, Any]) -> dict[str, Any]:
    created = _ok(seeded.client.post(path, json=body, headers=seeded.headers["ADMIN"]))
    seeded.remember(created, "id", "name")
    return created


def _seed_catalog(seeded: Seeded) -> None:
    tag = uuid.uuid4().hex[:8]
    field_ = _post(seeded, "/api/v1/fields", {"name": f"Field {tag}", "code": f"F{tag}"})
    lease = _post(
        seeded,
        "/api/v1/leases",
        {"lease_number": f"L{tag}", "name": f"Lease {tag}", "royalty_rate": 0.125,
         "field_id": field_["id"], "effective_date": "2020-01-01"},
    )  # fmt: skip
    facility = _post(
        seeded,
        "/api/v1/facilities",
        {"name": f"Battery {tag}", "facility_type": "TANK_BATTERY", "field_id": field_["id"]},
    )
    seeded.ids.update(field=field_["id"], lease=lease["id"], facility=facility["id"])


def _seed_scada(seeded: Seeded) -> None:
    site = build_site(seeded.session, wells=1, tag_names=("tubing_pressure",))
    well = site.wells[0]
    seeded.remember(well, "id", "name")
    seeded.ids.update(
        well_id=well["id"],
        gateway_id=site.gateway_id,
        connection_id=site.connection_id,
        tag_id=str(site.tag_ids[0]),
    )
    seeded.secrets.update({site.gateway_id, site.connection_id})
    equipment = _post(
        seeded,
        "/api/v1/equipment",
        {"tag": f"PUMP-{uuid.uuid4().hex[:6]}", "equipment_type": "ROD_PUMP",
         "well_id": well["id"], "facility_id": seeded.ids["facility"]},
    )  # fmt: skip
    seeded.ids["equipment"] = equipment["id"]
    for operator in ("FIELD_OPERATOR", SECOND_OPERATOR):
        url = f"/api/v1/wells/{well['id']}/assignments/{seeded.user_ids[operator]}"
        _ok(seeded.client.put(url, headers=seeded.headers["ADMIN"]), 200)


def _seed_field_data(seeded: Seeded) -> None:
    well, admin = seeded.ids["well_id"], seeded.headers["ADMIN"]
    for day in range(10):  # enough producing days for a forecast
        url = f"/api/v1/wells/{well}/production/{PRODUCTION_DAY + timedelta(days=day)}"
        body = {"oil_bbl": 120.0 - 3 * day, "gas_mcf": 40, "hours_on": 24}
        _ok(seeded.client.put(url, json=body, headers=admin))
    seeded.ids["production_date"] = PRODUCTION_DAY.isoformat()
    seeded.ids["gauge_date"] = PRODUCTION_DAY.isoformat()  # compliance gauges
    seeded.ids["period"] = f"{PRODUCTION_DAY:%Y-%m}"  # compliance month-end
    at = datetime(2024, 3, 2, 12, tzinfo=UTC)
    results = []
    for device, passed, who in (("dev-a", True, "FIELD_OPERATOR"),
                                ("dev-b", False, SECOND_OPERATOR)):  # fmt: skip
        headers = seeded.headers[who]
        event = {
            "id": str(uuid.uuid4()),
            "device_seq": 0,
            "type": "EQUIPMENT_INSPECTED",
            "well_id": well,
            "equipment_id": seeded.ids["equipment"],
            "occurred_at": (at + timedelta(hours=len(results))).isoformat(),
            "payload": {"checklist": [{"item": "belts", "ok": passed}], "passed": passed},
        }
        dev = {"id": device, "platform": "android", "app_version": "1.0.0"}
        body = {"device": dev, "events": [event]}
        results.append(_ok(seeded.client.post("/api/v1/sync", json=body, headers=headers), 200))
    conflict_id = results[1]["results"][0]["conflict_id"]
    assert conflict_id, results
    seeded.ids["conflict_id"] = conflict_id
    seeded.ids["conflict_event"] = event["id"]


def _seed_import(seeded: Seeded) -> None:
    response = seeded.client.post(
        "/api/v1/imports?kind=production&filename=march.csv",
        content=IMPORT_CSV,
        headers={**seeded.headers["ADMIN"], "Content-Type": "text/csv"},
    )
    seeded.ids["import_id"] = _ok(response)["import"]["id"]
