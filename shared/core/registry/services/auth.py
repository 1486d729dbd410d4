"""Log in, refresh (rotating, reuse-detecting), log out, and authenticate requests."""

from __future__ import annotations

import hashlib
import math
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import AuthenticationError, InputError
from shared.core.common.ttl_cache import TtlCache
from shared.core.ports.security import (
    AccessClaims,
    AccessTokenCodec,
    OneTimeCodes,
    PasswordHasher,
)
from shared.core.registry.errors import (
    MfaCodeInvalidError,
    MfaEnrolmentRequiredError,
    MfaRequiredError,
    PasswordChangeRequiredError,
    SsoRequiredError,
    TenantMismatchError,
    ThrottledError,
)
from shared.core.registry.model.passwords import PasswordPolicy
from shared.core.registry.model.sessions import ClientInfo, UserSession
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import User, UserStatus, normalize_email
from shared.core.registry.ports import MasterDatabase, MasterUnitOfWork, RefreshTokenRecord
from shared.core.registry.services.second_factor import second_factor_ok

SESSION_ENDED = "this session has ended; sign in again"

INVALID_LOGIN = "invalid e-mail or password"


@dataclass(frozen=True)
class AuthPolicy:
    access_ttl_s: int = 3600
    refresh_ttl_s: int = 30 * 86400
    failure_window_s: int = 900
    max_failures_per_account: int = 5
    max_failures_per_address: int = 30
    user_cache_ttl_s: float = 10.0
    session_cache_ttl_s: float = 30.0


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def end_sessions(uow: MasterUnitOfWork, session_ids: list[str], now: datetime) -> None:
    for session_id in session_ids:
        uow.refresh_tokens.revoke_family(session_id, now)
    uow.sessions.end(session_ids, now)


def end_user_sessions(
    uow: MasterUnitOfWork, tenant_id: str, user_id: str, now: datetime, keep: str | None = None
) -> list[str]:
    """End every session of the user but `keep`; the ids ended."""
    ended = [s.id for s in uow.sessions.list_active(tenant_id, user_id) if s.id != keep]
    end_sessions(uow, ended, now)
    if keep is None:  # refresh tokens of families older than the session table too
        uow.refresh_tokens.revoke_user(user_id, now)
    return ended


def must_enrol_mfa(uow: MasterUnitOfWork, tenant: Tenant, user: User) -> bool:
    """The tenant requires MFA of this user's role and the user has none active."""
    if not uow.mfa.requirement(tenant.id).applies_to(user.role):
        return False
    enrolment = uow.mfa.get(tenant.id, user.id)
    return enrolment is None or not enrolment.active


def refuse_if_sso_required(uow: MasterUnitOfWork, tenant: Tenant, user: User) -> None:
    """SsoRequiredError unless the tenant allows passwords or `user` is its break-glass admin."""
    config = uow.sso.get_config(tenant.id)
    if config is not None and config.require_sso and user.email != config.break_glass_email:
        raise SsoRequiredError()


