"""Alarm rules compiled for the drain: every (rule, tag) binding, pre-indexed by tag.

The evaluator looks rules up per tag group of a batch, never per reading: the
index holds, for each watched tag (sorted ids, found with one `searchsorted` per
batch), a row of up to `slots` bindings, padded with a binding that can never
trip. Limit and rate bindings share one form: a signal `s` (the value, or the
change per minute) alarms when `max(s - upper, lower - s) > 0` and clears when
that is `<= -deadband`.

`compile_rules` is lenient on purpose: a rule whose tags are gone (unmapped
since) watches nothing instead of failing the drain. The API checks rules
strictly when they are saved (`alarm_rules.check_rule_set`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shared.core.operations.model.alarm_rules import AlarmKind, AlarmRule, TagInfo

BindingKey = tuple[str, int]
"""(rule id, tag id): one rule applied to one tag; alarm episodes are per binding."""

MICROS = 1_000_000
MAX_TABLE_ID = 1 << 22
"""Tag ids up to this are looked up in a table (at most 32 MiB, usually a few KiB)."""


@dataclass(frozen=True, slots=True)
class Binding:
    rule: AlarmRule
    tag_id: int

    @property
    def key(self) -> BindingKey:
        return (self.rule.rule_id, self.tag_id)


@dataclass(frozen=True)
class RuleIndex:
    """Immutable; build with `compile_rules`. Arrays are indexed by binding number."""

    signal: tuple[Binding, ...]
    stale: tuple[Binding, ...]
    tag_ids: npt.NDArray[np.int64]
    """Sorted ids of the watched tags (any binding): the evaluator remembers these."""
    slots: npt.NDArray[np.intp]
    """(len(tag_ids), width): limit/rate binding numbers per tag, padded with `len(signal)`."""
    upper: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    deadband: npt.NDArray[np.float64]
    min_duration_us: npt.NDArray[np.int64]
    is_rate: npt.NDArray[np.bool_]
    stale_tag_ids: npt.NDArray[np.int64]
    stale_after_us: npt.NDArray[np.int64]
    stale_min_duration_us: npt.NDArray[np.int64]
    lookup: npt.NDArray[np.intp] | None = None
    """Row of `tag_ids` by tag id (-1: unwatched) when the ids are small enough for a
    table (they are a tenant's serial numbers); None: search `tag_ids` instead."""
    number: dict[BindingKey, int] = field(default_factory=dict)
    """Signal binding number by key."""
    stale_number: dict[BindingKey, int] = field(default_factory=dict)

    def rows_of(self, tags: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        """Row of `tag_ids` for each tag id; -1 for tags no rule watches."""
        if self.lookup is not None:
            inside = (tags >= 0) & (tags < len(self.lookup))
            rows = self.lookup[np.where(inside, tags, 0)]
            return np.where(inside, rows, -1)
        at = np.minimum(np.searchsorted(self.tag_ids, tags), len(self.tag_ids) - 1)
        return np.where(self.tag_ids[at] == tags, at, -1)

    def bindings(self) -> Iterable[Binding]:
        yield from self.signal
        yield from self.stale

    def binding(self, key: BindingKey) -> Binding | None:
        if key in self.number:
            return self.signal[self.number[key]]
        if key in self.stale_number:
            return self.stale[self.stale_number[key]]
        return None


def compile_rules(rules: Iterable[AlarmRule], tags: Sequence[TagInfo]) -> RuleIndex:
    """Expand each rule over the tags it selects and index the bindings by tag."""
    by_id = {tag.tag_id: tag for tag in tags}
    by_class: dict[str, list[TagInfo]] = {}
    for tag in tags:
        by_class.setdefault(tag.signal_class, []).append(tag)
    signal: list[Binding] = []
    stale: list[Binding] = []
    for rule in rules:
        target = rule.target
        if target.tag_id is not None:
            found = by_id.get(target.tag_id)
            selected = [] if found is None else [found]
        else:
            selected = [t for t in by_class.get(target.signal_class or "", []) if target.matches(t)]
        bindings = stale if rule.kind is AlarmKind.STALE else signal
        bindings.extend(Binding(rule, tag.tag_id) for tag in selected)
    signal.sort(key=lambda b: (b.tag_id, b.rule.rule_id))
    stale.sort(key=lambda b: (b.tag_id, b.rule.rule_id))
    return _build(tuple(signal), tuple(stale))


def _build(signal: tuple[Binding, ...], stale: tuple[Binding, ...]) -> RuleIndex:
    tag_ids = np.unique(np.array([b.tag_id for b in signal + stale], dtype=np.int64))
    pad = len(signal)
    rows: dict[int, list[int]] = {}
    for number, binding in enumerate(signal):
        rows.setdefault(binding.tag_id, []).append(number)
    width = max((len(row) for row in rows.values()), default=0)
    slots = np.full((len(tag_ids), width), pad, dtype=np.intp)
    for row_number, tag_id in enumerate(tag_ids.tolist()):
        row = rows.get(tag_id, [])
        slots[row_number, : len(row)] = row
    rules = [b.rule for b in signal]
    return RuleIndex(
        signal=signal,
        stale=stale,
        tag_ids=tag_ids,
        slots=slots,
        upper=np.array([r.upper for r in rules] + [math.inf], dtype=np.float64),
        lower=np.array([r.lower for r in rules] + [-math.inf], dtype=np.float64),
        deadband=np.array([r.deadband for r in rules] + [0.0], dtype=np.float64),
        min_duration_us=np.array([_micros(r.min_duration_s) for r in rules] + [0], np.int64),
        is_rate=np.array([r.kind is AlarmKind.RATE for r in rules] + [False], dtype=np.bool_),
        stale_tag_ids=np.array([b.tag_id for b in stale], dtype=np.int64),
        stale_after_us=np.array([_micros(b.rule.stale_after_s or 0) for b in stale], np.int64),
        stale_min_duration_us=np.array(
            [_micros(b.rule.min_duration_s) for b in stale], dtype=np.int64
        ),
        lookup=_lookup_table(tag_ids),
        number={b.key: n for n, b in enumerate(signal)},
        stale_number={b.key: n for n, b in enumerate(stale)},
    )


def _lookup_table(tag_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.intp] | None:
    if not len(tag_ids) or tag_ids[0] < 0 or tag_ids[-1] > MAX_TABLE_ID:
        return None
    table = np.full(int(tag_ids[-1]) + 1, -1, dtype=np.intp)
    table[tag_ids] = np.arange(len(tag_ids))
    return table


def _micros(seconds: float) -> int:
    return round(seconds * MICROS)
