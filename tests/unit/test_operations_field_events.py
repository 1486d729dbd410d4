"""Field events of operations: payload checks and conflict rules that ignore arrival order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.common.errors import InputError
from shared.core.operations.model.field_events import (
    RULE_BY_TYPE,
    WELL_TEST_LOGGED,
    WORK_ORDER_CLOSED,
    CloseClaim,
    CloseVerdict,
    ConflictRule,
    WellTestClaim,
    close_verdict,
    newest_tests,
    parse_well_test_logged,
    parse_work_order_closed,
    resolve_closes,
)

T = datetime(2025, 5, 20, 15, 0, tzinfo=UTC)
CST = timezone(timedelta(hours=-6))


def test_each_event_type_has_its_rule():
    assert RULE_BY_TYPE == {
        WORK_ORDER_CLOSED: ConflictRule.FIRST_STANDS,
        WELL_TEST_LOGGED: ConflictRule.NEWEST_WINS,
    }


def test_a_close_payload_is_parsed_and_a_bad_one_names_the_field():
    payload = parse_work_order_closed(
        {
            "work_order_id": "wo-1",
            "resolution": "swapped pump",
            "downtime_hours": "6.5",
            "parts_used": [{"part_number": "PUMP-2", "quantity": 1}],
        }
    )
    assert (payload.downtime_hours, payload.parts_used[0].quantity) == (Decimal("6.5"), 1)
    cases = [
        ({}, "payload.work_order_id"),
        ({"work_order_id": "wo", "downtime_hours": 1000}, "payload.downtime_hours"),
        (
            {"work_order_id": "wo", "parts_used": [{"part_number": "P", "quantity": 0}]},
            "payload.parts_used.0.quantity",
        ),
        ({"work_order_id": "wo", "colour": "red"}, "payload.colour"),
    ]
    for data, field in cases:
        with pytest.raises(InputError) as caught:
            parse_work_order_closed(data)
        assert caught.value.field == field


def test_a_well_test_payload_becomes_a_checked_test():
    data = {
        "start": "2025-05-20T06:00:00-06:00",
        "end": "2025-05-21T06:00:00-06:00",
        "oil_bbl_per_day": "42.5",
        "gas_mcf_per_day": 110,
        "water_bbl_per_day": 300,
    }
    test = parse_well_test_logged(data, "ev-1", "w-3", "tablet-9")
    assert (test.test_id, test.well_id, test.device_id, test.hours) == (
        "ev-1",
        "w-3",
        "tablet-9",
        Decimal("24.00"),
    )
    cases = [
        ({**data, "start": "2025-05-20T06:00:00"}, "payload.start"),
        ({**data, "end": data["start"]}, "payload.end"),
        ({**data, "oil_bbl_per_day": 500_000}, "payload.oil_bbl_per_day"),
        ({**data, "water_bbl_per_day": -1}, "payload.water_bbl_per_day"),
        ({**data, "gas_mcf_per_day": "NaN"}, "payload.gas_mcf_per_day"),
    ]
    for bad, field in cases:
        with pytest.raises(InputError) as caught:
            parse_well_test_logged(bad, "ev-1", "w-3", "tablet-9")
        assert caught.value.field == field


def _close(event, device, minutes, wo="wo-1"):
    return CloseClaim(event, device, T + timedelta(minutes=minutes), wo)


def test_the_first_close_stands_in_every_arrival_order_and_the_rest_is_history():
    claims = [_close("e3", "tab-b", 30), _close("e1", "tab-a", 10), _close("e2", "office", 10)]
    for order in itertools.permutations(claims):
        resolution = resolve_closes(order)
        # 10 min: office and tab-a tie on time; "office" < "tab-a"
        assert resolution.standing.event_id == "e2"
        assert [c.event_id for c in resolution.history] == ["e1", "e3"]


_claims = st.lists(
    st.builds(
        _close,
        st.uuids().map(str),
        st.sampled_from(["tab-a", "tab-b", "office"]),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda c: c.event_id,
)


@given(claims=_claims, seed=st.randoms())
def test_applying_closes_as_they_arrive_ends_where_resolving_them_all_does(claims, seed):
    arrivals = claims + claims[:2]  # redeliveries too
    seed.shuffle(arrivals)
    standing, history = None, []
    for claim in arrivals:
        verdict = close_verdict(False, standing, claim)
        if verdict is CloseVerdict.APPLY:
            standing = claim
        elif verdict is CloseVerdict.REPLACE:
            history.append(standing)
            standing = claim
        elif verdict is CloseVerdict.HISTORY and claim not in history:
            history.append(claim)
    resolution = resolve_closes(claims)
    assert standing == resolution.standing
    assert sorted(c.event_id for c in history) == sorted(c.event_id for c in resolution.history)


def test_a_close_of_a_cancelled_work_order_goes_to_review_and_a_repeat_is_a_duplicate():
    first = _close("e1", "tab-a", 0)
    assert close_verdict(True, None, first) is CloseVerdict.REVIEW
    assert close_verdict(False, first, first) is CloseVerdict.DUPLICATE
    with pytest.raises(ValueError):
        resolve_closes([first, _close("e2", "tab-a", 1, wo="wo-2")])


def _test(event, device, logged_min, start=T):
    return WellTestClaim(event, device, T + timedelta(minutes=logged_min), "w-1", start)


def test_the_newest_test_per_well_and_period_wins_ties_by_device():
    morning = T.astimezone(CST).replace(hour=6)
    tests = [
        _test("e1", "tab-a", 10, morning),
        _test("e2", "tab-b", 30, morning),  # logged later: wins the day
        _test("e3", "tab-a", 30, morning),  # same time, smaller device: loses to tab-b
        _test("e4", "tab-a", 5, morning + timedelta(days=1)),  # another period
    ]
    for order in itertools.permutations(tests):
        winners = newest_tests(order)
        assert {period[1].isoformat(): c.event_id for period, c in winners.items()} == {
            "2025-05-20": "e2",
            "2025-05-21": "e4",
        }


def test_the_period_is_the_start_date_where_the_device_was():
    # 23:30 in Texas on the 20th is already the 21st in UTC: the test belongs to the 20th
    late = datetime(2025, 5, 20, 23, 30, tzinfo=CST)
    assert _test("e", "d", 0, late).period == ("w-1", late.date())
    assert late.date().isoformat() == "2025-05-20"
