"""Alarm rules (saved strictly) and their evaluation as the drain writes each batch.

Rules: admins and managers write them, everyone who reads wells reads them. A
rule is checked against the tenant's mapped tags when saved (`unknown tag` is
a 422 naming `tag_id`); a rule whose tag is unmapped later watches nothing.

Evaluation (`AlarmEvaluator.on_readings`, called by the drain after it commits a
tenant's readings): one transaction that locks the evaluator's memory (one row,
so two drains of a tenant take turns), evaluates limit and rate rules over the
readings, stale rules as of now, clears episodes of rules or tags that are gone,
and writes each episode as one alert: raised → a new OPEN alert (source
"alarm", source key "alarm:<rule>/<tag>/<start µs>") with the readings that
raised it; cleared → the same alert's details say when and at what value. The
compiled rules and the decoded memory are cached per tenant and reused while
their fingerprint and revision are unchanged, so a steady drain pays for the
evaluation and one small state write per batch, not for recompiling.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from shared.core.analytics.ports import NewAlert
from shared.core.analytics.services.alerting import json_safe
from shared.core.analytics.services.routing import alarm_outbox_rows, escalation_delay
from shared.core.common.access import require, require_office_role
from shared.core.common.actor import Actor
from shared.core.common.change_feed import ChangeEntry
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import DuplicateError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.operations.errors import AlarmRuleError
from shared.core.operations.model.alarm_eval import ReadingArrays, evaluate
from shared.core.operations.model.alarm_index import RuleIndex, compile_rules
from shared.core.operations.model.alarm_rules import (
    AlarmKind,
    AlarmRule,
    check_rule_targets,
    parse_alarm_rule,
    rule_fields,
)
from shared.core.operations.model.alarm_stale import evaluate_stale, retire
from shared.core.operations.model.alarm_state import EPOCH, AlarmEvent, AlarmState, EventKind
from shared.core.operations.ports import OperationsDatabases, OperationsUnitOfWork
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.records import values_of

ALARM_SOURCE = "alarm"
MAX_EVIDENCE = 20
"""Readings kept on an alarm's alert: the last ones of the episode up to the raise."""
SYSTEM_ACTOR = "system:alarms"


def rule_record(rule: AlarmRule, enabled: bool) -> dict[str, Any]:
    """The rule as the API shows it."""
    return rule_fields(rule, enabled)


