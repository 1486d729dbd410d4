"""`wellos demo` end to end: a real process, real PostgreSQL, HTTP on a real port."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import drop_tenant_databases

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 240
LOGIN_CURL = re.compile(r"-H 'X-WellOS-Tenant: ([a-z-]+)'.* -d '(\{[^']*\})'")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class DemoProcess:
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path
    port: int

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_serving(self) -> None:
        """Until the demo printed its banner, which it does once it is listening."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._printed_banner():
                return
            if self.process.poll() is not None:
                pytest.fail(f"the demo exited early:\n{self.stdout}\n{self.stderr}")
            time.sleep(0.2)
        self.process.kill()
        pytest.fail(f"the demo did not start in {START_TIMEOUT_S} s:\n{self.stderr}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _printed_banner(self) -> bool:
        output = self.stdout
        return "X-WellOS-Tenant" in output or '"event": "ready"' in output

    def finish(self, timeout_s: float = 120) -> int:
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.startswith("{")]

    def event(self, name: str) -> dict:
        return next(event for event in self.events() if event["event"] == name)


@pytest.fixture
def demo_env(fresh_pg_database: str, tmp_path: Path, pg_server_url: str) -> Iterator[dict]:
    """Environment of a demo on a fresh master database with its own tenant-db prefix."""
    prefix = f"wt_{uuid.uuid4().hex[:8]}_demo_"
    env = {
        **os.environ,
        "WELLOS_DATABASE_URL": fresh_pg_database,
        "WELLOS_STATE_DIR": str(tmp_path / "state"),
        "WELLOS_TENANT_DB_PREFIX": prefix,
        "WELLOS_LOG_JSON": "false",
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "200",
    }
    yield env
    drop_tenant_databases(pg_server_url, prefix)


def start_demo(env: dict, tmp_path: Path, *args: str) -> DemoProcess:
    port = free_port()
    run = uuid.uuid4().hex[:6]
    stdout_path, stderr_path = tmp_path / f"demo-{run}.out", tmp_path / f"demo-{run}.err"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "functions.cli.main", "demo", "--port", str(port), *args],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    return DemoProcess(process, stdout_path, stderr_path, port)


def printed_logins(output: str) -> dict[str, dict[str, str]]:
    return {match[1]: json.loads(match[2]) for match in LOGIN_CURL.finditer(output)}


