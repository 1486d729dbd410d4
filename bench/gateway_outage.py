"""A 15 s server outage with history available: readings lost and time back to live data.

    python bench/gateway_outage.py                 # the link to the server is cut 15 s
    python bench/gateway_outage.py --restart       # the server itself is down 15 s

An asyncua server historizes its tags into SQLite (tests/integration/
gateway_history_support.py) and changes them at 10 Hz; the gateway (default settings:
jittered backoff, TCP probe, backfill on) reads it through a TCP proxy. With the link
cut the server keeps producing; with --restart it is stopped and started again on the
same history file (it produces nothing while down). Readings lost = values in the
server's history, between the gateway's first and last reading of each tag, that did
not reach the queue. "Back to first live" is from the moment the server (or link)
accepts connections again to the first live value the gateway receives. The last line
is key=value pairs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge_gateway.logs import setup_logging
from shared.adapters.local.sqlite_queue import SqliteQueue
from tests.integration.gateway_history_support import Historian, Proxy, historian_config
from tests.integration.test_gateway_support import (
    RunningGateway,
    free_port,
    read_batches,
    settings_for,
    wait_for,
    write_config,
)


def _first_live_after(gateway: RunningGateway, back_at: float, timeout_s: float) -> float:
    connection = next(iter(gateway.metrics.connections.values()))
    before = connection.readings
    deadline = back_at + timeout_s
    while time.monotonic() < deadline:
        if connection.readings > before and connection.state == "connected":
            return time.monotonic() - back_at
        time.sleep(0.005)
    return float("nan")


def _outage(args: argparse.Namespace, historian: Historian, proxy: Proxy) -> None:
    if args.restart:  # the endpoint's port is closed while the server is down, as without proxy
        proxy.cut()
        historian.stop_ticking()
        historian.stop()
        time.sleep(args.outage_s)
        historian.start()
        historian.start_ticking()
        proxy.open()
    else:
        proxy.cut()
        time.sleep(args.outage_s)
        proxy.open()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage-s", type=float, default=15.0)
    parser.add_argument("--tags", type=int, default=50)
    parser.add_argument("--restart", action="store_true", help="stop the server, not the link")
    parser.add_argument("--verbose", action="store_true", help="print missing values per tag")
    args = parser.parse_args()
    setup_logging("ERROR")
    work = Path(tempfile.mkdtemp(prefix="wellos-bench-outage-"))
    historian = Historian(free_port(), args.tags, work / "history.sqlite")
    historian.start()
    historian.start_ticking()
    proxy = Proxy(free_port(), historian.port)
    proxy.open()
    endpoint = f"opc.tcp://127.0.0.1:{proxy.port}/wellos/historian"
    config_file = write_config(work / "gateway.json", historian_config(endpoint, args.tags))
    settings = settings_for(
        work / "state", config_file, http_enabled=False, reconnect_initial_s=0.5,
        reconnect_max_s=30.0, watchdog_interval_s=15.0, opc_timeout_s=4.0,
    )  # fmt: skip
    try:
        with RunningGateway(settings, SqliteQueue(settings.queue_path)) as gateway:
            wait_for(lambda: gateway.metrics.readings_received >= 30 * args.tags, 60, "live")
            connection = next(iter(gateway.metrics.connections.values()))
            if args.verbose:
                print("outage from", time.time(), flush=True)
            _outage(args, historian, proxy)
            back = _first_live_after(gateway, time.monotonic(), 60)
            wait_for(lambda: connection.backfill_state in ("idle", "failed"), 60, "backfill")
            time.sleep(3)
            historian.stop_ticking()
            wait_for(lambda: gateway.service.buffer.batch_count == 0, 30, "all sent")
            attempts, outage = connection.reconnects, connection.last_outage_s
            backfilled = connection.backfilled
        produced = historian.produced()
    finally:
        proxy.close()
        historian.close()
    received: dict[str, set[int]] = {}
    duplicates = total = 0
    for batch in read_batches(settings.queue_path):
        for reading in batch.readings:
            times = received.setdefault(f"ns=2;i={1000 + reading.tag_id}", set())
            duplicates += reading.source_ts_us in times
            times.add(reading.source_ts_us)
            total += 1
    lost = expected = 0
    for node, times in received.items():
        window = [t for t, _ in produced[node] if min(times) <= t <= max(times)]
        expected += len(window)
        lost += len(set(window) - times)
        missing = sorted(set(window) - times)
        if missing and args.verbose:
            print(node, "missing", [(t - min(times)) / 1e6 for t in missing][:12], flush=True)
    figures = {
        "mode": "restart" if args.restart else "link_cut",
        "outage_s": args.outage_s,
        "tags": args.tags,
        "produced_in_window": expected,
        "received": total,
        "readings_lost": lost,
        "duplicates": duplicates,
        "backfilled": backfilled,
        "back_to_first_live_s": round(back, 3),
        "last_outage_s": outage,
        "reconnect_attempts": attempts,
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
