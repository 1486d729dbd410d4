"""A failed inspection synced by a pumper becomes one corrective work order for that well
and equipment, on PostgreSQL: a re-sent batch makes no second one, a passed inspection
makes none, and the work order reaches the well's pumpers in their sync pull."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.integration.sync_support import (
    Site,
    build_site,
    device,
    inspection,
    pull_all,
    statuses,
    sync,
)

T = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
ORDERS = "/api/v1/work-orders"


@pytest.fixture
def site(acme, platform) -> Site:
    return build_site(acme, platform)


def orders_of(site: Site, well_id: str) -> list[dict[str, Any]]:
    response = site.client.get(ORDERS, params={"well_id": well_id}, headers=site.admin)
    assert response.status_code == 200, response.text
    body = response.json()
    return list(body["items"] if isinstance(body, dict) else body)


def test_a_failed_inspection_opens_one_work_order_seen_in_the_pumpers_feed(site: Site) -> None:
    well = site.wells[0]
    _, cursor, _ = pull_all(site, site.operator)
    # GIVEN a pumper whose inspection of the pump jack fails on the belts
    failed = [inspection(well, site.equipment, T, passed=False, seq=1)]
    # WHEN he syncs it, and his tablet re-sends the same batch
    first = sync(site, site.operator, device("tab-9"), failed)
    again = sync(site, site.operator, device("tab-9"), failed)
    # THEN one work order stands, for that well and equipment, naming what failed
    assert statuses(first) == ["applied"] and statuses(again) == ["duplicate"]
    [order] = [o for o in orders_of(site, well) if o["source"]["kind"] == "inspection"]
    assert order["source"]["reference"] == failed[0]["id"]
    assert order["title"] == "Repair after failed inspection: belts"
    assert (order["status"], order["equipment_id"]) == ("open", site.equipment)
    # AND it reaches the well's pumpers in their next pull
    changes, _, _ = pull_all(
        site, site.operator2, since=cursor,
        until=lambda got: order["id"] in {c["entity_id"] for c in got},
    )  # fmt: skip
    assert [c["entity"] for c in changes if c["entity_id"] == order["id"]] == ["work_order"]


def test_a_passed_inspection_opens_no_work_order(site: Site) -> None:
    well = site.wells[0]
    passed = [inspection(well, site.equipment, T, passed=True, seq=1)]
    assert statuses(sync(site, site.operator, device("tab-8"), passed)) == ["applied"]
    assert [o for o in orders_of(site, well) if o["source"]["kind"] == "inspection"] == []
