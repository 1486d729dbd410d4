"""Passwords: change one's own, and reset a forgotten one through an e-mailed link.

A change needs the current password and ends every other session (the caller
gets a new one). A reset request answers the same whether or not the address
belongs to a user, and is throttled per address and per account like logins;
the link works once, for an hour, for its own tenant only; a reset ends every
session of the user.
"""

from __future__ import annotations

from dataclasses import replace

from shared.core.common.actor import Actor
from shared.core.common.errors import AuthenticationError, InputError
from shared.core.registry.errors import LinkInvalidError
from shared.core.registry.model.links import LinkPurpose, hash_link_token, new_link_token
from shared.core.registry.model.passwords import PasswordPolicy
from shared.core.registry.model.sessions import ClientInfo
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import UserStatus, normalize_email
from shared.core.registry.services.account_flows import AccountFlowService
from shared.core.registry.services.auth import TokenPair, end_user_sessions
from shared.core.registry.services.links import issue_link, spend_link
from shared.core.registry.services.users import audit_user

MAX_EMAIL_LENGTH = 320


class PasswordService(AccountFlowService):
    def change(
        self,
        tenant: Tenant,
        actor: Actor,
        current_password: str,
        new_password: str,
        client: ClientInfo,
    ) -> TokenPair:
        """Set a new password; every session of the user ends and a new one starts."""
        account_key = f"account:{tenant.id}:{actor.email}"
        address_key = f"address:{client.address}"
        self._auth.count_attempt(account_key, address_key, "password attempts")
        with self._master.unit_of_work() as uow:
            user = uow.users.get(tenant.id, actor.user_id)
            if user is None or user.status is not UserStatus.ACTIVE:
                raise AuthenticationError("user is not active")
            if not self._hasher.verify(user.password_hash, current_password):
                raise InputError("current_password", "is not your current password")
            policy = PasswordPolicy.for_tenant(tenant.features)
            policy.check(new_password, user.email, "new_password")
            if new_password == current_password:
                raise InputError("new_password", "must differ from the current password")
            uow.login_attempts.clear(account_key)
            uow.login_attempts.refund_attempt(address_key)  # as a sign-in does: only failures count
            user = replace(
                user, password_hash=self._hasher.hash(new_password), must_change_password=False
            )
            uow.users.update(user)
            ended = end_user_sessions(uow, tenant.id, user.id, self._clock())
            uow.links.revoke(user.id, LinkPurpose.PASSWORD_RESET, self._clock())
            audit_user(uow, tenant, actor, "user.password_changed", user.id, None, None)
            pair = self._auth.issue_session(uow, tenant, user, client=client)
            uow.commit()
        self._auth.forget_sessions(ended)
        self._on_user_changed(user.id)
        return pair

    def request_reset(self, tenant: Tenant, email: str, address: str) -> None:
        """E-mail a reset link to an active user of `tenant`; silently nothing otherwise."""
        email = normalize_email(email)[:MAX_EMAIL_LENGTH]
        self._auth.count_attempt(
            f"reset:{tenant.id}:{email}", f"reset-address:{address}", "password reset requests"
        )
        hash_link_token(new_link_token())  # the same work whether or not a mail follows
        with self._master.unit_of_work() as uow:
            user = uow.users.get_by_email(tenant.id, email)
            if user is None or user.status is not UserStatus.ACTIVE:
                return
            token = issue_link(uow, tenant, user, LinkPurpose.PASSWORD_RESET, self._clock())
            self._mail.password_reset(uow, tenant, user, token)
            actor = Actor(user.id, user.email, user.role, tenant.id, tenant.slug)
            audit_user(uow, tenant, actor, "user.password_reset_requested", user.id, None, None)
            uow.commit()

    def reset(self, tenant: Tenant, token: str, new_password: str) -> None:
        """Set the password through a reset link; every session of the user ends."""
        now = self._clock()
        with self._master.unit_of_work() as uow:
            link = spend_link(uow, tenant, token, LinkPurpose.PASSWORD_RESET, now)
            user = uow.users.get(tenant.id, link.user_id)
            if user is None or user.status is not UserStatus.ACTIVE:
                raise LinkInvalidError()
            PasswordPolicy.for_tenant(tenant.features).check(
                new_password, user.email, "new_password"
            )
            user = replace(
                user, password_hash=self._hasher.hash(new_password), must_change_password=False
            )
            uow.users.update(user)
            ended = end_user_sessions(uow, tenant.id, user.id, now)
            uow.links.revoke(user.id, LinkPurpose.PASSWORD_RESET, now)
            uow.login_attempts.clear(f"account:{tenant.id}:{user.email}")
            actor = Actor(user.id, user.email, user.role, tenant.id, tenant.slug)
            audit_user(uow, tenant, actor, "user.password_reset", user.id, None, None)
            uow.commit()
        self._auth.forget_sessions(ended)
        self._on_user_changed(user.id)
