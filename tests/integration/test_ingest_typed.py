"""Typed readings end to end against real PostgreSQL: a gateway's version 2 batches through
the drain into the tenant database and back out of the readings API; backfills that
overlap live readings store no duplicates. GIVEN / WHEN / THEN."""

from __future__ import annotations

import json
import math
import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from asyncua import ua

from edge_gateway.envelope import ENUMERATION, EnvelopeHeader, encode_v2
from edge_gateway.opc.convert import to_row
from shared.adapters.memory.queue import InMemoryQueue
from shared.bootstrap import Platform
from shared.core.ports.queue import DEAD_LETTER_REASON, OutgoingMessage
from shared.core.scada.services.deliveries import INGEST_QUEUE, DrainReport
from tests.integration import api_support
from tests.integration.conftest import TenantSession
from tests.integration.ingest_support import (
    Site,
    batch_message,
    build_site,
    readings_for,
    recent,
    tenant_engine,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

TAGS = ("pump_state", "stroke_count", "total_gas", "running", "status_text", "mode", "pressure")


def v2_message(site: Site, rows: list[Any], historical: list[int]) -> OutgoingMessage:
    """What the gateway publishes: `edge_gateway.envelope.encode_v2` over buffer rows."""
    batch_id = uuid.uuid4()
    header = EnvelopeHeader(uuid.UUID(site.tenant_id), uuid.UUID(site.gateway_id), batch_id, 1,
                            all(historical))  # fmt: skip
    return OutgoingMessage(encode_v2(header, rows, historical, site.secret.encode()), str(batch_id))


def drain(platform: Platform, queue: InMemoryQueue) -> DrainReport:
    return platform.scada.drain.drain(queue, INGEST_QUEUE, max_messages=50)


def stored(platform: Platform, tag_ids: list[int]) -> list[tuple[Any, ...]]:
    query = sa.text(
        "SELECT tag_id, ts, value, value_type, value_text, historical FROM scada_readings"
        " WHERE tag_id = ANY(:tags) ORDER BY tag_id, ts"
    )
    with tenant_engine(platform, "acme").connect() as connection:
        return [tuple(row) for row in connection.execute(query, {"tags": tag_ids})]


def row_of(tag_id: int, at: datetime, variant: ua.Variant) -> Any:
    return to_row(tag_id, ua.DataValue(variant, ua.StatusCode(0), at, at))


def enumeration(row: Any) -> Any:
    """As the subscription marks a node whose DataType is an enumeration."""
    return (*row[:5], ENUMERATION, row[6])


def test_a_gateway_v2_batch_keeps_its_types_into_the_tenant_database(
    mod_platform: Platform, mod_acme: TenantSession
) -> None:
    # GIVEN a site whose tags send an Int32, a UInt64 beyond 2^53, a Boolean, a String,
    # an enumeration, a NaN and a Double, in one gateway v2 batch
    site = build_site(mod_acme, tag_names=TAGS)
    at = recent(20)
    ids = [site.tag(0, name) for name in TAGS]
    rows = [
        row_of(ids[0], at, ua.Variant(173, ua.VariantType.Int32)),
        row_of(ids[1], at, ua.Variant(2**64 - 1, ua.VariantType.UInt64)),
        row_of(ids[2], at, ua.Variant(math.nan, ua.VariantType.Double)),
        row_of(ids[3], at, ua.Variant(True, ua.VariantType.Boolean)),
        row_of(ids[4], at, ua.Variant("pump off: low level", ua.VariantType.String)),
        enumeration(row_of(ids[5], at, ua.Variant(2, ua.VariantType.Int32))),
        row_of(ids[6], at, ua.Variant(451.25, ua.VariantType.Double)),
    ]
    queue = InMemoryQueue()
    queue.send(INGEST_QUEUE, [v2_message(site, rows, [0] * len(rows))])
    # WHEN the drain runs
    report = drain(mod_platform, queue)
    # THEN every reading is stored with its type, its exact value and no backfill flag
    assert (report.batches_written, report.readings_written) == (1, len(rows))
    by_tag = {row[0]: row[2:] for row in stored(mod_platform, ids)}
    assert by_tag[ids[0]] == (173.0, 6, None, False)
    assert by_tag[ids[1]] == (float(2**64 - 1), 9, str(2**64 - 1), False)
    assert by_tag[ids[2]] == (None, 11, "NaN", False)
    assert by_tag[ids[3]] == (1.0, 1, None, False)
    assert by_tag[ids[4]] == (None, 12, "pump off: low level", False)
    assert by_tag[ids[5]] == (2.0, 29, None, False)
    assert by_tag[ids[6]] == (451.25, 11, None, False)
    # AND the readings API returns each value in its type, with the backfill flag
    well = site.wells[0]["id"]
    window = {"from": (at - timedelta(minutes=1)).isoformat(), "to": recent(0).isoformat()}
    response = mod_acme.client.get(
        f"/api/v1/wells/{well}/readings", params=window, headers=mod_acme.headers
    )
    assert response.status_code == 200, response.text
    items = {item["tag"]: item for item in response.json()["items"]}
    typed = {name: (items[name]["type"], items[name]["value"]) for name in TAGS}
    assert typed == {
        "pump_state": ("int", 173),
        "stroke_count": ("int", 2**64 - 1),
        "total_gas": ("float", None),
        "running": ("bool", True),
        "status_text": ("string", "pump off: low level"),
        "mode": ("enum", 2),
        "pressure": ("float", 451.25),
    }
    assert all(item["historical"] is False for item in items.values())
    assert items["mode"]["opc_type"] == 29
    assert isinstance(items["pressure"]["value"], float)
    # AND buckets aggregate the numeric readings only
    buckets = mod_acme.client.get(
        f"/api/v1/wells/{well}/readings", params={**window, "bucket": "1h"},
        headers=mod_acme.headers,
    )  # fmt: skip
    assert buckets.status_code == 200, buckets.text
    assert sorted(b["tag"] for b in buckets.json()["items"]) == [
        "pressure", "pump_state", "stroke_count", "total_gas"
    ]  # fmt: skip
    latest = mod_acme.client.get(f"/api/v1/wells/{well}/readings/latest", headers=mod_acme.headers)
    assert {item["tag"]: item["value"] for item in latest.json()["items"]}["running"] is True


def test_a_backfill_overlapping_live_readings_stores_no_duplicates(
    mod_platform: Platform, mod_acme: TenantSession
) -> None:
    # GIVEN 60 s of live readings of one tag (v1, as an older gateway sends them), drained
    site = build_site(mod_acme, tag_names=("flow_rate",))
    tag = site.tag(0, "flow_rate")
    start = recent(15)
    queue = InMemoryQueue()
    queue.send(INGEST_QUEUE, [batch_message(site, readings_for([tag], start, 60))])
    assert drain(mod_platform, queue).readings_written == 60
    # AND a backfill of 0..89 s (the last 30 s were missed live), sent twice and also
    # repeating one of its own readings
    backfill = [
        row_of(tag, start + timedelta(seconds=s), ua.Variant(float(s), ua.VariantType.Double))
        for s in [*range(90), 75]
    ]
    queue.send(INGEST_QUEUE, [v2_message(site, backfill, [1] * len(backfill))])
    queue.send(INGEST_QUEUE, [v2_message(site, backfill[40:], [1] * 51)])
    # WHEN the drain runs
    report = drain(mod_platform, queue)
    # THEN only the 30 missed seconds are added, flagged historical; the live ones stay
    assert (report.batches_written, report.readings_written) == (2, 30)
    rows = stored(mod_platform, [tag])
    assert len(rows) == 90
    assert len({row[1] for row in rows}) == 90
    assert [row[5] for row in rows] == [False] * 60 + [True] * 30
    assert rows[0][2] == 100.0 and rows[75][2] == 75.0
    # AND the readings API tells the backfilled ones apart
    window = {"from": start.isoformat(), "to": (start + timedelta(seconds=90)).isoformat()}
    response = mod_acme.client.get(
        f"/api/v1/wells/{site.wells[0]['id']}/readings", params=window, headers=mod_acme.headers
    )
    flags = [item["historical"] for item in response.json()["items"]]
    assert flags == [False] * 60 + [True] * 30
    # AND a later copy of the backfill (another batch id) adds nothing
    queue.send(INGEST_QUEUE, [v2_message(site, backfill, [1] * len(backfill))])
    assert drain(mod_platform, queue).readings_written == 0
    assert len(stored(mod_platform, [tag])) == 90


def test_a_batch_of_an_unknown_version_is_dead_lettered_and_the_rest_written(
    mod_platform: Platform, mod_acme: TenantSession
) -> None:
    # GIVEN a good v2 batch and a signed-looking batch claiming version 3
    site = build_site(mod_acme, tag_names=("level",))
    tag = site.tag(0, "level")
    good = v2_message(site, [row_of(tag, recent(5), ua.Variant(7, ua.VariantType.Int16))], [0])
    future = json.loads(good.body)
    future["v"] = 3
    queue = InMemoryQueue()
    queue.send(INGEST_QUEUE, [good, OutgoingMessage(json.dumps(future).encode(), "v3")])
    # WHEN the drain runs
    report = drain(mod_platform, queue)
    # THEN the good batch is written, the other dead-lettered with its reason
    assert report.readings_written == 1
    assert [d.reason for d in report.dead_lettered] == ["unsupported_version"]
    dead = queue.receive_dead_letters(INGEST_QUEUE, 10)
    assert [m.properties[DEAD_LETTER_REASON] for m in dead] == ["unsupported_version"]


def test_live_doubles_and_typed_chunks_in_one_write_keep_their_types(
    mod_platform: Platform, mod_acme: TenantSession
) -> None:
    # GIVEN three chunks for one transaction: live Doubles, typed readings (an Int32 and a
    # String), and live Doubles again, one with no value and no server timestamp
    import numpy as np

    from shared.adapters.sql.scada.readings_copy import PostgresCopyReadingWriter
    from shared.core.scada.model.columns import ReadingColumns

    site = build_site(mod_acme, tag_names=("pressure", "mode"))
    pressure, mode = site.tag(0, "pressure"), site.tag(0, "mode")
    at = int(recent(30).timestamp() * 1_000_000)

    def chunk(seconds: list[int], values: list[float], kinds: list[int] | None = None,
              text: list[str | None] | None = None) -> ReadingColumns:  # fmt: skip
        tag = pressure if kinds is None else mode
        size = len(seconds)
        return ReadingColumns(
            tag_id=np.full(size, tag, dtype=np.int32),
            ts_us=np.array([at + s * 1_000_000 for s in seconds], dtype=np.int64),
            server_ts_us=np.full(size, at, dtype=np.int64),
            server_ts_missing=np.array([s == 3 for s in seconds], dtype=np.bool_),
            value=np.array(values, dtype=np.float64),
            status=np.zeros(size, dtype=np.int32),
            value_type=None if kinds is None else np.array(kinds, dtype=np.int16),
            text=None if text is None else np.array(text, dtype=object),
        )

    chunks = [
        chunk([0, 1], [1.5, 2.5]),
        chunk([0, 1], [7.0, math.nan], [6, 12], [None, "auto"]),
        chunk([2, 3], [3.5, math.nan]),
    ]
    # WHEN they are written in one transaction
    with tenant_engine(mod_platform, "acme").begin() as connection:
        written = PostgresCopyReadingWriter(connection).write(iter(chunks))
    # THEN every reading is stored once, the Doubles as Doubles, the typed ones with their type
    assert written == 6
    assert [row[2:] for row in stored(mod_platform, [pressure, mode])] == [
        (1.5, 11, None, False),
        (2.5, 11, None, False),
        (3.5, 11, None, False),
        (None, 11, None, False),
        (7.0, 6, None, False),
        (None, 12, "auto", False),
    ]
    with tenant_engine(mod_platform, "acme").connect() as connection:
        missing = connection.execute(
            sa.text("SELECT count(*) FROM scada_readings WHERE tag_id = :t AND server_ts IS NULL"),
            {"t": pressure},
        ).scalar_one()
    assert missing == 1
