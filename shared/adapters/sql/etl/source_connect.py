"""Engines on operator databases that connect only to the address the policy approved.

pg8000 and PyMySQL connections are built here from the checked URL parts alone
(nothing else from the URL reaches the driver): the TCP socket goes to the
approved address (pinned), while the host *name* stays the driver's `host`, so
TLS sends it as SNI and `verify-full` / `ssl_verify_identity` check the
certificate against it. PyMySQL gets `local_infile=False` and no
`CLIENT.LOCAL_FILES` flag: asked for a file by the server, it raises before
reading anything (PyMySQL 1.x `MySQLResult._read_load_local_packet`).

SQL Server and Oracle drivers open their own sockets: there the URL's host is
replaced by the approved IP address. Their TLS hostname check then needs the
expected name as an option (`HostNameInCertificate`, `ssl_server_cert_dn`).

The read-only session setting is the first `connect` listener: no caller SQL
runs before it (`init_command` and friends are refused by the policy).
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from shared.adapters.sql.drivers import install_pg8000_decoders, tls_context
from shared.core.etl.model.source_policy import CheckedSource

CONNECT_TIMEOUT_S = 15
READ_ONLY_SQL = {
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "mysql": "SET SESSION TRANSACTION READ ONLY",
}
TRUE = frozenset({"true", "yes", "1"})


def source_engine(url: URL, checked: CheckedSource) -> sa.Engine:
    """A one-connection-at-a-time engine on `checked.address`, read-only where it can be."""
    pinned = url.set(host=checked.address, port=checked.port)
    engine = sa.create_engine(pinned, poolclass=NullPool)
    driver = checked.target.driver
    if driver in ("postgresql+pg8000", "mysql+pymysql"):

        @sa.event.listens_for(engine, "do_connect")
        def _pinned(dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> Any:
            connect = _pg8000 if driver == "postgresql+pg8000" else _pymysql
            return connect(dialect.loaded_dbapi, url, checked)

    if driver == "postgresql+pg8000":
        install_pg8000_decoders(engine)
    statement = READ_ONLY_SQL.get(engine.dialect.name)
    if statement is not None:

        def _read_only(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(statement)
            cursor.close()
            dbapi_connection.commit()

        sa.event.listen(engine, "connect", _read_only, insert=True)
    return engine


def _socket(checked: CheckedSource) -> socket.socket:
    """A TCP connection to the approved address: the name is not resolved again."""
    sock = socket.create_connection((checked.address, checked.port), CONNECT_TIMEOUT_S)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    return sock


def _option(checked: CheckedSource, name: str) -> str | None:
    values = checked.target.options.get(name)
    return values[0] if values else None


def _pg8000(dbapi: Any, url: URL, checked: CheckedSource) -> Any:
    loopback = ipaddress.ip_address(checked.address).is_loopback
    mode = _option(checked, "sslmode") or ("disable" if loopback else "require")
    context: ssl.SSLContext | bool = (
        False if mode == "disable" else tls_context(verify=mode == "verify-full")
    )
    sock = _socket(checked)
    try:  # pg8000.connect() takes no `sock`; its Connection (what connect() makes) does
        return dbapi.Connection(
            user=url.username,
            password=url.password,
            database=url.database,
            host=checked.host,
            port=checked.port,
            sock=sock,
            ssl_context=context,
            timeout=CONNECT_TIMEOUT_S,
        )
    except BaseException:
        sock.close()
        raise


def _pymysql(dbapi: Any, url: URL, checked: CheckedSource) -> Any:
    from pymysql.constants import CLIENT

    connection = dbapi.connections.Connection(
        host=checked.host,
        port=checked.port,
        user=url.username,
        password=url.password or "",
        database=url.database,
        charset=_option(checked, "charset") or "utf8mb4",
        connect_timeout=CONNECT_TIMEOUT_S,
        conv=_pymysql_conversions(),
        client_flag=CLIENT.FOUND_ROWS,
        local_infile=False,
        defer_connect=True,
        **_mysql_tls(checked),
    )
    connection.connect(_socket(checked))  # on failure PyMySQL closes the socket
    return connection


def _mysql_tls(checked: CheckedSource) -> dict[str, Any]:
    """PyMySQL's TLS from the URL's switches; with none, its default (TLS when offered)."""

    def on(name: str) -> bool:
        return (_option(checked, name) or "").casefold() in TRUE

    if on("ssl_disabled"):
        return {"ssl_disabled": True}
    if on("ssl_verify_identity"):
        return {"ssl": tls_context(verify=True)}
    if on("ssl_verify_cert"):
        return {"ssl": _chain_only_context()}
    return {}


@functools.cache
def _chain_only_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    return context


def _fast(parse: Any, fallback: Any) -> Any:
    def convert(raw: Any) -> Any:
        text = raw.decode("ascii") if isinstance(raw, bytes | bytearray) else raw
        try:
            return parse(text)
        except ValueError:  # zero dates and the like: the driver's own answer
            return fallback(raw)

    return convert


@functools.cache
def _pymysql_conversions() -> dict[Any, Any]:
    """PyMySQL's decoders with C-speed date/time parsing (its own are regex-based)."""
    from pymysql import converters
    from pymysql.constants import FIELD_TYPE

    table = dict(converters.conversions)
    fast_datetime = _fast(datetime.fromisoformat, converters.convert_datetime)
    table[FIELD_TYPE.DATETIME] = fast_datetime
    table[FIELD_TYPE.TIMESTAMP] = fast_datetime
    table[FIELD_TYPE.DATE] = _fast(date.fromisoformat, converters.convert_date)
    return table
