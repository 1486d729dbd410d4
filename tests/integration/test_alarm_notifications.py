"""Alarm notifications: the well's pumper first, the managers if nobody acknowledges in time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.sql.analytics.store import SqlAnalyticsDatabases
from shared.bootstrap import Platform
from shared.core.analytics.services.notifications import NotificationDispatcher
from tests.integration import api_support
from tests.integration.api_support import assign, invite
from tests.integration.conftest import TenantSession
from tests.integration.ingest_support import build_site, recent
from tests.integration.test_alarms_api import add_rule, alarms_of, send_values

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[SqliteQueue]:
    sqlite_queue = SqliteQueue(tmp_path / "queue.db")
    yield sqlite_queue
    sqlite_queue.close()


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def dispatcher(platform: Platform, clock: Clock) -> NotificationDispatcher:
    databases = SqlAnalyticsDatabases(platform.tenant_databases.engines)
    return NotificationDispatcher(platform.master, databases, clock)


def raise_alarm(
    platform: Platform, session: TenantSession, queue: SqliteQueue, rule_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A pumper assigned to a well whose line pressure goes over its limit; (pumper, alarm)."""
    site = build_site(session, wells=1, tag_names=("line_pressure",))
    pumper = invite(session, "FIELD_OPERATOR")
    assign(session, site.wells[0]["id"], pumper["id"])
    tag = site.tag(0, "line_pressure")
    add_rule(session, rule_id=rule_id, kind="limit", tag_id=tag, high=300, severity="high")
    send_values(platform, queue, site, tag, recent(5), [250, 350])
    [alarm] = alarms_of(session, rule_id)
    return pumper, alarm


def about(notifier: InMemoryNotifier, alert_id: str) -> list[str]:
    return sorted(n.recipient for n in notifier.sent if alert_id in n.body)


