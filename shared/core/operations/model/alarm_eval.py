"""The alarm evaluator: readings in, raised/cleared episode events and the new state out.

Behaviour, per (rule, tag) binding:

- Only usable readings count: a finite value whose OPC-UA status is not Bad
  (the high bit; Good and Uncertain both count).
- A batch may arrive in any order: readings are evaluated per tag in time
  order. Two readings of a tag at the same microsecond count once (the smaller
  value), so the outcome does not depend on the order within a batch.
- A reading no newer than the tag's newest evaluated reading (a late or
  redelivered one) is not evaluated again; the drain still stores it.
- NORMAL → PENDING when the signal leaves the limits; PENDING → ACTIVE (event
  RAISED) at the first reading at which it has been out for `min_duration_s`;
  PENDING → NORMAL, silently, when a reading is back inside the limits (the
  deadband does not help a pending alarm: ISA-18.2's on-delay); ACTIVE → NORMAL
  (event CLEARED) at the first reading inside the limits by the deadband.
- A rate is the change per minute from the tag's previous usable reading (in
  this batch or remembered); the first reading a tag ever sends has none.
- Stale rules are evaluated by `alarm_stale.evaluate_stale(now)`, in platform
  time, from the tag memory this evaluator keeps.

Speed: the drain hands readings over as numpy columns (sorted by tag and time
already). Per reading, the evaluator does a handful of vectorised operations
(usable mask, tag lookup, order check, late cut, group extremes); only the
bindings of a tag group that could change state — a group's extreme leaves a
limit, or the binding is pending or active — are stepped, and then from
transition to transition, not reading by reading.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model.alarm_index import Binding, BindingKey, RuleIndex
from shared.core.operations.model.alarm_state import (
    AlarmEvent,
    AlarmState,
    Episode,
    Evaluation,
    EventKind,
    Phase,
    event_order,
)

_BAD = 0x8000_0000
_US_PER_MIN = 60_000_000.0


@dataclass(frozen=True)
class ReadingArrays:
    """Readings as columns: tag id, source time (µs since the epoch, UTC), value, status."""

    tag_id: npt.NDArray[np.integer]
    ts_us: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]
    status: npt.NDArray[np.integer]

    def __post_init__(self) -> None:
        sizes = {len(self.tag_id), len(self.ts_us), len(self.value), len(self.status)}
        if len(sizes) != 1:
            raise OperationsInputError("readings", "the columns differ in length")

    def __len__(self) -> int:
        return len(self.tag_id)

    @staticmethod
    def from_rows(rows: Iterable[tuple[int, int, float | None, int]]) -> ReadingArrays:
        """From (tag id, µs, value or None, status) rows; None becomes NaN (not usable)."""
        listed = list(rows)
        return ReadingArrays(
            np.array([r[0] for r in listed], np.int64),
            np.array([r[1] for r in listed], np.int64),
            np.array([np.nan if r[2] is None else r[2] for r in listed], np.float64),
            np.array([r[3] for r in listed], np.int64),
        )


@dataclass(frozen=True)
class _Batch:
    """Usable, fresh readings of watched tags, sorted by (tag, time), grouped by tag."""

    pos: npt.NDArray[np.intp]
    ts: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]
    rate: npt.NDArray[np.float64]
    starts: npt.NDArray[np.intp]
    ends: npt.NDArray[np.intp]


def evaluate(index: RuleIndex, state: AlarmState, readings: ReadingArrays) -> Evaluation:
    """Events of limit and rate rules for `readings`, and the state after them."""
    batch = _prepare(index, state, readings)
    if batch is None:
        return Evaluation((), state)
    episodes = dict(state.episodes)
    events: list[AlarmEvent] = []
    for number, group in _candidates(index, state, batch):
        binding = index.signal[number]
        sl = slice(int(batch.starts[group]), int(batch.ends[group]))
        signal = batch.rate[sl] if index.is_rate[number] else batch.value[sl]
        _step(binding, episodes, events, signal, batch.ts[sl])
    last = batch.ends - 1
    seen = state.seen.merged(index.tag_ids[batch.pos[last]], batch.ts[last], batch.value[last])
    events.sort(key=event_order)
    return Evaluation(tuple(events), AlarmState(episodes, seen, state.watching))


def _prepare(index: RuleIndex, state: AlarmState, readings: ReadingArrays) -> _Batch | None:
    if not len(readings) or not len(index.tag_ids):
        return None
    pos = index.rows_of(np.asarray(readings.tag_id).astype(np.int64, copy=False))
    status = np.asarray(readings.status).astype(np.int64, copy=False)
    ts = np.asarray(readings.ts_us, dtype=np.int64)
    value = np.asarray(readings.value, dtype=np.float64)
    keep = (pos >= 0) & np.isfinite(value) & ((status & _BAD) == 0)
    if not keep.all():
        pos, ts, value = pos[keep], ts[keep], value[keep]
    if not _strictly_ordered(pos, ts):
        pos, ts, value = _sorted_once(pos, ts, value)
    memory_ts, memory_value = state.seen.lookup(index.tag_ids)
    fresh = ts > memory_ts[pos]
    if not fresh.all():
        pos, ts, value = pos[fresh], ts[fresh], value[fresh]
    if not len(pos):
        return None
    starts = np.flatnonzero(np.concatenate(([True], pos[1:] != pos[:-1])))
    ends = np.append(starts[1:], len(pos))
    rate = _rates(index, pos, ts, value, starts, memory_ts, memory_value)
    return _Batch(pos, ts, value, rate, starts, ends)


def _strictly_ordered(pos: npt.NDArray[np.intp], ts: npt.NDArray[np.int64]) -> bool:
    step = np.diff(pos)
    return bool(((step > 0) | ((step == 0) & (np.diff(ts) > 0))).all())


def _sorted_once(
    pos: npt.NDArray[np.intp], ts: npt.NDArray[np.int64], value: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Sorted by (tag, time, value); of readings of one tag at one instant, the first."""
    order = np.lexsort((value, ts, pos))
    pos, ts, value = pos[order], ts[order], value[order]
    first = np.concatenate(([True], (pos[1:] != pos[:-1]) | (ts[1:] != ts[:-1])))
    return pos[first], ts[first], value[first]


