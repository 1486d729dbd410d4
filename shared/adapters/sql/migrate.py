"""Run the master or tenant Alembic tree against a database.

Each tree records its revision in a version table of its own, so the two never
read each other's revision, even in one database (a tenant on the master's
database, or a master and tenant schema side by side in a small install).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

Tree = Literal["master", "tenant"]
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLES: dict[Tree, str] = {
    "master": "alembic_version_master",
    "tenant": "alembic_version_tenant",
}
LEGACY_VERSION_TABLE = "alembic_version"


def _config(tree: Tree) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS / tree))
    config.attributes["version_table"] = VERSION_TABLES[tree]
    return config


def upgrade(engine: Engine, tree: Tree) -> str:
    """Migrate to head and return the revision reached."""
    config = _config(tree)
    with engine.begin() as connection:
        _adopt_legacy_version(connection, tree)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return current_revision(engine, tree) or ""


def _adopt_legacy_version(connection: Connection, tree: Tree) -> None:
    """Carry over the revision of a database migrated when both trees used `alembic_version`."""
    inspector = sa.inspect(connection)
    if inspector.has_table(VERSION_TABLES[tree]) or not inspector.has_table(LEGACY_VERSION_TABLE):
        return
    legacy = MigrationContext.configure(connection).get_current_revision()
    script = ScriptDirectory.from_config(_config(tree))
    if legacy is None or legacy not in {rev.revision for rev in script.walk_revisions()}:
        return
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLES[tree]})
    context.stamp(script, legacy)


def current_revision(engine: Engine, tree: Tree) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLES[tree]}
        )
        return context.get_current_revision()


def head_revision(tree: Tree) -> str:
    head = ScriptDirectory.from_config(_config(tree)).get_current_head()
    return head or ""
