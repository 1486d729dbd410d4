"""Alarm rules: what is watched (one tag, or a signal class of a field) and when it alarms.

Three kinds:

- `limit`: the value above `high` or below `low` (either or both; one episode
  "out of limits" per rule and tag).
- `rate`: the change per minute between consecutive readings of a tag above
  `max_rise_per_min` or below `-max_fall_per_min` (either or both).
- `stale`: no usable reading of the tag for `stale_after_s` seconds.

Every kind has `min_duration_s` (the condition must hold that long before the
alarm is raised: noise that pokes over a limit does not alarm) and limit and
rate rules a `deadband` (an alarm clears only when the value is back inside the
limits by at least the deadband: noise around a limit does not clear and raise
again). A rule arrives as a mapping (`parse_alarm_rule`, pydantic at the edge)
and is checked against the tenant's tags (`check_rule_targets`).

Magnitudes are restated here, not imported: a limit or rate is at most 1e12 in
the tag's unit, as `READING_VALUE` in shared/core/domain/limits.py (a reading
outside it is refused by the drain, so a limit outside it could never trip).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.core.operations.errors import AlarmRuleError
from shared.core.operations.model.parsing import parse_model

MAX_MAGNITUDE = 1e12
"""Largest limit, rate or deadband: the drain refuses readings beyond ±1e12 (limits.py)."""
MAX_DURATION_S = 30 * 86_400
"""A minimum duration or stale time over 30 days is a slip (seconds for minutes, say)."""
MIN_STALE_AFTER_S = 60
"""Gateways flush on age (seconds) and the drain runs every few seconds: a gap under a
minute is normal delivery, not stale data."""
_NAME = r"^[A-Za-z0-9_.:-]{1,64}$"


class AlarmKind(StrEnum):
    LIMIT = "limit"
    RATE = "rate"
    STALE = "stale"


class Severity(StrEnum):
    """As the seed schema's severity: low, medium, high, critical."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class TagInfo:
    """A tenant's mapped tag, as far as alarm rules care."""

    tag_id: int
    well_id: str
    signal_class: str
    field_id: str | None = None


@dataclass(frozen=True, slots=True)
class TagSelector:
    """One tag (`tag_id`), or every tag of a signal class, optionally of one field."""

    tag_id: int | None = None
    signal_class: str | None = None
    field_id: str | None = None

    def matches(self, tag: TagInfo) -> bool:
        if self.tag_id is not None:
            return tag.tag_id == self.tag_id
        if tag.signal_class != self.signal_class:
            return False
        return self.field_id is None or tag.field_id == self.field_id


@dataclass(frozen=True, slots=True)
class AlarmRule:
    rule_id: str
    kind: AlarmKind
    target: TagSelector
    high: float | None = None
    low: float | None = None
    max_rise_per_min: float | None = None
    max_fall_per_min: float | None = None
    stale_after_s: float | None = None
    deadband: float = 0.0
    min_duration_s: float = 0.0
    severity: Severity = Severity.MEDIUM
    name: str = ""

    @property
    def upper(self) -> float:
        """Upper bound of the watched signal (value or rate per minute); +inf if none."""
        bound = self.high if self.kind is AlarmKind.LIMIT else self.max_rise_per_min
        return math.inf if bound is None else bound

    @property
    def lower(self) -> float:
        """Lower bound of the watched signal; -inf if none."""
        if self.kind is AlarmKind.LIMIT:
            return -math.inf if self.low is None else self.low
        return -math.inf if self.max_fall_per_min is None else -self.max_fall_per_min


class _Number(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=False)


class AlarmRuleSpec(_Number):
    """An alarm rule as the API or a rules file gives it."""

    rule_id: str = Field(pattern=_NAME)
    name: str = Field("", max_length=200)
    kind: AlarmKind
    tag_id: int | None = Field(None, ge=1, le=2**31 - 1)
    signal_class: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{0,63}$")
    field_id: str | None = Field(None, pattern=_NAME)
    high: float | None = Field(None, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)
    low: float | None = Field(None, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)
    max_rise_per_min: float | None = Field(None, gt=0, le=MAX_MAGNITUDE)
    max_fall_per_min: float | None = Field(None, gt=0, le=MAX_MAGNITUDE)
    stale_after_s: float | None = Field(None, ge=MIN_STALE_AFTER_S, le=MAX_DURATION_S)
    deadband: float = Field(0.0, ge=0, le=MAX_MAGNITUDE)
    min_duration_s: float = Field(0.0, ge=0, le=MAX_DURATION_S)
    severity: Severity = Severity.MEDIUM


def rule_fields(rule: AlarmRule, enabled: bool) -> dict[str, Any]:
    """The rule's settings, flat (as the API shows them and the store keeps them)."""
    return {
        "rule_id": rule.rule_id,
        "name": rule.name,
        "kind": rule.kind.value,
        "tag_id": rule.target.tag_id,
        "signal_class": rule.target.signal_class,
        "field_id": rule.target.field_id,
        "high": rule.high,
        "low": rule.low,
        "max_rise_per_min": rule.max_rise_per_min,
        "max_fall_per_min": rule.max_fall_per_min,
        "stale_after_s": rule.stale_after_s,
        "deadband": rule.deadband,
        "min_duration_s": rule.min_duration_s,
        "severity": rule.severity.value,
        "enabled": enabled,
    }


