"""Invitations by e-mail, password change, forgotten-password reset, deactivate/reactivate.

E-mails go through the master outbox; each test sends the due ones through the
in-memory notifier (the fake beside the console, SMTP, ACS and SES adapters) and
reads the link from the message a user would get.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.sql.registry.tables import mail_outbox, user_links
from tests.integration import api_support
from tests.integration.api_support import invite, master_audit, problem_field, unique
from tests.integration.identity_support import (
    bearer,
    expire_links,
    link_token,
    mails,
    tenant_headers,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian

GOOD_PASSWORD = "Tubing-Pressure-42!"
OTHER_PASSWORD = "Casing-Gauge-Reads-17"


def _email(slug: str = "acme") -> str:
    return f"{unique('person')}@{slug}.test"


def _invite(session, email: str, role: str = "FIELD_OPERATOR", headers=None):
    return session.client.post(
        "/api/v1/invitations",
        json={"email": email, "full_name": "Pat Pumper", "role": role},
        headers=headers or session.headers,
    )


def _accept(session, token: str, password: str = GOOD_PASSWORD):
    return session.client.post(
        "/api/v1/auth/invitation/accept",
        json={"token": token, "password": password},
        headers=tenant_headers(session),
    )


def _login(session, email: str, password: str):
    return session.client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        headers={**tenant_headers(session), "X-Forwarded-For": "198.51.100.7"},
    )


# Invitations


def test_an_invited_user_sets_a_password_through_the_emailed_link(mod_platform, mod_acme):
    # GIVEN the admin invites a field operator by e-mail
    email = _email()
    response = _invite(mod_acme, email)
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["status"] == "INVITED"
    assert "one_time_password" not in user and "password_hash" not in user
    # THEN one e-mail goes to that address with a link to the tenant's app
    [message] = mails(mod_platform, email)
    assert "Invitation" in message.subject
    assert "tenant=acme" in message.body
    token = link_token(message)
    # AND until the link is used no password opens the account
    assert _login(mod_acme, email, GOOD_PASSWORD).status_code == 401
    # WHEN the user sets a password through the link THEN they are signed in and ACTIVE
    accepted = _accept(mod_acme, token)
    assert accepted.status_code == 200, accepted.text
    me = mod_acme.client.get(
        "/api/v1/me", headers=bearer(mod_acme, accepted.json()["access_token"])
    )
    assert me.json()["status"] == "ACTIVE"
    assert me.json()["role"] == "FIELD_OPERATOR"
    assert _login(mod_acme, email, GOOD_PASSWORD).status_code == 200
    # AND the link works once
    replay = _accept(mod_acme, token, OTHER_PASSWORD)
    assert replay.status_code == 422
    assert replay.json()["code"] == "link_invalid"
    assert problem_field(replay) == "token"


def test_the_stored_link_is_a_hash_and_the_sent_mail_loses_its_body(mod_platform, mod_acme):
    email = _email()
    user = _invite(mod_acme, email).json()
    token = link_token(mails(mod_platform, email)[0])
    with mod_platform.master.engine.connect() as connection:
        hashes = connection.execute(
            sa.select(user_links.c.token_hash).where(user_links.c.user_id == user["id"])
        ).scalars()
        assert token not in set(hashes)
        bodies = connection.execute(
            sa.select(mail_outbox.c.body, mail_outbox.c.status).where(
                mail_outbox.c.recipient == email
            )
        ).all()
    assert [(body, status) for body, status in bodies] == [("", "SENT")]
    # AND no audit entry of the user holds the link
    for entry in master_audit(mod_platform, user["id"]):
        assert token not in str(entry)


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short-1", "at least 12"), ("Password1234", "commonly used"), ("aaaaaaaaaaaaaa", "easy")],
)
def test_a_weak_password_is_refused_and_the_link_still_works(
    mod_platform, mod_acme, password, reason
):
    email = _email()
    _invite(mod_acme, email)
    token = link_token(mails(mod_platform, email)[0])
    refused = _accept(mod_acme, token, password)
    assert refused.status_code == 422
    assert problem_field(refused) == "password"
    assert reason in refused.json()["detail"]
    assert _accept(mod_acme, token).status_code == 200


def test_a_resent_invitation_replaces_the_earlier_link(mod_platform, mod_acme):
    email = _email()
    user = _invite(mod_acme, email).json()
    first = link_token(mails(mod_platform, email)[0])
    resent = mod_acme.client.post(
        f"/api/v1/users/{user['id']}/invitation", headers=mod_acme.headers
    )
    assert resent.status_code == 200, resent.text
    messages = mails(mod_platform, email)
    assert len(messages) == 2
    second = link_token(messages[1])
    assert _accept(mod_acme, first).status_code == 422
    assert _accept(mod_acme, second).status_code == 200
    # AND an accepted invitation cannot be re-sent
    again = mod_acme.client.post(f"/api/v1/users/{user['id']}/invitation", headers=mod_acme.headers)
    assert again.status_code == 409


def test_a_revoked_invitation_link_fails_until_reactivated_and_resent(mod_platform, mod_acme):
    email = _email()
    user = _invite(mod_acme, email).json()
    token = link_token(mails(mod_platform, email)[0])
    revoked = mod_acme.client.delete(
        f"/api/v1/users/{user['id']}/invitation", headers=mod_acme.headers
    )
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "DEACTIVATED"
    assert _accept(mod_acme, token).status_code == 422
    # WHEN the admin reactivates them THEN they are INVITED again and a new link works
    back = mod_acme.client.post(f"/api/v1/users/{user['id']}/reactivate", headers=mod_acme.headers)
    assert back.json()["status"] == "INVITED"
    mod_acme.client.post(f"/api/v1/users/{user['id']}/invitation", headers=mod_acme.headers)
    assert _accept(mod_acme, link_token(mails(mod_platform, email)[-1])).status_code == 200
    actions = [e["action"] for e in master_audit(mod_platform, user["id"])]
    assert actions == [
        "user.invited",
        "user.invitation_revoked",
        "user.reactivated",
        "user.invitation_resent",
        "user.invitation_accepted",
    ]


def test_an_expired_invitation_link_is_refused(mod_platform, mod_acme):
    email = _email()
    user = _invite(mod_acme, email).json()
    token = link_token(mails(mod_platform, email)[0])
    expire_links(mod_platform, user["id"])
    assert _accept(mod_acme, token).json()["code"] == "link_invalid"


def test_a_link_of_another_tenant_is_refused(mod_platform, mod_acme, mod_permian):
    email = _email()
    _invite(mod_acme, email)
    token = link_token(mails(mod_platform, email)[0])
    elsewhere = _accept(mod_permian, token)
    assert elsewhere.status_code == 422
    assert elsewhere.json()["code"] == "link_invalid"
    assert _accept(mod_acme, token).status_code == 200


@pytest.mark.parametrize("token", ["", "short", "x" * 201, "has spaces in it!", "ü" * 20])
def test_a_malformed_link_token_is_422_naming_token(mod_acme, token):
    response = _accept(mod_acme, token)
    assert response.status_code == 422
    assert problem_field(response) == "token"


def test_only_admins_invite_resend_revoke_and_reactivate(mod_platform, mod_acme):
    manager = invite(mod_acme, "MANAGER")
    email = _email()
    assert _invite(mod_acme, email, headers=manager["headers"]).status_code == 403
    user = _invite(mod_acme, email).json()
    for method, path in (
        ("POST", f"/api/v1/users/{user['id']}/invitation"),
        ("DELETE", f"/api/v1/users/{user['id']}/invitation"),
        ("POST", f"/api/v1/users/{user['id']}/reactivate"),
    ):
        response = mod_acme.client.request(method, path, headers=manager["headers"])
        assert response.status_code == 403, path


def test_an_invitation_whose_mail_cannot_be_queued_is_not_created(mod_platform, mod_acme):
    # GIVEN an outbox that refuses this recipient
    email = f"{unique('unqueueable')}@acme.test"
    with mod_platform.master.engine.begin() as connection:
        connection.execute(
            sa.text(
                "ALTER TABLE mail_outbox ADD CONSTRAINT refuse_unqueueable "
                "CHECK (recipient NOT LIKE 'unqueueable%')"
            )
        )
    try:
        response = _invite(mod_acme, email)
    finally:
        with mod_platform.master.engine.begin() as connection:
            connection.execute(
                sa.text("ALTER TABLE mail_outbox DROP CONSTRAINT refuse_unqueueable")
            )
    # THEN the invitation fails with a retryable problem and no user is left behind
    assert response.status_code == 503
    assert response.json()["code"] == "notification_failed"
    users = mod_acme.client.get("/api/v1/users?limit=500", headers=mod_acme.headers).json()
    assert email not in {u["email"] for u in users["items"]}
    # AND inviting again once the outbox works succeeds
    assert _invite(mod_acme, email).status_code == 201


def test_a_failed_mail_is_retried_and_then_sent(mod_platform, mod_acme):
    email = _email()
    _invite(mod_acme, email)
    failing = InMemoryNotifier()
    failing.fail_next = 10_000
    report = mod_platform.mail.dispatch(failing, limit=500)
    assert report.retried >= 1 and report.sent == 0
    with mod_platform.master.engine.begin() as connection:  # the backoff has passed
        connection.execute(
            mail_outbox.update()
            .where(mail_outbox.c.recipient == email)
            .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    [message] = mails(mod_platform, email)
    assert link_token(message)


# Deactivate and reactivate


def test_a_deactivated_user_is_reactivated_and_signs_in_again(mod_acme):
    user = invite(mod_acme, "VIEWER")
    off = mod_acme.client.post(f"/api/v1/users/{user['id']}/deactivate", headers=mod_acme.headers)
    assert off.json()["status"] == "DEACTIVATED"
    assert _login(mod_acme, user["email"], user["password"]).status_code == 401
    on = mod_acme.client.post(f"/api/v1/users/{user['id']}/reactivate", headers=mod_acme.headers)
    assert on.json()["status"] == "ACTIVE"
    assert _login(mod_acme, user["email"], user["password"]).status_code == 200
    # AND reactivating an active user is a conflict
    twice = mod_acme.client.post(f"/api/v1/users/{user['id']}/reactivate", headers=mod_acme.headers)
    assert twice.status_code == 409


# Admin-set one-time passwords


def test_a_weak_replacement_of_an_admin_set_password_is_refused(mod_acme):
    email = _email()
    body = {"email": email, "full_name": "Otto Time", "role": "VIEWER"}
    otp = mod_acme.client.post("/api/v1/users", json=body, headers=mod_acme.headers).json()[
        "one_time_password"
    ]
    for weak in ("welcome123", otp):
        response = mod_acme.client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": otp, "new_password": weak},
            headers=tenant_headers(mod_acme),
        )
        assert response.status_code == 422
        assert problem_field(response) == "new_password"
    refused = _login(mod_acme, email, otp)
    assert refused.json()["code"] == "password_change_required"


# Password change


def _change(session, headers, current: str, new: str):
    return session.client.post(
        "/api/v1/auth/password",
        json={"current_password": current, "new_password": new},
        headers=headers,
    )


def test_changing_the_password_ends_every_other_session(mod_platform, mod_acme):
    user = invite(mod_acme, "MANAGER")
    other_device = _login(mod_acme, user["email"], user["password"]).json()
    # WHEN the user changes their password
    changed = _change(mod_acme, user["headers"], user["password"], GOOD_PASSWORD)
    assert changed.status_code == 200, changed.text
    # THEN the answer is a new session that works
    fresh = changed.json()
    assert (
        mod_acme.client.get(
            "/api/v1/me", headers=bearer(mod_acme, fresh["access_token"])
        ).status_code
        == 200
    )
    # AND the other device can no longer refresh, the old password is refused, the new works
    refresh = mod_acme.client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": other_device["refresh_token"]},
        headers=tenant_headers(mod_acme),
    )
    assert refresh.status_code == 401
    assert _login(mod_acme, user["email"], user["password"]).status_code == 401
    assert _login(mod_acme, user["email"], GOOD_PASSWORD).status_code == 200
    assert "user.password_changed" in [e["action"] for e in master_audit(mod_platform, user["id"])]


def test_a_password_change_needs_the_current_password_and_a_strong_new_one(mod_acme):
    user = invite(mod_acme, "VIEWER")
    wrong = _change(mod_acme, user["headers"], "not-my-password", GOOD_PASSWORD)
    assert wrong.status_code == 422
    assert problem_field(wrong) == "current_password"
    weak = _change(mod_acme, user["headers"], user["password"], "qwertyuiop123")
    assert weak.status_code == 422
    assert problem_field(weak) == "new_password"
    same = _change(mod_acme, user["headers"], user["password"], user["password"])
    assert problem_field(same) == "new_password"
    unauthenticated = _change(mod_acme, tenant_headers(mod_acme), user["password"], GOOD_PASSWORD)
    assert unauthenticated.status_code == 401
    assert _login(mod_acme, user["email"], user["password"]).status_code == 200


# Forgotten password


def _forgot(session, email: str, address: str = "198.51.100.20"):
    return session.client.post(
        "/api/v1/auth/password/forgot",
        json={"email": email},
        headers={**tenant_headers(session), "X-Forwarded-For": address},
    )


def _reset(session, token: str, password: str = OTHER_PASSWORD):
    return session.client.post(
        "/api/v1/auth/password/reset",
        json={"token": token, "new_password": password},
        headers=tenant_headers(session),
    )


def test_a_forgotten_password_is_reset_once_through_the_emailed_link(mod_platform, mod_acme):
    user = invite(mod_acme, "FIELD_OPERATOR")
    session = _login(mod_acme, user["email"], user["password"]).json()
    # WHEN the user asks for a reset
    asked = _forgot(mod_acme, user["email"].upper())
    assert asked.status_code == 202
    [message] = mails(mod_platform, user["email"])
    token = link_token(message)
    # THEN the link sets a new password and ends every session
    assert _reset(mod_acme, token).status_code == 204
    refresh = mod_acme.client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": session["refresh_token"]},
        headers=tenant_headers(mod_acme),
    )
    assert refresh.status_code == 401
    assert _login(mod_acme, user["email"], user["password"]).status_code == 401
    assert _login(mod_acme, user["email"], OTHER_PASSWORD).status_code == 200
    # AND the link works once
    assert _reset(mod_acme, token, GOOD_PASSWORD).json()["code"] == "link_invalid"


def test_a_reset_request_answers_alike_whether_or_not_the_address_is_known(mod_platform, mod_acme):
    user = invite(mod_acme, "VIEWER")
    nobody = _email()
    known, unknown = _forgot(mod_acme, user["email"]), _forgot(mod_acme, nobody)
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert mails(mod_platform, nobody) == []
    assert len(mails(mod_platform, user["email"])) == 1


def test_reset_links_expire_and_belong_to_theirtenant_headers(mod_platform, mod_acme, mod_permian):
    user = invite(mod_acme, "VIEWER")
    _forgot(mod_acme, user["email"])
    token = link_token(mails(mod_platform, user["email"])[-1])
    assert _reset(mod_permian, token).json()["code"] == "link_invalid"
    expire_links(mod_platform, user["id"])
    assert _reset(mod_acme, token).json()["code"] == "link_invalid"
    assert _login(mod_acme, user["email"], user["password"]).status_code == 200


def test_an_invitation_link_does_not_reset_a_password(mod_platform, mod_acme):
    email = _email()
    _invite(mod_acme, email)
    token = link_token(mails(mod_platform, email)[0])
    assert _reset(mod_acme, token).json()["code"] == "link_invalid"


def test_reset_requests_are_throttled_per_account_known_or_not(mod_acme):
    user = invite(mod_acme, "VIEWER")
    nobody = _email()
    for email in (user["email"], nobody):
        answers = [_forgot(mod_acme, email, f"203.0.113.{n}").status_code for n in range(7)]
        assert answers[:5] == [202] * 5
        assert answers[-1] == 429
