"""HS256 JWT access tokens with PyJWT."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt

from shared.core.common.errors import AuthenticationError
from shared.core.common.roles import Role
from shared.core.ports.security import AccessClaims

ISSUER = "wellos"
AUDIENCE = "wellos-api"


class JwtAccessTokenCodec:
    def __init__(self, secret: str, leeway_s: int = 30) -> None:
        if len(secret) < 32:
            raise ValueError("the JWT signing secret must be at least 32 characters")
        self._secret = secret
        self._leeway_s = leeway_s

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
        return jwt.encode(payload, self._secret, algorithm="HS256")

    def decode(self, token: str) -> AccessClaims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=self._leeway_s,
                options={"require": ["exp", "sub", "iat"]},
            )
            return AccessClaims(
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
