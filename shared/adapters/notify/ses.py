"""Amazon SES notifier through an injected boto3 ``sesv2`` or ``ses`` client."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from shared.core.ports.notifications import Notification, NotificationError


class SesNotifier:
    """``boto3_client``: ``boto3.client("ses")`` (SES v1 ``send_email``)."""

    def __init__(self, sender: str, boto3_client: Any) -> None:
        self._sender = sender
        self._client = boto3_client

    def send(self, notification: Notification) -> None:
        try:
            self._client.send_email(
                Source=self._sender,
                Destination={"ToAddresses": [notification.recipient]},
                Message={
                    "Subject": {"Data": notification.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": notification.body, "Charset": "UTF-8"}},
                },
            )
        except (BotoCoreError, ClientError) as exc:
            raise NotificationError(f"SES {type(exc).__name__}") from exc
