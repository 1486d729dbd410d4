"""Settings and the platform for one CLI command, read from `WELLOS_*` variables."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from functions.cli.output import ConfigurationError
from shared.bootstrap import Platform, build_platform
from shared.settings import Settings

MISSING_DATABASE_URL = (
    "WELLOS_DATABASE_URL is not set: point it at the master PostgreSQL database "
    "(or run `wellos demo`, which starts an embedded PostgreSQL)"
)


def load_settings(require_database: bool = True) -> Settings:
    settings = Settings()
    url = settings.database_url
    if require_database and (url is None or not url.get_secret_value().strip()):
        raise ConfigurationError(MISSING_DATABASE_URL)
    return settings


@contextlib.contextmanager
def open_platform() -> Iterator[Platform]:
    """A wired platform on the master database; its engines are closed afterwards."""
    platform = build_platform(load_settings())
    try:
        yield platform
    finally:
        platform.close()
