"""The real azure-servicebus objects the Service Bus adapter builds and reads (no I/O).

The contract suite runs the adapter against a double; these tests pin down the
SDK's own classes it relies on: ServiceBusMessage, ServiceBusMessageBatch size
accounting, ServiceBusReceivedMessage decoding, and client construction.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from azure.core.credentials import AccessToken
from azure.servicebus import (
    ServiceBusClient,
    ServiceBusMessageBatch,
    ServiceBusReceivedMessage,
    ServiceBusSubQueue,
)
from azure.servicebus._pyamqp._encode import encode_payload
from azure.servicebus._pyamqp.message import Header, Message, Properties
from azure.servicebus._pyamqp.types import TYPE, VALUE, AMQPTypes
from azure.servicebus.exceptions import MessageSizeExceededError, ServiceBusConnectionError

from shared.adapters.azure.service_bus_queue import (
    STANDARD_TIER_MAX_MESSAGE_BYTES,
    ServiceBusQueue,
    outgoing_message,
    received_message,
    service_bus_client,
)
from shared.core.common.errors import LockLostError, QueueError
from shared.core.ports.queue import DEAD_LETTER_REASON, OutgoingMessage, ReceivedMessage

SECRET = "c2VjcmV0LWtleS1ub3QtcmVhbA=="
CONNECTION = (
    "Endpoint=sb://wellos-test.servicebus.windows.net/;"
    f"SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={SECRET}"
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Unit tier: any connection attempt fails the test."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a unit test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


class FixedCredential:
    def get_token(self, *scopes: str, **_: object) -> AccessToken:
        return AccessToken("token", 2_000_000_000)


def test_the_outgoing_message_carries_body_id_properties_and_content_type() -> None:
    sdk = outgoing_message(OutgoingMessage(b"\x00\xff", "batch-42", {"tenant": "acme"}))
    assert b"".join(sdk.body) == b"\x00\xff"
    assert sdk.message_id == "batch-42"
    assert sdk.application_properties == {"tenant": "acme"}
    assert sdk.content_type == "application/octet-stream"


def test_a_standard_tier_batch_takes_two_100k_messages_not_three() -> None:
    # GIVEN the SDK's own batch with the Standard tier limit
    batch = ServiceBusMessageBatch(max_size_in_bytes=STANDARD_TIER_MAX_MESSAGE_BYTES)
    body = b"x" * 100_000
    batch.add_message(outgoing_message(OutgoingMessage(body, "m1")))
    batch.add_message(outgoing_message(OutgoingMessage(body, "m2")))
    # WHEN a third one does not fit THEN the SDK refuses it with its size error
    with pytest.raises(MessageSizeExceededError):
        batch.add_message(outgoing_message(OutgoingMessage(body, "m3")))
    assert len(batch) == 2
    assert 200_000 < batch.size_in_bytes <= STANDARD_TIER_MAX_MESSAGE_BYTES


def test_a_message_of_the_full_limit_does_not_fit_an_empty_batch() -> None:
    batch = ServiceBusMessageBatch(max_size_in_bytes=STANDARD_TIER_MAX_MESSAGE_BYTES)
    with pytest.raises(MessageSizeExceededError):
        message = OutgoingMessage(b"x" * STANDARD_TIER_MAX_MESSAGE_BYTES, "m")
        batch.add_message(outgoing_message(message))


def _received(
    delivery_count: int, dead_letter_reason: str | None = None
) -> ServiceBusReceivedMessage:
    """A received message decoded by the SDK from AMQP bytes, as from the wire."""
    properties: dict[str | bytes, object] = {"tenant": "acme"}
    if dead_letter_reason:
        properties["DeadLetterReason"] = dead_letter_reason
        properties["DeadLetterErrorDescription"] = "row 3"
    enqueued = {TYPE: AMQPTypes.timestamp, VALUE: 1_714_564_800_000}
    amqp = Message(
        header=Header(delivery_count=delivery_count),
        message_annotations={b"x-opt-enqueued-time": enqueued},
        properties=Properties(message_id=b"batch-42"),
        application_properties=properties,
        data=[b"payload"],
    )
    return ServiceBusReceivedMessage.from_bytes(bytes(encode_payload(bytearray(), amqp)))


def test_a_received_message_maps_to_the_port() -> None:
    # GIVEN a first delivery: Service Bus puts DeliveryCount - 1 = 0 in the AMQP header
    got = received_message(_received(delivery_count=0), dead_letter=False)
    # THEN the port sees delivery 1, str properties, the id and the enqueued time
    assert got.body == b"payload"
    assert got.message_id == "batch-42"
    assert got.delivery_count == 1
    assert dict(got.properties) == {"tenant": "acme"}
    assert got.enqueued_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_a_dead_letter_carries_its_reason_as_a_property() -> None:
    got = received_message(_received(2, dead_letter_reason="MaxDeliveryCountExceeded"), True)
    assert got.properties[DEAD_LETTER_REASON] == "MaxDeliveryCountExceeded"
    assert got.properties["dead_letter_description"] == "row 3"
    assert "DeadLetterReason" not in got.properties
    assert got.delivery_count == 3


def test_clients_build_from_a_connection_string_without_io() -> None:
    client = service_bus_client(connection_string=CONNECTION)
    assert client.fully_qualified_namespace == "wellos-test.servicebus.windows.net"
    receiver = client.get_queue_receiver("ingest", sub_queue=ServiceBusSubQueue.DEAD_LETTER)
    assert receiver.entity_path == "ingest/$DeadLetterQueue"
    assert client.get_queue_sender("ingest").entity_name == "ingest"


def test_clients_build_from_a_namespace_and_identity_without_io() -> None:
    client = service_bus_client(
        fully_qualified_namespace="wellos-test.servicebus.windows.net",
        credential=FixedCredential(),
    )
    assert isinstance(client, ServiceBusClient)
    default = service_bus_client(fully_qualified_namespace="wellos-test.servicebus.windows.net")
    assert default.fully_qualified_namespace == "wellos-test.servicebus.windows.net"
    with pytest.raises(ValueError):
        service_bus_client()


def test_sdk_errors_become_queue_errors_without_the_connection_string() -> None:
    queue = ServiceBusQueue(service_bus_client(connection_string=CONNECTION))
    with pytest.raises(QueueError) as failed, queue._translated("ingest"):
        raise ServiceBusConnectionError(message=f"cannot reach {CONNECTION}")
    assert "ingest" in str(failed.value)
    assert SECRET not in str(failed.value)


def test_a_receipt_from_elsewhere_cannot_settle() -> None:
    queue = ServiceBusQueue(service_bus_client(connection_string=CONNECTION))
    foreign = ReceivedMessage(b"", "m", {}, 1, datetime.now(UTC), receipt=uuid.uuid4())
    with pytest.raises(LockLostError):
        queue.complete("ingest", foreign)
