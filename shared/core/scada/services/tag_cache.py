"""Each tenant's mapped tag ids, cached between drains and reloaded on a miss."""

from __future__ import annotations

import time
from collections.abc import Callable

from shared.core.common.ttl_cache import TtlCache
from shared.core.scada.ports import TagIds


class TagIdCache:
    """Known tag ids per tenant; a batch naming an id not in the cache triggers one reload."""

    def __init__(
        self, ttl_s: float = 300.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._cache: TtlCache[str, frozenset[int]] = TtlCache(ttl_s, monotonic)

    def known(self, tenant_id: str, source: TagIds, needed: set[int]) -> frozenset[int]:
        return self._cache.get_or_load(tenant_id, source.all_ids, lambda ids: needed <= ids)

    def forget(self, tenant_id: str) -> None:
        self._cache.forget(tenant_id)
