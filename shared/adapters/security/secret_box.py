"""Authenticator secrets sealed at rest with AES-256-GCM (key: SHA-256 of a server secret).

A sealed value is `v1:` + base64url(nonce ‖ ciphertext ‖ tag). A value without
the prefix is a row written before sealing existed: it is read as it is (and the
master repository seals it in the same transaction), so existing enrolments keep
working.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1:"
NONCE_BYTES = 12


class SecretBox:
    def __init__(self, server_secret: str) -> None:
        self._aead = AESGCM(hashlib.sha256(server_secret.encode()).digest())

    def seal(self, plain: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, plain.encode(), PREFIX.encode())
        return PREFIX + base64.urlsafe_b64encode(sealed).decode()

    @staticmethod
    def is_sealed(stored: str) -> bool:
        return stored.startswith(PREFIX)

    def open(self, stored: str) -> str:
        if not self.is_sealed(stored):
            return stored  # written before sealing
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :])
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        return self._aead.decrypt(nonce, sealed, PREFIX.encode()).decode()
