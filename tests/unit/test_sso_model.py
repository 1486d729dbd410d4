"""The rules of an SSO configuration: provider URLs, Entra authorities, domains, role mapping."""

from __future__ import annotations

import pytest

from shared.core.common.errors import InputError
from shared.core.common.roles import Role
from shared.core.registry.model.sso import (
    EntraFlow,
    SsoConfig,
    SsoProviderKind,
    entra_authority,
    entra_discovery_url,
    normalize_discovery_url,
    normalize_domains,
    url_problem,
)


def test_an_entra_directory_id_names_its_v2_authority():
    tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    assert entra_discovery_url(tid) == (
        f"https://login.microsoftonline.com/{tid}/v2.0/.well-known/openid-configuration"
    )
    with pytest.raises(InputError) as refused:
        entra_discovery_url("../../evil")
    assert refused.value.field == "entra_tenant_id"
    with pytest.raises(InputError):
        entra_discovery_url("common")  # any directory's users: never one tenant's provider


def test_a_national_cloud_host_names_the_msal_authority_of_a_directory():
    url = entra_discovery_url("contoso.onmicrosoft.us", "https://login.microsoftonline.us/")
    assert url == (
        "https://login.microsoftonline.us/contoso.onmicrosoft.us/v2.0/.well-known/openid-configuration"
    )
    assert entra_authority(url) == "https://login.microsoftonline.us/contoso.onmicrosoft.us"


def test_an_entra_flow_survives_its_cookie_even_with_dots_in_the_pkce_verifier():
    flow = EntraFlow("st-ate_1", "no_nce-2", "ver.ifi~er.3")
    back = EntraFlow.from_cookie(flow.cookie())
    assert back is not None
    assert (back.state, back.nonce, back.verifier) == ("st-ate_1", "no_nce-2", "ver.ifi~er.3")
    assert "ver" not in repr(flow)
    for broken in (None, "", "only.two", "a..b", "x" * 700):
        assert EntraFlow.from_cookie(broken) is None


def test_an_issuer_gets_its_discovery_path():
    assert normalize_discovery_url("https://idp.example.com/") == (
        "https://idp.example.com/.well-known/openid-configuration"
    )


@pytest.mark.parametrize(
    ("url", "allow_loopback", "refused"),
    [
        ("https://idp.example.com", False, False),
        ("http://idp.example.com", True, True),
        ("http://localhost:8080", False, True),
        ("http://localhost:8080", True, False),
        ("http://127.0.0.1:8080", True, False),
        ("https://169.254.169.254/", True, True),
        ("https://[fe80::1]/", True, True),
        ("https://0.0.0.0/", True, True),
        ("https://u:p@idp.example.com", False, True),
        ("file:///etc/passwd", True, True),
    ],
)
def test_provider_urls(url, allow_loopback, refused):
    assert (url_problem(url, allow_loopback) is not None) is refused


def test_domains_are_normalized_and_checked():
    assert normalize_domains([" @Acme.Example ", "acme.example", "field.acme.example"]) == (
        "acme.example",
        "field.acme.example",
    )
    for bad in ([], ["nodot"], ["a b.example"]):
        with pytest.raises(InputError):
            normalize_domains(bad)


def test_the_first_mapped_group_gives_the_role_else_the_default():
    config = SsoConfig(
        tenant_id="t",
        kind=SsoProviderKind.OIDC,
        issuer="https://idp.example.com",
        discovery_url="https://idp.example.com/.well-known/openid-configuration",
        client_id="c",
        secret_name="s",
        allowed_domains=("acme.example",),
        default_role=Role.VIEWER,
        role_claim="groups",
        role_map={"ops": Role.MANAGER, "field": Role.FIELD_OPERATOR},
    )
    assert config.role_for(["staff", "field", "ops"]) is Role.FIELD_OPERATOR
    assert config.role_for("ops") is Role.MANAGER
    assert config.role_for(None) is Role.VIEWER
    assert config.role_for([{"not": "a string"}]) is Role.VIEWER
    assert config.domain_allowed("pat@ACME.example".lower())
    assert not config.domain_allowed("pat@acme.example.evil.test")
