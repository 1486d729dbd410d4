"""Every operation of /openapi.json, who may call it, and a request that reaches its rules.

`RULES` is the explicit table: a route added to the API without a row here fails
tests/security/test_roles.py, so its permissions get decided, not inherited by accident.
Bodies are valid, so a refusal comes from the permission check and not from validation.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.security.seed import PRODUCTION_DAY, ROLES, Seeded, incident_body

ALL = frozenset(ROLES)
OFFICE = frozenset({"ADMIN", "MANAGER"})
ADMIN = frozenset({"ADMIN"})
WRITERS = frozenset({"ADMIN", "MANAGER", "FIELD_OPERATOR"})
FIELD = frozenset({"FIELD_OPERATOR"})
PUBLIC = frozenset({"public"})  # no bearer token needed (login, refresh, health)
GATEWAY = frozenset({"gateway"})  # the gateway's own credential, never a user's token

Body = Callable[[Seeded], Any]
Fresh = Callable[[Seeded], dict[str, str]]


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    body: Body | None = None
    fresh: Fresh | None = None
    """Path values of a disposable target, for calls that consume or delete it."""
    csv: bytes | None = None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation the OpenAPI document lists, in its order."""
    return [
        Operation(method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "put", "post", "patch", "delete")
    ]


_ITEM = {"fields": "field", "leases": "lease", "facilities": "facility", "equipment": "equipment"}


def url_for(operation: Operation, seeded: Seeded, overrides: dict[str, str] | None = None) -> str:
    """The operation's path with the seeded tenant's ids (a fresh UUID where none is seeded)."""
    values = {**seeded.ids, **(overrides or {})}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "item_id" and name not in values:
            name = _ITEM[operation.path.split("/")[3]]
        return values.get(name, str(uuid.uuid4()))

    return re.sub(r"\{(\w+)\}", value, operation.path)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _new_user(seeded: Seeded) -> dict[str, str]:
    body = {"email": f"{unique('u')}@{seeded.slug}.test", "full_name": "Temp", "role": "VIEWER"}
    response = seeded.client.post("/api/v1/users", json=body, headers=seeded.headers["ADMIN"])
    assert response.status_code == 201, response.text
    return {"user_id": response.json()["id"]}


def _new_invited(seeded: Seeded) -> dict[str, str]:
    body = {"email": f"{unique('i')}@{seeded.slug}.test", "full_name": "Temp", "role": "VIEWER"}
    response = seeded.client.post("/api/v1/invitations", json=body, headers=seeded.headers["ADMIN"])
    assert response.status_code == 201, response.text
    return {"user_id": response.json()["id"]}


def _deactivated_user(seeded: Seeded) -> dict[str, str]:
    target = _new_user(seeded)
    response = seeded.client.post(
        f"/api/v1/users/{target['user_id']}/deactivate", headers=seeded.headers["ADMIN"]
    )
    assert response.status_code == 200, response.text
    return target


def _new_api_key(seeded: Seeded) -> dict[str, str]:
    body = {"name": unique("Temp key"), "role": "VIEWER"}
    response = seeded.client.post("/api/v1/api-keys", json=body, headers=seeded.headers["ADMIN"])
    assert response.status_code == 201, response.text
    return {"key_id": response.json()["id"]}


def _new_well(seeded: Seeded) -> dict[str, str]:
    body = {"name": unique("Temp well"), "well_type": "OIL"}
    response = seeded.client.post("/api/v1/wells", json=body, headers=seeded.headers["ADMIN"])
    assert response.status_code == 201, response.text
    return {"well_id": response.json()["id"], "user_id": seeded.user_ids["FIELD_OPERATOR"]}


def _new_gateway(seeded: Seeded) -> dict[str, str]:
    body = {"name": unique("Temp gateway")}
    response = seeded.client.post("/api/v1/gateways", json=body, headers=seeded.headers["ADMIN"])
    assert response.status_code == 201, response.text
    return {"gateway_id": response.json()["id"]}


