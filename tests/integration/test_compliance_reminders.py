"""Compliance reminders on real PostgreSQL: one digest a day to the office, with what is
due within a week and the Form PR months overdue and not filed."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.sql.compliance.store import SqlComplianceDatabases
from shared.bootstrap import Platform
from shared.core.compliance.services.reminders import ReminderReport, ReminderService
from tests.integration.api_support import invite
from tests.integration.compliance_support import new_lease
from tests.integration.conftest import TenantSession


def test_a_daily_digest_to_admins_and_managers_once(
    platform: Platform, acme: TenantSession
) -> None:
    notifier = InMemoryNotifier()
    databases = SqlComplianceDatabases(platform.tenant_databases.engines)
    service = ReminderService(
        platform.master, databases, clock=lambda: datetime(2026, 11, 25, 7, tzinfo=UTC)
    )
    not_yet = service.remind(notifier)  # no lease under compliance: nothing to remind
    new_lease(acme)
    manager = invite(acme, "MANAGER")
    invite(acme, "VIEWER")

    first = service.remind(notifier)
    again = service.remind(notifier)

    assert (not_yet.sent, first.sent, again.sent) == (0, 2, 0)
    assert {n.recipient for n in notifier.sent} == {acme.created.admin_email, manager["email"]}
    body = notifier.sent[0].body
    assert "2026-11-25  Crude oil production tax report and payment" in body  # due today
    assert "2026-11-30  Form PR, monthly production report" in body  # October, in 5 days
    assert "for 2026-09  OVERDUE by 25 days" in body  # September's Form PR, never filed
    assert isinstance(first, ReminderReport) and first.tenants >= 1
