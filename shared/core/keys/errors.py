"""Errors of server-key rotation.

InputError (422, names the field)
└── UnknownKeyError          a key name rotation does not know
ConflictError (409)
└── KeyPinnedError           the key comes from a setting, not the secret store
"""

from __future__ import annotations

from shared.core.common.errors import ConflictError, InputError


class UnknownKeyError(InputError):
    code = "unknown_key"


class KeyPinnedError(ConflictError):
    code = "key_pinned"
