"""The HMAC-SHA256 request signature Azure Communication Services asks of REST calls.

Both ACS adapters (e-mail and SMS) sign a POST the same way: the date, the host and the
body's SHA-256, keyed by the resource's access key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import formatdate
from urllib.parse import urlsplit


def acs_signed_headers(key: bytes, url: str, body: bytes) -> dict[str, str]:
    """Headers of a signed JSON POST of `body` to `url`."""
    parts = urlsplit(url)
    date = formatdate(usegmt=True)
    content_hash = base64.b64encode(hashlib.sha256(body).digest()).decode()
    to_sign = f"POST\n{parts.path}?{parts.query}\n{date};{parts.netloc};{content_hash}"
    signature = base64.b64encode(hmac.new(key, to_sign.encode(), hashlib.sha256).digest()).decode()
    return {
        "Content-Type": "application/json",
        "x-ms-date": date,
        "x-ms-content-sha256": content_hash,
        "Authorization": (
            f"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}"
        ),
    }
