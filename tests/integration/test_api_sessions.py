"""Sessions: each sign-in is one, listed with its device and last use; ending one stops its
refresh token at once and its access tokens at once here and within a minute elsewhere."""

from __future__ import annotations

import pytest

from shared.adapters.security.passwords import Argon2PasswordHasher
from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.bootstrap import jwt_signing_key
from shared.core.common.errors import AuthenticationError
from shared.core.registry.services.auth import AuthPolicy, AuthService
from tests.integration import api_support
from tests.integration.api_support import invite, master_audit
from tests.integration.identity_support import bearer, tenant_headers

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian

PHONE = "WellOS-Field/2.3 (Android 14; Pixel 7)"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0) Edge/131"


def _sign_in(session, user, device: str) -> dict:
    response = session.client.post(
        "/api/v1/auth/login",
        json={"email": user["email"], "password": user["password"]},
        headers={**tenant_headers(session), "User-Agent": device},
    )
    assert response.status_code == 200, response.text
    return response.json()


def _me(session, tokens) -> int:
    headers = bearer(session, tokens["access_token"])
    return session.client.get("/api/v1/me", headers=headers).status_code


def _refresh(session, tokens):
    return session.client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": tokens["refresh_token"]},
        headers=tenant_headers(session),
    )


def _sessions(session, tokens) -> list[dict]:
    response = session.client.get(
        "/api/v1/auth/sessions", headers=bearer(session, tokens["access_token"])
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_user_sees_each_sign_in_with_its_device_and_which_is_this_one(mod_acme):
    user = invite(mod_acme, "FIELD_OPERATOR")
    phone = _sign_in(mod_acme, user, PHONE)
    laptop = _sign_in(mod_acme, user, LAPTOP)
    listed = _sessions(mod_acme, phone)
    by_device = {s["device"]: s for s in listed}
    assert {PHONE, LAPTOP} <= set(by_device)
    assert by_device[PHONE]["current"] is True
    assert by_device[LAPTOP]["current"] is False
    # WHEN the laptop refreshes THEN its last use moves and it stays one session
    before = by_device[LAPTOP]["last_used_at"]
    assert _refresh(mod_acme, laptop).status_code == 200
    after = {s["device"]: s for s in _sessions(mod_acme, phone)}[LAPTOP]
    assert after["id"] == by_device[LAPTOP]["id"]
    assert after["last_used_at"] >= before
    assert len(_sessions(mod_acme, phone)) == len(listed)


def test_ending_a_session_stops_its_tokens_and_spares_the_others(mod_acme):
    user = invite(mod_acme, "VIEWER")
    phone = _sign_in(mod_acme, user, PHONE)
    laptop = _sign_in(mod_acme, user, LAPTOP)
    laptop_id = next(s["id"] for s in _sessions(mod_acme, phone) if s["device"] == LAPTOP)
    # WHEN the phone ends the laptop's session
    ended = mod_acme.client.delete(
        f"/api/v1/auth/sessions/{laptop_id}", headers=bearer(mod_acme, phone["access_token"])
    )
    assert ended.status_code == 204
    # THEN the laptop's access and refresh tokens are refused, and the phone goes on
    assert _me(mod_acme, laptop) == 401
    assert _refresh(mod_acme, laptop).status_code == 401
    assert _me(mod_acme, phone) == 200
    assert laptop_id not in {s["id"] for s in _sessions(mod_acme, phone)}
    # AND ending it again is 404
    again = mod_acme.client.delete(
        f"/api/v1/auth/sessions/{laptop_id}", headers=bearer(mod_acme, phone["access_token"])
    )
    assert again.status_code == 404


def test_a_user_cannot_end_someone_elses_session(mod_acme):
    victim = invite(mod_acme, "MANAGER")
    victim_tokens = _sign_in(mod_acme, victim, LAPTOP)
    victim_session = _sessions(mod_acme, victim_tokens)[0]["id"]
    other = invite(mod_acme, "MANAGER")
    response = mod_acme.client.delete(
        f"/api/v1/auth/sessions/{victim_session}", headers=other["headers"]
    )
    assert response.status_code == 404
    assert _me(mod_acme, victim_tokens) == 200


def test_signing_out_other_devices_keeps_this_one_unless_asked(mod_acme):
    user = invite(mod_acme, "VIEWER")
    phone, laptop = _sign_in(mod_acme, user, PHONE), _sign_in(mod_acme, user, LAPTOP)
    others = mod_acme.client.delete(
        "/api/v1/auth/sessions", headers=bearer(mod_acme, phone["access_token"])
    )
    assert others.status_code == 200
    assert others.json()["ended"] >= 2  # the laptop and the invite helper's sign-in
    assert _me(mod_acme, laptop) == 401
    assert _me(mod_acme, phone) == 200
    everywhere = mod_acme.client.delete(
        "/api/v1/auth/sessions?include_current=true",
        headers=bearer(mod_acme, phone["access_token"]),
    )
    assert everywhere.json()["ended"] == 1
    assert _me(mod_acme, phone) == 401
    assert _refresh(mod_acme, phone).status_code == 401


def test_an_admin_ends_every_session_of_a_user(mod_platform, mod_acme):
    user = invite(mod_acme, "FIELD_OPERATOR")
    phone = _sign_in(mod_acme, user, PHONE)
    manager = invite(mod_acme, "MANAGER")
    path = f"/api/v1/users/{user['id']}/sessions"
    assert mod_acme.client.delete(path, headers=manager["headers"]).status_code == 403
    response = mod_acme.client.delete(path, headers=mod_acme.headers)
    assert response.status_code == 200
    assert response.json()["ended"] == 2
    assert _me(mod_acme, phone) == 401
    assert _refresh(mod_acme, phone).status_code == 401
    assert "user.sessions_ended" in [e["action"] for e in master_audit(mod_platform, user["id"])]
    # AND the user signs in again as usual
    assert _me(mod_acme, _sign_in(mod_acme, user, PHONE)) == 200


def test_an_admin_cannot_end_sessions_of_another_tenants_user(mod_acme, mod_permian):
    stranger = invite(mod_permian, "VIEWER")
    response = mod_acme.client.delete(
        f"/api/v1/users/{stranger['id']}/sessions", headers=mod_acme.headers
    )
    assert response.status_code == 404
    assert mod_permian.client.get("/api/v1/me", headers=stranger["headers"]).status_code == 200


def test_logout_ends_the_session(mod_acme):
    user = invite(mod_acme, "VIEWER")
    phone = _sign_in(mod_acme, user, PHONE)
    mod_acme.client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": phone["refresh_token"]},
        headers=tenant_headers(mod_acme),
    )
    assert _me(mod_acme, phone) == 401


