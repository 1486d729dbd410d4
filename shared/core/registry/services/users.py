"""Users of one tenant: list, create with an admin-set one-time password, change role,
deactivate and reactivate. (Invitations by e-mail: `invitations.py`.)"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import ConflictError, DuplicateError, NotFoundError
from shared.core.common.pages import Page
from shared.core.common.roles import Permission, Role
from shared.core.ports.security import PasswordHasher
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import (
    User,
    UserStatus,
    generate_password,
    validate_email,
    validate_person_name,
)
from shared.core.registry.ports import MasterAuditEntry, MasterDatabase, MasterUnitOfWork
from shared.core.registry.services.auth import end_user_sessions


def public_view(user: User) -> dict[str, Any]:
    view = asdict(user)
    view.pop("password_hash")
    return view


class UserService:
    def __init__(
        self,
        master: MasterDatabase,
        hasher: PasswordHasher,
        clock: Clock = utc_now,
        on_user_changed: Callable[[str], None] | None = None,
    ) -> None:
        self._master = master
        self._hasher = hasher
        self._clock = clock
        self._on_user_changed = on_user_changed or (lambda _user_id: None)

    def list(self, tenant: Tenant, actor: Actor, limit: int, offset: int) -> Page[User]:
        require(actor, Permission.USERS_READ)
        with self._master.unit_of_work() as uow:
            return uow.users.list(tenant.id, limit, offset)

    def get(self, tenant: Tenant, actor: Actor, user_id: str) -> User:
        if user_id != actor.user_id:
            require(actor, Permission.USERS_READ)
        with self._master.unit_of_work() as uow:
            return must_get(uow, tenant, user_id)

    def invite(
        self, tenant: Tenant, actor: Actor, email: str, full_name: str, role: Role
    ) -> tuple[User, str]:
        """Create a user and return it with its one-time password (changed at first sign-in)."""
        require(actor, Permission.USERS_WRITE)
        email = validate_email(email)
        full_name = validate_person_name(full_name)
        password = generate_password()
        with self._master.unit_of_work() as uow:
            if uow.users.get_by_email(tenant.id, email) is not None:
                raise DuplicateError("email", email)
            user = User(
                id=str(uuid.uuid4()),
                tenant_id=tenant.id,
                email=email,
                full_name=full_name,
                role=role,
                status=UserStatus.ACTIVE,
                password_hash=self._hasher.hash(password),
                created_at=self._clock(),
                must_change_password=True,
            )
            uow.users.add(user)
            audit_user(uow, tenant, actor, "user.created", user.id, None, public_view(user))
            uow.commit()
        return user, password

    def change_role(self, tenant: Tenant, actor: Actor, user_id: str, role: Role) -> User:
        require(actor, Permission.USERS_WRITE)
        with self._master.unit_of_work() as uow:
            before = must_get(uow, tenant, user_id)
            if before.id == actor.user_id and role is not Role.ADMIN:
                raise ConflictError("admins cannot remove their own admin role")
            after = replace(before, role=role)
            uow.users.update(after)
            audit_user(
                uow,
                tenant,
                actor,
                "user.role_changed",
                user_id,
                {"role": before.role.value},
                {"role": role.value},
            )
            uow.commit()
        self._on_user_changed(user_id)
        return after

    def deactivate(self, tenant: Tenant, actor: Actor, user_id: str) -> User:
        require(actor, Permission.USERS_DELETE)
        with self._master.unit_of_work() as uow:
            before = must_get(uow, tenant, user_id)
            if before.id == actor.user_id:
                raise ConflictError("users cannot deactivate themselves")
            after = replace(before, status=UserStatus.DEACTIVATED)
            uow.users.update(after)
            end_user_sessions(uow, tenant.id, user_id, self._clock())
            uow.links.revoke(user_id, None, self._clock())
            audit_user(
                uow, tenant, actor, "user.deactivated", user_id,
                {"status": before.status.value}, {"status": after.status.value},
            )  # fmt: skip
            uow.commit()
        self._on_user_changed(user_id)
        return after

    def reactivate(self, tenant: Tenant, actor: Actor, user_id: str) -> User:
        """ACTIVE again; a user who never set a password is INVITED again (re-send the link)."""
        require(actor, Permission.USERS_DELETE)
        with self._master.unit_of_work() as uow:
            before = must_get(uow, tenant, user_id)
            if before.status is not UserStatus.DEACTIVATED:
                raise ConflictError(f"the user is {before.status.value}, not DEACTIVATED")
            status = UserStatus.ACTIVE if before.has_password else UserStatus.INVITED
            after = replace(before, status=status)
            uow.users.update(after)
            audit_user(
                uow, tenant, actor, "user.reactivated", user_id,
                {"status": before.status.value}, {"status": after.status.value},
            )  # fmt: skip
            uow.commit()
        self._on_user_changed(user_id)
        return after


def audit_user(
    uow: MasterUnitOfWork,
    tenant: Tenant,
    actor: Actor,
    action: str,
    user_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """One master audit entry about a user (never a password, hash or link)."""
    uow.audit.record(
        MasterAuditEntry(
            action=action,
            entity="user",
            entity_id=user_id,
            actor=actor.email,
            at=utc_now(),
            tenant_id=tenant.id,
            before=_jsonable(before),
            after=_jsonable(after),
            request_id=actor.request_id,
        )
    )


def must_get(uow: MasterUnitOfWork, tenant: Tenant, user_id: str) -> User:
    user = uow.users.get(tenant.id, user_id)
    if user is None:
        raise NotFoundError("user", user_id)
    return user


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {
        key: (
            value.isoformat()
            if hasattr(value, "isoformat")
            else str(value)
            if value is not None
            else None
        )
        for key, value in values.items()
    }
