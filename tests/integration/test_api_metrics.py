"""Every API request is counted by route template and tenant, with its latency and error class.

What an operator charts: `api.requests` / `api.latency` / `api.errors.client` /
`api.errors.server` with the dimensions `route` ("METHOD /template", never a raw path
with ids) and `tenant` (the resolved tenant's slug, `-` when none).
"""

from __future__ import annotations

import uuid

from fastapi import HTTPException

from functions.api.dependencies import TenantDep
from shared.adapters.metrics.local import LocalMetrics, Measurement


def recorded(platform, name: str, route: str) -> list[Measurement]:
    metrics = platform.telemetry.metrics
    assert isinstance(metrics, LocalMetrics)
    return [m for m in metrics.named(name) if m.dimensions["route"] == route]


def test_a_request_is_one_request_metric_with_its_route_template_and_tenant(platform, acme):
    well_id = str(uuid.uuid4())
    route = "GET /api/v1/wells/{well_id}"
    # WHEN acme's admin asks for a well that does not exist
    response = acme.client.get(f"/api/v1/wells/{well_id}", headers=acme.headers)
    assert response.status_code == 404
    # THEN one request of the route template (not the path with the id), for acme
    [request] = recorded(platform, "api.requests", route)
    assert request.dimensions == {"route": route, "tenant": "acme"}
    assert (request.value, request.unit.value) == (1.0, "Count")
    [latency] = recorded(platform, "api.latency", route)
    assert latency.unit.value == "Milliseconds"
    # AND one client error, no server error
    assert len(recorded(platform, "api.errors.client", route)) == 1
    assert recorded(platform, "api.errors.server", route) == []
    assert not [m for m in platform.telemetry.metrics.measurements if well_id in str(m)]


def test_a_500_is_a_server_error_metric_of_its_route_and_tenant(platform, acme):
    app = acme.client.app

    @app.get("/api/v1/test/metrics-boom")
    async def boom(tenant: TenantDep) -> None:
        raise RuntimeError("nobody handled this")

    # WHEN a route of acme fails in a way nobody handled
    response = acme.client.get("/api/v1/test/metrics-boom", headers=acme.headers)
    assert response.status_code == 500
    # THEN the request and one server error are counted for that route and acme
    route = "GET /api/v1/test/metrics-boom"
    [error] = recorded(platform, "api.errors.server", route)
    assert error.dimensions == {"route": route, "tenant": "acme"}
    assert len(recorded(platform, "api.requests", route)) == 1
    assert recorded(platform, "api.errors.client", route) == []


def test_unknown_paths_and_tenants_do_not_become_dimension_values(platform, client):
    # WHEN a scanner asks for a tenant that does not exist, then probes a random path
    response = client.get("/api/v1/me", headers={"X-WellOS-Tenant": "nosuchtenant"})
    assert response.status_code >= 400
    client.get(f"/wp-admin/{uuid.uuid4()}", headers={"X-WellOS-Tenant": "nosuchtenant"})
    # THEN the first is counted without a tenant, the probe as `unmatched`
    [probe] = recorded(platform, "api.requests", "GET unmatched")
    assert probe.dimensions["tenant"] == "-"
    [me] = recorded(platform, "api.requests", "GET /api/v1/me")
    assert me.dimensions["tenant"] == "-"


def test_raising_http_exceptions_are_client_errors(platform, acme):
    app = acme.client.app

    @app.get("/api/v1/test/metrics-teapot")
    async def teapot(tenant: TenantDep) -> None:
        raise HTTPException(status_code=418)

    acme.client.get("/api/v1/test/metrics-teapot", headers=acme.headers)
    route = "GET /api/v1/test/metrics-teapot"
    assert len(recorded(platform, "api.errors.client", route)) == 1
