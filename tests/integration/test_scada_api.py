"""Gateways, SCADA connections, tag mappings and the read API through HTTP (real PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from shared.adapters.memory.queue import InMemoryQueue
from shared.core.scada.model.contract import Reading, micros
from shared.core.scada.services.deliveries import INGEST_QUEUE
from tests.integration import api_support
from tests.integration.api_support import assign, create_well, invite, problem_field
from tests.integration.ingest_support import (
    batch_message,
    build_site,
    create_connection,
    create_tag,
    recent,
    register_gateway,
    tenant_engine,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian

CONNECTIONS = "/api/v1/scada/connections"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"


def config(session, gateway_id: str, authorization: str | None):
    headers = {"X-WellOS-Tenant": session.slug}
    if authorization is not None:
        headers["Authorization"] = authorization
    return session.client.get(f"/api/v1/gateways/{gateway_id}/config", headers=headers)


# Gateways and their config


def test_registering_a_gateway_returns_its_secret_once(mod_acme):
    # WHEN an admin registers a gateway
    response = mod_acme.client.post(
        "/api/v1/gateways", json={"name": "Pad 7 box"}, headers=mod_acme.headers
    )
    # THEN the answer carries the credential, not to be cached
    assert response.status_code == 201, response.text
    body = response.json()
    credential = body["credential"]
    assert credential["gateway_id"] == body["id"]
    assert len(credential["secret"]) == 64
    assert credential["authorization"] == f"Gateway {body['id']}:{credential['secret']}"
    assert response.headers["cache-control"] == "no-store"
    assert body["status"] == "ACTIVE" and body["last_seen_at"] is None
    # AND no later answer shows the secret again
    one = mod_acme.client.get(f"/api/v1/gateways/{body['id']}", headers=mod_acme.headers)
    every = mod_acme.client.get("/api/v1/gateways", headers=mod_acme.headers)
    assert one.status_code == every.status_code == 200
    assert credential["secret"] not in one.text + every.text
    assert body["id"] in {g["id"] for g in every.json()}


def test_the_gateway_config_needs_the_gateways_own_credential(mod_acme, mod_permian):
    # GIVEN a gateway with a password-protected connection and a tag, and a second gateway
    site = build_site(mod_acme)
    other = register_gateway(mod_acme)
    mod_acme.client.patch(
        f"{CONNECTIONS}/{site.connection_id}",
        json={"username": "opc", "password": "s3cret-pw"},
        headers=mod_acme.headers,
    )
    good = f"Gateway {site.gateway_id}:{site.secret}"
    # WHEN the gateway asks with its credential
    response = config(mod_acme, site.gateway_id, good)
    # THEN it gets its connections, tags and the password in plain
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["gateway_id"] == site.gateway_id and body["tenant_id"] == site.tenant_id
    (connection,) = body["connections"]
    assert connection["password"] == "s3cret-pw" and connection["username"] == "opc"
    assert sorted(t["tag_id"] for t in connection["tags"]) == site.tag_ids
    assert response.headers["cache-control"] == "no-store"
    # AND wrong, missing, borrowed and user credentials are refused
    wrong = config(mod_acme, site.gateway_id, f"Gateway {site.gateway_id}:{'0' * 64}")
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Gateway"
    assert config(mod_acme, site.gateway_id, None).status_code == 401
    borrowed = f"Gateway {other['id']}:{other['credential']['secret']}"
    assert config(mod_acme, site.gateway_id, borrowed).status_code == 401
    bearer = mod_acme.headers["Authorization"]
    assert config(mod_acme, site.gateway_id, bearer).status_code == 401
    # AND the right credential through another tenant is forbidden
    assert config(mod_permian, site.gateway_id, good).status_code == 403
    # AND the gateway was seen
    seen = mod_acme.client.get(f"/api/v1/gateways/{site.gateway_id}", headers=mod_acme.headers)
    assert seen.json()["last_seen_at"] is not None


def test_a_revoked_gateway_gets_no_config(mod_acme):
    gateway = register_gateway(mod_acme)
    authorization = gateway["credential"]["authorization"]
    assert config(mod_acme, gateway["id"], authorization).status_code == 200
    # WHEN an admin revokes it (twice: the second is a no-op)
    for _ in range(2):
        response = mod_acme.client.delete(
            f"/api/v1/gateways/{gateway['id']}", headers=mod_acme.headers
        )
        assert response.status_code == 204
    # THEN its credential no longer works and it shows as revoked
    assert config(mod_acme, gateway["id"], authorization).status_code == 401
    shown = mod_acme.client.get(f"/api/v1/gateways/{gateway['id']}", headers=mod_acme.headers)
    assert shown.json()["status"] == "REVOKED" and shown.json()["revoked_at"]


def test_the_config_revision_grows_with_every_change(mod_acme):
    site = build_site(mod_acme, tag_names=("flow_rate",))
    authorization = f"Gateway {site.gateway_id}:{site.secret}"
    before = config(mod_acme, site.gateway_id, authorization).json()["revision"]
    url = f"{CONNECTIONS}/{site.connection_id}/tags/{site.tag_ids[0]}"
    mod_acme.client.patch(url, json={"unit": "bbl/d"}, headers=mod_acme.headers)
    after_patch = config(mod_acme, site.gateway_id, authorization).json()
    mod_acme.client.delete(url, headers=mod_acme.headers)
    after_delete = config(mod_acme, site.gateway_id, authorization).json()
    assert before < after_patch["revision"] < after_delete["revision"]
    assert after_patch["connections"][0]["tags"][0]["unit"] == "bbl/d"
    assert after_delete["connections"][0]["tags"] == []


def test_a_connection_carries_its_backfill_settings_to_the_gateway(mod_acme):
    # GIVEN a site whose connection has no backfill settings (the gateway's defaults)
    site = build_site(mod_acme, tag_names=("flow_rate",))
    authorization = f"Gateway {site.gateway_id}:{site.secret}"
    first = config(mod_acme, site.gateway_id, authorization).json()["connections"][0]
    assert (first["backfill"], first["backfill_max_s"]) == (None, None)
    # WHEN an admin turns backfill off... and then on with a 10-minute cap
    url = f"{CONNECTIONS}/{site.connection_id}"
    off = mod_acme.client.patch(url, json={"backfill": False}, headers=mod_acme.headers)
    assert off.status_code == 200, off.text
    assert (
        config(mod_acme, site.gateway_id, authorization).json()["connections"][0]["backfill"]
        is False
    )
    capped = {"backfill": True, "backfill_max_s": 600}
    on = mod_acme.client.patch(url, json=capped, headers=mod_acme.headers)
    # THEN the connection and the gateway's config say so
    assert (on.json()["backfill"], on.json()["backfill_max_s"]) == (True, 600)
    last = config(mod_acme, site.gateway_id, authorization).json()["connections"][0]
    assert (last["backfill"], last["backfill_max_s"]) == (True, 600)


# Connections


def test_a_connection_password_lives_in_the_secret_store_only(mod_acme, mod_platform):
    gateway = register_gateway(mod_acme)
    # WHEN a connection with a password and a client certificate is created
    created = create_connection(
        mod_acme,
        gateway["id"],
        username="opc",
        password="pa55-word!",
        security_mode="SignAndEncrypt",
        security_policy="Basic256Sha256",
        client_certificate_pem=PEM,
        client_private_key_pem=KEY,
    )
    # THEN the answer says it has them without showing them
    assert created["has_password"] and created["has_client_private_key"]
    assert "pa55-word!" not in str(created) and "PRIVATE KEY" not in str(created)
    # AND the secret store holds them while no column does
    with tenant_engine(mod_platform, "acme").connect() as connection:
        row = (
            connection.execute(
                sa.text("SELECT * FROM scada_connections WHERE id = :id"), {"id": created["id"]}
            )
            .one()
            ._mapping
        )
    assert "pa55-word!" not in str(dict(row)) and "PRIVATE KEY" not in str(dict(row))
    assert mod_platform.secrets.get(row["password_secret_ref"]) == "pa55-word!"
    # AND clearing the password removes it from the store
    url = f"{CONNECTIONS}/{created['id']}"
    cleared = mod_acme.client.patch(
        url, json={"username": None, "password": None}, headers=mod_acme.headers
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["has_password"] is False
    with pytest.raises(Exception, match="not found"):
        mod_platform.secrets.get(row["password_secret_ref"])


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"endpoint_url": "http://10.0.0.1"}, "endpoint_url"),
        ({"security_mode": "Sign", "security_policy": "None"}, "security_policy"),
        ({"security_mode": "Sign", "security_policy": "Basic256Sha256"}, "client_certificate_pem"),
        ({"username": "opc"}, "password"),
        ({"publishing_interval_ms": 5}, "publishing_interval_ms"),
        ({"backfill_max_s": 0}, "backfill_max_s"),
        ({"backfill": "sometimes"}, "backfill"),
        ({"gateway_id": str(uuid.uuid4())}, "gateway_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_connections_are_422_naming_the_field(mod_acme, values, field):
    gateway = register_gateway(mod_acme)
    body = {"gateway_id": gateway["id"], "name": "RTU", "endpoint_url": "opc.tcp://h:4840"}
    response = mod_acme.client.post(CONNECTIONS, json={**body, **values}, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert problem_field(response) == field


def test_connections_list_get_patch_delete(mod_acme):
    gateway = register_gateway(mod_acme)
    first = create_connection(mod_acme, gateway["id"], name=f"RTU A {uuid.uuid4().hex[:4]}")
    second = create_connection(mod_acme, gateway["id"])
    listed = mod_acme.client.get(
        CONNECTIONS, params={"gateway_id": gateway["id"]}, headers=mod_acme.headers
    )
    assert {c["id"] for c in listed.json()["items"]} == {first["id"], second["id"]}
    duplicate = mod_acme.client.patch(
        f"{CONNECTIONS}/{second['id']}", json={"name": first["name"]}, headers=mod_acme.headers
    )
    assert duplicate.status_code == 409
    patched = mod_acme.client.patch(
        f"{CONNECTIONS}/{second['id']}", json={"acquisition": "polling"}, headers=mod_acme.headers
    )
    assert patched.json()["acquisition"] == "polling"
    assert patched.json()["revision"] > second["revision"]
    assert mod_acme.client.delete(f"{CONNECTIONS}/{first['id']}", headers=mod_acme.headers)
    gone = mod_acme.client.get(f"{CONNECTIONS}/{first['id']}", headers=mod_acme.headers)
    assert gone.status_code == 404


def test_only_admins_change_scada_config_and_managers_read_it(mod_acme):
    gateway = register_gateway(mod_acme)
    manager, operator = invite(mod_acme, "MANAGER"), invite(mod_acme, "FIELD_OPERATOR")
    body = {"gateway_id": gateway["id"], "name": "RTU M", "endpoint_url": "opc.tcp://h:1"}
    assert mod_acme.client.get(CONNECTIONS, headers=manager["headers"]).status_code == 200
    assert (
        mod_acme.client.post(CONNECTIONS, json=body, headers=manager["headers"]).status_code == 403
    )
    assert mod_acme.client.get(CONNECTIONS, headers=operator["headers"]).status_code == 403
    register = mod_acme.client.post(
        "/api/v1/gateways", json={"name": "x"}, headers=manager["headers"]
    )
    assert register.status_code == 403


# Tag mappings


def test_tags_get_numeric_ids_and_their_rules(mod_acme):
    site = build_site(mod_acme, tag_names=("tubing_pressure",))
    url = f"{CONNECTIONS}/{site.connection_id}/tags"
    well = site.wells[0]["id"]
    tag = mod_acme.client.get(f"{url}/{site.tag_ids[0]}", headers=mod_acme.headers).json()
    assert isinstance(tag["tag_id"], int) and tag["well_id"] == well
    cases = [
        ({"node_id": tag["node_id"], "tag_name": "other"}, 409, "node_id"),
        ({"node_id": "ns=2;s=x1", "tag_name": "tubing_pressure"}, 409, "tag_name"),
        ({"node_id": "ns=2;s=x2", "tag_name": "9bad"}, 422, "tag_name"),
        ({"node_id": "ns=2;s=x3", "tag_name": "a", "well_id": str(uuid.uuid4())}, 422, "well_id"),
        (
            {"node_id": "ns=2;s=x4", "tag_name": "b", "deadband_type": "percent",
             "deadband_value": 150},
            422,
            "deadband_value",
        ),
    ]  # fmt: skip
    for values, status, field in cases:
        response = mod_acme.client.post(
            url, json={"well_id": well, **values}, headers=mod_acme.headers
        )
        assert response.status_code == status, (values, response.text)
        assert problem_field(response) == field
    created = create_tag(mod_acme, site.connection_id, well, "motor_amps", unit="A")
    assert created["tag_id"] > site.tag_ids[0]
    listed = mod_acme.client.get(url, headers=mod_acme.headers).json()
    assert [t["tag_name"] for t in listed["items"]] == ["tubing_pressure", "motor_amps"]


# Reading API


@pytest.fixture(scope="module")
def loaded(mod_platform, mod_acme):
    """A well with two tags and 10 minutes of 1 s readings (600 per tag)."""
    site = build_site(mod_acme, tag_names=("tubing_pressure", "casing_pressure"))
    start = recent(30)
    start = start.replace(minute=start.minute - start.minute % 5, second=0)  # on a 5 min bucket
    tp, cp = site.tag(0, "tubing_pressure"), site.tag(0, "casing_pressure")
    rows = [
        Reading(tag, micros(start + timedelta(seconds=s)), None, float(s + offset), 0)
        for s in range(600)
        for tag, offset in ((tp, 0), (cp, 1000))
    ]
    queue = InMemoryQueue()
    queue.send(INGEST_QUEUE, [batch_message(site, rows[:700]), batch_message(site, rows[700:])])
    report = mod_platform.scada.drain.drain(queue, INGEST_QUEUE)
    assert report.readings_written == 1200
    return {"site": site, "start": start, "well": site.wells[0]["id"]}


def readings(session, loaded, headers=None, suffix="", **params):
    return session.client.get(
        f"/api/v1/wells/{loaded['well']}/readings{suffix}",
        params=params,
        headers=headers or session.headers,
    )


def test_raw_readings_come_in_pages(mod_acme, loaded):
    start = loaded["start"]
    window = {"from": start.isoformat(), "to": (start + timedelta(minutes=10)).isoformat()}
    first = readings(mod_acme, loaded, tag="tubing_pressure", limit=250, **window)
    assert first.status_code == 200, first.text
    body = first.json()
    assert len(body["items"]) == 250 and body["next_offset"] == 250
    assert body["items"][0]["value"] == 0.0 and body["items"][0]["tag"] == "tubing_pressure"
    last = readings(mod_acme, loaded, tag="tubing_pressure", limit=250, offset=500, **window)
    assert len(last.json()["items"]) == 100 and last.json()["next_offset"] is None
    both = readings(mod_acme, loaded, limit=10_000, **window).json()["items"]
    assert len(both) == 1200


def test_bucketed_readings_have_min_max_avg_last(mod_acme, loaded):
    start = loaded["start"]
    window = {"from": start.isoformat(), "to": (start + timedelta(minutes=10)).isoformat()}
    response = readings(mod_acme, loaded, tag="tubing_pressure", bucket="5m", **window)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["count"], i["min"], i["max"], i["avg"], i["last"]) for i in items] == [
        (300, 0.0, 299.0, 149.5, 299.0),
        (300, 300.0, 599.0, 449.5, 599.0),
    ]
    assert items[0]["bucket_start"].startswith(start.strftime("%Y-%m-%dT%H:%M"))


def test_a_garbage_value_is_kept_but_left_out_of_the_average(mod_platform, mod_acme):
    # GIVEN a tag whose RTU once sent 1e300 (stored as it came)
    site = build_site(mod_acme, tag_names=("vibration",))
    start = recent(20).replace(second=0, microsecond=0)
    values = [1.0, 2.0, 1e300, 3.0]
    rows = [
        Reading(site.tag(0, "vibration"), micros(start + timedelta(seconds=i)), None, v, 0)
        for i, v in enumerate(values)
    ]
    queue = InMemoryQueue()
    queue.send(INGEST_QUEUE, [batch_message(site, rows)])
    assert mod_platform.scada.drain.drain(queue, INGEST_QUEUE).readings_written == 4
    # WHEN its readings are asked for in 1-minute buckets
    loaded = {"well": site.wells[0]["id"]}
    window = {"from": start.isoformat(), "to": (start + timedelta(minutes=1)).isoformat()}
    response = readings(mod_acme, loaded, tag="vibration", bucket="1m", **window)
    # THEN the bucket answers (no overflow): the value counts and is the max, not in the average
    assert response.status_code == 200, response.text
    [bucket] = response.json()["items"]
    assert (bucket["count"], bucket["max"], bucket["avg"]) == (4, 1e300, 2.0)


def test_latest_reading_per_tag(mod_acme, loaded):
    response = readings(mod_acme, loaded, suffix="/latest")
    assert response.status_code == 200, response.text
    latest = {i["tag"]: i["value"] for i in response.json()["items"]}
    assert latest == {"casing_pressure": 1599.0, "tubing_pressure": 599.0}


def test_reading_requests_are_checked(mod_acme, loaded):
    start = loaded["start"].isoformat()
    assert problem_field(readings(mod_acme, loaded, bucket="7m")) == "bucket"
    assert problem_field(readings(mod_acme, loaded, **{"from": start, "to": start})) == "from"
    assert problem_field(readings(mod_acme, loaded, tag="no_such_tag")) == "tag"
    too_many = readings(mod_acme, loaded, bucket="1m", **{"from": "2020-01-01T00:00:00Z"})
    assert problem_field(too_many) == "bucket"


def test_field_operators_read_only_their_wells(mod_acme, loaded):
    operator = invite(mod_acme, "FIELD_OPERATOR")
    assert readings(mod_acme, loaded, headers=operator["headers"]).status_code == 404
    assign(mod_acme, loaded["well"], operator["id"])
    assert readings(mod_acme, loaded, headers=operator["headers"]).status_code == 200
    latest = readings(mod_acme, loaded, headers=operator["headers"], suffix="/latest")
    assert latest.status_code == 200
    other = create_well(mod_acme)
    response = mod_acme.client.get(
        f"/api/v1/wells/{other['id']}/readings/latest", headers=operator["headers"]
    )
    assert response.status_code == 404
