"""SMS notifiers (channel ``sms``): Azure Communication Services SMS and Amazon SNS.

Both take the recipient as an E.164 number (``+15551234567``) and refuse any
other form with a NotificationError before reaching the service. Their clients
are built lazily, at the first send, so constructing a notifier opens nothing;
tests inject an ``httpx`` client or a stubbed boto3 client. Locally the console
notifier stands in for both.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import httpx
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from shared.adapters.notify.acs_signing import acs_signed_headers
from shared.core.ports.notifications import Notification, NotificationError

SMS = "sms"
ACS_SMS_API_VERSION = "2021-03-07"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
MAX_SMS = 640
"""Characters sent: subject and body, cut to four SMS segments."""


def sms_text(notification: Notification) -> str:
    return f"{notification.subject}\n{notification.body}".strip()[:MAX_SMS]


def _number(notification: Notification) -> str:
    if not E164.match(notification.recipient):
        raise NotificationError("SMS recipient is not an E.164 number")
    return notification.recipient


class AcsSmsNotifier:
    """ACS ``POST /sms``, HMAC-signed with the resource's access key."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        sender: str,
        client_factory: Callable[[], httpx.Client] | None = None,
    ) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._key = base64.b64decode(access_key)
        self._sender = sender
        self._factory = client_factory or (lambda: httpx.Client(timeout=10.0))
        self._client: httpx.Client | None = None

    def send(self, notification: Notification) -> None:
        number = _number(notification)
        body = json.dumps(
            {
                "from": self._sender,
                "smsRecipients": [{"to": number}],
                "message": sms_text(notification),
            }
        ).encode()
        url = f"{self._endpoint}/sms?api-version={ACS_SMS_API_VERSION}"
        if self._client is None:
            self._client = self._factory()
        headers = acs_signed_headers(self._key, url, body)
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise NotificationError(f"ACS SMS {type(exc).__name__}") from exc
        if response.status_code >= 300:
            raise NotificationError(f"ACS SMS answered {response.status_code}")


class SnsSmsNotifier:
    """Amazon SNS ``publish`` to a phone number; ``client_factory`` builds the boto3 client
    (``lambda: boto3.client("sns")``) at the first send."""

    def __init__(self, client_factory: Callable[[], Any], sender_id: str | None = None) -> None:
        self._factory = client_factory
        self._sender_id = sender_id
        self._client: Any = None

    def send(self, notification: Notification) -> None:
        number = _number(notification)
        attributes: dict[str, Any] = {
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}
        }
        if self._sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {
                "DataType": "String",
                "StringValue": self._sender_id,
            }
        if self._client is None:
            self._client = self._factory()
        try:
            self._client.publish(
                PhoneNumber=number, Message=sms_text(notification), MessageAttributes=attributes
            )
        except (BotoCoreError, ClientError) as exc:
            raise NotificationError(f"SNS {type(exc).__name__}") from exc


class ByChannel:
    """Sends each notification through the notifier of its channel (``email`` by default):
    an ``sms`` message with no SMS notifier configured is a NotificationError, never an
    e-mail to a phone number."""

    def __init__(self, email: Any, sms: Any | None = None) -> None:
        self.email = email
        self.sms = sms

    def send(self, notification: Notification) -> None:
        if notification.channel == SMS:
            if self.sms is None:
                raise NotificationError("no SMS notifier is configured")
            self.sms.send(notification)
            return
        self.email.send(notification)
