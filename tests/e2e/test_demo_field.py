"""`wellos demo` runs a simulated field: readings reach both tenants through real gateways."""

from __future__ import annotations

import signal
import time

import httpx
import pytest

from tests.e2e.test_demo import demo_env, login, printed_logins, start_demo  # noqa: F401

READINGS_TIMEOUT_S = 240


def _latest_readings(base_url: str, headers: dict[str, str]) -> int:
    wells = httpx.get(f"{base_url}/api/v1/wells?limit=5", headers=headers, timeout=30).json()
    total = 0
    for well in wells["items"]:
        latest = httpx.get(
            f"{base_url}/api/v1/wells/{well['id']}/readings/latest", headers=headers, timeout=30
        )
        assert latest.status_code == 200, latest.text
        body = latest.json()
        total += len(body["items"] if isinstance(body, dict) else body)
    return total


def test_simulated_readings_arrive_in_both_tenants(demo_env, tmp_path):  # noqa: F811
    # GIVEN the demo with its field (an RTU and an edge gateway per tenant)
    demo = start_demo(demo_env, tmp_path)
    demo.wait_until_serving()
    sessions = {
        slug: login(demo.base_url, slug, c) for slug, c in printed_logins(demo.stdout).items()
    }
    assert set(sessions) == {"acme", "permian"}
    # WHEN the field has had time to publish
    deadline = time.monotonic() + READINGS_TIMEOUT_S
    seen: dict[str, int] = {}
    while time.monotonic() < deadline and not all(seen.get(slug) for slug in sessions):
        seen = {slug: _latest_readings(demo.base_url, h) for slug, h in sessions.items()}
        time.sleep(2)
    # AND the live flowline blockage (20 s in) raises a real-time alarm in each tenant
    alarms: dict[str, list[dict]] = {}
    while time.monotonic() < deadline and not all(alarms.get(slug) for slug in sessions):
        alarms = {slug: _alarms(demo.base_url, h) for slug, h in sessions.items()}
        time.sleep(2)
    orders = {slug: _work_orders(demo.base_url, h) for slug, h in sessions.items()}
    # THEN each tenant's wells have latest readings, and Ctrl-C stops it with a summary
    alerted_wells = {slug: _alerted_wells(demo.base_url, h) for slug, h in sessions.items()}
    demo.process.send_signal(signal.SIGINT)
    assert demo.finish() == 0, demo.stderr
    if not all(seen.get(slug) for slug in sessions):
        pytest.fail(f"no readings after {READINGS_TIMEOUT_S} s: {seen}\n{demo.stderr[-3000:]}")
    summary = next(line for line in demo.stdout.splitlines() if line.startswith("Summary:"))
    assert "SCADA readings" in summary
    # AND each tenant's planned pump failure was scored into open alerts on one well
    for slug, alerted in alerted_wells.items():
        assert len(alerted) == 1, (slug, alerted)
    # AND the alarm is on the tubing pressure, printed as it came; the planned failure's
    # alert became a work order on that well
    for slug in sessions:
        assert alarms.get(slug), (slug, demo.stderr[-3000:])
        assert "Tubing pressure high" in alarms[slug][0]["title"]
        assert f"ALARM {slug}:" in demo.stdout
        made = [o for o in orders[slug] if o["source"]["kind"] != "manual"]
        assert {o["well_id"] for o in made} == alerted_wells[slug], (slug, orders[slug])
        assert f"{slug}: work order" in demo.stdout


def _alerted_wells(base_url: str, headers: dict[str, str]) -> set[str]:
    """Wells with open alerts from the night's scoring (the live alarm aside)."""
    response = httpx.get(f"{base_url}/api/v1/alerts?status=OPEN", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return {a["well_id"] for a in response.json()["items"] if a["source"] != "alarm"}


def _alarms(base_url: str, headers: dict[str, str]) -> list[dict]:
    response = httpx.get(f"{base_url}/api/v1/alerts?limit=100", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return [a for a in response.json()["items"] if a["source"] == "alarm"]


def _work_orders(base_url: str, headers: dict[str, str]) -> list[dict]:
    response = httpx.get(f"{base_url}/api/v1/work-orders?limit=100", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    return list(body["items"] if isinstance(body, dict) else body)
