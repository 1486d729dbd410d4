"""The reference field client (`wellos field`) end to end: a shift recorded offline, then
synced against a real uvicorn server, in every fault scenario of the sync issue."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from PIL import Image
from typer.testing import CliRunner

from functions.api.app import create_app
from functions.cli.field import Backoff, FieldClient, FieldStore, Profile
from functions.cli.main import app as wellos
from functions.local.sync_jobs import start_sync_jobs_thread
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.sync import tables as st
from shared.bootstrap import Platform
from shared.core.registry.services.tenants import CreateTenant
from tests.integration.api_support import started_platform
from tests.integration.sync_support import SYNC_TABLES

FAST = Backoff(attempts=4, base_s=0.05, max_s=0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Person:
    email: str
    password: str
    user_id: str


@dataclass
class Field:
    """A tenant served by uvicorn on a free port, with its sync-jobs worker running."""

    platform: Platform
    base_url: str
    admin: dict[str, str]
    pumper: Person
    relief: Person
    manager: dict[str, str]
    wells: list[str]
    pump: str
    home: Path

    def state(self) -> dict[str, list[Any]]:
        """Every row of every table sync writes, in a stable order."""
        tenant = self.platform.tenants.get("acme")
        engine = self.platform.tenant_databases.engines.engine_for(tenant)
        with engine.connect() as connection:
            return {
                table.name: sorted(map(repr, connection.execute(sa.select(table)).all()))
                for table in SYNC_TABLES
            }

    def rows(self, table: sa.Table) -> list[dict[str, Any]]:
        tenant = self.platform.tenants.get("acme")
        engine = self.platform.tenant_databases.engines.engine_for(tenant)
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.select(table))]


def _serve(platform: Platform) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    config = uvicorn.Config(create_app(platform), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _invite(http: httpx.Client, admin: dict[str, str], role: str, name: str) -> Person:
    email = f"{name}@acme.test"
    body = {"email": email, "full_name": name.title(), "role": role}
    user = http.post("/api/v1/users", json=body, headers=admin).json()
    password = f"{user['one_time_password']}-Renewed!"  # replaces the admin-set one at once
    change = {"email": email, "password": user["one_time_password"], "new_password": password}
    signed_in = http.post("/api/v1/auth/login", json=change, headers={"X-WellOS-Tenant": "acme"})
    assert signed_in.status_code == 200, signed_in.text
    return Person(email, password, user["id"])


def _login(http: httpx.Client, person: Person) -> dict[str, str]:
    body = {"email": person.email, "password": person.password}
    token = http.post("/api/v1/auth/login", json=body, headers={"X-WellOS-Tenant": "acme"})
    return {"X-WellOS-Tenant": "acme", "Authorization": f"Bearer {token.json()['access_token']}"}


def _seed(http: httpx.Client, admin: dict[str, str]) -> tuple[Person, Person, Person, list, str]:
    pumper, relief = (_invite(http, admin, "FIELD_OPERATOR", n) for n in ("pumper", "relief"))
    manager = _invite(http, admin, "MANAGER", "boss")
    wells = []
    for name in ("A", "B"):
        body = {"name": f"Well {name}", "well_type": "OIL"}
        well = http.post("/api/v1/wells", json=body, headers=admin).json()["id"]
        for person in (pumper, relief):
            http.put(f"/api/v1/wells/{well}/assignments/{person.user_id}", headers=admin)
        wells.append(well)
    body = {"tag": "PJ-1", "equipment_type": "ROD_PUMP", "well_id": wells[0]}
    pump = http.post("/api/v1/equipment", json=body, headers=admin).json()["id"]
    return pumper, relief, manager, wells, pump


@pytest.fixture(scope="module")
def field(pg_server_url, tmp_path_factory) -> Iterator[Field]:
    with started_platform(pg_server_url, tmp_path_factory.mktemp("state")) as platform:
        made = platform.tenants.create(
            CreateTenant(slug="acme", name="Acme Oil", admin_email="admin@acme.test")
        )
        server, thread, base_url = _serve(platform)
        stop = threading.Event()
        worker = start_sync_jobs_thread(platform, stop, interval_s=0.05)
        try:
            with httpx.Client(base_url=base_url, timeout=60) as http:
                admin = _login(http, Person(made.admin_email, made.admin_password, ""))
                pumper, relief, boss, wells, pump = _seed(http, admin)
                manager = _login(http, boss)
            yield Field(platform, base_url, admin, pumper, relief, manager, wells, pump,
                        tmp_path_factory.mktemp("devices"))  # fmt: skip
        finally:
            stop.set()
            server.should_exit = True
            thread.join(timeout=10)
            worker.join(timeout=10)


def cli(field: Field, profile: str, *args: str) -> Any:
    """Run `wellos field --home … --profile … ARGS`; the parsed JSON if --json was given."""
    command = ["field", "--home", str(field.home), "--profile", profile, *args]
    result = CliRunner().invoke(wellos, command, catch_exceptions=False)
    if "--json" in args:
        assert result.exit_code == 0, result.output
        return json.loads(result.output)
    return result


def device(field: Field, profile: str, person: Person, api_url: str | None = None) -> str:
    """A device profile of `person`, logged in, pointing at `api_url` (default: the server)."""
    cli(field, profile, "configure", "--api-url", field.base_url, "--tenant", "acme", "--json")
    cli(field, profile, "login", "--email", person.email, "--password", person.password, "--json")
    if api_url:
        cli(field, profile, "configure", "--api-url", api_url, "--json")
    return profile


def library(field: Field, profile: str, clock: Callable[[], datetime] | None = None, **kw: Any):
    """The library under a CLI profile: its store and a client with quick retries."""
    loaded = Profile.load(field.home / profile)
    store = FieldStore(loaded.store_path, clock=clock) if clock else FieldStore(loaded.store_path)
    return store, FieldClient(loaded, store, backoff=FAST, **kw)


def jpeg(path: Path) -> Path:
    image = Image.new("RGB", (120, 90), (40, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_shift_recorded_offline_syncs_once_and_resends_change_nothing(field, tmp_path):
    # GIVEN a pumper's device with no signal (its API URL is a closed port)
    profile = device(field, "shift", field.pumper, api_url=f"http://127.0.0.1:{free_port()}")
    well, other = field.wells
    today = date.today().isoformat()
    recorded = [
        cli(field, profile, "record", "reading", well, "TP", "412.5", "--json"),
        cli(field, profile, "record", "production", well, "--oil", "84", "--gas", "250",
            "--water", "40", "--hours-on", "24", "--gauge", "T-1=96.5", "--json"),
        cli(field, profile, "record", "inspection", well, field.pump, "--item", "guard=ok",
            "--item", "belts=ok", "--passed", "--notes", "all good", "--json"),
        cli(field, profile, "record", "note", other, "gate latch broken", "--json"),
        cli(field, profile, "record", "downtime", other, "POWER", "3.5", "--json"),
        cli(field, profile, "record", "photo", well, str(jpeg(tmp_path / "wellhead.jpg")),
            "--caption", "stuffing box", "--json"),
    ]  # fmt: skip
    # WHEN it tries to sync without signal
    offline = cli(field, profile, "sync", "--attempts", "2")
    # THEN it says so, and every event is still pending
    assert offline.exit_code == 1
    assert "did not answer" in offline.output
    assert cli(field, profile, "status", "--json")["events"] == {"pending": 6}
    # WHEN the signal is back and it syncs
    cli(field, profile, "configure", "--api-url", field.base_url, "--json")
    first = cli(field, profile, "sync", "--json")
    after_first = field.state()
    # THEN every event applied, the photo is linked, the day's production stands
    assert (first["sent"], first["counts"]) == (6, {"applied": 6})
    assert [r["device_seq"] for r in recorded] == [1, 2, 3, 4, 5, 6]
    photos = field.rows(st.well_photos)
    assert [p["caption"] for p in photos] == ["stuffing box"]
    daily = field.rows(t.production_daily)
    assert [(str(d["production_date"]), d["oil_bbl"]) for d in daily] == [(today, 84.0)]
    # WHEN the same batch is sent twice more (a device restored from a backup)
    again = [cli(field, profile, "sync", "--resend", "--json") for _ in range(2)]
    # THEN the server answers duplicate each time and no table changed at all
    assert [a["counts"] for a in again] == [{"applied": 6}, {"applied": 6}]
    assert field.state() == after_first
    assert cli(field, profile, "status", "--json")["events"] == {"applied": 6}


class LoseFirstSyncAnswer(httpx.BaseTransport):
    """Real HTTP, but the device never gets the first answer to POST /api/v1/sync: the
    connection drops after the server committed."""

    def __init__(self, on_lost: Callable[[], None]) -> None:
        self._real = httpx.HTTPTransport()
        self._on_lost = on_lost
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._real.handle_request(request)
        if request.url.path == "/api/v1/sync" and not self.lost:
            response.read()
            self.lost += 1
            self._on_lost()
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


def test_an_answer_lost_after_the_commit_is_retried_and_changes_nothing(field):
    # GIVEN another device's log of the same well-day (this one will conflict with it)
    day = date.today() - timedelta(days=3)
    other, other_client = library(field, device(field, "lost-other", field.relief))
    other.record("PRODUCTION_LOGGED", field.wells[1], {"date": day.isoformat(), "oil_bbl": 90.0})
    other_client.sync()
    # AND a device whose first answer will be lost
    states: list[dict] = []
    transport = LoseFirstSyncAnswer(lambda: states.append(field.state()))
    store, client = library(field, device(field, "lost", field.pumper), transport=transport)
    store.record("PRODUCTION_LOGGED", field.wells[1], {"date": day.isoformat(), "oil_bbl": 70.0})
    store.record("NOTE_ADDED", field.wells[1], {"text": "leak on the flowline"})
    # WHEN it syncs (the answer is lost, the client retries)
    report = client.sync()
    # THEN the retry learned the first outcomes as duplicates and nothing changed
    assert transport.lost == 1
    assert report.counts == {"conflict": 1, "applied": 1}
    assert field.state() == states[0]
    kept = store.events()
    assert [(e.status, e.first_status) for e in kept] == [
        ("duplicate", "conflict"),
        ("duplicate", "applied"),
    ]
    assert kept[0].rule == "highest_value" and kept[0].conflict_id


def test_two_devices_on_one_well_day_agree_in_either_order_and_review_resolves(field):
    # GIVEN two devices logging the same well-day on two wells, low and high
    day = (date.today() - timedelta(days=5)).isoformat()
    a_store, a = library(field, device(field, "dev-a", field.pumper))
    b_store, b = library(field, device(field, "dev-b", field.relief))
    first, second = field.wells
    # WHEN they sync low-then-high on one well and high-then-low on the other
    a_store.record("PRODUCTION_LOGGED", first, {"date": day, "oil_bbl": 95.0})
    a.sync()
    b_store.record("PRODUCTION_LOGGED", first, {"date": day, "oil_bbl": 110.0})
    b_store.record("PRODUCTION_LOGGED", second, {"date": day, "oil_bbl": 110.0})
    b.sync()
    a_store.record("PRODUCTION_LOGGED", second, {"date": day, "oil_bbl": 95.0})
    a.sync()
    # THEN the higher log stands on both wells
    daily = {(str(r["well_id"]), str(r["production_date"])): r["oil_bbl"]
             for r in field.rows(t.production_daily)}  # fmt: skip
    assert daily[(first, day)] == daily[(second, day)] == 110.0
    # AND device a sees its late log as a conflict that kept it as history
    mine = cli(field, "dev-a", "conflicts", "--json")
    assert [c["rule"] for c in mine if c["reason"].startswith("kept as history")] == [
        "highest_value"
    ]
    # WHEN they disagree on the pump's inspection and the manager resolves it
    inspected = datetime.now(UTC) - timedelta(days=5)
    check = {"checklist": [{"item": "belts", "ok": True}], "passed": True}
    a_store.record("EQUIPMENT_INSPECTED", first, check, inspected, field.pump)
    a.sync()
    failed = {"checklist": [{"item": "belts", "ok": False}], "passed": False}
    b_store.record("EQUIPMENT_INSPECTED", first, failed, inspected, field.pump)
    b.sync()
    [review] = [
        c for c in cli(field, "dev-b", "conflicts", "--json") if c["rule"] == "manual_review"
    ]
    b.pull()
    with httpx.Client(base_url=field.base_url) as http:
        resolved = http.post(
            f"/api/v1/conflicts/{review['conflict_id']}/resolve",
            json={"choose": review["id"], "reason": "belt photo shows wear"},
            headers=field.manager,
        )
    assert resolved.status_code == 200, resolved.text
    # THEN the device pulling afterwards learns the decision
    for _ in range(100):  # the feed waits for older transactions anywhere on the server
        if any(c["action"] == "conflict.resolved" for c in b.pull()):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the resolution never reached the device")
    assert b_store.changes()[-1]["data"]["status"] == "resolved"


def test_a_device_clock_hours_off_keeps_the_rules_deterministic_and_is_recorded(field):
    # GIVEN a device whose clock runs 3 hours fast, and an accurate one
    fast_clock = lambda: datetime.now(UTC) + timedelta(hours=3)  # noqa: E731
    fast, fast_client = library(field, device(field, "fast", field.pumper), clock=fast_clock)
    slow, slow_client = library(field, device(field, "accurate", field.relief))
    first, second = field.wells
    reading = {"tag": "CP", "unit": "psi"}
    # WHEN they read the same gauge and sync in opposite orders on two wells
    fast.record("WELL_READING_RECORDED", first, {**reading, "value": 150.0})
    fast_client.sync()
    slow.record("WELL_READING_RECORDED", first, {**reading, "value": 140.0})
    slow.record("WELL_READING_RECORDED", second, {**reading, "value": 140.0})
    slow_client.sync()
    fast.record("WELL_READING_RECORDED", second, {**reading, "value": 150.0})
    fast_client.sync()
    # THEN the reported times decide the same way on both wells (the fast device's "newer")
    current = {(str(r["well_id"]), r["value"]) for r in field.rows(st.current_readings)
               if r["tag"] == "CP"}  # fmt: skip
    assert current == {(first, 150.0), (second, 150.0)}
    # AND the skew is recorded on every event of the fast device
    skews = [e["clock_skew_s"] for e in field.rows(st.sync_events)
             if e["device_id"] == fast_client.profile.device_id]  # fmt: skip
    assert len(skews) == 2 and all(abs(s + 3 * 3600) < 120 for s in skews)


def test_a_two_megabyte_batch_is_taken_as_a_job_and_every_outcome_comes_back(field):
    # GIVEN 520 long notes recorded offline (about 2 MB)
    store, _ = library(field, device(field, "big", field.pumper))
    for n in range(520):
        store.record("NOTE_ADDED", field.wells[n % 2], {"text": f"{n} " + "x" * 3990})
    # WHEN the device syncs
    report = cli(field, "big", "sync", "--json")
    # THEN the server took it as a job, and the client followed it to every outcome
    assert len(report["jobs"]) == 1
    assert (report["sent"], report["counts"]) == (520, {"applied": 520})
    assert cli(field, "big", "status", "--json")["events"] == {"applied": 520}


def test_a_malformed_event_among_300_good_ones_is_the_only_one_rejected(field):
    # GIVEN 300 good readings and, in the middle, one an app bug made malformed
    store, _ = library(field, device(field, "buggy", field.pumper))
    start = datetime.now(UTC) - timedelta(days=2)
    for n in range(301):
        value: Any = "high" if n == 150 else 100.0 + n
        payload = {"tag": "LP", "value": value, "unit": "psi"}
        store.record("WELL_READING_RECORDED", field.wells[0], payload, start + timedelta(minutes=n))
    # WHEN it syncs
    report = cli(field, "buggy", "sync", "--json")
    # THEN only that one is rejected, naming the field
    assert report["counts"] == {"applied": 300, "rejected": 1}
    [bad] = cli(field, "buggy", "conflicts", "--all", "--json")
    assert (bad["device_seq"], bad["outcome"]) == (151, "rejected")
    assert bad["reason"].startswith("payload.value:")
    assert uuid.UUID(bad["id"])


def test_events_no_server_takes_are_kept_rejected_and_the_rest_of_the_shift_applies(field):
    # GIVEN a shift of good readings with, among them, data nested 500 deep (the server
    # refuses such a body whole), a NaN reading and one stamped in year 1 by a broken clock
    store, _ = library(field, device(field, "poison", field.pumper))
    start = datetime.now(UTC) - timedelta(days=1)
    deep: Any = {"level": 500}
    for _ in range(499):
        deep = {"a": deep}
    year_one = datetime.fromisoformat("0001-01-01T00:00:00+01:00")
    for n in range(40):
        payload = {"tag": "CP", "value": 50.0 + n, "unit": "psi"}
        if n == 10:
            store.record("TANK_STRAPPED", field.wells[1], deep, start + timedelta(minutes=n))
        elif n == 20:
            nan = {**payload, "value": float("nan")}
            store.record("WELL_READING_RECORDED", field.wells[1], nan, start + timedelta(minutes=n))
        elif n == 30:
            store.record("WELL_READING_RECORDED", field.wells[1], payload, year_one)
        else:
            store.record(
                "WELL_READING_RECORDED", field.wells[1], payload, start + timedelta(minutes=n)
            )
    # WHEN it syncs
    report = cli(field, "poison", "sync", "--json")
    # THEN every good reading applied and the three others are kept as rejected, with why
    assert (report["sent"], report["counts"]) == (40, {"applied": 37, "rejected": 3})
    bad = {e["device_seq"]: e for e in cli(field, "poison", "conflicts", "--all", "--json")}
    assert sorted(bad) == [11, 21, 31]
    assert "nested deeper than 32 levels" in bad[11]["reason"]
    assert bad[21]["reason"].startswith("payload.value:")
    assert bad[31]["reason"].startswith("occurred_at:")
    # AND the next sync has nothing left to send: no loop on a batch the server refuses
    again = cli(field, "poison", "sync", "--json")
    assert (again["sent"], again["pending"]) == (0, 0)
