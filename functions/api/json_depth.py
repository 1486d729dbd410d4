"""JSON bodies nested deeper than MAX_JSON_DEPTH are refused (422 `too_deep`) unparsed.

Python's JSON parser and pydantic recurse once per level: a 100,000-deep
`[[[[…]]]]` would end in RecursionError (a 500) or hold a worker while it
unwinds. `JsonDepthMiddleware` measures the depth of every JSON body (or a
body without a content type, which FastAPI parses as JSON) before any route
parses it, at C speed: strings are cut out with one regular expression, the
brackets left are counted with `itertools.accumulate`. Upload routes, whose
bodies are files, are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import accumulate

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from functions.api.problems import problem
from shared.core.common.errors import InputError
from shared.core.common.limits import MAX_JSON_DEPTH

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in `raw` nest deeper than `limit` (strings ignored)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:  # most bodies: no scan at all
        return False
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def too_deep_reason(limit: int = MAX_JSON_DEPTH) -> str:
    return f"the JSON is nested deeper than {limit} levels"


def check_json_depth(raw: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise InputError (field `body`) if `raw` nests deeper than `limit`."""
    if json_depth_exceeds(raw, limit):
        raise InputError("body", too_deep_reason(limit))


class BodyTooDeepError(HTTPException):
    """Raised from the request's body stream, so FastAPI passes it on unparsed."""

    def __init__(self, limit: int) -> None:
        super().__init__(422, too_deep_reason(limit))


def _is_json(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            kind: str = value.decode("latin-1").split(";", 1)[0].strip().lower()
            return kind == "application/json" or kind.endswith("+json")
    return True  # no content type: FastAPI parses the body as JSON


class JsonDepthMiddleware:
    """Reads a JSON body whole when the route first asks for it and checks its depth.

    `skip` names upload routes: an exact path, or a prefix ending in `/`.
    """

    def __init__(self, app: ASGIApp, max_depth: int, skip: Iterable[str] = ()) -> None:
        self.app = app
        self.max_depth = max_depth
        self.skip = tuple(skip)

    def _checked(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            return False
        path = scope["path"]
        skipped = any(
            path == route or (route.endswith("/") and path.startswith(route)) for route in self.skip
        )
        return not skipped and _is_json(scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._checked(scope):
            await self.app(scope, receive, send)
            return
        body_read = False

        async def whole_body() -> Message:
            nonlocal body_read
            if body_read:  # afterwards: disconnect notices and the like
                return await receive()
            chunks: list[bytes] = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return message
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            body_read = True
            body = b"".join(chunks)
            if json_depth_exceeds(body, self.max_depth):
                raise BodyTooDeepError(self.max_depth)
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, whole_body, send)


async def handle_too_deep(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, BodyTooDeepError)
    reason = str(error.detail)
    errors = [{"field": "body", "reason": reason}]
    return problem(request, 422, "too_deep", "Too deep", reason, field="body", errors=errors)


def install_json_depth(app: FastAPI, skip: Iterable[str], max_depth: int = MAX_JSON_DEPTH) -> None:
    """Add the middleware (inside the body-size limit, which must be added after it)."""
    app.add_middleware(JsonDepthMiddleware, max_depth=max_depth, skip=tuple(skip))
    app.add_exception_handler(BodyTooDeepError, handle_too_deep)
