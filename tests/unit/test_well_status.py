"""The well lifecycle: every allowed change passes, illegal ones name the allowed ones."""

from __future__ import annotations

import pytest

from shared.core.common.errors import IllegalTransitionError
from shared.core.wells.model.lifecycle import WellStatus, allowed_transitions, ensure_transition

S = WellStatus

ALLOWED = [
    (S.PLANNED, S.PERMITTED),
    (S.PLANNED, S.CANCELLED),
    (S.PERMITTED, S.DRILLING),
    (S.PERMITTED, S.CANCELLED),
    (S.DRILLING, S.COMPLETED),
    (S.DRILLING, S.ABANDONED),
    (S.COMPLETED, S.PRODUCING),
    (S.COMPLETED, S.ABANDONED),
    (S.PRODUCING, S.SHUT_IN),
    (S.PRODUCING, S.ABANDONED),
    (S.SHUT_IN, S.PRODUCING),
    (S.SHUT_IN, S.ABANDONED),
    (S.ABANDONED, S.PLUGGED),
]


@pytest.mark.parametrize(("current", "requested"), ALLOWED)
def test_allowed_transitions_pass(current, requested):
    # GIVEN a well in `current` WHEN it moves to `requested` THEN no error
    ensure_transition(current, requested)


def test_every_other_transition_is_illegal():
    # GIVEN every pair of distinct statuses that is not an allowed change
    illegal = [
        (current, requested)
        for current in S
        for requested in S
        if current != requested and (current, requested) not in ALLOWED
    ]
    assert len(illegal) == 9 * 8 - len(ALLOWED)
    for current, requested in illegal:
        # WHEN the change is requested THEN it is refused with the allowed statuses
        with pytest.raises(IllegalTransitionError) as caught:
            ensure_transition(current, requested)
        assert caught.value.current == current.value
        assert caught.value.requested == requested.value
        assert caught.value.allowed == [s.value for s in allowed_transitions(current)]


@pytest.mark.parametrize(
    ("current", "requested", "allowed"),
    [
        (S.PLANNED, S.PRODUCING, ["PERMITTED", "CANCELLED"]),
        (S.PRODUCING, S.PLANNED, ["SHUT_IN", "ABANDONED"]),
        (S.SHUT_IN, S.DRILLING, ["PRODUCING", "ABANDONED"]),
        (S.PLUGGED, S.PRODUCING, []),
        (S.CANCELLED, S.PLANNED, []),
        (S.ABANDONED, S.PRODUCING, ["PLUGGED"]),
    ],
)
def test_illegal_transitions_name_the_allowed_ones(current, requested, allowed):
    with pytest.raises(IllegalTransitionError) as caught:
        ensure_transition(current, requested)
    assert caught.value.allowed == allowed
    assert requested.value in caught.value.detail


def test_final_statuses_say_so():
    with pytest.raises(IllegalTransitionError) as caught:
        ensure_transition(S.PLUGGED, S.ABANDONED)
    assert "final status" in caught.value.detail


@pytest.mark.parametrize("status", list(S))
def test_setting_the_same_status_is_a_no_op(status):
    # GIVEN a well in any status, even a final one
    # WHEN the same status is requested THEN nothing is refused
    ensure_transition(status, status)
