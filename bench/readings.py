"""The well page's reads over HTTP (uvicorn), each against the health endpoint in the same run.

    .venv/bin/python bench/readings.py [--requests 1000] [--concurrency 20] [--max-seconds 30]

Seeds a fresh master database with one tenant of `--wells` wells, each with 8 SCADA
tags holding 14 days of readings every 5 minutes and 400 days of daily production.
Then serves the API with uvicorn and drives what the well page asks for, with
`--concurrency` keep-alive clients spread over the wells:

- `health`: `GET /api/v1/health`, the framework baseline (no tenant, no database)
- `hourly`: `GET /api/v1/wells/{id}/readings?from=<14 days ago>&bucket=1h` (8 tags × 336 hours)
- `latest`: `GET /api/v1/wells/{id}/readings/latest`
- `forecast`: `GET /api/v1/wells/{id}/forecast?product=oil&months=120&economic_limit=5`

The last line holds `key=value` pairs: per endpoint p50/p99/req/s/errors and
`ratio_<endpoint>_vs_health` (req/s over the health endpoint's req/s). Databases are
dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shutil
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import sqlalchemy as sa
from api import SERVER, Calls, Result, Seeded, cpu_figures, measure, production_rows
from local_server import drop_databases, free_port, server_environment, start_server
from sqlalchemy.pool import NullPool

from shared.adapters.sql.scada.readings_copy import reading_writer_for
from shared.adapters.sql.urls import connectable, normalize_url
from shared.bootstrap import Platform, build_platform
from shared.core.registry.services.tenants import CreateTenant
from shared.core.scada.model.columns import ReadingColumns
from shared.settings import Settings

TAGS = ("TP", "CP", "LP", "FLOW", "TEMP", "SPM", "LOAD", "AMPS")
DAYS = 14
STEP_S = 300


def seed(platform: Platform, wells: int) -> Seeded:
    """One tenant: `wells` wells with 8 tags of 14 days of readings and 400 days of production."""
    created = platform.tenants.create(
        CreateTenant(slug="alpha", name="Alpha Oil", admin_email="admin@alpha.test")
    )
    tenant = created.tenant
    tokens = platform.auth.login(tenant, created.admin_email, created.admin_password, "bench")
    actor = platform.auth.authenticate(tenant, tokens.access_token)
    gateway = platform.scada.gateways.register(tenant, actor, "bench gateway").gateway
    connection = platform.scada.connections.create(
        tenant,
        actor,
        {"gateway_id": gateway.id, "name": "rtu", "endpoint_url": "opc.tcp://127.0.0.1:4840"},
    )
    well_ids, tag_ids = [], []
    for n in range(wells):
        well = platform.wells.create(tenant, actor, {"name": f"W{n:03d}", "well_type": "OIL"})
        well_ids.append(well.id)
        for name in TAGS:
            values = {"node_id": f"ns=2;s=W{n}.{name}", "well_id": well.id, "tag_name": name}
            tag = platform.scada.tags.create(tenant, actor, connection.id, values)
            tag_ids.append(tag.id)
    rows = production_rows(well_ids, date.today())
    for start in range(0, len(rows), 5000):
        platform.production.upsert_batch(tenant, actor, rows[start : start + 5000])
    write_readings(platform, tenant, tag_ids)
    return Seeded(tenant.slug, tokens.access_token, well_ids)


def write_readings(platform: Platform, tenant: object, tag_ids: list[int]) -> None:
    end_s = int(datetime.now(UTC).timestamp()) // STEP_S * STEP_S
    times = np.arange(end_s - DAYS * 86_400, end_s, STEP_S, dtype=np.int64) * 1_000_000
    parts = []
    rng = np.random.default_rng(7)
    for tag_id in sorted(tag_ids):
        count = len(times)
        parts.append(
            ReadingColumns(
                tag_id=np.full(count, tag_id, dtype=np.int32),
                ts_us=times,
                server_ts_us=times + 1_000_000,
                server_ts_missing=np.zeros(count, dtype=bool),
                value=rng.normal(100.0, 5.0, count),
                status=np.zeros(count, dtype=np.int32),
            )
        )
    engine = platform.tenant_databases.engines.engine_for(tenant)  # type: ignore[arg-type]
    with engine.begin() as connection:
        reading_writer_for(connection).write([ReadingColumns.concat(parts)])


def endpoint_calls(tenant: Seeded) -> dict[str, Calls]:
    since = (datetime.now(UTC) - timedelta(days=DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids, headers = tenant.well_ids, tenant.headers
    return {
        "health": [("/api/v1/health", {})],
        "hourly": [(f"/api/v1/wells/{w}/readings?from={since}&bucket=1h", headers) for w in ids],
        "latest": [(f"/api/v1/wells/{w}/readings/latest", headers) for w in ids],
        "forecast": [
            (f"/api/v1/wells/{w}/forecast?product=oil&months=120&economic_limit=5", headers)
            for w in ids
        ],
    }


def run(args: argparse.Namespace, env: dict[str, str], tenant: Seeded) -> list[Result]:
    port = free_port()
    server = start_server(env, port, Path(env["WELLOS_STATE_DIR"]) / "uvicorn.log")
    base_url = f"http://127.0.0.1:{port}"
    try:
        calls = endpoint_calls(tenant)
        url, headers = calls["hourly"][0]
        buckets = httpx.get(base_url + url, headers=headers, timeout=60).json()["items"]
        assert len(buckets) >= len(TAGS) * DAYS * 24 - len(TAGS), f"{len(buckets)} buckets"
        return [
            asyncio.run(measure(name, base_url, c, args, server.pid)) for name, c in calls.items()
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(results: list[Result]) -> None:
    print(f"{'endpoint':<11}{'ok':>7}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}")
    for r in results:
        print(
            f"{r.name:<11}{len(r.latencies_ms):>7}{r.errors:>8}{r.percentile(50):>9.1f}"
            f"{r.percentile(99):>9.1f}{r.rps:>9.0f}"
        )
    health = next(r for r in results if r.name == "health")
    pairs: dict[str, str] = {}
    for r in results:
        pairs[f"{r.name}_p50_ms"] = f"{r.percentile(50):.1f}"
        pairs[f"{r.name}_p99_ms"] = f"{r.percentile(99):.1f}"
        pairs[f"{r.name}_rps"] = f"{r.rps:.0f}"
        pairs[f"{r.name}_errors"] = str(r.errors)
    for r in results:
        if r is not health:
            pairs[f"ratio_{r.name}_vs_health"] = f"{r.rps / health.rps:.3f}"
    pairs.update(cpu_figures(results))
    print(" ".join(f"{key}={value}" for key, value in pairs.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent clients")
    parser.add_argument("--max-seconds", type=float, default=30, help="time cap per endpoint")
    parser.add_argument("--wells", type=int, default=10, help="wells with SCADA and production")
    args = parser.parse_args()
    run_id = uuid.uuid4().hex[:8]
    master_name, prefix = f"wellos_bench_{run_id}", f"wb_{run_id}_t_"
    state_dir = Path(tempfile.mkdtemp(prefix="wellos-bench-"))
    admin = sa.create_engine(
        normalize_url(SERVER), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    settings = Settings(
        database_url=connectable(normalize_url(SERVER), master_name),
        state_dir=state_dir,
        tenant_db_prefix=prefix,
        jwt_secret=secrets.token_urlsafe(48),
    )
    env = server_environment(settings)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{master_name}"'))
    try:
        platform = build_platform(settings)
        platform.migrate_master()
        print(f"seeding {args.wells} wells …", flush=True)
        tenant = seed(platform, args.wells)
        platform.close()
        results = run(args, env, tenant)
    finally:
        drop_databases(admin, master_name, prefix)
        shutil.rmtree(state_dir, ignore_errors=True)
    report(results)


if __name__ == "__main__":
    main()
