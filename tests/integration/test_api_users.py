"""Users of a tenant: admins manage them, managers read, others cannot list."""

from __future__ import annotations

import uuid

import pytest

from tests.integration import api_support
from tests.integration.api_support import invite, master_audit, problem_field, unique

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian


def _email(slug: str = "acme") -> str:
    return f"{unique('user')}@{slug}.test"


def _invite(session, email: str, role: str = "VIEWER", headers=None):
    return session.client.post(
        "/api/v1/users",
        json={"email": email, "full_name": "Pat Pumper", "role": role},
        headers=headers or session.headers,
    )


def test_a_user_replaces_the_admin_set_password_at_the_first_sign_in(mod_acme):
    # GIVEN the admin invites a field operator
    email = _email()
    response = _invite(mod_acme, email, "FIELD_OPERATOR")
    # THEN the answer carries the user and a one-time password, never a hash
    assert response.status_code == 201
    user = response.json()
    assert user["email"] == email
    assert user["role"] == "FIELD_OPERATOR"
    assert user["status"] == "ACTIVE"
    assert len(user["one_time_password"]) >= 12
    assert "password_hash" not in user
    # WHEN the user signs in with it alone THEN they must choose their own first
    signin = {"email": email, "password": user["one_time_password"]}
    tenant = {"X-WellOS-Tenant": "acme"}
    refused = mod_acme.client.post("/api/v1/auth/login", json=signin, headers=tenant)
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    assert "access_token" not in refused.json()
    # WHEN they sign in with a new password THEN /me knows them
    password, headers = mod_acme.first_login(email, user["one_time_password"])
    me = mod_acme.client.get("/api/v1/me", headers=headers).json()
    assert me["id"] == user["id"]
    assert "field-data:write" in me["permissions"]
    assert "users:read" not in me["permissions"]
    # AND the one-time password is spent: only their own opens the account now
    again = mod_acme.client.post("/api/v1/auth/login", json=signin, headers=tenant)
    assert again.status_code == 401
    assert mod_acme.login_headers(email, password)


def test_a_duplicate_email_is_409_even_in_other_case(mod_acme):
    email = _email()
    assert _invite(mod_acme, email).status_code == 201
    for again in (email, email.upper(), f"  {email} "):
        response = _invite(mod_acme, again)
        assert response.status_code == 409, again
        assert response.json()["field"] == "email"


def test_the_same_email_may_be_a_user_of_two_tenants(mod_acme, mod_permian):
    email = _email("contractor")
    assert _invite(mod_acme, email).status_code == 201
    assert _invite(mod_permian, email).status_code == 201


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@@signs.test", "sp ace@x.test"])
def test_an_invalid_email_is_422_naming_email(mod_acme, email):
    response = _invite(mod_acme, email)
    assert response.status_code == 422
    assert problem_field(response) == "email"


def test_an_unknown_role_is_422_naming_role(mod_acme):
    response = _invite(mod_acme, _email(), role="SUPERUSER")
    assert response.status_code == 422
    assert problem_field(response) == "role"


def test_managers_list_users_but_cannot_invite(mod_acme):
    manager = invite(mod_acme, "MANAGER")
    listing = mod_acme.client.get("/api/v1/users", headers=manager["headers"])
    assert listing.status_code == 200
    assert manager["email"] in {u["email"] for u in listing.json()["items"]}
    email = _email()
    assert _invite(mod_acme, email, headers=manager["headers"]).status_code == 403
    # AND nothing was created
    emails = {
        u["email"]
        for u in mod_acme.client.get("/api/v1/users?limit=500", headers=mod_acme.headers).json()[
            "items"
        ]
    }
    assert email not in emails


@pytest.mark.parametrize("role", ["VIEWER", "FIELD_OPERATOR"])
def test_viewers_and_field_operators_cannot_list_users(mod_acme, role):
    user = invite(mod_acme, role)
    response = mod_acme.client.get("/api/v1/users", headers=user["headers"])
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    other = mod_acme.client.get(f"/api/v1/users/{_admin_id(mod_acme)}", headers=user["headers"])
    assert other.status_code == 403
    own = mod_acme.client.get(f"/api/v1/users/{user['id']}", headers=user["headers"])
    assert own.status_code == 200


def _admin_id(session) -> str:
    return session.client.get("/api/v1/me", headers=session.headers).json()["id"]


def test_the_user_list_is_paginated_and_belongs_to_the_tenant(mod_acme, mod_permian):
    permian_only = _email("permian")
    assert _invite(mod_permian, permian_only).status_code == 201
    first = mod_acme.client.get("/api/v1/users?limit=1", headers=mod_acme.headers).json()
    assert len(first["items"]) == 1
    assert first["total"] >= 1
    everyone = mod_acme.client.get("/api/v1/users?limit=500", headers=mod_acme.headers).json()
    assert permian_only not in {u["email"] for u in everyone["items"]}
    assert everyone["total"] == len(everyone["items"])


