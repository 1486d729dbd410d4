"""Offline field sync through the API on real PostgreSQL: the issue's fault list."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.sync import tables as st
from shared.core.sync.services.field_sync import SyncService
from tests.integration.sync_support import (
    Site,
    build_site,
    device,
    event,
    inspection,
    note,
    production,
    pull_all,
    reading,
    rows,
    statuses,
    sync,
    table_state,
)

T = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
DAY = date(2025, 3, 4)
GAUGES = [{"tank": "T-1", "level_in": 96.5}]


@pytest.fixture
def site(acme, platform) -> Site:
    return build_site(acme, platform)


def _shift(site: Site) -> list[dict]:
    """A pumper's shift: readings, production, an inspection, a note, downtime, a photo."""
    well, other = site.wells
    photo_key = f"tenants/acme/wells/{well}/photos/{uuid.uuid4()}.jpg"
    site.platform.blobs.put(photo_key, b"\xff\xd8\xff\xe0 a photo", "image/jpeg")  # uploaded
    return [
        reading(well, T, 120.5, seq=1),
        reading(well, T + timedelta(hours=2), 118.0, seq=2),
        production(well, DAY, T, oil=80.0, seq=3, hours_on=24, tank_gauges=GAUGES),
        inspection(well, site.equipment, T, passed=True, seq=4),
        note(other, T, "gate latch broken", seq=5),
        event("DOWNTIME_REPORTED", other, {"reason_code": "POWER", "hours": 3.5}, T, seq=6),
        event("PHOTO_ATTACHED", well, {"blob_key": photo_key, "content_type": "image/jpeg"}, T, 7),
    ]


def test_same_batch_three_times_leaves_identical_state(site):
    # GIVEN a shift recorded offline
    batch = _shift(site)
    # WHEN it is sent once
    first = sync(site, site.operator, device("tab-1"), batch)
    after_first = table_state(site)
    # THEN every event applied
    assert statuses(first) == ["applied"] * len(batch)
    assert first["cursor"]
    # WHEN it is sent twice more
    second = sync(site, site.operator, device("tab-1"), batch)
    third = sync(site, site.operator, device("tab-1"), batch)
    # THEN each event is a duplicate of its first outcome and no table changed at all
    for answer in (second, third):
        assert statuses(answer) == ["duplicate"] * len(batch)
        assert {r["first_status"] for r in answer["results"]} == {"applied"}
    assert table_state(site) == after_first


def test_connection_dropped_after_commit_retry_changes_nothing(site):
    # GIVEN a batch with a production conflict, sent while the connection drops
    well = site.wells[0]
    sync(site, site.operator2, device("tab-2"), [production(well, DAY, T, oil=90.0)])
    batch = [production(well, DAY, T, oil=70.0, seq=1), note(well, T, "leak on flowline", seq=2)]
    site.client.post(
        "/api/v1/sync",
        json={"device": device("tab-1"), "events": batch},
        headers=site.operator.headers,
    )  # the device never sees this answer
    before_retry = table_state(site)
    # WHEN the device retries the same batch
    retry = sync(site, site.operator, device("tab-1"), batch)
    # THEN it learns the first outcomes, marked duplicate, and nothing changes
    assert statuses(retry) == ["duplicate", "duplicate"]
    conflict, applied = retry["results"]
    assert (conflict["first_status"], conflict["rule"]) == ("conflict", "highest_value")
    assert conflict["conflict_id"] is not None
    assert applied["first_status"] == "applied"
    assert table_state(site) == before_retry


