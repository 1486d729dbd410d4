"""The Queue adapter the gateway publishes through, chosen by its settings.

sqlite: the local platform's queue file (the local runner's drain reads it);
service_bus: Azure Service Bus (connection string, or namespace + Entra ID identity);
sqs: Amazon SQS (boto3's usual credential chain). SDKs are imported only when chosen.
"""

from __future__ import annotations

from edge_gateway.batching import ENVELOPE_MARGIN
from edge_gateway.errors import SettingsError
from edge_gateway.settings import GatewaySettings
from shared.core.ports.queue import Queue

SERVICE_BUS_STANDARD_BYTES = 262_144
SQS_BYTES = 1_048_576


def build_queue(settings: GatewaySettings) -> Queue:
    if settings.queue_backend == "sqlite":
        from shared.adapters.local.sqlite_queue import SqliteQueue

        limit = settings.queue_max_message_bytes or SERVICE_BUS_STANDARD_BYTES
        return SqliteQueue(settings.queue_path, max_message_bytes=limit)
    if settings.queue_backend == "service_bus":
        return _service_bus(settings)
    return _sqs(settings)


def _service_bus(settings: GatewaySettings) -> Queue:
    from shared.adapters.azure.service_bus_queue import ServiceBusQueue, service_bus_client

    secret = settings.service_bus_connection_string
    if secret is None and not settings.service_bus_namespace:
        raise SettingsError(
            "WELLOS_GATEWAY_SERVICE_BUS_NAMESPACE",
            "set it (identity-based) or WELLOS_GATEWAY_SERVICE_BUS_CONNECTION_STRING",
        )
    client = service_bus_client(
        connection_string=secret.get_secret_value() if secret else None,
        fully_qualified_namespace=settings.service_bus_namespace,
    )
    limit = settings.queue_max_message_bytes or SERVICE_BUS_STANDARD_BYTES
    return ServiceBusQueue(client, max_message_bytes=limit)


def _sqs(settings: GatewaySettings) -> Queue:
    from shared.adapters.aws.clients import aws_client
    from shared.adapters.aws.sqs_queue import SqsQueue

    client = aws_client("sqs", region=settings.sqs_region, endpoint_url=settings.sqs_endpoint_url)
    return SqsQueue(client, max_message_bytes=settings.queue_max_message_bytes or SQS_BYTES)


def body_budget(queue: Queue, backend: str) -> int:
    """Bytes one batch body may take: SQS carries bodies base64-encoded (4/3 larger)."""
    limit = queue.max_message_bytes
    if backend == "sqs":
        limit = limit * 3 // 4
    return max(1024, limit - ENVELOPE_MARGIN)
