"""Helpers for the SCADA/ingest tests: a site set up through the API, signed batches, counts."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from shared.bootstrap import Platform
from shared.core.ports.queue import OutgoingMessage
from shared.core.scada.model.contract import (
    Reading,
    ReadingBatchEnvelope,
    build_batch,
    micros,
    sign,
)
from tests.integration.api_support import create_well, unique
from tests.integration.conftest import TenantSession


@dataclass
class Site:
    """A gateway with one connection and tags on wells of one tenant, made through the API."""

    session: TenantSession
    tenant_id: str
    gateway_id: str
    secret: str
    connection_id: str
    wells: list[dict[str, Any]]
    tags: dict[str, int] = field(default_factory=dict)  # "<well index>:<tag name>" → tag id

    def tag(self, well: int, name: str) -> int:
        return self.tags[f"{well}:{name}"]

    @property
    def tag_ids(self) -> list[int]:
        return sorted(self.tags.values())


def register_gateway(session: TenantSession, name: str | None = None) -> dict[str, Any]:
    response = session.client.post(
        "/api/v1/gateways", json={"name": name or unique("Gateway")}, headers=session.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def create_connection(session: TenantSession, gateway_id: str, **values: Any) -> dict[str, Any]:
    body = {
        "gateway_id": gateway_id,
        "name": unique("RTU"),
        "endpoint_url": "opc.tcp://10.1.2.3:4840",
        **values,
    }
    response = session.client.post("/api/v1/scada/connections", json=body, headers=session.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def create_tag(
    session: TenantSession, connection_id: str, well_id: str, name: str, **values: Any
) -> dict[str, Any]:
    body = {"node_id": f"ns=2;s={unique(name)}", "well_id": well_id, "tag_name": name, **values}
    response = session.client.post(
        f"/api/v1/scada/connections/{connection_id}/tags", json=body, headers=session.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def build_site(
    session: TenantSession,
    wells: int = 1,
    tag_names: tuple[str, ...] = ("tubing_pressure", "casing_pressure"),
) -> Site:
    gateway = register_gateway(session)
    connection = create_connection(session, gateway["id"])
    made = [create_well(session) for _ in range(wells)]
    site = Site(
        session=session,
        tenant_id=session.created.tenant.id,
        gateway_id=gateway["id"],
        secret=gateway["credential"]["secret"],
        connection_id=connection["id"],
        wells=made,
    )
    for index, well in enumerate(made):
        for name in tag_names:
            site.tags[f"{index}:{name}"] = create_tag(session, connection["id"], well["id"], name)[
                "tag_id"
            ]
    return site


def readings_for(
    tag_ids: list[int], start: datetime, count: int, step_s: float = 1.0, value: float = 100.0
) -> list[Reading]:
    """`count` readings round-robin over `tag_ids`, one step apart per round."""
    rows = []
    for i in range(count):
        at = start + timedelta(seconds=step_s * (i // len(tag_ids)))
        server = micros(at) + 500
        rows.append(Reading(tag_ids[i % len(tag_ids)], micros(at), server, value + i, 0))
    return rows


def batch_message(
    site: Site,
    readings: list[Reading],
    *,
    batch_id: uuid.UUID | None = None,
    sequence: int = 0,
    tenant_id: str | None = None,
    gateway_id: str | None = None,
    secret: str | None = None,
) -> OutgoingMessage:
    batch_id = batch_id or uuid.uuid4()
    body = build_batch(
        tenant_id=uuid.UUID(tenant_id or site.tenant_id),
        gateway_id=uuid.UUID(gateway_id or site.gateway_id),
        batch_id=batch_id,
        sequence=sequence,
        readings=readings,
        secret=(secret or site.secret).encode(),
    )
    return OutgoingMessage(body=body, message_id=str(batch_id))


def signed_garbage(
    site: Site,
    batch_id: uuid.UUID | None = None,
    payload: str = base64.b64encode(b"not gzip at all").decode(),
    count: int = 3,
) -> OutgoingMessage:
    """A correctly signed envelope whose payload does not decode (or is `payload`)."""
    batch_id = batch_id or uuid.uuid4()
    unsigned = ReadingBatchEnvelope(
        tenant_id=uuid.UUID(site.tenant_id),
        gateway_id=uuid.UUID(site.gateway_id),
        batch_id=batch_id,
        sequence=1,
        created_at=datetime.now(UTC),
        count=count,
        payload=payload,
        signature="0" * 64,
    )
    signed = unsigned.model_copy(update={"signature": sign(unsigned, site.secret.encode())})
    return OutgoingMessage(signed.model_dump_json().encode(), str(batch_id))


def recent(minutes: int = 10) -> datetime:
    moment = datetime.now(UTC) - timedelta(minutes=minutes)
    return moment.replace(microsecond=0)


def tenant_engine(platform: Platform, slug: str) -> sa.Engine:
    return platform.tenant_databases.engines.engine_for(platform.tenants.get(slug))


def count_readings(platform: Platform, slug: str, tag_ids: list[int]) -> int:
    with tenant_engine(platform, slug).connect() as connection:
        query = sa.text("SELECT count(*) FROM scada_readings WHERE tag_id = ANY(:tags)")
        return int(connection.execute(query, {"tags": tag_ids}).scalar_one())


def batches_of(platform: Platform, slug: str, gateway_id: str) -> list[str]:
    with tenant_engine(platform, slug).connect() as connection:
        query = sa.text("SELECT batch_id FROM ingested_batches WHERE gateway_id = :g")
        return [str(row[0]) for row in connection.execute(query, {"g": gateway_id})]
