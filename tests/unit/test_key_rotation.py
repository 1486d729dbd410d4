"""Server-key rotation: the previous key verifies until the grace ends, new tokens use the new key.

The clocks are injected: `now` is the wall clock the rings are judged by, `ticks`
the monotonic clock of the reload cache (an instance re-reads the ring after
`RELOAD_S`). JWT expiry is far in the future, so only the keys decide.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from shared.adapters.local.blob_tokens import BlobTokenSigner
from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.core.common.errors import (
    AuthenticationError,
    InfrastructureError,
    InvalidBlobTokenError,
)
from shared.core.common.roles import Role
from shared.core.keys.model import KeyRing
from shared.core.keys.services import ServerKeys
from shared.core.ports.security import AccessClaims

RELOAD_S = 60.0
GRACE = timedelta(hours=1)
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
JWT = "jwt-signing-key"
BLOB = "blob-token-key"


class Clocks:
    def __init__(self) -> None:
        self.now = START
        self.ticks = 0.0

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.ticks += seconds


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def secrets() -> InMemorySecrets:
    return InMemorySecrets()


def instance(secrets: InMemorySecrets, clocks: Clocks) -> ServerKeys:
    """One API instance's view of the rings (its own reload cache)."""
    return ServerKeys(secrets, RELOAD_S, clock=lambda: clocks.now, monotonic=lambda: clocks.ticks)


def claims(subject: str) -> AccessClaims:
    far = datetime.now(UTC) + timedelta(days=30)
    return AccessClaims(subject, "t-1", "acme", Role.ADMIN, "a@acme.test", far)


def signed_by(token: str, key: str) -> bool:
    try:
        jwt.decode(token, key, algorithms=["HS256"], options={"verify_aud": False})
    except jwt.InvalidSignatureError:
        return False
    return True


def test_jwt_previous_key_verifies_until_the_grace_ends(
    secrets: InMemorySecrets, clocks: Clocks
) -> None:
    keys = instance(secrets, clocks)
    codec = JwtAccessTokenCodec(keys.source(JWT))
    old_token = codec.encode(claims("before"))
    [old_key] = [k.value for k in keys.ring(JWT).keys]
    # WHEN the key is rotated (the new key signs after one reload interval)
    rotation = instance(secrets, clocks).rotate(JWT, GRACE, timedelta(seconds=RELOAD_S))
    assert rotation.signs_from == START + timedelta(seconds=RELOAD_S)
    assert rotation.previous_valid_until == rotation.signs_from + GRACE
    clocks.advance(RELOAD_S + 1)
    # THEN new tokens use the new key, and the old token still works
    new_token = codec.encode(claims("after"))
    new_key = keys.ring(JWT).keys[-1].value
    assert new_key != old_key
    assert signed_by(new_token, new_key) and not signed_by(new_token, old_key)
    assert codec.decode(old_token).subject == "before"
    assert codec.decode(new_token).subject == "after"
    # AND just before the grace ends the old token is still accepted
    clocks.advance(GRACE.total_seconds() - 2)
    assert codec.decode(old_token).subject == "before"
    # AND once it ended, the old token is refused and the new one is not
    clocks.advance(2)
    with pytest.raises(AuthenticationError, match="invalid"):
        codec.decode(old_token)
    assert codec.decode(new_token).subject == "after"


def test_an_instance_that_has_not_reloaded_accepts_every_token_issued(
    secrets: InMemorySecrets, clocks: Clocks
) -> None:
    # GIVEN two instances that loaded the ring before the rotation
    first = JwtAccessTokenCodec(instance(secrets, clocks).source(JWT))
    stale_keys = instance(secrets, clocks)
    stale = JwtAccessTokenCodec(stale_keys.source(JWT))
    stale.encode(claims("warm-up"))
    instance(secrets, clocks).rotate(JWT, GRACE, timedelta(seconds=RELOAD_S))
    # WHEN tokens are issued before the new key signs, the stale instance accepts them
    clocks.advance(RELOAD_S / 2)
    assert stale.decode(first.encode(claims("early"))).subject == "early"
    # AND by the time the new key signs, the stale instance has re-read the ring
    clocks.advance(RELOAD_S / 2 + 1)
    assert stale.decode(first.encode(claims("later"))).subject == "later"
    assert len(stale_keys.ring(JWT).keys) == 2


