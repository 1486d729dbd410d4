"""HS256 JWT access tokens with PyJWT.

The codec takes one secret, or a key source (`ServerKeys.source`): then it signs
with the ring's current key and accepts a token signed by any key still verifying
(the previous key during its grace period after a rotation).

Every API request presents its token again: a token that verified once is remembered
with its claims and the key that verified it, and is accepted again without PyJWT
(whose base64 and claim checks cost more than the rest of authentication) while that
key still verifies and the token has not expired. A token string that failed is never
remembered, so it fails the same way every time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import jwt

from shared.core.common.errors import AuthenticationError
from shared.core.common.roles import Role
from shared.core.keys.model import MIN_KEY_CHARS, SigningKeys
from shared.core.ports.security import AccessClaims

ISSUER = "wellos"
AUDIENCE = "wellos-api"
MAX_REMEMBERED = 10_000
"""Verified tokens kept at most; the memory starts afresh when full."""


class JwtAccessTokenCodec:
    def __init__(
        self,
        secret: str | Callable[[], SigningKeys],
        leeway_s: int = 30,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`clock` (Unix seconds) judges the expiry of the tokens remembered."""
        if isinstance(secret, str):
            fixed = SigningKeys(secret, (secret,))
            self._keys: Callable[[], SigningKeys] = lambda: fixed
        else:
            self._keys = secret
        if len(self._keys().sign) < MIN_KEY_CHARS:
            raise ValueError("the JWT signing secret must be at least 32 characters")
        self._leeway_s = leeway_s
        self._clock = clock
        self._remembered: dict[str, tuple[str, AccessClaims]] = {}  # token -> (key, claims)

    def encode(self, claims: AccessClaims) -> str:
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": claims.subject,
            "tenant": claims.tenant_slug,
            "tid": claims.tenant_id,
            "role": claims.role.value,
            "email": claims.email,
            "sid": claims.session_id,
            "mfa_setup": claims.mfa_enrolment_only,
            "iat": int(datetime.now(UTC).timestamp()),
            "exp": int(claims.expires_at.timestamp()),
        }
        return jwt.encode(payload, self._keys().sign, algorithm="HS256")

    def decode(self, token: str) -> AccessClaims:
        keys = self._keys().verify
        remembered = self._remembered.get(token)
        if remembered is not None and remembered[0] in keys:
            claims = remembered[1]
            if claims.expires_at.timestamp() <= self._clock() - self._leeway_s:  # as PyJWT
                raise AuthenticationError("access token expired")
            return claims
        try:
            key, payload = self._verified(token, keys)
            claims = AccessClaims(
                subject=str(payload["sub"]),
                tenant_id=str(payload["tid"]),
                tenant_slug=str(payload["tenant"]),
                role=Role(payload["role"]),
                email=str(payload["email"]),
                expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
                session_id=str(payload.get("sid") or ""),
                mfa_enrolment_only=bool(payload.get("mfa_setup", False)),
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthenticationError("access token expired") from exc
        except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
            raise AuthenticationError("access token invalid") from exc
        if len(self._remembered) >= MAX_REMEMBERED:
            self._remembered.clear()
        self._remembered[token] = (key, claims)
        return claims

    def _verified(self, token: str, keys: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
        """The payload under the first key whose signature matches (current key first)."""
        for index, key in enumerate(keys):
            try:
                payload: dict[str, Any] = jwt.decode(
                    token,
                    key,
                    algorithms=["HS256"],
                    audience=AUDIENCE,
                    issuer=ISSUER,
                    leeway=self._leeway_s,
                    options={"require": ["exp", "sub", "iat"]},
                )
                return key, payload
            except jwt.InvalidSignatureError:
                if index == len(keys) - 1:
                    raise
        raise jwt.InvalidSignatureError("no verification key")
