"""Each user reads and replaces their own notification preferences (any role)."""

from __future__ import annotations

from shared.core.analytics.model.preferences import Preferences
from shared.core.analytics.ports import AnalyticsDatabases
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.registry.model.tenants import Tenant


class PreferenceService:
    def __init__(self, databases: AnalyticsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def get(self, tenant: Tenant, actor: Actor) -> Preferences:
        with self._databases.unit_of_work(tenant) as uow:
            return uow.analytics.get_preferences(actor.user_id) or Preferences()

    def put(self, tenant: Tenant, actor: Actor, preferences: Preferences) -> Preferences:
        with self._databases.unit_of_work(tenant) as uow:
            uow.analytics.put_preferences(actor.user_id, preferences, self._clock())
            uow.commit()
        return preferences
