"""A key ring: the signing key, and the keys still accepted when verifying.

Stored as one secret value, so a rotation is one write: JSON
`{"keys": [{"value", "sign_from", "verify_until"}, ...]}` (oldest first). A plain
string (what the templates and the first start create) is a ring of one key.

A rotation adds a key that starts signing `activate_in` from now — by then every
instance has re-read the ring (`key_reload_s`) and accepts it — and ends the
verification of the older keys `grace` after that: tokens they signed stay valid
until then, so `grace` must be at least the tokens' lifetime.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_KEY_CHARS = 32


@dataclass(frozen=True)
class ServerKey:
    value: str
    sign_from: datetime = EPOCH
    verify_until: datetime | None = None

    def __repr__(self) -> str:  # never print a key
        return f"ServerKey(sign_from={self.sign_from}, verify_until={self.verify_until})"

    def verifies_at(self, now: datetime) -> bool:
        return self.verify_until is None or self.verify_until > now


@dataclass(frozen=True)
class SigningKeys:
    """What a signer needs at one moment: the key to sign with, the keys to accept."""

    sign: str
    verify: tuple[str, ...]

    def __repr__(self) -> str:
        return f"SigningKeys({len(self.verify)} verifying)"


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[ServerKey, ...]

    @classmethod
    def parse(cls, text: str) -> KeyRing:
        if not text.lstrip().startswith("{"):
            return cls((ServerKey(text),))
        data = json.loads(text)
        return cls(
            tuple(
                ServerKey(
                    str(item["value"]),
                    datetime.fromisoformat(item["sign_from"]),
                    datetime.fromisoformat(item["verify_until"]) if item["verify_until"] else None,
                )
                for item in data["keys"]
            )
        )

    def dump(self) -> str:
        return json.dumps(
            {
                "keys": [
                    {
                        "value": key.value,
                        "sign_from": key.sign_from.isoformat(),
                        "verify_until": key.verify_until.isoformat() if key.verify_until else None,
                    }
                    for key in self.keys
                ]
            }
        )

    def at(self, now: datetime) -> SigningKeys:
        """The newest key already signing (the oldest one while none is), and every key
        still verifying, the signing key first."""
        live = [key for key in self.keys if key.verifies_at(now)] or list(self.keys[-1:])
        signing = [key for key in live if key.sign_from <= now]
        sign = (signing[-1] if signing else live[0]).value
        return SigningKeys(sign, (sign, *(k.value for k in live if k.value != sign)))

    def rotated(
        self, new_value: str, now: datetime, activate_in: timedelta, grace: timedelta
    ) -> KeyRing:
        """The ring with `new_value` signing from `now + activate_in`; every older key
        verifies until `grace` after that at most; expired keys are dropped."""
        if len(new_value) < MIN_KEY_CHARS:
            raise ValueError(f"a server key needs at least {MIN_KEY_CHARS} characters")
        start = now + activate_in
        end = start + grace
        kept = [
            replace(key, verify_until=min(key.verify_until or end, end))
            for key in self.keys
            if key.verifies_at(now)
        ]
        return KeyRing((*kept, ServerKey(new_value, start, None)))
