"""Alembic environment of the master tree; run through shared.adapters.sql.migrate."""

from alembic import context

from shared.adapters.sql import scada_registry  # noqa: F401  (registers the gateways table)
from shared.adapters.sql.master_tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
    version_table=context.config.attributes["version_table"],
)
with context.begin_transaction():
    context.run_migrations()
