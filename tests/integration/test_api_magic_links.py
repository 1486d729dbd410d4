"""Magic-link sign-in: by e-mail, single use, 15 minutes, one tenant, no enumeration, throttled."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shared.adapters.sql.registry.tables import user_links
from tests.integration import api_support
from tests.integration.api_support import invite, master_audit, problem_field, unique
from tests.integration.identity_support import (
    bearer,
    expire_links,
    link_page,
    link_token,
    mails,
    tenant_headers,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian


def _ask(session, email: str, address: str = "198.51.100.30"):
    return session.client.post(
        "/api/v1/auth/magic-link",
        json={"email": email},
        headers={**tenant_headers(session), "X-Forwarded-For": address},
    )


def _sign_in(session, token: str):
    return session.client.post(
        "/api/v1/auth/magic-link/sign-in", json={"token": token}, headers=tenant_headers(session)
    )


def test_a_user_signs_in_once_with_the_emailed_link(mod_platform, mod_acme):
    # GIVEN a pumper who would rather not type a password on a shared phone
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    # WHEN they ask for a sign-in link
    asked = _ask(mod_acme, pumper["email"])
    assert asked.status_code == 202
    [message] = mails(mod_platform, pumper["email"])
    assert link_page(message) == "/magic-link"
    assert "15 minutes" in message.body
    token = link_token(message)
    # THEN the link signs them in as themselves
    signed_in = _sign_in(mod_acme, token)
    assert signed_in.status_code == 200, signed_in.text
    me = mod_acme.client.get(
        "/api/v1/me", headers=bearer(mod_acme, signed_in.json()["access_token"])
    )
    assert me.json()["id"] == pumper["id"]
    # AND it works once
    replay = _sign_in(mod_acme, token)
    assert replay.status_code == 422
    assert replay.json()["code"] == "link_invalid"
    assert problem_field(replay) == "token"
    actions = [e["action"] for e in master_audit(mod_platform, pumper["id"])]
    assert "user.signed_in_by_link" in actions
    assert token not in str(master_audit(mod_platform, pumper["id"]))


def test_only_the_hash_of_the_link_is_stored(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    _ask(mod_acme, user["email"])
    token = link_token(mails(mod_platform, user["email"])[-1])
    with mod_platform.master.engine.connect() as connection:
        stored = set(
            connection.execute(
                sa.select(user_links.c.token_hash).where(user_links.c.user_id == user["id"])
            ).scalars()
        )
    assert stored and token not in stored


def test_the_answer_is_the_same_for_unknown_and_deactivated_addresses(mod_platform, mod_acme):
    known = invite(mod_acme, "VIEWER")
    leaver = invite(mod_acme, "VIEWER")
    mod_acme.client.post(f"/api/v1/users/{leaver['id']}/deactivate", headers=mod_acme.headers)
    nobody = f"{unique('nobody')}@acme.test"
    answers = [_ask(mod_acme, email) for email in (known["email"], leaver["email"], nobody)]
    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1
    assert len(mails(mod_platform, known["email"])) == 1
    assert mails(mod_platform, leaver["email"]) == mails(mod_platform, nobody) == []


def test_a_newer_link_replaces_the_older_one(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    _ask(mod_acme, user["email"])
    _ask(mod_acme, user["email"])
    first, second = (link_token(m) for m in mails(mod_platform, user["email"]))
    assert _sign_in(mod_acme, first).status_code == 422
    assert _sign_in(mod_acme, second).status_code == 200


def test_an_expired_link_is_refused(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    _ask(mod_acme, user["email"])
    token = link_token(mails(mod_platform, user["email"])[-1])
    expire_links(mod_platform, user["id"])
    assert _sign_in(mod_acme, token).json()["code"] == "link_invalid"


def test_a_link_is_bound_to_its_tenant(mod_platform, mod_acme, mod_permian):
    user = invite(mod_acme, "VIEWER")
    _ask(mod_acme, user["email"])
    token = link_token(mails(mod_platform, user["email"])[-1])
    assert _sign_in(mod_permian, token).json()["code"] == "link_invalid"
    # AND a user of acme asking at permian gets nothing
    _ask(mod_permian, user["email"])
    assert len(mails(mod_platform, user["email"])) == 1
    assert _sign_in(mod_acme, token).status_code == 200


def test_a_link_of_a_user_deactivated_since_is_refused(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    _ask(mod_acme, user["email"])
    token = link_token(mails(mod_platform, user["email"])[-1])
    mod_acme.client.post(f"/api/v1/users/{user['id']}/deactivate", headers=mod_acme.headers)
    assert _sign_in(mod_acme, token).json()["code"] == "link_invalid"


def test_a_password_reset_link_does_not_sign_in(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    mod_acme.client.post(
        "/api/v1/auth/password/forgot",
        json={"email": user["email"]},
        headers=tenant_headers(mod_acme),
    )
    token = link_token(mails(mod_platform, user["email"])[-1])
    assert _sign_in(mod_acme, token).json()["code"] == "link_invalid"


@pytest.mark.parametrize(
    "body", [{}, {"token": "short"}, {"token": "a b c d e f g h"}, {"token": 7}]
)
def test_a_malformed_request_is_422_naming_token(mod_acme, body):
    response = mod_acme.client.post(
        "/api/v1/auth/magic-link/sign-in", json=body, headers=tenant_headers(mod_acme)
    )
    assert response.status_code == 422
    assert problem_field(response) == "token"


def test_requests_are_throttled_per_account_known_or_not(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    nobody = f"{unique('nobody')}@acme.test"
    for email in (user["email"], nobody):
        answers = [_ask(mod_acme, email, f"203.0.113.{n}").status_code for n in range(6)]
        assert answers == [202] * 5 + [429]
    assert len(mails(mod_platform, user["email"])) == 5
