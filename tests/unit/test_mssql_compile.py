"""The tenant schema and the main queries compile for SQL Server (no driver needed)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql
from sqlalchemy.schema import CreateIndex, CreateTable

from shared.adapters.sql import tenant_tables
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.etl import tables as etl_tables
from shared.adapters.sql.etl.source import SqlSourceSession
from shared.adapters.sql.scada import tables as scada_tables
from shared.adapters.sql.sync import tables as sync_tables

DIALECT = mssql.dialect()
_ = (etl_tables, scada_tables, sync_tables)  # register their tables in the tenant metadata


def compiled(statement: sa.ClauseElement) -> str:
    return str(statement.compile(dialect=DIALECT))


@pytest.mark.parametrize("table", list(tenant_tables.metadata.sorted_tables), ids=lambda t: t.name)
def test_every_tenant_table_compiles_to_sql_server_ddl(table):
    ddl = compiled(CreateTable(table))
    assert ddl.startswith(f"\nCREATE TABLE {DIALECT.identifier_preparer.format_table(table)}")
    for index in table.indexes:
        assert compiled(CreateIndex(index)).startswith("CREATE")


def test_types_map_to_sql_server_types():
    ddl = compiled(CreateTable(t.production_daily)) + compiled(CreateTable(t.audit_log))
    assert "UNIQUEIDENTIFIER" in ddl and "DATETIMEOFFSET" in ddl and "NVARCHAR(max)" in ddl


def test_the_main_queries_compile_with_pagination_and_bound_values():
    wells = (
        sa.select(t.wells)
        .where(t.wells.c.deleted_at.is_(None), t.wells.c.name.contains("smith", autoescape=True))
        .order_by(t.wells.c.name, t.wells.c.id)
        .limit(50)
        .offset(100)
    )
    text = compiled(wells)
    assert ("OFFSET" in text or "mssql_rn" in text) and "smith" not in text
    day = sa.select(t.production_daily).where(
        t.production_daily.c.well_id == "w",
        t.production_daily.c.production_date >= date(2024, 1, 1),
    )
    assert "2024" not in compiled(day)
    delete = t.production_daily.delete().where(t.production_daily.c.well_id == "w")
    assert compiled(delete).startswith("DELETE FROM production_daily")
    count = (
        sa.select(sa.func.count()).select_from(t.audit_log).where(t.audit_log.c.entity == "well")
    )
    assert "count(*)" in compiled(count)


def test_keyset_extraction_expands_row_values_for_sql_server():
    # GIVEN a source table with awkward names, read after (cursor, key) on SQL Server
    table = sa.table("prod data [2024]", sa.column("Modified"), sa.column("select"), schema="dbo")
    order = [table.c.Modified, table.c["select"]]

    class FakeConnection:
        dialect = DIALECT

    session = SqlSourceSession.__new__(SqlSourceSession)
    session._c = FakeConnection()
    after = session._after(order, ("2024-01-01", 7))
    query = sa.select(*order).where(after).order_by(*order).limit(100)
    text = compiled(query)
    # THEN names are bracket-quoted, values bound, and the comparison is the OR expansion
    assert "dbo.[prod data [2024]]]" in text and "[select]" in text and "TOP" in text
    assert " OR " in text and "2024-01-01" not in text