def _daily(site: Site, well: str) -> dict:
    response = site.client.get(
        f"/api/v1/wells/{well}/production/{DAY.isoformat()}", headers=site.manager.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_two_devices_on_one_well_day_pick_the_same_winner_in_either_order(site):
    # GIVEN two devices logging the same well-day with different volumes, for two wells
    a_low = {w: production(w, DAY, T, oil=95.0) for w in site.wells}
    b_high = {w: production(w, DAY, T + timedelta(hours=1), oil=110.0) for w in site.wells}
    first, second = site.wells
    # WHEN they arrive low-then-high on one well and high-then-low on the other
    sync(site, site.operator, device("dev-a"), [a_low[first]])
    sync(site, site.operator2, device("dev-b"), [b_high[first]])
    sync(site, site.operator2, device("dev-b"), [b_high[second]])
    late = sync(site, site.operator, device("dev-a"), [a_low[second]])
    # THEN the higher log stands on both wells, in production_daily and through the API
    for well in site.wells:
        assert _daily(site, well)["oil_bbl"] == 110.0
        history = rows(site, st.production_history, st.production_history.c.well_id == well)
        winners = {r["device_id"]: r["is_winner"] for r in history}
        assert winners == {"dev-a": False, "dev-b": True}
        [conflict] = rows(site, st.sync_conflicts, st.sync_conflicts.c.well_id == well)
        assert conflict["winner_event_id"] == b_high[well]["id"]
        assert conflict["status"] == "auto_resolved"
        assert sorted(conflict["event_ids"]) == sorted([a_low[well]["id"], b_high[well]["id"]])
    assert late["results"][0]["reason"].startswith("kept as history")


def test_device_clock_hours_off_is_recorded_and_rules_stay_deterministic(site):
    # GIVEN a server clock, a device whose clock runs 3 hours fast and an accurate one
    now = T + timedelta(hours=4)
    site.platform.sync = SyncService(site.platform.tenant_databases, clock=lambda: now)
    fast, accurate = device("dev-fast", now + timedelta(hours=3)), device("dev-ok", now)
    first, second = site.wells
    fast_readings = {w: reading(w, T + timedelta(hours=3), 150.0) for w in site.wells}
    true_readings = {w: reading(w, T + timedelta(hours=1), 140.0) for w in site.wells}
    # WHEN they sync in opposite orders on two wells
    sync(site, site.operator, fast, [fast_readings[first]])
    sync(site, site.operator2, accurate, [true_readings[first]])
    sync(site, site.operator2, accurate, [true_readings[second]])
    sync(site, site.operator, fast, [fast_readings[second]])
    # THEN the reported times decide the current value the same way on both wells
    current = rows(site, st.current_readings)
    assert {(r["well_id"], r["device_id"], r["value"]) for r in current} == {
        (first, "dev-fast", 150.0),
        (second, "dev-fast", 150.0),
    }
    # AND each event carries its device's skew
    skews = {(r["device_id"], r["clock_skew_s"]) for r in rows(site, st.sync_events)}
    assert skews == {("dev-fast", -3 * 3600.0), ("dev-ok", 0.0)}
    assert len(rows(site, st.field_readings)) == 4


def test_malformed_event_in_300_good_ones_is_the_only_one_rejected(site):
    # GIVEN 300 good events and a malformed one in the middle
    well = site.wells[0]
    good = [reading(well, T + timedelta(minutes=i), 100.0 + i, seq=i) for i in range(300)]
    bad = reading(well, T, 0.0, seq=150)
    bad["payload"]["value"] = "not a number"
    batch = [*good[:150], bad, *good[150:]]
    # WHEN the batch is synced
    answer = sync(site, site.operator, device("tab-1"), batch)
    # THEN only the malformed one is rejected, naming its field; the rest applied
    results = answer["results"]
    assert [r["status"] for r in results].count("applied") == 300
    assert results[150]["status"] == "rejected"
    assert results[150]["id"] == bad["id"]
    assert results[150]["reason"].startswith("payload.value:")
    assert len(rows(site, st.field_readings)) == 300
    assert not rows(site, st.sync_events, st.sync_events.c.id == bad["id"])


def test_each_kind_of_bad_event_is_rejected_on_its_own_naming_the_field(site):
    # GIVEN events that are wrong in different ways beside a good one
    well = site.wells[0]
    naive = reading(well, T, 1.0)
    naive["occurred_at"] = "2025-03-04T14:00:00"
    wrong_photo = event(
        "PHOTO_ATTACHED", well, {"blob_key": "tenants/other/x.jpg", "content_type": "image/jpeg"}, T
    )
    future = production(well, date.today() + timedelta(days=2), T, oil=5.0)
    batch = [
        naive,
        "not an object",
        {"type": "NOTE_ADDED"},
        wrong_photo,
        future,
        note(well, T, "ok"),
    ]
    # WHEN synced
    results = sync(site, site.operator, device("tab-1"), batch)["results"]
    # THEN each bad one names what is wrong, and the good one applies
    reasons = [r["reason"].split(":")[0] for r in results[:5]]
    assert reasons == ["occurred_at", "events.1", "id", "payload.blob_key", "payload.date"]
    assert [r["status"] for r in results] == ["rejected"] * 5 + ["applied"]


def test_events_for_unassigned_or_missing_wells_are_rejected_with_a_reason(site):
    # GIVEN events for a well not assigned to the operator and for no well at all
    batch = [note(site.unassigned_well, T, "x"), note(str(uuid.uuid4()), T, "y")]
    # WHEN the operator syncs them
    results = sync(site, site.operator, device("tab-1"), batch)["results"]
    # THEN both are rejected, saying why, and nothing is stored
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert "not assigned to you" in results[0]["reason"]
    assert "does not exist" in results[1]["reason"]
    assert not rows(site, st.sync_events)


def test_unknown_type_goes_to_review_and_a_reused_id_keeps_its_first_content(site):
    # GIVEN an event of a type this server does not know, and a note
    well = site.wells[0]
    strange = event("TANK_STRAPPED", well, {"tank": "T-1", "inches": 80}, T, seq=1)
    first = note(well, T, "first text", seq=2)
    answer = sync(site, site.operator, device("tab-1"), [strange, first])
    # WHEN the note's id comes back with different text
    changed = {**first, "payload": {"text": "edited text"}}
    again = sync(site, site.operator, device("tab-1"), [changed])["results"][0]
    # THEN the unknown type waits for manual review, and the first note stands
    unknown = answer["results"][0]
    assert (unknown["status"], unknown["rule"]) == ("conflict", "manual_review")
    assert again["status"] == "duplicate" and "different content" in again["reason"]
    assert [n["text"] for n in rows(site, st.well_notes)] == ["first text"]


def test_office_roles_cannot_sync_and_big_batches_become_jobs(site):
    # GIVEN a manager and a batch of 501 events
    well = site.wells[0]
    too_many = [note(well, T, "n", seq=i) for i in range(501)]
    # WHEN the manager syncs, and the operator sends 501 events and then a 2 MB batch
    manager = site.client.post(
        "/api/v1/sync", json={"device": device("pc"), "events": []}, headers=site.manager.headers
    )
    many = site.client.post(
        "/api/v1/sync",
        json={"device": device("tab"), "events": too_many},
        headers=site.operator.headers,
    )
    huge = site.client.post(
        "/api/v1/sync",
        json={"device": device("tab"), "events": [note(well, T, "x" * 4000)] * 500},
        headers=site.operator.headers,
    )
    # THEN the manager lacks field-data:write and both big batches are taken as jobs
    assert manager.status_code == 403
    for response in (many, huge):
        assert response.status_code == 202, response.text
        body = response.json()
        assert body["status"] == "queued"
        assert response.headers["location"] == body["status_url"]
    assert not rows(site, st.well_notes)  # nothing applied inline


def _inspection_conflict(site: Site) -> tuple[dict, dict, str]:
    well = site.wells[0]
    passed = inspection(well, site.equipment, T, passed=True)
    failed = inspection(well, site.equipment, T + timedelta(hours=1), passed=False)
    first = sync(site, site.operator, device("dev-a"), [passed])["results"][0]
    second = sync(site, site.operator2, device("dev-b"), [failed])["results"][0]
    assert first["status"] == "applied"
    assert (second["status"], second["rule"]) == ("conflict", "manual_review")
    return passed, failed, second["conflict_id"]


def test_inspection_conflict_waits_for_review_then_the_manager_resolves_it(site):
    # GIVEN two inspections of one pump on one day with different results
    passed, failed, conflict_id = _inspection_conflict(site)
    held = {r["status"] for r in rows(site, st.equipment_inspections)}
    queue = site.client.get(
        "/api/v1/conflicts",
        params={"status": "open", "type": "EQUIPMENT_INSPECTED"},
        headers=site.manager.headers,
    ).json()
    detail = site.client.get(f"/api/v1/conflicts/{conflict_id}", headers=site.manager.headers)
    # WHEN the manager keeps the failed one, saying why
    resolved = site.client.post(
        f"/api/v1/conflicts/{conflict_id}/resolve",
        json={"choose": failed["id"], "reason": "belt photo shows wear"},
        headers=site.manager.headers,
    )
    again = site.client.post(
        f"/api/v1/conflicts/{conflict_id}/resolve",
        json={"choose": passed["id"], "reason": "second thoughts"},
        headers=site.manager.headers,
    )
    # THEN nothing applied while it waited, the decision applies, and a second one is refused
    assert held == {"in_review"}
    assert (queue["total"], queue["items"][0]["id"]) == (1, conflict_id)
    assert {e["device_id"] for e in detail.json()["events"]} == {"dev-a", "dev-b"}
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    states = {r["id"]: r["status"] for r in rows(site, st.equipment_inspections)}
    assert states == {failed["id"]: "applied", passed["id"]: "superseded"}
    assert again.status_code == 409
    # AND the audit log says who decided and why
    [entry] = rows(site, t.audit_log, t.audit_log.c.action == "conflict.resolved")
    assert entry["actor_email"] == site.manager.email
    assert entry["after"]["resolution"]["reason"] == "belt photo shows wear"


def test_a_merged_inspection_replaces_both_sides(site):
    # GIVEN an inspection conflict
    _, _, conflict_id = _inspection_conflict(site)
    merged = {"checklist": [{"item": "belts", "ok": False, "note": "frayed"}], "passed": False}
    # WHEN the admin resolves it with a merged value
    response = site.client.post(
        f"/api/v1/conflicts/{conflict_id}/resolve",
        json={"merged": merged, "reason": "called both pumpers"},
        headers=site.admin,
    )
    # THEN only the merged inspection stands
    assert response.status_code == 200, response.text
    standing = [r for r in rows(site, st.equipment_inspections) if r["status"] == "applied"]
    assert [(r["passed"], r["recorded_by"]) for r in standing] == [(False, "admin@acme.test")]


def test_only_managers_and_admins_work_the_review_queue(site):
    # GIVEN an open conflict
    passed, _, conflict_id = _inspection_conflict(site)
    body = {"choose": passed["id"], "reason": "looks fine"}
    # WHEN a viewer and a field operator try to resolve or list it
    path = f"/api/v1/conflicts/{conflict_id}/resolve"
    viewer = site.client.post(path, json=body, headers=site.viewer.headers)
    operator = site.client.post(path, json=body, headers=site.operator.headers)
    listing = site.client.get("/api/v1/conflicts", headers=site.operator.headers)
    # THEN they are forbidden and the conflict stays open
    assert (viewer.status_code, operator.status_code, listing.status_code) == (403, 403, 403)
    assert rows(site, st.sync_conflicts)[0]["status"] == "open"


def test_a_week_offline_catches_up_page_by_page(site):
    # GIVEN a device that pulled once and then went offline
    _, cursor, _ = pull_all(site, site.operator2)
    # WHEN another pumper syncs a week of shifts and the office edits a well meanwhile
    expected = []
    for day in range(7):
        start = T + timedelta(days=day)
        batch = [
            reading(w, start + timedelta(minutes=i), 100.0 + i, seq=i)
            for w in site.wells
            for i in range(20)
        ]
        batch.append(note(site.wells[0], start, f"day {day}", seq=99))
        sync(site, site.operator, device("dev-a"), batch)
        expected += [e["id"] for e in batch]
    patch = site.client.patch(
        f"/api/v1/wells/{site.wells[1]}", json={"name": "Well B renamed"}, headers=site.admin
    )
    assert patch.status_code == 200

    # AND the device comes back and pulls 25 changes at a time
    def arrived(got: list[dict]) -> bool:
        return _covers(got, set(expected)) and bool(_edits(got))

    changes, _, pages = pull_all(site, site.operator2, since=cursor, limit=25, until=arrived)
    # THEN it gets every change exactly once, over many pages, the office edit last
    synced = [c["entity_id"] for c in changes if c["entity"] in ("reading", "note")]
    assert sorted(synced) == sorted(expected)
    [renamed] = [c for c in changes if c["action"] == "well.updated"]
    assert renamed["data"]["name"] == "Well B renamed"
    assert changes[-1] == renamed
    assert pages > len(changes) // 25
    # AND the pumper who entered the readings does not get them back
    own, _, _ = pull_all(site, site.operator, since=cursor, limit=200)
    assert "reading" not in {c["entity"] for c in own}


def _covers(changes: list[dict], wanted: set[str]) -> bool:
    return wanted <= {c["entity_id"] for c in changes}


def _edits(changes: list[dict]) -> list[dict]:
    return [c for c in changes if c["action"] == "well.updated"]


def test_office_edits_reach_a_pull_only_for_assigned_wells(site):
    # GIVEN an operator's cursor and an office edit on an assigned and an unassigned well
    _, cursor, _ = pull_all(site, site.operator)
    _, manager_cursor, _ = pull_all(site, site.manager)
    for well in (site.wells[0], site.unassigned_well):
        response = site.client.patch(
            f"/api/v1/wells/{well}", json={"well_number": "7H"}, headers=site.admin
        )
        assert response.status_code == 200
    # WHEN the operator and the manager pull (the manager's pull waits for both edits)
    both = {site.wells[0], site.unassigned_well}
    manager_changes, _, _ = pull_all(
        site, site.manager, since=manager_cursor, until=lambda got: _covers(_edits(got), both)
    )
    operator_changes, _, _ = pull_all(site, site.operator, since=cursor)
    # THEN the operator sees only the assigned well; the manager sees both
    assert [c["entity_id"] for c in _edits(operator_changes)] == [site.wells[0]]
    assert {c["entity_id"] for c in _edits(manager_changes)} == both


def test_a_garbled_cursor_is_a_422_naming_since(site):
    # GIVEN a cursor this server never issued
    # WHEN it is used to pull
    response = site.client.get(
        "/api/v1/sync/changes", params={"since": "bm9wZQ"}, headers=site.operator.headers
    )
    # THEN the problem names the parameter
    assert response.status_code == 422
    assert response.json()["field"] == "since"


def test_events_apply_in_device_sequence_order_not_in_body_order(site):
    # GIVEN a batch listed backwards whose two entries reuse one id (a client bug)
    well = site.wells[0]
    earlier = note(well, T, "written first", seq=1)
    later = {**earlier, "device_seq": 2, "payload": {"text": "written second"}}
    # WHEN it is synced
    results = sync(site, site.operator, device("tab-1"), [later, earlier])["results"]
    # THEN device_seq 1 applied first; the answers still follow the body's order
    assert [r["status"] for r in results] == ["duplicate", "applied"]
    assert [n["text"] for n in rows(site, st.well_notes)] == ["written first"]


def test_office_production_reaches_the_pull_of_assigned_operators(site):
    # GIVEN an operator's cursor
    _, cursor, _ = pull_all(site, site.operator)
    well = site.wells[0]
    # WHEN the office enters a day by hand and a batch of days for the well
    path = f"/api/v1/wells/{well}/production/{DAY.isoformat()}"
    site.client.put(path, json={"oil_bbl": 12.0}, headers=site.admin)
    batch = [{"well_id": well, "production_date": f"2025-03-0{d}", "oil_bbl": 9.0} for d in (1, 2)]
    site.client.post("/api/v1/production:batch", json={"rows": batch}, headers=site.admin)
    # THEN the operator's pull carries both
    wanted = {"production.upserted", "production.batch_upserted"}
    changes, _, _ = pull_all(
        site, site.operator, since=cursor, until=lambda got: wanted <= {c["action"] for c in got}
    )
    by_action = {c["action"]: c["data"] for c in changes if c["entity"] == "production"}
    assert by_action["production.upserted"]["oil_bbl"] == 12.0
    summary = {"well_id": well, "from": "2025-03-01", "to": "2025-03-02", "days": 2}
    assert by_action["production.batch_upserted"] == summary


def test_a_value_the_database_cannot_store_rejects_only_its_event(site):
    # GIVEN two logs of one well-day around an event whose payload PostgreSQL cannot store
    # (a NUL character: refused by the plausibility screen before any write)
    well = site.wells[0]
    high = production(well, DAY, T, oil=120.0, seq=1)
    refused = event("TANK_STRAPPED", well, {"tank": "T-1\u0000"}, T, seq=2)
    low = production(well, DAY, T + timedelta(hours=1), oil=90.0, seq=3)
    # WHEN they sync in one batch
    results = sync(site, site.operator, device("tab-1"), [high, refused, low])["results"]
    # THEN only that event is rejected; the rules decided the others as usual
    assert [r["status"] for r in results] == ["applied", "rejected", "conflict"]
    assert results[1]["reason"].startswith("payload.tank: must not contain control")
    assert results[2]["reason"].startswith("kept as history")
    assert _daily(site, well)["oil_bbl"] == 120.0
    stored = {r["id"] for r in rows(site, st.sync_events)}
    assert stored == {high["id"], low["id"]}
