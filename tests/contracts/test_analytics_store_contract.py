"""The analytics store contract: one suite, run against the in-memory twin and the SQL store
on a migrated PostgreSQL tenant database, so the fake cannot drift from reality."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest
import sqlalchemy as sa

from shared.adapters.memory.analytics import AnalyticsData, MemoryAnalyticsStore
from shared.adapters.memory.scada import MemoryReadingWriter, MemoryScadaRepositories, ScadaData
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.analytics.store import SqlAnalyticsStore
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.scada.readings_copy import reading_writer_for
from shared.adapters.sql.scada.repositories import SqlScadaRepositories
from shared.adapters.sql.urls import normalize_url
from shared.core.analytics.model.alerts import Alert, OutboxOutcome, OutboxRow
from shared.core.analytics.model.preferences import Preferences
from shared.core.analytics.ports import (
    AlertQuery,
    AnalyticsStore,
    Anomaly,
    NewAlert,
    Prediction,
    ProductionDay,
)
from shared.core.scada.model.columns import ReadingColumns
from shared.core.scada.ports import (
    Gateway,
    GatewayStatus,
    ReadingWriter,
    ScadaConnection,
    ScadaRepositories,
    TagMapping,
)

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
NIGHT = date(2026, 11, 2)
HOUR = datetime(2026, 11, 2, 5, tzinfo=UTC)


@dataclass
class Harness:
    store: AnalyticsStore
    well_id: str
    other_well: str


def _production(well_id: str) -> list[ProductionDay]:
    return [
        ProductionDay(well_id, NIGHT - timedelta(days=d), 10.0 + d, 40.0, 2.0, 24.0, *[None] * 4)
        for d in range(3)
    ]


def _seed_readings(scada: ScadaRepositories, writer: ReadingWriter, well_id: str) -> None:
    """Tubing pressure of `well_id`: 3 good readings and a bad one in one hour, one the next."""
    gateway = Gateway(str(uuid.uuid4()), "t", "gw", GatewayStatus.ACTIVE, NOW, "a@x.test")
    scada.gateways.save(gateway)
    connection = scada.connections.add(
        ScadaConnection(
            str(uuid.uuid4()), gateway.id, "rtu", "opc.tcp://x:4840", "None", "None",
            None, None, None, None, None, "subscription", 1000, 1000, None, None, True, 1,
            NOW, NOW,
        )
    )  # fmt: skip
    tag = scada.tags.add(
        TagMapping(
            0, connection.id, well_id, "ns=2;s=TP", "tubing_pressure", "psi", "float",
            1000, "none", 0.0, True, 1, NOW, NOW,
        )
    )  # fmt: skip
    minutes = [0, 10, 20, 30, 70]
    ts_us = np.array(
        [int((HOUR + timedelta(minutes=m)).timestamp() * 1e6) for m in minutes], dtype=np.int64
    )
    writer.write(
        [
            ReadingColumns(
                tag_id=np.full(5, tag.id, dtype=np.int32),
                ts_us=ts_us,
                server_ts_us=ts_us,
                server_ts_missing=np.zeros(5, dtype=bool),
                value=np.array([100.0, 110.0, 120.0, 999.0, 130.0]),
                status=np.array([0, 0, 0, -(2**31), 0], dtype=np.int32),
            )
        ]
    )


@pytest.fixture(params=["memory", "postgresql"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    well_id, other_well, gone = (str(uuid.uuid4()) for _ in range(3))
    production = _production(well_id) + _production(other_well)
    if request.param == "memory":
        data, scada_data = AnalyticsData(), ScadaData()
        data.wells.update({well_id: "Cole 1", other_well: "Cole 2"})
        data.production.extend(production)
        _seed_readings(
            MemoryScadaRepositories(scada_data), MemoryReadingWriter(scada_data), well_id
        )
        yield Harness(MemoryAnalyticsStore(data, scada_data), well_id, other_well)
        return
    url = request.getfixturevalue("fresh_pg_database")
    SqlTenantProvisioner(normalize_url(url), "unused_").migrate(url)
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.connect() as connection:
            common = {"well_type": "OIL", "status": "PRODUCING", "is_horizontal": False}
            stamps = {"created_at": NOW, "updated_at": NOW, "deleted_at": None}
            connection.execute(
                t.wells.insert(),
                [
                    {"id": well_id, "name": "Cole 1", **common, **stamps},
                    {"id": other_well, "name": "Cole 2", **common, **stamps},
                    {"id": gone, "name": "Gone", **common, **stamps, "deleted_at": NOW},
                ],
            )
            connection.execute(
                t.production_daily.insert(),
                [
                    {**row._asdict(), "is_estimated": False, "updated_at": NOW, "updated_by": "t"}
                    for row in production
                ],
            )
            _seed_readings(
                SqlScadaRepositories(connection), reading_writer_for(connection), well_id
            )
            yield Harness(SqlAnalyticsStore(connection), well_id, other_well)
            connection.rollback()
    finally:
        engine.dispose()


def test_wells_and_production_days_are_read_back(harness: Harness) -> None:
    store, well = harness.store, harness.well_id
    assert store.active_well_ids() == sorted([well, harness.other_well])
    assert store.well_names() == {well: "Cole 1", harness.other_well: "Cole 2"}
    days = store.production_days([well], NIGHT - timedelta(days=1), NIGHT)
    assert sorted((d.production_date, d.oil_bbl, d.hours_on) for d in days) == [
        (NIGHT - timedelta(days=1), 11.0, 24.0),
        (NIGHT, 10.0, 24.0),
    ]
    assert {d.well_id for d in days} == {well}
    assert len(store.production_days(None, NIGHT - timedelta(days=5), NIGHT)) == 6
    assert store.production_days([], NIGHT, NIGHT) == []


def test_hourly_values_average_good_readings_of_the_named_tags(harness: Harness) -> None:
    store, well = harness.store, harness.well_id
    end = HOUR + timedelta(hours=3)
    values = store.hourly_values([well], {"tubing_pressure"}, HOUR, end)
    assert sorted((v.hour, v.value) for v in values) == [
        (HOUR, 110.0),
        (HOUR + timedelta(hours=1), 130.0),
    ]
    assert all(v.well_id == well and v.tag_name == "tubing_pressure" for v in values)
    assert store.hourly_values([well], {"casing_pressure"}, HOUR, end) == []
    assert store.hourly_values([], {"tubing_pressure"}, HOUR, end) == []


def test_a_night_writes_each_prediction_anomaly_and_alert_once(harness: Harness) -> None:
    store, well = harness.store, harness.well_id
    prediction = Prediction(str(uuid.uuid4()), well, "anomaly", "1", NIGHT, {"score": 0.9}, NOW)
    assert store.add_prediction(prediction)
    assert not store.add_prediction(replace(prediction, id=str(uuid.uuid4())))
    anomaly = Anomaly(str(uuid.uuid4()), well, "sensor", "HIGH", 0.9, {"inputs": []}, NOW, NIGHT)
    assert store.add_anomaly(anomaly)
    assert not store.add_anomaly(replace(anomaly, id=str(uuid.uuid4())))
    alert = NewAlert(str(uuid.uuid4()), well, "anomaly", "k1", "High", "HIGH", {"a": 1}, NOW)
    assert store.add_alert(alert)
    assert not store.add_alert(replace(alert, id=str(uuid.uuid4())))
    assert store.get_alert(alert.id) == Alert(
        id=alert.id, well_id=well, source="anomaly", source_key="k1", title="High",
        severity="HIGH", status="OPEN", details={"a": 1}, created_at=NOW,
    )  # fmt: skip


def test_alerts_are_listed_by_filter_newest_first_and_move_only_from_their_status(
    harness: Harness,
) -> None:
    store, well, other = harness.store, harness.well_id, harness.other_well
    for n, (well_id, severity) in enumerate([(well, "HIGH"), (other, "LOW"), (well, "LOW")]):
        at = NOW + timedelta(minutes=n)
        store.add_alert(
            NewAlert(str(uuid.uuid4()), well_id, "anomaly", f"k{n}", f"a{n}", severity, {}, at)
        )

    def titles(**filters: object) -> list[str]:
        query = AlertQuery(
            filters.get("status"),  # type: ignore[arg-type]
            filters.get("severity"),  # type: ignore[arg-type]
            filters.get("well_id"),  # type: ignore[arg-type]
            filters.get("visible"),  # type: ignore[arg-type]
            10,
            0,
        )
        return [a.title for a in store.list_alerts(query).items]

    assert titles() == ["a2", "a1", "a0"]
    assert titles(severity="LOW") == ["a2", "a1"]
    assert titles(well_id=well) == ["a2", "a0"]
    assert titles(visible={other}) == ["a1"]
    assert titles(visible=set()) == []
    page = store.list_alerts(AlertQuery(None, None, None, None, 1, 1))
    assert page.total == 3 and [a.title for a in page.items] == ["a1"]
    first = store.list_alerts(AlertQuery(None, None, None, None, 1, 0)).items[0]
    assert store.update_alert(replace(first, status="ACKNOWLEDGED", note="seen"), "OPEN")
    assert not store.update_alert(replace(first, status="RESOLVED"), "OPEN")
    assert titles(status="ACKNOWLEDGED") == ["a2"]


def test_an_alerts_move_keeps_who_and_when_and_nothing_else(harness: Harness) -> None:
    store, well = harness.store, harness.well_id
    store.add_alert(NewAlert(str(uuid.uuid4()), well, "alarm", "k", "High", "HIGH", {}, NOW))
    [raised] = store.list_alerts(AlertQuery(None, None, None, None, 10, 0)).items
    east = timezone(timedelta(hours=3))  # kept as the same instant
    seen = replace(
        raised, status="ACKNOWLEDGED", acknowledged_by="m@acme.test",
        acknowledged_at=(NOW + timedelta(minutes=5)).astimezone(east),
        title="ignored: a move saves its lifecycle only",
    )  # fmt: skip
    assert store.update_alert(seen, "OPEN")
    assert store.get_alert(raised.id) == replace(seen, title="High")
    done = replace(
        raised, status="RESOLVED", acknowledged_by="m@acme.test",
        acknowledged_at=NOW + timedelta(minutes=5), resolved_by="m@acme.test",
        resolved_at=NOW + timedelta(minutes=9), note="reset the pump",
    )  # fmt: skip
    assert store.update_alert(done, "ACKNOWLEDGED")
    assert store.get_alert(raised.id) == done
    gone = replace(done, id=str(uuid.uuid4()))
    assert not store.update_alert(gone, "RESOLVED")


def test_the_outbox_is_claimed_once_and_finished(harness: Harness) -> None:
    store, well = harness.store, harness.well_id
    alert = NewAlert(str(uuid.uuid4()), well, "anomaly", "k", "t", "HIGH", {}, NOW)
    store.add_alert(alert)
    row = OutboxRow(
        id=str(uuid.uuid4()),
        alert_id=alert.id,
        channel="email",
        recipient="a@acme.test",
        payload={"title": "t", "escalation": True, "well_id": well},
        status="PENDING",
        attempts=0,
        next_attempt_at=NOW,
    )
    assert store.add_outbox([row, replace(row, id=str(uuid.uuid4()))]) == 1
    assert store.due_notifications(NOW - timedelta(seconds=1), 10) == []
    assert store.due_notifications(NOW, 10) == [row]
    lease = NOW + timedelta(minutes=5)
    assert store.claim_notification(row.id, NOW, lease)
    assert not store.claim_notification(row.id, NOW, lease)
    assert store.due_notifications(NOW + timedelta(minutes=1), 10) == []
    store.finish_notification(row.id, OutboxOutcome(status="SENT", attempts=1, sent_at=NOW))
    sent = replace(row, status="SENT", attempts=1, sent_at=NOW, next_attempt_at=lease)
    assert store.get_notification(row.id) == sent
    assert store.get_notification(str(uuid.uuid4())) is None


def test_an_outcome_writes_only_what_it_names(harness: Harness) -> None:
    store, well = harness.store, harness.well_id
    alert = NewAlert(str(uuid.uuid4()), well, "anomaly", "k", "t", "HIGH", {}, NOW)
    store.add_alert(alert)
    row = OutboxRow(
        id=str(uuid.uuid4()), alert_id=alert.id, channel="email", recipient="a@acme.test",
        payload={}, status="PENDING", attempts=2, next_attempt_at=NOW,
    )  # fmt: skip
    store.add_outbox([row])
    later = NOW + timedelta(hours=1)
    store.finish_notification(row.id, OutboxOutcome(attempts=3, last_error="refused"))
    store.finish_notification(row.id, OutboxOutcome(next_attempt_at=later))
    store.finish_notification(row.id, OutboxOutcome())
    retried = replace(row, attempts=3, last_error="refused", next_attempt_at=later)
    assert store.get_notification(row.id) == retried
    assert store.due_notifications(later, 10) == [retried]


def test_preferences_are_replaced_whole(harness: Harness) -> None:
    store, user = harness.store, str(uuid.uuid4())
    assert store.get_preferences(user) is None
    chosen = Preferences(("sms", "email"), "+15550100", "22:00", "06:00", -300, True, 18)
    store.put_preferences(user, chosen, NOW)
    assert store.get_preferences(user) == chosen
    store.put_preferences(user, replace(chosen, channels=("email",), phone=None), NOW)
    assert store.get_preferences(user) == replace(chosen, channels=("email",), phone=None)
    assert store.get_preferences(str(uuid.uuid4())) is None
