"""ASGI middleware: request ids, one access-log line per request, unhandled errors as
problem+json 500s, and the body limit of every route.

`RequestContextMiddleware` is the outer one: whatever happens inside, the client
gets an `X-Request-ID`, the access log a line with the status and the platform's
metrics the request, its latency and its error class, by route template and tenant
(then flushed: on a Lambda, one request is one invocation). It wraps
`BodyLimitMiddleware`, so a 413 is logged like any other answer.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from functions.api.logging import error_fields, redact, request_context
from shared.core.ports.metrics import (
    API_CLIENT_ERRORS,
    API_LATENCY,
    API_REQUESTS,
    API_SERVER_ERRORS,
    NO_TENANT,
    Metrics,
    Unit,
)

log = logging.getLogger("wellos.access")
errors_log = logging.getLogger("wellos.errors")

REQUEST_ID_HEADER = b"x-request-id"
SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"),)
INTERNAL_ERROR = "an unexpected error occurred; quote the request id when reporting it"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _problem_body(status: int, code: str, detail: str, request_id: str, path: str) -> bytes:
    return json.dumps(
        {
            "type": f"https://wellos.dev/problems/{code}",
            "title": code.replace("_", " ").capitalize(),
            "status": status,
            "detail": detail,
            "code": code,
            "instance": path,
            "request_id": request_id,
        }
    ).encode()


async def send_problem(send: Send, scope: Scope, status: int, code: str, detail: str) -> None:
    """Answer a problem+json built here, outside FastAPI's exception handlers."""
    request_id = scope.get("state", {}).get("request_id", "")
    body = _problem_body(status, code, detail, request_id, scope["path"])
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _route(scope: Scope) -> str:
    """The matched route's template (`/api/v1/wells/{well_id}`), else the path."""
    return str(getattr(scope.get("route"), "path", None) or scope["path"])


UNMATCHED = "unmatched"
"""The route dimension of a request no route matched (never its raw path: unbounded)."""

TENANT_STATE = "metrics_tenant"
"""`request.state` key where the tenant dependency leaves the resolved tenant's slug."""


def record_request(metrics: Metrics, scope: Scope, status: int, elapsed_ms: float) -> None:
    """One request by route template and resolved tenant; errors by class (4xx, 5xx)."""
    template = getattr(scope.get("route"), "path", None) or UNMATCHED
    tenant = scope.get("state", {}).get(TENANT_STATE) or NO_TENANT
    dimensions = {"route": f"{scope['method']} {template}", "tenant": tenant}
    metrics.add(API_REQUESTS, 1, Unit.COUNT, dimensions)
    metrics.add(API_LATENCY, elapsed_ms, Unit.MILLISECONDS, dimensions)
    if 400 <= status < 500:
        metrics.add(API_CLIENT_ERRORS, 1, Unit.COUNT, dimensions)
    elif status >= 500:
        metrics.add(API_SERVER_ERRORS, 1, Unit.COUNT, dimensions)
    metrics.flush()


MetricsSource = Callable[[], "Metrics | None"]