class AlarmRuleService:
    def __init__(self, databases: OperationsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def list(self, tenant: Tenant, actor: Actor) -> list[dict[str, Any]]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return [rule_record(rule, on) for rule, on in uow.alarms.list_rules()]

    def get(self, tenant: Tenant, actor: Actor, rule_id: str) -> dict[str, Any]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            found = uow.alarms.get_rule(rule_id)
            if found is None:
                raise NotFoundError("alarm rule", rule_id)
            return rule_record(*found)

    def create(
        self, tenant: Tenant, actor: Actor, data: Mapping[str, Any], enabled: bool = True
    ) -> dict[str, Any]:
        require_office_role(actor, "write alarm rules")
        rule = parse_alarm_rule(data)
        with self._databases.unit_of_work(tenant) as uow:
            check_rule_targets(rule, uow.alarms.tags())
            if not uow.alarms.add_rule(rule, enabled, self._clock()):
                raise DuplicateError("rule_id", rule.rule_id)
            uow.commit()
            return rule_record(rule, enabled)

    def replace(
        self,
        tenant: Tenant,
        actor: Actor,
        rule_id: str,
        data: Mapping[str, Any],
        enabled: bool = True,
    ) -> dict[str, Any]:
        require_office_role(actor, "write alarm rules")
        rule = parse_alarm_rule({**data, "rule_id": rule_id})
        with self._databases.unit_of_work(tenant) as uow:
            check_rule_targets(rule, uow.alarms.tags())
            if not uow.alarms.replace_rule(rule, enabled, self._clock()):
                raise NotFoundError("alarm rule", rule_id)
            uow.commit()
            return rule_record(rule, enabled)

    def delete(self, tenant: Tenant, actor: Actor, rule_id: str) -> None:
        require_office_role(actor, "write alarm rules")
        with self._databases.unit_of_work(tenant) as uow:
            if not uow.alarms.delete_rule(rule_id):
                raise NotFoundError("alarm rule", rule_id)
            uow.commit()


@dataclass
class _Cached:
    fingerprint: tuple[object, ...]
    index: RuleIndex
    names: dict[int, str]
    wells: dict[int, str]
    revision: int = -1
    state: AlarmState | None = None


@dataclass(frozen=True)
class AlarmOutcome:
    raised: int = 0
    cleared: int = 0


class AlarmEvaluator:
    """Evaluates a tenant's alarm rules over readings the drain has just written."""

    def __init__(self, databases: OperationsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    def on_readings(self, tenant: Tenant, readings: ReadingArrays) -> AlarmOutcome:
        now = self._clock()
        now_us = (now - EPOCH) // timedelta(microseconds=1)
        with self._databases.unit_of_work(tenant) as uow:
            cached = self._compiled(tenant.id, uow)
            idle = not cached.index.signal and not cached.index.stale
            if idle and cached.state is not None and not cached.state.episodes:
                return AlarmOutcome()  # nothing watched and nothing left to clear
            stored = uow.alarms.lock_state()
            if cached.state is not None and cached.revision == stored.revision:
                state = cached.state
            elif stored.data is None:
                state = AlarmState()
            else:
                state = AlarmState.from_data(stored.data)
            if idle and not state.episodes:
                self._remember(cached, stored.revision, state)
                return AlarmOutcome()
            retired = retire(cached.index, state, now_us)
            evaluated = evaluate(cached.index, retired.state, readings)
            stale = evaluate_stale(cached.index, evaluated.state, now_us)
            events = [*retired.events, *evaluated.events, *stale.events]
            outcome = self._record(uow, cached, events, readings, now, tenant)
            revision = stored.revision + 1
            uow.alarms.save_state(revision, stale.state.to_data(), now)
            uow.commit()
        self._remember(cached, revision, stale.state)
        return outcome

    def _remember(self, cached: _Cached, revision: int, state: AlarmState) -> None:
        with self._lock:
            cached.revision, cached.state = revision, state

    def _compiled(self, tenant_id: str, uow: OperationsUnitOfWork) -> _Cached:
        fingerprint = uow.alarms.fingerprint()
        with self._lock:
            cached = self._cache.get(tenant_id)
        if cached is not None and cached.fingerprint == fingerprint:
            return cached
        tags = uow.alarms.tags()
        rules = [rule for rule, _ in uow.alarms.list_rules(enabled_only=True)]
        fresh = _Cached(
            fingerprint,
            compile_rules(rules, tags),
            uow.alarms.tag_names(),
            {tag.tag_id: tag.well_id for tag in tags},
        )
        with self._lock:
            self._cache[tenant_id] = fresh
        return fresh

    def _record(
        self,
        uow: OperationsUnitOfWork,
        cached: _Cached,
        events: Sequence[AlarmEvent],
        readings: ReadingArrays,
        now: datetime,
        tenant: Tenant,
    ) -> AlarmOutcome:
        """Raised episodes become alerts (one statement), with their notifications (the well's
        pumpers now, the managers after the tenant's escalation delay); cleared ones say so
        in their alert."""
        drafts: list[NewAlert] = []
        feed: list[ChangeEntry] = []
        cleared = 0
        for event in events:
            well_id = cached.wells.get(event.tag_id)
            if event.kind is EventKind.RAISED:
                binding = cached.index.binding((event.rule_id, event.tag_id))
                if binding is not None and well_id is not None:
                    drafts.append(_alert(binding.rule, event, cached, well_id, readings, now))
                continue
            key = f"{ALARM_SOURCE}:{event.episode_id}"
            details = uow.alarms.alarm_details(key)
            if details is None:
                continue
            after = json_safe(
                {
                    **details,
                    "active": False,
                    "cleared_at": event.at.isoformat(),
                    "cleared_value": event.value,
                }
            )
            uow.alarms.update_alarm_details(key, after)
            cleared += 1
            if well_id is not None:
                feed.append(_entry(now, well_id, key, "alarm.clear", {"source_key": key, **after}))
        inserted = uow.alarms.add_alarms(drafts)
        raised = [alert for alert in drafts if alert.source_key in inserted]
        if raised:
            pumpers = uow.alarms.assigned_users([a.well_id for a in raised])
            delay = escalation_delay(tenant, uow.analytics.notification_settings())
            uow.analytics.add_outbox(alarm_outbox_rows(raised, pumpers, now, delay))
        for alert in raised:
            feed.append(_entry(now, alert.well_id, alert.id, "alarm.raise", _feed_data(alert)))
        uow.changes.append_many(feed)
        return AlarmOutcome(len(inserted), cleared)

    def check_stale(self, tenant: Tenant) -> AlarmOutcome:
        """Stale-data rules as of now, for a tenant whose gateways may have gone quiet (no
        batch arrives to trigger `on_readings`): the drain timer calls it now and then."""
        return self.on_readings(tenant, ReadingArrays.from_rows([]))

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            self._cache.pop(tenant_id, None)


def _entry(
    now: datetime, well_id: str, entity_id: str, action: str, data: Mapping[str, Any]
) -> ChangeEntry:
    """The pumper's devices pull their wells' alarms with the rest of the change feed."""
    payload = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}
    return ChangeEntry(now, well_id, "alert", entity_id, action, SYSTEM_ACTOR, json_safe(payload))


def _feed_data(alert: NewAlert) -> dict[str, Any]:
    """A raised alarm as the devices read it in the change feed (its columns, in order)."""
    values = values_of(alert)
    return {key: values[key] for key in _FEED_KEYS}


_FEED_KEYS = (
    "id", "well_id", "source", "source_key", "title", "severity", "status", "details",
    "created_at",
)  # fmt: skip


def _alert(
    rule: AlarmRule,
    event: AlarmEvent,
    cached: _Cached,
    well_id: str,
    readings: ReadingArrays,
    now: datetime,
) -> NewAlert:
    tag_name = cached.names.get(event.tag_id, f"tag {event.tag_id}")
    start = EPOCH + timedelta(microseconds=event.episode_start_us)
    return NewAlert(
        id=_alert_id(event),
        well_id=well_id,
        source=ALARM_SOURCE,
        source_key=f"{ALARM_SOURCE}:{event.episode_id}",
        title=_title(rule, tag_name, event)[:300],
        severity=rule.severity.value.upper(),
        details=json_safe(
            {
                "rule_id": rule.rule_id,
                "rule_name": rule.name,
                "kind": rule.kind.value,
                "tag_id": event.tag_id,
                "tag_name": tag_name,
                "value": event.value,
                "high": rule.high,
                "low": rule.low,
                "max_rise_per_min": rule.max_rise_per_min,
                "max_fall_per_min": rule.max_fall_per_min,
                "stale_after_s": rule.stale_after_s,
                "episode_start": start.isoformat(),
                "raised_at": event.at.isoformat(),
                "active": True,
                "readings": _evidence(readings, event),
            }
        ),
        created_at=now,
    )


def _alert_id(event: AlarmEvent) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"wellos:alarm:{event.episode_id}"))


