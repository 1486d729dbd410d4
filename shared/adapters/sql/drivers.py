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
- no round trip of its own for BEGIN: pg8000 sends `begin transaction` and waits
  for its answer before a transaction's first statement. Here the BEGIN goes in
  the same write as that statement, and when the statement is a plain read
  (`plain_read`: a SELECT that locks nothing, takes no transaction id, calls no
  function of ours), it runs on its own, as PostgreSQL's implicit single-statement
  transaction, and the BEGIN waits for the first statement that is not a plain
  read. Under READ COMMITTED (the only level WellOS uses, checked per connection)
  every statement takes its own snapshot inside a transaction too, so a read
  sees the same rows either way; a unit of work that only reads then holds no
  transaction, and its ROLLBACK (and a COMMIT with nothing to commit) costs no
  round trip. A read-only API request is then one round trip a statement.
"""

from __future__ import annotations

import functools
import re
import select
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


BEGIN = "begin transaction"  # what pg8000 sends before a transaction's first statement
_NOT_PLAIN = re.compile(
    r"\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY|KEY\s+SHARE)\b|\bINTO\b|"
    r"\b(?:\w*advisory\w*|\w*xact_id\w*|txid_\w+|\w*snapshot\w*|nextval|setval|set_config|"
    r"pg_notify|wellos_\w+)\s*\(",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def plain_read(statement: str) -> bool:
    """A SELECT whose effect does not outlast it: no row lock, advisory lock, transaction
    id, sequence, setting, notification or function of ours (those may write)."""
    head = statement.lstrip()[:6]
    return head.upper() == "SELECT" and _NOT_PLAIN.search(statement) is None


def _defers_begin(connection: Any, statement: str) -> bool:
    """Keep pg8000's BEGIN for the next statement instead of sending it now."""
    if statement != BEGIN or not getattr(connection, "_wellos_lazy_begin", False):
        return False
    connection._wellos_begin_pending = True
    return True


def _takes_begin(connection: Any, statement: str) -> bool:
    """Whether `statement` goes out behind the deferred BEGIN (a plain read goes alone)."""
    if not getattr(connection, "_wellos_begin_pending", False):
        return False
    connection._wellos_begin_pending = False
    return not plain_read(statement)


def _answers(connection: Any, begun: bool, context: Any) -> None:
    """Read the answers in the order sent: the BEGIN's (if sent), then the statement's.
    Both are read even if the first is an error, so the protocol stays in step."""
    if begun:
        try:
            connection.handle_messages(pg8000.core.Context(BEGIN))
        finally:
            connection.handle_messages(context)
    else:
        connection.handle_messages(context)


def _execute_simple_pipelined(self: Any, statement: str) -> Any:
    """pg8000's `CoreConnection.execute_simple` with the deferred BEGIN (module notes)."""
    core = pg8000.core
    context = core.Context(statement)
    if _defers_begin(self, statement):
        return context
    if "ISOLATION LEVEL" in statement.upper():  # SQLAlchemy sets the session's level
        self._wellos_lazy_begin = "READ COMMITTED" in statement.upper()
    begun = _takes_begin(self, statement)
    if begun:
        self.send_QUERY(BEGIN)
    self.send_QUERY(statement)
    core._flush(self._sock)
    _answers(self, begun, context)
    return context


def _execute_unnamed_pipelined(
    self: Any, statement: str, vals: Any = (), oids: Any = (), stream: Any = None
) -> Any:
    """pg8000's `CoreConnection.execute_unnamed` in one round trip (see the module's notes)."""
    core = pg8000.core
    context = core.Context(statement, stream=stream)
    if _defers_begin(self, statement):
        return context
    params = core.make_params(self.py_types, vals)
    begun = _takes_begin(self, statement)
    if begun:
        self.send_QUERY(BEGIN)
    self.send_PARSE(core.NULL_BYTE, statement, oids)
    self.send_DESCRIBE_STATEMENT(core.NULL_BYTE)
    self.send_BIND(core.NULL_BYTE, params)
    self.send_EXECUTE()
    core._write(self._sock, core.SYNC_MSG)
    core._flush(self._sock)
    _answers(self, begun, context)
    return context


