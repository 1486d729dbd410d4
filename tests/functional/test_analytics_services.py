"""Analytics services over the in-memory fakes: nightly scoring (with the shipped models),
alerts, benchmarks, preferences and notification dispatch, with no database."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest

from models.synthetic import FailureMode, Fault, generate_sensor_series
from shared.adapters.memory.analytics import ANALYTICS, AnalyticsData
from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.memory.scada import SCADA, MemoryReadingWriter, ScadaData
from shared.adapters.onnx.scorer import OnnxModelScorer
from shared.core.analytics.model.catalogue import SENSOR_SIGNALS, SENSOR_WINDOW_HOURS
from shared.core.analytics.model.preferences import Preferences
from shared.core.analytics.model.scoring import Severity
from shared.core.analytics.ports import ProductionDay
from shared.core.analytics.services import (
    AlertService,
    BenchmarkService,
    NotificationDispatcher,
    PreferenceService,
    ScoringService,
)
from shared.core.analytics.services.alerting import AlertDraft, alert_rows
from shared.core.analytics.services.notification_settings import (
    NotificationSettings,
    NotificationSettingsService,
)
from shared.core.analytics.services.predictions import PredictionService
from shared.core.common.actor import Actor
from shared.core.common.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from shared.core.common.roles import Role
from shared.core.registry.model.tenants import Tenant, TenantStatus
from shared.core.scada.model.columns import ReadingColumns
from shared.core.scada.ports import TagMapping
from tests.functional.support import (
    NOW,
    FixedClock,
    Master,
    WorldTenantDatabases,
    make_actor,
    make_tenant,
)

NIGHT = date(2026, 11, 2)
WINDOW_END = datetime.combine(NIGHT + timedelta(days=1), time(0), UTC)
FAULT = Fault(FailureMode.BEARING_WEAR, onset_hour=SENSOR_WINDOW_HOURS + 24)


@dataclass
class Analytics:
    master: Master
    databases: WorldTenantDatabases
    tenant: Tenant
    admin: Actor
    wells: list[str]


@pytest.fixture
def world() -> Analytics:
    master, databases = Master(), WorldTenantDatabases()
    tenant = master.add_tenant(make_tenant("acme"))
    admin = make_actor(tenant)
    master.add_user(admin)
    wells = sorted(str(uuid.uuid4()) for _ in range(3))
    databases.add_wells(tenant, *wells)
    with databases.unit_of_work(tenant) as uow:
        uow.data(ANALYTICS, AnalyticsData).wells.update(
            {well: f"Well {n}" for n, well in enumerate(wells, start=1)}
        )
        uow.commit()
    return Analytics(master, databases, tenant, admin, wells)


def _production(
    well_id: str, days: int, oil: float, decline: float = 0.0, water: float | None = None
) -> list[ProductionDay]:
    return [
        ProductionDay(
            well_id,
            NIGHT - timedelta(days=days - 1 - i),
            oil * math.exp(-decline * i),
            2.0 * oil,
            0.5 * oil if water is None else water,
            24.0,
            24.0,
            450.0,
            650.0,
            120.0,
        )
        for i in range(days)
    ]


def _seed(a: Analytics, production: list[ProductionDay], sensors: dict[str, Fault | None]) -> None:
    """Daily production, and 14 days of hourly sensor readings for the wells in `sensors`."""
    with a.databases.unit_of_work(a.tenant) as uow:
        uow.data(ANALYTICS, AnalyticsData).production.extend(production)
        scada = uow.data(SCADA, ScadaData)
        start = WINDOW_END - timedelta(hours=SENSOR_WINDOW_HOURS)
        for seed, (well_id, fault) in enumerate(sensors.items(), start=100):
            series = generate_sensor_series(seed, SENSOR_WINDOW_HOURS, fault)
            for signal in SENSOR_SIGNALS:
                scada.last_tag_id += 1
                tag_id = scada.last_tag_id
                scada.tags[tag_id] = TagMapping(
                    tag_id, "c", well_id, f"n{tag_id}", signal.name, None, "float",
                    1000, "none", 0.0, True, 1, NOW, NOW,
                )  # fmt: skip
                values = np.asarray(series[signal.name], dtype=np.float64)
                hours = np.flatnonzero(np.isfinite(values))
                ts_us = np.array(
                    [int((start + timedelta(hours=int(h), minutes=30)).timestamp() * 1e6)
                     for h in hours],
                    dtype=np.int64,
                )  # fmt: skip
                MemoryReadingWriter(scada).write(
                    [
                        ReadingColumns(
                            tag_id=np.full(len(hours), tag_id, dtype=np.int32),
                            ts_us=ts_us,
                            server_ts_us=ts_us,
                            server_ts_missing=np.zeros(len(hours), dtype=bool),
                            value=values[hours],
                            status=np.zeros(len(hours), dtype=np.int32),
                        )
                    ]
                )
        uow.commit()


def _data(a: Analytics) -> AnalyticsData:
    with a.databases.unit_of_work(a.tenant) as uow:
        return uow.data(ANALYTICS, AnalyticsData)


def _scoring(a: Analytics, chunk_size: int = 2) -> ScoringService:
    return ScoringService(
        a.master, a.databases, OnnxModelScorer, FixedClock(NOW), chunk_size=chunk_size
    )


# --- nightly scoring ---


def test_the_night_is_planned_per_serving_tenant_and_chunk(world: Analytics) -> None:
    paused = world.master.add_tenant(make_tenant("paused", TenantStatus.SUSPENDED))
    world.databases.add_wells(paused, str(uuid.uuid4()))
    scoring = _scoring(world)
    jobs = scoring.plan_night(NIGHT)
    assert [(j.tenant_id, j.chunk, j.well_ids) for j in jobs] == [
        (world.tenant.id, 0, tuple(world.wells[:2])),
        (world.tenant.id, 1, tuple(world.wells[2:])),
    ]
    queue = InMemoryQueue()
    assert scoring.fan_out(queue, NIGHT, "scoring") == 2
    received = queue.receive("scoring", 10, 1.0, 0.0)
    assert sorted(type(jobs[0]).from_body(m.body).chunk for m in received) == [0, 1]


def test_a_faulty_well_is_alerted_once_and_its_admin_notified(world: Analytics) -> None:
    faulty, healthy, _ = world.wells
    production = _production(faulty, 60, 80.0) + _production(healthy, 60, 80.0)
    _seed(world, production, {faulty: FAULT, healthy: None})
    scoring = _scoring(world, chunk_size=10)
    (job,) = scoring.plan_night(NIGHT)
    report = scoring.score_chunk(job)
    assert (report.wells, report.scored, report.skipped) == (3, 2, 1)
    data = _data(world)
    assert {p.well_id for p in data.predictions.values()} == {faulty, healthy}
    assert {a.well_id for a in data.alerts.values()} == {faulty}
    assert {o.recipient for o in data.outbox.values()} == {world.admin.email}
    assert report.alerts == len(data.alerts) and report.notifications == len(data.outbox)
    again = scoring.score_chunk(job)  # a redelivered job writes nothing twice
    assert (again.predictions, again.anomalies, again.alerts) == (0, 0, 0)
    assert len(_data(world).alerts) == len(data.alerts)


def test_a_scored_well_shows_its_outlook_and_an_unscored_one_none(world: Analytics) -> None:
    scored, unscored, _ = world.wells
    _seed(world, _production(scored, 60, 80.0), {scored: None})
    scoring = _scoring(world, chunk_size=10)
    (job,) = scoring.plan_night(NIGHT)
    scoring.score_chunk(job)
    predictions, viewer = PredictionService(world.databases), make_actor(world.tenant, Role.VIEWER)
    outlook = predictions.outlook(world.tenant, viewer, scored)
    assert outlook.optimizer is not None and outlook.optimizer.night == NIGHT
    assert outlook.optimizer.values and outlook.optimizer.model_version
    assert predictions.outlook(world.tenant, viewer, unscored).optimizer is None
    with pytest.raises(NotFoundError):
        predictions.outlook(world.tenant, viewer, str(uuid.uuid4()))
    pumper = make_actor(world.tenant, Role.FIELD_OPERATOR)  # assigned no well
    with pytest.raises(NotFoundError):
        predictions.outlook(world.tenant, pumper, scored)


def test_a_chunk_of_an_unknown_tenant_is_refused(world: Analytics) -> None:
    scoring = _scoring(world)
    (job, _) = scoring.plan_night(NIGHT)
    stray = type(job)(str(uuid.uuid4()), NIGHT, 0, job.well_ids)
    with pytest.raises(NotFoundError):
        scoring.score_chunk(stray)


# --- alerts ---


def _alert(a: Analytics, well_id: str, severity: Severity, key: str) -> str:
    draft = AlertDraft.for_anomaly(well_id, NIGHT, severity, [])
    draft = AlertDraft(draft.well_id, draft.source, key, draft.title, severity, {})
    alert, outbox = alert_rows(draft, NOW, [a.admin.email])
    with a.databases.unit_of_work(a.tenant) as uow:
        assert uow.analytics.add_alert(alert)
        uow.analytics.add_outbox(outbox)
        uow.commit()
    return alert.id


def test_alerts_are_listed_acknowledged_and_resolved_once(world: Analytics) -> None:
    first = _alert(world, world.wells[0], Severity.HIGH, "k1")
    _alert(world, world.wells[1], Severity.CRITICAL, "k2")
    alerts = AlertService(world.databases, FixedClock(NOW))
    tenant, admin = world.tenant, world.admin
    assert alerts.list(tenant, admin, None, None, None, 10, 0).total == 2
    assert alerts.list(tenant, admin, None, "HIGH", None, 10, 0).items[0].id == first
    seen = alerts.acknowledge(tenant, admin, first)
    assert (seen.status, seen.acknowledged_by) == ("ACKNOWLEDGED", admin.email)
    done = alerts.resolve(tenant, admin, first, "bearing replaced")
    assert (done.status, done.note, done.resolved_at) == (
        "RESOLVED",
        "bearing replaced",
        NOW,
    )
    with pytest.raises(ConflictError):
        alerts.acknowledge(tenant, admin, first)
    audit = world.databases.world(tenant).audit
    assert [e.action for e in audit] == ["alert.acknowledge", "alert.resolve"]
    assert audit[0].before is not None and audit[0].before["status"] == "OPEN"


def test_alerts_refuse_bad_filters_viewers_and_unassigned_wells(world: Analytics) -> None:
    alert_id = _alert(world, world.wells[0], Severity.HIGH, "k1")
    alerts = AlertService(world.databases, FixedClock(NOW))
    tenant = world.tenant
    with pytest.raises(InputError, match="status"):
        alerts.list(tenant, world.admin, "LOST", None, None, 10, 0)
    with pytest.raises(InputError, match="note"):
        alerts.resolve(tenant, world.admin, alert_id, "x" * 2001)
    with pytest.raises(PermissionDeniedError):
        alerts.acknowledge(tenant, make_actor(tenant, Role.VIEWER), alert_id)
    operator = make_actor(tenant, Role.FIELD_OPERATOR)
    assert alerts.list(tenant, operator, None, None, None, 10, 0).total == 0
    with pytest.raises(NotFoundError):
        alerts.acknowledge(tenant, operator, alert_id)
    world.databases.assign(tenant, operator.user_id, world.wells[0])
    assert alerts.acknowledge(tenant, operator, alert_id).status == "ACKNOWLEDGED"
    with pytest.raises(NotFoundError):
        alerts.acknowledge(tenant, world.admin, str(uuid.uuid4()))


# --- benchmarks ---


def test_wells_are_ranked_best_first_by_each_metric(world: Analytics) -> None:
    a, b, c = world.wells
    production = (
        _production(a, 30, 100.0, decline=0.01, water=10.0)
        + _production(b, 30, 50.0, water=50.0)
        + _production(c, 30, 10.0, decline=0.05, water=0.1)
    )
    _seed(world, production, {})
    benchmarks = BenchmarkService(world.databases, FixedClock(NOW))
    tenant, admin = world.tenant, world.admin

    def ranked(metric: str) -> list[str]:
        page = benchmarks.rank_wells(tenant, admin, metric, 30, 10, 0)
        assert [r.rank for r in page.items] == [1, 2, 3]
        return [r.name for r in page.items]

    assert ranked("boe_per_day") == ["Well 1", "Well 2", "Well 3"]
    assert ranked("water_cut") == ["Well 3", "Well 1", "Well 2"]
    assert ranked("decline_rate") == ["Well 2", "Well 1", "Well 3"]
    page = benchmarks.rank_wells(tenant, admin, "boe_per_day", 30, 1, 1)
    assert (page.total, [r.rank for r in page.items]) == (3, [2])
    operator = make_actor(tenant, Role.FIELD_OPERATOR)
    world.databases.assign(tenant, operator.user_id, c)
    only = benchmarks.rank_wells(tenant, operator, "boe_per_day", 30, 10, 0)
    assert [(r.well_id, r.rank) for r in only.items] == [(c, 1)]
    with pytest.raises(InputError, match="metric"):
        benchmarks.rank_wells(tenant, admin, "profit", 30, 10, 0)
    with pytest.raises(InputError, match="days"):
        benchmarks.rank_wells(tenant, admin, "water_cut", 0, 10, 0)


# --- preferences and dispatch ---


def test_each_user_keeps_their_own_preferences(world: Analytics) -> None:
    preferences = PreferenceService(world.databases, FixedClock(NOW))
    assert preferences.get(world.tenant, world.admin) == Preferences()
    chosen = Preferences(("sms", "email"), "+15550100", "22:00", "06:00", -300, True)
    preferences.put(world.tenant, world.admin, chosen)
    assert preferences.get(world.tenant, world.admin) == chosen
    assert preferences.get(world.tenant, make_actor(world.tenant)) == Preferences()


def test_the_escalation_delay_defaults_to_30_minutes_and_admins_change_it(
    world: Analytics,
) -> None:
    settings = NotificationSettingsService(world.databases, FixedClock(NOW))
    manager = make_actor(world.tenant, Role.MANAGER)
    assert settings.get(world.tenant, manager) == NotificationSettings(30, saved=False)
    assert settings.put(world.tenant, world.admin, 10) == NotificationSettings(10, saved=True)
    assert settings.get(world.tenant, manager).escalation_delay_minutes == 10
    with pytest.raises(InputError, match="escalation_delay_minutes"):
        settings.put(world.tenant, world.admin, 2)
    with pytest.raises(PermissionDeniedError):
        settings.put(world.tenant, manager, 15)
    with pytest.raises(PermissionDeniedError):
        settings.get(world.tenant, make_actor(world.tenant, Role.VIEWER))
    audit = world.databases.world(world.tenant).audit
    assert [e.entity for e in audit] == ["notification_settings"]


def test_due_notifications_are_sent_once_and_failures_retried(world: Analytics) -> None:
    first = _alert(world, world.wells[0], Severity.HIGH, "k1")
    _alert(world, world.wells[1], Severity.HIGH, "k2")
    clock = FixedClock(NOW)
    dispatcher = NotificationDispatcher(world.master, world.databases, clock)
    notifier = InMemoryNotifier()
    notifier.fail_next = 1
    report = dispatcher.dispatch(notifier)
    assert (report.sent, report.retried) == (1, 1)
    clock.now = NOW + timedelta(hours=1)
    assert dispatcher.dispatch(notifier).sent == 1
    assert dispatcher.dispatch(notifier).sent == 0
    assert {n.recipient for n in notifier.sent} == {world.admin.email}
    assert any(first in n.body for n in notifier.sent)
    assert {o.status for o in _data(world).outbox.values()} == {"SENT"}
