"""What was built from SQL elements, remembered by those elements' identity.

A statement or a layout built once per query shape saves its construction and its cache
key on every request. SQL elements overload `==` (it builds a comparison), so keys are
the elements' ids, and a hit is checked element by element with `is`; an entry keeps its
elements alive, so their ids are not reused while it stands. Bounded: when full, it
starts afresh (elements built per call come and go).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityCache(Generic[V]):
    def __init__(self, max_entries: int = 256) -> None:
        self._max_entries = max_entries
        self._entries: dict[tuple[Hashable, ...], tuple[tuple[object, ...], V]] = {}
        self._lock = threading.Lock()

    def get_or_build(
        self, elements: tuple[object, ...], build: Callable[[], V], also: Hashable = None
    ) -> V:
        """The value built for `elements` (by identity) and `also` (by equality)."""
        key = (*map(id, elements), also)
        entry = self._entries.get(key)
        if entry is not None and all(a is b for a, b in zip(entry[0], elements, strict=True)):
            return entry[1]
        value = build()
        with self._lock:
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[key] = (elements, value)
        return value