_execute_unnamed_pipelined.pipelined = True  # type: ignore[attr-defined]
_ORIGINAL_EXECUTE_SIMPLE = pg8000.core.CoreConnection.execute_simple
_ORIGINAL_EXECUTE_NAMED = pg8000.core.CoreConnection.execute_named
_ORIGINAL_COMMIT = pg8000.legacy.Connection.commit


def _execute_named_after_begin(self: Any, *args: Any, **kwargs: Any) -> Any:
    """A prepared statement (not used by WellOS) sends a deferred BEGIN first, on its own."""
    if getattr(self, "_wellos_begin_pending", False):
        self._wellos_begin_pending = False
        _ORIGINAL_EXECUTE_SIMPLE(self, BEGIN)
    return _ORIGINAL_EXECUTE_NAMED(self, *args, **kwargs)


def _commit_if_begun(self: Any) -> None:
    """COMMIT only a transaction the server holds: after plain reads there is none."""
    if self._in_transaction or getattr(self, "_wellos_begin_pending", False):
        _ORIGINAL_COMMIT(self)


def pipeline_pg8000_statements() -> None:
    """pg8000 runs each statement in one round trip, BEGIN included (once a process)."""
    connection = pg8000.core.CoreConnection
    if not getattr(connection.execute_unnamed, "pipelined", False):
        connection.execute_unnamed = _execute_unnamed_pipelined
        connection.execute_simple = _execute_simple_pipelined
        connection.execute_named = _execute_named_after_begin
        pg8000.legacy.Connection.commit = _commit_if_begun


def idle_and_open(dbapi_connection: Any) -> bool:
    """Whether a pooled pg8000 connection looks usable, without a round trip.

    An idle connection has nothing to read: the server speaks only when asked. A
    backend that was terminated (pg_terminate_backend, a restart, an idle timeout)
    sends its FATAL error and closes the socket, which then polls readable; so does
    a socket the peer reset. A link cut silently is not seen here (nor by a ping,
    which would wait for its timeout); the first statement fails and SQLAlchemy
    invalidates the pool.
    """
    sock = getattr(dbapi_connection, "_usock", None)
    if not isinstance(sock, socket.socket) or getattr(dbapi_connection, "_sock", None) is None:
        return False
    try:
        poller = select.poll()  # not select(): no FD_SETSIZE limit in a busy process
        poller.register(sock, select.POLLIN | select.POLLPRI)
        events = poller.poll(0)
    except (OSError, ValueError):  # closed: fileno -1
        return False
    return not events


def install_pg8000_decoders(engine: sa.Engine) -> None:
    cache_pg8000_paramstyle()
    pipeline_pg8000_statements()

    @sa.event.listens_for(engine, "connect")
    def _register(dbapi_connection: Any, _record: Any) -> None:
        for oid, decoder in _DECODERS.items():
            dbapi_connection.register_in_adapter(oid, decoder)
        _no_delay(dbapi_connection)
        dbapi_connection._wellos_lazy_begin = read_committed(dbapi_connection)


def read_committed(dbapi_connection: Any) -> bool:
    """Whether the connection's transactions default to READ COMMITTED (one round trip,
    outside any transaction): only then may a plain read run ahead of the BEGIN."""
    context = dbapi_connection.execute_simple("SHOW default_transaction_isolation")
    rows = context.rows or []
    return bool(rows) and str(rows[0][0]).lower() == "read committed"


def _no_delay(dbapi_connection: Any) -> None:
    """TCP_NODELAY on pg8000's socket: COPY sends its data and its end as separate small
    writes with no answer between, and with Nagle's algorithm on, each COPY then waits
    for the server's delayed ACK (40 ms on Linux)."""
    sock = getattr(dbapi_connection, "_usock", None)
    if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