def _rates(
    index: RuleIndex,
    pos: npt.NDArray[np.intp],
    ts: npt.NDArray[np.int64],
    value: npt.NDArray[np.float64],
    starts: npt.NDArray[np.intp],
    memory_ts: npt.NDArray[np.int64],
    memory_value: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Change per minute from each reading's predecessor; NaN for a tag's first ever."""
    if not index.is_rate.any():
        return value  # never read: no rate binding
    prev_ts = np.empty_like(ts)
    prev_ts[1:] = ts[:-1]
    prev_ts[starts] = memory_ts[pos[starts]]
    prev_value = np.empty_like(value)
    prev_value[1:] = value[:-1]
    prev_value[starts] = memory_value[pos[starts]]
    elapsed = ts.astype(np.float64) - prev_ts.astype(np.float64)
    with np.errstate(invalid="ignore"):
        rate: npt.NDArray[np.float64] = (value - prev_value) * _US_PER_MIN / elapsed
    return rate


def _candidates(index: RuleIndex, state: AlarmState, batch: _Batch) -> list[tuple[int, int]]:
    """(binding number, group) pairs that may change state in this batch."""
    bindings = index.slots[batch.pos[batch.starts]]  # (groups, width)
    if not bindings.size:
        return []
    with np.errstate(invalid="ignore"):
        top = np.maximum.reduceat(batch.value, batch.starts)[:, None]
        bottom = np.minimum.reduceat(batch.value, batch.starts)[:, None]
        if index.is_rate.any():
            is_rate = index.is_rate[bindings]
            top = np.where(is_rate, np.fmax.reduceat(batch.rate, batch.starts)[:, None], top)
            bottom = np.where(is_rate, np.fmin.reduceat(batch.rate, batch.starts)[:, None], bottom)
        hit = (top > index.upper[bindings]) | (bottom < index.lower[bindings])
    busy = _busy(index, state.episodes)
    if busy.any():
        hit |= busy[bindings]
    groups, columns = np.nonzero(hit)
    numbers = bindings[groups, columns]
    return list(zip(numbers.tolist(), groups.tolist(), strict=True))


def _busy(index: RuleIndex, episodes: Mapping[BindingKey, Episode]) -> npt.NDArray[np.bool_]:
    """Per signal binding (+ padding): pending or active."""
    busy = np.zeros(len(index.signal) + 1, dtype=np.bool_)
    for key in episodes:
        number = index.number.get(key)
        if number is not None:
            busy[number] = True
    return busy


def _step(
    binding: Binding,
    episodes: dict[BindingKey, Episode],
    events: list[AlarmEvent],
    signal: npt.NDArray[np.float64],
    ts: npt.NDArray[np.int64],
) -> None:
    """Run one binding's state machine over its readings and store where it ends."""
    known = ~np.isnan(signal)
    if not known.all():  # a rate before the tag's first reading: nothing to judge
        signal, ts = signal[known], ts[known]
    machine = _Machine(binding, episodes.get(binding.key), signal, ts)
    events += machine.run()
    if machine.phase is Phase.NORMAL:
        episodes.pop(binding.key, None)
    else:
        episodes[binding.key] = Episode(machine.phase, machine.since, machine.raised)


class _Machine:
    """One binding over one tag group, jumping from transition to transition.

    `out`, `back` and `clear` are the positions of the readings outside the limits,
    inside them, and inside by the deadband; each step finds the next one it needs
    by bisection, so a steady signal costs a few steps however many readings it has.
    """

    def __init__(
        self,
        binding: Binding,
        episode: Episode | None,
        signal: npt.NDArray[np.float64],
        ts: npt.NDArray[np.int64],
    ) -> None:
        rule = binding.rule
        with np.errstate(invalid="ignore"):
            excess = np.maximum(signal - rule.upper, rule.lower - signal)
        self.out: list[int] = np.flatnonzero(excess > 0).tolist()
        self.back: list[int] = np.flatnonzero(excess <= 0).tolist()
        self.clear: list[int] = np.flatnonzero(excess <= -rule.deadband).tolist()
        self.times: list[int] = ts.tolist()
        self.signal = signal
        self.binding = binding
        self.min_us = round(rule.min_duration_s * 1_000_000)
        self.phase = Phase.NORMAL if episode is None else episode.phase
        self.since = 0 if episode is None else episode.since_us
        self.raised = None if episode is None else episode.raised_us

    def run(self) -> list[AlarmEvent]:
        events: list[AlarmEvent] = []
        i: int | None = 0
        while i is not None and i < len(self.times):
            if self.phase is Phase.NORMAL:
                i = self._start(i)
            elif self.phase is Phase.PENDING:
                i = self._hold(i, events)
            else:
                i = self._end(i, events)
        return events

    def _start(self, i: int) -> int | None:
        j = _next(self.out, i)
        if j is not None:
            self.phase, self.since = Phase.PENDING, self.times[j]
        return j

    def _hold(self, i: int, events: list[AlarmEvent]) -> int | None:
        back = _next(self.back, i)
        stop = len(self.times) if back is None else back
        j = bisect_left(self.times, self.since + self.min_us, i, stop)
        if j < stop:
            self.phase, self.raised = Phase.ACTIVE, self.times[j]
            events.append(self._event(EventKind.RAISED, j))
            return j + 1
        if back is not None:
            self.phase = Phase.NORMAL
        return back

    def _end(self, i: int, events: list[AlarmEvent]) -> int | None:
        j = _next(self.clear, i)
        if j is None:
            return None
        events.append(self._event(EventKind.CLEARED, j))
        self.phase, self.raised = Phase.NORMAL, None
        return j + 1

    def _event(self, kind: EventKind, j: int) -> AlarmEvent:
        rule = self.binding.rule
        return AlarmEvent(
            kind,
            rule.rule_id,
            self.binding.tag_id,
            rule.kind,
            rule.severity,
            self.since,
            self.times[j],
            float(self.signal[j]),
        )


def _next(positions: list[int], i: int) -> int | None:
    """The first position at or after `i`, if any."""
    at = bisect_left(positions, i)
    return positions[at] if at < len(positions) else None
