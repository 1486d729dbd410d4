"""Reading partitions on real PostgreSQL: created ahead, rows routed, DEFAULT catches the rest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from shared.adapters.memory.queue import InMemoryQueue
from shared.core.scada.model.contract import Reading, micros
from shared.core.scada.services.deliveries import INGEST_QUEUE
from tests.integration import api_support
from tests.integration.ingest_support import batch_message, build_site, tenant_engine

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


def month(offset: int) -> datetime:
    """The first instant of the month `offset` months from now (UTC)."""
    now = datetime.now(UTC)
    index = now.year * 12 + now.month - 1 + offset
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition_name(moment: datetime) -> str:
    return f"scada_readings_y{moment.year:04d}m{moment.month:02d}"


def partitions(platform) -> set[str]:
    query = sa.text(
        "SELECT inhrelid::regclass::text FROM pg_inherits"
        " WHERE inhparent = 'scada_readings'::regclass"
    )
    with tenant_engine(platform, "acme").connect() as connection:
        return set(connection.execute(query).scalars())


def partition_of(platform, tag_id: int) -> dict[str, str]:
    query = sa.text(
        "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), tableoid::regclass::text"
        " FROM scada_readings WHERE tag_id = :tag"
    )
    with tenant_engine(platform, "acme").connect() as connection:
        return dict(connection.execute(query, {"tag": tag_id}).all())


@pytest.fixture
def site(mod_acme):
    return build_site(mod_acme, tag_names=("flow_rate",))


def ingest(platform, site, moments: list[datetime]) -> None:
    tag = site.tag_ids[0]
    rows = [Reading(tag, micros(moment), None, 1.0, 0) for moment in moments]
    queue = InMemoryQueue()
    queue.send(INGEST_QUEUE, [batch_message(site, rows)])
    assert platform.scada.drain.drain(queue, INGEST_QUEUE).readings_written == len(rows)


def test_a_new_tenant_has_partitions_from_last_month_to_two_ahead(mod_platform, mod_acme):
    expected = {partition_name(month(offset)) for offset in (-1, 0, 1, 2)}
    assert expected | {"scada_readings_default"} <= partitions(mod_platform)


def test_readings_land_in_their_months_partition_and_default_catches_the_rest(mod_platform, site):
    # GIVEN readings this month, next month, far in the future and long ago
    moments = [
        month(0),
        month(1),
        datetime(2031, 5, 2, tzinfo=UTC),
        datetime(2001, 1, 2, tzinfo=UTC),
    ]
    # WHEN they are drained
    ingest(mod_platform, site, moments)
    # THEN each month's reading is in that month's partition, the others in DEFAULT
    assert partition_of(mod_platform, site.tag_ids[0]) == {
        month(0).strftime("%Y-%m-%d"): partition_name(month(0)),
        month(1).strftime("%Y-%m-%d"): partition_name(month(1)),
        "2031-05-02": "scada_readings_default",
        "2001-01-02": "scada_readings_default",
    }


def test_maintenance_creates_partitions_ahead_and_moves_caught_rows(mod_platform, site):
    # GIVEN a reading three months ahead, caught by DEFAULT (no partition there yet)
    ahead = month(3).replace(day=10)
    assert partition_name(ahead) not in partitions(mod_platform)
    ingest(mod_platform, site, [ahead])
    assert set(partition_of(mod_platform, site.tag_ids[0]).values()) == {"scada_readings_default"}
    # WHEN the maintenance timer ensures three months ahead (twice)
    first = mod_platform.scada.partitions.ensure_all(months_ahead=3)
    second = mod_platform.scada.partitions.ensure_all(months_ahead=3)
    # THEN the partition exists, holds the reading, and the second run had nothing to do
    assert [(run.slug, run.ok, run.created) for run in first] == [("acme", True, 1)]
    assert [run.created for run in second] == [0]
    assert partition_of(mod_platform, site.tag_ids[0]) == {
        ahead.strftime("%Y-%m-%d"): partition_name(ahead)
    }
    # AND the read index came with it
    query = sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = :t")
    with tenant_engine(mod_platform, "acme").connect() as connection:
        (index,) = connection.execute(query, {"t": partition_name(ahead)}).scalars()
    assert "(tag_id, ts)" in index
