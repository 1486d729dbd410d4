"""The local hosts' uvicorn and links: the peer from the socket, URL credentials out of
uvicorn's logs, and blob links from the configured URL or the server's own address."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from functions.api.logging import redact
from functions.local.server import local_public_url, uvicorn_config, with_public_url
from shared.bootstrap import api_url, app_url
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.settings import Settings

TENANT_FIELDS = {
    "id": "t-1", "slug": "acme", "name": "Acme", "status": TenantStatus.ACTIVE,
    "tier": "standard", "database_kind": DatabaseKind.POSTGRESQL,
    "connection_secret_ref": "tenant-db-acme", "region": "local", "storage_provider": "filesystem",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _no_wellos_environment(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("WELLOS_"):
            monkeypatch.delenv(name)


async def _app(scope, receive, send) -> None:  # pragma: no cover - never called
    raise AssertionError


def test_uvicorn_never_rewrites_the_peer_from_forwarded_headers():
    config = uvicorn_config(_app, "127.0.0.1", 7071)
    assert config.proxy_headers is False


def test_uvicorns_access_lines_lose_their_tokens():
    # GIVEN uvicorn configured as the local hosts do, and an access record as it writes one
    uvicorn_config(_app, "127.0.0.1", 7071, access_log=True)
    logger = logging.getLogger("uvicorn.access")
    path = "/api/v1/blobs/tenants/acme/a.jpg?token=eyJzZWNyZXQi.c2ln&x=1"
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "PUT", path, "1.1", 201), None,
    )  # fmt: skip
    # WHEN its filters run
    assert all(f.filter(record) for f in logger.filters)
    # THEN the token is gone and the arguments keep their shape for uvicorn's formatter
    assert record.args[2] == "/api/v1/blobs/tenants/acme/a.jpg?token=[redacted]&x=1"
    assert "eyJzZWNyZXQi" not in record.getMessage()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/x?sig=abc&sv=2024", "/x?sig=[redacted]&sv=2024"),
        ("/x?X-Amz-Signature=f00&X-Amz-Date=1", "/x?X-Amz-Signature=[redacted]&X-Amz-Date=1"),
        ("GET /cb?state=s&code=c1 HTTP/1.1", "GET /cb?state=[redacted]&code=[redacted] HTTP/1.1"),
        ("/api/v1/wells?limit=5", "/api/v1/wells?limit=5"),
    ],
)  # fmt: skip
def test_credentials_in_urls_are_redacted(text, expected):
    assert redact(text) == expected


def test_links_come_from_the_configured_url_else_the_bind_address():
    configured = Settings(public_api_url="https://api.example.com/wellos/")
    assert with_public_url(configured, "0.0.0.0", 7071).public_api_url == (
        "https://api.example.com/wellos"
    )
    assert with_public_url(Settings(), "127.0.0.1", 8080).public_api_url == (
        "http://127.0.0.1:8080"
    )
    assert local_public_url("::1", 7071) == "http://[::1]:7071"
    # a wildcard bind has no one address: links stay relative to the URL each caller used
    assert with_public_url(Settings(), "0.0.0.0", 7071).public_api_url is None


def test_e_mailed_links_point_at_the_office_app_this_server_serves_on_the_tenants_host():
    local = with_public_url(Settings(), "127.0.0.1", 8080)
    assert local.public_app_url == "http://127.0.0.1:8080"
    acme = Tenant(**TENANT_FIELDS)
    # a browser resolves acme.localhost to this loopback port: the app and the API know the tenant
    assert app_url(local)(acme) == "http://acme.localhost:8080"
    assert api_url(local)(acme) == "http://acme.localhost:8080"
    assert app_url(with_public_url(Settings(), "::1", 7071))(acme) == "http://acme.localhost:7071"
    # a deployed host's addresses are kept as they are
    deployed = Settings(public_api_url="https://api.example.com", base_domain="wellos.example")
    assert api_url(deployed)(acme) == "https://api.example.com"
    assert app_url(deployed)(acme) == "https://acme.wellos.example"
    configured = Settings(public_app_url="https://office.example.com")
    assert with_public_url(configured, "127.0.0.1", 8080).public_app_url == (
        "https://office.example.com"
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://user:pw@api.example.com", "https://a.example/?x=1"]
)
def test_a_public_url_must_be_a_plain_http_base(url):
    with pytest.raises(ValidationError, match="public_api_url"):
        Settings(public_api_url=url)


def test_trusted_proxies_must_be_addresses_or_networks():
    assert len(Settings(trusted_proxies="10.0.0.0/8, 192.0.2.7").trusted_proxy_networks) == 2
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(trusted_proxies="proxy.example.com")
