"""Tenant slugs and which tenant a request names (Host subdomain or header)."""

from __future__ import annotations

import pytest

from shared.core.common.errors import InputError
from shared.core.registry.errors import TenantRoutingError
from shared.core.registry.model.tenants import RESERVED_SUBDOMAINS, validate_slug
from shared.core.registry.services.routing import slug_from_request


@pytest.mark.parametrize("slug", ["acme", "permian-basin", "a1b", "west-texas-2", "x" * 40])
def test_valid_slugs_pass(slug):
    assert validate_slug(slug) == slug


@pytest.mark.parametrize(
    "slug",
    [
        "ab",  # too short
        "x" * 41,  # too long
        "Acme",  # upper case
        "1acme",  # starts with a digit
        "-acme",
        "acme-",  # ends with a dash
        "ac--me",  # double dash
        "ac_me",
        "ac.me",
        "acme!",
        "",
    ],
)
def test_invalid_slugs_are_rejected_naming_the_field(slug):
    with pytest.raises(InputError) as caught:
        validate_slug(slug)
    assert caught.value.field == "slug"


@pytest.mark.parametrize("reserved", ["www", "api", "app", "admin", "auth", "login", "wellos"])
def test_reserved_subdomains_cannot_be_slugs(reserved):
    assert reserved in RESERVED_SUBDOMAINS
    with pytest.raises(InputError) as caught:
        validate_slug(reserved)
    assert "reserved" in caught.value.reason


BASE = "wellos.app"


@pytest.mark.parametrize(
    ("host", "header", "expected"),
    [
        ("acme.wellos.app", None, "acme"),
        ("ACME.WellOS.app", None, "acme"),
        ("acme.wellos.app:7071", None, "acme"),
        ("acme.wellos.app.", None, "acme"),
        (None, "acme", "acme"),
        ("wellos.app", "acme", "acme"),
        ("localhost:7071", " Acme ", "acme"),
        ("10.0.0.5:8080", "acme", "acme"),
        ("[::1]:7071", "acme", "acme"),
        ("acme.wellos.app", "acme", "acme"),
        ("acme.other-domain.com", "permian", "permian"),
    ],
)
def test_the_tenant_comes_from_the_subdomain_or_the_header(host, header, expected):
    # GIVEN a request's Host and X-WellOS-Tenant WHEN routed THEN the slug is the tenant's
    assert slug_from_request(host, header, BASE) == expected


@pytest.mark.parametrize(
    ("host", "header", "message_part"),
    [
        ("acme.wellos.app", "permian", "different tenants"),
        (None, None, "no tenant"),
        ("wellos.app", None, "no tenant"),
        ("wellos.app", "   ", "no tenant"),
        ("localhost", None, "no tenant"),
        ("www.wellos.app", None, "reserved"),
        ("api.wellos.app:443", None, "reserved"),
        (None, "www", "reserved"),
        ("a.acme.wellos.app", None, "not a tenant subdomain"),
        ("x.y.wellos.app", "acme", "not a tenant subdomain"),
        (None, "not a slug!", "not a valid tenant"),
        ("ab.wellos.app", None, "not a valid tenant"),
    ],
)
def test_requests_without_exactly_one_valid_tenant_are_refused(host, header, message_part):
    # GIVEN a request naming no tenant, two tenants, a reserved or a nested subdomain
    # WHEN routed THEN it is a routing error saying why
    with pytest.raises(TenantRoutingError) as caught:
        slug_from_request(host, header, BASE)
    assert message_part in caught.value.detail


def test_the_no_tenant_message_names_the_base_domain():
    with pytest.raises(TenantRoutingError) as caught:
        slug_from_request("localhost:7071", None, "localhost")
    assert "{tenant}.localhost" in caught.value.detail
