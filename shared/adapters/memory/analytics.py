"""The in-memory twin of the analytics store (`AnalyticsStore`) in a tenant database.

`AnalyticsData` is the analytics store of one tenant's `MemoryState`: the
night's predictions, anomalies and alerts, the notification outbox and the
users' preferences, plus the wells (live ones, by name) and daily production
the store reads, as the tests set them up. Hourly sensor means are computed
from the SCADA store of the same state (its tag mappings and readings), like the
SQL store joins them. Inserts that must happen once are refused on the same
unique keys; alerts, outbox rows and preferences are kept as the typed records
the SQL store returns.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from shared.adapters.memory.scada import AVERAGE_LIMIT, ScadaData, bucket_start
from shared.core.analytics.model.alerts import Alert, OutboxOutcome, OutboxRow
from shared.core.analytics.model.preferences import Preferences
from shared.core.analytics.ports import (
    AlertQuery,
    Anomaly,
    HourlyValue,
    NewAlert,
    Prediction,
    ProductionDay,
)
from shared.core.common.pages import Page

ANALYTICS = "analytics"
HOUR_S = 3600


@dataclass
class AnalyticsData:
    wells: dict[str, str] = field(default_factory=dict)
    """Live wells: id -> name."""
    production: list[ProductionDay] = field(default_factory=list)
    predictions: dict[tuple[str, str, date], Prediction] = field(default_factory=dict)
    anomalies: dict[tuple[str, str, date], Anomaly] = field(default_factory=dict)
    alerts: dict[str, Alert] = field(default_factory=dict)
    outbox: dict[str, OutboxRow] = field(default_factory=dict)
    preferences: dict[str, Preferences] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)


class MemoryAnalyticsStore:
    def __init__(self, data: AnalyticsData, scada: ScadaData) -> None:
        self._data = data
        self._scada = scada

    def active_well_ids(self) -> list[str]:
        return sorted(self._data.wells)

    def well_names(self) -> dict[str, str]:
        return dict(self._data.wells)

    def hourly_values(
        self, well_ids: Sequence[str], tag_names: Collection[str], start: datetime, end: datetime
    ) -> list[HourlyValue]:
        tags = {
            tag.id: tag
            for tag in self._scada.tags.values()
            if tag.well_id in well_ids and tag.tag_name in tag_names
        }
        sums: dict[tuple[str, str, datetime], list[float]] = {}
        for row in self._scada.readings:
            tag = tags.get(row.tag_id)
            if tag is None or not start <= row.ts < end or row.value is None or row.status < 0:
                continue
            values = sums.setdefault((tag.well_id, tag.tag_name, bucket_start(row.ts, HOUR_S)), [])
            if abs(row.value) < AVERAGE_LIMIT:
                values.append(row.value)
        return [
            HourlyValue(well_id, tag_name, hour, sum(values) / len(values))
            for (well_id, tag_name, hour), values in sorted(sums.items())
            if values  # an hour of nothing but garbage values
        ]

    def production_days(
        self, well_ids: Sequence[str] | None, start: date, end: date
    ) -> list[ProductionDay]:
        wells = None if well_ids is None else set(well_ids)
        return [
            row
            for row in self._data.production
            if start <= row.production_date <= end and (wells is None or row.well_id in wells)
        ]

    def add_prediction(self, prediction: Prediction) -> bool:
        key = (prediction.well_id, prediction.model, prediction.night)
        if key in self._data.predictions:
            return False
        self._data.predictions[key] = copy.deepcopy(prediction)
        return True

    def latest_prediction(self, well_id: str, model: str) -> Prediction | None:
        predictions = self._data.predictions.values()
        mine = [p for p in predictions if (p.well_id, p.model) == (well_id, model)]
        return copy.deepcopy(max(mine, key=lambda p: p.night)) if mine else None

    def add_anomaly(self, anomaly: Anomaly) -> bool:
        key = (anomaly.well_id, anomaly.anomaly_type, anomaly.night)
        if key in self._data.anomalies:
            return False
        self._data.anomalies[key] = copy.deepcopy(anomaly)
        return True

    def add_alert(self, alert: NewAlert) -> bool:
        if any(a.source_key == alert.source_key for a in self._data.alerts.values()):
            return False
        self._data.alerts[alert.id] = Alert(**copy.deepcopy(asdict(alert)))
        return True

    def add_outbox(self, rows: Sequence[OutboxRow]) -> int:
        added = 0
        for row in rows:
            key = (row.alert_id, row.channel, row.recipient)
            taken = {(o.alert_id, o.channel, o.recipient) for o in self._data.outbox.values()}
            if key in taken:
                continue
            self._data.outbox[row.id] = copy.deepcopy(row)
            added += 1
        return added

    def list_alerts(self, query: AlertQuery) -> Page[Alert]:
        rows = [
            a
            for a in self._data.alerts.values()
            if (query.status is None or a.status == query.status)
            and (query.severity is None or a.severity == query.severity)
            and (query.well_id is None or a.well_id == query.well_id)
            and (query.visible_well_ids is None or a.well_id in query.visible_well_ids)
        ]
        rows.sort(key=lambda a: a.id)
        rows.sort(key=lambda a: a.created_at, reverse=True)
        items = [copy.deepcopy(a) for a in rows[query.offset : query.offset + query.limit]]
        return Page(items, len(rows), query.limit, query.offset)

    def get_alert(self, alert_id: str) -> Alert | None:
        found = self._data.alerts.get(alert_id)
        return copy.deepcopy(found) if found is not None else None

    def update_alert(self, alert: Alert, expected_status: str) -> bool:
        found = self._data.alerts.get(alert.id)
        if found is None or found.status != expected_status:
            return False
        self._data.alerts[alert.id] = dataclasses.replace(
            found,
            status=alert.status,
            acknowledged_by=alert.acknowledged_by,
            acknowledged_at=alert.acknowledged_at,
            resolved_by=alert.resolved_by,
            resolved_at=alert.resolved_at,
            note=alert.note,
        )
        return True

    def due_notifications(self, now: datetime, limit: int) -> list[OutboxRow]:
        return self._due_outbox("PENDING", now, limit)

    def claim_notification(self, row_id: str, due: datetime, lease_until: datetime) -> bool:
        return self._claim_outbox("PENDING", row_id, due, lease_until)

    def _due_outbox(self, status: str, now: datetime, limit: int) -> list[OutboxRow]:
        outbox = self._data.outbox.values()
        due = [o for o in outbox if o.status == status and o.next_attempt_at <= now]
        due.sort(key=lambda o: (o.next_attempt_at, o.id))
        return [copy.deepcopy(o) for o in due[:limit]]

    def _claim_outbox(self, status: str, row_id: str, due: datetime, lease: datetime) -> bool:
        found = self._data.outbox.get(row_id)
        if found is None or found.status != status or found.next_attempt_at != due:
            return False
        self._data.outbox[row_id] = dataclasses.replace(found, next_attempt_at=lease)
        return True

    def finish_notification(self, row_id: str, outcome: OutboxOutcome) -> None:
        found = self._data.outbox.get(row_id)
        changes = {k: v for k, v in asdict(outcome).items() if v is not None}
        if found is not None:
            self._data.outbox[row_id] = dataclasses.replace(found, **changes)

    def notification_settings(self) -> dict[str, str]:
        return dict(self._data.settings)

    def put_notification_setting(self, name: str, value: str, by: str, at: datetime) -> None:
        self._data.settings[name] = value

    def due_digest_rows(self, now: datetime, limit: int) -> list[OutboxRow]:
        return self._due_outbox("DIGEST", now, limit)

    def claim_digest_row(self, row_id: str, due: datetime, lease_until: datetime) -> bool:
        return self._claim_outbox("DIGEST", row_id, due, lease_until)

    def get_notification(self, row_id: str) -> OutboxRow | None:
        found = self._data.outbox.get(row_id)
        return copy.deepcopy(found) if found is not None else None

    def get_preferences(self, user_id: str) -> Preferences | None:
        return self._data.preferences.get(user_id)

    def put_preferences(self, user_id: str, preferences: Preferences, at: datetime) -> None:
        self._data.preferences[user_id] = preferences
