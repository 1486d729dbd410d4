"""Structured logs carry the request id and tenant, and never a secret."""

from __future__ import annotations

import io
import json
import logging

from functions.api.logging import JsonFormatter


def _capture() -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("wellos").addHandler(handler)
    return handler, stream


def test_access_log_line_is_json_with_request_id_and_tenant(acme):
    # GIVEN a JSON log handler on the wellos loggers
    handler, stream = _capture()
    try:
        # WHEN the admin lists wells with a request id of their own
        response = acme.client.get(
            "/api/v1/wells", headers={**acme.headers, "X-Request-ID": "req-abc-123"}
        )
    finally:
        logging.getLogger("wellos").removeHandler(handler)
    # THEN one access line names the request id, the tenant and the status
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "wellos.access"]
    assert response.headers["x-request-id"] == "req-abc-123"
    assert access[-1]["request_id"] == "req-abc-123"
    assert access[-1]["tenant"] == "acme"
    assert access[-1]["status"] == 200


def test_logs_never_contain_passwords_tokens_or_connection_strings(acme, settings):
    # GIVEN a JSON log handler
    handler, stream = _capture()
    password = acme.created.admin_password
    try:
        # WHEN a user logs in (right and wrong password) and uses the token
        acme.client.post(
            "/api/v1/auth/login",
            json={"email": acme.created.admin_email, "password": password},
            headers={"X-WellOS-Tenant": "acme"},
        )
        acme.client.post(
            "/api/v1/auth/login",
            json={"email": acme.created.admin_email, "password": "wrong-" + password},
            headers={"X-WellOS-Tenant": "acme"},
        )
        acme.client.get("/api/v1/me", headers=acme.headers)
    finally:
        logging.getLogger("wellos").removeHandler(handler)
    # THEN no log line holds the password, the tokens or the database URL
    text = stream.getvalue()
    assert text, "expected access log lines"
    for secret in (password, acme.access_token, acme.refresh_token):
        assert secret not in text
    assert settings.require_database_url() not in text
    assert "postgresql" not in text
