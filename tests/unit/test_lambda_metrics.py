"""A queue Lambda ends each invocation with its EMF metrics on stdout: every record's
queue lag (SQS SentTimestamp to the invocation's start) and what the work recorded."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from functions.aws.queue_worker import sqs_batch_handler
from shared.adapters.metrics.emf import EmfMetrics
from shared.core.ports.metrics import SYNC_EVENTS, Unit
from tests.unit.test_powertools_telemetry import LambdaContext


def _record(queue: str, sent_ms: int) -> dict[str, Any]:
    return {
        "messageId": "m-1",
        "body": "{}",
        "attributes": {"SentTimestamp": str(sent_ms), "ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue}",
    }


def test_a_queue_handler_prints_the_lag_and_the_works_metrics_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "WellOS")
    monkeypatch.delenv("POWERTOOLS_SERVICE_NAME", raising=False)
    metrics = EmfMetrics()

    def record_handler(record: SQSRecord) -> None:
        metrics.add(SYNC_EVENTS, 3, Unit.COUNT, {"tenant": "acme", "outcome": "applied"})

    handler = sqs_batch_handler(Logger(service="t"), record_handler, lambda: metrics)
    minute_ago = int(time.time() * 1000) - 60_000
    # WHEN one invocation takes a message sent a minute ago
    handler({"Records": [_record("sync-jobs", minute_ago)]}, LambdaContext())  # type: ignore[arg-type]
    documents = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    # THEN the invocation printed the lag of the sync-jobs queue and the work's counts
    by_name = {
        m["Name"]: doc for doc in documents for m in doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
    }
    lag = by_name["queue.lag"]
    assert lag["queue"] == "sync-jobs"
    assert lag["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["queue"]]
    assert lag["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [
        {"Name": "queue.lag", "Unit": "Seconds"}
    ]
    [waited] = lag["queue.lag"]
    assert waited >= 59
    assert by_name["sync.events"]["sync.events"] == [3.0]
    assert len(documents) == 2
