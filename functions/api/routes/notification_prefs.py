"""Each signed-in user's own notification preferences: channels, phone, quiet hours, digest.

``digest: true`` holds non-critical alerts for one summary a day at ``digest_hour``
(0-23, local at ``utc_offset_minutes``; default 7); critical ones still go at once.

A wrong field is a 422 problem naming it (``phone`` not E.164, ``quiet_start``
not HH:MM, an unknown channel...). Users without saved preferences get e-mail,
no quiet hours, no digest.
"""

from __future__ import annotations

from dataclasses import asdict

from pydantic import Field

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import ApiModel, StrictInput
from shared.core.analytics.model.preferences import Preferences, parse_preferences

router = FeatureRouter(tags=["notifications"], route_class=DeferredRoute)
PATH = "/api/v1/me/notification-preferences"


class PreferencesIn(StrictInput):
    channels: list[str]
    phone: str | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    utc_offset_minutes: int = 0
    digest: bool = False
    digest_hour: int = 7


class PreferencesOut(ApiModel):
    channels: list[str]
    phone: str | None
    quiet_start: str | None
    quiet_end: str | None
    utc_offset_minutes: int
    digest: bool
    digest_hour: int


def _out(preferences: Preferences) -> PreferencesOut:
    return PreferencesOut(**preferences.as_record())


@router.get(PATH, response_model=PreferencesOut)
def get_preferences(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> PreferencesOut:
    return _out(platform.analytics.preferences.get(tenant, actor))


@router.put(PATH, response_model=PreferencesOut)
def put_preferences(
    body: PreferencesIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> PreferencesOut:
    preferences = parse_preferences(
        body.channels, body.phone, body.quiet_start, body.quiet_end,
        body.utc_offset_minutes, body.digest, body.digest_hour,
    )  # fmt: skip
    return _out(platform.analytics.preferences.put(tenant, actor, preferences))


SETTINGS = "/api/v1/notification-settings"


class NotificationSettingsIn(StrictInput):
    escalation_delay_minutes: int = Field(
        description="Minutes the pumpers have to acknowledge an alarm before the managers "
        "are told: 5 to 1440"
    )


class NotificationSettingsOut(ApiModel):
    escalation_delay_minutes: int
    saved: bool = Field(description="False while the default (30 minutes) applies")


@router.get(SETTINGS, response_model=NotificationSettingsOut)
def get_notification_settings(
    platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> NotificationSettingsOut:
    """The tenant's escalation delay (admins and managers)."""
    found = platform.analytics.notification_settings.get(tenant, actor)
    return NotificationSettingsOut(**asdict(found))


@router.put(SETTINGS, response_model=NotificationSettingsOut)
def put_notification_settings(
    body: NotificationSettingsIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> NotificationSettingsOut:
    """Set the escalation delay (admins); alarms raised from now on use it."""
    saved = platform.analytics.notification_settings.put(
        tenant, actor, body.escalation_delay_minutes
    )
    return NotificationSettingsOut(**asdict(saved))
