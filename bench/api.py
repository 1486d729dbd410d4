"""HTTP API latency and throughput on the local host (uvicorn), plus the cold-start proxy.

    .venv/bin/python bench/api.py [--requests 2000] [--concurrency 20] [--max-seconds 60]

Seeds a fresh master database (`wellos_bench_<random>` on WELLOS_BENCH_DATABASE_URL
or the PostgreSQL on 127.0.0.1:5432) with 2 tenants of 50 wells each, and 400 days
of daily production for 10 wells per tenant, through the platform's services. Then
serves the API with uvicorn in a subprocess and drives it over real HTTP (httpx)
with `--concurrency` clients spread over both tenants:

- `health`: `GET /api/v1/health`, the framework baseline (no tenant, no database)
- `wells`: `GET /api/v1/wells?limit=50`
- `production`: `GET /api/v1/wells/{id}/production?from&to`, one year of daily rows

Each endpoint gets `--requests` requests (or `--max-seconds`, whichever ends first)
after a warm-up. Also times `import function_app` in a fresh interpreter (median of
3), the proxy for an Azure cold start. Targets, as ratios to the health endpoint
measured in the same run: wells req/s >= 0.4x, production req/s >= 0.2x; and
wells p99 < 50 ms, import < 1.5 s on a quiet machine.
The last line holds `key=value` pairs. Databases are dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from local_server import (
    bench_master,
    free_port,
    process_cpu_seconds,
    server_environment,
    start_server,
)

from shared.bootstrap import Platform, build_platform
from shared.core.registry.services.tenants import CreateTenant

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get(
    "WELLOS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TARGET_WELLS_P99_MS = 50.0
TARGET_IMPORT_S = 1.5
WELLS_PER_TENANT = 50
WELLS_WITH_PRODUCTION = 10
PRODUCTION_DAYS = 400
MAX_BATCH_ROWS = 5000


@dataclass(frozen=True)
class Seeded:
    slug: str
    access_token: str
    well_ids: list[str]

    @property
    def headers(self) -> dict[str, str]:
        return {"X-WellOS-Tenant": self.slug, "Authorization": f"Bearer {self.access_token}"}


@dataclass(frozen=True)
class Result:
    name: str
    latencies_ms: list[float]
    errors: int
    seconds: float
    server_cpu_s: float | None = None

    @property
    def server_cpu_ms(self) -> float | None:
        """The server's CPU time per request (None where it cannot be read)."""
        count = len(self.latencies_ms) + self.errors
        return None if self.server_cpu_s is None else self.server_cpu_s * 1000 / count

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def rps(self) -> float:
        return (len(self.latencies_ms) + self.errors) / self.seconds


def seed_tenant(platform: Platform, slug: str) -> Seeded:
    """A tenant with 50 wells, 400 days of production on 10 of them, and an admin's token."""
    created = platform.tenants.create(
        CreateTenant(slug=slug, name=f"{slug.title()} Oil", admin_email=f"admin@{slug}.test")
    )
    tenant = created.tenant
    tokens = platform.auth.login(tenant, created.admin_email, created.admin_password, "bench")
    actor = platform.auth.authenticate(tenant, tokens.access_token)
    wells = [
        platform.wells.create(tenant, actor, {"name": f"{slug} {n:03d}", "well_type": "OIL"})
        for n in range(WELLS_PER_TENANT)
    ]
    queried = [well.id for well in wells[:WELLS_WITH_PRODUCTION]]
    rows = production_rows(queried, date.today())
    for start in range(0, len(rows), MAX_BATCH_ROWS):
        platform.production.upsert_batch(tenant, actor, rows[start : start + MAX_BATCH_ROWS])
    return Seeded(slug, tokens.access_token, queried)


def production_rows(well_ids: list[str], last_day: date) -> list[dict[str, Any]]:
    return [
        {"well_id": well_id, "production_date": last_day - timedelta(days=d),
         "oil_bbl": 80.0 + d % 7, "gas_mcf": 240.0, "water_bbl": 35.0, "hours_on": 24.0}
        for well_id in well_ids
        for d in range(PRODUCTION_DAYS)
    ]  # fmt: skip


