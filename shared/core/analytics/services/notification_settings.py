"""The tenant's notification settings: the delay before the managers hear of an alarm.

``escalation_delay_minutes``: how long the well's pumpers have to acknowledge an
alarm before the admins and managers are told (5 minutes to 24 hours). Unsaved,
the tenant feature ``alarm_escalation_minutes`` or 30 minutes applies. Admins
change it (``settings:write``), admins and managers read it; alarms raised after
the change use it (rows already in the outbox keep their due time).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.core.analytics.ports import AnalyticsDatabases
from shared.core.analytics.services.routing import (
    ESCALATION_SETTING,
    MAX_ESCALATION_MINUTES,
    MIN_ESCALATION_MINUTES,
    escalation_delay,
)
from shared.core.common.access import audit, require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant


@dataclass(frozen=True)
class NotificationSettings:
    escalation_delay_minutes: int
    saved: bool
    """False while the default (feature or 30 minutes) applies."""


class NotificationSettingsService:
    def __init__(self, databases: AnalyticsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def get(self, tenant: Tenant, actor: Actor) -> NotificationSettings:
        require(actor, Permission.SETTINGS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return _current(tenant, uow.analytics.notification_settings())

    def put(self, tenant: Tenant, actor: Actor, minutes: int) -> NotificationSettings:
        require(actor, Permission.SETTINGS_WRITE)
        if not MIN_ESCALATION_MINUTES <= minutes <= MAX_ESCALATION_MINUTES:
            raise InputError(
                "escalation_delay_minutes",
                f"between {MIN_ESCALATION_MINUTES} and {MAX_ESCALATION_MINUTES} minutes",
            )
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.analytics
            before = _current(tenant, store.notification_settings())
            store.put_notification_setting(
                ESCALATION_SETTING, str(minutes), actor.email, self._clock()
            )
            after = _current(tenant, store.notification_settings())
            audit(
                uow, self._clock, actor, "put", "notification_settings", "notifications",
                {"escalation_delay_minutes": before.escalation_delay_minutes},
                {"escalation_delay_minutes": after.escalation_delay_minutes},
            )  # fmt: skip
            uow.commit()
        return after


def _current(tenant: Tenant, saved: dict[str, str]) -> NotificationSettings:
    delay = escalation_delay(tenant, saved)
    return NotificationSettings(int(delay.total_seconds() // 60), ESCALATION_SETTING in saved)
