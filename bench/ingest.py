"""Ingest drain throughput beside the fastest raw client path into the same table.

    .venv/bin/python bench/ingest.py [--readings 1000000] [--tags 2000] [--rounds 3]
                                     [--envelope 1|2] [--backfill]

Every tenant gets `--tags` mapped tags (100 wells x 20 by default) and signed
batches of 10,000 readings (the gateway's default cut): each batch holds 5
consecutive seconds of every tag. Figures, each the median of `--rounds` runs
on emptied tables with the read index (tag_id, ts) and monthly partitions:

- drain, one tenant: `DrainService.drain` over an in-memory queue: parse, look
  the gateway up, verify the HMAC, claim batch ids, decode and check tags on a
  thread while the binary COPY (pg8000, the default driver) takes the previous
  chunk, commit, complete. Signing and compressing are the gateway's work and
  happen before the clock starts.
- raw COPY: psycopg binary COPY (`write_row`) of the same rows, already decoded
  to Python values, one transaction per 100 batches as the drain does; in
  arrival order and sorted by (tag_id, ts); the faster one is the reference.
- drain, ten tenants: the same number of readings spread over ten tenants.

`--envelope 2` sends the gateway's version 2 envelope (typed Doubles, built by
`edge_gateway.envelope.encode_v2`); `--backfill` flags every reading backfilled,
so all of them take the deduplicating path (staging table, then an insert of
the (tag_id, ts) not yet stored) instead of the straight COPY.

Uses WELLOS_BENCH_DATABASE_URL or the PostgreSQL on 127.0.0.1:5432. The last
line is key=value pairs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg
import sqlalchemy as sa
from local_server import bench_master
from sqlalchemy.pool import NullPool

from edge_gateway.envelope import EnvelopeHeader, encode_v2
from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.sql.urls import connectable, normalize_url
from shared.bootstrap import Platform, build_platform
from shared.core.common.actor import Actor
from shared.core.common.roles import Role
from shared.core.ports.queue import OutgoingMessage
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.services.tenants import CreateTenant
from shared.core.scada.model.contract import Reading, build_batch, micros
from shared.core.scada.services.deliveries import INGEST_QUEUE

SERVER = os.environ.get(
    "WELLOS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BATCH = 10_000
MESSAGES_PER_DRAIN = 100
COPY_RAW = "COPY scada_readings (tag_id, ts, value, status, server_ts) FROM STDIN (FORMAT BINARY)"
RawRow = tuple[int, datetime, float, int, datetime]


class Site:
    """One bench tenant: its gateway credential and mapped tag ids."""

    def __init__(self, platform: Platform, tenant: Tenant, tags: int) -> None:
        self.tenant = tenant
        actor = Actor("bench", "bench@wellos.test", Role.ADMIN, tenant.id, tenant.slug)
        registered = platform.scada.gateways.register(tenant, actor, "bench gateway")
        self.gateway_id, self.secret = registered.gateway.id, registered.credential.secret
        connection = platform.scada.connections.create(
            tenant,
            actor,
            {"gateway_id": self.gateway_id, "name": "RTU", "endpoint_url": "opc.tcp://h:4840"},
        )
        self.url = platform.secrets.get(tenant.connection_secret_ref)
        self.tag_ids = _map_tags(self.url, connection.id, tags)

    def batches(
        self, start: datetime, count: int, envelope: int = 1, backfill: bool = False
    ) -> list[tuple[OutgoingMessage, list[RawRow]]]:
        """`count` signed batches of BATCH readings, 1 s apart per tag round."""
        per_round = len(self.tag_ids)
        out = []
        for b in range(count):
            rows = []
            for i in range(BATCH):
                n = b * BATCH + i
                at = start + timedelta(seconds=n // per_round)
                rows.append((self.tag_ids[n % per_round], at, 100.0 + n % 997, 0, at))
            if envelope == 2:
                header = EnvelopeHeader(uuid.UUID(self.tenant.id), uuid.UUID(self.gateway_id),
                                        uuid.uuid4(), b, backfill)  # fmt: skip
                typed = [(t, micros(a), micros(s), v, q, 11, None) for t, a, v, q, s in rows]
                body = encode_v2(header, typed, [int(backfill)] * len(typed), self.secret.encode())
            else:
                body = build_batch(
                    tenant_id=uuid.UUID(self.tenant.id),
                    gateway_id=uuid.UUID(self.gateway_id),
                    batch_id=uuid.uuid4(),
                    sequence=b,
                    readings=[Reading(t, micros(a), micros(s), v, q) for t, a, v, q, s in rows],
                    secret=self.secret.encode(),
                    historical=backfill,
                )
            out.append((OutgoingMessage(body, str(uuid.uuid4())), rows))
        return out


def _map_tags(url: str, connection_id: str, tags: int) -> list[int]:
    """Wells and tag mappings inserted in bulk (setup only; the API does one at a time)."""
    now = datetime.now(UTC)
    wells = [str(uuid.uuid4()) for _ in range(max(1, tags // 20))]
    engine = sa.create_engine(normalize_url(url), poolclass=NullPool)
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO wells (id, name, well_type, status, is_horizontal, created_at,"
                " updated_at) VALUES (:id, :id, 'OIL', 'ACTIVE', false, :now, :now)"
            ),
            [{"id": w, "now": now} for w in wells],
        )
        c.execute(
            sa.text(
                "INSERT INTO tag_mappings (connection_id, well_id, node_id, tag_name, data_type,"
                " sampling_interval_ms, deadband_type, deadband_value, enabled, revision,"
                " created_at, updated_at) VALUES (:c, :w, :n, :n, 'float', 1000, 'none', 0,"
                " true, 1, :now, :now)"
            ),
            [
                {"c": connection_id, "w": wells[i % len(wells)], "n": f"tag{i}", "now": now}
                for i in range(tags)
            ],
        )
        ids = sorted(c.execute(sa.text("SELECT id FROM tag_mappings")).scalars())
    engine.dispose()
    return ids


def _reset(urls: list[str]) -> None:
    for url in urls:
        with psycopg.connect(_libpq(url), autocommit=True) as c:
            c.execute("TRUNCATE scada_readings, ingested_batches")
            c.execute("CHECKPOINT")


def _libpq(url: str) -> str:
    return connectable(normalize_url(url).set(drivername="postgresql"))


def raw_copy(url: str, rows: list[RawRow], sort: bool) -> float:
    if sort:
        rows = sorted(rows, key=lambda r: (r[0], r[1]))
    chunk = MESSAGES_PER_DRAIN * BATCH
    started = time.perf_counter()
    with psycopg.connect(_libpq(url)) as c:
        for offset in range(0, len(rows), chunk):
            with c.cursor() as cur, cur.copy(COPY_RAW) as copy:
                copy.set_types(["int4", "timestamptz", "float8", "int4", "timestamptz"])
                for row in rows[offset : offset + chunk]:
                    copy.write_row(row)
            c.commit()
    return len(rows) / (time.perf_counter() - started)


def drain_all(platform: Platform, messages: list[OutgoingMessage], readings: int) -> float:
    queue = InMemoryQueue(max_message_bytes=1_048_576)
    queue.send(INGEST_QUEUE, messages)
    written = 0
    started = time.perf_counter()
    while True:
        report = platform.scada.drain.drain(queue, INGEST_QUEUE, MESSAGES_PER_DRAIN)
        written += report.readings_written
        if report.received == 0:
            break
    elapsed = time.perf_counter() - started
    assert written == readings, f"wrote {written} of {readings}"
    return readings / elapsed


def median_of(rounds: int, reset: Callable[[], None], run: Callable[[], float]) -> float:
    rates = []
    for _ in range(rounds):
        reset()
        rates.append(run())
    return statistics.median(rates)


def bench(platform: Platform, args: argparse.Namespace) -> dict[str, float]:
    batches = args.readings // BATCH
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
    one = Site(platform, platform.tenants.create(_tenant("bench-one")).tenant, args.tags)
    raw = Site(platform, platform.tenants.create(_tenant("bench-raw")).tenant, args.tags)
    ten = [
        Site(platform, platform.tenants.create(_tenant(f"bench-t{i}")).tenant, args.tags)
        for i in range(10)
    ]
    made = one.batches(start, batches, args.envelope, args.backfill)
    messages = [m for m, _ in made]
    rows = [row for _, batch_rows in made for row in batch_rows]
    spread = [
        m for s in ten for m, _ in s.batches(start, batches // 10, args.envelope, args.backfill)
    ]
    results = {
        "raw_unsorted": median_of(
            args.rounds, lambda: _reset([raw.url]), lambda: raw_copy(raw.url, rows, False)
        ),
        "raw_sorted": median_of(
            args.rounds, lambda: _reset([raw.url]), lambda: raw_copy(raw.url, rows, True)
        ),
        "drain": median_of(
            args.rounds, lambda: _reset([one.url]), lambda: drain_all(platform, messages, len(rows))
        ),
        "ten": median_of(
            args.rounds,
            lambda: _reset([s.url for s in ten]),
            lambda: drain_all(platform, spread, len(spread) * BATCH),
        ),
    }
    return results


def _tenant(slug: str) -> CreateTenant:
    return CreateTenant(slug=slug, name=slug, admin_email=f"admin@{slug}.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--tags", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--envelope", type=int, choices=(1, 2), default=1)
    parser.add_argument("--backfill", action="store_true", help="flag every reading backfilled")
    args = parser.parse_args()
    with bench_master(SERVER, log_json=False, log_level="WARNING") as settings:
        platform = build_platform(settings)
        try:
            platform.migrate_master()
            r = bench(platform, args)
        finally:
            platform.close()
    raw_best = max(r["raw_unsorted"], r["raw_sorted"])
    print(
        f"readings per run {args.readings:,}, tags per tenant {args.tags}, median of {args.rounds},"
        f" envelope v{args.envelope}{', all backfilled' if args.backfill else ''}"
    )
    print(f"raw psycopg binary COPY, arrival order : {r['raw_unsorted']:>10,.0f} readings/s")
    print(f"raw psycopg binary COPY, (tag, ts) order: {r['raw_sorted']:>10,.0f} readings/s")
    print(f"drain, one tenant                       : {r['drain']:>10,.0f} readings/s")
    print(f"drain, ten tenants                      : {r['ten']:>10,.0f} readings/s")
    print(
        f"readings_per_s={r['drain']:.0f} raw_copy_per_s={raw_best:.0f} "
        f"ratio_vs_raw_copy={r['drain'] / raw_best:.2f} ten_tenants_readings_per_s={r['ten']:.0f}"
    )


if __name__ == "__main__":
    main()
