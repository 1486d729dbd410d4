"""Reading partitions created ahead of time (PostgreSQL; a no-op elsewhere).

The work happens in the SQL function `wellos_ensure_reading_partitions`, which
migration tenant_0003_scada installs with the table: it creates each missing
monthly partition, moves rows the DEFAULT partition caught for that month into
it, and attaches it. On a TimescaleDB hypertable the function does nothing
(chunks appear by themselves); MySQL and SQL Server keep a plain table.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from shared.adapters.sql.engines import TenantEngineCache
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.errors import IngestDatabaseError


def ensure_reading_partitions(
    connection: Connection, months_ahead: int = 2, months_behind: int = 1
) -> int:
    """Create the partitions of this month, `months_behind` before and `months_ahead` after."""
    if connection.dialect.name != "postgresql":
        return 0
    created = connection.execute(
        sa.text("SELECT wellos_ensure_reading_partitions(:ahead, :behind)"),
        {"ahead": months_ahead, "behind": months_behind},
    ).scalar_one()
    return int(created)


class SqlReadingMaintenance:
    def __init__(self, engines: TenantEngineCache) -> None:
        self._engines = engines

    def ensure_partitions(self, tenant: Tenant, months_ahead: int, months_behind: int) -> int:
        try:
            with self._engines.engine_for(tenant).begin() as connection:
                return ensure_reading_partitions(connection, months_ahead, months_behind)
        except SQLAlchemyError as exc:
            raise IngestDatabaseError(
                f"tenant {tenant.slug}: partition maintenance failed ({type(exc).__name__})"
            ) from exc
