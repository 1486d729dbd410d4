"""Azure Communication Services Email over its REST API (httpx), HMAC-signed with the access key.

azure-communication-email is not a dependency; this speaks ``POST
/emails:send?api-version=2023-03-31`` directly. The send is accepted (202) and
delivered asynchronously by the service; a non-2xx answer is a NotificationError.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from email.utils import formatdate
from urllib.parse import urlsplit

import httpx

from shared.core.ports.notifications import Notification, NotificationError

API_VERSION = "2023-03-31"


class AcsEmailNotifier:
    def __init__(
        self, endpoint: str, access_key: str, sender: str, client: httpx.Client | None = None
    ) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._key = base64.b64decode(access_key)
        self._sender = sender
        self._client = client or httpx.Client(timeout=10.0)

    def send(self, notification: Notification) -> None:
        body = json.dumps(
            {
                "senderAddress": self._sender,
                "recipients": {"to": [{"address": notification.recipient}]},
                "content": {"subject": notification.subject, "plainText": notification.body},
            }
        ).encode()
        url = f"{self._endpoint}/emails:send?api-version={API_VERSION}"
        try:
            response = self._client.post(url, content=body, headers=self._signed(url, body))
        except httpx.HTTPError as exc:
            raise NotificationError(f"ACS {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise NotificationError(f"ACS answered {response.status_code}")

    def _signed(self, url: str, body: bytes) -> dict[str, str]:
        parts = urlsplit(url)
        date = formatdate(usegmt=True)
        content_hash = base64.b64encode(hashlib.sha256(body).digest()).decode()
        to_sign = f"POST\n{parts.path}?{parts.query}\n{date};{parts.netloc};{content_hash}"
        signature = base64.b64encode(
            hmac.new(self._key, to_sign.encode(), hashlib.sha256).digest()
        ).decode()
        return {
            "Content-Type": "application/json",
            "x-ms-date": date,
            "x-ms-content-sha256": content_hash,
            "Authorization": (
                "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"
                f"&Signature={signature}"
            ),
        }
