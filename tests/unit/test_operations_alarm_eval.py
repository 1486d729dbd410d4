"""Real-time alarm evaluation: once per episode, noise does not flap, order does not matter.

The fast evaluator is checked against a plain reading-by-reading reference written
here from the rules in alarm_eval's docstring, over random rules and readings.
"""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.core.operations.model.alarm_eval import ReadingArrays, evaluate
from shared.core.operations.model.alarm_index import compile_rules
from shared.core.operations.model.alarm_rules import (
    AlarmKind,
    AlarmRule,
    Severity,
    TagInfo,
    TagSelector,
    parse_alarm_rule,
)
from shared.core.operations.model.alarm_stale import evaluate_stale, retire
from shared.core.operations.model.alarm_state import AlarmState, EventKind, Phase

S = 1_000_000  # µs per second
MIN = 60 * S
GOOD, UNCERTAIN, BAD = 0, 0x40000000, 0x80000000
TAGS = [TagInfo(t, f"w{t}", "tubing_pressure", "permian") for t in (1, 2, 3)]


def _rule(**fields) -> AlarmRule:
    data = {"rule_id": "r", "kind": "limit", "tag_id": 1}
    data.update(fields)
    return parse_alarm_rule(data)


def _run(rules, batches, state=None):
    """Evaluate `batches` of (tag, µs, value, status) rows in turn; all events and the state."""
    index = compile_rules(rules, TAGS)
    state = state or AlarmState()
    events = []
    for rows in batches:
        result = evaluate(index, state, ReadingArrays.from_rows(rows))
        events += result.events
        state = result.state
    return events, state


def _summary(events):
    return [
        (e.kind.value, e.rule_id, e.tag_id, e.episode_start_us, e.at_us, e.value) for e in events
    ]


# --- hand-made cases -------------------------------------------------------------------


def test_a_high_limit_raises_after_the_minimum_duration_and_clears_below_the_deadband():
    # GIVEN high 100, deadband 5, 60 s minimum; a reading every 10 s
    rule = _rule(high=100, deadband=5, min_duration_s=60)
    values = [90, 101, 102, 103, 104, 105, 106, 107, 98, 96, 94, 90]
    rows = [(1, i * 10 * S, v, GOOD) for i, v in enumerate(values)]
    # WHEN the batch is evaluated
    events, state = _run([rule], [rows])
    # THEN it is raised when 60 s above the limit have passed (10 s → 70 s), and cleared
    # at the first reading at or below 95 (not at 98 or 96, inside the deadband)
    assert _summary(events) == [
        ("raised", "r", 1, 10 * S, 70 * S, 107.0),
        ("cleared", "r", 1, 10 * S, 100 * S, 94.0),
    ]
    assert state.episodes == {}


def test_a_short_excursion_shorter_than_the_minimum_duration_raises_nothing():
    rule = _rule(high=100, min_duration_s=60)
    rows = [(1, i * 10 * S, v, GOOD) for i, v in enumerate([90, 120, 130, 125, 90, 120, 90])]
    events, state = _run([rule], [rows])
    assert events == []
    assert state.phase(("r", 1)) is Phase.NORMAL


def test_a_flapping_signal_around_the_limit_is_one_episode_not_hundreds():
    # GIVEN a pressure that rises past 100 and then hovers around it with ±3 psi noise
    # for an hour (one reading per second), then falls away
    noise = random.Random(7)
    rows = [(1, t * S, 90.0, GOOD) for t in range(60)]
    rows += [(1, t * S, 104.0, GOOD) for t in range(60, 180)]
    rows += [(1, t * S, 100 + noise.uniform(-3, 3), GOOD) for t in range(180, 3780)]
    rows += [(1, t * S, 80.0, GOOD) for t in range(3780, 3840)]
    crossings = sum(1 for a, b in itertools.pairwise(rows) if (a[2] > 100) != (b[2] > 100))
    assert crossings > 500  # the noise really crosses the limit, over and over
    # WHEN evaluated with a deadband wider than the noise and a 30 s minimum duration
    damped = _rule(rule_id="damped", high=100, deadband=5, min_duration_s=30)
    # AND, for contrast, with neither
    raw = _rule(rule_id="raw", high=100)
    events, _ = _run([damped, raw], [rows])
    # THEN the damped rule has exactly one episode: raised once, cleared once
    damped_events = [(e.kind, e.at_us) for e in events if e.rule_id == "damped"]
    assert damped_events == [(EventKind.RAISED, 90 * S), (EventKind.CLEARED, 3780 * S)]
    # while the undamped one flaps hundreds of times
    assert sum(1 for e in events if e.rule_id == "raw" and e.kind is EventKind.RAISED) > 200