Calls = list[tuple[str, dict[str, str]]]


async def drive(
    clients: list[httpx.AsyncClient], calls: Calls, total: int, max_s: float
) -> tuple[list[float], int, float]:
    """`total` requests (or `max_s` seconds), each client waiting for its previous answer."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    started = time.perf_counter()
    deadline = started + max_s

    async def client(index: int, http: httpx.AsyncClient) -> None:
        nonlocal issued, errors
        while issued < total and time.perf_counter() < deadline:
            url, headers = calls[(issued + index) % len(calls)]
            issued += 1
            sent = time.perf_counter()
            response = await http.get(url, headers=headers)
            if response.status_code == 200:
                latencies.append((time.perf_counter() - sent) * 1000)
            else:
                errors += 1

    await asyncio.gather(*(client(i, http) for i, http in enumerate(clients)))
    return latencies, errors, time.perf_counter() - started


async def measure(
    name: str, base_url: str, calls: Calls, args: argparse.Namespace, pid: int | None = None
) -> Result:
    """Warm up (connections, pools, caches), then measure with the same keep-alive clients;
    with the server's `pid`, also its CPU time over the measured requests."""
    clients = [httpx.AsyncClient(base_url=base_url, timeout=30) for _ in range(args.concurrency)]
    try:
        await drive(clients, calls, 5 * len(clients), 30)
        before = process_cpu_seconds(pid) if pid else None
        latencies, errors, seconds = await drive(clients, calls, args.requests, args.max_seconds)
        after = process_cpu_seconds(pid) if pid else None
    finally:
        for http in clients:
            await http.aclose()
    cpu = after - before if after is not None and before is not None else None
    return Result(name, latencies, errors, seconds, cpu)


def endpoint_calls(tenants: list[Seeded]) -> dict[str, Calls]:
    end = date.today()
    start = end - timedelta(days=365)
    production = [
        (f"/api/v1/wells/{well}/production?from={start}&to={end}", t.headers)
        for t in tenants
        for well in t.well_ids
    ]
    return {
        "health": [("/api/v1/health", {})],
        "wells": [("/api/v1/wells?limit=50", t.headers) for t in tenants],
        "production": production,
    }


def import_seconds(env: dict[str, str], module: str) -> float:
    """Median of 3 fresh interpreters importing `module`: the cold-start proxy."""
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    command = [sys.executable, "-c", code]
    return statistics.median(
        float(subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True).stdout)
        for _ in range(3)
    )


