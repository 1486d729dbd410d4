"""Structured JSON logs carrying the request id and tenant slug; never secrets.

Every line the app writes, and every line uvicorn writes when a local host
starts it, passes `RedactSecrets`: the values of query parameters that carry
credentials (`token=`, `sig=`, `X-Amz-Signature=`, `code=`, …) become
`[redacted]`. Unhandled errors are logged with `error_fields`: the exception
types and the stack, never the messages, which may quote bound SQL values or
file contents.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import traceback
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_tenant: ContextVar[str] = ContextVar("tenant", default="")

_STANDARD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

SECRET_PARAMETERS = (
    "token", "access_token", "refresh_token", "id_token", "code", "state", "sig",
    "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
    "client_secret", "password", "api_key", "apikey", "key",
)  # fmt: skip
_SECRET_VALUE = re.compile(
    r"(?i)([?&;](?:" + "|".join(re.escape(name) for name in SECRET_PARAMETERS) + r")=)"
    r"[^&;\s\"'#]*"
)
REDACTED = "[redacted]"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
MAX_SQL_CHARS = 2000


def redact(text: str) -> str:
    """`/x?token=abc&n=1` → `/x?token=[redacted]&n=1`: credential values out of URLs."""
    return _SECRET_VALUE.sub(r"\1" + REDACTED, text)


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Redacts credential query values in a record's message and arguments.

    The arguments are redacted one by one, not merged into the message, so
    formatters that read them (uvicorn's access formatter) keep working.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return True


def redact_uvicorn_logs() -> None:
    """Put `RedactSecrets` on uvicorn's loggers and their handlers (idempotent)."""
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactSecrets) for f in target.filters):
                target.addFilter(RedactSecrets())


@contextlib.contextmanager
def request_context(request_id: str) -> Iterator[None]:
    request_token = _request_id.set(request_id)
    tenant_token = _tenant.set("")
    try:
        yield
    finally:
        _request_id.reset(request_token)
        _tenant.reset(tenant_token)


def set_tenant(slug: str) -> None:
    _tenant.set(slug)


def _chain(error: BaseException) -> list[BaseException]:
    """The error and its causes, innermost first, as Python prints them."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        cause = current.__cause__
        current = (
            cause if cause is not None or current.__suppress_context__ else current.__context__
        )
    return chain[::-1]


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def safe_traceback(error: BaseException) -> str:
    """The stack of each chained error and its type, without any error message."""
    parts = []
    for link in _chain(error):
        frames = "".join(traceback.extract_tb(link.__traceback__).format())
        parts.append(f"Traceback (most recent call last):\n{frames}{_type_name(link)}\n")
    return "\nwhich led to:\n\n".join(parts)


def _sql_fields(error: BaseException) -> dict[str, Any]:
    """For a database error: the statement (placeholders, never values) and SQLSTATE."""
    statement = getattr(error, "statement", None)
    if not isinstance(statement, str):
        return {}
    fields: dict[str, Any] = {"sql": statement[:MAX_SQL_CHARS]}
    orig = getattr(error, "orig", None)
    details = orig.args[0] if orig is not None and orig.args else None
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate is None and isinstance(details, dict):  # pg8000: the server's fields
        sqlstate = details.get("C")
    if sqlstate:
        fields["sqlstate"] = str(sqlstate)
    return fields


def error_fields(error: BaseException) -> dict[str, Any]:
    """Log fields of an unhandled error: types, stack, SQL statement; no message."""
    return {
        "error_type": _type_name(error),
        "error_chain": [_type_name(link) for link in _chain(error)],
        "traceback": safe_traceback(error),
        **_sql_fields(error),
    }


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id.get(),
            "tenant": _tenant.get(),
        }
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRIBUTES}
        entry.update(extra)
        if record.exc_info and record.exc_info[0] is not None:
            entry.setdefault("error_type", record.exc_info[0].__name__)
        return json.dumps(entry, default=str)


class PlainFormatter(logging.Formatter):
    """`LEVEL logger message [request id]`, and an unhandled error's safe traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.name} {record.getMessage()}"
        if _request_id.get():
            line += f" [request {_request_id.get()}]"
        stack = getattr(record, "traceback", None)
        return f"{line}\n{stack}" if stack else line


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    """Install one stderr handler on the `wellos` logger (idempotent)."""
    logger = logging.getLogger("wellos")
    logger.setLevel(level.upper())
    if any(getattr(h, "_wellos", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else PlainFormatter())
    handler.addFilter(RedactSecrets())
    handler._wellos = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.propagate = False
