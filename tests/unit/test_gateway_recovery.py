"""Reconnect backoff, local RTUs, gap bookkeeping and the names of refusals (no sockets)."""

import random

import pytest
from asyncua.ua.status_codes import StatusCodes

from edge_gateway.opc.diagnosis import cause_of_status, from_status
from edge_gateway.opc.gaps import GapTracker
from edge_gateway.opc.history import groups, windows
from edge_gateway.opc.recovery import JitteredBackoff, is_local
from shared.core.scada.model.gateway_config import TagConfig


def test_jittered_backoff_spreads_and_stays_under_its_cap():
    backoff = JitteredBackoff(0.5, 5.0, random.Random(3))
    delays = [backoff.next() for _ in range(40)]
    assert delays[0] == 0.5
    assert all(0.5 <= d <= 5.0 for d in delays)
    assert len({round(d, 6) for d in delays[5:]}) > 10, "jittered, not in lock step"
    backoff.reset()
    assert backoff.next() == 0.5


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("opc.tcp://192.168.1.20:4840", True), ("opc.tcp://10.0.0.5:4840/x", True),
        ("opc.tcp://127.0.0.1:4840", True), ("opc.tcp://plc-07:4840", True),
        ("opc.tcp://rtu.local:4840", True), ("opc.tcp://8.8.8.8:4840", False),
        ("opc.tcp://scada.example.com:4840", False),
    ],
)  # fmt: skip
def test_rtus_on_the_site_network_are_recognised(url, local):
    assert is_local(url) is local


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (StatusCodes.BadCertificateUntrusted, "certificate_rejected"),
        (StatusCodes.BadSecurityChecksFailed, "certificate_rejected"),
        (StatusCodes.BadSecurityPolicyRejected, "security_policy_rejected"),
        (StatusCodes.BadTooManySessions, "too_many_sessions"),
        (StatusCodes.BadMaxConnectionsReached, "too_many_sessions"),
        (StatusCodes.BadUserAccessDenied, "user_rejected"),
        (StatusCodes.BadInternalError, "server_error"),
    ],
)
def test_refusals_are_named(code, cause):
    assert cause_of_status(code) == cause
    assert from_status(code, "x").detail.startswith("Bad")


def _tag(tag_id: int) -> TagConfig:
    return TagConfig.model_validate(
        {"tag_id": tag_id, "node_id": f"ns=2;i={tag_id}", "tag_name": "t",
         "well_id": "00000000-0000-4000-8000-000000000001"}
    )  # fmt: skip


def test_a_gap_runs_from_the_last_value_sent_to_the_first_live_one():
    tracker = GapTracker([1, 2, 3])
    gap = tracker.open({1: 100, 2: 200}, "session")  # tag 3 was never seen
    assert gap.start == {1: 100, 2: 200} and tracker.tracking
    tracker.saw([(1, 150, None, 1.0, 0, 11, None), (1, 160, None, 1.0, 0, 11, None)])
    assert tracker.tracking
    tracker.saw([(2, 250, None, 1.0, 0, 11, None)])
    assert gap.first_live == {1: 150, 2: 250} and not tracker.tracking
    found = windows(gap, {1: _tag(1), 2: _tag(2)}, frozenset({1, 2}), 1_000, 10_000)
    assert [(w.tag.tag_id, w.after_us, w.before_us) for w in found] == [
        (1, 100, 150),
        (2, 200, 250),
    ]


def test_the_look_back_is_capped_and_unhistorized_tags_are_skipped():
    tracker = GapTracker([1, 2])
    gap = tracker.open({1: 0, 2: 0}, "session")
    found = windows(gap, {1: _tag(1), 2: _tag(2)}, frozenset({1}), 10_000_000, 2_000_000)
    assert [(w.tag.tag_id, w.after_us, w.before_us) for w in found] == [(1, 7_999_999, 10_000_000)]


def test_a_silent_tag_carries_its_gap_into_the_next_one():
    tracker = GapTracker([1, 2])
    first = tracker.open({1: 100, 2: 200}, "session")
    tracker.saw([(1, 150, None, 1.0, 0, 11, None)])
    second = tracker.open({1: 180, 2: 200}, "session")
    assert first.start == {1: 100} and second.start == {1: 180, 2: 200}
    assert tracker.gaps == [first, second]


def test_tags_with_close_gap_starts_share_a_history_read():
    tracker = GapTracker(range(1, 251))
    gap = tracker.open({tag: tag * 1000 for tag in range(1, 251)} | {250: 10**9}, "x")
    tags = {tag: _tag(tag) for tag in range(1, 251)}
    found = windows(gap, tags, frozenset(tags), 2 * 10**9, 10**12)
    assert [len(group) for group in groups(found)] == [20] * 12 + [9, 1]
