"""Single sign-on per tenant with OpenID Connect: the configuration and its rules.

A tenant's admin names an issuer (any standards-based one, or Entra ID by its
tenant id), the client id and secret (the secret lives in the Secrets port; the
registry holds its name only), the e-mail domains allowed in, the role of a user
provisioned at first sign-in, and optionally a claim whose values map to roles.
A sign-in in flight is one row keyed by the SHA-256 of its `state`; its nonce is
stored hashed too, and its PKCE verifier stays in the browser that started it.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from shared.core.common.errors import InputError
from shared.core.common.roles import Role

SSO_STATE_TTL = timedelta(minutes=10)
MAX_DOMAINS = 50
MAX_ROLE_MAP = 100
MAX_URL_LENGTH = 500
ENTRA_AUTHORITY_HOST = "https://login.microsoftonline.com"
ENTRA_DISCOVERY_SUFFIX = "/v2.0/.well-known/openid-configuration"
DISCOVERY_PATH = "/.well-known/openid-configuration"
MULTI_TENANT_AUTHORITIES = frozenset({"common", "organizations", "consumers"})

# Instance-metadata and other never-fetch addresses (as the ETL source policy refuses).
METADATA_ADDRESSES = frozenset(
    {"169.254.169.254", "169.254.170.2", "169.254.169.123", "169.254.169.253", "fd00:ec2::254"}
)


class SsoProviderKind(StrEnum):
    OIDC = "oidc"
    ENTRA = "entra"


@dataclass(frozen=True)
class SsoConfig:
    tenant_id: str
    kind: SsoProviderKind
    issuer: str
    """The issuer the id tokens must name (from discovery)."""
    discovery_url: str
    client_id: str
    secret_name: str
    allowed_domains: tuple[str, ...]
    default_role: Role
    role_claim: str | None = None
    role_map: dict[str, Role] = field(default_factory=dict)
    require_sso: bool = False
    break_glass_email: str | None = None
    updated_at: datetime | None = None

    def domain_allowed(self, email: str) -> bool:
        domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
        return bool(domain) and domain in self.allowed_domains

    def role_for(self, claim_value: object) -> Role:
        """The first mapped value of the role claim (a string or a list), else the default."""
        if not self.role_claim or not self.role_map:
            return self.default_role
        values = claim_value if isinstance(claim_value, list) else [claim_value]
        for value in values:
            if isinstance(value, str) and value in self.role_map:
                return self.role_map[value]
        return self.default_role


@dataclass(frozen=True)
class OidcDiscovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class EntraFlow:
    """One Entra ID sign-in in flight as MSAL runs it: the secrets the browser keeps.

    MSAL puts `sha256(nonce)` in the authorize URL, so the id token's `nonce`
    claim is that hash. The browser carries the three values in one HttpOnly
    cookie (`cookie()`), so MSAL's own state and nonce checks compare what the
    browser started with what the provider sent back.
    """

    state: str
    nonce: str
    verifier: str
    authorize_url: str = ""

    def __repr__(self) -> str:  # never print the flow's secrets
        return "EntraFlow(...)"

    def cookie(self) -> str:
        return f"{self.state}.{self.nonce}.{self.verifier}"

    @classmethod
    def from_cookie(cls, value: str | None) -> EntraFlow | None:
        # state and nonce are url-safe base64; MSAL's PKCE verifier may itself hold dots
        parts = (value or "").split(".", 2)
        if len(parts) != 3 or not all(parts) or len(value or "") > 600:
            return None
        return cls(parts[0], parts[1], parts[2])


@dataclass(frozen=True)
class SsoState:
    state_hash: str
    tenant_id: str
    nonce_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


def secret_name_for(tenant_id: str) -> str:
    return f"sso-client-secret-{tenant_id}"


def new_state() -> str:
    return secrets.token_urlsafe(32)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def entra_discovery_url(entra_tenant_id: str, host: str = ENTRA_AUTHORITY_HOST) -> str:
    """The v2.0 discovery document of one directory at the Entra sign-in host (a national
    cloud's, or a local provider in the tests, through a setting)."""
    tid = entra_tenant_id.strip()
    if not tid or not all(c.isalnum() or c in "-." for c in tid) or len(tid) > 100:
        raise InputError("entra_tenant_id", "must be a directory (tenant) id or domain")
    if tid.lower() in MULTI_TENANT_AUTHORITIES:
        # their id tokens name each user's own directory as issuer: one tenant's only
        raise InputError("entra_tenant_id", "must be your directory's id, not a shared authority")
    return f"{host.rstrip('/')}/{tid}{ENTRA_DISCOVERY_SUFFIX}"


def entra_authority(discovery_url: str) -> str:
    """The MSAL authority (`https://host/{tenant}`) of an Entra discovery URL."""
    return discovery_url.removesuffix(ENTRA_DISCOVERY_SUFFIX)


def normalize_discovery_url(url: str) -> str:
    url = url.strip()
    if not url.endswith(DISCOVERY_PATH):
        url = url.rstrip("/") + DISCOVERY_PATH
    return url


def url_problem(url: str, allow_loopback_http: bool) -> str | None:
    """Why a tenant-given provider URL may not be fetched, or None.

    HTTPS only (plain HTTP to a loopback address when the setting allows it, for
    tests); never a link-local, metadata or unspecified address.
    """
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "is not a URL"
    if not host or parts.username or parts.password:
        return "must be an https URL with a host and no credentials"
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if str(address) in METADATA_ADDRESSES or address.is_link_local:
            return "must not point at a link-local or metadata address"
        if address.is_unspecified or address.is_multicast:
            return "must not point at an unspecified or multicast address"
    loopback = host == "localhost" or (address is not None and address.is_loopback)
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and loopback and allow_loopback_http:
        return None
    return "must use https"


def normalize_domains(domains: list[str]) -> tuple[str, ...]:
    cleaned: list[str] = []
    for raw in domains:
        domain = raw.strip().lower().lstrip("@")
        if (
            not domain
            or "." not in domain
            or len(domain) > 253
            or any(not (c.isalnum() or c in "-.") for c in domain)
        ):
            raise InputError("allowed_domains", f"{raw[:80]!r} is not a domain")
        if domain not in cleaned:
            cleaned.append(domain)
    if not cleaned:
        raise InputError("allowed_domains", "must name at least one domain")
    if len(cleaned) > MAX_DOMAINS:
        raise InputError("allowed_domains", f"at most {MAX_DOMAINS} domains")
    return tuple(cleaned)
