"""A well's field timeline and its assignments through the API, on real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.sync_support import (
    Site,
    build_site,
    device,
    event,
    inspection,
    note,
    reading,
    statuses,
    sync,
)

T = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


@pytest.fixture
def site(acme, platform) -> Site:
    built = build_site(acme, platform)
    well = built.wells[0]
    shift = [
        reading(well, T, 120.5, seq=1),
        inspection(well, built.equipment, T + timedelta(hours=1), passed=False, seq=2),
        note(well, T + timedelta(hours=2), "gate latch broken", seq=3),
        event("DOWNTIME_REPORTED", well, {"reason_code": "POWER", "hours": 3.5}, T, seq=4),
        note(built.wells[1], T, "on the other well", seq=5),
    ]
    answer = sync(built, built.operator, device("tablet-1"), shift)
    assert set(statuses(answer)) == {"applied"}, answer
    return built


def timeline(site: Site, well: str, headers: dict[str, str], **params: object):
    return site.client.get(f"/api/v1/wells/{well}/timeline", params=params, headers=headers)


def test_the_office_sees_a_wells_field_records_newest_first(site: Site) -> None:
    # WHEN a manager opens the first well's timeline
    response = timeline(site, site.wells[0], site.manager.headers)
    # THEN the note, the inspection, the reading and the downtime report come newest first,
    # and the other well's note is not among them
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["kind"] for item in items] == ["note", "inspection", "reading", "downtime"]
    assert items[0]["details"]["text"] == "gate latch broken"
    assert items[0]["recorded_by"] == site.operator.email
    failed = next(item for item in items if item["kind"] == "inspection")
    assert failed["details"]["passed"] is False
    assert failed["equipment_id"] == site.equipment
    reading_entry = next(item for item in items if item["kind"] == "reading")
    assert reading_entry["details"] == {"tag": "TP", "value": 120.5, "unit": "psi"}
    downtime = next(item for item in items if item["kind"] == "downtime")
    assert downtime["details"]["reason_code"] == "POWER"
    assert downtime["details"]["hours"] == 3.5
    assert "on the other well" not in str(items)


def test_the_timeline_filters_by_kind_time_and_count(site: Site) -> None:
    well = site.wells[0]
    notes = timeline(site, well, site.admin, kind="note").json()["items"]
    assert [item["kind"] for item in notes] == ["note"]
    two = timeline(site, well, site.admin, kind=["reading", "downtime"]).json()["items"]
    assert sorted(item["kind"] for item in two) == ["downtime", "reading"]
    later = timeline(site, well, site.admin, **{"from": (T + timedelta(minutes=30)).isoformat()})
    assert {item["kind"] for item in later.json()["items"]} == {"note", "inspection"}
    newest = timeline(site, well, site.admin, limit=1).json()["items"]
    assert [item["kind"] for item in newest] == ["note"]


def test_bad_timeline_queries_are_problems_naming_the_field(site: Site) -> None:
    well = site.wells[0]
    wrong_kind = timeline(site, well, site.admin, kind="gossip")
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["errors"][0]["field"].startswith("kind")
    backwards = timeline(
        site, well, site.admin, **{"from": T.isoformat(), "to": (T - timedelta(days=1)).isoformat()}
    )
    assert backwards.status_code == 422
    assert backwards.json()["field"] == "to"
    assert timeline(site, well, site.admin, limit=0).status_code == 422


def test_field_operators_see_only_their_wells_timelines(site: Site) -> None:
    relief = site.operator2
    assert timeline(site, site.wells[0], relief.headers).status_code == 200
    hidden = timeline(site, site.unassigned_well, relief.headers)
    assert hidden.status_code == 404


def test_a_wells_assignments_list_who_works_it(site: Site) -> None:
    response = site.client.get(
        f"/api/v1/wells/{site.wells[0]}/assignments", headers=site.viewer.headers
    )
    assert response.status_code == 200, response.text
    users = {item["user_id"] for item in response.json()["items"]}
    assert users == {site.operator.user_id, site.operator2.user_id}
    assert all(item["assigned_by"] for item in response.json()["items"])
    site.client.delete(
        f"/api/v1/wells/{site.wells[0]}/assignments/{site.operator2.user_id}", headers=site.admin
    )
    after = site.client.get(f"/api/v1/wells/{site.wells[0]}/assignments", headers=site.admin)
    assert [item["user_id"] for item in after.json()["items"]] == [site.operator.user_id]
    unassigned = site.client.get(
        f"/api/v1/wells/{site.unassigned_well}/assignments", headers=site.admin
    )
    assert unassigned.json()["items"] == []
