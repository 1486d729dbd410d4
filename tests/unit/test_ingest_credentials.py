"""Gateway credentials: derived from the server key, parsed from the Authorization header."""

from __future__ import annotations

import uuid

import pytest

from shared.adapters.memory.secrets import InMemorySecrets
from shared.core.scada.errors import GatewayAuthenticationError
from shared.core.scada.services.credentials import (
    INGEST_KEY_SECRET_NAME,
    GatewayKeys,
    parse_gateway_authorization,
)


class RecordingSecrets(InMemorySecrets):
    def __init__(self) -> None:
        super().__init__()
        self.written: dict[str, str] = {}

    def set(self, name: str, value: str) -> None:
        self.written[name] = value
        super().set(name, value)


def test_secrets_are_derived_not_stored():
    # GIVEN an empty secret store
    secrets = RecordingSecrets()
    keys = GatewayKeys(secrets)
    gateway = str(uuid.uuid4())
    # WHEN a credential is made
    credential = keys.credential(gateway)
    # THEN only the server key was stored, and another process derives the same secret
    assert set(secrets.written) == {INGEST_KEY_SECRET_NAME}
    assert credential.secret not in secrets.written.values()
    assert GatewayKeys(secrets).secret_for(gateway) == credential.secret
    assert keys.matches(gateway, credential.secret)
    assert not keys.matches(str(uuid.uuid4()), credential.secret)
    assert credential.authorization == f"Gateway {gateway}:{credential.secret}"


def test_the_authorization_header_is_parsed_strictly():
    gateway = str(uuid.uuid4())
    assert parse_gateway_authorization(f"Gateway {gateway}:abc") == (gateway, "abc")
    assert parse_gateway_authorization(f"gateway {gateway.upper()}:abc") == (gateway, "abc")
    for bad in [
        None,
        "",
        "Bearer x",
        f"Gateway {gateway}",
        "Gateway nope:abc",
        f"Gateway {gateway}:",
    ]:
        with pytest.raises(GatewayAuthenticationError):
            parse_gateway_authorization(bad)
