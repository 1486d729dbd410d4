"""Waiting with a time limit without Python 3.11's `asyncio.wait_for` race.

In 3.11 `wait_for` can swallow a cancellation that arrives as the awaited thing
completes, so a task asked to stop keeps looping. `asyncio.timeout` does not.
"""

from __future__ import annotations

import asyncio


async def wait_event(event: asyncio.Event, seconds: float) -> bool:
    """True once `event` is set, False after `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True
