"""The master `gateways` registry (migration master_0002_gateways) and its repository."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.registry.tables import metadata
from shared.adapters.sql.types import UUIDType, utc_timestamp
from shared.core.scada.ports import Gateway, GatewayStatus

gateways = sa.Table(
    "gateways",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("created_by", sa.String(320), nullable=False),
    sa.Column("revoked_at", utc_timestamp(), nullable=True),
    sa.Column("last_seen_at", utc_timestamp(), nullable=True),
)


def _gateway(row: sa.RowMapping) -> Gateway:
    return Gateway(
        id=str(row["id"]),
        tenant_id=str(row["tenant_id"]),
        name=row["name"],
        status=GatewayStatus(row["status"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
        revoked_at=row["revoked_at"],
        last_seen_at=row["last_seen_at"],
    )


class SqlGatewayRegistry:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, gateway: Gateway) -> None:
        self._c.execute(
            gateways.insert().values(
                id=gateway.id,
                tenant_id=gateway.tenant_id,
                name=gateway.name,
                status=gateway.status.value,
                created_at=gateway.created_at,
                created_by=gateway.created_by,
            )
        )

    def get(self, gateway_id: str) -> Gateway | None:
        row = self._c.execute(sa.select(gateways).where(gateways.c.id == gateway_id)).first()
        return _gateway(row._mapping) if row else None

    def list_for_tenant(self, tenant_id: str) -> list[Gateway]:
        query = (
            sa.select(gateways)
            .where(gateways.c.tenant_id == tenant_id)
            .order_by(gateways.c.created_at, gateways.c.id)
        )
        return [_gateway(row._mapping) for row in self._c.execute(query)]

    def revoke(self, gateway_id: str, at: datetime) -> None:
        self._c.execute(
            gateways.update()
            .where(gateways.c.id == gateway_id)
            .values(status=GatewayStatus.REVOKED.value, revoked_at=at)
        )

    def touch(self, gateway_ids: Collection[str], at: datetime) -> None:
        if not gateway_ids:
            return
        last = gateways.c.last_seen_at
        self._c.execute(
            gateways.update()
            .where(gateways.c.id.in_(sorted(gateway_ids)), sa.or_(last.is_(None), last < at))
            .values(last_seen_at=at)
        )
