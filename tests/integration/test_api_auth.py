"""Log in, tokens, refresh rotation with reuse detection, logout, deactivated users."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.bootstrap import jwt_signing_key
from shared.core.common.roles import Role
from shared.core.ports.security import AccessClaims
from tests.integration import api_support
from tests.integration.api_support import invite

mod_acme = api_support.mod_acme
mod_client = api_support.mod_client
mod_permian = api_support.mod_permian
mod_platform = api_support.mod_platform

PROBLEM = "application/problem+json"
_addresses = itertools.count(1)


def _fresh_address() -> str:
    """Failed logins count per address too; each test fails from its own address."""
    n = next(_addresses)
    return f"198.18.{n // 250}.{n % 250 + 1}"


def _login(session, email: str, password: str, address: str | None = None):
    headers = {"X-WellOS-Tenant": session.slug}
    if address:
        headers["X-Forwarded-For"] = address
    return session.client.post(
        "/api/v1/auth/login", json={"email": email, "password": password}, headers=headers
    )


def _me(session, token: str, slug: str | None = None):
    return session.client.get(
        "/api/v1/me",
        headers={"X-WellOS-Tenant": slug or session.slug, "Authorization": f"Bearer {token}"},
    )


def _refresh(session, token: str):
    return session.client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": token},
        headers={"X-WellOS-Tenant": session.slug},
    )


def _codec(platform) -> JwtAccessTokenCodec:
    return JwtAccessTokenCodec(jwt_signing_key(platform.settings, platform.secrets))


def _admin_claims(session, platform, expires_at: datetime) -> AccessClaims:
    me = _me(session, session.access_token).json()
    return AccessClaims(
        subject=me["id"],
        tenant_id=session.created.tenant.id,
        tenant_slug=session.slug,
        role=Role.ADMIN,
        email=me["email"],
        expires_at=expires_at,
    )


def test_login_returns_tokens_that_open_me(mod_acme):
    # GIVEN acme's admin and the one-time password
    # WHEN they log in
    response = _login(mod_acme, mod_acme.created.admin_email, mod_acme.created.admin_password)
    # THEN they get a bearer pair and /me answers with their role and permissions
    assert response.status_code == 200
    tokens = response.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 3600
    me = _me(mod_acme, tokens["access_token"])
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == mod_acme.created.admin_email
    assert body["role"] == "ADMIN"
    assert body["tenant"] == "acme"
    assert "users:delete" in body["permissions"]
    assert body["last_login_at"] is not None
    assert "password_hash" not in body


def test_login_is_case_insensitive_on_the_email(mod_acme):
    email = mod_acme.created.admin_email.upper()
    assert _login(mod_acme, email, mod_acme.created.admin_password).status_code == 200


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(mod_acme):
    address = _fresh_address()
    wrong = _login(mod_acme, mod_acme.created.admin_email, "not-the-password", address)
    unknown = _login(mod_acme, "nobody@acme.test", mod_acme.created.admin_password, address)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"] == "Bearer"
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert "access_token" not in wrong.text


def test_an_acme_token_is_refused_on_permian_with_403(mod_acme, mod_permian):
    # GIVEN acme's admin token
    # WHEN it is sent to permian by header or by subdomain
    by_header = _me(mod_acme, mod_acme.access_token, slug="permian")
    by_host = mod_acme.client.get(
        "/api/v1/wells",
        headers={"Host": "permian.localhost", "Authorization": f"Bearer {mod_acme.access_token}"},
    )
    # THEN 403 tenant mismatch, both ways
    for response in (by_header, by_host):
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "tenant_mismatch"


def test_an_acme_token_is_refused_on_permian_even_when_permian_has_that_user(mod_acme, mod_permian):
    # GIVEN permian has a user with the same e-mail as an acme user
    email = f"twin-{uuid.uuid4().hex[:6]}@contractor.test"
    acme_user = invite(mod_acme, "MANAGER", email=email)
    invite(mod_permian, "ADMIN", email=email)
    acme_token = acme_user["headers"]["Authorization"]
    # WHEN the acme token is sent to permian
    response = mod_acme.client.get(
        "/api/v1/wells", headers={"X-WellOS-Tenant": "permian", "Authorization": acme_token}
    )
    # THEN it is still refused
    assert response.status_code == 403


def test_a_token_signed_with_another_key_is_401(mod_acme, mod_platform):
    claims = _admin_claims(mod_acme, mod_platform, datetime.now(UTC) + timedelta(hours=1))
    forged = JwtAccessTokenCodec("another-key-" + "x" * 40).encode(claims)
    response = _me(mod_acme, forged)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "unauthenticated"


def test_an_expired_token_is_401(mod_acme, mod_platform):
    # GIVEN a correctly signed token that expired an hour ago
    claims = _admin_claims(mod_acme, mod_platform, datetime.now(UTC) - timedelta(hours=1))
    expired = _codec(mod_platform).encode(claims)
    # WHEN it is used THEN 401, saying it expired
    response = _me(mod_acme, expired)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_valid_token_of_a_user_that_does_not_exist_is_401(mod_acme, mod_platform):
    claims = _admin_claims(mod_acme, mod_platform, datetime.now(UTC) + timedelta(hours=1))
    ghost = AccessClaims(**{**claims.__dict__, "subject": str(uuid.uuid4())})
    assert _me(mod_acme, _codec(mod_platform).encode(ghost)).status_code == 401


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer not-a-jwt",
        "Bearer ",
        "Bearer a.b.c",
        "Basic YWRtaW46cGFzc3dvcmQ=",
        "Token abc",
    ],
)
def test_missing_or_malformed_tokens_are_401_problems(mod_acme, authorization):
    headers = {"X-WellOS-Tenant": "acme"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = mod_acme.client.get("/api/v1/wells", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


def test_refresh_rotates_and_a_reused_token_revokes_the_family(mod_acme):
    # GIVEN a fresh login
    first = _login(mod_acme, mod_acme.created.admin_email, mod_acme.created.admin_password).json()
    # WHEN the refresh token is used
    second = _refresh(mod_acme, first["refresh_token"])
    # THEN a new pair comes back and works
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert _me(mod_acme, rotated["access_token"]).status_code == 200
    # WHEN the old refresh token is replayed
    replay = _refresh(mod_acme, first["refresh_token"])
    # THEN it is refused and the newest refresh token stops working too
    assert replay.status_code == 401
    assert replay.headers["content-type"] == PROBLEM
    assert _refresh(mod_acme, rotated["refresh_token"]).status_code == 401
    # AND other sessions of the same user are untouched
    assert _refresh(mod_acme, mod_acme.refresh_token).status_code == 200


def test_an_unknown_refresh_token_is_401(mod_acme):
    assert _refresh(mod_acme, "x" * 43).status_code == 401


def test_a_refresh_token_of_acme_is_refused_on_permian(mod_acme, mod_permian):
    tokens = _login(mod_acme, mod_acme.created.admin_email, mod_acme.created.admin_password)
    response = mod_acme.client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": tokens.json()["refresh_token"]},
        headers={"X-WellOS-Tenant": "permian"},
    )
    assert response.status_code == 403


def test_logout_revokes_the_refresh_token(mod_acme):
    tokens = _login(mod_acme, mod_acme.created.admin_email, mod_acme.created.admin_password)
    refresh_token = tokens.json()["refresh_token"]
    response = mod_acme.client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": refresh_token},
        headers={"X-WellOS-Tenant": "acme"},
    )
    assert response.status_code == 204
    assert _refresh(mod_acme, refresh_token).status_code == 401


def test_a_deactivated_users_tokens_stop_working(mod_acme):
    # GIVEN a logged-in manager with a refresh token
    email = f"leaver-{uuid.uuid4().hex[:6]}@acme.test"
    user = invite(mod_acme, "MANAGER", email=email)
    tokens = _login(mod_acme, email, user["password"]).json()
    assert _me(mod_acme, tokens["access_token"]).status_code == 200
    # WHEN the admin deactivates them
    response = mod_acme.client.post(
        f"/api/v1/users/{user['id']}/deactivate", headers=mod_acme.headers
    )
    assert response.status_code == 200
    # THEN their access token, refresh token and password are all refused with 401
    assert _me(mod_acme, tokens["access_token"]).status_code == 401
    assert _refresh(mod_acme, tokens["refresh_token"]).status_code == 401
    login = _login(mod_acme, email, user["password"], _fresh_address())
    assert login.status_code == 401