def test_an_episode_spans_batches_and_is_raised_once():
    rule = _rule(high=100, min_duration_s=30)
    batches = [[(1, (b * 20 + i) * S, 150.0, GOOD) for i in range(20)] for b in range(5)]
    events, state = _run([rule], batches)
    assert [(e.kind, e.at_us) for e in events] == [(EventKind.RAISED, 30 * S)]
    assert state.episodes[("r", 1)].phase is Phase.ACTIVE
    assert state.episodes[("r", 1)].raised_us == 30 * S
    # and it clears in a later batch
    more, state = _run([rule], [[(1, 200 * S, 10.0, GOOD)]], state)
    assert [(e.kind, e.episode_start_us, e.at_us) for e in more] == [
        (EventKind.CLEARED, 0, 200 * S)
    ]
    assert events[0].episode_id == more[0].episode_id == "r/1/0"


def test_a_low_limit_alarms_below_and_clears_above_low_plus_deadband():
    rule = _rule(low=50, deadband=10)
    rows = [(1, i * S, v, GOOD) for i, v in enumerate([60, 49, 55, 59, 60, 70])]
    events, _ = _run([rule], [rows])
    assert [(e.kind.value, e.at_us, e.value) for e in events] == [
        ("raised", 1 * S, 49.0),
        ("cleared", 4 * S, 60.0),
    ]


def test_rate_of_change_is_per_minute_between_consecutive_readings_across_batches():
    # GIVEN a rule on a rise over 10 psi/min
    rule = _rule(kind="rate", max_rise_per_min=10)
    # WHEN the pressure climbs 2 psi per 10 s (12/min), one reading per batch
    batches = [[(1, i * 10 * S, 100.0 + 2 * i, GOOD)] for i in range(4)]
    events, _ = _run([rule], batches)
    # THEN it is raised at the second reading (the first has no predecessor)
    assert [(e.kind.value, e.at_us, round(e.value, 6)) for e in events] == [
        ("raised", 10 * S, 12.0)
    ]
    # and a fall of any speed does not trip a rise-only rule
    events, _ = _run([rule], [[(1, 0, 100.0, GOOD), (1, MIN, 0.0, GOOD)]])
    assert events == []


def test_bad_quality_and_missing_values_are_ignored_and_uncertain_counts():
    rule = _rule(high=100)
    rows = [
        (1, 1 * S, 500.0, BAD),
        (1, 2 * S, None, GOOD),
        (1, 3 * S, 50.0, GOOD),
    ]
    events, state = _run([rule], [rows])
    assert events == []
    assert state.seen.get(1) == (3 * S, 50.0)
    events, _ = _run([rule], [[(1, 4 * S, 500.0, UNCERTAIN)]], state)
    assert [e.kind for e in events] == [EventKind.RAISED]


def test_signed_int32_status_columns_mark_bad_quality_too():
    # GIVEN the drain's columns: statuses as signed int32 (Bad is negative)
    rule = _rule(high=100)
    index = compile_rules([rule], TAGS)
    readings = ReadingArrays(
        np.array([1, 1], np.int32),
        np.array([1 * S, 2 * S], np.int64),
        np.array([500.0, 500.0]),
        np.array([BAD, 0], np.uint32).astype(np.int32),
    )
    result = evaluate(index, AlarmState(), readings)
    assert [(e.kind, e.at_us) for e in result.events] == [(EventKind.RAISED, 2 * S)]


