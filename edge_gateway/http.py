"""`/metrics` (Prometheus text) and `/healthz` (JSON) on asyncio's own TCP server.

Deliberately tiny: GET only, one request per connection, no keep-alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Handler = Callable[[], tuple[int, str, str]]
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


class OpsServer:
    def __init__(self, routes: dict[str, Handler], host: str, port: int) -> None:
        self._routes = routes
        self._host = host
        self._port = port
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the ops server is not running")
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self._host, self._port)
        log.info("ops endpoint on http://%s:%s (/metrics, /healthz)", self._host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(5):
                request = await reader.readuntil(b"\r\n\r\n")
            status, content_type, body = self._answer(request)
            payload = body.encode()
            head = (
                f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
                "Connection: close\r\n\r\n"
            )
            writer.write(head.encode() + payload)
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    def _answer(self, request: bytes) -> tuple[int, str, str]:
        parts = request.split(b"\r\n", 1)[0].decode("latin-1").split()
        if len(parts) < 2:
            return 405, "text/plain", "bad request\n"
        method, path = parts[0], parts[1].split("?", 1)[0]
        if method != "GET":
            return 405, "text/plain", "GET only\n"
        handler = self._routes.get(path)
        if handler is None:
            return 404, "application/json", json.dumps({"error": "not found"})
        return handler()
