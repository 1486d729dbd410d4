"""A small thread-safe cache whose entries expire after ``ttl_s`` seconds.

The registry lookups of every request (tenant by slug, user by id, gateway by
id) and the drain's tag ids go through one of these, so a change made on
another instance applies within ``ttl_s``; the instance that made it calls
``forget``. Misses are cached too (``None``), so unknown keys cost one query
per ``ttl_s``. When it holds ``max_entries``, it starts afresh. A load that was
running when ``forget`` was called answers its caller but is not kept: it may have
read the database before the change that ``forget`` announces.

>>> ticks = iter([0.0, 1.0, 20.0])
>>> cache: TtlCache[str, int] = TtlCache(10.0, monotonic=lambda: next(ticks))
>>> cache.get_or_load("a", lambda: 1), cache.get_or_load("a", lambda: 2)
(1, 1)
>>> cache.get_or_load("a", lambda: 3)
3
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    def __init__(
        self,
        ttl_s: float,
        monotonic: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # bumped by every forget: loads begun before it are not kept

    def get_or_load(
        self, key: K, load: Callable[[], V], usable: Callable[[V], bool] = lambda _: True
    ) -> V:
        """The cached value while fresh and ``usable``; else ``load()``, kept from now on."""
        now = self._monotonic()
        with self._lock:
            cached = self._entries.get(key)
            generation = self._generation
        if cached is not None and now - cached[0] < self._ttl_s and usable(cached[1]):
            return cached[1]
        value = load()  # outside the lock: a slow query must not hold up other keys
        with self._lock:
            if generation != self._generation:
                return value  # forgotten meanwhile: what was loaded may predate the change
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[key] = (now, value)
        return value

    def peek(self, key: K, usable: Callable[[V], bool] = lambda _: True) -> tuple[V] | None:
        """``(value,)`` while fresh and ``usable`` (``get_or_load`` would not load); else None.

        For callers that must not block on a load where they stand (an event loop).
        """
        now = self._monotonic()
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None and now - cached[0] < self._ttl_s and usable(cached[1]):
            return (cached[1],)
        return None

    def forget(self, key: K | None = None) -> None:
        """Drop ``key``, or everything."""
        with self._lock:
            self._generation += 1
            if key is None:
                self._entries.clear()
            else:
                self._entries.pop(key, None)

    def forget_where(self, matches: Callable[[K], bool]) -> None:
        """Drop every key for which ``matches`` is true."""
        with self._lock:
            self._generation += 1
            for key in [key for key in self._entries if matches(key)]:
                del self._entries[key]