def test_a_batch_out_of_order_gives_the_same_events_as_in_order():
    rule = _rule(high=100, deadband=5, min_duration_s=20)
    rows = [(t, i * 5 * S, 80.0 + (i % 17) * 3, GOOD) for i in range(60) for t in (1, 2)]
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    class_rule = _rule(tag_id=None, signal_class="tubing_pressure", high=100, deadband=5)
    assert _run([rule, class_rule], [rows])[0] == _run([rule, class_rule], [shuffled])[0]


def test_late_and_repeated_readings_are_not_evaluated_again():
    rule = _rule(high=100)
    events, state = _run([rule], [[(1, 10 * S, 50.0, GOOD)]])
    # WHEN a later batch brings an older reading far above the limit, and a repeat
    events, state = _run([rule], [[(1, 5 * S, 500.0, GOOD), (1, 10 * S, 500.0, GOOD)]], state)
    # THEN nothing is raised and the tag's newest reading is unchanged
    assert events == []
    assert state.seen.get(1) == (10 * S, 50.0)


def test_two_readings_at_one_instant_count_once_whatever_their_order():
    rule = _rule(high=100)
    forward, _ = _run([rule], [[(1, S, 150.0, GOOD), (1, S, 90.0, GOOD)]])
    backward, _ = _run([rule], [[(1, S, 90.0, GOOD), (1, S, 150.0, GOOD)]])
    assert forward == backward == []


def test_readings_of_unwatched_tags_are_ignored():
    events, state = _run([_rule(high=100)], [[(7, S, 1e9, GOOD)]])
    assert events == []
    assert len(state.seen) == 0


# --- stale data --------------------------------------------------------------------------


def test_stale_data_is_raised_after_the_gap_and_cleared_by_a_fresh_reading():
    rule = _rule(rule_id="quiet", kind="stale", stale_after_s=600, min_duration_s=60)
    index = compile_rules([rule], TAGS)
    state = evaluate(index, AlarmState(), ReadingArrays.from_rows([(1, 0, 5.0, GOOD)])).state
    # 10 min + 59 s after the last reading: not yet (the condition must hold 60 s)
    early = evaluate_stale(index, state, 659 * S)
    assert early.events == ()
    # at 11 min: raised once, stamped at "now", starting when the data went stale
    raised = evaluate_stale(index, early.state, 660 * S)
    assert [(e.kind, e.episode_start_us, e.at_us, e.value) for e in raised.events] == [
        (EventKind.RAISED, 600 * S, 660 * S, 660.0)
    ]
    again = evaluate_stale(index, raised.state, 900 * S)
    assert again.events == ()
    # a fresh reading arrives; the next evaluation clears the episode
    state = evaluate(index, again.state, ReadingArrays.from_rows([(1, 890 * S, 5.0, GOOD)])).state
    cleared = evaluate_stale(index, state, 905 * S)
    assert [(e.kind, e.episode_start_us) for e in cleared.events] == [(EventKind.CLEARED, 600 * S)]
    assert cleared.state.episodes == {}


def test_a_tag_that_never_reported_is_watched_from_the_first_evaluation():
    rule = _rule(
        rule_id="quiet",
        kind="stale",
        tag_id=None,
        signal_class="tubing_pressure",
        stale_after_s=300,
    )
    index = compile_rules([rule], TAGS)
    first = evaluate_stale(index, AlarmState(), 1_000 * S)
    assert first.events == ()
    assert first.state.watching == {1: 1_000 * S, 2: 1_000 * S, 3: 1_000 * S}
    # tag 2 reports; tags 1 and 3 stay silent
    state = evaluate(index, first.state, ReadingArrays.from_rows([(2, 1_200 * S, 1.0, GOOD)])).state
    later = evaluate_stale(index, state, 1_300 * S)
    assert sorted((e.tag_id, e.kind) for e in later.events) == [
        (1, EventKind.RAISED),
        (3, EventKind.RAISED),
    ]
    assert later.state.watching == {1: 1_000 * S, 3: 1_000 * S}


# --- state -------------------------------------------------------------------------------


