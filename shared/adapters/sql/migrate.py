"""Run the master or tenant Alembic tree against a database."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

Tree = Literal["master", "tenant"]
MIGRATIONS = Path(__file__).parent / "migrations"


def _config(tree: Tree) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS / tree))
    return config


def upgrade(engine: Engine, tree: Tree) -> str:
    """Migrate to head and return the revision reached."""
    config = _config(tree)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return current_revision(engine) or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(tree: Tree) -> str:
    head = ScriptDirectory.from_config(_config(tree)).get_current_head()
    return head or ""
