"""Serve an ASGI app in-process with uvicorn: stoppable, timed, counting requests.

Every local host starts uvicorn through `uvicorn_config`: the peer address comes
from the socket (uvicorn's own `X-Forwarded-For` handling is off; the app believes
the header only from `WELLOS_TRUSTED_PROXIES`, see functions/api/addresses.py), and
credentials in URLs are redacted from uvicorn's log lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import ip_address

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from functions.api.logging import redact_uvicorn_logs
from shared.settings import Settings

log = logging.getLogger("wellos.local")
WILDCARDS = {"", "0.0.0.0", "::"}


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


def uvicorn_config(
    app: ASGIApp, host: str, port: int, access_log: bool = False, log_level: str = "warning"
) -> uvicorn.Config:
    """uvicorn as the local hosts run it: no proxy headers, secrets redacted from its logs."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        proxy_headers=False,
        server_header=False,
    )
    redact_uvicorn_logs()  # after Config: it (re)configures uvicorn's loggers
    return config


def local_public_url(host: str, port: int) -> str | None:
    """This server's own address as a base URL for links; None for a wildcard bind, whose
    address differs per caller (links are then relative to the URL the caller used)."""
    if host in WILDCARDS:
        return None
    try:
        literal = ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"
    return f"http://[{literal}]:{port}" if literal.version == 6 else f"http://{literal}:{port}"


def with_public_url(settings: Settings, host: str, port: int) -> Settings:
    """`settings` with `public_api_url` set: as configured, else this server's bind address;
    and `public_app_url` (the links in e-mails) likewise, as this server serves the office
    app at `/` beside the API.

    Links are never built from a request's Host header, which the caller chooses.
    """
    url = settings.public_api_url or local_public_url(host, port)
    if url is None:
        log.info("listening on all interfaces: blob links are relative to the API's URL")
        return settings
    update = {"public_api_url": url}
    if settings.public_app_url is None:
        update["public_app_url"] = url
    return settings.model_copy(update=update)


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
    server = uvicorn.Server(uvicorn_config(app, host, port))
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
