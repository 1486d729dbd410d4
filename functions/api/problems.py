"""RFC 9457 problem details: every error the API returns, by exception type."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from functions.api.logging import error_fields
from shared.core.common.errors import (
    AuthenticationError,
    ConflictError,
    DuplicateError,
    IllegalTransitionError,
    InfrastructureError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    WellOSError,
)
from shared.core.registry.errors import TenantRoutingError, ThrottledError
from shared.core.scada.errors import GatewayAuthenticationError
from shared.core.scada.services.credentials import AUTH_SCHEME
from shared.core.sync.errors import BatchTooLargeError
from shared.core.wells.services.production import BatchRejectedError

log = logging.getLogger("wellos.api")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://wellos.dev/problems/"
RETRY_AFTER_S = "5"

STATUS_BY_TYPE: list[tuple[type[WellOSError], int]] = [
    (BatchRejectedError, 422),
    (BatchTooLargeError, 413),
    (InputError, 422),
    (NotFoundError, 404),
    (ConflictError, 409),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (TenantRoutingError, 400),
    (ThrottledError, 429),
    (InfrastructureError, 503),
]


def problem(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", ""),
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_for(error: WellOSError) -> int:
    for error_type, status in STATUS_BY_TYPE:
        if isinstance(error, error_type):
            return status
    return 500


def _extra_fields(error: WellOSError) -> dict[str, Any]:
    if isinstance(error, BatchRejectedError):
        rows = [{"index": e.index, "field": e.field, "reason": e.reason} for e in error.errors]
        return {"errors": rows}
    if isinstance(error, BatchTooLargeError):
        return {"max_events": error.max_events, "max_bytes": error.max_bytes}
    if isinstance(error, InputError):
        return {"field": error.field, "errors": [{"field": error.field, "reason": error.reason}]}
    if isinstance(error, IllegalTransitionError):
        return {"current": error.current, "requested": error.requested, "allowed": error.allowed}
    if isinstance(error, DuplicateError):
        return {"field": error.field}
    field = getattr(error, "field", None)  # e.g. a refusal for the caller's role: "role"
    return {"field": field} if isinstance(field, str) else {}


async def handle_domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, WellOSError)
    status = status_for(error)
    headers: dict[str, str] = {}
    if isinstance(error, AuthenticationError):
        gateway = isinstance(error, GatewayAuthenticationError)
        headers["WWW-Authenticate"] = AUTH_SCHEME if gateway else "Bearer"
    if isinstance(error, ThrottledError):
        headers["Retry-After"] = str(error.retry_after_s)
    if status == 503:  # a backing service failed: worth trying again soon
        headers["Retry-After"] = RETRY_AFTER_S
    if status >= 500:
        log.error("request failed: %s (%s)", error.code, type(error).__name__)
    title = error.code.replace("_", " ").capitalize()
    return problem(
        request, status, error.code, title, error.detail, headers, **_extra_fields(error)
    )


def _field_of(location: tuple[int | str, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def handle_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    issues = list(error.errors())
    if any(issue.get("type") == "json_invalid" for issue in issues):
        return problem(
            request, 400, "malformed_json", "Malformed JSON", "the body is not valid JSON"
        )
    errors = [
        {"field": _field_of(tuple(i.get("loc", ()))), "reason": str(i.get("msg", ""))}
        for i in issues
    ]
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5])
    return problem(request, 422, "invalid_input", "Invalid input", detail, errors=errors)


async def handle_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
        error.status_code, "http_error"
    )
    return problem(
        request, error.status_code, code, code.replace("_", " ").capitalize(), str(error.detail)
    )


async def handle_database_down(request: Request, error: Exception) -> JSONResponse:
    """A connection lost mid-request: retryable, never a 500."""
    log.error("database unavailable (%s)", type(error).__name__)
    detail = "the database is unavailable; try again"
    headers = {"Retry-After": RETRY_AFTER_S}
    return problem(request, 503, "database_unavailable", "Database unavailable", detail, headers)


async def handle_database_refusal(request: Request, error: Exception) -> JSONResponse:
    """A write or filter the database refused: the services check first, this is the net."""
    # The SQL adapters load with the platform (the first request), not with the app.
    from shared.adapters.sql.unit_of_work import database_refusal

    refusal = database_refusal(error)
    if refusal is None:  # a fault, not the request's data: RequestContextMiddleware logs it
        raise error
    log.warning("the database refused the request's data (%s)", type(error).__name__)
    if refusal == "conflict":
        detail = "the change conflicts with data already stored"
        return problem(request, 409, "conflict", "Conflict", detail)
    detail = "a value is outside what the database can store"  # which one, it does not say
    return problem(request, 422, "invalid_input", "Invalid input", detail)


async def handle_unexpected(request: Request, error: Exception) -> JSONResponse:
    """Last resort for an error raised outside `RequestContextMiddleware`, which answers
    and logs the others: types and stack only, never the message."""
    log.error("unhandled error (%s)", type(error).__name__, extra=error_fields(error))
    return problem(request, 500, "internal_error", "Internal error", "an unexpected error occurred")


def install_problem_handlers(app: FastAPI) -> None:
    """Every handler but the database's: `install_database_handlers` adds those."""
    app.add_exception_handler(WellOSError, handle_domain_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected)


def install_database_handlers(app: FastAPI) -> None:
    """SQLAlchemy's connection and refusal errors: 503, or 409/422 for refused data.

    SQLAlchemy's exception types come with all of SQLAlchemy (a tenth of a second of
    import): the API's app (`functions.api.app.WellOSApi`) adds these handlers when it
    starts serving, not when a cold start imports it.
    """
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    app.add_exception_handler(OperationalError, handle_database_down)
    app.add_exception_handler(InterfaceError, handle_database_down)
    app.add_exception_handler(DBAPIError, handle_database_refusal)
