"""The API on a real uvicorn server in a thread, started the way the local hosts start it
(`functions.local.server.uvicorn_config`): real sockets, real peer addresses."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from functions.local.server import uvicorn_config
from tests.emulators import free_port


@contextmanager
def live_server(app: ASGIApp, access_log: bool = False) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 until the block ends; yields its base URL."""
    port = free_port()
    config = uvicorn_config(app, "127.0.0.1", port, access_log=access_log, log_level="info")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
