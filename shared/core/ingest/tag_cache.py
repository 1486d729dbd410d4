"""Each tenant's mapped tag ids, cached between drains and reloaded on a miss."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from shared.core.ingest.ports import TagIds


class TagIdCache:
    """Known tag ids per tenant; a batch naming an id not in the cache triggers one reload."""

    def __init__(
        self, ttl_s: float = 300.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, frozenset[int]]] = {}
        self._lock = threading.Lock()

    def known(self, tenant_id: str, source: TagIds, needed: set[int]) -> frozenset[int]:
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(tenant_id)
        if cached is not None and now - cached[0] < self._ttl_s and needed <= cached[1]:
            return cached[1]
        ids = source.all_ids()
        with self._lock:
            self._cache[tenant_id] = (now, ids)
        return ids

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            self._cache.pop(tenant_id, None)
