"""The HTTP API as a Lambda handler (API Gateway HTTP API, payload 2.0): Mangum + Powertools.

`functions/aws/api_handler.py` is the deployed entry point; tests build handlers
around their own app with `build_handler`. The client address is API Gateway's
`requestContext.http.sourceIp` (Mangum puts it in the scope); `PlatformPeer`
drops the copy API Gateway appends to `X-Forwarded-For`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from mangum import Mangum
from mangum.adapter import DEFAULT_TEXT_MIME_TYPES
from mangum.types import ASGI, LambdaContext

from functions.api.addresses import PlatformPeer, scope_peer
from shared.core.registry.errors import TenantRoutingError
from shared.core.registry.services.routing import slug_from_request

logger = Logger()  # POWERTOOLS_SERVICE_NAME; one per process (bootstrap/telemetry.py)

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]
# Problem details are text: API Gateway should get them as text, not base64.
TEXT_MIME_TYPES = [*DEFAULT_TEXT_MIME_TYPES, "application/problem+json"]


def build_handler(asgi_app: ASGI, base_domain: str) -> Handler:
    """A Lambda handler serving `asgi_app`; logs carry the tenant and the request id."""
    peer_app = PlatformPeer(asgi_app, scope_peer)
    adapter = Mangum(peer_app, lifespan="off", text_mime_types=TEXT_MIME_TYPES)

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        headers: dict[str, str] = event.setdefault("headers", {})
        # One id across API Gateway's log, ours and the X-Request-ID response header.
        request_id = headers.get("x-request-id") or event["requestContext"].get("requestId", "")
        if request_id:
            headers.setdefault("x-request-id", request_id)
        logger.append_keys(tenant=_tenant(headers, base_domain), request_id=request_id)
        return adapter(event, context)

    return handler


def _tenant(headers: dict[str, str], base_domain: str) -> str:
    try:
        return slug_from_request(headers.get("host"), headers.get("x-wellos-tenant"), base_domain)
    except TenantRoutingError:
        return ""
