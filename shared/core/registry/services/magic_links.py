"""Magic-link sign-in: a single-use link by e-mail, 15 minutes, for one tenant.

The request answers the same whether or not the address belongs to an active
user, and does the same work up to the database (a token is made and hashed
either way); it is throttled per address and per account (known or not), like
logins. Only the link's hash is stored; a new link replaces the older ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.registry.errors import LinkInvalidError, MfaCodeInvalidError
from shared.core.registry.model.links import LinkPurpose, hash_link_token, new_link_token
from shared.core.registry.model.sessions import ClientInfo
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import UserStatus, normalize_email
from shared.core.registry.ports import MasterDatabase
from shared.core.registry.services.auth import AuthService, TokenPair, refuse_if_sso_required
from shared.core.registry.services.links import issue_link, spend_link
from shared.core.registry.services.mail import IdentityMail
from shared.core.registry.services.users import audit_user

MAX_EMAIL_LENGTH = 320


class MagicLinkService:
    def __init__(
        self,
        master: MasterDatabase,
        auth: AuthService,
        mail: IdentityMail,
        clock: Clock = utc_now,
        on_user_changed: Callable[[str], None] | None = None,
    ) -> None:
        self._master = master
        self._auth = auth
        self._mail = mail
        self._clock = clock
        self._on_user_changed = on_user_changed or (lambda _user_id: None)

    def request(self, tenant: Tenant, email: str, address: str) -> None:
        """E-mail a sign-in link to an active user of `tenant`; silently nothing otherwise."""
        email = normalize_email(email)[:MAX_EMAIL_LENGTH]
        self._auth.count_attempt(
            f"magic:{tenant.id}:{email}", f"magic-address:{address}", "sign-in link requests"
        )
        hash_link_token(new_link_token())  # the same work whether or not a mail follows
        with self._master.unit_of_work() as uow:
            user = uow.users.get_by_email(tenant.id, email)
            if user is None or user.status is not UserStatus.ACTIVE:
                return
            token = issue_link(uow, tenant, user, LinkPurpose.MAGIC_LINK, self._clock())
            self._mail.magic_link(uow, tenant, user, token)
            uow.commit()

    def sign_in(
        self,
        tenant: Tenant,
        token: str,
        client: ClientInfo | None = None,
        mfa_code: str | None = None,
    ) -> TokenPair:
        """Spend the link and start a session."""
        now = self._clock()
        with self._master.unit_of_work() as uow:
            link = spend_link(uow, tenant, token, LinkPurpose.MAGIC_LINK, now)
            user = uow.users.get(tenant.id, link.user_id)
            if user is None or user.status is not UserStatus.ACTIVE:
                raise LinkInvalidError()
            refuse_if_sso_required(uow, tenant, user)
            try:
                self._auth.check_second_factor(uow, tenant, user, mfa_code)
            except MfaCodeInvalidError:
                uow.commit()  # a wrong code spends the link: one guess per e-mail
                raise
            # no code at all (MfaRequiredError) rolls back: the link stays good for a retry
            uow.users.update(replace(user, last_login_at=now))
            actor = Actor(user.id, user.email, user.role, tenant.id, tenant.slug)
            audit_user(uow, tenant, actor, "user.signed_in_by_link", user.id, None, None)
            pair = self._auth.issue_session(uow, tenant, user, client=client)
            uow.commit()
        return pair
