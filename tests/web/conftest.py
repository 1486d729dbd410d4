"""Fixtures of the office app's tests: the seeded host and what the browser walk needs."""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.host import Host, missing_for_browser, seeded_host

TENANT = "acme"


@pytest.fixture(scope="session")
def browser_ready() -> None:
    reason = missing_for_browser()
    if reason:
        pytest.skip(f"office app browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def host(
    browser_ready: None, pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Host]:
    with seeded_host(pg_server_url, tmp_path_factory.mktemp("web-host")) as started:
        yield started


class Api:
    """The API of the host as one tenant's admin (for arranging what the walk needs)."""

    def __init__(self, host: Host, slug: str) -> None:
        tenant = host.tenants[slug]
        self.client = httpx.Client(base_url=host.api, timeout=30)
        self.slug = slug
        self.headers = {
            "X-WellOS-Tenant": slug,
            "Authorization": f"Bearer {tenant['access_token']}",
        }

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, headers=self.headers, **kwargs)
        assert response.status_code < 300, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        return response.json() if response.content else None


def arrange_conflict(api: Api) -> str:
    """Two devices inspect the same pump on the same day with different results: a conflict."""
    wells = api.call("GET", "/api/v1/wells", params={"status": "PRODUCING", "limit": 5})["items"]
    well = wells[-1]
    pump = api.call("GET", "/api/v1/equipment", params={"well_id": well["id"]})["items"][0]
    email = f"pumper-{uuid.uuid4().hex[:6]}@{api.slug}.test"
    body = {"email": email, "full_name": "Pat Pumper", "role": "FIELD_OPERATOR"}
    user = api.call("POST", "/api/v1/users", json=body)
    api.call("PUT", f"/api/v1/wells/{well['id']}/assignments/{user['id']}")
    login = api.client.post(
        "/api/v1/auth/login",
        json={
            "email": email,
            "password": user["one_time_password"],
            "new_password": f"{user['one_time_password']}-Renewed!",
        },
        headers={"X-WellOS-Tenant": api.slug},
    ).json()
    operator = {"X-WellOS-Tenant": api.slug, "Authorization": f"Bearer {login['access_token']}"}
    at = datetime.now(UTC) - timedelta(hours=3)
    for seq, (device, passed) in enumerate((("tablet-a", True), ("tablet-b", False))):
        event = {
            "id": str(uuid.uuid4()),
            "device_seq": seq,
            "type": "EQUIPMENT_INSPECTED",
            "well_id": well["id"],
            "equipment_id": pump["id"],
            "occurred_at": (at + timedelta(minutes=seq)).isoformat(),
            "payload": {
                "checklist": [{"item": "belts", "ok": passed}],
                "passed": passed,
                "notes": "belts worn" if not passed else "all good",
            },
        }
        answer = api.client.post(
            "/api/v1/sync",
            json={
                "device": {"id": device, "platform": "android", "app_version": "1.0"},
                "events": [event],
            },
            headers=operator,
        )
        assert answer.status_code == 200, answer.text
    return str(well["name"])


def arrange_links(api: Api) -> dict[str, str]:
    """An invitation and a password reset, queued early so the demo's mail timer (every
    minute, printed to the host's log) has sent both by the time the walk opens them."""
    suffix = uuid.uuid4().hex[:6]
    invitee = f"iris-{suffix}@{api.slug}.test"
    body = {"email": invitee, "full_name": "Iris Newcomer", "role": "VIEWER"}
    api.call("POST", "/api/v1/invitations", json=body)
    forgetful = f"fred-{suffix}@{api.slug}.test"
    body = {"email": forgetful, "full_name": "Fred Forgetful", "role": "VIEWER"}
    user = api.call("POST", "/api/v1/users", json=body)
    tenant = {"X-WellOS-Tenant": api.slug}
    first = {
        "email": forgetful,
        "password": user["one_time_password"],
        "new_password": f"{user['one_time_password']}-Renewed!",
    }
    login = api.client.post("/api/v1/auth/login", json=first, headers=tenant)
    assert login.status_code == 200, login.text
    forgot = api.client.post(
        "/api/v1/auth/password/forgot", json={"email": forgetful}, headers=tenant
    )
    assert forgot.status_code == 202, forgot.text
    return {"invitee": invitee, "forgetful": forgetful}


def import_file(api: Api, folder: Path) -> Path:
    """A production CSV for two wells (one row with a bad volume), in the operators' own headers."""
    wells = api.call("GET", "/api/v1/wells", params={"status": "PRODUCING", "limit": 2})["items"]
    day = (datetime.now(UTC) - timedelta(days=900)).date()  # before the seeded history
    lines = ["API Number,Date,Oil (bbl),Gas (mcf),Water m3,Hours"]
    for offset in range(3):
        when = (day + timedelta(days=offset)).isoformat()
        lines += [f"{w['api_number']},{when},{50 + offset},{120 + offset},2,24" for w in wells]
    lines.append(f"{wells[0]['api_number']},{day.isoformat()},-5,10,1,24")
    path = folder / "november-production.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _mysql_url() -> str | None:
    explicit = os.environ.get("WELLOS_TEST_MYSQL_URL")
    if explicit:
        return explicit
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 3306), timeout=0.5):
        return "mysql+pymysql://root@127.0.0.1:3306/mysql"
    return None


@pytest.fixture(scope="session")
def etl_source(host: Host) -> Iterator[bool]:
    """An operator's MariaDB database configured as the tenant's ETL source (when one answers)."""
    server = _mysql_url()
    if server is None:
        yield False
        return
    from tests.integration.etl_support import mysql_source, operator_config, seed_operator

    with mysql_source(server) as source:
        seed_operator(source, days=5)
        Api(host, TENANT).call("PUT", "/api/v1/etl/config", json=operator_config(source.url))
        yield True
