"""Value changes/s the edge gateway sustains from the simulated field, with zero loss.

    python bench/gateway.py                      # 500 wells x 20 tags at 1 Hz, 60 s
    python bench/gateway.py --duration 600       # the 10-minute flat-memory run
    python bench/gateway.py --pipeline           # CPU per change without RTU processes
    python bench/gateway.py --pipeline --profile # the same under cProfile (top lines)

CPU is process CPU time (user + system, all threads, `getrusage`), not wall time: the
machine is shared, so wall-clock rates depend on other load; CPU per change does much
less. `--pipeline` replays real OPC-UA publish responses (binary, decoded by asyncua as
from a socket) at the offered rate into the gateway's notification handler, disk
buffer, cutter and publisher (local SQLite queue): the gateway's own per-change cost
without the RTU processes competing for the same cores.

The field runs as several RTU processes (one asyncua server tops out near 10k
changes/s). First the baseline: a bare asyncua client with the same subscriptions
only counting notifications (no buffering). Then the gateway, in this process, with
the local SQLite queue: every interval it prints the receive rate, CPU and resident
memory. At the end it drains, decodes every message on the queue and checks
received = published = on the queue, and that no grid tick is missing per tag.
The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asyncua.client.client import Client

from edge_gateway.config_source import FileConfigSource
from edge_gateway.logs import setup_logging
from edge_gateway.opc.subscription import item_request, subscription_parameters
from edge_gateway.service import GatewayService
from edge_gateway.settings import GatewaySettings
from functions.local.simulator.catalog import FieldLayout, config_json, gateway_config
from functions.local.simulator.field import Field, FieldOptions
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.contract import parse_envelope, verify_and_decode

SECRET = "bench-secret"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def raw_subscription_rate(config, seconds: float) -> float:
    """Notifications/s of bare asyncua clients with the gateway's subscriptions."""
    count = 0
    clients: list[Client] = []

    async def consume(subscription) -> None:
        nonlocal count
        async for _ in subscription:
            count += 1

    tasks = []
    try:
        for connection in config.connections:
            client = Client(connection.endpoint_url, timeout=10, watchdog_intervall=15)
            await client.connect()
            clients.append(client)
            params = subscription_parameters(connection.publishing_interval_ms)
            subscription = await client.create_subscription(params, None, queue_maxsize=1_000_000)
            requests = [item_request(t, connection.publishing_interval_ms) for t in connection.tags]
            for start in range(0, len(requests), 1000):
                await subscription.create_monitored_items(requests[start : start + 1000])
            tasks.append(asyncio.create_task(consume(subscription)))
        await asyncio.sleep(3)  # initial values and warm-up
        before, started = count, time.monotonic()
        await asyncio.sleep(seconds)
        return (count - before) / (time.monotonic() - started)
    finally:
        for task in tasks:
            task.cancel()
        for client in clients:
            with contextlib.suppress(Exception):
                await client.disconnect()


async def run_gateway(settings: GatewaySettings, duration: float, every: float) -> dict:
    queue = SqliteQueue(settings.queue_path)
    service = GatewayService(settings, queue, FileConfigSource(settings.config_file))
    task = asyncio.create_task(service.run())
    await service.ready.wait()
    await asyncio.sleep(5)  # sessions, initial values
    m = service.metrics

    def snapshot() -> dict:
        return {"t": time.monotonic(), "cpu": cpu_s(), "rx": m.readings_received,
                "tx": m.readings_published, "rss": rss_mb()}  # fmt: skip

    start = snapshot()
    last = dict(start)
    print("   t_s  changes/s  published/s  batches_waiting  cpu_%   rss_mb", flush=True)
    while time.monotonic() - start["t"] < duration:
        await asyncio.sleep(min(every, duration - (time.monotonic() - start["t"])))
        now = snapshot()
        span = now["t"] - last["t"]
        print(f"{now['t'] - start['t']:6.0f} {(now['rx'] - last['rx']) / span:10.0f} "
              f"{(now['tx'] - last['tx']) / span:12.0f} "
              f"{service.buffer.batch_count:16d} {100 * (now['cpu'] - last['cpu']) / span:6.1f} "
              f"{now['rss']:8.1f}", flush=True)  # fmt: skip
        last = now
    end = last
    service.stop()
    await task
    return {
        "changes_per_s": (end["rx"] - start["rx"]) / (end["t"] - start["t"]),
        "cpu_percent": 100 * (end["cpu"] - start["cpu"]) / (end["t"] - start["t"]),
        "rss_mb_start": start["rss"],
        "rss_mb_end": end["rss"],
        "received": m.readings_received,
        "published": m.readings_published,
        "evicted": service.buffer.counters.evicted_readings,
        "overflows": m.subscription_overflows,
        "reconnects": sum(c.reconnects for c in m.connections.values()),
    }


