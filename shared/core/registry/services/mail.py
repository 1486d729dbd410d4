"""E-mails of the identity flows: queued in the master outbox, sent by a dispatcher.

`IdentityMail` writes a mail in the caller's unit of work, so a mail that cannot
be queued rolls back what it announces (an invitation is not created without
its e-mail). `MailDispatcher` claims due mails with a lease, hands each to a
`Notifier` (console locally; SMTP, Azure Communication Services, SES) and
retries failures with exponential backoff; a sent or failed mail loses its body.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from shared.core.common.clock import Clock, utc_now
from shared.core.ports.notifications import Notification, NotificationError, Notifier
from shared.core.registry.model.links import LINK_TTL, LinkPurpose, OutboxMail
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import User
from shared.core.registry.ports import MasterDatabase, MasterUnitOfWork

log = logging.getLogger("wellos.identity.mail")

LINK_PAGES = {
    LinkPurpose.INVITATION: "accept-invitation",
    LinkPurpose.PASSWORD_RESET: "reset-password",
    LinkPurpose.MAGIC_LINK: "magic-link",
}


class IdentityMail:
    def __init__(self, app_url: Callable[[Tenant], str], clock: Clock = utc_now) -> None:
        self._app_url = app_url
        self._clock = clock

    def link(self, tenant: Tenant, purpose: LinkPurpose, token: str) -> str:
        query = urlencode({"tenant": tenant.slug, "token": token})
        return f"{self._app_url(tenant).rstrip('/')}/#/{LINK_PAGES[purpose]}?{query}"

    def invitation(self, uow: MasterUnitOfWork, tenant: Tenant, user: User, token: str) -> None:
        days = LINK_TTL[LinkPurpose.INVITATION].days
        body = (
            f"Hello {user.full_name},\n\nYou are invited to {tenant.name} on WellOS "
            f"as {user.role.value}.\nSet your password within {days} days here "
            f"(the link works once):\n\n{self.link(tenant, LinkPurpose.INVITATION, token)}\n"
        )
        self._queue(uow, tenant, user.email, f"[WellOS] Invitation to {tenant.name}", body)

    def password_reset(self, uow: MasterUnitOfWork, tenant: Tenant, user: User, token: str) -> None:
        minutes = int(LINK_TTL[LinkPurpose.PASSWORD_RESET].total_seconds() // 60)
        body = (
            f"Hello {user.full_name},\n\nSomeone asked to reset your WellOS password for "
            f"{tenant.name}. Choose a new one within {minutes} minutes here (the link works "
            f"once):\n\n{self.link(tenant, LinkPurpose.PASSWORD_RESET, token)}\n\n"
            "If it was not you, ignore this e-mail: your password stays as it is.\n"
        )
        self._queue(uow, tenant, user.email, "[WellOS] Reset your password", body)

    def magic_link(self, uow: MasterUnitOfWork, tenant: Tenant, user: User, token: str) -> None:
        minutes = int(LINK_TTL[LinkPurpose.MAGIC_LINK].total_seconds() // 60)
        body = (
            f"Hello {user.full_name},\n\nSign in to {tenant.name} on WellOS within {minutes} "
            f"minutes with this link (it works once):\n\n"
            f"{self.link(tenant, LinkPurpose.MAGIC_LINK, token)}\n\n"
            "If you did not ask for it, ignore this e-mail.\n"
        )
        self._queue(uow, tenant, user.email, f"[WellOS] Your sign-in link for {tenant.name}", body)

    def _queue(
        self, uow: MasterUnitOfWork, tenant: Tenant, recipient: str, subject: str, body: str
    ) -> None:
        now = self._clock()
        uow.outbox.add(
            OutboxMail(
                id=str(uuid.uuid4()),
                tenant_id=tenant.id,
                recipient=recipient,
                subject=subject,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
        )


@dataclass(frozen=True)
class MailRetryPolicy:
    max_attempts: int = 5
    base_delay_s: float = 30.0
    lease_s: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=self.base_delay_s * 2 ** max(attempts - 1, 0))


@dataclass
class MailReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class MailDispatcher:
    """Send due outbox mails; a crash between send and commit may repeat one after its lease."""

    def __init__(
        self, master: MasterDatabase, clock: Clock = utc_now, policy: MailRetryPolicy | None = None
    ) -> None:
        self._master = master
        self._clock = clock
        self._policy = policy or MailRetryPolicy()

    def dispatch(self, notifier: Notifier, limit: int = 100) -> MailReport:
        report = MailReport()
        with self._master.unit_of_work() as uow:
            for mail in uow.outbox.due(self._clock(), limit):
                lease = self._clock() + timedelta(seconds=self._policy.lease_s)
                if not uow.outbox.claim(mail.id, mail.next_attempt_at, lease):
                    continue
                uow.commit()  # the claim holds even if this process dies while sending
                self._deliver(uow, mail, notifier, report)
                uow.commit()
        return report

    def _deliver(
        self, uow: MasterUnitOfWork, mail: OutboxMail, notifier: Notifier, report: MailReport
    ) -> None:
        attempts = mail.attempts + 1
        try:
            notifier.send(Notification("email", mail.recipient, mail.subject, mail.body))
        except NotificationError as exc:
            final = attempts >= self._policy.max_attempts
            retry_at = None if final else self._clock() + self._policy.delay(attempts)
            uow.outbox.failed(mail.id, attempts, exc.code, retry_at)
            report.failed += final
            report.retried += not final
            log.warning("identity mail %s attempt %d failed: %s", mail.id, attempts, exc.code)
            return
        uow.outbox.sent(mail.id, attempts, self._clock())
        report.sent += 1
