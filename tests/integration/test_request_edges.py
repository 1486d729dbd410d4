"""Edges every route shares, against a real uvicorn server: the body limit holds for
routes that never read their body, an unhandled error is one problem+json 500 with the
request id, logged once with the tenant and route but without bound values or file
contents, and credentials in URLs never reach a log line, uvicorn's included."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from functions.api.app import create_app
from functions.api.dependencies import PlatformDep, TenantDep
from functions.api.logging import UVICORN_LOGGERS, JsonFormatter
from shared.bootstrap import Platform, build_platform
from shared.core.registry.services.tenants import CreateTenant
from tests.integration.live_server import live_server

BODY_LIMIT = 4096
BOUND_SECRET = "s3cret-bound-value-7781"
FILE_SECRET = "pumper-password=hunter2;well=42-501-20130"


def _boom_sql(platform: PlatformDep, tenant: TenantDep) -> None:
    """A database error whose server message quotes the bound value (SQLSTATE 42704: not a
    refusal of the request's data, which answers 4xx, but a fault nobody handled)."""
    with platform.master.engine.connect() as connection:
        connection.execute(sa.text("SELECT current_setting(:value)"), {"value": BOUND_SECRET})


def _boom_file(tenant: TenantDep) -> None:
    """An error whose message quotes a line of an uploaded file."""
    raise ValueError(f"cannot parse line {FILE_SECRET!r}")


def _app_with_failing_routes(platform: Platform) -> FastAPI:
    app = create_app(platform)
    app.add_api_route("/api/v1/test/boom-sql", _boom_sql, methods=["GET"])
    app.add_api_route("/api/v1/test/boom-file", _boom_file, methods=["GET"])
    return app


@dataclass
class Served:
    platform: Platform
    http: httpx.Client
    log: io.StringIO
    uvicorn_log: io.StringIO

    def everything(self) -> str:
        """Every line written: ours (JSON) and uvicorn's (access and errors)."""
        return self.log.getvalue() + self.uvicorn_log.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.getvalue().splitlines()]

    def access(self, request_id: str) -> list[dict[str, Any]]:
        """The access lines of a request, once written: the server logs after answering."""
        deadline = time.monotonic() + 10
        while True:
            lines = [line for line in self.lines() if line["logger"] == "wellos.access"]
            found = [line for line in lines if line["request_id"] == request_id]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.02)


@contextmanager
def _captured(names: tuple[str, ...], formatter: logging.Formatter) -> Iterator[io.StringIO]:
    """What these loggers write, through their own filters, into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    for name in names:
        logging.getLogger(name).addHandler(handler)
    try:
        yield stream
    finally:
        for name in names:
            logging.getLogger(name).removeHandler(handler)


@pytest.fixture
def served(settings) -> Iterator[Served]:
    """acme on uvicorn (access log on, as `wellos serve`); our and uvicorn's lines captured."""
    platform = build_platform(settings.model_copy(update={"max_body_bytes": BODY_LIMIT}))
    platform.migrate_master()
    platform.tenants.create(CreateTenant(slug="acme", name="Acme", admin_email="a@acme.test"))
    try:
        app = _app_with_failing_routes(platform)
        with (
            live_server(app, access_log=True) as url,
            httpx.Client(base_url=url) as http,
            _captured(("wellos",), JsonFormatter()) as ours,
            _captured(UVICORN_LOGGERS, logging.Formatter("%(name)s %(message)s")) as theirs,
        ):
            yield Served(platform, http, ours, theirs)
    finally:
        platform.close()


def _chunks(total: int) -> Iterator[bytes]:
    """A body sent chunked: no Content-Length for the server to check first."""
    for _ in range(total // 1024):
        yield b"x" * 1024


def test_a_streamed_body_past_the_limit_is_413_even_where_the_route_never_reads_it(served):
    # WHEN a chunked body larger than the limit goes to a route that reads no body
    response = served.http.request(
        "GET", "/api/v1/health", content=_chunks(16 * BODY_LIMIT), headers={"X-Request-ID": "r-1"}
    )
    # THEN it is a 413 problem with the request id, and the access log says 413
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "body_too_large"
    assert response.json()["request_id"] == response.headers["x-request-id"] == "r-1"
    assert [a["status"] for a in served.access("r-1")] == [413]


def test_a_streamed_body_within_the_limit_is_answered_as_usual(served):
    response = served.http.request("GET", "/api/v1/health", content=_chunks(BODY_LIMIT // 2))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    ("path", "secret", "error_type"),
    [
        ("/api/v1/test/boom-sql", BOUND_SECRET, "sqlalchemy.exc.ProgrammingError"),
        ("/api/v1/test/boom-file", FILE_SECRET, "ValueError"),
    ],
    ids=["bound-sql-value", "file-contents"],
)
def test_an_unhandled_error_is_one_500_logged_once_with_context_and_no_values(
    served, path, secret, error_type
):
    # WHEN a route of acme fails in a way nobody handled
    response = served.http.get(path, headers={"X-WellOS-Tenant": "acme", "X-Request-ID": "r-9"})
    # THEN the client gets a problem+json 500 carrying the request id
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "internal_error"
    assert response.json()["request_id"] == response.headers["x-request-id"] == "r-9"
    # AND one error line names the request, tenant, route, error type and stack
    lines = served.lines()
    [error] = [line for line in lines if line["logger"] == "wellos.errors"]
    assert (error["request_id"], error["tenant"], error["route"]) == ("r-9", "acme", path)
    assert error["level"] == "ERROR"
    assert error["error_type"] == error_type
    assert "_boom_" in error["traceback"]
    # AND the access line has the 500
    assert [a["status"] for a in served.access("r-9")] == [500]
    # AND no log line anywhere (ours or uvicorn's) holds the value, nor a second report
    assert f'"GET {path} HTTP/1.1" 500' in served.uvicorn_log.getvalue()
    assert secret not in served.everything()
    assert "Exception in ASGI application" not in served.everything()


def test_a_database_error_is_logged_with_its_statement_and_sqlstate_only(served):
    served.http.get("/api/v1/test/boom-sql", headers={"X-WellOS-Tenant": "acme"})
    [error] = [line for line in served.lines() if line["logger"] == "wellos.errors"]
    assert error["sql"] == "SELECT current_setting(%s)"
    assert error["sqlstate"] == "42704"


def test_credentials_in_urls_never_reach_a_log_line(served):
    # WHEN requests carry a blob token and an authorization code in their query
    served.http.get("/api/v1/blobs/tenants/acme/x.jpg?token=tok-abc-123.sig-xyz")
    served.http.get("/api/v1/health?code=oauth-code-456&limit=5", headers={"X-Request-ID": "r-q"})
    [ours] = served.access("r-q")
    # THEN uvicorn's access lines and ours show the requests, without the values
    assert "/x.jpg?token=[redacted] HTTP/1.1" in served.uvicorn_log.getvalue()
    everything = served.everything()
    assert "tok-abc-123" not in everything and "sig-xyz" not in everything
    assert "oauth-code-456" not in everything
    assert ours["query"] == "code=[redacted]&limit=5"
