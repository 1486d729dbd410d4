"""Ports of the master registry (tenants, users, refresh tokens, throttling, audit), and
the ports that open units of work and provision tenant databases.

`MasterUnitOfWork` holds the registry's own repositories; a feature that keeps
something in the master database extends it in its own `ports.py` (the gateway
registry in `shared.core.scada.ports`, the ETL registry in
`shared.core.etl.ports.registry`), as the tenant features extend `UnitOfWork`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from shared.core.common.pages import Page
from shared.core.common.units_of_work import AuditQuery, UnitOfWork
from shared.core.registry.model.api_keys import ApiKey
from shared.core.registry.model.links import LinkPurpose, OutboxMail, UserLink
from shared.core.registry.model.mfa import MfaRequirement, TotpEnrolment
from shared.core.registry.model.sessions import UserSession
from shared.core.registry.model.sso import EntraFlow, OidcDiscovery, SsoConfig, SsoState
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.registry.model.users import User


@dataclass(frozen=True)
class RefreshTokenRecord:
    id: str
    family_id: str
    user_id: str
    tenant_id: str
    token_hash: str
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class MasterAuditEntry:
    action: str
    entity: str
    entity_id: str
    actor: str
    at: datetime
    tenant_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    request_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class TenantRegistry(Protocol):
    def add(self, tenant: Tenant) -> None: ...

    def get(self, tenant_id: str) -> Tenant | None: ...

    def get_by_slug(self, slug: str) -> Tenant | None: ...

    def list(self) -> list[Tenant]: ...

    def set_status(self, tenant_id: str, status: TenantStatus, at: datetime) -> None: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...

    def get(self, tenant_id: str, user_id: str) -> User | None: ...

    def get_by_email(self, tenant_id: str, email: str) -> User | None: ...

    def list(self, tenant_id: str, limit: int, offset: int) -> Page[User]: ...

    def update(self, user: User) -> None: ...


class RefreshTokenRepository(Protocol):
    def add(self, record: RefreshTokenRecord) -> None: ...

    def get_by_hash(self, token_hash: str) -> RefreshTokenRecord | None: ...

    def mark_used(self, token_id: str, at: datetime) -> bool:
        """Mark the token used; False when it was already used (a replay)."""
        ...

    def revoke_family(self, family_id: str, at: datetime) -> None: ...

    def revoke_user(self, user_id: str, at: datetime) -> None: ...


@dataclass(frozen=True)
class AttemptWindow:
    """Login attempts counted under one key since `started_at` (this one included)."""

    attempts: int
    started_at: datetime


class LoginAttemptLog(Protocol):
    """Login attempts per throttle key, in fixed windows.

    `count_attempt` is one atomic statement, so concurrent attempts on one key each
    get their own number, across processes: at most the limit are ever evaluated.
    """

    def count_attempt(self, key: str, at: datetime, window_s: int) -> AttemptWindow:
        """Count one more attempt; a window that started `window_s` or more ago restarts."""
        ...

    def refund_attempt(self, key: str) -> None:
        """Take one attempt back (it succeeded)."""
        ...

    def clear(self, key: str) -> None: ...

    def prune(self, started_before: datetime) -> None:
        """Forget windows that started before `started_before` (they have ended)."""
        ...


class MasterAuditLog(Protocol):
    def record(self, entry: MasterAuditEntry) -> None: ...

    def search(self, tenant_id: str, query: AuditQuery, limit: int) -> list[MasterAuditEntry]:
        """The tenant's newest `limit` entries matching `query`, newest first."""
        ...

    def count(self, tenant_id: str, query: AuditQuery) -> int: ...


class UserLinkRepository(Protocol):
    """Single-use links (stored hashed) of users."""

    def add(self, link: UserLink) -> None: ...

    def get_by_hash(self, token_hash: str) -> UserLink | None: ...

    def mark_used(self, link_id: str, at: datetime) -> bool:
        """Spend the link; False when it was already spent or revoked (a replay)."""
        ...

    def revoke(self, user_id: str, purpose: LinkPurpose | None, at: datetime) -> None:
        """Revoke the user's unspent links of `purpose` (every purpose when None)."""
        ...


class SessionRepository(Protocol):
    """Sessions (refresh-token families) with their device and last use."""

    def add(self, session: UserSession) -> None: ...

    def get(self, session_id: str) -> UserSession | None: ...

    def list_active(self, tenant_id: str, user_id: str) -> list[UserSession]:
        """The user's sessions that have not ended, most recently used first."""
        ...

    def touch(self, session_id: str, at: datetime) -> None: ...

    def end(self, session_ids: list[str], at: datetime) -> None:
        """End these sessions (those already ended keep their time)."""
        ...


class MfaRepository(Protocol):
    """TOTP enrolments, recovery codes (hashed) and each tenant's MFA requirement."""

    def get(self, tenant_id: str, user_id: str) -> TotpEnrolment | None: ...

    def put(self, enrolment: TotpEnrolment) -> None:
        """Insert or replace the user's enrolment."""
        ...

    def use_step(self, user_id: str, step: int) -> bool:
        """Record `step` as used; False when it is not after the last one used (a replay)."""
        ...

    def delete(self, user_id: str) -> None:
        """Drop the enrolment and the recovery codes."""
        ...

    def replace_recovery_codes(self, user_id: str, code_hashes: list[str]) -> None: ...

    def use_recovery_code(self, user_id: str, code_hash: str, at: datetime) -> bool:
        """Spend an unused code; False if there is none such."""
        ...

    def requirement(self, tenant_id: str) -> MfaRequirement: ...

    def reseal_all(self) -> int:
        """Seal every stored authenticator secret with the current key (after a key
        rotation); answers how many were re-sealed."""
        ...

    def set_requirement(self, tenant_id: str, requirement: MfaRequirement) -> None: ...


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKey) -> None: ...

    def get(self, tenant_id: str, key_id: str) -> ApiKey | None: ...

    def get_by_hash(self, key_hash: str) -> ApiKey | None: ...

    def list(self, tenant_id: str) -> list[ApiKey]: ...

    def revoke(self, tenant_id: str, key_id: str, at: datetime) -> None: ...

    def touch(self, key_id: str, at: datetime) -> None: ...


