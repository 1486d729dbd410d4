"""SSO per tenant end to end against a real OpenID Connect provider on a local port.

`oidc-provider-mock` serves discovery, JWKS, authorize and token endpoints; the
test plays the browser: it opens /api/v1/auth/sso/start, posts the provider's
sign-in form as the chosen user, and follows the redirect to the callback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from oidc_provider_mock import run_server_in_thread

from shared.bootstrap import Platform
from tests.integration.api_support import (
    api_client,
    invite,
    master_audit,
    problem_field,
    started_platform,
    unique,
)
from tests.integration.conftest import TenantSession, open_tenant
from tests.integration.identity_support import bearer, link_token, mails, tenant_headers

CLIENT_ID = "wellos-acme"
CLIENT_SECRET = "provider-client-secret-7f3a"


@contextmanager
def provider(port: int = 0, **options: Any) -> Iterator[str]:
    with run_server_in_thread(port=port, **options) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def sso_platform(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    with started_platform(
        pg_server_url,
        tmp_path_factory.mktemp("state"),
        sso_allow_loopback_http=True,
        sso_jwks_refresh_cooldown_s=0,
        public_app_url="https://office.wellos.test",
    ) as platform:
        yield platform


@pytest.fixture(scope="module")
def sso_client(sso_platform: Platform) -> Iterator[TestClient]:
    with api_client(sso_platform) as client:
        yield client


@pytest.fixture(scope="module")
def idp() -> Iterator[str]:
    with provider() as url:
        yield url


@pytest.fixture()
def acme(sso_platform: Platform, sso_client: TestClient) -> TenantSession:
    """A fresh tenant per test (the SSO config is per tenant)."""
    sso_client.cookies.clear()
    return open_tenant(sso_platform, sso_client, unique("acme").lower()[:30])


def configure(session: TenantSession, issuer: str, **overrides: Any) -> httpx.Response:
    body = {
        "kind": "oidc",
        "discovery_url": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "allowed_domains": ["acme-oil.test"],
        "default_role": "VIEWER",
        **overrides,
    }
    return session.client.put("/api/v1/auth/sso/config", json=body, headers=session.headers)


def set_user(issuer: str, sub: str, **claims: Any) -> None:
    response = httpx.put(f"{issuer}/users/{sub}", json={"email": sub, **claims})
    assert response.status_code == 204, response.text


def start(session: TenantSession) -> str:
    response = session.client.get(
        "/api/v1/auth/sso/start", headers=tenant_headers(session), follow_redirects=False
    )
    assert response.status_code == 302, response.text
    return response.headers["location"]


def authorize(authorize_url: str, sub: str, **replace_params: str) -> dict[str, str]:
    """Sign in at the provider as `sub`; the code and state it sends back to WellOS."""
    parts = urlsplit(authorize_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(replace_params)
    url = urlunsplit(parts._replace(query=urlencode(query)))
    answer = httpx.post(url, data={"sub": sub}, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/api/v1/auth/sso/callback"
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def callback(session: TenantSession, params: dict[str, str]) -> httpx.Response:
    return session.client.get(
        "/api/v1/auth/sso/callback",
        params=params,
        headers=tenant_headers(session),
        follow_redirects=False,
    )


def tokens_of(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == "https://office.wellos.test"
    assert location.fragment.startswith("/sso?")
    return {k: v[0] for k, v in parse_qs(location.fragment.split("?", 1)[1]).items()}


def sign_in(session: TenantSession, issuer: str, sub: str) -> httpx.Response:
    return callback(session, authorize(start(session), sub))


def me(session: TenantSession, access_token: str) -> dict[str, Any]:
    response = session.client.get("/api/v1/me", headers=bearer(session, access_token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_office_user_signs_in_with_the_tenants_provider(sso_platform, acme, idp):
    # GIVEN an admin who configured the tenant's OpenID Connect provider
    saved = configure(acme, idp)
    assert saved.status_code == 200, saved.text
    assert saved.json()["issuer"] == idp
    assert CLIENT_SECRET not in saved.text
    read = acme.client.get("/api/v1/auth/sso/config", headers=acme.headers)
    assert read.json()["client_secret_set"] is True and CLIENT_SECRET not in read.text
    # WHEN a new colleague opens the start URL and signs in at the provider
    location = start(acme)
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [f"https://{acme.slug}.localhost/api/v1/auth/sso/callback"]
    set_user(idp, "jo@acme-oil.test", name="Jo Field")
    answer = callback(acme, authorize(location, "jo@acme-oil.test"))
    # THEN a WellOS session starts: the office app gets the tokens in the fragment
    tokens = tokens_of(answer)
    assert answer.headers["cache-control"] == "no-store"
    profile = me(acme, tokens["access_token"])
    assert profile["email"] == "jo@acme-oil.test" and profile["role"] == "VIEWER"
    assert profile["full_name"] == "Jo Field"
    # AND the refresh token works like any other
    refreshed = acme.client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": tokens["refresh_token"]},
        headers=tenant_headers(acme),
    )
    assert refreshed.status_code == 200, refreshed.text
    actions = [e["action"] for e in master_audit(sso_platform, profile["id"])]
    assert "user.provisioned_by_sso" in actions and "user.signed_in_by_sso" in actions
    # AND a second sign-in finds the same user
    again = tokens_of(sign_in(acme, idp, "jo@acme-oil.test"))
    assert me(acme, again["access_token"])["id"] == profile["id"]


def test_a_code_and_a_state_work_once(acme, idp):
    configure(acme, idp)
    params = authorize(start(acme), "once@acme-oil.test")
    assert callback(acme, params).status_code == 302
    replay = callback(acme, params)
    assert replay.status_code == 422
    assert replay.json()["code"] == "sso_state_invalid" and problem_field(replay) == "state"


def test_a_replayed_code_with_a_fresh_state_is_refused_by_the_provider(acme, idp):
    configure(acme, idp)
    first = authorize(start(acme), "code@acme-oil.test")
    assert callback(acme, first).status_code == 302
    fresh_state = parse_qs(urlsplit(start(acme)).query)["state"][0]
    replay = callback(acme, {"code": first["code"], "state": fresh_state})
    assert replay.status_code == 401
    assert replay.json()["code"] == "sso_token_invalid"
    assert CLIENT_SECRET not in replay.text


def test_a_made_up_or_foreign_state_is_refused(sso_platform, sso_client, acme, idp):
    configure(acme, idp)
    params = authorize(start(acme), "state@acme-oil.test")
    made_up = callback(acme, {"code": params["code"], "state": "not-a-state"})
    assert made_up.status_code == 422 and problem_field(made_up) == "state"
    # a state of one tenant does not finish a sign-in at another
    other = open_tenant(sso_platform, sso_client, unique("other").lower()[:30])
    configure(other, idp)
    foreign = callback(other, params)
    assert foreign.status_code == 422 and problem_field(foreign) == "state"


def test_a_sign_in_needs_the_browser_that_started_it(acme, idp):
    configure(acme, idp)
    params = authorize(start(acme), "cookie@acme-oil.test")
    acme.client.cookies.clear()
    answer = callback(acme, params)
    assert answer.status_code == 422 and problem_field(answer) == "cookie"


def test_an_id_token_with_another_nonce_is_refused(acme, idp):
    configure(acme, idp)
    params = authorize(start(acme), "nonce@acme-oil.test", nonce="a-nonce-of-another-sign-in")
    answer = callback(acme, params)
    assert answer.status_code == 401
    assert "nonce" in answer.json()["detail"]


def test_an_expired_id_token_is_refused(acme):
    with provider(access_token_max_age=timedelta(hours=-1)) as stale:
        configure(acme, stale)
        answer = sign_in(acme, stale, "late@acme-oil.test")
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"]


def test_a_rotated_signing_key_is_fetched_again(acme):
    with provider() as first:
        port = urlsplit(first).port
        configure(acme, first)
        assert sign_in(acme, first, "rot@acme-oil.test").status_code == 302
    # the provider restarts with a new signing key (a new key id) at the same address
    with provider(port=port or 0) as second:
        assert second == first
        answer = sign_in(acme, second, "rot@acme-oil.test")
    assert answer.status_code == 302, answer.text


def test_an_address_outside_the_allowed_domains_is_refused(sso_platform, acme, idp):
    configure(acme, idp)
    answer = sign_in(acme, idp, "mallory@elsewhere.test")
    assert answer.status_code == 403
    assert answer.json()["code"] == "sso_domain_refused"
    users = acme.client.get("/api/v1/users", headers=acme.headers).json()["items"]
    assert "mallory@elsewhere.test" not in [u["email"] for u in users]


def test_a_group_claim_maps_to_a_role(acme, idp):
    saved = configure(
        acme,
        idp,
        role_claim="groups",
        role_map={"wellos-admins": "ADMIN", "pumpers": "FIELD_OPERATOR"},
    )
    assert saved.status_code == 200, saved.text
    set_user(idp, "lead@acme-oil.test", groups=["staff", "wellos-admins"])
    set_user(idp, "pump@acme-oil.test", groups=["pumpers"])
    set_user(idp, "nobody@acme-oil.test", groups=["staff"])
    lead = tokens_of(sign_in(acme, idp, "lead@acme-oil.test"))
    pump = tokens_of(sign_in(acme, idp, "pump@acme-oil.test"))
    nobody = tokens_of(sign_in(acme, idp, "nobody@acme-oil.test"))
    assert me(acme, lead["access_token"])["role"] == "ADMIN"
    assert me(acme, pump["access_token"])["role"] == "FIELD_OPERATOR"
    assert me(acme, nobody["access_token"])["role"] == "VIEWER"


def test_required_sso_leaves_passwords_to_the_break_glass_admin(acme, idp):
    colleague = invite(acme, "MANAGER")
    admin_email = acme.created.admin_email
    saved = configure(acme, idp, require_sso=True, break_glass_email=admin_email)
    assert saved.status_code == 200, saved.text
    refused = acme.client.post(
        "/api/v1/auth/login",
        json={"email": colleague["email"], "password": colleague["password"]},
        headers=tenant_headers(acme),
    )
    assert refused.status_code == 403 and refused.json()["code"] == "sso_required"
    allowed = acme.client.post(
        "/api/v1/auth/login",
        json={"email": admin_email, "password": acme.created.admin_password},
        headers=tenant_headers(acme),
    )
    assert allowed.status_code in (200, 403), allowed.text
    assert allowed.json().get("code") != "sso_required"
    # a wrong password still answers the usual 401, not whether SSO is required
    wrong = acme.client.post(
        "/api/v1/auth/login",
        json={"email": colleague["email"], "password": "not-the-password"},
        headers=tenant_headers(acme),
    )
    assert wrong.status_code == 401


def test_required_sso_refuses_links_that_would_start_a_password_session(sso_platform, acme, idp):
    pumper = invite(acme, "FIELD_OPERATOR")
    invited = acme.client.post(
        "/api/v1/invitations",
        json={"email": "new@acme-oil.test", "full_name": "New Hand", "role": "VIEWER"},
        headers=acme.headers,
    )
    assert invited.status_code == 201, invited.text
    configure(acme, idp, require_sso=True, break_glass_email=acme.created.admin_email)
    acme.client.post(
        "/api/v1/auth/magic-link", json={"email": pumper["email"]}, headers=tenant_headers(acme)
    )
    magic = acme.client.post(
        "/api/v1/auth/magic-link/sign-in",
        json={"token": link_token(mails(sso_platform, pumper["email"])[-1])},
        headers=tenant_headers(acme),
    )
    assert magic.status_code == 403 and magic.json()["code"] == "sso_required"
    accept = acme.client.post(
        "/api/v1/auth/invitation/accept",
        json={
            "token": link_token(mails(sso_platform, "new@acme-oil.test")[-1]),
            "password": "Long-Enough-Pass-1",
        },
        headers=tenant_headers(acme),
    )
    assert accept.status_code == 403 and accept.json()["code"] == "sso_required"
    # the invited colleague signs in with SSO instead, and is active from then on
    tokens = tokens_of(sign_in(acme, idp, "new@acme-oil.test"))
    profile = me(acme, tokens["access_token"])
    assert profile["status"] == "ACTIVE" and profile["role"] == "VIEWER"


def test_requiring_sso_needs_an_admin_for_break_glass(acme, idp):
    answer = configure(acme, idp, require_sso=True)
    assert answer.status_code == 422 and problem_field(answer) == "break_glass_email"


def test_a_provider_that_does_not_answer_is_refused_on_save(acme, idp):
    with provider() as gone:
        pass
    answer = configure(acme, gone)
    assert answer.status_code == 422 and problem_field(answer) == "discovery_url"
    assert "did not answer" in answer.json()["detail"]
    not_oidc = configure(acme, f"{idp}/jwks")
    assert not_oidc.status_code == 422 and problem_field(not_oidc) == "discovery_url"


@pytest.mark.parametrize(
    "url",
    [
        "http://idp.example.com",
        "https://169.254.169.254/latest",
        "http://[fe80::1]:8080",
        "https://user:pw@idp.example.com",
    ],
)
def test_provider_urls_must_be_https_and_not_link_local(acme, url):
    answer = configure(acme, url)
    assert answer.status_code == 422 and problem_field(answer) == "discovery_url"


def test_only_admins_configure_sso_and_start_needs_a_configuration(acme, idp):
    manager = invite(acme, "MANAGER")
    assert acme.client.get("/api/v1/auth/sso/config", headers=manager["headers"]).status_code == 403
    missing = acme.client.get("/api/v1/auth/sso/start", headers=tenant_headers(acme))
    assert missing.status_code == 404
    configure(acme, idp)
    removed = acme.client.delete("/api/v1/auth/sso/config", headers=acme.headers)
    assert removed.status_code == 204
    assert acme.client.get("/api/v1/auth/sso/config", headers=acme.headers).status_code == 404


def options(session: TenantSession) -> dict[str, Any]:
    answer = session.client.get("/api/v1/auth/options", headers=tenant_headers(session))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_the_sign_in_page_learns_the_tenants_ways_in_without_any_secret(acme, idp):
    # GIVEN a tenant without SSO: passwords and e-mailed links, no provider
    plain = options(acme)
    assert plain["tenant"] == acme.slug and plain["tenant_name"]
    assert plain["password"] is True and plain["magic_link"] is True
    assert plain["sso"] is None and plain["sso_required"] is False
    # WHEN the admin configures a provider THEN the page offers it by its start path
    configure(acme, idp)
    offered = options(acme)
    assert offered["sso"] == {"kind": "oidc", "start_path": "/api/v1/auth/sso/start"}
    assert offered["password"] is True
    # WHEN SSO becomes required THEN passwords and links are no longer offered to everyone
    configure(acme, idp, require_sso=True, break_glass_email=acme.created.admin_email)
    required = acme.client.get("/api/v1/auth/options", headers=tenant_headers(acme))
    assert required.json()["sso_required"] is True
    assert required.json()["password"] is False and required.json()["magic_link"] is False
    # AND nothing of the configuration shows: no client id, issuer, domain or admin
    for hidden in (CLIENT_ID, CLIENT_SECRET, idp, "acme-oil.test", acme.created.admin_email):
        assert hidden not in required.text