def _title(rule: AlarmRule, tag_name: str, event: AlarmEvent) -> str:
    label = rule.name or rule.rule_id
    value = "" if event.value is None else f"{event.value:g}"
    if rule.kind is AlarmKind.STALE:
        return f"{label}: no reading of {tag_name} for {value} s"
    if rule.kind is AlarmKind.RATE:
        return f"{label}: {tag_name} changing {value} per minute"
    if rule.high is not None and event.value is not None and event.value > rule.high:
        return f"{label}: {tag_name} {value} above {rule.high:g}"
    if rule.low is not None and event.value is not None and event.value < rule.low:
        return f"{label}: {tag_name} {value} below {rule.low:g}"
    return f"{label}: {tag_name} {value} out of limits"


def _evidence(readings: ReadingArrays, event: AlarmEvent) -> list[dict[str, Any]]:
    """The tag's readings of this batch from the episode's start up to the raise."""
    if event.alarm is AlarmKind.STALE or not len(readings):
        return []
    tags = np.asarray(readings.tag_id)
    ts = np.asarray(readings.ts_us)
    mask = (tags == event.tag_id) & (ts >= event.episode_start_us) & (ts <= event.at_us)
    at = np.flatnonzero(mask)
    at = at[np.argsort(ts[at], kind="stable")][-MAX_EVIDENCE:]
    values = np.asarray(readings.value)
    return [
        {
            "at": (EPOCH + timedelta(microseconds=int(ts[i]))).astimezone(UTC).isoformat(),
            "value": float(values[i]),
        }
        for i in at.tolist()
    ]


__all__ = [
    "ALARM_SOURCE",
    "AlarmEvaluator",
    "AlarmOutcome",
    "AlarmRuleError",
    "AlarmRuleService",
    "rule_record",
]
