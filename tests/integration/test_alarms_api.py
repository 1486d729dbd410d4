"""Real-time alarms: rules through the API, readings through the drain, episodes as alerts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.adapters.sql.operations.store import SqlOperationsDatabases
from shared.bootstrap import Platform
from shared.core.operations.services.alarms import AlarmEvaluator
from shared.core.scada.model.contract import Reading, micros
from shared.core.scada.services.deliveries import INGEST_QUEUE
from tests.integration import api_support
from tests.integration.api_support import assign, invite
from tests.integration.conftest import TenantSession
from tests.integration.ingest_support import Site, batch_message, build_site, recent

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

RULES = "/api/v1/alarm-rules"


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[SqliteQueue]:
    sqlite_queue = SqliteQueue(tmp_path / "queue.db")
    yield sqlite_queue
    sqlite_queue.close()


@pytest.fixture(scope="module")
def site(mod_acme: TenantSession) -> Site:
    return build_site(mod_acme, wells=1)


def add_rule(session: TenantSession, **body: Any) -> dict[str, Any]:
    response = session.client.post(RULES, json=body, headers=session.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def send_values(
    platform: Platform,
    queue: SqliteQueue,
    site: Site,
    tag_id: int,
    start: datetime,
    values: list[float],
) -> None:
    readings = [
        Reading(tag_id, micros(start + timedelta(seconds=i)), micros(start) + i, value, 0)
        for i, value in enumerate(values)
    ]
    queue.send(INGEST_QUEUE, [batch_message(site, readings)])
    report = platform.scada.drain.drain(queue, INGEST_QUEUE, max_messages=50)
    assert report.readings_written == len(values)


def alarms_of(session: TenantSession, rule_id: str) -> list[dict[str, Any]]:
    response = session.client.get("/api/v1/alerts", params={"limit": 500}, headers=session.headers)
    assert response.status_code == 200, response.text
    return [
        a
        for a in response.json()["items"]
        if a["source"] == "alarm" and a["details"]["rule_id"] == rule_id
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "limit", "low": 200, "high": 100}, "low"),
        ({"kind": "limit", "high": 100, "min_duration_s": -5}, "min_duration_s"),
        ({"kind": "limit", "high": 100, "deadband": 80, "low": 50}, "deadband"),
        ({"kind": "stale", "stale_after_s": 10}, "stale_after_s"),
        ({"kind": "rate"}, "max_fall_per_min"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_naming_the_field(
    mod_acme: TenantSession, site: Site, body: dict[str, Any], field: str
) -> None:
    # GIVEN a rule on a mapped tag that cannot work
    payload = {"rule_id": "bad-rule", "tag_id": site.tag(0, "tubing_pressure"), **body}
    # WHEN it is saved
    response = mod_acme.client.post(RULES, json=payload, headers=mod_acme.headers)
    # THEN a 422 problem names the field and nothing is stored
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert mod_acme.client.get(RULES + "/bad-rule", headers=mod_acme.headers).status_code == 404


def test_a_rule_on_an_unknown_tag_or_class_is_refused(mod_acme: TenantSession, site: Site) -> None:
    unknown_tag = {"rule_id": "r-unknown", "kind": "limit", "high": 1, "tag_id": 999_999}
    response = mod_acme.client.post(RULES, json=unknown_tag, headers=mod_acme.headers)
    assert (response.status_code, response.json()["field"]) == (422, "tag_id")
    no_class = {"rule_id": "r-none", "kind": "limit", "high": 1, "signal_class": "no_such_tag"}
    response = mod_acme.client.post(RULES, json=no_class, headers=mod_acme.headers)
    assert (response.status_code, response.json()["field"]) == (422, "signal_class")


def test_rules_are_listed_replaced_and_deleted(mod_acme: TenantSession, site: Site) -> None:
    rule = add_rule(
        mod_acme, rule_id="crud", kind="limit", high=500, signal_class="casing_pressure"
    )
    assert rule["signal_class"] == "casing_pressure"
    ids = [r["rule_id"] for r in mod_acme.client.get(RULES, headers=mod_acme.headers).json()]
    assert "crud" in ids
    again = mod_acme.client.post(
        RULES, json={"rule_id": "crud", "kind": "limit", "high": 1, "tag_id": site.tag_ids[0]},
        headers=mod_acme.headers,
    )  # fmt: skip
    assert again.status_code == 409
    replaced = mod_acme.client.put(
        RULES + "/crud",
        json={"kind": "limit", "high": 600, "signal_class": "casing_pressure", "enabled": False},
        headers=mod_acme.headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["high"], replaced.json()["enabled"]) == (600, False)
    assert mod_acme.client.delete(RULES + "/crud", headers=mod_acme.headers).status_code == 204
    assert mod_acme.client.get(RULES + "/crud", headers=mod_acme.headers).status_code == 404


def test_readings_through_the_drain_raise_an_alarm_and_clear_it(
    mod_platform: Platform, mod_acme: TenantSession, site: Site, queue: SqliteQueue
) -> None:
    # GIVEN a high limit on the well's tubing pressure, held for 2 s
    tag = site.tag(0, "tubing_pressure")
    add_rule(
        mod_acme, rule_id="tp-high", name="Tubing pressure high", kind="limit", tag_id=tag,
        high=500, deadband=10, min_duration_s=2, severity="high",
    )  # fmt: skip
    start = recent(30)
    # WHEN readings cross the limit and stay over it for 3 s
    send_values(mod_platform, queue, site, tag, start, [400, 450, 520, 530, 540, 545])
    # THEN one OPEN alarm is in the alerts inbox, with the readings that raised it
    [alarm] = alarms_of(mod_acme, "tp-high")
    assert (alarm["status"], alarm["severity"], alarm["well_id"]) == (
        "OPEN", "HIGH", site.wells[0]["id"],
    )  # fmt: skip
    assert alarm["details"]["active"] is True
    assert [r["value"] for r in alarm["details"]["readings"]] == [520, 530, 540]
    assert "above 500" in alarm["title"]
    # WHEN the pressure falls back below the limit minus the deadband
    send_values(mod_platform, queue, site, tag, start + timedelta(seconds=10), [495, 480])
    # THEN the same alarm says it cleared, and it can be acknowledged like any alert
    [alarm] = alarms_of(mod_acme, "tp-high")
    assert alarm["details"]["active"] is False
    assert alarm["details"]["cleared_value"] == 480
    url = f"/api/v1/alerts/{alarm['id']}/acknowledge"
    assert mod_acme.client.post(url, headers=mod_acme.headers).status_code == 200


def test_a_flapping_signal_gives_one_episode(
    mod_platform: Platform, mod_acme: TenantSession, site: Site, queue: SqliteQueue
) -> None:
    # GIVEN a limit of 100 with a deadband of 5 on the casing pressure
    tag = site.tag(0, "casing_pressure")
    add_rule(mod_acme, rule_id="cp-flap", kind="limit", tag_id=tag, high=100, deadband=5)
    start = recent(20)
    # WHEN the signal flaps around the limit over three drains
    for batch in range(3):
        values = [99.0 if i % 2 else 101.0 for i in range(20)]
        send_values(mod_platform, queue, site, tag, start + timedelta(seconds=30 * batch), values)
    # THEN there is one alarm episode, still active
    [alarm] = alarms_of(mod_acme, "cp-flap")
    assert alarm["details"]["active"] is True
    # WHEN it settles well below, then rises again
    send_values(mod_platform, queue, site, tag, start + timedelta(seconds=200), [80, 80, 120])
    # THEN the first episode cleared and a second one began
    alarms = alarms_of(mod_acme, "cp-flap")
    assert len(alarms) == 2
    assert sorted(a["details"]["active"] for a in alarms) == [False, True]


def test_the_pumper_pulls_his_wells_alarms_in_the_sync_feed(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN a pumper assigned to a well whose flow-line pressure has a high limit
    site = build_site(mod_acme, wells=1, tag_names=("line_pressure",))
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    assign(mod_acme, site.wells[0]["id"], pumper["id"])
    tag = site.tag(0, "line_pressure")
    add_rule(mod_acme, rule_id="lp-high", kind="limit", tag_id=tag, high=300)
    start = pull(mod_acme, pumper["headers"], None)["cursor"]
    # WHEN the drain writes a reading over the limit
    send_values(mod_platform, queue, site, tag, recent(5), [250, 350])
    # THEN his next pull carries the alarm
    for _ in range(200):  # the feed's fence is cluster-wide: other sessions may hold it a moment
        changes = pull(mod_acme, pumper["headers"], start)["changes"]
        raised = [c for c in changes if c["entity"] == "alert" and c["action"] == "alarm.raise"]
        if raised:
            break
        time.sleep(0.1)
    assert raised and raised[0]["data"]["details"]["rule_id"] == "lp-high"


def pull(session: TenantSession, headers: dict[str, str], since: str | None) -> dict[str, Any]:
    params = {"since": since} if since else {}
    response = session.client.get("/api/v1/sync/changes", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_silent_tag_raises_a_stale_alarm_on_the_timer(
    mod_platform: Platform, mod_acme: TenantSession
) -> None:
    # GIVEN a stale-data rule of 2 minutes on a tag that never reports
    site = build_site(mod_acme, wells=1, tag_names=("pump_intake_pressure",))
    tag = site.tag(0, "pump_intake_pressure")
    add_rule(mod_acme, rule_id="pip-stale", kind="stale", tag_id=tag, stale_after_s=120)
    now = [datetime.now(UTC)]
    databases = SqlOperationsDatabases(mod_platform.tenant_databases.engines)
    evaluator = AlarmEvaluator(databases, clock=lambda: now[0])
    tenant = mod_platform.tenants.get(mod_acme.slug)
    # WHEN the timer checks now, then three minutes later, with no batch in between
    evaluator.check_stale(tenant)
    assert alarms_of(mod_acme, "pip-stale") == []
    now[0] += timedelta(minutes=3)
    evaluator.check_stale(tenant)
    # THEN a stale alarm is raised, once
    evaluator.check_stale(tenant)
    [alarm] = alarms_of(mod_acme, "pip-stale")
    assert alarm["details"]["kind"] == "stale"
