"""Structured JSON logs on stderr: one object a line, extra fields kept."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from asyncua.ua.uaerrors import UaStatusCodeError

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


_LOSS_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError, OSError, TimeoutError, asyncio.CancelledError, UaStatusCodeError,
)  # fmt: skip
_NOISE_SUFFIXES = ("but connection is closed",)
_NOISE_PREFIXES = (
    "Received an error", "Got error status from server", "Publish iteration crashed",
    "Exception raised while parsing message from server",
)  # fmt: skip


class AsyncuaNoise(logging.Filter):
    """Drops what asyncua 2.1.0 logs around a connection loss or a refused connection.

    asyncua logs from `asyncua.client.ua_session.UaSession` ("Publish iteration crashed"
    with a traceback, each second until our disconnect), `asyncua.client.ua_client.*`
    ("... was called but connection is closed", "Received an error", "Got error status")
    and `asyncua.uaprotocol`. The session runner logs one line with the diagnosed cause
    instead. Attached to the handler: a logger's own filters do not see its children.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("asyncua"):
            return True
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and isinstance(error, _LOSS_ERRORS):
            return False
        message = record.getMessage()
        return not (message.startswith(_NOISE_PREFIXES) or message.endswith(_NOISE_SUFFIXES))


def setup_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(AsyncuaNoise())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # asyncua logs every publish at INFO; keep its warnings only.
    logging.getLogger("asyncua").setLevel(logging.WARNING)