def _new_connection(seeded: Seeded) -> dict[str, str]:
    response = seeded.client.post(
        "/api/v1/scada/connections",
        json=_connection(seeded),
        headers=seeded.headers["ADMIN"],
    )
    assert response.status_code == 201, response.text
    return {"connection_id": response.json()["id"]}


def _new_tag(seeded: Seeded) -> dict[str, str]:
    url = f"/api/v1/scada/connections/{seeded.ids['connection_id']}/tags"
    response = seeded.client.post(url, json=_tag(seeded), headers=seeded.headers["ADMIN"])
    assert response.status_code == 201, response.text
    return {"tag_id": str(response.json()["tag_id"])}


def _alarm_rule_fields(seeded: Seeded) -> dict[str, Any]:
    return {"kind": "limit", "high": 900, "tag_id": int(seeded.ids["tag_id"])}


def _alarm_rule(seeded: Seeded) -> dict[str, Any]:
    return {"rule_id": unique("rule"), **_alarm_rule_fields(seeded)}


_WELL_TEST = {
    "start": "2026-11-01T00:00:00Z",
    "end": "2026-11-02T00:00:00Z",
    "oil_bbl_per_day": "42.5",
    "gas_mcf_per_day": "120",
    "water_bbl_per_day": "310",
}


def _afe(seeded: Seeded) -> dict[str, Any]:
    return {
        "number": unique("AFE"),
        "title": "Workover",
        "well_id": seeded.ids["well_id"],
        "estimate": [{"category": "workover", "amount": "50000"}],
    }


def _new_afe(seeded: Seeded) -> dict[str, str]:
    """A draft AFE: a decision on it is out of turn (409) for every office role, where the
    seeded one, once submitted, waits for the manager and refuses the admin (403)."""
    response = seeded.client.post(
        "/api/v1/afes", json=_afe(seeded), headers=seeded.headers["ADMIN"]
    )
    assert response.status_code == 201, response.text
    return {"afe_id": response.json()["id"]}


def _work_order(seeded: Seeded) -> dict[str, Any]:
    return {"well_id": seeded.ids["well_id"], "title": "Replace rod string"}


def _connection(seeded: Seeded) -> dict[str, Any]:
    return {
        "gateway_id": seeded.ids["gateway_id"],
        "name": unique("RTU"),
        "endpoint_url": "opc.tcp://10.1.2.3:4840",
    }


def _tag(seeded: Seeded) -> dict[str, Any]:
    name = f"t{uuid.uuid4().hex[:8]}"
    return {"node_id": f"ns=2;s={name}", "well_id": seeded.ids["well_id"], "tag_name": name}


def _sync(seeded: Seeded) -> dict[str, Any]:
    event = {
        "id": str(uuid.uuid4()),
        "device_seq": 1,
        "type": "NOTE_ADDED",
        "well_id": seeded.ids["well_id"],
        "occurred_at": "2024-03-03T10:00:00+00:00",
        "payload": {"text": "gauge checked"},
    }
    return {
        "device": {"id": "dev-r", "platform": "android", "app_version": "1.0"},
        "events": [event],
    }


def _lease(seeded: Seeded) -> dict[str, Any]:
    return {"lease_number": unique("L"), "name": "Lease", "royalty_rate": 0.125}


def _etl_config(seeded: Seeded) -> dict[str, Any]:
    """No URL: ETL connections are tests/security/test_etl_*'s and the ETL tests' business."""
    wells = {"source_table": "wells", "key_columns": ["id"], "column_mapping": {"name": "name"}}
    return {"source_kind": "mysql", "entities": {"wells": wells}}


def _tank(seeded: Seeded) -> dict[str, Any]:
    strapping = [{"height_inches": 0, "volume_bbl": 0}, {"height_inches": 240, "volume_bbl": 400}]
    return {"lease_id": seeded.ids["lease"], "name": unique("Tank"), "strapping": strapping}


def _run_ticket(seeded: Seeded) -> dict[str, Any]:
    return {
        "ticket_number": unique("RT"), "tank_id": str(uuid.uuid4()), "ticket_date": "2024-03-05",
        "purchaser": "Plains", "opening_gauge": "10' 0\"", "closing_gauge": "2' 0\"",
        "observed_gravity": 40.0, "observed_temperature_f": 60.0,
    }  # fmt: skip