def test_another_instance_refuses_an_ended_sessions_token_within_its_check_interval(
    mod_platform, mod_acme
):
    # GIVEN a second API instance on the same master, whose clock the test moves
    ticks = [0.0]
    settings = mod_platform.settings
    other = AuthService(
        mod_platform.master,
        Argon2PasswordHasher(),
        JwtAccessTokenCodec(jwt_signing_key(settings, mod_platform.secrets)),
        AuthPolicy(session_cache_ttl_s=30.0),
        monotonic=lambda: ticks[0],
    )
    tenant = mod_acme.created.tenant
    user = invite(mod_acme, "VIEWER")
    phone = _sign_in(mod_acme, user, PHONE)
    assert other.authenticate(tenant, phone["access_token"]).user_id == user["id"]
    # WHEN the session ends on the first instance
    session_id = _sessions(mod_acme, phone)[0]["id"]
    mod_acme.client.delete(
        f"/api/v1/auth/sessions/{session_id}", headers=bearer(mod_acme, phone["access_token"])
    )
    # THEN the first refuses at once, the other once its 30 s check interval has passed
    assert _me(mod_acme, phone) == 401
    ticks[0] = 29.0
    assert other.authenticate(tenant, phone["access_token"]).user_id == user["id"]
    ticks[0] = 30.5
    with pytest.raises(AuthenticationError):
        other.authenticate(tenant, phone["access_token"])


def test_a_password_change_ends_the_other_sessions_access_tokens_too(mod_acme):
    user = invite(mod_acme, "VIEWER")
    laptop = _sign_in(mod_acme, user, LAPTOP)
    changed = mod_acme.client.post(
        "/api/v1/auth/password",
        json={"current_password": user["password"], "new_password": "Separator-Dump-Valve-9"},
        headers=user["headers"],
    )
    assert changed.status_code == 200
    assert _me(mod_acme, laptop) == 401
    assert _me(mod_acme, changed.json()) == 200