class RequestContextMiddleware:
    """Assigns a request id, answers unhandled errors, logs the outcome once.

    `max_body_bytes` and `upload_limits` configure the inner `BodyLimitMiddleware`;
    `metrics` gives the platform's metrics once it is built (None before: not counted).
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        upload_limits: dict[str, int] | None = None,
        metrics: MetricsSource | None = None,
    ) -> None:
        self.app = BodyLimitMiddleware(app, max_body_bytes, upload_limits)
        self.metrics = metrics or (lambda: None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, REQUEST_ID_HEADER)
        request_id = given if given and len(given) <= 64 else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        sent = {"status": 0}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                headers = message.setdefault("headers", [])
                headers += [(REQUEST_ID_HEADER, request_id.encode()), *SECURITY_HEADERS]
            await send(message)

        with request_context(request_id=request_id):
            failure: Exception | None = None
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as error:  # every unhandled error, logged once
                failure = error
            if failure is not None:  # outside `except`: nothing may print the error's chain
                await self._unhandled(scope, send_with_id, failure, answered=sent["status"] != 0)
                sent["status"] = sent["status"] or 500
            self._log_access(scope, sent["status"], started)
            self._measure(scope, sent["status"], started)

    def _measure(self, scope: Scope, status: int, started: float) -> None:
        try:
            metrics = self.metrics()
            if metrics is not None:
                record_request(metrics, scope, status, (time.perf_counter() - started) * 1000)
        except Exception as error:  # metrics never fail a request
            log.warning("request metrics lost (%s)", type(error).__name__)

    @staticmethod
    async def _unhandled(scope: Scope, send: Send, error: Exception, answered: bool) -> None:
        """Log the error once (types and stack, no message) and answer 500 if still possible.

        Not re-raised: the server would log it again, message and all.
        """
        route = _route(scope)
        errors_log.error(
            "unhandled error in %s %s (%s)",
            scope["method"],
            route,
            type(error).__name__,
            extra={"route": route, "method": scope["method"], **error_fields(error)},
        )
        if not answered:
            await send_problem(send, scope, 500, "internal_error", INTERNAL_ERROR)

    @staticmethod
    def _log_access(scope: Scope, status: int, started: float) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        extra = {"status": status, "duration_ms": round(elapsed_ms, 1), "route": _route(scope)}
        query = scope.get("query_string", b"")
        if query:
            extra["query"] = redact("?" + query.decode("latin-1"))[1:]
        log.info(
            "%s %s -> %s in %.1f ms",
            scope["method"],
            scope["path"],
            status,
            elapsed_ms,
            extra=extra,
        )


class BodyLimitMiddleware:
    """`max_body_bytes` for every route, by `Content-Length` and as the bytes stream.

    `upload_limits` gives single POST routes (spreadsheet imports) a larger limit, and
    PUT/POST routes under a prefix ending in `/` (the blob route) theirs. A streamed
    (chunked) body that the route never reads is still counted: it is drained before
    the route's answer goes out, and past the limit the answer is a 413 instead.
    """

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, upload_limits: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.upload_limits = upload_limits or {}

    def _limit(self, scope: Scope) -> int:
        """A route's own limit: its exact path, or a prefix ending in `/` (PUT blobs)."""
        if scope["method"] in ("POST", "PUT"):
            path = scope["path"]
            for route, limit in self.upload_limits.items():
                if path == route or (route.endswith("/") and path.startswith(route)):
                    return limit
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > limit:
            await send_problem(send, scope, 413, "body_too_large", _too_large(limit))
            return
        await _StreamedBody(self.app, limit, streamed=length is None)(scope, receive, send)


def _too_large(limit: int) -> str:
    return f"the request body exceeds {limit} bytes"


class _StreamedBody:
    """One request: counts its body as the route reads it, and drains what it did not."""

    def __init__(self, app: ASGIApp, limit: int, streamed: bool) -> None:
        self.app = app
        self.limit = limit
        self.streamed = streamed
        self.received = 0
        self.complete = False
        self.refused = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted_receive() -> Message:
            message = await self._next(receive)
            if self.received > self.limit:
                raise HTTPException(status_code=413, detail=_too_large(self.limit))
            return message

        async def guarded_send(message: Message) -> None:
            if self.refused:
                return
            if message["type"] == "http.response.start" and self.streamed:
                await self._drain(receive)
                if self.received > self.limit:
                    self.refused = True
                    await send_problem(send, scope, 413, "body_too_large", _too_large(self.limit))
                    return
            await send(message)

        await self.app(scope, counted_receive, guarded_send)

    async def _next(self, receive: Receive) -> Message:
        message = await receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        elif message["type"] == "http.disconnect":
            self.complete = True
        return message

    async def _drain(self, receive: Receive) -> None:
        """Read and drop the rest of a streamed body, stopping past the limit."""
        while not self.complete and self.received <= self.limit:
            await self._next(receive)
