"""Decline fits remembered by the history they were fitted to.

A fit is a pure function of a well's daily series and costs ~80 ms of CPU (four Arps
candidates, several least-squares starts each); the well page asks for it on every
visit while the series changes once a day at most. The key is a digest of the series
itself (dates, rates, hours on), so a new or corrected production row is a new key and
nothing needs invalidating; entries are kept per tenant, least recently used first out.
"""

from __future__ import annotations

import hashlib
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fit module loads scipy: only when a fit is made
    from shared.core.decline.model.fit import DeclineFit

Fit = Callable[[Sequence[date], Sequence[float | None], Sequence[float | None]], "DeclineFit"]

MEMO_ENTRIES = 512


def history_digest(
    tenant_id: str,
    dates: Sequence[date],
    rates: Sequence[float | None],
    hours_on: Sequence[float | None],
) -> bytes:
    """A digest naming exactly this tenant's series (what the fit depends on)."""
    digest = hashlib.blake2b(tenant_id.encode(), digest_size=20)
    digest.update(struct.pack(f"<{len(dates)}i", *(d.toordinal() for d in dates)))
    for values in (rates, hours_on):
        missing = bytes(v is None for v in values)  # apart: no number stands for "none"
        numbers = (0.0 if v is None else float(v) for v in values)
        digest.update(struct.pack(f"<I{len(values)}d", len(values), *numbers) + missing)
    return digest.digest()


class FitMemo:
    """`fit` results for the last `entries` distinct series."""

    def __init__(self, fit: Fit, entries: int = MEMO_ENTRIES) -> None:
        if entries < 1:
            raise ValueError("entries must be at least 1")
        self._fit = fit
        self._entries = entries
        self._fits: OrderedDict[bytes, DeclineFit] = OrderedDict()
        self._lock = threading.Lock()

    def fitted(
        self,
        tenant_id: str,
        dates: Sequence[date],
        rates: Sequence[float | None],
        hours_on: Sequence[float | None],
    ) -> DeclineFit:
        key = history_digest(tenant_id, dates, rates, hours_on)
        with self._lock:
            known = self._fits.get(key)
            if known is not None:
                self._fits.move_to_end(key)
                return known
        made = self._fit(dates, rates, hours_on)  # outside the lock: other wells go on
        with self._lock:
            self._fits[key] = made
            while len(self._fits) > self._entries:
                self._fits.popitem(last=False)
        return made

    def __len__(self) -> int:
        return len(self._fits)
