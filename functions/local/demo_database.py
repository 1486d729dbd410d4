"""The demo's master database: `WELLOS_DATABASE_URL` as is, or an embedded PostgreSQL."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.tenant_tables import production_daily
from shared.adapters.sql.urls import connectable, normalize_url
from shared.bootstrap import Platform
from shared.core.common.errors import InfrastructureError
from shared.core.registry.model.tenants import Tenant
from shared.settings import Settings

MASTER_DATABASE = "wellos_master"


def demo_master_url(
    settings: Settings, pgdata: Path, stack: contextlib.ExitStack, say: Callable[[str], None]
) -> str:
    """The master URL: the configured one, else `wellos_master` on an embedded server.

    The embedded server keeps its data in `pgdata` and stops when `stack` closes.
    """
    if settings.database_url is not None:
        say("Using the PostgreSQL server of WELLOS_DATABASE_URL")
        return settings.database_url.get_secret_value()
    say(f"Starting the embedded PostgreSQL (data in {pgdata})")
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
        warnings.simplefilter("ignore")
        from shared.adapters.local.embedded_postgres import start_embedded_postgres
    try:
        server = start_embedded_postgres(pgdata)
    except Exception as exc:  # pgserver raises plain subprocess and runtime errors
        raise InfrastructureError(
            f"the embedded PostgreSQL did not start ({type(exc).__name__}); "
            f"see the logs in {pgdata / 'log'} or set WELLOS_DATABASE_URL"
        ) from exc
    stack.callback(server.stop)
    return ensure_database(server.url, MASTER_DATABASE)


def count_production_rows(platform: Platform, tenant: Tenant) -> int:
    """All daily production rows of `tenant` (one COUNT; reading them through the
    service would decode every row)."""
    engine = platform.tenant_databases.engines.engine_for(tenant)
    with engine.connect() as connection:
        query = sa.select(sa.func.count()).select_from(production_daily)
        return int(connection.execute(query).scalar_one())


def ensure_database(server_url: str, name: str) -> str:
    """Create database `name` on the server of `server_url` unless it exists; its URL."""
    url = normalize_url(server_url)
    engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                quoted = connection.dialect.identifier_preparer.quote_identifier(name)
                connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()
    return connectable(url, name)
