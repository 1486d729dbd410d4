"""Alarms in the drain: readings/s with and without rule evaluation, and enqueue → visible.

    .venv/bin/python bench/alarms.py [--readings 500000] [--tags 2000] [--rounds 3]
                                     [--samples 10] [--timer-s 5]

Two tenants with `--tags` mapped tags each (bench/ingest.py's setup and batches
of 10,000 readings): "plain" without alarm rules, "alarms" with 5 rules per tag
(high limit with deadband, low limit, high-high with a 60 s minimum duration, a
rate of change, stale data after 10 minutes: 10,000 rules), none tripped by the
bench's values. Figures:

- drain readings/s of each tenant (median of `--rounds`, the two taking turns,
  tables emptied and the alarm state reset before each run, the rules compiled
  once beforehand as a warm host has them) and their ratio (target ≥ 0.8);
- enqueue → visible: a drain timer runs every `--timer-s` seconds (the 5 s
  of the hosts) while `--samples` batches, each with one reading over a high
  limit, are enqueued at random moments; the time from `send` until the alarm
  is listed by the alerts service (what GET /api/v1/alerts answers), p50 and
  max/p99 (target p99 < 10 s).

Uses WELLOS_BENCH_DATABASE_URL or the PostgreSQL on 127.0.0.1:5432. The last
line is key=value pairs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import BATCH, SERVER, Site, _reset, _tenant, drain_all  # noqa: E402
from local_server import bench_master  # noqa: E402

from shared.adapters.memory.queue import InMemoryQueue  # noqa: E402
from shared.adapters.sql.urls import normalize_url  # noqa: E402
from shared.bootstrap import Platform, build_platform  # noqa: E402
from shared.core.common.actor import Actor  # noqa: E402
from shared.core.common.roles import Role  # noqa: E402
from shared.core.operations.model.alarm_eval import ReadingArrays  # noqa: E402
from shared.core.ports.queue import OutgoingMessage  # noqa: E402
from shared.core.scada.model.contract import Reading, build_batch, micros  # noqa: E402
from shared.core.scada.services.deliveries import INGEST_QUEUE  # noqa: E402

MESSAGES_PER_DRAIN = 100


def add_rules(url: str, tag_ids: list[int]) -> int:
    """5 rules per tag, inserted in bulk (setup; the API checks one rule at a time)."""
    now = datetime.now(UTC)
    base = {
        "name": "", "tag_id": None, "signal_class": None, "field_id": None, "high": None,
        "low": None, "max_rise_per_min": None, "max_fall_per_min": None, "stale_after_s": None,
        "deadband": 0.0, "min_duration_s": 0.0, "severity": "medium", "enabled": True,
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    kinds = [
        ("hi", {"kind": "limit", "high": 5000.0, "deadband": 10.0}),
        ("lo", {"kind": "limit", "low": 10.0}),
        ("hihi", {"kind": "limit", "high": 8000.0, "min_duration_s": 60.0, "severity": "high"}),
        ("roc", {"kind": "rate", "max_rise_per_min": 1e6}),
        ("stale", {"kind": "stale", "stale_after_s": 600.0}),
    ]
    rows = [
        base | values | {"id": f"{name}-{tag}", "tag_id": tag}
        for tag in tag_ids
        for name, values in kinds
    ]
    engine = sa.create_engine(normalize_url(url), poolclass=NullPool)
    with engine.begin() as c:
        columns = ", ".join(rows[0])
        params = ", ".join(f":{k}" for k in rows[0])
        c.execute(sa.text(f"INSERT INTO alarm_rules ({columns}) VALUES ({params})"), rows)
    engine.dispose()
    return len(rows)


def reset_alarms(url: str) -> None:
    engine = sa.create_engine(normalize_url(url), poolclass=NullPool)
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM change_log WHERE entity = 'alert'"))
        c.execute(sa.text("DELETE FROM alerts WHERE source = 'alarm'"))
        c.execute(sa.text("DELETE FROM alarm_state"))
    engine.dispose()


def rates(
    rounds: int, platform: Platform, runs: list[tuple[Site, list[OutgoingMessage]]]
) -> list[float]:
    """Median readings/s of each (site, messages), the sites taking turns in every round
    (the machine is shared: interleaving spreads its noise over both)."""
    found: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for n, (site, made) in enumerate(runs):
            _reset([site.url])
            reset_alarms(site.url)
            found[n].append(drain_all(platform, made, len(made) * BATCH))
    return [statistics.median(rates) for rates in found]


def warm_up(platform: Platform, site: Site) -> None:
    """Compile the tenant's rules once, as the first batch after a cold start does."""
    empty = ReadingArrays.from_rows([])
    platform.operations.alarms.on_readings(site.tenant, empty)


