"""What the e-mailed account flows (invitations, password change and reset) are built from."""

from __future__ import annotations

from collections.abc import Callable

from shared.core.common.clock import Clock, utc_now
from shared.core.ports.security import PasswordHasher
from shared.core.registry.ports import MasterDatabase
from shared.core.registry.services.auth import AuthService
from shared.core.registry.services.mail import IdentityMail


class AccountFlowService:
    """The registry, the password hasher, sessions (through `auth`) and the identity mail.

    `on_user_changed` tells the hosts' caches that a user changed (a new password ends
    sessions; an accepted invitation activates a user).
    """

    def __init__(
        self,
        master: MasterDatabase,
        hasher: PasswordHasher,
        auth: AuthService,
        mail: IdentityMail,
        clock: Clock = utc_now,
        on_user_changed: Callable[[str], None] | None = None,
    ) -> None:
        self._master = master
        self._hasher = hasher
        self._auth = auth
        self._mail = mail
        self._clock = clock
        self._on_user_changed = on_user_changed or (lambda _user_id: None)
