"""Alembic environment of the tenant tree; run through shared.adapters.sql.migrate."""

from alembic import context

# Importing each feature's tables registers them in the tenant metadata.
from shared.adapters.sql.analytics import tables as analytics_tables  # noqa: F401
from shared.adapters.sql.compliance import tables as compliance_tables  # noqa: F401
from shared.adapters.sql.etl import tables as etl_tables  # noqa: F401
from shared.adapters.sql.operations import tables as operations_tables  # noqa: F401
from shared.adapters.sql.scada import tables as scada_tables
from shared.adapters.sql.sync import job_tables  # noqa: F401
from shared.adapters.sql.sync import tables as sync_tables  # noqa: F401
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
