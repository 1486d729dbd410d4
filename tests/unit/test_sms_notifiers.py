"""SMS notifiers: ACS SMS and Amazon SNS, with injected clients (no network)."""

from __future__ import annotations

import json

import boto3  # type: ignore[import-untyped]
import httpx
import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped]

from shared.adapters.notify.sms import AcsSmsNotifier, SnsSmsNotifier
from shared.core.ports.notifications import Notification, NotificationError

TEXT = Notification("sms", "+15551234567", "[WellOS] HIGH alert: line pressure", "Well 7")
KEY = "c2VjcmV0LWtleQ=="


def test_acs_sms_posts_one_signed_message_to_the_number() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"value": []})

    built: list[int] = []

    def factory() -> httpx.Client:
        built.append(1)
        return httpx.Client(transport=httpx.MockTransport(answer))

    notifier = AcsSmsNotifier("https://acs.example", KEY, "+15550000000", factory)
    assert built == []  # nothing is built before the first send
    notifier.send(TEXT)
    notifier.send(TEXT)
    assert built == [1]
    body = json.loads(seen[0].content)
    assert body["smsRecipients"] == [{"to": "+15551234567"}]
    assert body["from"] == "+15550000000"
    assert "line pressure" in body["message"]
    assert seen[0].headers["Authorization"].startswith("HMAC-SHA256 ")


def test_acs_sms_refusal_is_a_notification_error() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(401)))
    notifier = AcsSmsNotifier("https://acs.example", KEY, "+15550000000", lambda: client)
    with pytest.raises(NotificationError):
        notifier.send(TEXT)


def test_a_number_not_in_e164_is_refused_before_any_client_is_built() -> None:
    def factory() -> httpx.Client:
        raise AssertionError("no client for a bad number")

    notifier = AcsSmsNotifier("https://acs.example", KEY, "+15550000000", factory)
    with pytest.raises(NotificationError):
        notifier.send(Notification("sms", "555-1234", "s", "b"))


def test_sns_publishes_to_the_number_and_maps_errors() -> None:
    client = boto3.client(
        "sns", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    stubber.add_response("publish", {"MessageId": "m-1"})
    stubber.add_client_error("publish", "Throttling")
    notifier = SnsSmsNotifier(lambda: client)
    with stubber:
        notifier.send(TEXT)
        with pytest.raises(NotificationError):
            notifier.send(TEXT)
    stubber.assert_no_pending_responses()


def test_by_channel_never_mails_an_sms_to_a_phone_number() -> None:
    from shared.adapters.memory.notifier import InMemoryNotifier
    from shared.adapters.notify.sms import ByChannel

    email, sms = InMemoryNotifier(), InMemoryNotifier()
    ByChannel(email, sms).send(TEXT)
    ByChannel(email, sms).send(Notification("email", "a@b.test", "s", "b"))
    assert ([n.channel for n in email.sent], [n.channel for n in sms.sent]) == (["email"], ["sms"])
    with pytest.raises(NotificationError):
        ByChannel(email).send(TEXT)
