"""The drain beside raw binary COPY in CPU time: this process's and PostgreSQL's.

    .venv/bin/python bench/ingest_cpu.py [--readings 1000000] [--tags 2000] [--rounds 3]
                                         [--one-chunk] [--prefill]

The same tenant, rows and drain as `bench/ingest.py` (one tenant, version 1 batches),
rounds alternating the raw psycopg COPY (rows sorted by (tag_id, ts), the faster order)
and the drain, each on emptied tables. Besides readings/s it reads the CPU time of the
PostgreSQL backends doing the work from /proc (the server must run on this machine):
the raw COPY's backend, and every backend connected to the tenant's database during the
drain. On a loaded machine the CPU figures hold still where the wall-clock ratio does
not. `--one-chunk` makes the drain sort everything it received as one chunk (no overlap
of decoding with the COPY), to compare index-order effects. `--prefill` puts the same
rows a day earlier into the emptied table before each turn (not timed): a tenant's
table that already holds readings, where no order of the new rows gets the index's
rightmost-leaf path.

The last line is key=value pairs: `ratio_wall` (drain readings/s over raw) and
`ratio_server_cpu` (raw's server CPU per reading over the drain's).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

import ingest as b
import psycopg
from local_server import bench_master

from shared.bootstrap import build_platform
from shared.core.scada.services import tenant_batch

TICK = os.sysconf("SC_CLK_TCK")
Round = tuple[float, float, float]  # wall s, this process's CPU s, server CPU s


def cpu_s(pids: list[int]) -> float:
    """user + system CPU of the processes (those gone count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def backends(url: str) -> list[int]:
    with psycopg.connect(b._libpq(url), autocommit=True) as c:
        query = (
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in c.execute(query)]


def raw(url: str, rows: list[b.RawRow]) -> Round:
    ordered = sorted(rows, key=lambda r: (r[0], r[1]))
    chunk = b.MESSAGES_PER_DRAIN * b.BATCH
    started, cpu = time.perf_counter(), time.process_time()
    with psycopg.connect(b._libpq(url)) as c:
        pid = c.info.backend_pid
        server = cpu_s([pid])
        for offset in range(0, len(ordered), chunk):
            with c.cursor() as cur, cur.copy(b.COPY_RAW) as copy:
                copy.set_types(["int4", "timestamptz", "float8", "int4", "timestamptz"])
                for row in ordered[offset : offset + chunk]:
                    copy.write_row(row)
            c.commit()
        server = cpu_s([pid]) - server
    return time.perf_counter() - started, time.process_time() - cpu, server


def prefill(url: str, rows: list[b.RawRow]) -> None:
    """The rows a day earlier, already in the table (a running tenant's history)."""
    day = timedelta(days=1)
    earlier = sorted((t, at - day, v, q, s - day) for t, at, v, q, s in rows)
    with psycopg.connect(b._libpq(url)) as c:
        with c.cursor() as cur, cur.copy(b.COPY_RAW) as copy:
            copy.set_types(["int4", "timestamptz", "float8", "int4", "timestamptz"])
            for row in earlier:
                copy.write_row(row)
        c.commit()
        c.execute("CHECKPOINT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--tags", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one-chunk", action="store_true")
    parser.add_argument("--prefill", action="store_true")
    args = parser.parse_args()
    if args.one_chunk:
        tenant_batch.CHUNK_ROWS = tenant_batch.FIRST_CHUNK_ROWS = 2 * args.readings
    with bench_master(b.SERVER, log_json=False, log_level="WARNING") as settings:
        platform = build_platform(settings)
        try:
            platform.migrate_master()
            start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
            tenant = platform.tenants.create(b._tenant("bench-cpu")).tenant
            site = b.Site(platform, tenant, args.tags)
            made = site.batches(start, args.readings // b.BATCH)
            messages = [m for m, _ in made]
            rows = [row for _, batch_rows in made for row in batch_rows]
            results: dict[str, list[Round]] = {"raw": [], "drain": []}
            for _ in range(args.rounds):
                b._reset([site.url])
                if args.prefill:
                    prefill(site.url, rows)
                results["raw"].append(raw(site.url, rows))
                b._reset([site.url])
                if args.prefill:
                    prefill(site.url, rows)
                before = backends(site.url)
                server = cpu_s(before)
                started, cpu = time.perf_counter(), time.process_time()
                b.drain_all(platform, messages, len(rows))
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                after = sorted(set(before) | set(backends(site.url)))
                results["drain"].append((wall, cpu, cpu_s(after) - server))
        finally:
            platform.close()
    n = len(rows)
    median = {k: [statistics.median(r[i] for r in v) for i in range(3)] for k, v in results.items()}
    for name, (wall, cpu, server) in median.items():
        print(
            f"{name:5}: {n / wall:>10,.0f} readings/s, this process {cpu * 1e6 / n:.2f} µs CPU"
            f" per reading, PostgreSQL {server * 1e6 / n:.2f} µs"
        )
    (raw_wall, raw_cpu, raw_server), (wall, cpu, server) = median["raw"], median["drain"]
    print(
        f"readings={n} raw_per_s={n / raw_wall:.0f} drain_per_s={n / wall:.0f} "
        f"ratio_wall={raw_wall / wall:.2f} raw_client_cpu_us={raw_cpu * 1e6 / n:.2f} "
        f"drain_client_cpu_us={cpu * 1e6 / n:.2f} raw_server_cpu_us={raw_server * 1e6 / n:.2f} "
        f"drain_server_cpu_us={server * 1e6 / n:.2f} ratio_server_cpu={raw_server / server:.2f} "
        f"one_chunk={args.one_chunk} prefill={args.prefill}"
    )


if __name__ == "__main__":
    main()