def _disposition(seeded: Seeded) -> dict[str, Any]:
    return {"lease_id": seeded.ids["lease"], "period": "2024-03", "product": "gas",
            "kind": "used_on_lease", "volume": 12}  # fmt: skip


COMPLIANCE = "/api/v1/compliance"

RULES: dict[str, Rule] = {
    "GET /api/v1/health": Rule(PUBLIC),
    "POST /api/v1/auth/login": Rule(PUBLIC, lambda s: {"email": "x@y.test", "password": "wrong"}),
    "POST /api/v1/auth/refresh": Rule(PUBLIC, lambda s: {"refresh_token": "not-a-token"}),
    "POST /api/v1/auth/logout": Rule(PUBLIC, lambda s: {"refresh_token": "not-a-token"}),
    "GET /api/v1/me": Rule(ALL),
    "GET /api/v1/me/notification-preferences": Rule(ALL),
    "PUT /api/v1/me/notification-preferences": Rule(ALL, lambda s: {"channels": ["email"]}),
    "GET /api/v1/notification-settings": Rule(OFFICE),
    "PUT /api/v1/notification-settings": Rule(ADMIN, lambda s: {"escalation_delay_minutes": 30}),
    "GET /api/v1/users": Rule(OFFICE),
    "POST /api/v1/users": Rule(
        ADMIN,
        lambda s: {"email": f"{unique('n')}@{s.slug}.test", "full_name": "New", "role": "VIEWER"},
    ),
    "GET /api/v1/users/{user_id}": Rule(OFFICE),
    "PATCH /api/v1/users/{user_id}": Rule(ADMIN, lambda s: {"role": "VIEWER"}, _new_user),
    "POST /api/v1/users/{user_id}/deactivate": Rule(ADMIN, fresh=_new_user),
    "POST /api/v1/users/{user_id}/reactivate": Rule(ADMIN, fresh=_deactivated_user),
    "POST /api/v1/invitations": Rule(
        ADMIN,
        lambda s: {"email": f"{unique('n')}@{s.slug}.test", "full_name": "New", "role": "VIEWER"},
    ),
    "POST /api/v1/users/{user_id}/invitation": Rule(ADMIN, fresh=_new_invited),
    "DELETE /api/v1/users/{user_id}/invitation": Rule(ADMIN, fresh=_new_invited),
    "POST /api/v1/auth/password": Rule(
        ALL, lambda s: {"current_password": "not-the-password", "new_password": "Long-Enough-1"}
    ),
    "POST /api/v1/auth/password/forgot": Rule(PUBLIC, lambda s: {"email": "x@y.test"}),
    "POST /api/v1/auth/password/reset": Rule(
        PUBLIC, lambda s: {"token": "not-a-valid-link-token", "new_password": "Long-Enough-1"}
    ),
    "GET /api/v1/audit": Rule(OFFICE),
    "GET /api/v1/audit/export.csv": Rule(OFFICE),
    "GET /api/v1/auth/mfa": Rule(ALL),
    "POST /api/v1/auth/mfa/totp": Rule(ALL),
    "POST /api/v1/auth/mfa/totp/confirm": Rule(ALL, lambda s: {"code": "000000"}),
    "POST /api/v1/auth/mfa/totp/disable": Rule(ALL, lambda s: {"code": "000000"}),
    "PUT /api/v1/auth/mfa/policy": Rule(ADMIN, lambda s: {"mfa_required": "none"}),
    "DELETE /api/v1/users/{user_id}/mfa": Rule(ADMIN, fresh=_new_user),
    "GET /api/v1/api-keys": Rule(ADMIN),
    "POST /api/v1/api-keys": Rule(ADMIN, lambda s: {"name": unique("Key"), "role": "VIEWER"}),
    "DELETE /api/v1/api-keys/{key_id}": Rule(ADMIN, fresh=_new_api_key),
    "GET /api/v1/auth/sessions": Rule(ALL),
    "DELETE /api/v1/auth/sessions": Rule(ALL),
    "DELETE /api/v1/auth/sessions/{session_id}": Rule(ALL),
    "DELETE /api/v1/users/{user_id}/sessions": Rule(ADMIN, fresh=_new_user),
    "POST /api/v1/auth/magic-link": Rule(PUBLIC, lambda s: {"email": "x@y.test"}),
    "POST /api/v1/auth/magic-link/sign-in": Rule(
        PUBLIC, lambda s: {"token": "not-a-valid-link-token"}
    ),
    "GET /api/v1/auth/sso/config": Rule(ADMIN),
    "PUT /api/v1/auth/sso/config": Rule(
        ADMIN,
        lambda s: {
            "discovery_url": "http://idp.example.com",  # refused (https only) before any fetch
            "client_id": "wellos",
            "client_secret": "x",
            "allowed_domains": ["example.com"],
        },
    ),
    "DELETE /api/v1/auth/sso/config": Rule(ADMIN),
    "GET /api/v1/auth/options": Rule(PUBLIC),
    "GET /api/v1/auth/sso/start": Rule(PUBLIC),
    "GET /api/v1/auth/sso/callback": Rule(PUBLIC),
    "POST /api/v1/auth/invitation/accept": Rule(
        PUBLIC, lambda s: {"token": "not-a-valid-link-token", "password": "Long-Enough-1"}
    ),
    "GET /api/v1/wells": Rule(ALL),
    "POST /api/v1/wells": Rule(OFFICE, lambda s: {"name": unique("Well"), "well_type": "OIL"}),
    "GET /api/v1/wells/{well_id}": Rule(ALL),
    "GET /api/v1/wells/{well_id}/timeline": Rule(ALL),
    "GET /api/v1/wells/{well_id}/outlook": Rule(ALL),
    "GET /api/v1/wells/{well_id}/assignments": Rule(ALL),
    "PATCH /api/v1/wells/{well_id}": Rule(WRITERS, lambda s: {"well_number": "7"}),
    "DELETE /api/v1/wells/{well_id}": Rule(ADMIN, fresh=_new_well),
    "PUT /api/v1/wells/{well_id}/assignments/{user_id}": Rule(OFFICE, fresh=_new_well),
    "DELETE /api/v1/wells/{well_id}/assignments/{user_id}": Rule(OFFICE, fresh=_new_well),
    "GET /api/v1/fields": Rule(ALL),
    "POST /api/v1/fields": Rule(OFFICE, lambda s: {"name": unique("Field")}),
    "GET /api/v1/fields/{item_id}": Rule(ALL),
    "PATCH /api/v1/fields/{item_id}": Rule(OFFICE, lambda s: {"basin": "Permian"}),
    "GET /api/v1/leases": Rule(ALL),
    "POST /api/v1/leases": Rule(OFFICE, _lease),
    "GET /api/v1/leases/{item_id}": Rule(ALL),
    "PATCH /api/v1/leases/{item_id}": Rule(OFFICE, lambda s: {"lessor": "Smith"}),
    "GET /api/v1/facilities": Rule(ALL),
    "POST /api/v1/facilities": Rule(
        OFFICE, lambda s: {"name": unique("Battery"), "facility_type": "SEPARATOR"}
    ),
    "GET /api/v1/facilities/{item_id}": Rule(ALL),
    "PATCH /api/v1/facilities/{item_id}": Rule(OFFICE, lambda s: {"latitude": 31.9}),
    "GET /api/v1/equipment": Rule(ALL),
    "POST /api/v1/equipment": Rule(
        OFFICE, lambda s: {"tag": unique("PUMP"), "equipment_type": "ROD_PUMP"}
    ),
    "GET /api/v1/equipment/{item_id}": Rule(ALL),
    "PATCH /api/v1/equipment/{item_id}": Rule(OFFICE, lambda s: {"manufacturer": "Lufkin"}),
    "GET /api/v1/wells/{well_id}/production/{production_date}": Rule(ALL),
    "PUT /api/v1/wells/{well_id}/production/{production_date}": Rule(
        WRITERS, lambda s: {"oil_bbl": 12.5}
    ),
    "GET /api/v1/wells/{well_id}/production": Rule(ALL),
    "POST /api/v1/production:batch": Rule(
        WRITERS,
        lambda s: {
            "rows": [
                {
                    "well_id": s.ids["well_id"],
                    "production_date": PRODUCTION_DAY.isoformat(),
                    "oil_bbl": 12.5,
                }
            ]
        },
    ),
    "GET /api/v1/wells/{well_id}/forecast": Rule(ALL),
    "GET /api/v1/wells/{well_id}/forecast.png": Rule(ALL),
    "POST /api/v1/sync": Rule(FIELD, _sync),
    "GET /api/v1/sync/changes": Rule(ALL),
    "GET /api/v1/conflicts": Rule(OFFICE),
    "GET /api/v1/conflicts/{conflict_id}": Rule(OFFICE),
    "POST /api/v1/conflicts/{conflict_id}/resolve": Rule(
        OFFICE, lambda s: {"choose": s.ids["conflict_event"], "reason": "belts checked"}
    ),
    "GET /api/v1/gateways": Rule(OFFICE),
    "POST /api/v1/gateways": Rule(ADMIN, lambda s: {"name": unique("Gateway")}),
    "GET /api/v1/gateways/{gateway_id}": Rule(OFFICE),
    "DELETE /api/v1/gateways/{gateway_id}": Rule(ADMIN, fresh=_new_gateway),
    "GET /api/v1/gateways/{gateway_id}/config": Rule(GATEWAY),
    "GET /api/v1/scada/connections": Rule(OFFICE),
    "POST /api/v1/scada/connections": Rule(ADMIN, _connection),
    "GET /api/v1/scada/connections/{connection_id}": Rule(OFFICE),
    "PATCH /api/v1/scada/connections/{connection_id}": Rule(ADMIN, lambda s: {"name": unique("R")}),
    "DELETE /api/v1/scada/connections/{connection_id}": Rule(ADMIN, fresh=_new_connection),
    "GET /api/v1/scada/connections/{connection_id}/tags": Rule(OFFICE),
    "POST /api/v1/scada/connections/{connection_id}/tags": Rule(ADMIN, _tag),
    "GET /api/v1/scada/connections/{connection_id}/tags/{tag_id}": Rule(OFFICE),
    "PATCH /api/v1/scada/connections/{connection_id}/tags/{tag_id}": Rule(
        ADMIN, lambda s: {"unit": "psi"}
    ),
    "DELETE /api/v1/scada/connections/{connection_id}/tags/{tag_id}": Rule(ADMIN, fresh=_new_tag),
    "GET /api/v1/wells/{well_id}/readings": Rule(ALL),
    "GET /api/v1/wells/{well_id}/readings/latest": Rule(ALL),
    "GET /api/v1/alerts": Rule(ALL),
    "POST /api/v1/alerts/{alert_id}/acknowledge": Rule(WRITERS),
    "POST /api/v1/alerts/{alert_id}/resolve": Rule(WRITERS, lambda s: {"note": "fixed"}),
    "GET /api/v1/analytics/wells": Rule(ALL),
    "GET /api/v1/alarm-rules": Rule(ALL),
    "POST /api/v1/alarm-rules": Rule(OFFICE, _alarm_rule),
    "GET /api/v1/alarm-rules/{rule_id}": Rule(ALL),
    "PUT /api/v1/alarm-rules/{rule_id}": Rule(OFFICE, _alarm_rule_fields),
    "DELETE /api/v1/alarm-rules/{rule_id}": Rule(OFFICE),
    "GET /api/v1/afes": Rule(OFFICE),
    "POST /api/v1/afes": Rule(OFFICE, _afe),
    "GET /api/v1/afes/{afe_id}": Rule(OFFICE),
    "POST /api/v1/afes/{afe_id}/submit": Rule(OFFICE),
    "POST /api/v1/afes/{afe_id}/decision": Rule(
        OFFICE, lambda s: {"approve": True}, fresh=_new_afe
    ),
    "POST /api/v1/afes/{afe_id}/revise": Rule(OFFICE, lambda s: {}),
    "POST /api/v1/afes/{afe_id}/actuals": Rule(
        OFFICE, lambda s: {"category": "workover", "amount": "100.00"}
    ),
    "POST /api/v1/afes/{afe_id}/elections": Rule(
        OFFICE, lambda s: {"partner_id": "p1", "election": "consent"}
    ),
    "POST /api/v1/afes/{afe_id}/close": Rule(OFFICE),
    "GET /api/v1/permits": Rule(ALL),
    "POST /api/v1/permits": Rule(
        OFFICE,
        lambda s: {"permit_type": "disposal", "agency": "Texas RRC", "well_id": s.ids["well_id"]},
    ),
    "GET /api/v1/permits/reminders": Rule(ALL),
    "GET /api/v1/permits/{permit_id}": Rule(ALL),
    "POST /api/v1/permits/{permit_id}/status": Rule(OFFICE, lambda s: {"status": "submitted"}),
    "POST /api/v1/permits/{permit_id}/approve": Rule(
        OFFICE, lambda s: {"number": "W-14-123", "issued_on": "2026-01-05"}
    ),
    "POST /api/v1/permits/{permit_id}/conditions-met": Rule(OFFICE, lambda s: {"index": 0}),
    "POST /api/v1/wells/{well_id}/well-tests": Rule(WRITERS, lambda s: _WELL_TEST),
    "GET /api/v1/wells/{well_id}/well-tests": Rule(ALL),
    "POST /api/v1/leases/{lease_id}/allocation": Rule(
        OFFICE, lambda s: {"metered": {"oil_bbl_per_day": "100"}, "hours": {}}
    ),
    "GET /api/v1/incidents": Rule(ALL),
    "POST /api/v1/incidents": Rule(WRITERS, incident_body),
    "GET /api/v1/incidents/{incident_id}": Rule(ALL),
    "POST /api/v1/incidents/{incident_id}/corrective-actions": Rule(
        OFFICE,
        lambda s: {"description": "Replace flowline", "owner": "Ops", "due_on": "2026-12-31"},
    ),
    "POST /api/v1/incidents/{incident_id}/corrective-actions-done": Rule(
        OFFICE, lambda s: {"index": 0, "done_on": "2026-12-20"}
    ),
    "POST /api/v1/incidents/{incident_id}/notifications": Rule(
        OFFICE,
        lambda s: {"rule_id": "tx-rrc-swr20-notice", "at": "2026-12-01T10:00:00Z"},
    ),
    "POST /api/v1/documents": Rule(
        WRITERS,
        lambda s: {
            "owner_kind": "well",
            "owner_id": s.ids["well_id"],
            "filename": "log.pdf",
            "content_type": "application/pdf",
            "size": 1000,
        },
    ),
    "POST /api/v1/documents/{document_id}/complete": Rule(WRITERS),
    "GET /api/v1/documents": Rule(ALL),
    "GET /api/v1/documents/{document_id}": Rule(ALL),
    "GET /api/v1/equipment-metrics": Rule(ALL),
    "GET /api/v1/work-orders": Rule(ALL),
    "POST /api/v1/work-orders": Rule(WRITERS, _work_order),
    "POST /api/v1/work-orders/from-alert": Rule(WRITERS, lambda s: {"alert_id": s.ids["alert_id"]}),
    "GET /api/v1/work-orders/{work_order_id}": Rule(ALL),
    "POST /api/v1/work-orders/{work_order_id}/assign": Rule(
        WRITERS, lambda s: {"assignee": "Acme Well Service"}
    ),
    "POST /api/v1/work-orders/{work_order_id}/status": Rule(
        WRITERS, lambda s: {"status": "in_progress"}
    ),
    "POST /api/v1/work-orders/{work_order_id}/parts": Rule(
        WRITERS, lambda s: {"part_number": "ROD-1", "quantity": "2", "unit_cost": "10.50"}
    ),
    "POST /api/v1/work-orders/{work_order_id}/costs": Rule(
        WRITERS, lambda s: {"category": "labour", "amount": "120.00"}
    ),
    "POST /api/v1/work-orders/{work_order_id}/downtime": Rule(
        WRITERS,
        lambda s: {"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T04:00:00Z"},
    ),
    "GET /api/v1/etl/config": Rule(OFFICE),
    "PUT /api/v1/etl/config": Rule(ADMIN, _etl_config),
    "POST /api/v1/etl/test-connection": Rule(ADMIN, lambda s: {}),
    "POST /api/v1/etl/preview": Rule(ADMIN),
    "POST /api/v1/etl/run": Rule(ADMIN),
    "GET /api/v1/etl/runs": Rule(OFFICE),
    "GET /api/v1/etl/quarantine": Rule(OFFICE),
    "POST /api/v1/imports": Rule(
        OFFICE, csv=b"API #,Prod Date,Oil (bbl)\n42-501-20130,03/02/2024,1\n"
    ),
    "POST /api/v1/imports/{import_id}/confirm": Rule(OFFICE, lambda s: {"column_mapping": {}}),
    "GET /api/v1/imports/{import_id}": Rule(OFFICE | {"VIEWER"}),  # field operators: 403
    "POST /api/v1/imports/{import_id}/undo": Rule(OFFICE),
    "GET /api/v1/sync/jobs/{job_id}": Rule(ALL),
    "POST /api/v1/wells/{well_id}/photos": Rule(
        FIELD, lambda s: {"content_type": "image/jpeg", "size": 1000}
    ),
    "GET /api/v1/wells/{well_id}/photos": Rule(ALL),
    f"PUT {COMPLIANCE}/leases/{{lease_id}}/profile": Rule(OFFICE, lambda s: {"state": "TX"}),
    f"GET {COMPLIANCE}/leases/{{lease_id}}/profile": Rule(ALL),
    f"POST {COMPLIANCE}/tanks": Rule(OFFICE, _tank),
    f"GET {COMPLIANCE}/tanks": Rule(ALL),
    f"PUT {COMPLIANCE}/tanks/{{tank_id}}/gauges/{{gauge_date}}": Rule(
        WRITERS, lambda s: {"gauge": "5' 3 1/4\""}
    ),
    f"GET {COMPLIANCE}/tanks/{{tank_id}}/gauges": Rule(ALL),
    f"POST {COMPLIANCE}/leases/{{lease_id}}/gauges:import-sync": Rule(OFFICE),
    f"POST {COMPLIANCE}/run-tickets": Rule(WRITERS, _run_ticket),
    f"GET {COMPLIANCE}/run-tickets": Rule(ALL),
    f"POST {COMPLIANCE}/dispositions": Rule(OFFICE, _disposition),
    f"GET {COMPLIANCE}/dispositions": Rule(ALL),
    f"GET {COMPLIANCE}/month-end": Rule(ALL),
    f"GET {COMPLIANCE}/month-end/export": Rule(OFFICE),  # reports:export
    f"GET {COMPLIANCE}/run-tickets/export": Rule(OFFICE),  # reports:export
    f"GET {COMPLIANCE}/leases/{{lease_id}}/month-end/{{period}}": Rule(ALL),
    f"POST {COMPLIANCE}/form-pr": Rule(
        OFFICE, lambda s: {"operator_number": "123456", "period": "2024-03"}
    ),
    f"GET {COMPLIANCE}/form-pr/{{filing_id}}": Rule(ALL),
    f"POST {COMPLIANCE}/form-pr/{{filing_id}}/validate": Rule(OFFICE),
    f"POST {COMPLIANCE}/form-pr/{{filing_id}}/file": Rule(OFFICE),
    f"POST {COMPLIANCE}/form-pr/{{filing_id}}/amend": Rule(OFFICE),
    f"GET {COMPLIANCE}/form-pr/{{filing_id}}/export": Rule(OFFICE),  # reports:export
    f"GET {COMPLIANCE}/severance": Rule(ALL),
    f"GET {COMPLIANCE}/severance/export": Rule(OFFICE),  # reports:export
    f"POST {COMPLIANCE}/owners": Rule(OFFICE, lambda s: {"name": unique("Owner")}),
    f"GET {COMPLIANCE}/owners": Rule(OFFICE),  # tax ids and addresses
    f"PUT {COMPLIANCE}/leases/{{lease_id}}/interests": Rule(OFFICE, lambda s: {"interests": []}),
    f"GET {COMPLIANCE}/leases/{{lease_id}}/interests": Rule(OFFICE),
    f"GET {COMPLIANCE}/revenue": Rule(OFFICE),
    f"GET {COMPLIANCE}/revenue/export": Rule(OFFICE),
    f"GET {COMPLIANCE}/revenue/owners/{{owner_id}}": Rule(OFFICE),
    f"GET {COMPLIANCE}/revenue/owners/{{owner_id}}/export": Rule(OFFICE),
    f"GET {COMPLIANCE}/calendar": Rule(ALL),
    f"POST {COMPLIANCE}/emissions": Rule(
        OFFICE,
        lambda s: {
            "facility_id": s.ids["facility"],
            "period": "2024-03",
            "source_kind": "combustion",
            "gas_scf": 1000,
        },
    ),
    f"GET {COMPLIANCE}/emissions": Rule(ALL),
    f"GET {COMPLIANCE}/settings": Rule(OFFICE),
    f"PUT {COMPLIANCE}/settings": Rule(ADMIN, lambda s: {"gwp": "table_a1"}),
}

