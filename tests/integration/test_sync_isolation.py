"""One event no rule can take (a time past the calendar, 1e308, data nested too deep,
text a database cannot store) is rejected alone, naming its field; the rest of its
batch applies, inline and as a queued job (issue 10, finding 5)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from functions.local.sync_jobs import handle
from shared.adapters.sql.sync import tables as st
from shared.core.common.actor import Actor
from shared.core.common.roles import Role
from shared.core.sync.model import field_events as fe
from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE
from tests.integration import api_support
from tests.integration.sync_support import (
    Site,
    build_site,
    device,
    event,
    job_readings,
    job_report,
    note,
    production,
    reading,
    rows,
    statuses,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

T = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(mod_acme, mod_platform) -> Site:
    return build_site(mod_acme, mod_platform)


def nested(depth: int) -> dict[str, Any]:
    data: dict[str, Any] = {"level": depth}
    for _ in range(depth - 1):
        data = {"a": data}
    return data


def at(body: dict[str, Any], occurred_at: str) -> dict[str, Any]:
    return {**body, "occurred_at": occurred_at}


def fresh_day() -> date:
    """A past day no other test of the module logs production on."""
    return date(2024, 1, 1) + timedelta(days=uuid.uuid4().int % 300)


BAD_EVENTS: dict[str, tuple[Callable[[str], dict[str, Any]], str]] = {
    "a year-1 time with an offset": (
        lambda well: at(reading(well, T, 1.0, seq=2), "0001-01-01T00:00:00+01:00"),
        "occurred_at",
    ),
    "a year-9999 time with an offset": (
        lambda well: at(reading(well, T, 1.0, seq=2), "9999-12-31T23:59:59-01:00"),
        "occurred_at",
    ),
    "a reading of 1e308": (lambda well: reading(well, T, 1e308, seq=2), "payload.value"),
    "an oil volume of 1e308": (
        lambda well: production(well, fresh_day(), T, oil=1e308, seq=2),
        "payload.oil_bbl",
    ),
    "a production day in year 1": (
        lambda well: production(well, date(1, 1, 1), T, oil=5.0, seq=2),
        "payload.date",
    ),
    "a tank gauge 1e308 inches high": (
        lambda well: production(
            well, fresh_day(), T, oil=5.0, seq=2, tank_gauges=[{"tank": "T", "level_in": 1e308}]
        ),
        "payload.tank_gauges.0.level_in",
    ),
    "unknown data nested 20 deep": (
        lambda well: event("TANK_STRAPPED", well, nested(20), T, seq=2),
        "payload.a.a.a",
    ),
    "an integer no JSON reader keeps": (
        lambda well: event("TANK_STRAPPED", well, {"count": 10**400}, T, seq=2),
        "payload.count",
    ),
    "a lone surrogate in a note": (
        lambda well: note(well, T, "latch \ud800", seq=2),
        "payload.text",
    ),
    "a right-to-left override in a note": (
        lambda well: note(well, T, "paid \u202e0001", seq=2),
        "payload.text",
    ),
    "a device sequence beyond BIGINT": (
        lambda well: reading(well, T, 1.0, seq=2**70),
        "device_seq",
    ),
}


@pytest.mark.parametrize("case", list(BAD_EVENTS))
def test_one_bad_event_is_rejected_naming_its_field_and_the_others_apply(site, case):
    # GIVEN a batch with a good reading, the bad event, and a good note
    well = site.wells[0]
    build, field = BAD_EVENTS[case]
    moment = T + timedelta(seconds=uuid.uuid4().int % 86_400)
    good = [reading(well, moment, 101.5, seq=1, tag="CP"), note(well, moment, "all fine", seq=3)]
    bad = build(well)
    # WHEN it syncs (as JSON text with escapes, the way a device sends a lone surrogate)
    body = json.dumps({"device": device("tab-iso"), "events": [good[0], bad, good[1]]})
    headers = {**site.operator.headers, "Content-Type": "application/json"}
    response = site.client.post("/api/v1/sync", content=body, headers=headers)
    assert response.status_code == 200, response.text[:300]
    answer = response.json()
    # THEN the bad event alone is rejected, naming its field
    assert statuses(answer) == ["applied", "rejected", "applied"]
    assert answer["results"][1]["id"] == bad["id"]
    assert answer["results"][1]["reason"].startswith(field), answer["results"][1]["reason"]
    # AND the good events are stored, the bad one is not
    stored = {str(r["id"]) for r in rows(site, st.sync_events, st.sync_events.c.id.in_(
        [good[0]["id"], bad["id"], good[1]["id"]]))}  # fmt: skip
    assert stored == {good[0]["id"], good[1]["id"]}


def test_the_core_rejects_an_implausible_event_whatever_parsed_it(site):
    # GIVEN events built without the API (a host or job that parses on its own)
    tenant = site.session.created.tenant
    op = site.operator
    actor = Actor(op.user_id, op.email, Role.FIELD_OPERATOR, tenant.id, tenant.slug)
    well = site.wells[1]
    year_one = datetime.fromisoformat("0001-01-01T00:00:00+01:00")
    good = fe.FieldEvent(str(uuid.uuid4()), 1, "NOTE_ADDED", well, T, fe.NoteAdded("ok"))
    early = fe.FieldEvent(
        str(uuid.uuid4()), 2, "WELL_READING_RECORDED", well, year_one,
        fe.ReadingRecorded("TP", 1.0, "psi"),
    )  # fmt: skip
    huge = fe.FieldEvent(
        str(uuid.uuid4()), 3, "WELL_READING_RECORDED", well, T,
        fe.ReadingRecorded("TP", 1e308, "psi"),
    )  # fmt: skip
    # WHEN the sync service applies them
    dev = fe.Device("tab-core", "android", "1.0")
    outcomes = site.platform.sync.apply_batch(tenant, actor, dev, [good, early, huge])
    # THEN the good one applies and each bad one is rejected naming its field
    assert [o.status.value for o in outcomes] == ["applied", "rejected", "rejected"]
    assert outcomes[1].reason and outcomes[1].reason.startswith("occurred_at:")
    assert outcomes[2].reason and outcomes[2].reason.startswith("payload.value:")


def test_a_queued_job_rejects_only_its_bad_events_and_finishes(site):
    # GIVEN a batch big enough to be a job, with bad events at known places
    events = job_readings(site, 520)
    events[10] = at(events[10], "0001-01-01T00:00:00+01:00")
    events[200] = {**events[200], "type": "TANK_STRAPPED", "payload": nested(20)}
    events[400]["payload"]["value"] = 1e308
    response = site.client.post(
        "/api/v1/sync",
        json={"device": device("tab-job-iso"), "events": events},
        headers=site.operator.headers,
    )
    assert response.status_code == 202, response.text[:300]
    job_id = response.json()["job_id"]
    # WHEN the worker takes its message once
    [message] = site.platform.queue.receive(SYNC_JOBS_QUEUE, 1, 60)
    handle(site.platform, site.platform.queue, message)
    # THEN the job is done at the first delivery: the bad events rejected, the rest applied
    report = job_report(site, job_id, limit=500)
    assert report["status"] == "done", report["error"]
    assert report["counts"] == {"applied": 517, "rejected": 3}
    items = report["outcomes"]["items"] + job_report(site, job_id, offset=500)["outcomes"]["items"]
    reasons = {item["position"]: item["reason"] for item in items if item["status"] == "rejected"}
    assert sorted(reasons) == [10, 200, 400]
    assert reasons[10].startswith("occurred_at:")
    assert reasons[200].startswith("payload.a.")
    assert reasons[400].startswith("payload.value:")