def test_the_state_survives_a_round_trip_through_its_json_form():
    rule = _rule(high=100, min_duration_s=30)
    stale = _rule(rule_id="quiet", kind="stale", tag_id=2, stale_after_s=60)
    index = compile_rules([rule, stale], TAGS)
    state = evaluate(index, AlarmState(), ReadingArrays.from_rows([(1, 0, 150.0, GOOD)])).state
    state = evaluate_stale(index, state, 0).state
    restored = AlarmState.from_data(state.to_data())
    assert restored.to_data() == state.to_data()
    assert restored.episodes[("r", 1)].phase is Phase.PENDING
    # and evaluation continues from the restored state exactly as from the original
    more = ReadingArrays.from_rows([(1, 40 * S, 150.0, GOOD)])
    assert evaluate(index, restored, more).events == evaluate(index, state, more).events


def test_retiring_a_deleted_rule_clears_its_active_episode():
    rule = _rule(high=100)
    _, state = _run([rule], [[(1, S, 150.0, GOOD)]])
    assert state.phase(("r", 1)) is Phase.ACTIVE
    result = retire(compile_rules([], TAGS), state, 99 * S)
    assert [(e.kind, e.rule_id, e.at_us, e.value) for e in result.events] == [
        (EventKind.CLEARED, "r", 99 * S, None)
    ]
    assert result.state.episodes == {}


# --- against a reading-by-reading reference ------------------------------------------------


def _reference(rules, batches):
    """The documented behaviour, one reading at a time, in the plainest code."""
    last: dict[int, tuple[int, float]] = {}
    phase: dict[tuple[str, int], tuple[str, int]] = {}
    out = []
    for rows in batches:
        batch_events = []
        usable: dict[int, dict[int, float]] = {}
        for tag, ts, value, status in sorted(rows, key=lambda r: (r[0], r[1], _v(r[2]))):
            if value is None or not math.isfinite(value) or status & BAD:
                continue
            if tag not in {t.tag_id for t in TAGS}:
                continue
            usable.setdefault(tag, {}).setdefault(ts, value)
        for tag in sorted(usable):
            for ts, value in sorted(usable[tag].items()):
                if tag in last and ts <= last[tag][0]:
                    continue
                for rule in rules:
                    if rule.kind is AlarmKind.STALE or not rule.target.matches(TAGS[tag - 1]):
                        continue
                    if rule.kind is AlarmKind.RATE:
                        if tag not in last:
                            continue
                        pts, pv = last[tag]
                        signal = (value - pv) * 60_000_000.0 / float(ts - pts)
                    else:
                        signal = value
                    batch_events += _ref_step(rule, tag, ts, signal, phase)
                last[tag] = (ts, value)
        # each evaluation's events come in time order (then tag, rule, cleared first)
        out += sorted(batch_events, key=lambda e: (e[4], e[2], e[1], e[0] == "raised"))
    return out


def _v(value):
    return math.inf if value is None or not math.isfinite(value) else value


def _ref_step(rule, tag, ts, signal, phase):
    key = (rule.rule_id, tag)
    excess = max(signal - rule.upper, rule.lower - signal)
    state, since = phase.get(key, ("normal", 0))
    if state == "normal" and excess > 0:
        state, since = "pending", ts
    if state == "pending":
        if excess <= 0:
            phase.pop(key, None)
            return []
        if ts - since >= round(rule.min_duration_s * S):
            phase[key] = ("active", since)
            return [("raised", rule.rule_id, tag, since, ts, signal)]
        phase[key] = ("pending", since)
        return []
    if state == "active" and excess <= -rule.deadband:
        phase.pop(key, None)
        return [("cleared", rule.rule_id, tag, since, ts, signal)]
    return []


_statuses = st.sampled_from([GOOD, GOOD, GOOD, UNCERTAIN, BAD])
_values = st.one_of(st.integers(-20, 20).map(float), st.just(None), st.just(float("nan")))
_rows = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 60).map(lambda s: s * S), _values, _statuses),
    max_size=80,
)


