"""Who hears about an alarm, and when: the pumpers first, the managers if nobody acknowledges.

An alarm alert gets one outbox row per pumper assigned to its well, due now,
and one escalation row addressed to the managers, due after the tenant's
escalation delay: the admin's setting (``PUT /api/v1/notification-settings``,
5 minutes to 24 hours), else the tenant feature ``alarm_escalation_minutes``,
else 30 minutes. Rows name
users (``user:<id>``) or a role (``role:MANAGER``); the dispatcher, which reads
the master database, turns them into addresses when they are due. An
escalation row whose alert is no longer OPEN when it falls due is cancelled,
not sent. The outbox's unique (alert, channel, recipient) key means a row is
written once however often the alarm is re-evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from shared.core.analytics.model.alerts import OutboxRow
from shared.core.analytics.ports import NewAlert
from shared.core.registry.model.tenants import Tenant

EMAIL = "email"
USER_PREFIX = "user:"
MANAGERS = "role:MANAGER"
ESCALATION_FEATURE = "alarm_escalation_minutes"
ESCALATION_SETTING = "escalation_delay_minutes"
DEFAULT_ESCALATION = timedelta(minutes=30)
MIN_ESCALATION_MINUTES = 5
MAX_ESCALATION_MINUTES = 24 * 60


def escalation_delay(tenant: Tenant, settings: Mapping[str, str] | None = None) -> timedelta:
    """The tenant's saved setting, else its feature flag, else 30 minutes."""
    saved = (settings or {}).get(ESCALATION_SETTING)
    if saved is not None and saved.isdigit():
        return timedelta(minutes=int(saved))
    minutes = tenant.features.get(ESCALATION_FEATURE)
    if isinstance(minutes, int | float) and not isinstance(minutes, bool) and minutes >= 0:
        return timedelta(minutes=float(minutes))
    return DEFAULT_ESCALATION


def _row(alert: NewAlert, recipient: str, due: datetime, escalation: bool) -> OutboxRow:
    payload = {
        "alert_id": alert.id,
        "well_id": alert.well_id,
        "severity": alert.severity,
        "title": alert.title,
        "escalation": escalation,
    }
    return OutboxRow.pending(alert.id, EMAIL, recipient, payload, due)


def alarm_outbox_rows(
    alerts: Sequence[NewAlert],
    pumpers: Mapping[str, Sequence[str]],
    now: datetime,
    delay: timedelta,
) -> list[OutboxRow]:
    """Rows for newly raised alarm alerts; ``pumpers`` maps a well id to its assigned user ids."""
    rows: list[OutboxRow] = []
    for alert in alerts:
        for user_id in sorted(set(pumpers.get(alert.well_id, ()))):
            rows.append(_row(alert, USER_PREFIX + user_id, now, escalation=False))
        rows.append(_row(alert, MANAGERS, now + delay, escalation=True))
    return rows
