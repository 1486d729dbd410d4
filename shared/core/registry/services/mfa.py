"""Two-factor sign-in: TOTP enrolment with recovery codes, the tenant's requirement, resets.

Enrolment starts with a secret (shown once as an otpauth:// URI), and becomes
active when a code of it is confirmed; the answer then carries ten recovery
codes (shown once, stored hashed) and a new session without the enrolment-only
restriction. A tenant may require MFA of admins or of everyone: their sign-ins
then open only enrolment until it is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import ConflictError, InputError
from shared.core.common.roles import Permission
from shared.core.ports.security import OneTimeCodes
from shared.core.registry.model.mfa import (
    RECOVERY_CODES,
    SKEW_STEPS,
    MfaRequirement,
    TotpEnrolment,
    hash_recovery_code,
    new_recovery_code,
)
from shared.core.registry.model.sessions import ClientInfo
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterAuditEntry, MasterDatabase
from shared.core.registry.services.auth import AuthService, TokenPair, end_sessions
from shared.core.registry.services.second_factor import MAX_CODE_LENGTH, second_factor_ok
from shared.core.registry.services.users import audit_user, must_get

ISSUER = "WellOS"


@dataclass(frozen=True)
class MfaStatus:
    enrolled: bool
    required: bool
    requirement: MfaRequirement


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    otpauth_uri: str


@dataclass(frozen=True)
class TotpConfirmed:
    recovery_codes: list[str]
    tokens: TokenPair


class MfaService:
    def __init__(
        self,
        master: MasterDatabase,
        codes: OneTimeCodes,
        auth: AuthService,
        clock: Clock = utc_now,
        on_user_changed: Callable[[str], None] | None = None,
    ) -> None:
        self._master = master
        self._codes = codes
        self._auth = auth
        self._clock = clock
        self._on_user_changed = on_user_changed or (lambda _user_id: None)

    def reseal_secrets(self) -> int:
        """Seal every tenant's authenticator secrets with the TOTP ring's current key (after
        `wellos keys rotate totp`; an operator's command, no tenant actor); how many changed."""
        with self._master.unit_of_work() as uow:
            count = uow.mfa.reseal_all()
            uow.commit()
        return count

    def status(self, tenant: Tenant, actor: Actor) -> MfaStatus:
        with self._master.unit_of_work() as uow:
            enrolment = uow.mfa.get(tenant.id, actor.user_id)
            requirement = uow.mfa.requirement(tenant.id)
        enrolled = enrolment is not None and enrolment.active
        return MfaStatus(enrolled, requirement.applies_to(actor.role), requirement)

    def start_totp(self, tenant: Tenant, actor: Actor) -> TotpSetup:
        """A new secret for the authenticator app; any unconfirmed one is replaced."""
        with self._master.unit_of_work() as uow:
            current = uow.mfa.get(tenant.id, actor.user_id)
            if current is not None and current.active:
                raise ConflictError("two-factor sign-in is already on; turn it off first")
            secret = self._codes.new_secret()
            uow.mfa.put(TotpEnrolment(actor.user_id, tenant.id, secret, self._clock()))
            uow.commit()
        uri = self._codes.provisioning_uri(secret, actor.email, f"{ISSUER} ({tenant.slug})")
        return TotpSetup(secret, uri)

    def confirm_totp(
        self, tenant: Tenant, actor: Actor, code: str, client: ClientInfo | None = None
    ) -> TotpConfirmed:
        now = self._clock()
        with self._master.unit_of_work() as uow:
            enrolment = uow.mfa.get(tenant.id, actor.user_id)
            if enrolment is None or enrolment.active:
                raise ConflictError("no enrolment is waiting: start one first")
            step = self._codes.matching_step(enrolment.secret, code.strip(), now, SKEW_STEPS)
            if step is None or len(code) > MAX_CODE_LENGTH:
                raise InputError("code", "is not the authenticator's current code")
            uow.mfa.put(replace(enrolment, confirmed_at=now, last_step=step))
            recovery = [new_recovery_code() for _ in range(RECOVERY_CODES)]
            uow.mfa.replace_recovery_codes(actor.user_id, [hash_recovery_code(c) for c in recovery])
            user = must_get(uow, tenant, actor.user_id)
            if actor.session_id:
                end_sessions(uow, [actor.session_id], now)  # it may be enrolment-only
            tokens = self._auth.issue_session(uow, tenant, user, client=client)
            audit_user(uow, tenant, actor, "user.mfa_enabled", actor.user_id, None, None)
            uow.commit()
        self._auth.forget_sessions([actor.session_id])
        return TotpConfirmed(recovery, tokens)

    def disable(self, tenant: Tenant, actor: Actor, code: str) -> None:
        """Turn it off with a current code or a recovery code (not where the tenant requires it)."""
        with self._master.unit_of_work() as uow:
            enrolment = uow.mfa.get(tenant.id, actor.user_id)
            if enrolment is None or not enrolment.active:
                raise ConflictError("two-factor sign-in is not on")
            if uow.mfa.requirement(tenant.id).applies_to(actor.role):
                raise ConflictError("your organisation requires two-factor sign-in")
            if not second_factor_ok(uow, self._codes, enrolment, code, self._clock()):
                raise InputError("code", "is not right, was already used, or has expired")
            uow.mfa.delete(actor.user_id)
            audit_user(uow, tenant, actor, "user.mfa_disabled", actor.user_id, None, None)
            uow.commit()

    def reset_for_user(self, tenant: Tenant, actor: Actor, user_id: str) -> None:
        """An admin removes a user's authenticator (a lost phone); the user enrols again."""
        require(actor, Permission.USERS_WRITE)
        with self._master.unit_of_work() as uow:
            must_get(uow, tenant, user_id)
            uow.mfa.delete(user_id)
            audit_user(uow, tenant, actor, "user.mfa_reset", user_id, None, None)
            uow.commit()
        self._on_user_changed(user_id)

    def set_requirement(
        self, tenant: Tenant, actor: Actor, requirement: MfaRequirement
    ) -> MfaRequirement:
        require(actor, Permission.SETTINGS_WRITE)
        with self._master.unit_of_work() as uow:
            before = uow.mfa.requirement(tenant.id)
            uow.mfa.set_requirement(tenant.id, requirement)
            uow.audit.record(_policy_entry(tenant, actor, before, requirement, self._clock()))
            uow.commit()
        return requirement


def _policy_entry(
    tenant: Tenant, actor: Actor, before: MfaRequirement, after: MfaRequirement, at: datetime
) -> MasterAuditEntry:
    return MasterAuditEntry(
        action="tenant.mfa_policy_changed",
        entity="tenant",
        entity_id=tenant.id,
        actor=actor.email,
        at=at,
        tenant_id=tenant.id,
        before={"mfa_required": before.value},
        after={"mfa_required": after.value},
        request_id=actor.request_id,
    )
