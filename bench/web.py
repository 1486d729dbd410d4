"""The office app in Chromium against a seeded platform: bundle size and page speed.

    .venv/bin/python bench/web.py [--runs 5]

Starts `wellos demo --no-field` on fresh databases (two tenants, two years of daily
production, 15 days of hourly SCADA history), then drives Debian's Chromium with
Playwright (web/scripts/measure.mjs):

- initial JS: the scripts the browser loads for the first page, gzipped (target ≤ 250 KB);
- wells page: navigation start to the table's first row, signed in (target < 1.5 s);
- well page: navigation start to both charts drawn — two years of daily production
  and 14 days of hourly SCADA readings (target < 1 s).

Times are medians of `--runs` navigations. Last line: key=value pairs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "web" / "scripts"))

from toolchain import node_command, node_env  # noqa: E402

from tests.web.host import WEB, find_chromium, missing_for_browser, seeded_host  # noqa: E402

TENANT = "acme"
TARGETS = {"initial_js_gzip_kb": 250.0, "wells_page_ms": 1500.0, "well_page_ms": 1000.0}


def gzip_kb(paths: list[str]) -> float:
    """Gzipped size of the built files the browser loaded (what a gzip-serving CDN sends)."""
    total = 0
    for path in paths:
        file = WEB / "dist" / path.lstrip("/")
        if file.is_file() and file.suffix == ".js":
            total += len(gzip.compress(file.read_bytes(), compresslevel=9))
    return total / 1024


def well_with_scada(api: str, headers: dict[str, str]) -> str:
    wells = httpx.get(f"{api}/api/v1/wells", params={"limit": 500}, headers=headers).json()["items"]
    for well in wells:
        latest = httpx.get(f"{api}/api/v1/wells/{well['id']}/readings/latest", headers=headers)
        if latest.json()["items"]:
            return str(well["id"])
    raise RuntimeError("no well of the demo has SCADA readings")


def measure(runs: int, server: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, seeded_host(server, Path(tmp)) as host:
        tenant = host.tenants[TENANT]
        headers = {"X-WellOS-Tenant": TENANT, "Authorization": f"Bearer {tenant['access_token']}"}
        env = {
            **node_env(),
            "WELLOS_BENCH_URL": host.url(TENANT),
            "WELLOS_BENCH_EMAIL": tenant["admin_email"],
            "WELLOS_BENCH_PASSWORD": tenant["admin_password"],
            "WELLOS_BENCH_WELL": well_with_scada(host.api, headers),
            "WELLOS_BENCH_RUNS": str(runs),
            "WELLOS_CHROMIUM": find_chromium() or "",
        }
        command = [*node_command(), str(WEB / "scripts" / "measure.mjs")]
        done = subprocess.run(
            command, cwd=WEB, env=env, capture_output=True, text=True, timeout=900
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout[-2000:] + done.stderr[-3000:])
        result = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "initial_js_gzip_kb": gzip_kb(result["initialScripts"]),
        "wells_page_ms": statistics.median(result["wells"]),
        "well_page_ms": statistics.median(result["wellPage"]),
        "wells_page_max_ms": max(result["wells"]),
        "well_page_max_ms": max(result["wellPage"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    reason = missing_for_browser()
    if reason:
        print(f"bench/web.py needs the built app and Chromium: {reason}")
        return 2
    server = os.environ.get(
        "WELLOS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    figures = measure(args.runs, server)
    print(f"{'figure':<22}{'value':>10}{'target':>10}")
    for key, target in TARGETS.items():
        print(f"{key:<22}{figures[key]:>10.1f}{target:>10.0f}")
    ratios = {f"ratio_{key}_vs_target": figures[key] / target for key, target in TARGETS.items()}
    line = {**figures, **ratios}
    print(
        " ".join(
            f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
            for key, value in line.items()
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
