"""Create and migrate tenant databases."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.urls import normalize_url
from shared.core.domain.tenants import DatabaseKind
from shared.core.errors import InfrastructureError, InputError
from shared.core.ports.databases import ProvisionedDatabase

ONE_SHOT = PoolSettings(serverless=True)
_KINDS = {
    "postgresql": DatabaseKind.POSTGRESQL,
    "mysql": DatabaseKind.MYSQL,
    "mariadb": DatabaseKind.MYSQL,
    "mssql": DatabaseKind.MSSQL,
}


def database_name(prefix: str, slug: str) -> str:
    name = f"{prefix}{slug}".replace("-", "_")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise InputError("slug", f"cannot derive a database name from {slug!r}")
    return name


class SqlTenantProvisioner:
    """Creates tenant databases on the master's server, named `{prefix}{slug}`."""

    def __init__(self, server_url: URL, database_prefix: str) -> None:
        self._server_url = server_url
        self._prefix = database_prefix

    def create_database(self, slug: str) -> ProvisionedDatabase:
        name = database_name(self._prefix, slug)
        engine = create_engine(self._server_url, ONE_SHOT, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                exists = connection.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                ).first()
                if not exists:
                    quoted = connection.dialect.identifier_preparer.quote_identifier(name)
                    connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
        except SQLAlchemyError as exc:
            raise InfrastructureError(
                f"could not create database {name}: {type(exc).__name__}"
            ) from exc
        finally:
            engine.dispose()
        url = self._server_url.set(database=name)
        return ProvisionedDatabase(
            url=url.render_as_string(hide_password=False),
            kind=DatabaseKind.POSTGRESQL,
            created=not exists,
        )

    def describe(self, url: str) -> ProvisionedDatabase:
        try:
            parsed = normalize_url(url)
        except (ValueError, SQLAlchemyError) as exc:
            raise InputError("database_url", "is not a valid database URL") from exc
        kind = _KINDS.get(parsed.get_backend_name())
        if kind is None:
            raise InputError(
                "database_url", f"unsupported database kind {parsed.get_backend_name()!r}"
            )
        return ProvisionedDatabase(
            url=parsed.render_as_string(hide_password=False), kind=kind, created=False
        )

    def migrate(self, url: str) -> str:
        from shared.adapters.sql.migrate import upgrade  # Alembic: not on the cold-start path

        engine = create_engine(url, ONE_SHOT)
        try:
            return upgrade(engine, "tenant")
        except SQLAlchemyError as exc:
            raise InfrastructureError(
                f"migrating database {normalize_url(url).database} failed: {type(exc).__name__}"
            ) from exc
        finally:
            engine.dispose()
