"""What the analytics services need from a tenant database, beside the usual unit of work.

Production days come back as tuples (a benchmark reads every well's days for up
to ten years); everything else crosses as typed rows: alerts and the notification
outbox (model/alerts.py), preferences (model/preferences.py). Mapping them to
tables is the adapters' business.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from shared.core.analytics.model.alerts import Alert, OutboxOutcome, OutboxRow
from shared.core.analytics.model.preferences import Preferences
from shared.core.common.pages import Page
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.ports import WellsUnitOfWork


@dataclass(frozen=True)
class HourlyValue:
    well_id: str
    tag_name: str
    hour: datetime
    value: float


class ProductionDay(NamedTuple):
    """One well's reported day (a tuple: benchmarks read hundreds of thousands)."""

    well_id: str
    production_date: date
    oil_bbl: float | None
    gas_mcf: float | None
    water_bbl: float | None
    hours_on: float | None
    choke_64ths: float | None
    tubing_pressure_psi: float | None
    casing_pressure_psi: float | None
    line_pressure_psi: float | None


@dataclass(frozen=True)
class Prediction:
    """One model's output for one well and night (stored once per well, model, night)."""

    id: str
    well_id: str
    model: str
    model_version: str
    night: date
    values: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Anomaly:
    """An anomaly found for one well and night (stored once per well, type, night)."""

    id: str
    well_id: str
    anomaly_type: str
    severity: str
    score: float
    evidence: dict[str, Any]
    detected_at: datetime
    night: date


@dataclass(frozen=True)
class NewAlert:
    """An alert as raised (OPEN); `source_key` makes raising it twice a no-op."""

    id: str
    well_id: str
    source: str
    source_key: str
    title: str
    severity: str
    details: dict[str, Any]
    created_at: datetime
    status: str = "OPEN"


@dataclass(frozen=True)
class AlertQuery:
    status: str | None
    severity: str | None
    well_id: str | None
    visible_well_ids: Collection[str] | None
    """None: every well; else only these."""
    limit: int
    offset: int


class AnalyticsStore(Protocol):
    def active_well_ids(self) -> list[str]:
        """Wells that are not deleted, in a stable order (for chunking)."""
        ...

    def hourly_values(
        self, well_ids: Sequence[str], tag_names: Collection[str], start: datetime, end: datetime
    ) -> list[HourlyValue]:
        """Hourly means of the wells' readings whose tag name is one of ``tag_names``."""
        ...

    def production_days(
        self, well_ids: Sequence[str] | None, start: date, end: date
    ) -> list[ProductionDay]:
        """Reported days with start <= day <= end, of these wells (None: all)."""
        ...

    def well_names(self) -> dict[str, str]:
        """Name of each well that is not deleted."""
        ...

    def add_prediction(self, prediction: Prediction) -> bool:
        """Insert unless (well, model, night) exists; True when inserted."""
        ...

    def latest_prediction(self, well_id: str, model: str) -> Prediction | None:
        """The well's most recent prediction of ``model`` (latest night), if any."""
        ...

    def add_anomaly(self, anomaly: Anomaly) -> bool:
        """Insert unless (well, type, night) exists; True when inserted."""
        ...

    def add_alert(self, alert: NewAlert) -> bool:
        """Insert unless its source_key exists; True when inserted."""
        ...

    def add_outbox(self, rows: Sequence[OutboxRow]) -> int:
        """Insert outbox rows, skipping (alert, channel, recipient) already there."""
        ...

    def list_alerts(self, query: AlertQuery) -> Page[Alert]: ...

    def get_alert(self, alert_id: str) -> Alert | None: ...

    def update_alert(self, alert: Alert, expected_status: str) -> bool:
        """Save the alert's status, acknowledgement, resolution and note when it is still in
        ``expected_status``; False when it moved on (or is gone)."""
        ...

    def due_notifications(self, now: datetime, limit: int) -> list[OutboxRow]:
        """PENDING outbox rows whose next attempt is due, oldest first."""
        ...

    def claim_notification(self, row_id: str, due: datetime, lease_until: datetime) -> bool:
        """Take a PENDING row whose next attempt is ``due`` or earlier; one taker wins."""
        ...

    def finish_notification(self, row_id: str, outcome: OutboxOutcome) -> None:
        """Write the outcome's columns that are not None."""
        ...

    def notification_settings(self) -> dict[str, str]:
        """The tenant's saved notification settings by name (absent: the default applies)."""
        ...

    def put_notification_setting(self, name: str, value: str, by: str, at: datetime) -> None:
        """Insert or replace one setting."""
        ...

    def due_digest_rows(self, now: datetime, limit: int) -> list[OutboxRow]:
        """DIGEST outbox rows (held for a user's digest) whose digest is due, oldest first."""
        ...

    def claim_digest_row(self, row_id: str, due: datetime, lease_until: datetime) -> bool:
        """Take a DIGEST row whose digest is ``due`` or earlier; one taker wins."""
        ...

    def get_notification(self, row_id: str) -> OutboxRow | None: ...

    def get_preferences(self, user_id: str) -> Preferences | None:
        """The user's notification preferences, if they saved them."""
        ...

    def put_preferences(self, user_id: str, preferences: Preferences, at: datetime) -> None:
        """Insert or replace the user's preferences (saved ``at``)."""
        ...


class AnalyticsUnitOfWork(WellsUnitOfWork, Protocol):
    """One transaction on one tenant's database, as analytics sees it."""

    analytics: AnalyticsStore


class AnalyticsDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> AnalyticsUnitOfWork: ...
