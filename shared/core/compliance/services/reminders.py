"""Reminders of the compliance calendar through the notifier, once a day per tenant.

Each serving tenant that uses month-end compliance (a lease has a compliance
profile) gets one e-mail digest to its admins and managers, listing what falls
due within ``ahead_days`` (every obligation of the calendar) and the Form PR months
that are overdue and not filed in WellOS (the only filing WellOS tracks; taxes and
emissions reports are paid and filed outside it, so they are reminded, never called
overdue). Overdue months older than ``overdue_days`` are left out, so a new tenant
is not flooded with history. The day of the last digest is kept in the tenant's
compliance settings (``reminded_on``): a second run the same day sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.core.analytics.services.alerting import office_recipients
from shared.core.common.clock import Clock, utc_now
from shared.core.compliance.model.period import Period
from shared.core.compliance.ports import ComplianceDatabases
from shared.core.compliance.services.reports import calendar
from shared.core.compliance.services.settings import FORM_PR_VARIANT, effective
from shared.core.ports.notifications import Notification, NotificationError, Notifier
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterDatabase

REMINDED_ON = "reminded_on"
TRACKED = frozenset({"tx_form_pr"})


@dataclass
class ReminderReport:
    tenants: int = 0
    sent: int = 0
    failed: int = 0


def reminder_items(
    items: list[dict[str, Any]], ahead_days: int, overdue_days: int
) -> list[dict[str, Any]]:
    chosen = []
    for item in items:
        left = int(item["days_left"])
        if 0 <= left <= ahead_days and item["status"] != "filed":
            chosen.append(item)
        elif item["obligation"] in TRACKED and item["status"] == "overdue":
            if -left <= overdue_days:
                chosen.append(item)
    return chosen


def digest(tenant: Tenant, items: list[dict[str, Any]]) -> tuple[str, str]:
    overdue = [i for i in items if i.get("status") == "overdue"]
    subject = f"{tenant.name}: {len(items)} compliance due date(s)" + (
        f", {len(overdue)} overdue" if overdue else ""
    )
    lines = [
        f"{i['due']}  {i['label']} ({i['agency']}) for {i['period']}"
        + (f"  OVERDUE by {-int(i['days_left'])} days" if i.get("status") == "overdue" else "")
        for i in items
    ]
    return subject, "\n".join(lines)


class ReminderService:
    def __init__(
        self,
        master: MasterDatabase,
        databases: ComplianceDatabases,
        clock: Clock = utc_now,
        ahead_days: int = 7,
        overdue_days: int = 90,
    ) -> None:
        self._master = master
        self._databases = databases
        self._clock = clock
        self._ahead_days = ahead_days
        self._overdue_days = overdue_days

    def remind(self, notifier: Notifier) -> ReminderReport:
        with self._master.unit_of_work() as master:
            tenants = [t for t in master.tenants.list() if t.is_serving]
            recipients = {t.id: office_recipients(master.users, t.id) for t in tenants}
        report = ReminderReport()
        for tenant in tenants:
            report.tenants += 1
            self.remind_tenant(tenant, notifier, recipients[tenant.id], report)
        return report

    def remind_tenant(
        self, tenant: Tenant, notifier: Notifier, recipients: list[str], report: ReminderReport
    ) -> None:
        now = self._clock()
        today = now.date()
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            if not store.profiles(None):
                return  # the tenant does not use month-end compliance
            if store.settings().get(REMINDED_ON) == today.isoformat():
                return
            variants = {"tx_form_pr": effective(store)[FORM_PR_VARIANT]}
            items: list[dict[str, Any]] = []
            for year in sorted({today.year, (today.year + 1) if today.month == 12 else today.year}):
                months = [Period(year - 1, m) for m in range(1, 13)]
                months += [Period(year, m) for m in range(1, 13)]
                filed = {("tx_form_pr", str(p)) for p in months if store.filed_periods(str(p))}
                items += calendar(year, variants, today, filed)
            chosen = reminder_items(items, self._ahead_days, self._overdue_days)
            if chosen and recipients:
                subject, body = digest(tenant, chosen)
                for recipient in recipients:
                    try:
                        notifier.send(Notification("email", recipient, subject, body))
                        report.sent += 1
                    except NotificationError:
                        report.failed += 1
            if not report.failed:
                store.put_setting(REMINDED_ON, today.isoformat(), None, now)
                uow.commit()
