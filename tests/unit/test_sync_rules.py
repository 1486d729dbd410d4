"""The conflict rules of field sync: same winner whatever the arrival order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.core.sync.model.field_events import ChecklistResult, EventType, Rule
from shared.core.sync.model.rules import (
    InspectionVerdict,
    NoteClaim,
    ProductionClaim,
    ReadingClaim,
    inspection_results,
    inspection_verdict,
    merged_note_order,
    newest_reading,
    production_winner,
    rule_for,
    same_reading,
    same_volumes,
)

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def _reading(event: str, device: str, at: datetime, value: float = 100.0) -> ReadingClaim:
    return ReadingClaim(event, device, at, value, "psi")


def _production(event: str, device: str, oil: float | None, gas: float | None = 0.0):
    return ProductionClaim(event, device, oil, gas, 10.0)


def test_rule_for_each_type_and_unknown_types_go_to_review():
    # GIVEN the known types and an unknown one
    # WHEN the rule is looked up
    # THEN each known type has its rule and the unknown one goes to manual review
    assert rule_for(EventType.WELL_READING_RECORDED) is Rule.NEWEST_WINS
    assert rule_for(EventType.PRODUCTION_LOGGED) is Rule.HIGHEST_VALUE
    assert rule_for(EventType.EQUIPMENT_INSPECTED) is Rule.MANUAL_REVIEW
    assert rule_for(EventType.NOTE_ADDED) is Rule.MERGE
    assert rule_for(EventType.DOWNTIME_REPORTED) is None
    assert rule_for("TANK_STRAPPED") is Rule.MANUAL_REVIEW


def test_newest_reading_wins_in_every_arrival_order():
    # GIVEN three readings of one tag at different times
    claims = [
        _reading("e1", "dev-a", T0),
        _reading("e2", "dev-b", T0 + timedelta(minutes=5)),
        _reading("e3", "dev-c", T0 - timedelta(hours=1)),
    ]
    # WHEN the winner is taken over every order of arrival
    winners = {newest_reading(order).event_id for order in itertools.permutations(claims)}
    # THEN it is always the newest
    assert winners == {"e2"}


def test_reading_tie_is_broken_by_device_id_in_both_orders():
    # GIVEN two devices reporting the same tag at the very same instant
    a = _reading("e-a", "device-a", T0, 101.0)
    b = _reading("e-b", "device-b", T0, 99.0)
    # WHEN each arrives first
    # THEN the greater device id wins either way
    assert newest_reading([a, b]) is b
    assert newest_reading([b, a]) is b
    assert not same_reading(a, b)


def test_offsets_do_not_matter_only_the_instant():
    # GIVEN the same instant written in two offsets (device in CST and one in UTC)
    cst = timezone(timedelta(hours=-6))
    local = _reading("e1", "dev-a", datetime(2025, 3, 4, 8, 0, 1, tzinfo=cst))
    utc = _reading("e2", "dev-z", T0)
    # WHEN compared
    # THEN the later instant wins, whatever its offset
    assert newest_reading([utc, local]) is local
    assert newest_reading([local, utc]) is local


def test_skewed_clock_is_taken_as_reported_deterministically():
    # GIVEN a device whose clock runs 3 hours fast, and an accurate one reading later
    fast = _reading("e-fast", "dev-fast", T0 + timedelta(hours=3))
    accurate = _reading("e-ok", "dev-ok", T0 + timedelta(hours=1))
    # WHEN the rule compares them in both orders
    # THEN the reported times decide, the same way each time
    assert newest_reading([fast, accurate]) is fast
    assert newest_reading([accurate, fast]) is fast


def test_production_highest_boe_wins_in_both_orders():
    # GIVEN two logs of one well-day: more oil on one, much more gas on the other
    oily = _production("e1", "dev-a", oil=100.0, gas=0.0)
    gassy = _production("e2", "dev-b", oil=90.0, gas=200.0)  # 90 + 200/6 = 123.3 BOE
    # WHEN each arrives first
    # THEN the higher BOE wins the whole day either way
    assert production_winner([oily, gassy]) is gassy
    assert production_winner([gassy, oily]) is gassy


def test_production_equal_volumes_tie_on_device_then_event():
    # GIVEN the same volumes from two devices
    a = _production("e9", "dev-a", oil=50.0)
    b = _production("e1", "dev-b", oil=50.0)
    # WHEN compared in both orders
    # THEN the device id decides, and the logs count as the same volumes
    assert production_winner([a, b]) is b
    assert production_winner([b, a]) is b
    assert same_volumes(a, b)


def test_gas_well_is_ranked_by_gas_not_by_missing_oil():
    # GIVEN a gas well with no oil reported on either log
    low = _production("e1", "dev-z", oil=None, gas=300.0)
    high = _production("e2", "dev-a", oil=None, gas=420.0)
    # WHEN the winner is taken
    # THEN the higher gas volume wins, not the device id
    assert production_winner([low, high]) is high
    assert production_winner([high, low]) is high


def test_inspections_with_the_same_results_are_equivalent_whatever_the_notes_or_order():
    # GIVEN two inspections listing the same items in different order and notes
    first = inspection_results(
        True, [ChecklistResult("Belts", True, "fine"), ChecklistResult("Guard", True)]
    )
    second = inspection_results(
        True, [ChecklistResult("guard ", True), ChecklistResult("belts", True, "new belt")]
    )
    # WHEN the second arrives
    # THEN it is equivalent, in both directions
    assert inspection_verdict([first], second) is InspectionVerdict.EQUIVALENT
    assert inspection_verdict([second], first) is InspectionVerdict.EQUIVALENT


@pytest.mark.parametrize(
    ("passed", "guard_ok"), [(False, True), (True, False)], ids=["pass-fail", "item"]
)
def test_inspections_with_different_results_go_to_review_in_both_orders(passed, guard_ok):
    # GIVEN two inspections that disagree on pass/fail or on one item
    base = inspection_results(True, [ChecklistResult("guard", True)])
    other = inspection_results(passed, [ChecklistResult("guard", guard_ok)])
    # WHEN either arrives after the other
    # THEN review is needed both ways; the first of a day simply stands
    assert inspection_verdict([base], other) is InspectionVerdict.REVIEW
    assert inspection_verdict([other], base) is InspectionVerdict.REVIEW
    assert inspection_verdict([], base) is InspectionVerdict.FIRST


def test_notes_merge_in_written_order_whatever_the_arrival_order():
    # GIVEN notes from two devices, two of them at the same instant
    notes = [
        NoteClaim("n3", "dev-b", T0 + timedelta(minutes=1)),
        NoteClaim("n1", "dev-a", T0),
        NoteClaim("n2", "dev-b", T0),
    ]
    # WHEN merged from every arrival order
    orders = {
        tuple(n.event_id for n in merged_note_order(p)) for p in itertools.permutations(notes)
    }
    # THEN all are kept, by time, then device id
    assert orders == {("n1", "n2", "n3")}