def run(args: argparse.Namespace, env: dict[str, str], tenants: list[Seeded]) -> list[Result]:
    port = free_port()
    server = start_server(env, port, Path(env["WELLOS_STATE_DIR"]) / "uvicorn.log")
    base_url = f"http://127.0.0.1:{port}"
    try:
        url, headers = endpoint_calls(tenants)["production"][0]
        # the first request builds the platform: beyond httpx's 5 s when profiled on a busy machine
        year = httpx.get(base_url + url, headers=headers, timeout=60).json()
        assert year["days"] == 366, f"expected a year of daily rows, got {year['days']}"
        return [
            asyncio.run(measure(name, base_url, calls, args, server.pid))
            for name, calls in endpoint_calls(tenants).items()
            if not args.only or name in args.only.split(",")
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(
    results: list[Result], import_app_s: float | None, import_lambda_s: float | None
) -> None:
    print(
        f"{'endpoint':<11}{'ok':>7}{'errors':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'req/s':>9}"
    )
    for r in results:
        print(
            f"{r.name:<11}{len(r.latencies_ms):>7}{r.errors:>8}{r.percentile(50):>9.1f}"
            f"{r.percentile(90):>9.1f}{r.percentile(99):>9.1f}{max(r.latencies_ms):>9.1f}"
            f"{r.rps:>9.0f}"
        )
    by_name = {r.name: r for r in results}
    pairs: dict[str, str] = {}
    for r in results:
        pairs[f"{r.name}_p50_ms"] = f"{r.percentile(50):.1f}"
        pairs[f"{r.name}_p99_ms"] = f"{r.percentile(99):.1f}"
        pairs[f"{r.name}_rps"] = f"{r.rps:.0f}"
        pairs[f"{r.name}_errors"] = str(r.errors)
    if import_app_s is None or import_lambda_s is None:  # --only: the figures measured
        pairs.update(cpu_figures(results))
        print(" ".join(f"{key}={value}" for key, value in pairs.items()))
        return
    print(
        f"import function_app: {import_app_s:.2f} s   import functions.aws.api_handler: "
        f"{import_lambda_s:.2f} s   (median of 3 fresh interpreters)"
    )
    wells, health = by_name["wells"], by_name["health"]
    production = by_name["production"]
    pairs.update(
        ratio_wells_vs_health_rps=f"{wells.rps / health.rps:.3f}",
        ratio_production_vs_health_rps=f"{production.rps / health.rps:.3f}",
    )
    pairs.update(cpu_figures(results))
    pairs.update(
        import_function_app_s=f"{import_app_s:.2f}",
        import_api_handler_s=f"{import_lambda_s:.2f}",
        ratio_wells_p99_vs_target=f"{wells.percentile(99) / TARGET_WELLS_P99_MS:.2f}",
        ratio_import_vs_target=f"{import_app_s / TARGET_IMPORT_S:.2f}",
        ratio_wells_vs_health_p50=f"{wells.percentile(50) / health.percentile(50):.1f}",
    )
    print(" ".join(f"{key}={value}" for key, value in pairs.items()))


def cpu_figures(results: list[Result]) -> dict[str, str]:
    """`<name>_server_cpu_ms` per request, and `ratio_<name>_vs_health_server_cpu`: the
    health endpoint's CPU per request over this one's (the req/s ratio a CPU-bound server
    would reach; steadier than req/s on a loaded machine)."""
    health = next((r for r in results if r.name == "health"), None)
    pairs: dict[str, str] = {}
    for r in results:
        if r.server_cpu_ms is not None:
            pairs[f"{r.name}_server_cpu_ms"] = f"{r.server_cpu_ms:.2f}"
    for r in results:
        if health and r is not health and r.server_cpu_ms and health.server_cpu_ms:
            pairs[f"ratio_{r.name}_vs_health_server_cpu"] = (
                f"{health.server_cpu_ms / r.server_cpu_ms:.3f}"
            )
    return pairs


def server_settings(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs as the server's WELLOS_NAME variables."""
    settings = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            raise SystemExit(f"--server-setting: expected NAME=VALUE, got {pair!r}")
        settings[f"WELLOS_{name.upper().removeprefix('WELLOS_')}"] = value
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent clients")
    parser.add_argument("--max-seconds", type=float, default=60, help="time cap per endpoint")
    parser.add_argument(
        "--serverless", action="store_true", help="serve with NullPool, as Functions/Lambda do"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated endpoints to run (no import times, ratios)"
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run the server under cProfile (every thread), write its pstats to FILE, "
        "print its top functions; combine with --only to profile one endpoint",
    )
    parser.add_argument(
        "--server-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of the API server, e.g. TENANT_POOL_SIZE=4 (as WELLOS_NAME; repeatable)",
    )
    args = parser.parse_args()
    if args.profile:
        os.environ["WELLOS_BENCH_PROFILE"] = str(Path(args.profile).resolve())
    with bench_master(SERVER, serverless=args.serverless) as settings:
        env = server_environment(settings, WELLOS_SERVERLESS=str(settings.serverless).lower())
        env.update(server_settings(args.server_setting))
        platform = build_platform(settings)
        platform.migrate_master()
        print("seeding 2 tenants …", flush=True)
        tenants = [seed_tenant(platform, slug) for slug in ("alpha", "bravo")]
        platform.close()
        results = run(args, env, tenants)
        full = not args.only
        import_app_s = import_seconds(env, "function_app") if full else None
        import_lambda_s = import_seconds(env, "functions.aws.api_handler") if full else None
    report(results, import_app_s, import_lambda_s)
    if args.profile:
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
