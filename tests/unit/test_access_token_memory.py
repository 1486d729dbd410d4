"""Access tokens that verified once are remembered: every request presents its token
again, and PyJWT's checks cost more than the rest of authentication. What a remembered
token must still do: expire on time, stop working when its key stops verifying, and
a token that differs from it by one character is not it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.core.common.errors import AuthenticationError
from shared.core.common.roles import Role
from shared.core.keys.model import SigningKeys
from shared.core.ports.security import AccessClaims

KEY_A = "a" * 40
KEY_B = "b" * 40


def claims(expires_at: datetime) -> AccessClaims:
    return AccessClaims(
        subject="u1",
        tenant_id="t1",
        tenant_slug="alpha",
        role=Role.VIEWER,
        email="u1@example.com",
        expires_at=expires_at,
        session_id="s1",
    )


def test_a_remembered_token_expires_when_its_exp_passes() -> None:
    now = [time.time()]
    codec = JwtAccessTokenCodec(KEY_A, leeway_s=30, clock=lambda: now[0])
    expires = datetime.fromtimestamp(int(now[0]) + 600, UTC)
    token = codec.encode(claims(expires))
    assert codec.decode(token).expires_at == expires
    now[0] = expires.timestamp() + 29  # within the leeway, as PyJWT allows
    assert codec.decode(token).subject == "u1"
    now[0] = expires.timestamp() + 30
    with pytest.raises(AuthenticationError, match="expired"):
        codec.decode(token)


def test_a_remembered_token_is_refused_once_its_key_no_longer_verifies() -> None:
    ring = [SigningKeys(KEY_A, (KEY_A,))]
    codec = JwtAccessTokenCodec(lambda: ring[0])
    token = codec.encode(claims(datetime.now(UTC) + timedelta(hours=1)))
    assert codec.decode(token).subject == "u1"
    ring[0] = SigningKeys(KEY_B, (KEY_B, KEY_A))  # rotated: A still verifies
    assert codec.decode(token).subject == "u1"
    ring[0] = SigningKeys(KEY_B, (KEY_B,))  # the grace has ended
    with pytest.raises(AuthenticationError, match="invalid"):
        codec.decode(token)


def test_a_token_one_character_off_a_remembered_one_is_refused() -> None:
    codec = JwtAccessTokenCodec(KEY_A)
    token = codec.encode(claims(datetime.now(UTC) + timedelta(hours=1)))
    codec.decode(token)
    last = token[-2]
    tampered = token[:-2] + ("A" if last != "A" else "B") + token[-1]
    with pytest.raises(AuthenticationError, match="invalid"):
        codec.decode(tampered)
    with pytest.raises(AuthenticationError, match="invalid"):
        codec.decode(tampered)  # failures are not remembered either
