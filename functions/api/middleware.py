"""ASGI middleware: request ids, body size limit, and one access-log line per request."""

from __future__ import annotations

import json
import logging
import time
import uuid

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from functions.api.logging import request_context

log = logging.getLogger("wellos.access")

REQUEST_ID_HEADER = b"x-request-id"


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


class RequestContextMiddleware:
    """Assigns a request id, enforces the body limit, logs the outcome.

    `upload_limits` gives single POST routes (spreadsheet imports) a larger limit, and
    PUT/POST routes under a prefix ending in `/` (the blob route) theirs.
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
        given = _header(scope, REQUEST_ID_HEADER)
        request_id = given if given and len(given) <= 64 else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", []).append((REQUEST_ID_HEADER, request_id.encode()))
            await send(message)

        with request_context(request_id=request_id):
            if self._declared_too_large(scope):
                await self._reject_too_large(scope, send_with_id, request_id)
            else:
                await self._call_limited(scope, receive, send_with_id, request_id)
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info(
                "%s %s -> %s in %.1f ms",
                scope["method"],
                scope["path"],
                status_holder["status"],
                elapsed_ms,
                extra={"status": status_holder["status"], "duration_ms": round(elapsed_ms, 1)},
            )

    def _declared_too_large(self, scope: Scope) -> bool:
        length = _header(scope, b"content-length")
        return length is not None and length.isdigit() and int(length) > self._limit(scope)

    async def _call_limited(
        self, scope: Scope, receive: Receive, send: Send, request_id: str
    ) -> None:
        """Count streamed bytes too: a chunked body has no Content-Length to check."""
        received = 0
        limit = self._limit(scope)

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    detail = f"the request body exceeds {limit} bytes"
                    raise HTTPException(status_code=413, detail=detail)
            return message

        await self.app(scope, limited_receive, send)

    async def _reject_too_large(self, scope: Scope, send: Send, request_id: str) -> None:
        detail = f"the request body exceeds {self._limit(scope)} bytes"
        body = _problem_body(413, "body_too_large", detail, request_id, scope["path"])
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
