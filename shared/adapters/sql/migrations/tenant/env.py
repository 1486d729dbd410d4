"""Alembic environment of the tenant tree; run through shared.adapters.sql.migrate."""

from alembic import context

from shared.adapters.sql.analytics import tables as analytics_tables  # noqa: F401  (registers the analytics tables)
from shared.adapters.sql.etl import tables as etl_tables  # noqa: F401  (registers the ETL and import tables)
from shared.adapters.sql.scada import (
    tables as scada_tables,  # registers the SCADA tables in the metadata
)
from shared.adapters.sql.tenant_tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
    include_object=scada_tables.include_object,
    version_table=context.config.attributes["version_table"],
)
with context.begin_transaction():
    context.run_migrations()
