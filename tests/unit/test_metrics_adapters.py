"""The metrics adapters write what a CloudWatch or Application Insights user queries.

EMF: the real Powertools JSON documents on stdout, one per dimension set, with the
namespace, the metric names, their units and exactly the dimensions recorded.
OpenTelemetry: the data points of the `wellos` meter, read by an in-memory reader.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    HistogramDataPoint,
    InMemoryMetricReader,
    NumberDataPoint,
)

from shared.adapters.metrics.emf import EmfMetrics
from shared.adapters.metrics.local import LocalMetrics
from shared.adapters.metrics.otel import OtelMetrics
from shared.bootstrap.telemetry import build_metrics
from shared.core.ports.metrics import (
    API_LATENCY,
    API_REQUESTS,
    API_SERVER_ERRORS,
    DEAD_LETTERS,
    QUEUE_LAG,
    Unit,
)

ROUTE = {"route": "GET /api/v1/wells/{well_id}", "tenant": "acme"}


def emf_documents(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]


def test_emf_prints_one_document_per_dimension_set_on_flush(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "WellOS")
    monkeypatch.delenv("POWERTOOLS_SERVICE_NAME", raising=False)
    metrics = EmfMetrics()
    # GIVEN an invocation that served a failing request and dead-lettered a message
    metrics.add(API_REQUESTS, 1, Unit.COUNT, ROUTE)
    metrics.add(API_LATENCY, 12.5, Unit.MILLISECONDS, ROUTE)
    metrics.add(API_SERVER_ERRORS, 1, Unit.COUNT, ROUTE)
    metrics.add(DEAD_LETTERS, 1, Unit.COUNT, {"queue": "ingest", "reason": "unknown_gateway"})
    # THEN nothing is printed before the flush
    assert emf_documents(capsys.readouterr().out) == []
    # WHEN the handler ends
    metrics.flush()
    documents = emf_documents(capsys.readouterr().out)
    # THEN each dimension set is one EMF document of the namespace
    assert len(documents) == 2
    by_dimensions = {
        tuple(doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]): doc for doc in documents
    }
    request = by_dimensions[("route", "tenant")]
    [directive] = request["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "WellOS"
    assert {(m["Name"], m["Unit"]) for m in directive["Metrics"]} == {
        ("api.requests", "Count"),
        ("api.latency", "Milliseconds"),
        ("api.errors.server", "Count"),
    }
    assert (request["route"], request["tenant"]) == ("GET /api/v1/wells/{well_id}", "acme")
    assert request["api.latency"] == [12.5]
    dead = by_dimensions[("queue", "reason")]
    assert (dead["queue"], dead["reason"], dead["queue.dead_letters"]) == (
        "ingest",
        "unknown_gateway",
        [1.0],
    )
    # AND a second flush has nothing left to print
    metrics.flush()
    assert emf_documents(capsys.readouterr().out) == []


def test_emf_without_a_namespace_loses_the_metrics_not_the_invocation(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE", raising=False)
    metrics = EmfMetrics()
    metrics.add(QUEUE_LAG, 3.0, Unit.SECONDS, {"queue": "sync-jobs"})
    metrics.flush()  # does not raise
    assert emf_documents(capsys.readouterr().out) == []


def test_otel_counts_add_up_and_other_units_are_histograms() -> None:
    reader = InMemoryMetricReader()
    metrics = OtelMetrics(MeterProvider(metric_readers=[reader]))
    # GIVEN two requests of one route and tenant, one lag of a queue
    metrics.add(API_REQUESTS, 1, Unit.COUNT, ROUTE)
    metrics.add(API_REQUESTS, 1, Unit.COUNT, ROUTE)
    metrics.add(QUEUE_LAG, 2.5, Unit.SECONDS, {"queue": "sync-jobs"})
    metrics.add(QUEUE_LAG, 0.5, Unit.SECONDS, {"queue": "sync-jobs"})
    # WHEN the reader collects
    data = reader.get_metrics_data()
    assert data is not None
    [scope] = data.resource_metrics[0].scope_metrics
    assert scope.scope.name == "wellos"
    found = {metric.name: metric for metric in scope.metrics}
    # THEN the request counter is 2 for that route and tenant
    [requests] = found["api.requests"].data.data_points
    assert isinstance(requests, NumberDataPoint)
    assert requests.value == 2
    assert dict(requests.attributes or {}) == ROUTE
    # AND the lag is a histogram in seconds, by queue
    assert found["queue.lag"].unit == "s"
    [lag] = found["queue.lag"].data.data_points
    assert isinstance(lag, HistogramDataPoint)
    assert (lag.count, lag.sum, lag.max) == (2, 3.0, 2.5)
    assert dict(lag.attributes or {}) == {"queue": "sync-jobs"}


def test_settings_telemetry_picks_the_adapter() -> None:
    assert isinstance(build_metrics("powertools"), EmfMetrics)
    assert isinstance(build_metrics("azure-monitor"), OtelMetrics)
    assert isinstance(build_metrics("none"), LocalMetrics)


def test_every_metric_the_code_names_is_documented_for_operators() -> None:
    from pathlib import Path

    from shared.core.ports import metrics as port

    docs = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
    section = docs.read_text(encoding="utf-8").split("\n## Metrics\n")[1].split("\n## ")[0]
    names = [v for k, v in vars(port).items() if k.isupper() and isinstance(v, str) and "." in v]
    assert len(names) == 9
    for name in names:
        assert f"| `{name}` |" in section, name
