"""The in-memory twin of the master database: `MemoryMasterDatabase`.

Its units of work carry the registry's repositories (tenants, users, refresh tokens,
login throttle, audit events, single-use links, the mail outbox, sessions, MFA, API
keys, SSO) and the features' master rows (gateways, the tenants' ETL configurations:
shared/adapters/memory/gateway_registry.py, etl_config.py) over one `MasterData`, with
the transaction semantics of `MemoryUnitOfWork`. So one `MemoryMasterDatabase` is the
master of the registry, the SCADA (`GatewayMasterDatabase`) and the ETL
(`EtlMasterDatabase`) services alike.

Each repository keeps what the SQL one promises (tests/contracts/test_registry_repositories.py
runs both through one suite): unique slugs, e-mails per tenant and token hashes are
refused (`ValueError`, a conflict inside a savepoint), a spent token or link cannot be
spent again, revoking touches only what is not revoked yet.
"""

from __future__ import annotations

import builtins
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta

from shared.adapters.memory.audit import matches
from shared.adapters.memory.etl_config import EtlDocument, MemoryEtlConfigRegistry
from shared.adapters.memory.gateway_registry import MemoryGatewayRegistry
from shared.adapters.memory.units_of_work import MemoryState, MemoryUnitOfWork
from shared.core.common.pages import Page
from shared.core.common.units_of_work import AuditQuery
from shared.core.etl.ports.registry import EtlConfigRegistry, EtlMasterDatabase
from shared.core.ports.notifications import NotificationError
from shared.core.registry.model.api_keys import ApiKey
from shared.core.registry.model.links import LinkPurpose, OutboxMail, UserLink
from shared.core.registry.model.mfa import MfaRequirement, TotpEnrolment
from shared.core.registry.model.sessions import UserSession
from shared.core.registry.model.sso import SsoConfig, SsoState
from shared.core.registry.model.tenants import Tenant, TenantStatus
from shared.core.registry.model.users import User
from shared.core.registry.ports import (
    ApiKeyRepository,
    AttemptWindow,
    LoginAttemptLog,
    MailOutbox,
    MasterAuditEntry,
    MasterAuditLog,
    MasterDatabase,
    MfaRepository,
    RefreshTokenRecord,
    RefreshTokenRepository,
    SessionRepository,
    SsoRepository,
    TenantRegistry,
    UserLinkRepository,
    UserRepository,
)
from shared.core.scada.ports import Gateway, GatewayMasterDatabase, GatewayRegistry

STORE = "registry"


@dataclass
class RecoveryCode:
    user_id: str
    code_hash: str
    used_at: datetime | None = None


@dataclass
class MasterData:
    """The master database's registry rows."""

    tenants: dict[str, Tenant] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshTokenRecord] = field(default_factory=dict)
    throttle: dict[str, AttemptWindow] = field(default_factory=dict)
    audit: list[MasterAuditEntry] = field(default_factory=list)
    links: dict[str, UserLink] = field(default_factory=dict)
    outbox: dict[str, OutboxMail] = field(default_factory=dict)
    outbox_errors: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, UserSession] = field(default_factory=dict)
    totp: dict[str, TotpEnrolment] = field(default_factory=dict)
    recovery_codes: list[RecoveryCode] = field(default_factory=list)
    mfa_required: dict[str, MfaRequirement] = field(default_factory=dict)
    api_keys: dict[str, ApiKey] = field(default_factory=dict)
    sso_configs: dict[str, SsoConfig] = field(default_factory=dict)
    sso_states: dict[str, SsoState] = field(default_factory=dict)
    gateways: dict[str, Gateway] = field(default_factory=dict)
    etl: dict[str, EtlDocument] = field(default_factory=dict)
    """tenant id -> its ETL configuration (`tenants.etl_config` on PostgreSQL)."""


def _unique(taken: bool, what: str) -> None:
    if taken:
        raise ValueError(f"duplicate {what}")


class MemoryTenantRegistry:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def add(self, tenant: Tenant) -> None:
        _unique(tenant.id in self._d.tenants, "tenant id")
        _unique(self.get_by_slug(tenant.slug) is not None, "tenant slug")
        self._d.tenants[tenant.id] = tenant

    def get(self, tenant_id: str) -> Tenant | None:
        return self._d.tenants.get(tenant_id)

    def get_by_slug(self, slug: str) -> Tenant | None:
        return next((t for t in self._d.tenants.values() if t.slug == slug), None)

    def list(self) -> list[Tenant]:
        return sorted(self._d.tenants.values(), key=lambda t: t.slug)

    def set_status(self, tenant_id: str, status: TenantStatus, at: datetime) -> None:
        found = self._d.tenants.get(tenant_id)
        if found is not None:
            self._d.tenants[tenant_id] = replace(found, status=status, updated_at=at)


