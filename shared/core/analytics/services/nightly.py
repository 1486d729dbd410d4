"""Nightly scoring: fan out one message per tenant and chunk of wells, then score a chunk.

A chunk's predictions, anomalies, alerts and their outbox rows are written in
one transaction; every row has a natural unique key (well, model or type,
night), so a redelivered message or a re-run night adds nothing.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared.core.analytics.errors import ModelInputError
from shared.core.analytics.model.jobs import SCORING_QUEUE as SCORING_QUEUE  # re-exported
from shared.core.analytics.model.scoring import (
    ANOMALY_MODEL,
    FAILURE_MODEL,
    OPTIMIZER_MODEL,
    WATER_CUT_MODEL,
    Severity,
    WellScores,
    score_well_window,
)
from shared.core.analytics.ports import AnalyticsDatabases, AnalyticsStore, Anomaly, Prediction
from shared.core.analytics.services.alerting import (
    AlertDraft,
    alert_rows,
    json_safe,
    office_recipients,
)
from shared.core.analytics.services.score_windows import (
    SIGNAL_NAMES,
    production_window_start,
    production_windows,
    sensor_window_start,
    sensor_windows,
)
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError
from shared.core.ports.queue import OutgoingMessage, Queue
from shared.core.ports.scoring import ModelScorer
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterDatabase

log = logging.getLogger("wellos.scoring")

CHUNK_SIZE = 50
FAILURE_THRESHOLD_SETTING = "failure_alert_threshold"
DEFAULT_FAILURE_THRESHOLD = 0.5
ALERT_SEVERITIES = frozenset({Severity.HIGH, Severity.CRITICAL})
ANOMALY_TYPE = "sensor_anomaly"


@dataclass(frozen=True)
class ScoringJob:
    tenant_id: str
    night: date
    chunk: int
    well_ids: tuple[str, ...]

    @property
    def message_id(self) -> str:
        return f"{self.tenant_id}:{self.night.isoformat()}:{self.chunk}"

    def to_message(self) -> OutgoingMessage:
        body = {
            "tenant_id": self.tenant_id,
            "night": self.night.isoformat(),
            "chunk": self.chunk,
            "well_ids": list(self.well_ids),
        }
        return OutgoingMessage(json.dumps(body).encode(), self.message_id)

    @classmethod
    def from_body(cls, body: bytes | str) -> ScoringJob:
        """Parse a scoring message; InputError when it is not one (dead-letter it)."""
        try:
            data = json.loads(body)
            return cls(
                tenant_id=str(data["tenant_id"]),
                night=date.fromisoformat(data["night"]),
                chunk=int(data["chunk"]),
                well_ids=tuple(str(w) for w in data["well_ids"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError("message", f"not a scoring job ({type(exc).__name__})") from None


@dataclass
class ScoringReport:
    wells: int = 0
    scored: int = 0
    skipped: int = 0
    predictions: int = 0
    anomalies: int = 0
    alerts: int = 0
    notifications: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)

    def skip(self, *reasons: str) -> None:
        """Count one well left unscored, and why."""
        self.skipped += 1
        for reason in reasons:
            self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + 1

    def add(self, other: ScoringReport) -> None:
        for name in ("wells", "scored", "skipped", "predictions", "anomalies", "alerts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notifications += other.notifications
        for reason, count in other.skipped_reasons.items():
            self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + count


def last_night(now: datetime) -> date:
    """The night a run at ``now`` scores: the day before, UTC."""
    return (now.astimezone(UTC) - timedelta(days=1)).date()


class ScoringService:
    def __init__(
        self,
        master: MasterDatabase,
        databases: AnalyticsDatabases,
        scorer_factory: Callable[[], ModelScorer],
        clock: Clock = utc_now,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self._scorer_factory = scorer_factory
        self._scorer: ModelScorer | None = None
        self._master = master
        self._databases = databases
        self._clock = clock
        self._chunk_size = chunk_size

    def scorer(self) -> ModelScorer:
        """The models, opened on first use and kept for the warm instance."""
        if self._scorer is None:
            self._scorer = self._scorer_factory()
        return self._scorer

    def plan_night(self, night: date) -> list[ScoringJob]:
        """One job per serving tenant and chunk of its wells."""
        with self._master.unit_of_work() as master:
            tenants = [t for t in master.tenants.list() if t.is_serving]
        jobs: list[ScoringJob] = []
        for tenant in tenants:
            with self._databases.unit_of_work(tenant) as uow:
                wells = uow.analytics.active_well_ids()
            for chunk, start in enumerate(range(0, len(wells), self._chunk_size)):
                part = tuple(wells[start : start + self._chunk_size])
                jobs.append(ScoringJob(tenant.id, night, chunk, part))
        return jobs

    def fan_out(self, queue: Queue, night: date, queue_name: str = SCORING_QUEUE) -> int:
        """Send the night's jobs; their message ids make a second fan-out harmless."""
        jobs = self.plan_night(night)
        for start in range(0, len(jobs), 10):
            queue.send(queue_name, [job.to_message() for job in jobs[start : start + 10]])
        return len(jobs)

    def score_chunk(self, job: ScoringJob, scorer: ModelScorer | None = None) -> ScoringReport:
        """Score a chunk's wells and write their results in one transaction."""
        scorer = scorer or self.scorer()
        with self._master.unit_of_work() as master:
            tenant = master.tenants.get(job.tenant_id)
            if tenant is None:
                raise NotFoundError("tenant", job.tenant_id)
            recipients = office_recipients(master.users, tenant.id)
        end = datetime.combine(job.night + timedelta(days=1), time(0), UTC)
        threshold = failure_threshold(tenant)
        report = ScoringReport(wells=len(job.well_ids))
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.analytics
            sensors, production = self._windows(store, job.well_ids, end, job.night)
            for well_id in job.well_ids:
                try:
                    scores = score_well_window(
                        scorer, sensors.get(well_id), production.get(well_id)
                    )
                except ModelInputError as exc:  # one well's odd data never fails the chunk
                    log.warning("well %s not scored: %s", well_id, exc)
                    report.skip("a model refused the well's features")
                    continue
                if len(scores.model_versions) == 0:
                    report.skip(*set(scores.skipped.values()))
                    continue
                report.scored += 1
                self._write(store, well_id, job.night, scores, threshold, recipients, report)
            uow.commit()
        log.info(
            "scored tenant %s night %s chunk %d: %d wells, %d skipped, %d alerts",
            tenant.slug, job.night, job.chunk, report.scored, report.skipped, report.alerts,
        )  # fmt: skip
        return report

    def _windows(
        self, store: AnalyticsStore, wells: Sequence[str], end: datetime, night: date
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        hourly = store.hourly_values(wells, SIGNAL_NAMES, sensor_window_start(end), end)
        days = store.production_days(wells, production_window_start(night), night)
        return sensor_windows(hourly, end), production_windows(days, night)

    def _write(
        self,
        store: AnalyticsStore,
        well_id: str,
        night: date,
        scores: WellScores,
        threshold: float,
        recipients: Sequence[str],
        report: ScoringReport,
    ) -> None:
        now = self._clock()
        for model, values in prediction_values(scores).items():
            prediction = Prediction(
                id=str(uuid.uuid4()),
                well_id=well_id,
                model=model,
                model_version=scores.model_versions.get(model, "?"),
                night=night,
                values=json_safe(values),
                created_at=now,
            )
            report.predictions += int(store.add_prediction(prediction))
        drafts: list[AlertDraft] = []
        anomaly = scores.anomaly
        if anomaly is not None and anomaly.severity is not None:
            evidence = [asdict(item) for item in anomaly.evidence]
            inserted = store.add_anomaly(
                Anomaly(
                    id=str(uuid.uuid4()),
                    well_id=well_id,
                    anomaly_type=ANOMALY_TYPE,
                    severity=anomaly.severity.value,
                    score=anomaly.score,
                    evidence=json_safe({"deviation": anomaly.deviation, "inputs": evidence}),
                    detected_at=now,
                    night=night,
                )
            )
            report.anomalies += int(inserted)
            if anomaly.severity in ALERT_SEVERITIES:
                drafts.append(AlertDraft.for_anomaly(well_id, night, anomaly.severity, evidence))
        failure = scores.failure
        if failure is not None and failure.probability >= threshold:
            drafts.append(AlertDraft.for_failure(well_id, night, failure, threshold))
        for draft in drafts:
            alert, outbox = alert_rows(draft, now, recipients)
            if store.add_alert(alert):
                report.alerts += 1
                report.notifications += store.add_outbox(outbox)


def failure_threshold(tenant: Tenant) -> float:
    """The tenant's ``failure_alert_threshold`` feature, else 0.5."""
    value = tenant.features.get(FAILURE_THRESHOLD_SETTING, DEFAULT_FAILURE_THRESHOLD)
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        return DEFAULT_FAILURE_THRESHOLD
    return threshold if 0.0 < threshold <= 1.0 else DEFAULT_FAILURE_THRESHOLD


def prediction_values(scores: WellScores) -> dict[str, dict[str, Any]]:
    """One JSON document per model that scored."""
    values: dict[str, dict[str, Any]] = {}
    if scores.anomaly is not None:
        a = scores.anomaly
        severity = a.severity.value if a.severity else None
        values[ANOMALY_MODEL] = {
            "score": a.score, "is_anomaly": a.is_anomaly, "severity": severity,
            "deviation": a.deviation,
        }  # fmt: skip
    if scores.failure is not None:
        values[FAILURE_MODEL] = {
            **asdict(scores.failure),
            "mode_probabilities": dict(scores.failure.mode_probabilities),
        }
    if scores.choke is not None:
        values[OPTIMIZER_MODEL] = asdict(scores.choke)
    if scores.water_cut is not None:
        values[WATER_CUT_MODEL] = {
            **asdict(scores.water_cut),
            "production": dict(scores.production),
        }
    return values
