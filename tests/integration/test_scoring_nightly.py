"""The nightly scoring job on real PostgreSQL: faults raise alerts, a re-run adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from functions.local.scoring import VISIBILITY_S, run_nightly_scoring, work_scoring_queue
from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.sql.analytics.store import SqlAnalyticsDatabases
from shared.adapters.sql.registry import tables as master_tables
from shared.adapters.sql.scada.tables import scada_readings, tag_mappings
from shared.bootstrap import Platform
from shared.core.analytics.errors import ModelInputError
from shared.core.analytics.services import nightly
from shared.core.analytics.services.nightly import SCORING_QUEUE, ScoringJob
from tests.integration.conftest import TenantSession
from tests.integration.ingest_support import build_site, tenant_engine
from tests.integration.test_scoring_support import NIGHT, build_field, rows_of, window_end


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


def test_glitched_readings_and_a_refused_well_do_not_fail_the_chunk(
    platform: Platform, acme: TenantSession, monkeypatch
) -> None:
    # GIVEN a field whose healthy wells got absurd readings (sensor glitches) last evening
    field = build_field(platform, acme)
    healthy = [w for w in field.well_ids if w not in field.faulty | field.no_data]
    glitch_at = window_end() - timedelta(hours=3, minutes=10)
    with tenant_engine(platform, acme.slug).begin() as connection:
        tags = connection.execute(
            sa.select(tag_mappings.c.id).where(tag_mappings.c.well_id.in_(healthy))
        ).scalars()
        connection.execute(
            scada_readings.insert(),
            [{"tag_id": t, "ts": glitch_at, "value": 1e300, "status": 0} for t in tags],
        )
    # AND one well whose features a model refuses
    refused = healthy[0]
    real = nightly.score_well_window

    def picky(scorer, sensors, production):
        if sensors is not None and sensors is windows_of[refused]:
            raise ModelInputError("anomaly_detector", "features must be finite numbers")
        return real(scorer, sensors, production)

    windows_of: dict[str, object] = {}
    original_windows = nightly.sensor_windows

    def remember(hourly, end):
        found = original_windows(hourly, end)
        windows_of.update(found)
        return found

    monkeypatch.setattr(nightly, "sensor_windows", remember)
    monkeypatch.setattr(nightly, "score_well_window", picky)

    # WHEN the night is scored
    report = run_nightly_scoring(platform, InMemoryQueue(), NIGHT)

    # THEN the refused well is skipped with its reason, the others are scored as usual
    assert report.scored == 2 and report.skipped == 2
    assert report.skipped_reasons["a model refused the well's features"] == 1
    alerts = rows_of(platform, acme.slug, "alerts")
    assert {str(a["well_id"]) for a in alerts} == field.faulty


def test_bad_quality_readings_are_left_out_of_the_hourly_inputs(
    platform: Platform, acme: TenantSession
) -> None:
    # GIVEN one hour of vibration: a good, an uncertain and a bad-quality reading
    site = build_site(acme, tag_names=("vibration",))
    hour = window_end() - timedelta(hours=2)
    bad = 0x808C0000 - 2**32  # BadSensorFailure as the table stores it (int32)
    tag = site.tag(0, "vibration")
    readings = [(10, 0.2, 0), (20, 9.0, bad), (30, 0.4, 0x40900000)]
    rows = [
        {"tag_id": tag, "ts": hour + timedelta(minutes=m), "value": v, "status": s}
        for m, v, s in readings
    ]
    with tenant_engine(platform, acme.slug).begin() as connection:
        connection.execute(scada_readings.insert(), rows)
    # WHEN the scoring inputs of that hour are read
    databases = SqlAnalyticsDatabases(platform.tenant_databases.engines)
    with databases.unit_of_work(acme.created.tenant) as uow:
        hourly = uow.analytics.hourly_values(
            [site.wells[0]["id"]], ["vibration"], hour, hour + timedelta(hours=1)
        )
    # THEN the hour is the mean of the good and uncertain readings only
    assert [round(h.value, 9) for h in hourly] == [0.3]