def login(base_url: str, slug: str, credentials: dict[str, str]) -> dict[str, str]:
    response = httpx.post(
        f"{base_url}/api/v1/auth/login",
        json=credentials,
        headers={"X-WellOS-Tenant": slug},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return {"X-WellOS-Tenant": slug, "Authorization": f"Bearer {response.json()['access_token']}"}


def test_demo_serves_seeded_tenants_and_stops_by_itself(demo_env, tmp_path):
    # GIVEN the demo started with a duration
    demo = start_demo(demo_env, tmp_path, "--duration", "25")
    demo.wait_until_serving()
    assert demo.answers()

    # WHEN the acme admin logs in with the printed credentials and lists wells
    logins = printed_logins(demo.stdout)
    assert set(logins) == {"acme", "permian"}
    headers = login(demo.base_url, "acme", logins["acme"])
    wells = httpx.get(f"{demo.base_url}/api/v1/wells?limit=100", headers=headers, timeout=30)

    # THEN about twenty wells come back, most of them producing
    assert wells.status_code == 200, wells.text
    page = wells.json()
    assert 15 <= page["total"] <= 30
    producing = [well for well in page["items"] if well["status"] == "PRODUCING"]
    assert len(producing) >= page["total"] - 3
    assert all(len(well["api_number"]) == 14 for well in page["items"])

    # AND a producing well has one production row per day over the last year
    yesterday = date.today() - timedelta(days=1)
    start = yesterday - timedelta(days=364)
    series = httpx.get(
        f"{demo.base_url}/api/v1/wells/{producing[0]['id']}/production",
        params={"from": start.isoformat(), "to": yesterday.isoformat()},
        headers=headers,
        timeout=30,
    )
    assert series.status_code == 200, series.text
    assert series.json()["days"] == 365
    assert sum(day["oil_bbl"] for day in series.json()["items"]) > 0

    # AND the other tenant answers on its subdomain with its own printed password
    permian = login(demo.base_url, "permian", logins["permian"])
    me = httpx.get(
        f"{demo.base_url}/api/v1/me",
        headers={
            "Host": f"permian.localhost:{demo.port}",
            "Authorization": permian["Authorization"],
        },
        timeout=30,
    )
    assert me.status_code == 200, me.text

    # WHEN the duration is over, THEN it exits by itself with a summary
    assert demo.finish() == 0, demo.stderr
    summary = next(line for line in demo.stdout.splitlines() if line.startswith("Summary:"))
    assert "2 tenants" in summary
    assert "production rows" in summary
    assert re.search(r"[1-9]\d* requests served", summary)
    assert "Traceback" not in demo.stderr


def test_restarting_the_demo_keeps_its_credentials_and_data(demo_env, tmp_path):
    # GIVEN a demo that ran once
    first = start_demo(demo_env, tmp_path, "--duration", "1", "--json", "--no-field")
    first.wait_until_serving()
    assert first.finish() == 0, first.stderr
    first_scored, first_ready = first.event("scored"), first.event("ready")
    first_summary = first.event("summary")

    # WHEN it starts again on the same state and is stopped with Ctrl-C
    second = start_demo(demo_env, tmp_path, "--json", "--no-field")
    second.wait_until_serving()
    second.process.send_signal(signal.SIGINT)
    assert second.finish() == 0, second.stderr
    second_scored, second_ready = second.event("scored"), second.event("ready")
    second_summary = second.event("summary")

    # THEN it prints the same credentials, which still log in
    passwords = {t["slug"]: t["admin_password"] for t in first_ready["tenants"]}
    assert {t["slug"]: t["admin_password"] for t in second_ready["tenants"]} == passwords
    assert not any(t["created"] for t in second_ready["tenants"])
    # AND last night was scored before serving: the planned pump failures raised alerts once
    assert first_scored["event"] == "scored" and first_scored["new_alerts"] >= 2
    assert all(first_scored["open_alerts"][slug] for slug in ("acme", "permian"))
    assert second_scored["new_alerts"] == 0
    assert second_scored["open_alerts"] == first_scored["open_alerts"]
    # AND nothing was seeded twice
    assert second_summary["tenants"] == first_summary["tenants"]
    assert [t["wells"] for t in second_summary["tenants"]] == [20, 20]
    assert "not seeding again" in second.stderr
    assert second_summary["interrupted"] is True
    # AND the saved credentials are private to the user
    credentials = Path(demo_env["WELLOS_STATE_DIR"]) / "demo" / "credentials.json"
    assert credentials.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def state_dir() -> Iterator[Path]:
    """A state folder outside pytest's tmp_path: running as root, the embedded server
    runs as the user `pgserver`, who must traverse the folder's parents, and every
    pytest session resets /tmp/pytest-of-<user> to mode 0700."""
    path = Path(tempfile.mkdtemp(prefix="wellos-demo-e2e-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_demo_starts_an_embedded_postgresql_without_a_database_url(tmp_path, state_dir):
    # GIVEN no WELLOS_DATABASE_URL
    env = {key: value for key, value in os.environ.items() if key != "WELLOS_DATABASE_URL"}
    env.update(WELLOS_STATE_DIR=str(state_dir), PYTHONUNBUFFERED="1")

    # WHEN the demo runs briefly
    demo = start_demo(env, tmp_path, "--duration", "1", "--json")
    demo.wait_until_serving()

    # THEN it serves two seeded tenants from PostgreSQL data under the state folder
    assert demo.finish() == 0, demo.stderr
    ready, summary = demo.event("ready"), demo.event("summary")
    assert [t["slug"] for t in ready["tenants"]] == ["acme", "permian"]
    assert all(t["wells"] == 20 and t["production_rows"] > 10_000 for t in summary["tenants"])
    assert (state_dir / "demo" / "pgdata" / "PG_VERSION").exists()
    assert "Starting the embedded PostgreSQL" in demo.stderr

    # WHEN it runs again with --fresh
    fresh = start_demo(env, tmp_path, "--duration", "1", "--json", "--fresh")
    fresh.wait_until_serving()

    # THEN the tenants are provisioned anew, with new passwords
    assert fresh.finish() == 0, fresh.stderr
    fresh_ready, fresh_summary = fresh.event("ready"), fresh.event("summary")
    assert all(t["created"] for t in fresh_ready["tenants"])
    old_passwords = {t["admin_password"] for t in ready["tenants"]}
    assert old_passwords.isdisjoint(t["admin_password"] for t in fresh_ready["tenants"])
    assert [t["wells"] for t in fresh_summary["tenants"]] == [20, 20]