def parse_alarm_rule(data: Mapping[str, Any]) -> AlarmRule:
    """A checked rule from a mapping; `AlarmRuleError` naming the field otherwise."""
    spec = parse_model(AlarmRuleSpec, data, AlarmRuleError)
    rule = AlarmRule(
        rule_id=spec.rule_id,
        kind=spec.kind,
        target=_selector(spec),
        high=spec.high,
        low=spec.low,
        max_rise_per_min=spec.max_rise_per_min,
        max_fall_per_min=spec.max_fall_per_min,
        stale_after_s=spec.stale_after_s,
        deadband=spec.deadband,
        min_duration_s=spec.min_duration_s,
        severity=spec.severity,
        name=spec.name,
    )
    check_rule(rule)
    return rule


def _selector(spec: AlarmRuleSpec) -> TagSelector:
    if (spec.tag_id is None) == (spec.signal_class is None):
        raise AlarmRuleError("tag_id", "give either tag_id or signal_class, not both or neither")
    if spec.tag_id is not None and spec.field_id is not None:
        raise AlarmRuleError("field_id", "field_id narrows a signal_class; a tag_id needs none")
    return TagSelector(spec.tag_id, spec.signal_class, spec.field_id)


_FIELDS_OF: dict[AlarmKind, frozenset[str]] = {
    AlarmKind.LIMIT: frozenset({"high", "low"}),
    AlarmKind.RATE: frozenset({"max_rise_per_min", "max_fall_per_min"}),
    AlarmKind.STALE: frozenset({"stale_after_s"}),
}


def check_rule(rule: AlarmRule) -> None:
    """Raise `AlarmRuleError` naming the field unless the rule can work (tags aside)."""
    _check_numbers(rule)
    for kind, names in _FIELDS_OF.items():
        if kind is rule.kind:
            continue
        for name in sorted(names):
            if getattr(rule, name) is not None:
                raise AlarmRuleError(name, f"a {rule.kind} rule takes no {name}")
    if rule.kind is AlarmKind.STALE:
        _check_stale(rule)
    else:
        _check_bounds(rule)


def _check_numbers(rule: AlarmRule) -> None:
    """The checks pydantic makes at the edge, for rules built in code."""
    if not math.isfinite(rule.deadband) or rule.deadband < 0:
        raise AlarmRuleError("deadband", "must be a number, not negative")
    if not math.isfinite(rule.min_duration_s) or rule.min_duration_s < 0:
        raise AlarmRuleError("min_duration_s", "must be a number of seconds, not negative")
    if rule.min_duration_s > MAX_DURATION_S:
        raise AlarmRuleError("min_duration_s", f"must be at most {MAX_DURATION_S} s (30 days)")


def _check_stale(rule: AlarmRule) -> None:
    after = rule.stale_after_s
    if after is None:
        raise AlarmRuleError("stale_after_s", "a stale rule needs the seconds without a reading")
    if not math.isfinite(after) or not MIN_STALE_AFTER_S <= after <= MAX_DURATION_S:
        raise AlarmRuleError(
            "stale_after_s", f"must be {MIN_STALE_AFTER_S} to {MAX_DURATION_S} seconds"
        )
    if rule.deadband:
        raise AlarmRuleError("deadband", "a stale rule has no deadband (it clears on a reading)")


def _check_bounds(rule: AlarmRule) -> None:
    first, second = sorted(_FIELDS_OF[rule.kind])
    if getattr(rule, first) is None and getattr(rule, second) is None:
        raise AlarmRuleError(first, f"a {rule.kind} rule needs {first} or {second} (or both)")
    upper, lower = rule.upper, rule.lower
    for name in (first, second):
        value = getattr(rule, name)
        if value is not None and (not math.isfinite(value) or abs(value) > MAX_MAGNITUDE):
            raise AlarmRuleError(name, f"must be a number within ±{MAX_MAGNITUDE:g}")
    if rule.kind is AlarmKind.RATE:
        for name in (first, second):
            value = getattr(rule, name)
            if value is not None and value <= 0:
                raise AlarmRuleError(name, "must be above 0 (a change per minute)")
    if lower >= upper:
        raise AlarmRuleError("low", f"must be below high ({lower:g} is not below {upper:g})")
    if math.isfinite(lower) and math.isfinite(upper) and 2 * rule.deadband >= upper - lower:
        raise AlarmRuleError(
            "deadband",
            f"must be under half the band between low and high ({(upper - lower) / 2:g}), "
            "or an alarm could never clear",
        )


def check_rule_targets(rule: AlarmRule, tags: Iterable[TagInfo]) -> list[TagInfo]:
    """The tags `rule` watches; `AlarmRuleError` if it names an unknown tag or selects none."""
    matched = [tag for tag in tags if rule.target.matches(tag)]
    if matched:
        return matched
    target = rule.target
    if target.tag_id is not None:
        raise AlarmRuleError("tag_id", f"tag {target.tag_id} is not a mapped tag of this tenant")
    where = f" in field {target.field_id}" if target.field_id else ""
    field: Literal["signal_class", "field_id"] = "field_id" if target.field_id else "signal_class"
    raise AlarmRuleError(field, f"no tag of class {target.signal_class}{where}")


def check_rule_set(rules: Sequence[AlarmRule], tags: Sequence[TagInfo]) -> None:
    """Every rule valid and watching at least one tag; rule ids unique."""
    seen: set[str] = set()
    for position, rule in enumerate(rules):
        if rule.rule_id in seen:
            raise AlarmRuleError(f"rules.{position}.rule_id", f"{rule.rule_id} appears twice")
        seen.add(rule.rule_id)
        try:
            check_rule(rule)
            check_rule_targets(rule, tags)
        except AlarmRuleError as exc:
            raise AlarmRuleError(f"rules.{position}.{exc.field}", exc.reason) from None
