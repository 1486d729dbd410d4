"""Field sync: one 500-event sync, 50 devices at once, a 20,000-event job end to end.

    .venv/bin/python bench/sync.py [--runs 20] [--devices 50] [--device-events 200]
                                   [--job-events 20000] [--skip-job]

Creates a master database `wellos_bench_<random>` (tenant databases `wb_<random>_t_*`)
on WELLOS_BENCH_DATABASE_URL or the PostgreSQL on 127.0.0.1:5432, one tenant with
100 wells (a pump on each) and 50 field operators with two wells each, plus one
operator with ten wells. Serves the API with uvicorn in a subprocess and drives it
over real HTTP with httpx. A shift's mix: per well one production log, one
inspection, notes (6 %), downtime reports (4 %), the rest readings on four tags.

- `sync500`: `--runs` sequential `POST /api/v1/sync` of 500 new events (after two
  warm-ups), each for a new day, from the ten-well operator: p50 and p99.
- baselines of the same run: the same 500 events sent again (all `duplicate`), and
  `POST /api/v1/production:batch` of 500 rows (one transaction, COPY-staged upsert).
- `devices`: `--devices` operators sync `--device-events` events each at once
  (one batch each, all started together): wall time and events/s.
- `job`: `--job-events` events in one request → `202` and a job id; the sync-jobs
  worker (the local runner's loop, in this process, on the same SQLite queue and
  filesystem blobs) applies it; seconds from submit until `GET /sync/jobs/{id}`
  says `done`.

Targets: sync500 p99 < 1 s; the 20,000-event job < 30 s. The last line holds
`key=value` pairs; `ratio_sync500_vs_production_batch500` compares p50s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from local_server import bench_master, free_port, server_environment, start_server

from shared.bootstrap import build_platform
from shared.core.registry.services.tenants import CreateTenant
from shared.settings import Settings

SERVER = os.environ.get(
    "WELLOS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TARGET_SYNC500_P99_S = 1.0
TARGET_JOB_S = 30.0
TAGS = ("TP", "CP", "LP", "TEMP")


@dataclass
class Operator:
    headers: dict[str, str]
    wells: list[tuple[str, str]] = field(default_factory=list)  # (well id, pump id)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def shift(wells: list[tuple[str, str]], day: date, count: int, seq: int = 0) -> list[dict]:
    """`count` events of one shift spread over `wells` (see the module docstring)."""
    events: list[dict[str, Any]] = []
    start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    for n in range(count):
        well, pump = wells[n % len(wells)]
        slot = n // len(wells)
        at = start + timedelta(seconds=n * 7)
        if slot == 0:
            kind, payload = "PRODUCTION_LOGGED", _production(day, n)
        elif slot == 1:
            kind, payload = "EQUIPMENT_INSPECTED", _inspection(pump)
        elif n % 50 < 3:
            kind, payload = "NOTE_ADDED", {"text": f"note {n}: checked the separator"}
        elif n % 50 < 5:
            kind, payload = "DOWNTIME_REPORTED", {"reason_code": "POWER", "hours": 0.5}
        else:
            tag = TAGS[n % len(TAGS)]
            kind, payload = (
                "WELL_READING_RECORDED",
                {"tag": tag, "value": 100 + n % 37, "unit": "psi"},
            )
        events.append(
            {"id": str(uuid.uuid4()), "device_seq": seq + n, "type": kind, "well_id": well,
             "occurred_at": at.isoformat(), "payload": payload}
        )  # fmt: skip
    return events


def _production(day: date, n: int) -> dict[str, Any]:
    gauges = [{"tank": "T-1", "level_in": 96.5}]
    return {"date": day.isoformat(), "oil_bbl": 80.0 + n % 9, "gas_mcf": 240.0,
            "water_bbl": 35.0, "hours_on": 24, "tank_gauges": gauges}  # fmt: skip


def _inspection(pump: str) -> dict[str, Any]:
    items = [{"item": name, "ok": True} for name in ("guard", "belts", "stuffing box")]
    return {"equipment_id": pump, "checklist": items, "passed": True, "notes": "ok"}


def device(name: str) -> dict[str, str]:
    return {"id": name, "platform": "bench", "app_version": "1.0.0"}


# --- set-up ---------------------------------------------------------------------------


def ok(response: httpx.Response, status: int = 200) -> Any:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:500]}")
    return response.json()


def login(
    http: httpx.Client, slug: str, email: str, password: str, new_password: str | None = None
) -> dict[str, str]:
    body = {"email": email, "password": password}
    if new_password is not None:  # an admin-set password is replaced at the first sign-in
        body["new_password"] = new_password
    token = ok(http.post("/api/v1/auth/login", json=body, headers={"X-WellOS-Tenant": slug}))
    return {"X-WellOS-Tenant": slug, "Authorization": f"Bearer {token['access_token']}"}


def seed(http: httpx.Client, slug: str, admin: dict[str, str], devices: int) -> list[Operator]:
    """Operator 0 gets ten wells; operators 1..devices two each. Returns them all."""
    operators = []
    for n in range(devices + 1):
        email = f"pumper{n}@{slug}.test"
        body = {"email": email, "full_name": f"Pumper {n}", "role": "FIELD_OPERATOR"}
        user = ok(http.post("/api/v1/users", json=body, headers=admin), 201)
        otp = user["one_time_password"]
        operator = Operator(login(http, slug, email, otp, f"{otp}-Renewed!"))
        for w in range(10 if n == 0 else 2):
            well = ok(http.post("/api/v1/wells", json={"name": f"W{n}-{w}", "well_type": "OIL"},
                                headers=admin), 201)["id"]  # fmt: skip
            pump = {"tag": f"PJ-{n}-{w}", "equipment_type": "ROD_PUMP", "well_id": well}
            pump_id = ok(http.post("/api/v1/equipment", json=pump, headers=admin), 201)["id"]
            ok(http.put(f"/api/v1/wells/{well}/assignments/{user['id']}", headers=admin))
            operator.wells.append((well, pump_id))
        operators.append(operator)
    return operators


# --- measurements ---------------------------------------------------------------------


def sync_once(http: httpx.Client, who: Operator, name: str, events: list[dict]) -> float:
    started = time.perf_counter()
    answer = ok(http.post("/api/v1/sync", json={"device": device(name), "events": events},
                          headers=who.headers))  # fmt: skip
    elapsed = time.perf_counter() - started
    bad = [r for r in answer["results"] if r["status"] == "rejected"]
    if bad:
        raise RuntimeError(f"rejected events in the bench batch: {bad[:3]}")
    return elapsed


def latency(http: httpx.Client, who: Operator, runs: int) -> tuple[list[float], list[float]]:
    """Seconds of each 500-event sync, and of sending each batch a second time."""
    first, again = [], []
    for run in range(runs + 2):
        events = shift(who.wells, date.today() - timedelta(days=run + 2), 500)
        took = sync_once(http, who, "tab-latency", events)
        resent = sync_once(http, who, "tab-latency", events)
        if run >= 2:
            first.append(took)
            again.append(resent)
    return first, again


def production_batch(
    http: httpx.Client, admin: dict[str, str], wells: list[str], runs: int
) -> list[float]:
    """Seconds of `POST /production:batch` with 500 rows (50 days of 10 wells)."""
    times = []
    for run in range(runs + 2):
        end = date.today() - timedelta(days=400 + run * 50)
        rows = [{"well_id": well, "production_date": (end - timedelta(days=d)).isoformat(),
                 "oil_bbl": 80.0, "gas_mcf": 240.0, "water_bbl": 35.0, "hours_on": 24.0}
                for well in wells for d in range(50)]  # fmt: skip
        started = time.perf_counter()
        ok(http.post("/api/v1/production:batch", json={"rows": rows}, headers=admin))
        if run >= 2:
            times.append(time.perf_counter() - started)
    return times


async def devices_at_once(base_url: str, operators: list[Operator], events: int) -> float:
    """Wall seconds for every operator's device to sync `events` events, all at once."""
    day = date.today() - timedelta(days=1)
    batches = [shift(op.wells, day, events) for op in operators]
    limits = httpx.Limits(max_connections=len(operators))
    async with httpx.AsyncClient(base_url=base_url, timeout=300, limits=limits) as http:

        async def one(n: int, op: Operator) -> None:
            body = {"device": device(f"tab-{n}"), "events": batches[n]}
            response = await http.post("/api/v1/sync", json=body, headers=op.headers)
            ok(response)

        started = time.perf_counter()
        await asyncio.gather(*(one(n, op) for n, op in enumerate(operators)))
        return time.perf_counter() - started


