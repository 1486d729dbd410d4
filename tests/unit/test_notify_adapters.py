"""Notifier adapters without sockets: console, ACS over httpx.MockTransport, the in-memory twin."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging

import httpx
import pytest

from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.notify.acs import AcsEmailNotifier
from shared.adapters.notify.console import ConsoleNotifier
from shared.core.ports.notifications import Notification, NotificationError

MESSAGE = Notification("email", "ops@acme.test", "[WellOS] HIGH alert", "Well 7: vibration")
KEY = base64.b64encode(b"k" * 32).decode()


def test_console_logs_the_address_and_subject_only(caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN a console notifier
    with caplog.at_level(logging.INFO, logger="wellos.notify"):
        # WHEN it sends
        ConsoleNotifier().send(MESSAGE)
    # THEN one line names the recipient and subject, not the body
    assert "ops@acme.test" in caplog.text and "HIGH alert" in caplog.text
    assert "vibration" not in caplog.text


def test_console_prints_the_whole_mail_so_a_local_user_can_click_the_link(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN a console notifier printing to a stream, and an invitation with its link
    link = "http://127.0.0.1:7071/#/accept-invitation?tenant=acme&token=secret-token-123"
    invitation = Notification("email", "jo@acme.test", "[WellOS] Invitation", f"Hi\n\n{link}\n")
    console = io.StringIO()
    # WHEN it sends
    with caplog.at_level(logging.DEBUG):
        ConsoleNotifier(stream=console).send(invitation)
    # THEN the console shows the recipient, the subject and the clickable link
    printed = console.getvalue()
    assert "jo@acme.test" in printed and "Subject: [WellOS] Invitation" in printed
    assert link in printed.splitlines()
    # AND no log record carries the token
    assert "secret-token-123" not in caplog.text
    assert all("secret-token-123" not in str(r.args) for r in caplog.records)


def test_acs_posts_a_signed_email_request() -> None:
    # GIVEN an ACS endpoint that accepts
    seen: list[httpx.Request] = []

    def accept(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"id": "op-1", "status": "Running"})

    client = httpx.Client(transport=httpx.MockTransport(accept))
    notifier = AcsEmailNotifier("https://acme.communication.azure.com", KEY, "no-reply@x", client)

    # WHEN a message is sent
    notifier.send(MESSAGE)

    # THEN the request is the REST call with content hash and HMAC authorization
    request = seen[0]
    assert request.url.path == "/emails:send"
    assert request.url.params["api-version"] == "2023-03-31"
    body = json.loads(request.content)
    assert body["recipients"]["to"] == [{"address": "ops@acme.test"}]
    digest = base64.b64encode(hashlib.sha256(request.content).digest()).decode()
    assert request.headers["x-ms-content-sha256"] == digest
    assert request.headers["authorization"].startswith("HMAC-SHA256 SignedHeaders=")


def test_acs_refusal_is_a_notification_error() -> None:
    # GIVEN an ACS endpoint that refuses
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(401)))
    notifier = AcsEmailNotifier("https://acme.communication.azure.com", KEY, "no-reply@x", client)
    # WHEN / THEN sending raises the port's error
    with pytest.raises(NotificationError):
        notifier.send(MESSAGE)


def test_the_memory_twin_fails_on_request_then_delivers() -> None:
    # GIVEN a fake told to fail once
    notifier = InMemoryNotifier()
    notifier.fail_next = 1
    # WHEN it is called twice
    with pytest.raises(NotificationError):
        notifier.send(MESSAGE)
    notifier.send(MESSAGE)
    # THEN one message went out after two attempts
    assert (notifier.attempts, notifier.sent) == (2, [MESSAGE])
