"""Typed readings on a MariaDB tenant (tier 2): the portable writer keeps types and stores a
backfill once, and the read queries give them back. GIVEN / WHEN / THEN."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.migrate import upgrade
from shared.adapters.sql.scada.readings import SqlReadingRepository
from shared.adapters.sql.scada.readings_copy import PortableReadingWriter
from shared.adapters.sql.urls import normalize_url
from shared.core.scada.model.columns import ReadingColumns
from shared.core.scada.model.contract import micros
from shared.core.scada.ports import ReadingQuery

pytestmark = pytest.mark.mysql

START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture
def engine(mysql_server_url: str) -> Iterator[sa.Engine]:
    name = f"wt_typed_{uuid.uuid4().hex[:8]}"
    server = normalize_url(mysql_server_url)
    admin = sa.create_engine(server, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    tenant = sa.create_engine(server.set(database=name), poolclass=NullPool)
    upgrade(tenant, "tenant")
    yield tenant
    tenant.dispose()
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


def columns(seconds: list[int], kinds: list[int], values: list[float], texts: list[str | None],
            historical: bool) -> ReadingColumns:  # fmt: skip
    size = len(seconds)
    return ReadingColumns(
        tag_id=np.full(size, 5, dtype=np.int32),
        ts_us=np.array([micros(START + timedelta(seconds=s)) for s in seconds], dtype=np.int64),
        server_ts_us=np.zeros(size, dtype=np.int64),
        server_ts_missing=np.ones(size, dtype=np.bool_),
        value=np.array(values, dtype=np.float64),
        status=np.zeros(size, dtype=np.int32),
        value_type=np.array(kinds, dtype=np.int16),
        historical=np.full(size, historical),
        text=None if all(t is None for t in texts) else np.array(texts, dtype=object),
    )


def test_typed_readings_and_a_backfill_on_mariadb(engine: sa.Engine) -> None:
    # GIVEN live readings: an Int64 beyond 2^53, a String, a Boolean
    live = columns([0, 1, 2], [8, 12, 1], [float(2**62), np.nan, 1.0],
                   [str(2**62 + 1), "stopped", None], historical=False)  # fmt: skip
    # AND a backfill of seconds 1..4 that repeats second 3
    backfill = columns([1, 2, 3, 4, 3], [11] * 5, [1.5, 2.5, 3.5, 4.5, 3.5], [None] * 5,
                       historical=True)  # fmt: skip
    # WHEN both are written
    with engine.begin() as connection:
        writer = PortableReadingWriter(connection)
        assert writer.write([live]) == 3
        assert writer.write([backfill]) == 2
    # THEN the read query gives back five readings, typed, the backfill only where missing
    with engine.connect() as connection:
        query = ReadingQuery([5], START, START + timedelta(minutes=1), 100, 0)
        rows = SqlReadingRepository(connection).raw(query)
    got = [(r.value_type, r.value, r.value_text, bool(r.historical)) for r in rows]
    assert got == [
        (8, float(2**62), str(2**62 + 1), False),
        (12, None, "stopped", False),
        (1, 1.0, None, False),
        (11, 3.5, None, True),
        (11, 4.5, None, True),
    ]
