"""Send the notification outbox through a Notifier, with retries and exponential backoff.

A row is claimed before it is sent: one UPDATE moves its next attempt to the
end of a lease, guarded by status PENDING and the due time the dispatcher read,
so two dispatchers never both send it. A sent row is marked SENT; a failure
schedules the next attempt ``base_delay_s * 2**(attempts - 1)`` later, and the
``max_attempts``-th failure marks it FAILED. Only a crash between the send and
the commit of SENT can repeat a message, after the lease expires.

Alarm rows name people rather than addresses (see ``routing``): ``user:<id>``
is sent to that user's address (cancelled if the user is gone or inactive);
``role:MANAGER`` becomes one ``user:<id>`` row per active admin and manager,
sent in the same run. A user's preferences choose the channel (the first one
listed: ``sms`` goes to their phone) and their quiet hours delay, never drop,
a non-critical message until the window ends. A row marked as an escalation is
cancelled instead of sent when its alert is no longer OPEN (somebody acknowledged
or resolved it meanwhile).

A user who chose a digest gets non-critical rows held (status DIGEST, due at their
next digest hour) instead of sent; when the hour comes, each run claims that user's
due DIGEST rows the same way (lease, then commit), sends ONE message listing them
all and marks every row SENT, so a row is in one digest only. Escalations whose
alert was acknowledged meanwhile are cancelled, not listed. A failed digest is
retried with the same backoff as a single message.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.core.analytics.model.alerts import OutboxOutcome, OutboxRow
from shared.core.analytics.model.preferences import Preferences
from shared.core.analytics.ports import AnalyticsDatabases, AnalyticsStore, AnalyticsUnitOfWork
from shared.core.analytics.services.alerting import office_user_ids
from shared.core.analytics.services.routing import MANAGERS, USER_PREFIX
from shared.core.common.clock import Clock, utc_now
from shared.core.ports.notifications import Notification, NotificationError, Notifier
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import UserStatus
from shared.core.registry.ports import MasterDatabase

log = logging.getLogger("wellos.notifications")
CRITICAL = "CRITICAL"


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay_s: float = 60.0
    lease_s: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=self.base_delay_s * 2 ** max(attempts - 1, 0))


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    delayed: int = 0
    held_for_digest: int = 0
    digests: int = 0


def notification_of(row: OutboxRow) -> Notification:
    payload = row.payload
    subject = f"[WellOS] {payload.get('severity', '')} alert: {payload.get('title', '')}"
    body = (
        f"{payload.get('title', '')}\n\nWell: {payload.get('well_id', '')}\n"
        f"Alert: {payload.get('alert_id', '')}\n"
    )
    return Notification(row.channel, row.recipient, subject.strip(), body)


def digest_of(channel: str, address: str, rows: list[OutboxRow]) -> Notification:
    """One message listing the held alerts, most severe first, then oldest first."""
    order = {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3}
    ranked = sorted(rows, key=lambda r: order.get(str(r.payload.get("severity", "")).upper(), 4))
    count = len(rows)
    subject = f"[WellOS] Digest: {count} alert{'s' if count != 1 else ''} since your last digest"
    lines = [
        f"- {p.get('severity', '')} {p.get('title', '')} (well {p.get('well_id', '')}, "
        f"alert {p.get('alert_id', '')})"
        for p in (r.payload for r in ranked)
    ]
    body = f"{count} alert{'s' if count != 1 else ''} held for your digest:\n\n" + "\n".join(lines)
    return Notification(channel, address, subject, body + "\n")


class NotificationDispatcher:
    def __init__(
        self,
        master: MasterDatabase,
        databases: AnalyticsDatabases,
        clock: Clock = utc_now,
        policy: RetryPolicy | None = None,
    ) -> None:
        self._master = master
        self._databases = databases
        self._clock = clock
        self._policy = policy or RetryPolicy()

    def dispatch(self, notifier: Notifier, limit: int = 100) -> DispatchReport:
        """Send up to ``limit`` due rows per serving tenant."""
        with self._master.unit_of_work() as master:
            tenants = [t for t in master.tenants.list() if t.is_serving]
        report = DispatchReport()
        for tenant in tenants:
            self.dispatch_tenant(tenant, notifier, limit, report)
        return report

    def dispatch_tenant(
        self, tenant: Tenant, notifier: Notifier, limit: int, report: DispatchReport
    ) -> None:
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.analytics
            expanded = True
            while expanded:  # a second pass sends the rows a role row has just become
                expanded = False
                for row in store.due_notifications(self._clock(), limit):
                    lease = self._clock() + timedelta(seconds=self._policy.lease_s)
                    if not store.claim_notification(row.id, row.next_attempt_at, lease):
                        continue
                    uow.commit()  # the claim holds even if this process dies while sending
                    expanded |= self._route(tenant, store, row, notifier, report)
                    uow.commit()
            self._send_digests(tenant, uow, notifier, limit, report)

    def _send_digests(
        self,
        tenant: Tenant,
        uow: AnalyticsUnitOfWork,
        notifier: Notifier,
        limit: int,
        report: DispatchReport,
    ) -> None:
        """One message per user whose digest hour has come, listing every held row."""
        store = uow.analytics
        by_user: dict[str, list[OutboxRow]] = {}
        for row in store.due_digest_rows(self._clock(), limit * 10):
            by_user.setdefault(row.recipient, []).append(row)
        for recipient, rows in by_user.items():
            lease = self._clock() + timedelta(seconds=self._policy.lease_s)
            claimed = [
                row for row in rows if store.claim_digest_row(row.id, row.next_attempt_at, lease)
            ]
            uow.commit()  # the claims hold even if this process dies while sending
            live = []
            for row in claimed:
                if row.payload.get("escalation") and not self._still_open(store, row):
                    self._cancel(store, row, report)
                else:
                    live.append(row)
            if live:
                self._deliver_digest(tenant, store, recipient, live, notifier, report)
            uow.commit()

    def _deliver_digest(
        self,
        tenant: Tenant,
        store: AnalyticsStore,
        recipient: str,
        rows: list[OutboxRow],
        notifier: Notifier,
        report: DispatchReport,
    ) -> None:
        user_id = recipient.removeprefix(USER_PREFIX)
        email = self._user_email(tenant, user_id)
        if email is None:
            for row in rows:
                self._cancel(store, row, report)
            return
        preferences = store.get_preferences(user_id) or Preferences()
        channel = preferences.channels[0]
        address = preferences.phone if channel == "sms" and preferences.phone else email
        now = self._clock()
        attempts = max(row.attempts for row in rows) + 1
        try:
            notifier.send(digest_of(channel, address, rows))
        except NotificationError as exc:
            log.warning("digest for %s attempt %d failed: %s", recipient, attempts, exc.code)
            outcome = self._failure(attempts, now, exc)
            for row in rows:
                store.finish_notification(row.id, outcome)
            if attempts >= self._policy.max_attempts:
                report.failed += 1
            else:
                report.retried += 1
            return
        sent = OutboxOutcome(status="SENT", attempts=attempts, sent_at=now)
        for row in rows:
            store.finish_notification(row.id, sent)
        report.sent += 1
        report.digests += 1

    def _route(
        self,
        tenant: Tenant,
        store: AnalyticsStore,
        row: OutboxRow,
        notifier: Notifier,
        report: DispatchReport,
    ) -> bool:
        """Send, resolve or cancel one claimed row; True when it became new rows."""
        recipient = row.recipient
        if row.payload.get("escalation") and not self._still_open(store, row):
            self._cancel(store, row, report)
            return False
        if recipient == MANAGERS:
            ids = self._office_user_ids(tenant)
            store.add_outbox(
                [
                    dataclasses.replace(row, id=str(uuid.uuid4()),
                                        recipient=USER_PREFIX + user_id, attempts=0,
                                        next_attempt_at=self._clock())
                    for user_id in ids
                ]
            )  # fmt: skip
            store.finish_notification(row.id, OutboxOutcome(status="EXPANDED"))
            return bool(ids)
        if recipient.startswith(USER_PREFIX):
            user_id = recipient.removeprefix(USER_PREFIX)
            email = self._user_email(tenant, user_id)
            if email is None:
                self._cancel(store, row, report)
                return False
            preferences = store.get_preferences(user_id) or Preferences()
            urgent = row.payload.get("severity") == CRITICAL
            if preferences.digest and not urgent:
                due = preferences.next_digest(self._clock())
                held = OutboxOutcome(status="DIGEST", next_attempt_at=due)
                store.finish_notification(row.id, held)
                report.held_for_digest += 1
                return False
            quiet_until = preferences.quiet_until(self._clock())
            if quiet_until is not None and not urgent:
                store.finish_notification(row.id, OutboxOutcome(next_attempt_at=quiet_until))
                report.delayed += 1
                return False
            channel = preferences.channels[0]
            address = preferences.phone if channel == "sms" and preferences.phone else email
            row = dataclasses.replace(row, channel=channel, recipient=address)
        self._deliver(store, row, notifier, report)
        return False

    @staticmethod
    def _still_open(store: AnalyticsStore, row: OutboxRow) -> bool:
        alert = store.get_alert(row.alert_id)
        return alert is not None and alert.status == "OPEN"

    def _cancel(self, store: AnalyticsStore, row: OutboxRow, report: DispatchReport) -> None:
        store.finish_notification(row.id, OutboxOutcome(status="CANCELLED"))
        report.cancelled += 1

    def _office_user_ids(self, tenant: Tenant) -> list[str]:
        with self._master.unit_of_work() as master:
            return office_user_ids(master.users, tenant.id)

    def _user_email(self, tenant: Tenant, user_id: str) -> str | None:
        with self._master.unit_of_work() as master:
            user = master.users.get(tenant.id, user_id)
        if user is None or user.status is not UserStatus.ACTIVE:
            return None
        return user.email

    def _deliver(
        self, store: AnalyticsStore, row: OutboxRow, notifier: Notifier, report: DispatchReport
    ) -> None:
        now = self._clock()
        attempts = row.attempts + 1
        try:
            notifier.send(notification_of(row))
        except NotificationError as exc:
            self._failed(store, row, attempts, now, exc, report)
            return
        store.finish_notification(
            row.id, OutboxOutcome(status="SENT", attempts=attempts, sent_at=now)
        )
        report.sent += 1

    def _failed(
        self,
        store: AnalyticsStore,
        row: OutboxRow,
        attempts: int,
        now: datetime,
        exc: NotificationError,
        report: DispatchReport,
    ) -> None:
        if attempts >= self._policy.max_attempts:
            report.failed += 1
        else:
            report.retried += 1
        log.warning("notification %s attempt %d failed: %s", row.id, attempts, exc.code)
        store.finish_notification(row.id, self._failure(attempts, now, exc))

    def _failure(self, attempts: int, now: datetime, exc: NotificationError) -> OutboxOutcome:
        """A failed attempt: FAILED after the last one, else the next attempt after a backoff."""
        error = str(exc)[:500]
        if attempts >= self._policy.max_attempts:
            return OutboxOutcome(status="FAILED", attempts=attempts, last_error=error)
        retry = now + self._policy.delay(attempts)
        return OutboxOutcome(attempts=attempts, last_error=error, next_attempt_at=retry)
