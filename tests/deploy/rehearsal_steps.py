"""Steps both cloud rehearsals take through the API: a gateway with a tag, a signed batch."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol


class ApiCaller(Protocol):
    def ok(
        self, method: str, path: str, body: Any = None, status: int = 200,
        content_type: str = "application/json",
    ) -> Any: ...  # fmt: skip


def gateway_with_tag(
    api: ApiCaller, name: str, well_id: str, node_id: str, tag_name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A gateway registered through the API, with one RTU connection and a tag on the well."""
    gateway = api.ok("POST", "/api/v1/gateways", {"name": name}, 201)
    connection = api.ok(
        "POST", "/api/v1/scada/connections",
        {"gateway_id": gateway["id"], "name": "RTU 1", "endpoint_url": "opc.tcp://10.1.2.3:4840"},
        201,
    )  # fmt: skip
    tag = api.ok(
        "POST", f"/api/v1/scada/connections/{connection['id']}/tags",
        {"node_id": node_id, "well_id": well_id, "tag_name": tag_name}, 201,
    )  # fmt: skip
    return gateway, tag


def signed_batch(
    tenant_id: str, gateway: dict[str, Any], tag_id: int, count: int, first_value: float
) -> tuple[uuid.UUID, bytes]:
    """`count` readings a second, ten minutes ago, signed with the gateway's secret."""
    from shared.core.scada.model.contract import Reading, build_batch, micros

    start = (datetime.now(UTC) - timedelta(minutes=10)).replace(microsecond=0)
    readings = [
        Reading(tag_id, micros(start + timedelta(seconds=i)),
                micros(start + timedelta(seconds=i)) + 500, first_value + i, 0)
        for i in range(count)
    ]  # fmt: skip
    batch_id = uuid.uuid4()
    body = build_batch(
        tenant_id=uuid.UUID(tenant_id), gateway_id=uuid.UUID(gateway["id"]),
        batch_id=batch_id, sequence=0, readings=readings,
        secret=gateway["credential"]["secret"].encode(),
    )  # fmt: skip
    return batch_id, body