QUERY = {
    "GET /api/v1/equipment-metrics": {
        "start": "2026-01-01T00:00:00Z",
        "end": "2026-12-01T00:00:00Z",
    },
    "GET /api/v1/documents": {
        "owner_kind": "well",
        "owner_id": "00000000-0000-0000-0000-000000000000",
    },
    f"GET {COMPLIANCE}/tanks/{{tank_id}}/gauges": {"start": "2024-03-01", "end": "2024-03-31"},
    f"GET {COMPLIANCE}/run-tickets": {"period": "2024-03"},
    f"POST {COMPLIANCE}/leases/{{lease_id}}/gauges:import-sync": {"period": "2024-03"},
    f"GET {COMPLIANCE}/dispositions": {"period": "2024-03"},
    f"GET {COMPLIANCE}/month-end": {"period": "2024-03"},
    f"GET {COMPLIANCE}/month-end/export": {"period": "2024-03"},
    f"GET {COMPLIANCE}/run-tickets/export": {"period": "2024-03"},
    f"GET {COMPLIANCE}/severance": {"state": "TX", "period": "2024-03"},
    f"GET {COMPLIANCE}/severance/export": {"state": "TX", "period": "2024-03"},
    f"GET {COMPLIANCE}/revenue": {"period": "2024-03"},
    f"GET {COMPLIANCE}/revenue/export": {"period": "2024-03"},
    f"GET {COMPLIANCE}/revenue/owners/{{owner_id}}": {"period": "2024-03"},
    f"GET {COMPLIANCE}/revenue/owners/{{owner_id}}/export": {"period": "2024-03"},
    f"GET {COMPLIANCE}/calendar": {"year": "2026"},
    f"GET {COMPLIANCE}/emissions": {"period": "2024-03"},
    "POST /api/v1/etl/preview": {"entity": "wells"},
    "POST /api/v1/etl/run": {"mode": "queue"},
    "POST /api/v1/imports": {"kind": "production", "filename": "march.csv"},
}


def call(
    seeded: Seeded,
    operation: Operation,
    headers: dict[str, str],
    overrides: dict[str, str] | None = None,
) -> Any:
    """One request of `operation` on `seeded`'s ids with `headers`, as the table says."""
    rule = RULES[operation.key]
    url = url_for(operation, seeded, overrides)
    params = QUERY.get(operation.key)
    if rule.csv is not None:
        csv_headers = {**headers, "Content-Type": "text/csv"}
        return seeded.client.request(
            operation.method, url, params=params, content=rule.csv, headers=csv_headers
        )
    body = rule.body(seeded) if rule.body else None
    return seeded.client.request(operation.method, url, params=params, json=body, headers=headers)
