"""Invitations by e-mail: invite, re-send, revoke; the invited user accepts by setting a password.

An invited user is `INVITED` with no password until they open the single-use
link of their e-mail (seven days). The e-mail is queued in the invitation's
transaction: one that cannot be queued leaves no user behind.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.errors import ConflictError, DuplicateError
from shared.core.common.roles import Permission, Role
from shared.core.registry.errors import LinkInvalidError
from shared.core.registry.model.links import LinkPurpose
from shared.core.registry.model.passwords import PasswordPolicy
from shared.core.registry.model.sessions import ClientInfo
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import (
    NO_PASSWORD,
    User,
    UserStatus,
    validate_email,
    validate_person_name,
)
from shared.core.registry.services.account_flows import AccountFlowService
from shared.core.registry.services.auth import TokenPair, refuse_if_sso_required
from shared.core.registry.services.links import issue_link, spend_link
from shared.core.registry.services.users import audit_user, must_get, public_view


class InvitationService(AccountFlowService):
    def invite(self, tenant: Tenant, actor: Actor, email: str, full_name: str, role: Role) -> User:
        require(actor, Permission.USERS_WRITE)
        email = validate_email(email)
        full_name = validate_person_name(full_name)
        with self._master.unit_of_work() as uow:
            if uow.users.get_by_email(tenant.id, email) is not None:
                raise DuplicateError("email", email)
            user = User(
                id=str(uuid.uuid4()),
                tenant_id=tenant.id,
                email=email,
                full_name=full_name,
                role=role,
                status=UserStatus.INVITED,
                password_hash=NO_PASSWORD,
                created_at=self._clock(),
            )
            uow.users.add(user)
            token = issue_link(uow, tenant, user, LinkPurpose.INVITATION, self._clock())
            self._mail.invitation(uow, tenant, user, token)
            audit_user(uow, tenant, actor, "user.invited", user.id, None, public_view(user))
            uow.commit()
        return user

    def resend(self, tenant: Tenant, actor: Actor, user_id: str) -> User:
        """A new link by e-mail; the old one stops working."""
        require(actor, Permission.USERS_WRITE)
        with self._master.unit_of_work() as uow:
            user = must_get(uow, tenant, user_id)
            if user.status is not UserStatus.INVITED:
                raise ConflictError(f"the user is {user.status.value}, not INVITED")
            token = issue_link(uow, tenant, user, LinkPurpose.INVITATION, self._clock())
            self._mail.invitation(uow, tenant, user, token)
            audit_user(uow, tenant, actor, "user.invitation_resent", user.id, None, None)
            uow.commit()
        return user

    def revoke(self, tenant: Tenant, actor: Actor, user_id: str) -> User:
        """The link stops working and the user is DEACTIVATED (reactivate to invite again)."""
        require(actor, Permission.USERS_WRITE)
        with self._master.unit_of_work() as uow:
            user = must_get(uow, tenant, user_id)
            if user.status is not UserStatus.INVITED:
                raise ConflictError(f"the user is {user.status.value}, not INVITED")
            uow.links.revoke(user.id, LinkPurpose.INVITATION, self._clock())
            after = replace(user, status=UserStatus.DEACTIVATED)
            uow.users.update(after)
            audit_user(
                uow, tenant, actor, "user.invitation_revoked", user.id,
                {"status": user.status.value}, {"status": after.status.value},
            )  # fmt: skip
            uow.commit()
        self._on_user_changed(user_id)
        return after

    def accept(
        self, tenant: Tenant, token: str, password: str, client: ClientInfo | None = None
    ) -> TokenPair:
        """Set the first password through the invitation link, and sign in."""
        now = self._clock()
        with self._master.unit_of_work() as uow:
            link = spend_link(uow, tenant, token, LinkPurpose.INVITATION, now)
            user = uow.users.get(tenant.id, link.user_id)
            if user is None or user.status is not UserStatus.INVITED:
                raise LinkInvalidError()
            refuse_if_sso_required(uow, tenant, user)  # rolls back: the link stays good
            PasswordPolicy.for_tenant(tenant.features).check(password, user.email)
            user = replace(
                user,
                status=UserStatus.ACTIVE,
                password_hash=self._hasher.hash(password),
                last_login_at=now,
            )
            uow.users.update(user)
            actor = Actor(user.id, user.email, user.role, tenant.id, tenant.slug)
            audit_user(
                uow, tenant, actor, "user.invitation_accepted", user.id,
                {"status": UserStatus.INVITED.value}, {"status": user.status.value},
            )  # fmt: skip
            pair = self._auth.issue_session(uow, tenant, user, client=client)
            uow.commit()
        self._on_user_changed(user.id)
        return pair
