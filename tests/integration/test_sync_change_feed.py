"""The change log on PostgreSQL under concurrent commits: nothing is skipped, ever."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.migrate import upgrade
from shared.adapters.sql.sync.change_log import SqlChangeLog
from shared.core.common.change_feed import ChangeEntry, ChangePosition

NOW = datetime(2025, 3, 4, tzinfo=UTC)


@pytest.fixture
def engine(fresh_pg_database: str) -> Iterator[sa.Engine]:
    built = create_engine(fresh_pg_database, PoolSettings(pool_size=4))
    upgrade(built, "tenant")
    yield built
    built.dispose()


def _entry(name: str) -> ChangeEntry:
    return ChangeEntry(NOW, str(uuid.uuid4()), "note", name, "note.added", "user-1")


def _read(
    engine: sa.Engine, after: ChangePosition | None, expect: int = 0
) -> tuple[list[str], ChangePosition | None]:
    """Read what is settled after `after`, waiting until `expect` rows came: the fence is
    cluster-wide, so other sessions on the test server (suites creating databases) may
    hold rows back for a moment (never reorder them)."""
    seen: list[str] = []
    for _ in range(300):
        with engine.connect() as connection:
            read = SqlChangeLog(connection).read(after, None, None, 100, NOW)
        seen += [item.entity_id for item in read.items]
        after = read.last or after
        if len(seen) >= expect:
            break
        time.sleep(0.05)
    return seen, after


def _seq(engine: sa.Engine, name: str) -> int:
    with engine.connect() as connection:
        query = sa.select(t.change_log.c.seq).where(t.change_log.c.entity_id == name)
        return int(connection.execute(query).scalar_one())


def test_a_row_committed_after_a_later_sequence_number_is_still_delivered(engine):
    # GIVEN an older transaction (it took its xid first) and a newer one
    old, new = engine.connect(), engine.connect()
    old.begin()
    old.execute(sa.text("SELECT pg_current_xact_id()"))
    new.begin()
    # WHEN the newer one appends first (lower seq) but the older one commits first
    SqlChangeLog(new).append(_entry("from-new"))
    SqlChangeLog(old).append(_entry("from-old"))
    old.commit()
    seen_first, cursor = _read(engine, None, expect=1)
    new.commit()
    seen_then, _ = _read(engine, cursor, expect=1)
    old.close()
    new.close()
    # THEN the reader got the early commit first and the other one next, none skipped,
    # although `seq > cursor` would have skipped the lower sequence number for good
    assert _seq(engine, "from-new") < _seq(engine, "from-old")
    assert (seen_first, seen_then) == (["from-old"], ["from-new"])


def test_an_open_transaction_holds_later_commits_back_until_it_ends(engine):
    # GIVEN a transaction that appended and is still open
    slow = engine.connect()
    slow.begin()
    SqlChangeLog(slow).append(_entry("slow"))
    # WHEN another one appends and commits, and a device reads
    with engine.begin() as fast:
        SqlChangeLog(fast).append(_entry("fast"))
    held, cursor = _read(engine, None)
    slow.commit()
    slow.close()
    released, _ = _read(engine, cursor, expect=2)
    # THEN nothing is handed out past the open transaction; afterwards both, in order
    assert held == []
    assert released == ["slow", "fast"]


def test_pages_resume_exactly_after_the_cursor(engine):
    # GIVEN 25 committed changes
    with engine.begin() as connection:
        for number in range(25):
            SqlChangeLog(connection).append(_entry(f"n{number:02d}"))
    assert len(_read(engine, None, expect=25)[0]) == 25  # all settled
    # WHEN read 10 at a time
    seen: list[str] = []
    cursor = None
    with engine.connect() as connection:
        log = SqlChangeLog(connection)
        while True:
            page = log.read(cursor, None, None, 10, NOW)
            seen += [item.entity_id for item in page.items]
            cursor = page.last or cursor
            if not page.has_more:
                break
        head = log.head(NOW)
    # THEN every change comes once, in order, and the head is the last one
    assert seen == [f"n{number:02d}" for number in range(25)]
    assert head == cursor
