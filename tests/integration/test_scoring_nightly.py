"""The nightly scoring job on real PostgreSQL: faults raise alerts, a re-run adds nothing."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from functions.local.scoring import VISIBILITY_S, run_nightly_scoring, work_scoring_queue
from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.sql import master_tables
from shared.bootstrap import Platform
from shared.core.application.analytics.nightly import SCORING_QUEUE, ScoringJob
from tests.integration.conftest import TenantSession
from tests.integration.test_scoring_support import NIGHT, build_field, rows_of


def test_the_night_raises_alerts_for_faulty_wells_only_and_a_rerun_adds_nothing(
    platform: Platform, acme: TenantSession
) -> None:
    # GIVEN three wells with readings (one with bearing wear) and one without any data
    field = build_field(platform, acme)
    platform.analytics.scoring._chunk_size = 2  # two chunks: the fan-out is exercised
    queue = InMemoryQueue()

    # WHEN the night is scored
    report = run_nightly_scoring(platform, queue, NIGHT)

    # THEN the faulty well has a HIGH or CRITICAL anomaly and alerts, the others none
    assert (report.wells, report.scored, report.skipped) == (4, 3, 1)
    anomalies = rows_of(platform, acme.slug, "anomalies")
    flagged = {str(a["well_id"]) for a in anomalies if a["severity"] in ("HIGH", "CRITICAL")}
    assert flagged == field.faulty
    alerts = rows_of(platform, acme.slug, "alerts")
    assert {str(a["well_id"]) for a in alerts} == field.faulty
    assert {a["source"] for a in alerts} == {"anomaly", "prediction"}
    assert all(a["status"] == "OPEN" for a in alerts)
    predictions = rows_of(platform, acme.slug, "predictions")
    per_well = Counter(str(p["well_id"]) for p in predictions)
    assert set(per_well) == set(field.well_ids) - field.no_data
    outbox = rows_of(platform, acme.slug, "notification_outbox")
    assert {o["recipient"] for o in outbox} == {acme.created.admin_email}
    assert len(outbox) == len(alerts)

    # WHEN the same night runs again (a re-run, and a redelivered message)
    again = run_nightly_scoring(platform, queue, NIGHT)
    job = ScoringJob(acme.created.tenant.id, NIGHT, 0, tuple(field.well_ids[:2]))
    platform.analytics.scoring.score_chunk(job)

    # THEN nothing is duplicated
    assert (again.predictions, again.anomalies, again.alerts) == (0, 0, 0)
    assert len(rows_of(platform, acme.slug, "predictions")) == len(predictions)
    assert len(rows_of(platform, acme.slug, "anomalies")) == len(anomalies)
    assert len(rows_of(platform, acme.slug, "alerts")) == len(alerts)
    assert len(rows_of(platform, acme.slug, "notification_outbox")) == len(outbox)
    assert queue.receive(SCORING_QUEUE, 10, 1.0) == []


def test_the_failure_threshold_is_a_tenant_setting(platform: Platform, acme: TenantSession) -> None:
    # GIVEN a healthy field, scored once with the default threshold
    field = build_field(platform, acme, faulty=0)
    run_nightly_scoring(platform, InMemoryQueue(), NIGHT)
    assert rows_of(platform, acme.slug, "alerts") == []

    # WHEN the tenant lowers its failure threshold below every well's risk and the night re-runs
    with platform.master.engine.begin() as connection:
        connection.execute(
            sa.update(master_tables.tenants)
            .where(master_tables.tenants.c.id == acme.created.tenant.id)
            .values(features={"failure_alert_threshold": 0.01})
        )
    run_nightly_scoring(platform, InMemoryQueue(), NIGHT)

    # THEN each scored well gets one failure-risk alert (and no anomaly alert)
    alerts = rows_of(platform, acme.slug, "alerts")
    assert sorted(str(a["well_id"]) for a in alerts) == sorted(set(field.well_ids) - field.no_data)
    assert {(a["source"], a["severity"]) for a in alerts} == {("prediction", "HIGH")}


def test_a_tenant_whose_scoring_fails_does_not_hold_up_the_others(
    platform: Platform, acme: TenantSession, permian: TenantSession, monkeypatch
) -> None:
    # GIVEN two tenants with a faulty well each, and acme's scoring failing (its database down)
    build_field(platform, acme)
    build_field(platform, permian)
    now = [0.0]
    queue = InMemoryQueue(clock=lambda: now[0])
    scoring = platform.analytics.scoring
    score_chunk = scoring.score_chunk
    down = {acme.created.tenant.id}

    def flaky(job: ScoringJob, scorer=None):
        if job.tenant_id in down:
            raise ConnectionError("database unreachable")
        return score_chunk(job, scorer)

    monkeypatch.setattr(scoring, "score_chunk", flaky)

    # WHEN the night runs
    report = run_nightly_scoring(platform, queue, NIGHT)

    # THEN permian is scored and alerted, and acme's job waits on the queue (nothing lost)
    assert report.alerts > 0 and rows_of(platform, permian.slug, "alerts")
    assert rows_of(platform, acme.slug, "alerts") == []
    assert queue.receive(SCORING_QUEUE, 10, 1.0) == []  # still locked for the retry
    assert queue.receive_dead_letters(SCORING_QUEUE, 10) == []

    # WHEN acme's database is back and the lock has expired, and the loop works the queue again
    down.clear()
    now[0] += VISIBILITY_S + 1
    again = work_scoring_queue(platform, queue)

    # THEN acme is scored too, once
    assert again.alerts > 0 and rows_of(platform, acme.slug, "alerts")
    assert work_scoring_queue(platform, queue).wells == 0
