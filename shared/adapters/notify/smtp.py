"""SMTP notifier (smtplib): one connection per message, STARTTLS and login when configured."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from shared.core.ports.notifications import Notification, NotificationError


class SmtpNotifier:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout_s: float = 10.0,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout_s = timeout_s

    def send(self, notification: Notification) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = notification.recipient
        message["Subject"] = notification.subject
        message.set_content(notification.body)
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout_s) as client:
                if self._starttls:
                    client.starttls(context=ssl.create_default_context())
                if self._username and self._password:
                    client.login(self._username, self._password)
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise NotificationError(f"SMTP {type(exc).__name__}") from exc
