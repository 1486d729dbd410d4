"""Create, check, migrate and (for a tenant never made) drop tenant databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.urls import connectable, normalize_url
from shared.core.common.errors import InfrastructureError, InputError
from shared.core.registry.errors import DatabaseExistsError
from shared.core.registry.model.tenants import DatabaseKind
from shared.core.registry.ports import ProvisionedDatabase

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


def _exists(connection: sa.Connection, name: str) -> bool:
    query = sa.text("SELECT 1 FROM pg_database WHERE datname = :name")
    return connection.execute(query, {"name": name}).first() is not None


def _quoted(connection: sa.Connection, name: str) -> str:
    return str(connection.dialect.identifier_preparer.quote_identifier(name))


class SqlTenantProvisioner:
    """Creates tenant databases on the master's server, named `{prefix}{slug}`.

    A database of that name that already exists (left by a deleted tenant, or
    made by another registry on the same server) is never taken over silently:
    `create_database` refuses it unless told to adopt it.
    """

    def __init__(self, server_url: URL, database_prefix: str) -> None:
        self._server_url = server_url
        self._prefix = database_prefix

    def create_database(self, slug: str, adopt_existing: bool = False) -> ProvisionedDatabase:
        name = database_name(self._prefix, slug)
        with self._server(f"create database {name}") as connection:
            exists = _exists(connection, name)
            if exists and not adopt_existing:
                raise DatabaseExistsError(
                    name,
                    "already exists on the server (left by a deleted tenant, or made by "
                    "another registry on this server)",
                )
            if not exists:
                connection.execute(sa.text(f"CREATE DATABASE {_quoted(connection, name)}"))
        return ProvisionedDatabase(
            url=connectable(self._server_url, name),
            kind=DatabaseKind.POSTGRESQL,
            created=not exists,
            name=name,
        )

    def drop_database(self, slug: str) -> None:
        name = database_name(self._prefix, slug)
        with self._server(f"drop database {name}") as connection:
            quoted = _quoted(connection, name)
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))

    @contextmanager
    def _server(self, doing: str) -> Iterator[sa.Connection]:
        """An autocommit connection to the master's server (CREATE/DROP DATABASE)."""
        engine = create_engine(self._server_url, ONE_SHOT, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise InfrastructureError(f"could not {doing}: {type(exc).__name__}") from exc
        finally:
            engine.dispose()

    def existing_tables(self, url: str) -> list[str]:
        engine = create_engine(url, ONE_SHOT)
        try:
            with engine.connect() as connection:
                return sorted(sa.inspect(connection).get_table_names())
        except SQLAlchemyError as exc:
            raise InfrastructureError(
                f"could not inspect database {normalize_url(url).database}: {type(exc).__name__}"
            ) from exc
        finally:
            engine.dispose()

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
            url=connectable(parsed),
            kind=kind,
            created=False,
            name=parsed.database or "",
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
