"""SSO with Entra ID through MSAL, end to end against a real provider over TLS.

The tenant's provider is `kind: entra` with a directory id; WellOS runs the flow
with `msal.ConfidentialClientApplication` (authority `https://host/{directory}`),
and the host is a local `oidc-provider-mock` served over TLS at the Entra-shaped
path, its certificate signed by a test CA WellOS trusts (`sso_ca_bundle`).
Nothing of MSAL is replaced: it fetches the discovery document, builds the
authorize URL, redeems the code and checks state and nonce; WellOS then checks
the id token's signature, issuer, audience and expiry by the provider's JWKS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from shared.bootstrap import Platform
from tests.integration.api_support import (
    api_client,
    master_audit,
    problem_field,
    started_platform,
    unique,
)
from tests.integration.conftest import TenantSession, open_tenant
from tests.integration.identity_support import bearer, tenant_headers
from tests.integration.tls_provider import ProviderCa, entra_like_provider, make_test_ca

DIRECTORY = "3f2a6c1e-0d4b-4b8e-9a51-7c2d9e8f1a00"
STALE_DIRECTORY = "contoso.onmicrosoft.com"
"""A directory whose provider issues tokens that expired an hour ago."""
CLIENT_ID = "b1c2d3e4-wellos-acme"
CLIENT_SECRET = "entra-client-secret-9d1c"


@pytest.fixture(scope="module")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> ProviderCa:
    return make_test_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def entra_host(test_ca: ProviderCa) -> Iterator[str]:
    directories = {
        DIRECTORY: {},
        STALE_DIRECTORY: {"access_token_max_age": timedelta(hours=-1)},
    }
    with entra_like_provider(test_ca, directories) as host:
        yield host


@pytest.fixture(scope="module")
def entra_platform(
    pg_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    test_ca: ProviderCa,
    entra_host: str,
) -> Iterator[Platform]:
    with started_platform(
        pg_server_url,
        tmp_path_factory.mktemp("state"),
        sso_entra_authority_host=entra_host,
        sso_ca_bundle=str(test_ca.ca_file),
        sso_jwks_refresh_cooldown_s=0,
        public_app_url="https://office.wellos.test",
    ) as platform:
        yield platform


@pytest.fixture(scope="module")
def entra_client(entra_platform: Platform) -> Iterator[TestClient]:
    with api_client(entra_platform) as client:
        yield client


@pytest.fixture()
def acme(entra_platform: Platform, entra_client: TestClient) -> TenantSession:
    entra_client.cookies.clear()
    return open_tenant(entra_platform, entra_client, unique("entra").lower()[:30])


def configure(
    session: TenantSession, directory: str = DIRECTORY, **overrides: Any
) -> httpx.Response:
    body = {
        "kind": "entra",
        "entra_tenant_id": directory,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "allowed_domains": ["acme-oil.test"],
        "default_role": "VIEWER",
        **overrides,
    }
    return session.client.put("/api/v1/auth/sso/config", json=body, headers=session.headers)


def start(session: TenantSession) -> str:
    response = session.client.get(
        "/api/v1/auth/sso/start", headers=tenant_headers(session), follow_redirects=False
    )
    assert response.status_code == 302, response.text
    return response.headers["location"]


def authorize(
    ca: ProviderCa, authorize_url: str, sub: str, **replace_params: str
) -> dict[str, str]:
    """Sign in at the provider as `sub`: the code and state it sends back to WellOS."""
    parts = urlsplit(authorize_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(replace_params)
    url = urlunsplit(parts._replace(query=urlencode(query)))
    answer = httpx.post(url, data={"sub": sub}, follow_redirects=False, verify=str(ca.ca_file))
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/api/v1/auth/sso/callback"
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def set_user(ca: ProviderCa, host: str, sub: str, **claims: Any) -> None:
    response = httpx.put(
        f"{host}/{DIRECTORY}/v2.0/users/{sub}",
        json={"email": sub, **claims},
        verify=str(ca.ca_file),
    )
    assert response.status_code == 204, response.text


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
    return {k: v[0] for k, v in parse_qs(location.fragment.split("?", 1)[1]).items()}


def me(session: TenantSession, access_token: str) -> dict[str, Any]:
    response = session.client.get("/api/v1/me", headers=bearer(session, access_token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_office_user_signs_in_with_entra_id_through_msal(
    entra_platform, acme, entra_host, test_ca
):
    # GIVEN an admin who names the tenant's Entra directory, app id and secret
    saved = configure(acme)
    assert saved.status_code == 200, saved.text
    assert saved.json()["kind"] == "entra"
    assert saved.json()["discovery_url"] == (
        f"{entra_host}/{DIRECTORY}/v2.0/.well-known/openid-configuration"
    )
    assert CLIENT_SECRET not in saved.text
    sign_in_page = acme.client.get("/api/v1/auth/options", headers=tenant_headers(acme))
    assert sign_in_page.json()["sso"]["kind"] == "entra"
    # WHEN a colleague opens the start URL: MSAL built the authorize request
    location = start(acme)
    assert location.startswith(f"{entra_host}/{DIRECTORY}/v2.0/")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == [CLIENT_ID] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [f"https://{acme.slug}.localhost/api/v1/auth/sso/callback"]
    assert {"openid", "email", "offline_access"} <= set(query["scope"][0].split())
    assert len(query["nonce"][0]) == 64  # MSAL sends the SHA-256 of its nonce
    # AND signs in at the provider
    set_user(test_ca, entra_host, "kim@acme-oil.test", name="Kim Office")
    answer = callback(acme, authorize(test_ca, location, "kim@acme-oil.test"))
    # THEN a WellOS session starts for the provisioned user
    tokens = tokens_of(answer)
    profile = me(acme, tokens["access_token"])
    assert profile["email"] == "kim@acme-oil.test" and profile["role"] == "VIEWER"
    assert profile["full_name"] == "Kim Office"
    actions = [e["action"] for e in master_audit(entra_platform, profile["id"])]
    assert "user.provisioned_by_sso" in actions and "user.signed_in_by_sso" in actions
    # AND the client secret appears in no audit entry
    assert all(
        CLIENT_SECRET not in str(e) for e in master_audit(entra_platform, acme.created.tenant.id)
    )


def test_a_code_and_a_state_work_once(acme, test_ca):
    configure(acme)
    params = authorize(test_ca, start(acme), "once@acme-oil.test")
    assert callback(acme, params).status_code == 302
    replay = callback(acme, params)
    assert replay.status_code == 422 and problem_field(replay) == "state"


def test_a_replayed_code_with_a_fresh_flow_is_refused(acme, test_ca):
    configure(acme)
    first = authorize(test_ca, start(acme), "code@acme-oil.test")
    assert callback(acme, first).status_code == 302
    fresh_state = parse_qs(urlsplit(start(acme)).query)["state"][0]
    replay = callback(acme, {"code": first["code"], "state": fresh_state})
    assert replay.status_code == 401 and replay.json()["code"] == "sso_token_invalid"
    assert CLIENT_SECRET not in replay.text


def test_an_id_token_with_another_nonce_is_refused_by_msal(acme, test_ca):
    configure(acme)
    other_nonce = hashlib.sha256(b"another sign-in").hexdigest()
    params = authorize(test_ca, start(acme), "nonce@acme-oil.test", nonce=other_nonce)
    answer = callback(acme, params)
    assert answer.status_code == 401
    assert "nonce" in answer.json()["detail"]


def test_a_callback_needs_the_browser_and_the_flow_that_started_it(acme, test_ca):
    configure(acme)
    first = authorize(test_ca, start(acme), "flow@acme-oil.test")
    start(acme)  # a second sign-in in the same browser replaces the first one's cookie
    answer = callback(acme, first)
    assert answer.status_code == 422 and problem_field(answer) == "cookie"
    params = authorize(test_ca, start(acme), "flow@acme-oil.test")
    acme.client.cookies.clear()
    assert problem_field(callback(acme, params)) == "cookie"


def test_an_expired_id_token_is_refused(acme, test_ca):
    configure(acme, STALE_DIRECTORY)
    answer = callback(acme, authorize(test_ca, start(acme), "late@acme-oil.test"))
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"]


def test_an_unknown_directory_is_refused_on_save(acme):
    answer = configure(acme, "no-such-directory")
    assert answer.status_code == 422 and problem_field(answer) == "discovery_url"
    shared = configure(acme, "common")
    assert shared.status_code == 422 and problem_field(shared) == "entra_tenant_id"


def test_a_domain_outside_the_allowed_ones_is_refused(acme, test_ca, entra_host):
    configure(acme)
    set_user(test_ca, entra_host, "eve@elsewhere.test")
    answer = callback(acme, authorize(test_ca, start(acme), "eve@elsewhere.test"))
    assert answer.status_code == 403 and answer.json()["code"] == "sso_domain_refused"


def test_a_group_claim_maps_to_a_role(acme, test_ca, entra_host):
    configure(acme, role_claim="groups", role_map={"wellos-admins": "ADMIN"})
    set_user(test_ca, entra_host, "boss@acme-oil.test", groups=["wellos-admins"])
    tokens = tokens_of(callback(acme, authorize(test_ca, start(acme), "boss@acme-oil.test")))
    assert me(acme, tokens["access_token"])["role"] == "ADMIN"
