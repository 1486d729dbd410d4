"""Sessions of users: list and end one's own, admins end a user's; the helpers that end them.

Ending a session revokes its refresh tokens and marks it ended; its access tokens
stop at the next check of their `sid` (at once on this instance, within
`session_cache_ttl_s` on others).
"""

from __future__ import annotations

from collections.abc import Callable

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import NotFoundError
from shared.core.common.roles import Permission
from shared.core.registry.model.sessions import UserSession
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterDatabase
from shared.core.registry.services.auth import end_sessions, end_user_sessions
from shared.core.registry.services.users import audit_user, must_get


class SessionService:
    def __init__(
        self,
        master: MasterDatabase,
        on_sessions_ended: Callable[[list[str]], None],
        clock: Clock = utc_now,
    ) -> None:
        self._master = master
        self._on_sessions_ended = on_sessions_ended
        self._clock = clock

    def list_own(self, tenant: Tenant, actor: Actor) -> list[UserSession]:
        with self._master.unit_of_work() as uow:
            return uow.sessions.list_active(tenant.id, actor.user_id)

    def end_own(self, tenant: Tenant, actor: Actor, session_id: str) -> None:
        """End one of the caller's sessions (404 for anyone else's, as for an unknown one)."""
        with self._master.unit_of_work() as uow:
            session = uow.sessions.get(session_id)
            if (
                session is None
                or session.tenant_id != tenant.id
                or session.user_id != actor.user_id
                or session.ended_at is not None
            ):
                raise NotFoundError("session", session_id)
            end_sessions(uow, [session_id], self._clock())
            uow.commit()
        self._on_sessions_ended([session_id])

    def end_all_own(self, tenant: Tenant, actor: Actor, keep_current: bool) -> int:
        keep = actor.session_id if keep_current else None
        with self._master.unit_of_work() as uow:
            ended = end_user_sessions(uow, tenant.id, actor.user_id, self._clock(), keep)
            uow.commit()
        self._on_sessions_ended(ended)
        return len(ended)

    def end_for_user(self, tenant: Tenant, actor: Actor, user_id: str) -> int:
        """An admin ends every session of a user of the tenant."""
        require(actor, Permission.USERS_WRITE)
        with self._master.unit_of_work() as uow:
            must_get(uow, tenant, user_id)
            ended = end_user_sessions(uow, tenant.id, user_id, self._clock())
            audit_user(
                uow, tenant, actor, "user.sessions_ended", user_id, None, {"sessions": len(ended)}
            )
            uow.commit()
        self._on_sessions_ended(ended)
        return len(ended)