def job(http: httpx.Client, who: Operator, events: int) -> tuple[float, dict[str, Any]]:
    """Seconds from submitting `events` events until the job reports done."""
    batch = shift(who.wells, date.today() - timedelta(days=200), events)
    started = time.perf_counter()
    accepted = ok(http.post("/api/v1/sync", json={"device": device("tab-job"), "events": batch},
                            headers=who.headers), 202)  # fmt: skip
    while True:
        status = ok(http.get(f"/api/v1/sync/jobs/{accepted['job_id']}?limit=1",
                             headers=who.headers))  # fmt: skip
        if status["status"] in ("done", "failed"):
            return time.perf_counter() - started, status
        time.sleep(0.05)


# --- main -----------------------------------------------------------------------------


def run(args: argparse.Namespace, settings: Settings) -> dict[str, str]:
    platform = build_platform(settings)
    platform.migrate_master()
    made = platform.tenants.create(
        CreateTenant(slug="alpha", name="Alpha Oil", admin_email="admin@alpha.test")
    )
    port = free_port()
    server = start_server(
        server_environment(
            settings,
            WELLOS_TENANT_POOL_SIZE="10",
            WELLOS_TENANT_POOL_MAX_OVERFLOW=os.environ.get("BENCH_POOL_OVERFLOW", "10"),
            WELLOS_LOG_JSON="false",
        ),
        port,
        settings.state_dir / "uvicorn.log",
    )
    base_url = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    try:
        with httpx.Client(base_url=base_url, timeout=300) as http:
            admin = login(http, "alpha", made.admin_email, made.admin_password)
            print(f"seeding {args.devices + 1} operators and their wells …", flush=True)
            operators = seed(http, "alpha", admin, args.devices)
            lead = operators[0]
            print(f"{args.runs} syncs of 500 events …", flush=True)
            first, again = latency(http, lead, args.runs)
            batch = production_batch(http, admin, [w for w, _ in lead.wells], args.runs)
            print(f"{args.devices} devices × {args.device_events} events at once …", flush=True)
            wall = asyncio.run(devices_at_once(base_url, operators[1:], args.device_events))
            figures = figures_of(args, first, again, batch, wall)
            if not args.skip_job:
                from functions.local.sync_jobs import start_sync_jobs_thread

                start_sync_jobs_thread(platform, stop, interval_s=0.05)
                print(f"a job of {args.job_events} events …", flush=True)
                seconds, status = job(http, lead, args.job_events)
                figures.update(job_figures(args, seconds, status))
    except Exception:
        log = settings.state_dir / "uvicorn.log"
        print(f"server log (tail):\n{log.read_text()[-4000:]}", file=sys.stderr)
        raise
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        platform.close()
    return figures


