"""Two-factor sign-in with real TOTP codes (pyotp): enrolment, one step of clock skew, no
reuse, recovery codes, the tenant's requirement, magic links, resets by an admin."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from tests.integration import api_support
from tests.integration.api_support import invite, master_audit, problem_field
from tests.integration.identity_support import bearer, link_token, mails, tenant_headers

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


def _steady() -> None:
    """Keep clear of a 30-second step boundary, so 'this step' stays this step for the test."""
    if 30 - time.time() % 30 < 4:
        time.sleep(4.1)


def _code(secret: str, shift_s: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=shift_s))


def _login(session, user, **extra):
    return session.client.post(
        "/api/v1/auth/login",
        json={"email": user["email"], "password": user["password"], **extra},
        headers=tenant_headers(session),
    )


def _enrol(session, headers, shift_s: int = 0) -> tuple[str, dict]:
    """Start and confirm TOTP; the secret and the confirmation's answer."""
    _steady()
    setup = session.client.post("/api/v1/auth/mfa/totp", headers=headers)
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/")
    confirmed = session.client.post(
        "/api/v1/auth/mfa/totp/confirm", json={"code": _code(secret, shift_s)}, headers=headers
    )
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()


def test_after_enrolment_a_sign_in_needs_a_fresh_code_once(mod_platform, mod_acme):
    user = invite(mod_acme, "MANAGER")
    secret, confirmed = _enrol(mod_acme, user["headers"])
    assert len(confirmed["recovery_codes"]) == 10
    assert len(set(confirmed["recovery_codes"])) == 10
    # WHEN the user signs in with the password alone THEN a code is asked for
    alone = _login(mod_acme, user)
    assert alone.status_code == 403
    assert alone.json()["code"] == "mfa_required"
    assert "access_token" not in alone.json()
    # WHEN they add the next step's code (one step of skew) THEN they are in
    _steady()
    ahead = _code(secret, 30)
    signed_in = _login(mod_acme, user, mfa_code=ahead)
    assert signed_in.status_code == 200, signed_in.text
    # AND the same code, or an older one, is refused
    for used in (ahead, _code(secret)):
        again = _login(mod_acme, user, mfa_code=used)
        assert again.status_code == 401
        assert again.json()["code"] == "mfa_code_invalid"
    # AND the session that enrolled was replaced by the confirmation's new one
    assert mod_acme.client.get("/api/v1/me", headers=user["headers"]).status_code == 401
    fresh = bearer(mod_acme, confirmed["tokens"]["access_token"])
    status = mod_acme.client.get("/api/v1/auth/mfa", headers=fresh).json()
    assert status["enrolled"] is True
    assert "user.mfa_enabled" in [e["action"] for e in master_audit(mod_platform, user["id"])]
    assert secret not in str(master_audit(mod_platform, user["id"]))


def _stored_secret(platform, user_id: str) -> str:
    from shared.adapters.sql.registry.tables import user_totp

    query = sa.select(user_totp.c.secret).where(user_totp.c.user_id == user_id)
    with platform.master.engine.connect() as connection:
        return str(connection.execute(query).scalar_one())


