"""Column types that mean the same on PostgreSQL, MySQL/MariaDB and SQL Server."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

UUIDType = sa.Uuid(as_uuid=False)
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def utc_timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def quantity() -> sa.Double[float]:
    """A measured quantity (volume, pressure, rate): double precision everywhere."""
    return sa.Double()
