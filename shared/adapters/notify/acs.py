"""Azure Communication Services Email over its REST API (httpx), HMAC-signed with the access key.

azure-communication-email is not a dependency; this speaks ``POST
/emails:send?api-version=2023-03-31`` directly. The send is accepted (202) and
delivered asynchronously by the service; a non-2xx answer is a NotificationError.
"""

from __future__ import annotations

import base64
import json

import httpx

from shared.adapters.notify.acs_signing import acs_signed_headers
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
        headers = acs_signed_headers(self._key, url, body)
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise NotificationError(f"ACS {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise NotificationError(f"ACS answered {response.status_code}")
