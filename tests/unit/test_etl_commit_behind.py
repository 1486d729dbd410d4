"""CommitBehind: chunk commits on a worker, one at a time, in order, failures never lost."""

from __future__ import annotations

import threading

import pytest

from shared.core.etl.services.runner import CommitBehind


def test_commits_run_in_order_one_at_a_time_and_each_is_reported_once_done():
    # GIVEN commits that record when they start and end
    events: list[str] = []
    reported: list[int] = []
    with CommitBehind(lambda: reported.append(len(events))) as behind:
        for n in range(4):

            def commit(n: int = n) -> None:
                events.append(f"start {n}")
                events.append(f"end {n}")

            # WHEN each is handed over
            behind.submit(commit)
    # THEN none overlapped, the order held, and every commit was reported after it ended
    assert events == [f"{kind} {n}" for n in range(4) for kind in ("start", "end")]
    assert reported == [2, 4, 6, 8]


def test_a_failed_commit_is_raised_at_the_next_hand_over_and_nothing_after_it_commits():
    committed: list[int] = []

    def commit(n: int) -> None:
        if n == 1:
            raise RuntimeError("chunk 1 refused")
        committed.append(n)

    # WHEN chunk 1's commit fails
    with pytest.raises(RuntimeError, match="chunk 1 refused"):
        with CommitBehind(lambda: None) as behind:
            for n in range(4):
                behind.submit(commit, n)
    # THEN the failure leaves at chunk 2's hand-over: chunk 2 and later never commit
    assert committed == [0]


def test_an_error_in_the_caller_waits_for_the_commit_in_flight_and_keeps_its_own_error():
    # GIVEN a commit still running when the caller fails (reading the next chunk, say)
    started, release, done = threading.Event(), threading.Event(), []

    def commit() -> None:
        started.set()
        assert release.wait(10)
        done.append(True)

    with pytest.raises(ValueError, match="next chunk unreadable"):
        with CommitBehind(lambda: None) as behind:
            behind.submit(commit)
            assert started.wait(10)
            threading.Timer(0.2, release.set).start()
            raise ValueError("next chunk unreadable")
    # THEN leaving the block waited for that commit: it finished before the error left
    assert done == [True]


def test_a_commit_failing_while_the_caller_fails_too_does_not_hide_the_callers_error():
    def commit() -> None:
        raise RuntimeError("commit refused")

    with pytest.raises(ValueError, match="read failed"):
        with CommitBehind(lambda: None) as behind:
            behind.submit(commit)
            raise ValueError("read failed")