class AuthService:
    def __init__(
        self,
        master: MasterDatabase,
        hasher: PasswordHasher,
        tokens: AccessTokenCodec,
        policy: AuthPolicy,
        clock: Clock = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        codes: OneTimeCodes | None = None,
    ) -> None:
        self._master = master
        self._codes = codes
        self._hasher = hasher
        self._tokens = tokens
        self._policy = policy
        self._clock = clock
        self._dummy_hash = hasher.hash(secrets.token_urlsafe(16))
        self._users: TtlCache[tuple[str, str], User | None] = TtlCache(
            policy.user_cache_ttl_s, monotonic
        )
        self._session_live: TtlCache[str, bool] = TtlCache(policy.session_cache_ttl_s, monotonic)

    def login(
        self,
        tenant: Tenant,
        email: str,
        password: str,
        address: str,
        new_password: str | None = None,
        device: str = "",
        mfa_code: str | None = None,
    ) -> TokenPair:
        """Tokens for the right password, unless the account or the address is throttled.

        Each attempt is counted before its password is checked, in its own committed
        transaction, so concurrent attempts cannot all slip under the limit; a
        success clears the account's count and takes its own back from the address.
        A password an admin set must be replaced: without `new_password` the right
        one answers PasswordChangeRequiredError, with it the new one is set.
        """
        email = normalize_email(email)
        account_key = f"account:{tenant.id}:{email}"
        address_key = f"address:{address}"
        self.count_attempt(account_key, address_key, "failed logins")
        with self._master.unit_of_work() as uow:
            user = uow.users.get_by_email(tenant.id, email)
            valid = self._hasher.verify(user.password_hash if user else self._dummy_hash, password)
            if user is None or not valid or user.status is not UserStatus.ACTIVE:
                window = timedelta(seconds=self._policy.failure_window_s)
                uow.login_attempts.prune(self._clock() - window)
                uow.commit()
                raise AuthenticationError(INVALID_LOGIN)
            refuse_if_sso_required(uow, tenant, user)
            self.check_second_factor(uow, tenant, user, mfa_code)  # failures stay counted
            uow.login_attempts.clear(account_key)
            uow.login_attempts.refund_attempt(address_key)
            if user.must_change_password:
                if new_password is None:
                    uow.commit()
                    raise PasswordChangeRequiredError()
                user = self._replace_admin_set_password(tenant, user, password, new_password)
            uow.users.update(replace(user, last_login_at=self._clock()))
            pair = self.issue_session(uow, tenant, user, client=ClientInfo(device, address))
            uow.commit()
            return pair

    def check_second_factor(
        self, uow: MasterUnitOfWork, tenant: Tenant, user: User, code: str | None
    ) -> None:
        """Nothing for a user without MFA; else the code must be right and unused."""
        enrolment = uow.mfa.get(tenant.id, user.id)
        if enrolment is None or not enrolment.active:
            return
        if code is None:
            raise MfaRequiredError()
        if self._codes is None or not second_factor_ok(
            uow, self._codes, enrolment, code, self._clock()
        ):
            raise MfaCodeInvalidError()

    def _replace_admin_set_password(
        self, tenant: Tenant, user: User, current: str, new_password: str
    ) -> User:
        PasswordPolicy.for_tenant(tenant.features).check(new_password, user.email, "new_password")
        if new_password == current:
            raise InputError("new_password", "must differ from the password an admin set")
        return replace(
            user, password_hash=self._hasher.hash(new_password), must_change_password=False
        )

    def count_attempt(self, account_key: str, address_key: str, what: str) -> None:
        """Number this attempt per account and per address; 429 past either limit."""
        now = self._clock()
        window_s = self._policy.failure_window_s
        limits = (
            (account_key, self._policy.max_failures_per_account, "this account"),
            (address_key, self._policy.max_failures_per_address, "this address"),
        )
        with self._master.unit_of_work() as uow:
            counted = [
                (uow.login_attempts.count_attempt(key, now, window_s), limit, where)
                for key, limit, where in limits
            ]
            uow.commit()
        for window, limit, where in counted:
            if window.attempts > limit:
                ends_in = window.started_at + timedelta(seconds=window_s) - now
                raise ThrottledError(
                    f"too many {what} for {where}; try again later",
                    retry_after_s=max(1, math.ceil(ends_in.total_seconds())),
                )

    def refresh(self, tenant: Tenant, refresh_token: str) -> TokenPair:
        now = self._clock()
        with self._master.unit_of_work() as uow:
            record = uow.refresh_tokens.get_by_hash(hash_refresh_token(refresh_token))
            if record is None:
                raise AuthenticationError("refresh token invalid")
            if record.tenant_id != tenant.id:
                raise TenantMismatchError()
            if record.revoked_at is not None or record.expires_at <= now:
                raise AuthenticationError("refresh token expired or revoked")
            if record.used_at is not None or not uow.refresh_tokens.mark_used(record.id, now):
                uow.refresh_tokens.revoke_family(record.family_id, now)
                uow.sessions.end([record.family_id], now)
                uow.commit()
                self.forget_sessions([record.family_id])
                raise AuthenticationError("refresh token reuse detected; this session was revoked")
            user = uow.users.get(tenant.id, record.user_id)
            if user is None or user.status is not UserStatus.ACTIVE:
                raise AuthenticationError("user is not active")
            self._continue_session(uow, record, now)
            pair = self.issue_session(uow, tenant, user, family_id=record.family_id)
            uow.commit()
            return pair

    def _continue_session(
        self, uow: MasterUnitOfWork, record: RefreshTokenRecord, now: datetime
    ) -> None:
        session = uow.sessions.get(record.family_id)
        if session is None:  # a family from before sessions were recorded
            uow.sessions.add(
                UserSession(
                    record.family_id, record.tenant_id, record.user_id,
                    "unknown", "", record.issued_at, now,
                )
            )  # fmt: skip
        elif session.ended_at is not None:
            raise AuthenticationError("this session has ended")
        else:
            uow.sessions.touch(record.family_id, now)

    def logout(self, tenant: Tenant, refresh_token: str) -> None:
        with self._master.unit_of_work() as uow:
            record = uow.refresh_tokens.get_by_hash(hash_refresh_token(refresh_token))
            if record is None or record.tenant_id != tenant.id:
                return
            uow.refresh_tokens.revoke_family(record.family_id, self._clock())
            uow.sessions.end([record.family_id], self._clock())
            uow.commit()
        self.forget_sessions([record.family_id])

    def authenticate(
        self,
        tenant: Tenant,
        access_token: str,
        request_id: str = "",
        enrolling: bool = False,
    ) -> Actor:
        """The active user behind a valid access token for `tenant`.

        A token that only opens MFA enrolment is refused unless `enrolling`.
        """
        claims = self._claims(tenant, access_token, enrolling)
        if not self._session_is_live(claims.session_id):
            raise AuthenticationError(SESSION_ENDED)
        user = self._cached_user(tenant.id, claims.subject)
        return self._actor(tenant, claims, user, request_id)

    def authenticate_cached(
        self, tenant: Tenant, access_token: str, request_id: str = ""
    ) -> Actor | None:
        """`authenticate` without a registry query: None when the session or user is not cached.

        The token check is CPU only; the API's event loop calls this first and hands
        `authenticate` to a worker thread only on a miss.
        """
        claims = self._claims(tenant, access_token, enrolling=False)
        live = self._session_live.peek(claims.session_id)
        user = self._users.peek((tenant.id, claims.subject))
        if live is None or user is None:
            return None
        if not live[0]:
            raise AuthenticationError(SESSION_ENDED)
        return self._actor(tenant, claims, user[0], request_id)

    def _claims(self, tenant: Tenant, access_token: str, enrolling: bool) -> AccessClaims:
        claims = self._tokens.decode(access_token)
        if claims.tenant_id != tenant.id:
            raise TenantMismatchError()
        if claims.mfa_enrolment_only and not enrolling:
            raise MfaEnrolmentRequiredError()
        if not claims.session_id:
            raise AuthenticationError(SESSION_ENDED)
        return claims

    @staticmethod
    def _actor(tenant: Tenant, claims: AccessClaims, user: User | None, request_id: str) -> Actor:
        if user is None or user.status is not UserStatus.ACTIVE:
            raise AuthenticationError("user is not active")
        return Actor(
            user.id, user.email, user.role, tenant.id, tenant.slug, request_id, claims.session_id
        )

    def _session_is_live(self, session_id: str) -> bool:
        """Not ended, as the master said at most `session_cache_ttl_s` ago."""
        return self._session_live.get_or_load(session_id, lambda: self._load_live(session_id))

    def _load_live(self, session_id: str) -> bool:
        with self._master.unit_of_work() as uow:
            session = uow.sessions.get(session_id)
            return session is not None and session.ended_at is None

    def forget_sessions(self, session_ids: list[str]) -> None:
        """Ended sessions: this instance refuses their access tokens from now on."""
        for session_id in session_ids:
            self._session_live.forget(session_id)

    def _cached_user(self, tenant_id: str, user_id: str) -> User | None:
        """Users looked up at most every `user_cache_ttl_s`: one query fewer per request."""
        return self._users.get_or_load(
            (tenant_id, user_id), lambda: self._load_user(tenant_id, user_id)
        )

    def _load_user(self, tenant_id: str, user_id: str) -> User | None:
        with self._master.unit_of_work() as uow:
            return uow.users.get(tenant_id, user_id)

    def forget_user(self, user_id: str) -> None:
        """Drop a changed user from this process's cache (role change, deactivation)."""
        self._users.forget_where(lambda key: key[1] == user_id)

    def issue_session(
        self,
        uow: MasterUnitOfWork,
        tenant: Tenant,
        user: User,
        family_id: str | None = None,
        client: ClientInfo | None = None,
    ) -> TokenPair:
        """Access and refresh tokens; a new session (refresh-token family) unless given one."""
        now = self._clock()
        if family_id is None:
            family_id = str(uuid.uuid4())
            client = client or ClientInfo()
            device = client.device or "unknown"
            uow.sessions.add(
                UserSession(family_id, tenant.id, user.id, device, client.address, now, now)
            )
        access = self._tokens.encode(
            AccessClaims(
                subject=user.id,
                tenant_id=tenant.id,
                tenant_slug=tenant.slug,
                role=user.role,
                email=user.email,
                expires_at=now + timedelta(seconds=self._policy.access_ttl_s),
                session_id=family_id,
                mfa_enrolment_only=must_enrol_mfa(uow, tenant, user),
            )
        )
        refresh = secrets.token_urlsafe(32)
        uow.refresh_tokens.add(
            RefreshTokenRecord(
                id=str(uuid.uuid4()),
                family_id=family_id,
                user_id=user.id,
                tenant_id=tenant.id,
                token_hash=hash_refresh_token(refresh),
                issued_at=now,
                expires_at=now + timedelta(seconds=self._policy.refresh_ttl_s),
            )
        )
        return TokenPair(access, refresh, self._policy.access_ttl_s)
