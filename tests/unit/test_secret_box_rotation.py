"""Authenticator secrets sealed with the TOTP key ring: readable across a rotation.

The ring lives in the secret store as the other server keys do; the clocks are
injected (`now` judges the ring, `ticks` the reload cache).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.security.secret_box import SealedSecretUnreadableError, SecretBox
from shared.core.keys.services import ServerKeys

TOTP = "totp-encryption-key"
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXP"


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


def keys_of(secrets: InMemorySecrets, clocks: Clocks) -> ServerKeys:
    return ServerKeys(
        secrets, reload_s=60, clock=lambda: clocks.now, monotonic=lambda: clocks.ticks
    )


def test_a_secret_sealed_before_a_rotation_opens_after_it_and_asks_to_be_resealed(clocks):
    secrets = InMemorySecrets()
    secrets.set(TOTP, "the-key-a-release-before-rotation-made-" + "x" * 10)  # a plain key
    keys = keys_of(secrets, clocks)
    box = SecretBox(keys.source(TOTP))
    before = box.seal(SECRET)
    assert box.open_checked(before).current is True
    # WHEN the key is rotated (active at once, the old one kept for a day)
    keys.rotate(TOTP, grace=timedelta(days=1), activate_in=timedelta(0))
    # THEN the old value still opens, and says it was sealed with an older key
    opened = box.open_checked(before)
    assert opened.plain == SECRET and opened.current is False
    # AND what is sealed now uses the new key alone
    after = box.seal(SECRET)
    assert box.open_checked(after).current is True
    new_key_only = SecretBox(keys.ring(TOTP).keys[-1].value)
    assert new_key_only.open(after) == SECRET
    with pytest.raises(SealedSecretUnreadableError):
        new_key_only.open(before)
    assert SECRET not in repr(opened)


def test_once_the_grace_is_over_an_old_value_no_longer_opens(clocks):
    secrets = InMemorySecrets()
    keys = keys_of(secrets, clocks)
    box = SecretBox(keys.source(TOTP))
    before = box.seal(SECRET)
    keys.rotate(TOTP, grace=timedelta(hours=1), activate_in=timedelta(0))
    clocks.advance(2 * 3600)
    with pytest.raises(SealedSecretUnreadableError):
        box.open(before)


def test_another_instance_opens_new_values_once_it_re_read_the_ring(clocks):
    secrets = InMemorySecrets()
    rotating, other = keys_of(secrets, clocks), keys_of(secrets, clocks)
    other_box = SecretBox(other.source(TOTP))
    old = other_box.seal(SECRET)
    rotating.rotate(TOTP, grace=timedelta(days=1), activate_in=timedelta(seconds=60))
    clocks.advance(61)  # past the activation and the other instance's reload
    rotated_box = SecretBox(rotating.source(TOTP))
    new = rotated_box.seal(SECRET)
    assert other_box.open(new) == SECRET
    assert rotated_box.open(old) == SECRET


def test_a_plain_value_from_before_sealing_reads_as_it_is():
    box = SecretBox("k" * 40)
    opened = box.open_checked(SECRET)
    assert opened.plain == SECRET and opened.current is False
    with pytest.raises(SealedSecretUnreadableError):
        box.open("v1:!!not-base64!!")
