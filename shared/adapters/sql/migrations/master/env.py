"""Alembic environment of the master tree; run through shared.adapters.sql.migrate."""

from alembic import context

from shared.adapters.sql.registry.tables import metadata
from shared.adapters.sql.scada import gateway_registry  # noqa: F401  (registers the gateways table)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
    version_table=context.config.attributes["version_table"],
)
with context.begin_transaction():
    context.run_migrations()