def test_rotating_twice_keeps_both_previous_keys_until_their_grace(
    secrets: InMemorySecrets, clocks: Clocks
) -> None:
    keys = instance(secrets, clocks)
    codec = JwtAccessTokenCodec(keys.source(JWT))
    first = codec.encode(claims("first"))
    keys.rotate(JWT, GRACE, timedelta(0))
    second = codec.encode(claims("second"))
    keys.rotate(JWT, GRACE, timedelta(0))
    third = codec.encode(claims("third"))
    assert [codec.decode(t).subject for t in (first, second, third)] == [
        "first",
        "second",
        "third",
    ]
    assert len(KeyRing.parse(secrets.get(JWT)).keys) == 3


def test_blob_links_signed_with_the_previous_key_work_until_the_grace_ends(
    secrets: InMemorySecrets, clocks: Clocks
) -> None:
    keys = instance(secrets, clocks)
    signer = BlobTokenSigner(keys.source(BLOB), "http://api.test", clock=lambda: clocks.now)
    old_link = signer.download_url("tenants/acme/photo.jpg", expires_s=10 * 86400)
    old_token = old_link.split("token=")[1]
    keys.rotate(BLOB, GRACE, timedelta(0))
    # THEN a new link differs (new key) and both verify during the grace
    new_token = signer.download_url("tenants/acme/photo.jpg", 10 * 86400).split("token=")[1]
    assert new_token.split(".")[1] != old_token.split(".")[1]
    assert signer.verify("tenants/acme/photo.jpg", old_token, "GET").method == "GET"
    assert signer.verify("tenants/acme/photo.jpg", new_token, "GET").method == "GET"
    # AND after the grace, only the new link works
    clocks.advance(GRACE.total_seconds() + 1)
    with pytest.raises(InvalidBlobTokenError, match="signature"):
        signer.verify("tenants/acme/photo.jpg", old_token, "GET")
    assert signer.verify("tenants/acme/photo.jpg", new_token, "GET").method == "GET"


def test_a_plain_key_written_by_the_templates_is_a_ring_of_one(
    secrets: InMemorySecrets, clocks: Clocks
) -> None:
    secrets.set(JWT, "k" * 40)
    keys = instance(secrets, clocks)
    token = JwtAccessTokenCodec(keys.source(JWT)).encode(claims("plain"))
    assert signed_by(token, "k" * 40)
    keys.rotate(JWT, GRACE, timedelta(0))
    assert JwtAccessTokenCodec(keys.source(JWT)).decode(token).subject == "plain"


def test_key_values_never_show_in_a_repr(secrets: InMemorySecrets, clocks: Clocks) -> None:
    keys = instance(secrets, clocks)
    ring = keys.ring(JWT)
    assert ring.keys[0].value not in repr(ring)
    assert ring.keys[0].value not in repr(ring.at(clocks.now))


class FlakySecrets(InMemorySecrets):
    """A secret store that stops answering when told to."""

    down = False

    def get(self, name: str) -> str:
        if self.down:
            raise InfrastructureError("Key Vault did not answer")
        return super().get(name)


def test_a_secret_store_outage_keeps_the_last_ring(clocks: Clocks) -> None:
    store = FlakySecrets()
    keys = ServerKeys(store, RELOAD_S, clock=lambda: clocks.now, monotonic=lambda: clocks.ticks)
    codec = JwtAccessTokenCodec(keys.source(JWT))
    token = codec.encode(claims("before"))
    # WHEN the store stops answering after the reload interval
    store.down = True
    clocks.advance(RELOAD_S + 1)
    # THEN tokens are still issued and verified with the ring read last
    assert codec.decode(token).subject == "before"
    assert codec.decode(codec.encode(claims("during"))).subject == "during"
    # AND a process that never read the ring reports the outage
    fresh = ServerKeys(store, RELOAD_S)
    with pytest.raises(InfrastructureError):
        fresh.ring(JWT)
