"""Per-driver connection tuning, applied by `engines.create_engine`.

pg8000 needs two things to be fast:
- an SSL decision made once: with `ssl_context=None` it builds a new SSL
  context for every connection (~60 ms here). `sslmode` in the URL decides:
  `disable`, `require` (encrypt, no verification), `verify-full` (encrypt and
  verify the server). Without `sslmode`, loopback hosts and unix sockets
  connect in plain text and any other host requires SSL.
- fast date/time decoders: its `strptime` decoders cost ~20 µs a value,
  `fromisoformat` under 1 µs; UUIDs stay the text they arrive as.
- one round trip a statement: pg8000 parses, describes, then binds and executes
  an unnamed statement in three exchanges, waiting for the server between them;
  here the four messages go in one write, and the server's answers (errors too)
  are read in one pass, as libpq pipelines them. The parameters are converted
  before anything is sent, so a value pg8000 cannot convert leaves nothing half
  sent on the connection.
- its placeholders rewritten once per statement text, not on every execution:
  pg8000 turns `%s` into `$1` with a character-by-character scanner in Python
  (~0.4 ms for a 25-column SELECT, on every call), and SQLAlchemy sends the same
  few compiled texts over and over.
"""

from __future__ import annotations

import functools
import socket
import ssl
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pg8000.legacy
import sqlalchemy as sa
from pg8000 import converters
from sqlalchemy.engine import URL

from shared.core.common.errors import InputError

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
SSL_MODES = frozenset({"disable", "require", "verify-full"})
TIMESTAMPTZ_OID, TIMESTAMP_OID, DATE_OID, UUID_OID = 1184, 1114, 1082, 2950


def split_sslmode(url: URL) -> tuple[URL, str | None]:
    """The URL without `sslmode`, and the mode it named."""
    mode = url.query.get("sslmode")
    if mode is None:
        return url, None
    if not isinstance(mode, str) or mode not in SSL_MODES:
        raise InputError("sslmode", f"use one of {', '.join(sorted(SSL_MODES))}")
    return url.difference_update_query(["sslmode"]), mode


@functools.cache
def tls_context(verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def pg8000_connect_args(url: URL, sslmode: str | None) -> dict[str, Any]:
    local = "unix_sock" in url.query or (url.host or "localhost") in LOOPBACK_HOSTS
    mode = sslmode or ("disable" if local else "require")
    if mode == "disable":
        return {"ssl_context": False}
    return {"ssl_context": tls_context(verify=mode == "verify-full")}


def _fast(parse: Callable[[str], Any], fallback: Callable[[str], Any]) -> Callable[[str], Any]:
    def decode(text: str) -> Any:
        try:
            return parse(text)
        except ValueError:
            return fallback(text)

    return decode


_DECODERS = {
    TIMESTAMPTZ_OID: _fast(datetime.fromisoformat, converters.timestamptz_in),
    TIMESTAMP_OID: _fast(datetime.fromisoformat, converters.timestamp_in),
    DATE_OID: _fast(date.fromisoformat, converters.date_in),
    # The text as it is: every UUID column is `Uuid(as_uuid=False)`, which turned
    # pg8000's uuid.UUID back into this very string (two objects a value, for nothing).
    UUID_OID: str,
}


_POSITIONAL_STYLES = frozenset({"format", "numeric", "qmark"})
"""Styles whose rewritten text depends on the statement alone (the values pass through)."""


def _cached_paramstyle(convert: Callable[..., Any]) -> Callable[..., Any]:
    @functools.lru_cache(maxsize=4096)
    def rewritten(style: str, query: str) -> str:
        text: str = convert(style, query, ())[0]
        return text

    def convert_paramstyle(style: str, query: str, args: Any) -> tuple[str, Any]:
        if style in _POSITIONAL_STYLES:
            return rewritten(style, query), args
        result: tuple[str, Any] = convert(style, query, args)
        return result

    convert_paramstyle.cached = True  # type: ignore[attr-defined]
    return convert_paramstyle


def cache_pg8000_paramstyle() -> None:
    """pg8000's cursors rewrite each statement's placeholders through a cache (once a process)."""
    current = pg8000.legacy.convert_paramstyle
    if not getattr(current, "cached", False):
        pg8000.legacy.convert_paramstyle = _cached_paramstyle(current)


def _execute_unnamed_pipelined(
    self: Any, statement: str, vals: Any = (), oids: Any = (), stream: Any = None
) -> Any:
    """pg8000's `CoreConnection.execute_unnamed` in one round trip (see the module's notes)."""
    core = pg8000.core
    context = core.Context(statement, stream=stream)
    params = core.make_params(self.py_types, vals)
    self.send_PARSE(core.NULL_BYTE, statement, oids)
    self.send_DESCRIBE_STATEMENT(core.NULL_BYTE)
    self.send_BIND(core.NULL_BYTE, params)
    self.send_EXECUTE()
    core._write(self._sock, core.SYNC_MSG)
    core._flush(self._sock)
    self.handle_messages(context)
    return context


_execute_unnamed_pipelined.pipelined = True  # type: ignore[attr-defined]


def pipeline_pg8000_statements() -> None:
    """pg8000 runs each unnamed statement in one round trip (once a process)."""
    connection = pg8000.core.CoreConnection
    if not getattr(connection.execute_unnamed, "pipelined", False):
        connection.execute_unnamed = _execute_unnamed_pipelined


def install_pg8000_decoders(engine: sa.Engine) -> None:
    cache_pg8000_paramstyle()
    pipeline_pg8000_statements()

    @sa.event.listens_for(engine, "connect")
    def _register(dbapi_connection: Any, _record: Any) -> None:
        for oid, decoder in _DECODERS.items():
            dbapi_connection.register_in_adapter(oid, decoder)
        _no_delay(dbapi_connection)


def _no_delay(dbapi_connection: Any) -> None:
    """TCP_NODELAY on pg8000's socket: COPY sends its data and its end as separate small
    writes with no answer between, and with Nagle's algorithm on, each COPY then waits
    for the server's delayed ACK (40 ms on Linux)."""
    sock = getattr(dbapi_connection, "_usock", None)
    if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
