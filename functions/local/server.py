"""Serve an ASGI app in-process with uvicorn: stoppable, timed, counting requests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send


class PortUnavailableError(OSError):
    """The address to listen on is taken or not allowed."""


class CountingApp:
    """Wraps an ASGI app and counts the HTTP requests it serves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.requests += 1
        await self.app(scope, receive, send)


def ensure_port_free(host: str, port: int) -> None:
    """Fail fast, before any provisioning, when `host:port` cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortUnavailableError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port"
            ) from None


@dataclass(frozen=True)
class ServeResult:
    uptime_s: float
    requests: int
    interrupted: bool


def serve(
    app: CountingApp,
    host: str,
    port: int,
    duration_s: float | None = None,
    on_ready: Callable[[], None] | None = None,
) -> ServeResult:
    """Serve until Ctrl-C, or for `duration_s` seconds; `on_ready` runs once listening."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    started = time.monotonic()
    interrupted = False
    try:
        asyncio.run(_serve(server, duration_s, on_ready))
    except KeyboardInterrupt:
        interrupted = True
    except SystemExit:  # uvicorn exits this way when it cannot bind
        raise PortUnavailableError(f"cannot listen on {host}:{port}") from None
    if not server.started and not interrupted:
        raise PortUnavailableError(f"the server on {host}:{port} did not start")
    return ServeResult(time.monotonic() - started, app.requests, interrupted)


async def _serve(
    server: uvicorn.Server, duration_s: float | None, on_ready: Callable[[], None] | None
) -> None:
    watcher = asyncio.create_task(_watch(server, duration_s, on_ready))
    try:
        await server.serve()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def _watch(
    server: uvicorn.Server, duration_s: float | None, on_ready: Callable[[], None] | None
) -> None:
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.05)
    if on_ready is not None:
        on_ready()
    if duration_s is not None:
        await asyncio.sleep(duration_s)
        server.should_exit = True
