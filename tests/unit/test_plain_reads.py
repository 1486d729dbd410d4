"""Which statements may run before pg8000's BEGIN (as their own implicit transaction).

Anything that writes, locks, takes a transaction id or calls a function of ours must wait
for the BEGIN, or its effect would outlive (or escape) the unit of work's transaction.
"""

from __future__ import annotations

import pytest

from shared.adapters.sql.drivers import plain_read


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT wells.id, wells.name, count(*) OVER () AS total FROM wells LIMIT $1",
        "  select txid, seq from change_log where txid > $1",  # a column, not the function
        "SELECT CAST(json_agg(json_build_array(r.a)) AS TEXT) FROM (SELECT 1 AS a) AS r",
    ],
)
def test_reads_that_change_nothing_run_without_a_transaction(statement):
    assert plain_read(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT id FROM etl_configs WHERE tenant_id = $1 FOR UPDATE",
        "SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
        "SELECT id FROM sync_events FOR KEY SHARE",
        "SELECT id FROM t FOR NO KEY UPDATE",
        "SELECT pg_advisory_xact_lock(hashtext('wellos_reading_backfill'))",
        "SELECT CAST(CAST(pg_current_xact_id() AS TEXT) AS BIGINT)",
        "SELECT pg_snapshot_xmin(pg_current_snapshot())",
        "SELECT wellos_ensure_reading_partitions($1, $2)",
        "SELECT nextval('s')",
        "SELECT set_config('app.x', '1', true)",
        "SELECT * INTO copy_of_wells FROM wells",
        "WITH moved AS (DELETE FROM t RETURNING *) SELECT * FROM moved",
        "INSERT INTO t VALUES ($1)",
        "COPY scada_readings FROM STDIN (FORMAT BINARY)",
        "SAVEPOINT sa_savepoint_1",
    ],
)
def test_statements_that_write_or_lock_wait_for_the_begin(statement):
    assert not plain_read(statement)
