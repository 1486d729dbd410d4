"""The platform of one warm process, built on first use; a StartupError is logged once and kept.

Every host holds its platform through this: the API (per app), each Azure
blueprint and each Lambda handler module. A deployment missing a setting or a
server key gets one log line naming them all, then the same StartupError (503,
or a failed trigger the platform retries) on every call: never a traceback each.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from shared.bootstrap.startup import StartupError

log = logging.getLogger("wellos.startup")
P = TypeVar("P")


class PlatformHolder(Generic[P]):
    """Builds the platform once, on first use, from a factory."""

    def __init__(self, factory: Callable[[], P]) -> None:
        self._factory = factory
        self._platform: P | None = None
        self._error: StartupError | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> P | None:
        """The platform if it is built already (no waiting, no building)."""
        return self._platform

    def get(self) -> P:
        if self._platform is None:
            with self._lock:
                if self._error is not None:
                    raise self._error.with_traceback(None)
                if self._platform is None:
                    self._platform = self._build()
        return self._platform

    def _build(self) -> P:
        try:
            return self._factory()
        except StartupError as exc:
            if not exc.reported:  # holders nest (a runtime's around the process's): log once
                log.error("%s", exc.detail)
                exc.reported = True
            self._error = exc
            raise

    def startup_error(self) -> StartupError | None:
        """The StartupError of building the platform (built now if it was not yet)."""
        try:
            self.get()
        except StartupError as exc:
            return exc
        return None

    def take(self) -> P | None:
        """The platform if built, and forget it (the caller closes it)."""
        with self._lock:
            platform, self._platform = self._platform, None
            return platform