def test_the_assigned_pumper_hears_first_and_the_managers_after_the_delay(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN an alarm raised through the drain on a well with an assigned pumper
    pumper, alarm = raise_alarm(mod_platform, mod_acme, queue, "esc-late")
    clock, notifier = Clock(), InMemoryNotifier()
    # WHEN the dispatcher runs now
    dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN only the pumper is told
    assert about(notifier, alarm["id"]) == [pumper["email"]]
    # WHEN nobody acknowledges and the escalation delay (30 min) passes
    clock.now += timedelta(minutes=31)
    dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN the tenant's admin (office staff) is told too
    assert about(notifier, alarm["id"]) == sorted([pumper["email"], mod_acme.created.admin_email])
    # WHEN the dispatcher runs again, later still
    clock.now += timedelta(hours=2)
    dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN nothing is sent twice
    assert len(about(notifier, alarm["id"])) == 2


def test_an_acknowledged_alarm_does_not_escalate(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN an alarm the pumper has been told about
    pumper, alarm = raise_alarm(mod_platform, mod_acme, queue, "esc-acked")
    clock, notifier = Clock(), InMemoryNotifier()
    dispatcher(mod_platform, clock).dispatch(notifier)
    # WHEN it is acknowledged before the delay runs out
    url = f"/api/v1/alerts/{alarm['id']}/acknowledge"
    assert mod_acme.client.post(url, headers=mod_acme.headers).status_code == 200
    clock.now += timedelta(minutes=31)
    report = dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN the managers are not told, and the escalation is cancelled
    assert about(notifier, alarm["id"]) == [pumper["email"]]
    assert report.cancelled >= 1


PREFS = "/api/v1/me/notification-preferences"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channels": ["sms"], "phone": "555-1234"}, "phone"),
        ({"channels": ["sms"]}, "phone"),
        ({"channels": ["pager"]}, "channels"),
        ({"channels": ["email"], "quiet_start": "25:00", "quiet_end": "06:00"}, "quiet_start"),
        ({"channels": ["email"], "quiet_start": "22:00"}, "quiet_end"),
        ({"channels": ["email"], "utc_offset_minutes": 2000}, "utc_offset_minutes"),
        ({"channels": ["email"], "digest": True, "digest_hour": 24}, "digest_hour"),
    ],
)
def test_wrong_preferences_are_refused_naming_the_field(
    mod_acme: TenantSession, body: dict[str, Any], field: str
) -> None:
    response = mod_acme.client.put(PREFS, json=body, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert api_support.problem_field(response) == field


def test_a_user_saves_and_reads_back_preferences(mod_acme: TenantSession) -> None:
    # GIVEN a pumper who has saved nothing: e-mail, no quiet hours
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    first = mod_acme.client.get(PREFS, headers=pumper["headers"]).json()
    assert (first["channels"], first["quiet_start"], first["digest"]) == (["email"], None, False)
    # WHEN he chooses SMS with quiet hours at UTC-6
    body = {"channels": ["sms", "email"], "phone": "+15551234567", "quiet_start": "22:00",
            "quiet_end": "06:00", "utc_offset_minutes": -360, "digest": True,
            "digest_hour": 18}  # fmt: skip
    assert mod_acme.client.put(PREFS, json=body, headers=pumper["headers"]).status_code == 200
    # THEN he reads them back, and the admin's own are untouched
    assert mod_acme.client.get(PREFS, headers=pumper["headers"]).json() == body
    assert mod_acme.client.get(PREFS, headers=mod_acme.headers).json()["channels"] == ["email"]


def test_quiet_hours_delay_the_pumpers_message_until_they_end(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN an alarm for a pumper who wants SMS and is in quiet hours right now
    pumper, alarm = raise_alarm(mod_platform, mod_acme, queue, "quiet-sms")
    clock, notifier = Clock(), InMemoryNotifier()
    start = clock.now - timedelta(hours=1)
    end = clock.now + timedelta(hours=2)
    body = {"channels": ["sms"], "phone": "+15557654321", "utc_offset_minutes": 0,
            "quiet_start": start.strftime("%H:%M"), "quiet_end": end.strftime("%H:%M")}  # fmt: skip
    assert mod_acme.client.put(PREFS, json=body, headers=pumper["headers"]).status_code == 200
    # WHEN the dispatcher runs inside the quiet window
    report = dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN nothing goes to him yet
    assert about(notifier, alarm["id"]) == []
    assert report.delayed >= 1
    # WHEN the window has ended (and the alarm was acknowledged, so no escalation)
    url = f"/api/v1/alerts/{alarm['id']}/acknowledge"
    assert mod_acme.client.post(url, headers=mod_acme.headers).status_code == 200
    clock.now = end + timedelta(minutes=1)
    dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN he gets one SMS at his number, and only once
    dispatcher(mod_platform, clock).dispatch(notifier)
    sent = [n for n in notifier.sent if alarm["id"] in n.body]
    assert [(n.channel, n.recipient) for n in sent] == [("sms", "+15557654321")]


def test_a_digest_user_gets_one_summary_at_their_hour_and_critical_alarms_at_once(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN a pumper who wants a daily digest at 06:00 local (UTC-5) instead of single messages
    site = build_site(mod_acme, wells=1, tag_names=("line_pressure", "casing_pressure"))
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    assign(mod_acme, site.wells[0]["id"], pumper["id"])
    body = {"channels": ["email"], "utc_offset_minutes": -300, "digest": True, "digest_hour": 6}
    assert mod_acme.client.put(PREFS, json=body, headers=pumper["headers"]).status_code == 200
    line, casing = site.tag(0, "line_pressure"), site.tag(0, "casing_pressure")
    add_rule(mod_acme, rule_id="dg-line", kind="limit", tag_id=line, high=300, severity="high")
    add_rule(mod_acme, rule_id="dg-casing", kind="limit", tag_id=casing, high=900,
             severity="medium")  # fmt: skip
    add_rule(mod_acme, rule_id="dg-crit", kind="limit", tag_id=line, high=500,
             severity="critical")  # fmt: skip
    send_values(mod_platform, queue, site, line, recent(5), [250, 350])
    send_values(mod_platform, queue, site, casing, recent(5), [800, 950])
    [line_alarm], [casing_alarm] = alarms_of(mod_acme, "dg-line"), alarms_of(mod_acme, "dg-casing")
    clock, notifier = Clock(), InMemoryNotifier()
    to_pumper = lambda: [n for n in notifier.sent if n.recipient == pumper["email"]]  # noqa: E731
    # WHEN the dispatcher runs now
    report = dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN the two non-critical alarms wait for the digest
    assert to_pumper() == [] and report.held_for_digest >= 2
    # WHEN a critical alarm is raised on the same well
    send_values(mod_platform, queue, site, line, recent(3), [450, 600])
    [critical] = alarms_of(mod_acme, "dg-crit")
    clock.now = datetime.now(UTC)
    dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN it reaches him at once, alone
    assert [critical["id"] in n.body for n in to_pumper()] == [True]
    # WHEN his next 06:00 (11:00 UTC) has passed and the dispatcher runs twice
    local = clock.now.astimezone(timezone(timedelta(hours=-5)))
    six = local.replace(hour=6, minute=0, second=0, microsecond=0)
    clock.now = (six if six >= local else six + timedelta(days=1)) + timedelta(minutes=1)
    first = dispatcher(mod_platform, clock).dispatch(notifier)
    dispatcher(mod_platform, clock).dispatch(notifier)
    # THEN he gets ONE digest naming both held alarms, never a second one
    digests = [n for n in to_pumper() if n.subject.startswith("[WellOS] Digest")]
    assert len(digests) == 1 and first.digests >= 1
    assert "2 alerts" in digests[0].subject
    assert line_alarm["id"] in digests[0].body and casing_alarm["id"] in digests[0].body
    assert critical["id"] not in digests[0].body


SETTINGS = "/api/v1/notification-settings"


@pytest.mark.parametrize("minutes", [4, 1441, -1])
def test_an_escalation_delay_outside_5_min_to_24_h_is_refused(
    mod_acme: TenantSession, minutes: int
) -> None:
    body = {"escalation_delay_minutes": minutes}
    response = mod_acme.client.put(SETTINGS, json=body, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert api_support.problem_field(response) == "escalation_delay_minutes"
    assert mod_acme.client.get(SETTINGS, headers=mod_acme.headers).json()["saved"] is False


def test_the_admins_escalation_delay_decides_when_the_managers_hear(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN the default of 30 minutes, then the admin shortens it to 10
    default = mod_acme.client.get(SETTINGS, headers=mod_acme.headers).json()
    assert default == {"escalation_delay_minutes": 30, "saved": False}
    body = {"escalation_delay_minutes": 10}
    saved = mod_acme.client.put(SETTINGS, json=body, headers=mod_acme.headers)
    assert saved.json() == {"escalation_delay_minutes": 10, "saved": True}
    try:
        # WHEN an alarm is raised and nobody acknowledges it for 11 minutes
        pumper, alarm = raise_alarm(mod_platform, mod_acme, queue, "esc-ten")
        clock, notifier = Clock(), InMemoryNotifier()
        clock.now = datetime.now(UTC)
        dispatcher(mod_platform, clock).dispatch(notifier)
        clock.now += timedelta(minutes=9)
        dispatcher(mod_platform, clock).dispatch(notifier)
        assert about(notifier, alarm["id"]) == [pumper["email"]]
        clock.now += timedelta(minutes=2)
        dispatcher(mod_platform, clock).dispatch(notifier)
        # THEN the admin hears after 10 minutes, not 30
        admin = mod_acme.created.admin_email
        assert about(notifier, alarm["id"]) == sorted([pumper["email"], admin])
    finally:
        body = {"escalation_delay_minutes": 30}
        mod_acme.client.put(SETTINGS, json=body, headers=mod_acme.headers)
