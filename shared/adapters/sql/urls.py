"""Database URLs: default drivers, unix sockets, and safe display."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

DEFAULT_DRIVERS = {
    "postgresql": "postgresql+pg8000",
    "postgres": "postgresql+pg8000",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
}


def normalize_url(raw: str) -> URL:
    """Parse a database URL, pick WellOS's default driver and map libpq-style sockets.

    `postgresql://u@/db?host=/run/pg` becomes pg8000's `unix_sock=/run/pg/.s.PGSQL.5432`.
    """
    url = make_url(raw)
    if "+" not in url.drivername:
        url = url.set(drivername=DEFAULT_DRIVERS.get(url.drivername, url.drivername))
    host_param = url.query.get("host")
    if url.drivername == "postgresql+pg8000" and isinstance(host_param, str):
        if host_param.startswith("/"):
            port = url.port or 5432
            query = {k: v for k, v in url.query.items() if k != "host"}
            query["unix_sock"] = f"{host_param}/.s.PGSQL.{port}"
            url = url.set(query=query, host=None, port=None)
    return url


def with_database(url: URL, database: str) -> URL:
    return url.set(database=database)


def connectable(url: URL, database: str | None = None) -> str:
    """The URL (on `database` if given) as a driver or the Secrets port takes it: its
    password kept. Never for logs or messages: those take `redacted`."""
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def redacted(url: URL | str) -> str:
    """The URL with its password hidden, for logs and messages."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


def dialect_of(url: URL) -> str:
    return url.get_backend_name()