def figures_of(args: argparse.Namespace, first: list[float], again: list[float],
               batch: list[float], wall: float) -> dict[str, str]:  # fmt: skip
    events = args.devices * args.device_events
    p50, p99 = percentile(first, 50), percentile(first, 99)
    print(f"{'measure':<28}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, values in (("sync 500 new events", first), ("sync 500 again (duplicates)", again),
                         ("production:batch 500 rows", batch)):  # fmt: skip
        print(f"{name:<28}{percentile(values, 50) * 1000:>10.0f}"
              f"{percentile(values, 99) * 1000:>10.0f}{max(values) * 1000:>10.0f}")  # fmt: skip
    print(f"{args.devices} devices × {args.device_events} events at once: {wall:.2f} s, "
          f"{events / wall:,.0f} events/s")  # fmt: skip
    return {
        "sync500_p50_ms": f"{p50 * 1000:.0f}",
        "sync500_p99_ms": f"{p99 * 1000:.0f}",
        "resend500_p50_ms": f"{percentile(again, 50) * 1000:.0f}",
        "production_batch500_p50_ms": f"{percentile(batch, 50) * 1000:.0f}",
        "devices": str(args.devices),
        "devices_wall_s": f"{wall:.2f}",
        "devices_events_per_s": f"{events / wall:.0f}",
        "ratio_sync500_p99_vs_target": f"{p99 / TARGET_SYNC500_P99_S:.2f}",
        "ratio_sync500_vs_production_batch500": f"{p50 / percentile(batch, 50):.1f}",
        "ratio_sync500_vs_resend500": f"{p50 / percentile(again, 50):.1f}",
    }


def job_figures(args: argparse.Namespace, seconds: float, status: dict[str, Any]) -> dict[str, str]:
    done = status["progress"]["done"]
    print(f"job of {args.job_events} events: {status['status']} in {seconds:.1f} s "
          f"({done / seconds:,.0f} events/s)")  # fmt: skip
    return {
        "job_events": str(args.job_events),
        "job_status": status["status"],
        "job_s": f"{seconds:.1f}",
        "job_events_per_s": f"{done / seconds:.0f}",
        "ratio_job_vs_target": f"{seconds / TARGET_JOB_S:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="500-event syncs to time")
    parser.add_argument("--devices", type=int, default=50, help="devices syncing at once")
    parser.add_argument("--device-events", type=int, default=200, help="events per device")
    parser.add_argument("--job-events", type=int, default=20_000, help="events of the job")
    parser.add_argument("--skip-job", action="store_true", help="no job (before jobs existed)")
    args = parser.parse_args()
    with bench_master(SERVER, tenant_pool_size=10, log_json=False) as settings:
        figures = run(args, settings)
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