def audit_queue(path: Path, period_us: int) -> dict:
    """Decode every message: readings on the queue, duplicates, missing grid ticks."""
    queue = SqliteQueue(path)
    on_queue, ids = 0, set()
    per_tag: dict[int, set[int]] = defaultdict(set)
    while messages := queue.receive("ingest", 200, 600):
        for message in messages:
            batch = verify_and_decode(parse_envelope(message.body), SECRET.encode())
            ids.add(batch.envelope.batch_id)
            on_queue += len(batch.readings)
            for reading in batch.readings:
                per_tag[reading.tag_id].add(reading.source_ts_us)
            queue.complete("ingest", message)
    missing = 0
    for times in per_tag.values():
        grid = [t for t in times if t % period_us == 0]  # skip initial values off the grid
        if grid:
            missing += (max(grid) - min(grid)) // period_us + 1 - len(grid)
    return {"on_queue": on_queue, "batches": len(ids), "missing_ticks": missing}


def installed_size_mb() -> float:
    """A gateway-only install's size (bench/gateway_size.py, in a clean interpreter)."""
    script = Path(__file__).with_name("gateway_size.py")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return float(out.stdout.split()[0])


def pipeline(args: argparse.Namespace) -> None:
    from bench.gateway_pipeline import run

    work = Path(tempfile.mkdtemp(prefix="wellos-bench-pipeline-"))
    tags = args.wells * args.tags
    result = run(work, tags, args.rate, args.duration, args.profile)
    if "profile" in result:
        print(result["profile"], flush=True)
    figures = {
        "changes": result["changes"],
        "offered_per_s": round(tags * args.rate),
        "changes_per_s": round(result["changes"] / result["wall_s"]),
        "published": result["published"],
        "lost": result["changes"] - result["published"],
        "cpu_us_per_change": round(1e6 * result["cpu_s"] / result["changes"], 1),
        "installed_mb": round(installed_size_mb(), 1),
        "rss_mb": round(rss_mb(), 1),
        "profiled": args.profile,
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wells", type=int, default=500)
    parser.add_argument("--tags", type=int, default=20)
    parser.add_argument("--rate", type=float, default=1.0)
    parser.add_argument("--servers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--baseline-s", type=float, default=15.0)
    parser.add_argument("--every", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=48400)
    parser.add_argument("--pipeline", action="store_true", help="no RTUs: replayed messages")
    parser.add_argument("--profile", action="store_true", help="with --pipeline: cProfile")
    args = parser.parse_args()
    setup_logging("WARNING")
    if args.pipeline:
        pipeline(args)
        return
    work = Path(tempfile.mkdtemp(prefix="wellos-bench-gateway-"))
    layout = FieldLayout(args.wells, args.tags, args.servers, base_port=args.port)
    config = gateway_config(layout, uuid.uuid4(), uuid.uuid4())
    (work / "gateway.json").write_text(config_json(config))
    settings = GatewaySettings(
        config_file=work / "gateway.json", state_dir=work / "state", secret=SECRET,
        http_enabled=False, sqlite_synchronous="NORMAL",
    )  # fmt: skip
    field = Field(FieldOptions(layout, args.rate, bad_rate=0.0, log_dir=work / "logs"))
    offered = args.wells * args.tags * args.rate
    print(f"field: {args.wells} wells x {args.tags} tags at {args.rate} Hz = {offered:.0f} "
          f"changes/s on {args.servers} RTU processes; work dir {work}", flush=True)  # fmt: skip
    field.start(timeout_s=300)
    try:
        raw = asyncio.run(raw_subscription_rate(config, args.baseline_s))
        print(f"baseline: bare asyncua subscriptions receive {raw:.0f} changes/s", flush=True)
        result = asyncio.run(run_gateway(settings, args.duration, args.every))
    finally:
        field.stop()
    audit = audit_queue(settings.queue_path, int(1_000_000 / args.rate))
    lost = result["received"] - audit["on_queue"]
    figures = {
        "changes_per_s": round(result["changes_per_s"]),
        "offered_per_s": round(offered),
        "raw_subscription_per_s": round(raw),
        "ratio_vs_raw_subscription": round(result["changes_per_s"] / raw, 3) if raw else 0,
        "received": result["received"],
        "published": result["published"],
        "on_queue": audit["on_queue"],
        "lost": lost,
        "evicted": result["evicted"],
        "missing_ticks": audit["missing_ticks"],
        "overflows": result["overflows"],
        "session_rebuilds": result["reconnects"],
        "cpu_percent": round(result["cpu_percent"], 1),
        "cpu_us_per_change": round(10_000 * result["cpu_percent"] / result["changes_per_s"], 1),
        "rss_mb_start": round(result["rss_mb_start"], 1),
        "rss_mb_end": round(result["rss_mb_end"], 1),
        "installed_mb": round(installed_size_mb(), 1),
        "duration_s": args.duration,
        "servers": args.servers,
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
