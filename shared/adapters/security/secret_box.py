"""Authenticator secrets sealed at rest with AES-256-GCM (key: SHA-256 of a server secret).

A sealed value is `v1:` + base64url(nonce ‖ ciphertext ‖ tag). The server secret
is a key ring (`totp-encryption-key`, rotated by `wellos keys rotate totp`): a
value is sealed with the ring's current key and opened with whichever key of
the ring still verifies (AES-GCM's tag tells which one fits), so secrets sealed
before a rotation stay readable; the repository re-seals a value it opened with
an older key, and the rotation re-seals every row. A value without the prefix
is a row written before sealing existed: it is read as it is (and sealed in the
same transaction), so existing enrolments keep working.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.core.common.errors import InfrastructureError
from shared.core.keys.model import SigningKeys

PREFIX = "v1:"
NONCE_BYTES = 12


class SealedSecretUnreadableError(InfrastructureError):
    """No key of the ring opens a sealed value (its key was dropped before re-sealing)."""

    code = "sealed_secret_unreadable"


@dataclass(frozen=True)
class Opened:
    plain: str
    current: bool
    """Sealed with the ring's current key: nothing to re-seal."""

    def __repr__(self) -> str:  # never print a secret
        return f"Opened(current={self.current})"


class SecretBox:
    def __init__(self, keys: str | Callable[[], SigningKeys]) -> None:
        """`keys`: one server secret, or the ring's keys of this moment (re-read by the
        caller's key cache, so a rotation reaches every instance)."""
        if isinstance(keys, str):
            single = SigningKeys(keys, (keys,))
            self._keys: Callable[[], SigningKeys] = lambda: single
        else:
            self._keys = keys
        self._aeads: dict[str, AESGCM] = {}

    def _aead(self, key: str) -> AESGCM:
        aead = self._aeads.get(key)
        if aead is None:
            aead = self._aeads[key] = AESGCM(hashlib.sha256(key.encode()).digest())
        return aead

    def seal(self, plain: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aead(self._keys().sign).encrypt(
            nonce, plain.encode(), PREFIX.encode()
        )
        return PREFIX + base64.urlsafe_b64encode(sealed).decode()

    @staticmethod
    def is_sealed(stored: str) -> bool:
        return stored.startswith(PREFIX)

    def open(self, stored: str) -> str:
        return self.open_checked(stored).plain

    def open_checked(self, stored: str) -> Opened:
        """The plain value, and whether it needs re-sealing with the current key."""
        if not self.is_sealed(stored):
            return Opened(stored, False)  # written before sealing
        try:
            raw = base64.urlsafe_b64decode(stored[len(PREFIX) :])
        except (binascii.Error, ValueError):
            raise SealedSecretUnreadableError("a sealed secret is not base64") from None
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        keys = self._keys()
        for key in keys.verify:  # the current key first
            try:
                plain = self._aead(key).decrypt(nonce, sealed, PREFIX.encode()).decode()
            except InvalidTag:
                continue
            return Opened(plain, key == keys.sign)
        raise SealedSecretUnreadableError("no key of the TOTP key ring opens a sealed secret")