def test_the_authenticator_secret_is_sealed_at_rest(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    secret, _ = _enrol(mod_acme, user["headers"])
    stored = _stored_secret(mod_platform, user["id"])
    assert secret not in stored
    assert stored.startswith("v1:")
    _steady()
    assert _login(mod_acme, user, mfa_code=_code(secret, 30)).status_code == 200  # next step


def test_a_secret_stored_before_sealing_still_signs_in_and_is_sealed(mod_platform, mod_acme):
    from shared.adapters.sql.registry.tables import user_totp

    user = invite(mod_acme, "VIEWER")
    secret, _ = _enrol(mod_acme, user["headers"])
    # GIVEN the row as an older release wrote it: the secret in plain text
    with mod_platform.master.engine.begin() as connection:
        connection.execute(
            user_totp.update().where(user_totp.c.user_id == user["id"]).values(secret=secret)
        )
    # WHEN the user signs in with a fresh code (the next step) THEN they are in
    _steady()
    assert _login(mod_acme, user, mfa_code=_code(secret, 30)).status_code == 200
    # AND the row is now sealed
    stored = _stored_secret(mod_platform, user["id"])
    assert secret not in stored
    assert stored.startswith("v1:")


def test_one_step_back_is_accepted_two_steps_away_are_not(mod_acme):
    user = invite(mod_acme, "VIEWER")
    secret, _ = _enrol(mod_acme, user["headers"], shift_s=-30)  # the phone runs 30 s late
    _steady()
    assert _login(mod_acme, user, mfa_code=_code(secret, 90)).status_code == 401
    assert _login(mod_acme, user, mfa_code=_code(secret)).status_code == 200


def test_a_wrong_code_does_not_confirm_an_enrolment(mod_acme):
    user = invite(mod_acme, "VIEWER")
    setup = mod_acme.client.post("/api/v1/auth/mfa/totp", headers=user["headers"]).json()
    wrong = str((int(_code(setup["secret"])) + 1) % 1_000_000).zfill(6)
    response = mod_acme.client.post(
        "/api/v1/auth/mfa/totp/confirm", json={"code": wrong}, headers=user["headers"]
    )
    assert response.status_code == 422
    assert problem_field(response) == "code"
    assert _login(mod_acme, user).status_code == 200  # not on until confirmed


def test_a_recovery_code_works_once(mod_acme):
    user = invite(mod_acme, "VIEWER")
    _, confirmed = _enrol(mod_acme, user["headers"])
    code = confirmed["recovery_codes"][3]
    assert _login(mod_acme, user, mfa_code=code.upper()).status_code == 200
    assert _login(mod_acme, user, mfa_code=code).json()["code"] == "mfa_code_invalid"
    assert _login(mod_acme, user, mfa_code=confirmed["recovery_codes"][4]).status_code == 200


@pytest.mark.parametrize("code", ["12345", "x" * 33, "12345\x00", "<script>"])
def test_a_malformed_code_is_422_naming_mfa_code(mod_acme, code):
    user = invite(mod_acme, "VIEWER")
    response = _login(mod_acme, user, mfa_code=code)
    assert response.status_code == 422
    assert problem_field(response) == "mfa_code"


def test_turning_it_off_needs_a_code_and_an_admin_can_reset_it(mod_acme):
    user = invite(mod_acme, "VIEWER")
    _, confirmed = _enrol(mod_acme, user["headers"])
    headers = bearer(mod_acme, confirmed["tokens"]["access_token"])
    wrong = mod_acme.client.post(
        "/api/v1/auth/mfa/totp/disable", json={"code": "000000"}, headers=headers
    )
    assert wrong.status_code == 422
    off = mod_acme.client.post(
        "/api/v1/auth/mfa/totp/disable",
        json={"code": confirmed["recovery_codes"][0]},
        headers=headers,
    )
    assert off.status_code == 204
    assert _login(mod_acme, user).status_code == 200
    # AND an admin resets a user's lost authenticator
    other = invite(mod_acme, "VIEWER")
    _enrol(mod_acme, other["headers"])
    assert _login(mod_acme, other).status_code == 403
    reset = mod_acme.client.delete(f"/api/v1/users/{other['id']}/mfa", headers=mod_acme.headers)
    assert reset.status_code == 204
    assert _login(mod_acme, other).status_code == 200


def test_a_magic_link_needs_the_code_too(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    secret, _ = _enrol(mod_acme, user["headers"])
    ask = {"email": user["email"]}
    mod_acme.client.post("/api/v1/auth/magic-link", json=ask, headers=tenant_headers(mod_acme))
    token = link_token(mails(mod_platform, user["email"])[-1])

    def sign_in(**extra):
        return mod_acme.client.post(
            "/api/v1/auth/magic-link/sign-in",
            json={"token": token, **extra},
            headers=tenant_headers(mod_acme),
        )

    assert sign_in().json()["code"] == "mfa_required"  # the link stays good
    _steady()
    assert sign_in(mfa_code=_code(secret, 30)).status_code == 200
    # AND a wrong code spends a link: one guess per e-mail
    mod_acme.client.post("/api/v1/auth/magic-link", json=ask, headers=tenant_headers(mod_acme))
    token = link_token(mails(mod_platform, user["email"])[-1])
    assert sign_in(mfa_code="000000").json()["code"] == "mfa_code_invalid"
    assert sign_in(mfa_code=_code(secret, 30)).json()["code"] == "link_invalid"


def test_a_tenant_that_requires_mfa_opens_only_enrolment_until_it_is_done(mod_acme):
    viewer = invite(mod_acme, "VIEWER")
    manager = invite(mod_acme, "MANAGER")
    policy = "/api/v1/auth/mfa/policy"
    assert (
        mod_acme.client.put(
            policy, json={"mfa_required": "everyone"}, headers=manager["headers"]
        ).status_code
        == 403
    )
    try:
        set_policy = mod_acme.client.put(
            policy, json={"mfa_required": "everyone"}, headers=mod_acme.headers
        )
        assert set_policy.status_code == 200
        # WHEN the viewer signs in THEN the session opens only enrolment
        tokens = _login(mod_acme, viewer).json()
        headers = bearer(mod_acme, tokens["access_token"])
        blocked = mod_acme.client.get("/api/v1/wells", headers=headers)
        assert blocked.status_code == 403
        assert blocked.json()["code"] == "mfa_enrolment_required"
        assert mod_acme.client.get("/api/v1/me", headers=headers).status_code == 200
        assert mod_acme.client.get("/api/v1/auth/mfa", headers=headers).json()["required"]
        # WHEN they enrol THEN the new session opens everything, the old one is over
        _, confirmed = _enrol(mod_acme, headers)
        fresh = bearer(mod_acme, confirmed["tokens"]["access_token"])
        assert mod_acme.client.get("/api/v1/wells", headers=fresh).status_code == 200
        assert mod_acme.client.get("/api/v1/me", headers=headers).status_code == 401
        # AND they cannot turn it off while the tenant requires it
        off = mod_acme.client.post(
            "/api/v1/auth/mfa/totp/disable",
            json={"code": confirmed["recovery_codes"][0]},
            headers=fresh,
        )
        assert off.status_code == 409
    finally:
        mod_acme.client.put(policy, json={"mfa_required": "none"}, headers=mod_acme.headers)
    assert mod_acme.client.get("/api/v1/wells", headers=manager["headers"]).status_code == 200
