"""The notification outbox: dispatcher retries and never sends twice; SMTP and SES adapters."""

from __future__ import annotations

import logging
import socket
import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.notify.ses import SesNotifier
from shared.adapters.notify.smtp import SmtpNotifier
from shared.adapters.sql.analytics.store import SqlAnalyticsDatabases
from shared.bootstrap import Platform
from shared.core.analytics.model.scoring import Severity
from shared.core.analytics.services.notifications import NotificationDispatcher, RetryPolicy
from shared.core.ports.notifications import Notification, NotificationError
from tests.integration.api_support import create_well
from tests.integration.conftest import TenantSession
from tests.integration.test_alerts_api import add_alert
from tests.integration.test_scoring_support import rows_of

MESSAGE = Notification("email", "ops@acme.test", "[WellOS] HIGH alert", "Well 7: vibration")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def dispatcher(platform: Platform, clock: Clock, attempts: int = 3) -> NotificationDispatcher:
    databases = SqlAnalyticsDatabases(platform.tenant_databases.engines)
    policy = RetryPolicy(max_attempts=attempts, base_delay_s=60.0, lease_s=300.0)
    return NotificationDispatcher(platform.master, databases, clock, policy)


def test_the_dispatcher_sends_each_row_once(platform: Platform, acme: TenantSession) -> None:
    # GIVEN an alert with an outbox row for the tenant admin
    add_alert(platform, acme, create_well(acme)["id"], Severity.CRITICAL)
    clock, notifier = Clock(), InMemoryNotifier()

    # WHEN the dispatcher runs twice
    first = dispatcher(platform, clock).dispatch(notifier)
    second = dispatcher(platform, clock).dispatch(notifier)

    # THEN one message went to the admin, and the row is SENT
    assert (first.sent, second.sent) == (1, 0)
    assert [n.recipient for n in notifier.sent] == [acme.created.admin_email]
    (row,) = rows_of(platform, acme.slug, "notification_outbox")
    assert (row["status"], row["attempts"]) == ("SENT", 1)


def test_a_failure_is_retried_after_the_backoff_then_failed_at_the_limit(
    platform: Platform, acme: TenantSession
) -> None:
    # GIVEN an outbox row and a notifier that fails its first send
    add_alert(platform, acme, create_well(acme)["id"], Severity.HIGH)
    clock, notifier = Clock(), InMemoryNotifier()
    notifier.fail_next = 1

    # WHEN it fails once, the dispatcher runs again before and after the backoff
    failed = dispatcher(platform, clock).dispatch(notifier)
    early = dispatcher(platform, clock).dispatch(notifier)
    clock.now += timedelta(seconds=61)
    late = dispatcher(platform, clock).dispatch(notifier)

    # THEN it was retried once the delay had passed, and sent
    assert (failed.retried, early.sent, late.sent) == (1, 0, 1)
    (row,) = rows_of(platform, acme.slug, "notification_outbox")
    assert (row["status"], row["attempts"]) == ("SENT", 2)

    # GIVEN another row whose notifier always fails
    add_alert(platform, acme, create_well(acme)["id"], Severity.HIGH, age_h=1)
    notifier.fail_next = 100
    reports = []
    for _ in range(4):
        reports.append(dispatcher(platform, clock, attempts=3).dispatch(notifier))
        clock.now += timedelta(hours=1)

    # THEN it is FAILED after three attempts and never tried again
    assert [r.failed for r in reports] == [0, 0, 1, 0]
    statuses = sorted(r["status"] for r in rows_of(platform, acme.slug, "notification_outbox"))
    assert statuses == ["FAILED", "SENT"]


class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        received: list[dict[str, Any]] = self.server.received  # type: ignore[attr-defined]
        self.wfile.write(b"220 fake ESMTP\r\n")
        message: dict[str, Any] = {"rcpt": []}
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 fake\r\n")
            elif command.startswith("MAIL"):
                self.wfile.write(b"250 ok\r\n")
            elif command.startswith("RCPT"):
                message["rcpt"].append(line.decode().split(":", 1)[1].strip())
                self.wfile.write(b"250 ok\r\n")
            elif command == "DATA":
                self.wfile.write(b"354 go\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                message["data"] = data.decode()
                received.append(message)
                message = {"rcpt": []}
                self.wfile.write(b"250 queued\r\n")
            elif command == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], server.received  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def test_smtp_delivers_to_a_server(smtp_server: tuple[int, list[dict[str, Any]]]) -> None:
    # GIVEN a small SMTP server
    port, received = smtp_server
    # WHEN a message is sent
    SmtpNotifier("127.0.0.1", port, "wellos@acme.test").send(MESSAGE)
    # THEN it arrived with its recipient and subject
    (message,) = received
    assert message["rcpt"] == ["<ops@acme.test>"]
    assert "Subject: [WellOS] HIGH alert" in message["data"]


def test_smtp_unreachable_is_a_notification_error() -> None:
    # GIVEN a port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # WHEN / THEN sending raises the port's error
    with pytest.raises(NotificationError):
        SmtpNotifier("127.0.0.1", port, "wellos@acme.test", timeout_s=2).send(MESSAGE)


@pytest.fixture(scope="module")
def ses_client() -> Iterator[Any]:
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield boto3.client(
        "ses",
        region_name="us-east-1",
        endpoint_url=f"http://{host}:{port}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    server.stop()


def test_ses_sends_from_a_verified_sender_and_refusals_raise(ses_client: Any) -> None:
    # GIVEN a verified sender on the moto SES
    ses_client.verify_email_identity(EmailAddress="alerts@acme.test")
    before = ses_client.get_send_quota()["SentLast24Hours"]
    # WHEN a message is sent, and one from an unverified sender
    SesNotifier("alerts@acme.test", ses_client).send(MESSAGE)
    # THEN the first counts as sent and the second raises the port's error
    assert ses_client.get_send_quota()["SentLast24Hours"] == before + 1
    with pytest.raises(NotificationError):
        SesNotifier("nobody@elsewhere.test", ses_client).send(MESSAGE)
