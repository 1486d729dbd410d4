"""Stale-data alarms and retired rules: evaluated as of "now", not per reading.

A stale rule is raised when a tag's newest usable reading is older than
`stale_after_s` (+ `min_duration_s`) at `now_us` — platform time, since staleness
is about data reaching the platform — and cleared at the first evaluation that
finds a newer one. `retire` clears the episodes of rules or tags that are gone.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from shared.core.operations.model.alarm_index import Binding, BindingKey, RuleIndex
from shared.core.operations.model.alarm_state import (
    NEVER,
    AlarmEvent,
    AlarmState,
    Episode,
    Evaluation,
    EventKind,
    Phase,
    event_order,
)


def evaluate_stale(index: RuleIndex, state: AlarmState, now_us: int) -> Evaluation:
    """Raise and clear stale-data alarms as of `now_us` (platform time, µs since the epoch).

    A tag never seen is watched from the first evaluation that covers it, so a new
    rule or tag gets its full `stale_after_s` before it can alarm.
    """
    if not index.stale:
        return Evaluation((), state)
    last, _ = state.seen.lookup(index.stale_tag_ids)
    watching = {tag: since for tag, since in state.watching.items() if state.seen.get(tag) is None}
    for i in np.flatnonzero(last == NEVER).tolist():
        last[i] = watching.setdefault(int(index.stale_tag_ids[i]), now_us)
    age = now_us - last
    due = age >= index.stale_after_us + index.stale_min_duration_us
    fresh = age < index.stale_after_us
    episodes = dict(state.episodes)
    events: list[AlarmEvent] = []
    for number in _stale_active(index, episodes):
        if fresh[number]:
            binding = index.stale[number]
            episode = episodes.pop(binding.key)
            events.append(
                _stale_event(EventKind.CLEARED, binding, episode.since_us, now_us, age[number])
            )
            due[number] = False
    for number in np.flatnonzero(due).tolist():
        binding = index.stale[number]
        if binding.key in episodes:
            continue
        since = int(last[number] + index.stale_after_us[number])
        episodes[binding.key] = Episode(Phase.ACTIVE, since, now_us)
        events.append(_stale_event(EventKind.RAISED, binding, since, now_us, age[number]))
    events.sort(key=event_order)
    return Evaluation(tuple(events), AlarmState(episodes, state.seen, watching))


def _stale_active(index: RuleIndex, episodes: Mapping[BindingKey, Episode]) -> list[int]:
    return sorted(index.stale_number[key] for key in episodes if key in index.stale_number)


def _stale_event(
    kind: EventKind, binding: Binding, since: int, now_us: int, age_us: np.int64
) -> AlarmEvent:
    rule = binding.rule
    seconds = float(age_us) / 1_000_000
    return AlarmEvent(
        kind, rule.rule_id, binding.tag_id, rule.kind, rule.severity, since, now_us, seconds
    )


def retire(index: RuleIndex, state: AlarmState, now_us: int) -> Evaluation:
    """Clear the active episodes of bindings the index no longer holds (rule deleted or
    disabled, tag unmapped); forget their pending ones. Call after recompiling rules."""
    episodes: dict[BindingKey, Episode] = {}
    events: list[AlarmEvent] = []
    for key, episode in state.episodes.items():
        if index.binding(key) is not None:
            episodes[key] = episode
        elif episode.phase is Phase.ACTIVE:
            events.append(_retired(key, episode, now_us))
    events.sort(key=event_order)
    return Evaluation(tuple(events), AlarmState(episodes, state.seen, state.watching))


def _retired(key: BindingKey, episode: Episode, now_us: int) -> AlarmEvent:
    rule_id, tag_id = key
    return AlarmEvent(
        EventKind.CLEARED, rule_id, tag_id, None, None, episode.since_us, now_us, None
    )
