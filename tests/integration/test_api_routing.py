"""Tenant routing: subdomain or header picks the tenant; reserved, unknown, suspended refused."""

from __future__ import annotations

from tests.integration import api_support
from tests.integration.conftest import open_tenant

mod_acme = api_support.mod_acme
mod_client = api_support.mod_client
mod_platform = api_support.mod_platform

PROBLEM = "application/problem+json"


def _bearer(session) -> dict[str, str]:
    return {"Authorization": f"Bearer {session.access_token}"}


def test_the_subdomain_picks_the_tenant(mod_acme):
    # GIVEN acme's admin token and base_domain "localhost"
    # WHEN /me is called on acme.localhost, with and without a port
    for host in ("acme.localhost", "acme.localhost:7071", "ACME.localhost"):
        response = mod_acme.client.get("/api/v1/me", headers={"Host": host, **_bearer(mod_acme)})
        # THEN it answers as acme
        assert response.status_code == 200, (host, response.text)
        assert response.json()["tenant"] == "acme"


def test_the_header_picks_the_tenant(mod_acme):
    response = mod_acme.client.get("/api/v1/me", headers=mod_acme.headers)
    assert response.status_code == 200
    assert response.json()["tenant"] == "acme"
    assert response.json()["email"] == mod_acme.created.admin_email


def test_subdomain_and_header_may_agree_but_not_disagree(mod_acme):
    agree = mod_acme.client.get(
        "/api/v1/me", headers={"Host": "acme.localhost", **mod_acme.headers}
    )
    assert agree.status_code == 200
    disagree = mod_acme.client.get(
        "/api/v1/me",
        headers={"Host": "permian.localhost", **mod_acme.headers},
    )
    assert disagree.status_code == 400
    assert disagree.headers["content-type"] == PROBLEM
    assert disagree.json()["code"] == "tenant_required"


def test_a_reserved_subdomain_is_a_400_problem(mod_acme):
    # GIVEN a request to www.localhost
    response = mod_acme.client.get(
        "/api/v1/me", headers={"Host": "www.localhost", **_bearer(mod_acme)}
    )
    # THEN it is refused as not a tenant
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert "reserved" in response.json()["detail"]
    login = mod_acme.client.post(
        "/api/v1/auth/login",
        json={"email": "a@b.test", "password": "x"},
        headers={"X-WellOS-Tenant": "api"},
    )
    assert login.status_code == 400


def test_a_request_without_a_tenant_is_a_400_problem(mod_acme):
    response = mod_acme.client.get("/api/v1/wells", headers=_bearer(mod_acme))
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert "X-WellOS-Tenant" in response.json()["detail"]


def test_a_nested_subdomain_is_a_400_problem(mod_acme):
    response = mod_acme.client.get(
        "/api/v1/me", headers={"Host": "eu.acme.localhost", **_bearer(mod_acme)}
    )
    assert response.status_code == 400


def test_an_unknown_tenant_is_a_404_problem(mod_acme):
    # GIVEN no tenant "nope" WHEN it is addressed by subdomain or header
    for headers in ({"Host": "nope.localhost"}, {"X-WellOS-Tenant": "nope"}):
        response = mod_acme.client.get("/api/v1/me", headers={**headers, **_bearer(mod_acme)})
        # THEN 404 problem+json naming the tenant
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "unknown_tenant"
        assert "nope" in response.json()["detail"]


def test_health_needs_no_tenant(mod_client):
    response = mod_client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_a_suspended_tenant_gets_403_until_resumed(mod_platform, mod_client):
    # GIVEN a tenant of this test's own with its admin logged in
    tenant = open_tenant(mod_platform, mod_client, "suspendco")
    assert mod_client.get("/api/v1/me", headers=tenant.headers).status_code == 200
    # WHEN ops suspend it
    mod_platform.tenants.suspend("suspendco")
    # THEN every request for it is a 403 problem, logging in too
    me = mod_client.get("/api/v1/me", headers=tenant.headers)
    assert me.status_code == 403
    assert me.headers["content-type"] == PROBLEM
    assert me.json()["code"] == "tenant_suspended"
    login = mod_client.post(
        "/api/v1/auth/login",
        json={"email": tenant.created.admin_email, "password": tenant.created.admin_password},
        headers={"X-WellOS-Tenant": "suspendco"},
    )
    assert login.status_code == 403
    by_host = mod_client.get(
        "/api/v1/wells", headers={"Host": "suspendco.localhost", **_bearer(tenant)}
    )
    assert by_host.status_code == 403
    # WHEN ops resume it
    mod_platform.tenants.resume("suspendco")
    # THEN the same token works again
    assert mod_client.get("/api/v1/wells", headers=tenant.headers).status_code == 200