class MemoryUserRepository:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def add(self, user: User) -> None:
        _unique(user.id in self._d.users, "user id")
        _unique(self.get_by_email(user.tenant_id, user.email) is not None, "e-mail")
        self._d.users[user.id] = user

    def get(self, tenant_id: str, user_id: str) -> User | None:
        found = self._d.users.get(user_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    def get_by_email(self, tenant_id: str, email: str) -> User | None:
        return next(
            (u for u in self._d.users.values() if u.tenant_id == tenant_id and u.email == email),
            None,
        )

    def list(self, tenant_id: str, limit: int, offset: int) -> Page[User]:
        users = sorted(
            (u for u in self._d.users.values() if u.tenant_id == tenant_id), key=lambda u: u.email
        )
        return Page(users[offset : offset + limit], len(users), limit, offset)

    def update(self, user: User) -> None:
        if self.get(user.tenant_id, user.id) is not None:
            self._d.users[user.id] = user


class MemoryRefreshTokenRepository:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def add(self, record: RefreshTokenRecord) -> None:
        _unique(self.get_by_hash(record.token_hash) is not None, "token hash")
        self._d.refresh_tokens[record.id] = replace(record, used_at=None, revoked_at=None)

    def get_by_hash(self, token_hash: str) -> RefreshTokenRecord | None:
        tokens = self._d.refresh_tokens.values()
        return next((r for r in tokens if r.token_hash == token_hash), None)

    def mark_used(self, token_id: str, at: datetime) -> bool:
        found = self._d.refresh_tokens.get(token_id)
        if found is None or found.used_at is not None:
            return False
        self._d.refresh_tokens[token_id] = replace(found, used_at=at)
        return True

    def _revoke_where(self, at: datetime, family_id: str = "", user_id: str = "") -> None:
        for key, token in self._d.refresh_tokens.items():
            mine = token.family_id == family_id or token.user_id == user_id
            if mine and token.revoked_at is None:
                self._d.refresh_tokens[key] = replace(token, revoked_at=at)

    def revoke_family(self, family_id: str, at: datetime) -> None:
        self._revoke_where(at, family_id=family_id)

    def revoke_user(self, user_id: str, at: datetime) -> None:
        self._revoke_where(at, user_id=user_id)


class MemoryLoginAttemptLog:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def count_attempt(self, key: str, at: datetime, window_s: int) -> AttemptWindow:
        held = self._d.throttle.get(key)
        if held is None or held.started_at <= at - timedelta(seconds=window_s):
            counted = AttemptWindow(1, at)
        else:
            counted = AttemptWindow(held.attempts + 1, held.started_at)
        self._d.throttle[key] = counted
        return counted

    def refund_attempt(self, key: str) -> None:
        held = self._d.throttle.get(key)
        if held is not None and held.attempts > 0:
            self._d.throttle[key] = AttemptWindow(held.attempts - 1, held.started_at)

    def clear(self, key: str) -> None:
        self._d.throttle.pop(key, None)

    def prune(self, started_before: datetime) -> None:
        for key in [k for k, w in self._d.throttle.items() if w.started_at < started_before]:
            del self._d.throttle[key]


class MemoryMasterAuditLog:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def _of(self, tenant_id: str, query: AuditQuery) -> builtins.list[MasterAuditEntry]:
        return [
            e
            for e in self._d.audit
            if e.tenant_id == tenant_id and matches(asdict(e), query, "actor")
        ]

    def record(self, entry: MasterAuditEntry) -> None:
        self._d.audit.append(entry)

    def search(self, tenant_id: str, query: AuditQuery, limit: int) -> list[MasterAuditEntry]:
        numbered = list(enumerate(self._of(tenant_id, query)))
        numbered.sort(key=lambda pair: (pair[1].at, pair[0]), reverse=True)
        return [entry for _, entry in numbered[:limit]]

    def count(self, tenant_id: str, query: AuditQuery) -> int:
        return len(self._of(tenant_id, query))


class MemoryUserLinkRepository:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def add(self, link: UserLink) -> None:
        _unique(self.get_by_hash(link.token_hash) is not None, "link hash")
        self._d.links[link.id] = replace(link, used_at=None, revoked_at=None)

    def get_by_hash(self, token_hash: str) -> UserLink | None:
        return next((k for k in self._d.links.values() if k.token_hash == token_hash), None)

    def mark_used(self, link_id: str, at: datetime) -> bool:
        found = self._d.links.get(link_id)
        if found is None or found.used_at is not None or found.revoked_at is not None:
            return False
        self._d.links[link_id] = replace(found, used_at=at)
        return True

    def revoke(self, user_id: str, purpose: LinkPurpose | None, at: datetime) -> None:
        for key, link in self._d.links.items():
            live = link.used_at is None and link.revoked_at is None
            if link.user_id == user_id and live and purpose in (None, link.purpose):
                self._d.links[key] = replace(link, revoked_at=at)


class MemoryMailOutbox:
    def __init__(self, data: MasterData, refuse: bool = False) -> None:
        self._d = data
        self.refuse = refuse
        """True: `add` fails like an outbox the database refuses (to test the rollback)."""

    def add(self, mail: OutboxMail) -> None:
        if self.refuse or mail.id in self._d.outbox:
            raise NotificationError("the e-mail could not be queued; nothing was changed")
        self._d.outbox[mail.id] = mail

    def due(self, now: datetime, limit: int) -> list[OutboxMail]:
        pending = [
            m for m in self._d.outbox.values() if m.status == "PENDING" and m.next_attempt_at <= now
        ]
        return sorted(pending, key=lambda m: m.next_attempt_at)[:limit]

    def claim(self, mail_id: str, seen_due_at: datetime, lease_until: datetime) -> bool:
        found = self._d.outbox.get(mail_id)
        if found is None or found.status != "PENDING" or found.next_attempt_at != seen_due_at:
            return False
        self._d.outbox[mail_id] = replace(found, next_attempt_at=lease_until)
        return True

    def sent(self, mail_id: str, attempts: int, at: datetime) -> None:
        found = self._d.outbox.get(mail_id)
        if found is not None:
            self._d.outbox[mail_id] = replace(found, status="SENT", attempts=attempts, body="")

    def failed(
        self, mail_id: str, attempts: int, error: str, next_attempt_at: datetime | None
    ) -> None:
        found = self._d.outbox.get(mail_id)
        if found is None:
            return
        self._d.outbox_errors[mail_id] = error[:500]
        if next_attempt_at is None:
            changed = replace(found, attempts=attempts, status="FAILED", body="")
        else:
            changed = replace(found, attempts=attempts, next_attempt_at=next_attempt_at)
        self._d.outbox[mail_id] = changed


class MemorySessionRepository:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def add(self, session: UserSession) -> None:
        _unique(session.id in self._d.sessions, "session id")
        self._d.sessions[session.id] = replace(session, ended_at=None)

    def get(self, session_id: str) -> UserSession | None:
        return self._d.sessions.get(session_id)

    def list_active(self, tenant_id: str, user_id: str) -> list[UserSession]:
        active = [
            s
            for s in self._d.sessions.values()
            if s.tenant_id == tenant_id and s.user_id == user_id and s.ended_at is None
        ]
        return sorted(active, key=lambda s: s.last_used_at, reverse=True)[:500]

    def touch(self, session_id: str, at: datetime) -> None:
        found = self._d.sessions.get(session_id)
        if found is not None:
            self._d.sessions[session_id] = replace(found, last_used_at=at)

    def end(self, session_ids: list[str], at: datetime) -> None:
        for session_id in session_ids:
            found = self._d.sessions.get(session_id)
            if found is not None and found.ended_at is None:
                self._d.sessions[session_id] = replace(found, ended_at=at)


class MemoryMfaRepository:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def get(self, tenant_id: str, user_id: str) -> TotpEnrolment | None:
        found = self._d.totp.get(user_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    def put(self, enrolment: TotpEnrolment) -> None:
        self._d.totp[enrolment.user_id] = enrolment

    def use_step(self, user_id: str, step: int) -> bool:
        found = self._d.totp.get(user_id)
        if found is None or (found.last_step is not None and found.last_step >= step):
            return False
        self._d.totp[user_id] = replace(found, last_step=step)
        return True

    def delete(self, user_id: str) -> None:
        self._d.totp.pop(user_id, None)
        self._d.recovery_codes = [c for c in self._d.recovery_codes if c.user_id != user_id]

    def replace_recovery_codes(self, user_id: str, code_hashes: list[str]) -> None:
        kept = [c for c in self._d.recovery_codes if c.user_id != user_id]
        self._d.recovery_codes = kept + [RecoveryCode(user_id, h) for h in code_hashes]

    def use_recovery_code(self, user_id: str, code_hash: str, at: datetime) -> bool:
        spent = False
        for code in self._d.recovery_codes:
            if code.user_id == user_id and code.code_hash == code_hash and code.used_at is None:
                code.used_at, spent = at, True
        return spent

    def reseal_all(self) -> int:
        """Nothing is sealed here (like the SQL repository without a key): none re-sealed."""
        return 0

    def requirement(self, tenant_id: str) -> MfaRequirement:
        return self._d.mfa_required.get(tenant_id, MfaRequirement.NONE)

    def set_requirement(self, tenant_id: str, requirement: MfaRequirement) -> None:
        self._d.mfa_required[tenant_id] = requirement


class MemoryApiKeyRepository:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def add(self, key: ApiKey) -> None:
        _unique(self.get_by_hash(key.key_hash) is not None, "key hash")
        self._d.api_keys[key.id] = replace(key, last_used_at=None, revoked_at=None)

    def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        found = self._d.api_keys.get(key_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return next((k for k in self._d.api_keys.values() if k.key_hash == key_hash), None)

    def list(self, tenant_id: str) -> list[ApiKey]:
        keys = [k for k in self._d.api_keys.values() if k.tenant_id == tenant_id]
        return sorted(keys, key=lambda k: k.created_at, reverse=True)

    def revoke(self, tenant_id: str, key_id: str, at: datetime) -> None:
        found = self.get(tenant_id, key_id)
        if found is not None and found.revoked_at is None:
            self._d.api_keys[key_id] = replace(found, revoked_at=at)

    def touch(self, key_id: str, at: datetime) -> None:
        found = self._d.api_keys.get(key_id)
        if found is not None:
            self._d.api_keys[key_id] = replace(found, last_used_at=at)


class MemorySsoRepository:
    def __init__(self, data: MasterData) -> None:
        self._d = data

    def get_config(self, tenant_id: str) -> SsoConfig | None:
        return self._d.sso_configs.get(tenant_id)

    def put_config(self, config: SsoConfig) -> None:
        self._d.sso_configs[config.tenant_id] = config

    def delete_config(self, tenant_id: str) -> None:
        self._d.sso_configs.pop(tenant_id, None)

    def add_state(self, state: SsoState) -> None:
        states = self._d.sso_states
        for key in [k for k, s in states.items() if s.expires_at < state.created_at]:
            del states[key]
        _unique(state.state_hash in states, "state hash")
        states[state.state_hash] = replace(state, used_at=None)

    def spend_state(self, state_hash: str, tenant_id: str, at: datetime) -> SsoState | None:
        found = self._d.sso_states.get(state_hash)
        if (
            found is None
            or found.tenant_id != tenant_id
            or found.used_at is not None
            or found.expires_at <= at
        ):
            return None
        spent = self._d.sso_states[state_hash] = replace(found, used_at=at)
        return spent


class MemoryMasterUnitOfWork(MemoryUnitOfWork):
    """One transaction on the in-memory master database."""

    refuse_mail = False

    def _bind(self) -> None:
        data = self.data(STORE, MasterData)
        self.tenants: TenantRegistry = MemoryTenantRegistry(data)
        self.users: UserRepository = MemoryUserRepository(data)
        self.refresh_tokens: RefreshTokenRepository = MemoryRefreshTokenRepository(data)
        self.login_attempts: LoginAttemptLog = MemoryLoginAttemptLog(data)
        self.audit: MasterAuditLog = MemoryMasterAuditLog(data)
        self.links: UserLinkRepository = MemoryUserLinkRepository(data)
        self.outbox: MailOutbox = MemoryMailOutbox(data, self.refuse_mail)
        self.sessions: SessionRepository = MemorySessionRepository(data)
        self.mfa: MfaRepository = MemoryMfaRepository(data)
        self.api_keys: ApiKeyRepository = MemoryApiKeyRepository(data)
        self.sso: SsoRepository = MemorySsoRepository(data)
        self.gateways: GatewayRegistry = MemoryGatewayRegistry(data.gateways, data.tenants)
        self.etl: EtlConfigRegistry = MemoryEtlConfigRegistry(data.etl, data.tenants)


class MemoryMasterDatabase:
    """The master database in memory; `data` is the committed rows, for tests."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.state.store(STORE, MasterData)
        self.refuse_mail = False
        """True: queuing an e-mail fails (the unit of work that queues it rolls back)."""

    def unit_of_work(self) -> MemoryMasterUnitOfWork:
        uow = MemoryMasterUnitOfWork(self.state)
        uow.refuse_mail = self.refuse_mail
        return uow

    @property
    def data(self) -> MasterData:
        return self.state.committed(STORE, MasterData)


def _is_every_master(database: MemoryMasterDatabase) -> tuple[
    MasterDatabase, GatewayMasterDatabase, EtlMasterDatabase
]:  # fmt: skip
    """mypy's proof that the twin is the master of the registry, SCADA and ETL alike."""
    return database, database, database


__all__ = [
    "MasterData",
    "MemoryApiKeyRepository",
    "MemoryLoginAttemptLog",
    "MemoryMailOutbox",
    "MemoryMasterAuditLog",
    "MemoryMasterDatabase",
    "MemoryMasterUnitOfWork",
    "MemoryMfaRepository",
    "MemoryRefreshTokenRepository",
    "MemorySessionRepository",
    "MemorySsoRepository",
    "MemoryTenantRegistry",
    "MemoryUserLinkRepository",
    "MemoryUserRepository",
]
