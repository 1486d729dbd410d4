"""TOTP codes with pyotp (RFC 6238: SHA-1, 6 digits, 30-second steps)."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp


class PyotpOneTimeCodes:
    def new_secret(self) -> str:
        return pyotp.random_base32()

    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)

    def matching_step(self, secret: str, code: str, at: datetime, skew_steps: int) -> int | None:
        totp = pyotp.TOTP(secret)
        step = totp.timecode(at)
        for candidate in range(step - skew_steps, step + skew_steps + 1):
            if hmac.compare_digest(totp.generate_otp(candidate), code):
                return candidate
        return None
