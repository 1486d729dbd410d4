"""Getting a session back soon after the server is: jittered backoff plus a cheap probe.

Between two connection attempts the runner waits a decorrelated-jitter delay (so many
gateways do not hammer a recovering server in step), but while it waits it opens a
plain TCP connection to the endpoint every `probe_interval_s`: a server that was
unreachable and accepts TCP again is tried at once, so a restarted RTU is used within a
second instead of after the rest of a 30 s backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import random
from urllib.parse import urlsplit

PROBE_INTERVAL_S = 0.5


class JitteredBackoff:
    """Decorrelated jitter: next = uniform(initial, 3 x previous), capped; `reset` after success."""

    def __init__(self, initial: float, maximum: float, rng: random.Random | None = None) -> None:
        self.initial = initial
        self.maximum = max(initial, maximum)
        self._rng = rng or random.Random()
        self._last = initial
        self.attempt = 0

    def next(self) -> float:
        self.attempt += 1
        if self.attempt == 1:
            return self.initial
        upper = max(self.initial, self._last * 3)
        self._last = min(self.maximum, self._rng.uniform(self.initial, upper))
        return self._last

    def reset(self) -> None:
        self._last = self.initial
        self.attempt = 0


def host_port(endpoint_url: str) -> tuple[str, int]:
    parts = urlsplit(endpoint_url)
    return parts.hostname or "127.0.0.1", parts.port or 4840


def is_local(endpoint_url: str) -> bool:
    """An RTU on the site network: loopback, private or link-local address, a single-label
    host name or a `.local` one."""
    host, _ = host_port(endpoint_url)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host or host.endswith(".local") or host == "localhost"
    return address.is_private or address.is_loopback or address.is_link_local


async def reachable(host: str, port: int, timeout_s: float = 0.4) -> bool:
    """True when a TCP connection to host:port opens (closed again at once)."""
    try:
        async with asyncio.timeout(timeout_s):
            _, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def wait_for_server(
    endpoint_url: str,
    delay_s: float,
    watch: bool,
    stop: asyncio.Event,
    probe_interval_s: float = PROBE_INTERVAL_S,
) -> bool:
    """Wait up to `delay_s`; with `watch`, return early once the endpoint accepts TCP.

    Returns True when the probe saw the server (so the caller knows why it woke).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + delay_s
    host, port = host_port(endpoint_url)
    while not stop.is_set():
        left = deadline - loop.time()
        if left <= 0:
            return False
        step = min(left, probe_interval_s) if watch else left
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(step):
                await stop.wait()
        if watch and not stop.is_set() and await reachable(host, port, probe_interval_s):
            return True
    return False