class MailOutbox(Protocol):
    """E-mails queued in the master database, sent later by the mail dispatcher.

    Queued in the transaction of what they announce: an invitation whose mail
    cannot be queued is rolled back with it.
    """

    def add(self, mail: OutboxMail) -> None: ...

    def due(self, now: datetime, limit: int) -> list[OutboxMail]: ...

    def claim(self, mail_id: str, seen_due_at: datetime, lease_until: datetime) -> bool:
        """Move a due mail's next attempt to the lease's end; False if another took it."""
        ...

    def sent(self, mail_id: str, attempts: int, at: datetime) -> None:
        """Mark it SENT and drop its body (it may hold a link)."""
        ...

    def failed(
        self, mail_id: str, attempts: int, error: str, next_attempt_at: datetime | None
    ) -> None:
        """Schedule the next attempt, or mark it FAILED (and drop its body) when None."""
        ...


class SsoRepository(Protocol):
    """Per-tenant SSO configuration and the sign-ins in flight (by hashed state)."""

    def get_config(self, tenant_id: str) -> SsoConfig | None: ...

    def put_config(self, config: SsoConfig) -> None: ...

    def delete_config(self, tenant_id: str) -> None: ...

    def add_state(self, state: SsoState) -> None: ...

    def spend_state(self, state_hash: str, tenant_id: str, at: datetime) -> SsoState | None:
        """Mark an unspent, unexpired state of the tenant used and return it; else None."""
        ...


class OidcProvider(Protocol):
    """An OpenID Connect provider over HTTP (discovery, token endpoint, JWKS)."""

    def discover(self, discovery_url: str) -> OidcDiscovery:
        """The provider's endpoints; SsoDiscoveryError (an InputError) with the reason."""
        ...

    def exchange_code(
        self,
        discovery: OidcDiscovery,
        client_id: str,
        client_secret: str,
        code: str,
        redirect_uri: str,
        code_verifier: str,
    ) -> str:
        """The id token the token endpoint answers; SsoTokenInvalidError otherwise."""
        ...

    def verify_id_token(
        self, discovery: OidcDiscovery, id_token: str, audience: str
    ) -> dict[str, object]:
        """The claims of a token signed by a JWKS key, of the issuer, for `audience`, unexpired."""
        ...


class EntraSignIn(Protocol):
    """Entra ID's authorization-code flow with PKCE as MSAL runs it (state and nonce checked)."""

    def begin(
        self, authority: str, client_id: str, client_secret: str, redirect_uri: str, state: str
    ) -> EntraFlow:
        """A new flow with `state`: its authorize URL, nonce and PKCE verifier.

        SsoDiscoveryError when the authority's metadata does not answer."""
        ...

    def complete(
        self,
        authority: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        flow: EntraFlow,
        code: str,
        returned_state: str,
    ) -> str:
        """Redeem the code of `flow` and answer the raw id token (its signature is the
        caller's to verify); SsoStateInvalidError on a state mismatch,
        SsoTokenInvalidError on a nonce mismatch or a refused code."""
        ...


class MasterUnitOfWork(Protocol):
    """One transaction on the master database; rolls back unless committed."""

    tenants: TenantRegistry
    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    login_attempts: LoginAttemptLog
    audit: MasterAuditLog
    links: UserLinkRepository
    outbox: MailOutbox
    sessions: SessionRepository
    mfa: MfaRepository
    api_keys: ApiKeyRepository
    sso: SsoRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


class MasterDatabase(Protocol):
    def unit_of_work(self) -> MasterUnitOfWork: ...


class TenantDatabases(Protocol):
    """The registry's hold on the tenants' databases: their cached connection pools."""

    def forget(self, tenant: Tenant) -> None:
        """Drop any cached connection pool of `tenant` (after suspend or a URL change)."""
        ...


class TenantAuditDatabases(Protocol):
    """Opens units of work on the database of one tenant (and no other), for its audit log."""

    def unit_of_work(self, tenant: Tenant) -> UnitOfWork: ...


@dataclass(frozen=True)
class ProvisionedDatabase:
    url: str
    kind: DatabaseKind
    created: bool
    name: str


class TenantProvisioner(Protocol):
    def create_database(self, slug: str, adopt_existing: bool = False) -> ProvisionedDatabase:
        """Create the tenant's database on the master's server and return its URL.

        One of that name that already exists raises `DatabaseExistsError`, unless
        `adopt_existing` (then it is used as it is, `created` False).
        """
        ...

    def drop_database(self, slug: str) -> None:
        """Drop the tenant's database on the master's server (one whose tenant was never made)."""
        ...

    def existing_tables(self, url: str) -> list[str]:
        """The tables the database at `url` already holds (its default schema), sorted."""
        ...

    def describe(self, url: str) -> ProvisionedDatabase:
        """Check an operator-given URL and tell its kind, without creating anything."""
        ...

    def migrate(self, url: str) -> str:
        """Bring the tenant schema at `url` to head; returns the revision reached."""
        ...
