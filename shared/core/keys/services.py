"""Server keys in the Secrets port: read (re-read every `reload_s`), created, rotated."""

from __future__ import annotations

import secrets as token_generator
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InfrastructureError, SecretNotFoundError
from shared.core.common.ttl_cache import TtlCache
from shared.core.keys.model import KeyRing, SigningKeys
from shared.core.ports.secrets import Secrets


def new_key() -> str:
    return token_generator.token_urlsafe(48)


@dataclass(frozen=True)
class Rotation:
    """When the new key signs and when the previous keys stop verifying."""

    name: str
    signs_from: datetime
    previous_valid_until: datetime
    keys_in_ring: int


class ServerKeys:
    def __init__(
        self,
        secrets: Secrets,
        reload_s: float = 60,
        clock: Clock = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._secrets = secrets
        self._reload_s = reload_s
        self._clock = clock
        self._rings: TtlCache[str, KeyRing] = TtlCache(reload_s, monotonic=monotonic)
        self._last: dict[str, KeyRing] = {}

    def ring(self, name: str) -> KeyRing:
        """The ring stored under `name`; a new one-key ring is created on first use.

        When a re-read fails (the secret store does not answer), the ring read last is
        kept, so requests go on being served; the next call tries again.
        """
        try:
            ring = self._rings.get_or_load(name, lambda: self._load(name))
        except InfrastructureError:
            if name not in self._last:
                raise
            return self._last[name]
        self._last[name] = ring
        return ring

    def source(self, name: str) -> Callable[[], SigningKeys]:
        """What a token signer calls on every use: the keys of this moment."""
        return lambda: self.ring(name).at(self._clock())

    def rotate(self, name: str, grace: timedelta, activate_in: timedelta | None = None) -> Rotation:
        """Add a new key; the previous ones keep verifying for `grace` after it signs."""
        if activate_in is None:
            activate_in = timedelta(seconds=self._reload_s)
        now = self._clock()
        ring = self._load(name).rotated(new_key(), now, activate_in, grace)
        self._secrets.set(name, ring.dump())
        self._rings.forget(name)
        return Rotation(name, now + activate_in, now + activate_in + grace, len(ring.keys))

    def _load(self, name: str) -> KeyRing:
        try:
            return KeyRing.parse(self._secrets.get(name))
        except SecretNotFoundError:
            key = new_key()
            self._secrets.set(name, key)
            return KeyRing.parse(key)