def test_changing_a_role_changes_what_the_users_token_may_do(mod_acme):
    # GIVEN a logged-in manager who may create fields
    manager = invite(mod_acme, "MANAGER")
    body = {"name": unique("Field")}
    assert (
        mod_acme.client.post("/api/v1/fields", json=body, headers=manager["headers"]).status_code
        == 201
    )
    # WHEN the admin makes them a viewer
    response = mod_acme.client.patch(
        f"/api/v1/users/{manager['id']}", json={"role": "VIEWER"}, headers=mod_acme.headers
    )
    assert response.status_code == 200
    assert response.json()["role"] == "VIEWER"
    # THEN the same token can no longer write
    body = {"name": unique("Field")}
    denied = mod_acme.client.post("/api/v1/fields", json=body, headers=manager["headers"])
    assert denied.status_code == 403
    assert mod_acme.client.get("/api/v1/me", headers=manager["headers"]).json()["role"] == "VIEWER"


def test_an_admin_cannot_demote_or_deactivate_themselves(mod_acme):
    admin_id = _admin_id(mod_acme)
    demote = mod_acme.client.patch(
        f"/api/v1/users/{admin_id}", json={"role": "MANAGER"}, headers=mod_acme.headers
    )
    assert demote.status_code == 409
    deactivate = mod_acme.client.post(
        f"/api/v1/users/{admin_id}/deactivate", headers=mod_acme.headers
    )
    assert deactivate.status_code == 409
    assert deactivate.headers["content-type"] == "application/problem+json"
    me = mod_acme.client.get("/api/v1/me", headers=mod_acme.headers).json()
    assert me["role"] == "ADMIN" and me["status"] == "ACTIVE"


def test_deactivating_a_user_marks_them_and_only_admins_may(mod_acme):
    target = invite(mod_acme, "VIEWER")
    manager = invite(mod_acme, "MANAGER")
    url = f"/api/v1/users/{target['id']}/deactivate"
    assert mod_acme.client.post(url, headers=manager["headers"]).status_code == 403
    response = mod_acme.client.post(url, headers=mod_acme.headers)
    assert response.status_code == 200
    assert response.json()["status"] == "DEACTIVATED"
    got = mod_acme.client.get(f"/api/v1/users/{target['id']}", headers=mod_acme.headers)
    assert got.json()["status"] == "DEACTIVATED"


def test_unknown_users_are_404_and_other_tenants_users_too(mod_acme, mod_permian):
    permian_user = invite(mod_permian, "VIEWER")
    for user_id in (str(uuid.uuid4()), permian_user["id"]):
        assert (
            mod_acme.client.get(f"/api/v1/users/{user_id}", headers=mod_acme.headers).status_code
            == 404
        )
        patch = mod_acme.client.patch(
            f"/api/v1/users/{user_id}", json={"role": "ADMIN"}, headers=mod_acme.headers
        )
        assert patch.status_code == 404
    # AND the permian user was not promoted
    me = mod_permian.client.get("/api/v1/me", headers=permian_user["headers"]).json()
    assert me["role"] == "VIEWER"


def test_user_changes_are_in_the_master_audit_log(mod_acme, mod_platform):
    # GIVEN a user invited, promoted and deactivated with request ids
    email = _email()
    created = _invite(mod_acme, email, headers={**mod_acme.headers, "X-Request-ID": "inv-1"})
    user_id = created.json()["id"]
    mod_acme.client.patch(
        f"/api/v1/users/{user_id}",
        json={"role": "MANAGER"},
        headers={**mod_acme.headers, "X-Request-ID": "role-1"},
    )
    mod_acme.client.post(
        f"/api/v1/users/{user_id}/deactivate",
        headers={**mod_acme.headers, "X-Request-ID": "deact-1"},
    )
    # WHEN the master audit events of that user are read
    events = master_audit(mod_platform, user_id)
    # THEN each change is there with the admin, before/after and the request id
    assert [e["action"] for e in events] == [
        "user.created",
        "user.role_changed",
        "user.deactivated",
    ]
    assert {e["actor"] for e in events} == {mod_acme.created.admin_email}
    assert [e["request_id"] for e in events] == ["inv-1", "role-1", "deact-1"]
    assert events[0]["after"]["email"] == email
    assert "password_hash" not in events[0]["after"]
    assert events[1]["before"] == {"role": "VIEWER"} and events[1]["after"] == {"role": "MANAGER"}
    assert events[2]["after"] == {"status": "DEACTIVATED"}
    assert {e["tenant_id"] for e in events} == {mod_acme.created.tenant.id}