@st.composite
def _rules(draw):
    rules = []
    for n in range(draw(st.integers(1, 4))):
        target = draw(
            st.sampled_from([{"tag_id": 1}, {"tag_id": 2}, {"signal_class": "tubing_pressure"}])
        )
        kind = draw(st.sampled_from(["limit", "rate"]))
        base = {"rule_id": f"r{n}", "kind": kind, **target}
        base["min_duration_s"] = draw(st.sampled_from([0, 1, 5, 20]))
        if kind == "limit":
            high = draw(st.integers(-5, 15))
            low = draw(st.one_of(st.none(), st.integers(-20, high - 1)))
            base.update(high=high, low=low)
            band = (high - low) / 2 if low is not None else 10
            base["deadband"] = draw(st.sampled_from([0, 1, 3])) if band > 3 else 0
        else:
            base["max_rise_per_min"] = draw(st.sampled_from([30, 120, 600]))
            base["max_fall_per_min"] = draw(st.one_of(st.none(), st.sampled_from([60, 300])))
            base["deadband"] = draw(st.sampled_from([0, 10]))
        rules.append(parse_alarm_rule(base))
    return rules


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=_rules(), batches=st.lists(_rows, min_size=1, max_size=4))
def test_the_evaluator_matches_the_reference_over_any_batches(rules, batches):
    events, _ = _run(rules, batches)
    assert _summary(events) == _reference(rules, batches)


@settings(max_examples=200, deadline=None)
@given(rules=_rules(), rows=_rows, seed=st.integers(0, 1000))
def test_the_order_within_a_batch_never_changes_the_outcome(rules, rows, seed):
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    events, state = _run(rules, [rows])
    events2, state2 = _run(rules, [shuffled])
    assert events == events2
    assert state.to_data() == state2.to_data()


@settings(max_examples=200, deadline=None)
@given(rules=_rules(), rows=_rows, cut=st.integers(0, 80))
def test_cutting_a_time_ordered_stream_into_batches_changes_nothing(rules, rows, cut):
    ordered = sorted(rows, key=lambda r: r[1])
    whole, state = _run(rules, [ordered])
    parts, state2 = _run(rules, [ordered[:cut], ordered[cut:]])
    assert whole == parts
    assert state.to_data() == state2.to_data()


@settings(max_examples=200, deadline=None)
@given(rules=_rules(), batches=st.lists(_rows, min_size=1, max_size=4))
def test_each_binding_alternates_raised_and_cleared_and_raises_only_after_the_minimum(
    rules, batches
):
    events, _ = _run(rules, batches)
    by_rule = {r.rule_id: r for r in rules}
    open_: dict[tuple[str, int], bool] = {}
    for event in events:
        key = (event.rule_id, event.tag_id)
        raised = event.kind is EventKind.RAISED
        assert open_.get(key, False) is not raised
        open_[key] = raised
        if raised:
            rule = by_rule[event.rule_id]
            assert event.at_us - event.episode_start_us >= rule.min_duration_s * S
            assert event.severity is Severity.MEDIUM


def test_a_rule_without_bindings_or_readings_leaves_the_state_alone():
    index = compile_rules([_rule(tag_id=None, signal_class="flow_rate", high=1)], TAGS)
    state = AlarmState()
    assert evaluate(index, state, ReadingArrays.from_rows([(1, S, 5.0, GOOD)])).state is state
    assert (
        evaluate(compile_rules([_rule(high=1)], TAGS), state, ReadingArrays.from_rows([])).state
        is state
    )


def test_columns_of_different_lengths_are_refused():
    import pytest

    from shared.core.operations.errors import OperationsInputError

    with pytest.raises(OperationsInputError) as caught:
        ReadingArrays(np.array([1]), np.array([1, 2]), np.array([1.0]), np.array([0]))
    assert caught.value.field == "readings"


def test_selector_matches_by_tag_or_by_class_and_field():
    assert TagSelector(tag_id=2).matches(TAGS[1])
    assert not TagSelector(signal_class="tubing_pressure", field_id="x").matches(TAGS[0])
