"""Powertools telemetry is set up once for the whole Lambda process (shared/bootstrap/telemetry.py).

What an operator reads in CloudWatch: every `wellos.*` service log line is the handler's
JSON, with the Lambda context and the keys the handler added (tenant, request id), once
per record, and with secrets still redacted.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from shared.bootstrap import telemetry
from shared.bootstrap.telemetry import Telemetry


@dataclass
class LambdaContext:
    function_name: str = "wellos-sync-jobs"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:wellos-sync-jobs"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A process whose telemetry has not started, as a Lambda's is before its first platform."""
    service = f"wellos-test-{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", service)
    monkeypatch.setattr(telemetry, "_started", set())
    wellos = logging.getLogger("wellos")
    saved = (list(wellos.handlers), wellos.propagate, wellos.level)
    yield service
    wellos.handlers, wellos.propagate = saved[0], saved[1]
    wellos.setLevel(saved[2])


def lines(captured: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def test_service_logs_go_through_the_process_logger_with_the_handlers_keys(
    fresh_process: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from aws_lambda_powertools import Logger

    from functions.api.logging import configure_logging

    # GIVEN the API's logging (with its redaction) and a handler module's Logger
    configure_logging("INFO", json_lines=True)
    handler_logger = Logger()
    context = LambdaContext()

    @handler_logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], _: LambdaContext) -> None:
        handler_logger.append_keys(tenant="acme")
        logging.getLogger("wellos.sync.jobs").info("job done", extra={"job": event["job"]})
        logging.getLogger("wellos.auth").warning(
            "magic link followed: %s", "/api/v1/auth/magic?token=hunter2-secret&next=/"
        )

    # WHEN the first platform build starts telemetry (twice: a second build changes nothing)
    Telemetry("powertools").start()
    Telemetry("powertools").start()
    capsys.readouterr()
    handler({"job": "j-1"}, context)
    # THEN each service record is one JSON line of the process's service
    logged = lines(capsys.readouterr().out)
    done = [line for line in logged if line["message"] == "job done"]
    assert len(done) == 1
    [entry] = done
    # AND it carries the Lambda context and the handler's keys
    assert entry["service"] == fresh_process
    assert entry["function_request_id"] == context.aws_request_id
    assert entry["function_name"] == "wellos-sync-jobs"
    assert (entry["tenant"], entry["job"]) == ("acme", "j-1")
    # AND the API's redaction still applies to them
    [warning] = [line for line in logged if line["level"] == "WARNING"]
    assert "hunter2" not in json.dumps(warning)
    assert "/api/v1/auth/magic?token=" in warning["message"]


def test_other_telemetry_leaves_the_service_loggers_alone(fresh_process: str) -> None:
    wellos = logging.getLogger("wellos")
    before = list(wellos.handlers)
    Telemetry("none").start()
    assert wellos.handlers == before
