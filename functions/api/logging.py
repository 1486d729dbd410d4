"""Structured JSON logs carrying the request id and tenant slug; never secrets."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_tenant: ContextVar[str] = ContextVar("tenant", default="")

_STANDARD_ATTRIBUTES = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


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
            entry["error_type"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    """Install one stderr handler on the `wellos` logger (idempotent)."""
    logger = logging.getLogger("wellos")
    logger.setLevel(level.upper())
    if any(getattr(h, "_wellos", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s %(message)s")
    )
    handler._wellos = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.propagate = False
