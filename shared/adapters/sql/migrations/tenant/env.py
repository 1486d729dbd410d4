"""Alembic environment of the tenant tree; run through shared.adapters.sql.migrate."""

from alembic import context

from shared.adapters.sql import (
    analytics_tables,  # noqa: F401  (registers the analytics tables)
    etl_tables,  # noqa: F401  (registers the ETL and import tables)
    scada_tables,  # registers the SCADA tables in the metadata
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
