"""Each error type maps to its HTTP status and an RFC 9457 problem (in-process, no sockets)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from functions.api.middleware import RequestContextMiddleware
from functions.api.problems import PROBLEM_JSON, install_problem_handlers, status_for
from shared.core.common.errors import (
    AuthenticationError,
    ConflictError,
    DuplicateError,
    IllegalTransitionError,
    InfrastructureError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    QueueError,
    SecretNotFoundError,
    WellOSError,
)
from shared.core.registry.errors import (
    TenantMismatchError,
    TenantRoutingError,
    TenantSuspendedError,
    ThrottledError,
    UnknownTenantError,
)
from shared.core.wells.services.production import BatchRejectedError, RowError

CASES = [
    (InputError("api_number", "bad"), 422, "invalid_input"),
    (BatchRejectedError([RowError(3, "oil_bbl", "must not be negative")]), 422, "batch_rejected"),
    (NotFoundError("well", "x"), 404, "not_found"),
    (UnknownTenantError("nope"), 404, "unknown_tenant"),
    (ConflictError("busy"), 409, "conflict"),
    (DuplicateError("api_number", "42501201300000"), 409, "duplicate"),
    (IllegalTransitionError("PLANNED", "PRODUCING", ["PERMITTED"]), 409, "illegal_transition"),
    (AuthenticationError("no"), 401, "unauthenticated"),
    (PermissionDeniedError("no"), 403, "forbidden"),
    (TenantSuspendedError("acme"), 403, "tenant_suspended"),
    (TenantMismatchError(), 403, "tenant_mismatch"),
    (TenantRoutingError("no tenant"), 400, "tenant_required"),
    (ThrottledError("slow down", retry_after_s=900), 429, "throttled"),
    (InfrastructureError("db down"), 503, "unavailable"),
    (SecretNotFoundError("tenant-acme-database-url"), 503, "secret_not_found"),
    (QueueError("Service Bus failed"), 503, "queue_unavailable"),
    (WellOSError("unmapped"), 500, "wellos_error"),
]


@pytest.mark.parametrize(("error", "status", "code"), CASES, ids=[c[2] for c in CASES])
def test_each_error_type_has_its_status(error, status, code):
    assert status_for(error) == status
    assert error.code == code


@pytest.fixture(scope="module")
def client():
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=1024)

    @app.get("/raise/{index}")
    def raise_error(index: int) -> None:
        raise CASES[index][0]

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret connection string postgresql://u:pw@h/db")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[2] for c in CASES])
def test_errors_reach_the_client_as_problem_details(client, index):
    # GIVEN a route that raises one error type
    _, status, code = CASES[index]
    # WHEN it is called with a request id
    response = client.get(f"/raise/{index}", headers={"X-Request-ID": "req-42"})
    # THEN the answer is a problem+json with that status, code and request id
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith("/" + code)
    assert body["instance"] == f"/raise/{index}"
    assert body["request_id"] == "req-42" == response.headers["x-request-id"]


def test_problem_bodies_carry_the_field_allowed_statuses_and_row_errors(client):
    def body(code: str) -> dict:
        index = [c[2] for c in CASES].index(code)
        return client.get(f"/raise/{index}").json()

    assert body("invalid_input")["field"] == "api_number"
    assert body("duplicate")["field"] == "api_number"
    transition = body("illegal_transition")
    assert transition["allowed"] == ["PERMITTED"]
    assert transition["current"] == "PLANNED"
    assert body("batch_rejected")["errors"] == [
        {"index": 3, "field": "oil_bbl", "reason": "must not be negative"}
    ]


def test_throttling_says_when_to_retry_and_401_asks_for_a_bearer_token(client):
    codes = [c[2] for c in CASES]
    throttled = client.get(f"/raise/{codes.index('throttled')}")
    assert throttled.headers["retry-after"] == "900"
    unauthenticated = client.get(f"/raise/{codes.index('unauthenticated')}")
    assert unauthenticated.headers["www-authenticate"] == "Bearer"


def test_every_503_says_when_to_retry(client):
    # GIVEN routes raising each error type; WHEN the backing-service failures are called
    unavailable = [i for i, case in enumerate(CASES) if case[1] == 503]
    answers = [client.get(f"/raise/{index}") for index in unavailable]
    # THEN each asks the client to come back in a few seconds
    assert [a.headers.get("retry-after") for a in answers] == ["5"] * len(unavailable)


def test_an_unexpected_error_is_a_500_problem_without_its_message(client):
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "internal_error"
    assert "postgresql" not in response.text


def test_an_unknown_route_and_a_wrong_method_are_problems_too(client):
    assert client.get("/nowhere").json()["code"] == "not_found"
    response = client.delete("/boom")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON


def test_the_apis_app_answers_a_lost_database_connection_with_a_503_problem():
    # GIVEN the API's app (its SQLAlchemy handlers are added as it starts serving)
    from sqlalchemy.exc import InterfaceError, OperationalError

    from functions.api.app import create_app
    from shared.settings import Settings

    app = create_app(settings=Settings(log_json=False))
    lost = [OperationalError("SELECT 1", {}, ConnectionError()), InterfaceError("x", {}, None)]

    @app.get("/lost/{index}")
    def lose_connection(index: int) -> None:
        raise lost[index]

    # WHEN a route loses its connection THEN the client may retry in a few seconds
    with TestClient(app, raise_server_exceptions=False) as test_client:
        for index in range(len(lost)):
            response = test_client.get(f"/lost/{index}")
            assert response.status_code == 503
            assert response.headers["content-type"] == PROBLEM_JSON
            assert response.headers["retry-after"] == "5"
            assert response.json()["code"] == "database_unavailable"
