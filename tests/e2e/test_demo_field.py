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


def _alerted_wells(base_url: str, headers: dict[str, str]) -> set[str]:
    response = httpx.get(f"{base_url}/api/v1/alerts?status=OPEN", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return {alert["well_id"] for alert in response.json()["items"]}
