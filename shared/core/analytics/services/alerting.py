"""Alert rows from scores, and the outbox rows that notify the tenant's office staff."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.core.analytics.model.alerts import OutboxRow
from shared.core.analytics.model.scoring import FailureRisk, Severity
from shared.core.analytics.ports import NewAlert
from shared.core.common.roles import Role
from shared.core.registry.model.users import UserStatus
from shared.core.registry.ports import UserRepository

EMAIL = "email"
NOTIFIED_ROLES = frozenset({Role.ADMIN, Role.MANAGER})
CRITICAL_FAILURE_PROBABILITY = 0.9
_USER_PAGE = 500


@dataclass(frozen=True)
class AlertDraft:
    well_id: str
    source: str
    source_key: str
    title: str
    severity: Severity
    details: Mapping[str, Any]

    @classmethod
    def for_anomaly(
        cls, well_id: str, night: date, severity: Severity, evidence: Sequence[Mapping[str, Any]]
    ) -> AlertDraft:
        inputs = ", ".join(str(item["feature"]) for item in evidence) or "sensor pattern"
        return cls(
            well_id=well_id,
            source="anomaly",
            source_key=f"anomaly:{well_id}:{night.isoformat()}",
            title=f"{severity.value} sensor anomaly ({inputs})",
            severity=severity,
            details={"night": night.isoformat(), "evidence": list(evidence)},
        )

    @classmethod
    def for_failure(
        cls, well_id: str, night: date, risk: FailureRisk, threshold: float
    ) -> AlertDraft:
        critical = risk.probability >= CRITICAL_FAILURE_PROBABILITY
        return cls(
            well_id=well_id,
            source="prediction",
            source_key=f"failure:{well_id}:{night.isoformat()}",
            title=f"Pump failure risk {risk.probability:.0%} within 7 days ({risk.likely_mode})",
            severity=Severity.CRITICAL if critical else Severity.HIGH,
            details={
                "night": night.isoformat(),
                "probability": risk.probability,
                "likely_mode": risk.likely_mode,
                "threshold": threshold,
            },
        )


def json_safe(value: Any) -> Any:
    """JSON-storable copy: non-finite floats become None (JSONB refuses NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def alert_rows(
    draft: AlertDraft, now: datetime, recipients: Sequence[str]
) -> tuple[NewAlert, list[OutboxRow]]:
    """The alert and one PENDING email outbox row per recipient."""
    alert_id = str(uuid.uuid4())
    alert = NewAlert(
        id=alert_id,
        well_id=draft.well_id,
        source=draft.source,
        source_key=draft.source_key,
        title=draft.title[:300],
        severity=draft.severity.value,
        details=json_safe(draft.details),
        created_at=now,
    )
    payload = {
        "alert_id": alert_id,
        "well_id": draft.well_id,
        "severity": draft.severity.value,
        "title": alert.title,
    }
    outbox = [OutboxRow.pending(alert_id, EMAIL, r, payload, now) for r in recipients]
    return alert, outbox


def office_recipients(users: UserRepository, tenant_id: str) -> list[str]:
    """Active admins and managers of the tenant (master users), by address."""
    found: list[str] = []
    offset = 0
    while True:
        page = users.list(tenant_id, _USER_PAGE, offset)
        found += [
            u.email
            for u in page.items
            if u.role in NOTIFIED_ROLES and u.status is UserStatus.ACTIVE
        ]
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return sorted(set(found))


def office_user_ids(users: UserRepository, tenant_id: str) -> list[str]:
    """Ids of the tenant's active admins and managers."""
    found: list[str] = []
    offset = 0
    while True:
        page = users.list(tenant_id, _USER_PAGE, offset)
        found += [
            u.id for u in page.items if u.role in NOTIFIED_ROLES and u.status is UserStatus.ACTIVE
        ]
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return sorted(set(found))
