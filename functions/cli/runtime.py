"""Settings and the platform for one CLI command, read from `WELLOS_*` variables."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from functions.cli.output import ConfigurationError
from shared.bootstrap import Platform, StartupError, build_platform
from shared.settings import Settings

MISSING_DATABASE_URL = (
    "WELLOS_DATABASE_URL is not set: point it at the master PostgreSQL database "
    "(in a cloud: WELLOS_DATABASE_URL_SECRET names the vault secret holding it) "
    "(or run `wellos demo`, which starts an embedded PostgreSQL)"
)


def load_settings(require_database: bool = True) -> Settings:
    settings = Settings()
    url = settings.database_url
    given = (url is not None and url.get_secret_value().strip()) or settings.database_url_secret
    if require_database and not given:
        raise ConfigurationError(MISSING_DATABASE_URL)
    return settings


@contextlib.contextmanager
def open_platform() -> Iterator[Platform]:
    """A wired platform on the master database; its engines are closed afterwards."""
    try:
        platform = build_platform(load_settings())
    except StartupError as exc:
        raise ConfigurationError(exc.detail) from None
    try:
        yield platform
    finally:
        platform.close()