def spike(site: Site, tag_id: int, at: datetime) -> OutgoingMessage:
    readings = [Reading(tag_id, micros(at), micros(at), 9000.0, 0)]
    body = build_batch(
        tenant_id=uuid.UUID(site.tenant.id),
        gateway_id=uuid.UUID(site.gateway_id),
        batch_id=uuid.uuid4(),
        sequence=0,
        readings=readings,
        secret=site.secret.encode(),
    )
    return OutgoingMessage(body, str(uuid.uuid4()))


def latencies(platform: Platform, site: Site, samples: int, timer_s: float) -> list[float]:
    """Seconds from enqueueing a reading over a limit to its alarm in the alerts list."""
    queue = InMemoryQueue(max_message_bytes=1_048_576)
    stop = threading.Event()

    def timer() -> None:
        while not stop.is_set():
            platform.scada.drain.drain(queue, INGEST_QUEUE, MESSAGES_PER_DRAIN)
            stop.wait(timer_s)

    actor = Actor("bench", "bench@wellos.test", Role.ADMIN, site.tenant.id, site.tenant.slug)
    drainer = threading.Thread(target=timer, daemon=True)
    drainer.start()
    found: list[float] = []
    rng = random.Random(7)
    try:
        for n in range(samples):
            time.sleep(rng.uniform(0, timer_s))
            tag = site.tag_ids[n]
            sent = time.perf_counter()
            queue.send(INGEST_QUEUE, [spike(site, tag, datetime.now(UTC))])
            while True:
                page = platform.analytics.alerts.list(
                    site.tenant, actor, "OPEN", None, None, 500, 0
                )
                if any(a.details.get("tag_id") == tag for a in page.items):
                    found.append(time.perf_counter() - sent)
                    break
                if time.perf_counter() - sent > 60:
                    raise AssertionError(f"no alarm for tag {tag} after 60 s")
                time.sleep(0.05)
    finally:
        stop.set()
        drainer.join()
    return found


def bench(platform: Platform, args: argparse.Namespace) -> dict[str, float]:
    batches = args.readings // BATCH
    # readings up to about now: stale rules (10 min) must not trip on the bench's own data
    span_s = batches * BATCH // args.tags
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=span_s)
    plain = Site(platform, platform.tenants.create(_tenant("bench-plain")).tenant, args.tags)
    alarms = Site(platform, platform.tenants.create(_tenant("bench-alarms")).tenant, args.tags)
    rules = add_rules(alarms.url, alarms.tag_ids)
    plain_made = [m for m, _ in plain.batches(start, batches)]
    alarm_made = [m for m, _ in alarms.batches(start, batches)]
    warm_up(platform, alarms)
    without, with_rules = rates(args.rounds, platform, [(plain, plain_made), (alarms, alarm_made)])
    seconds = sorted(latencies(platform, alarms, args.samples, args.timer_s))
    p99 = seconds[min(len(seconds) - 1, round(0.99 * (len(seconds) - 1)))]
    return {
        "rules": rules,
        "without": without,
        "with": with_rules,
        "p50": statistics.median(seconds),
        "p99": p99,
        "max": seconds[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=500_000)
    parser.add_argument("--tags", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--timer-s", type=float, default=5.0)
    args = parser.parse_args()
    with bench_master(SERVER, log_json=False, log_level="WARNING") as settings:
        platform = build_platform(settings)
        try:
            platform.migrate_master()
            r = bench(platform, args)
        finally:
            platform.close()
    ratio = r["with"] / r["without"]
    print(f"readings per run {args.readings:,}, tags {args.tags}, rules {r['rules']:.0f}")
    print(f"drain without rules      : {r['without']:>10,.0f} readings/s")
    print(f"drain with 5 rules/tag   : {r['with']:>10,.0f} readings/s (ratio {ratio:.2f})")
    print(
        f"enqueue -> alarm visible : p50 {r['p50']:.2f} s, p99 {r['p99']:.2f} s, "
        f"max {r['max']:.2f} s ({args.samples} samples, drain every {args.timer_s:g} s)"
    )
    print(
        f"readings_per_s_without={r['without']:.0f} readings_per_s_with={r['with']:.0f} "
        f"ratio={ratio:.2f} rules={r['rules']:.0f} visible_p50_s={r['p50']:.2f} "
        f"visible_p99_s={r['p99']:.2f} visible_max_s={r['max']:.2f} samples={args.samples}"
    )


if __name__ == "__main__":
    main()
