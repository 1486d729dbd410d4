"""The reference field client without a server: its store, its backoff, its retries
(httpx.MockTransport stands in for the API; no sockets)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from functions.cli.field import (
    Backoff,
    FieldClient,
    FieldStore,
    Profile,
    ServerRefusedError,
    UnreachableError,
)

WELL = "7d3f4a2e-1111-4111-8111-111111111111"
T = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> FieldStore:
    return FieldStore(tmp_path / "events.sqlite3", clock=lambda: T)


def test_events_get_ids_and_the_next_sequence_number_and_wait_pending(store):
    # GIVEN nothing recorded
    # WHEN three events are recorded offline
    first = store.record("NOTE_ADDED", WELL, {"text": "a"})
    second = store.record("WELL_READING_RECORDED", WELL, {"tag": "TP", "value": 1.0, "unit": "psi"})
    third = store.record("NOTE_ADDED", WELL, {"text": "c"}, occurred_at=T - timedelta(hours=1))
    # THEN each has its own id, the device's sequence, its time, and all wait for sync
    assert [e.device_seq for e in (first, second, third)] == [1, 2, 3]
    assert len({first.id, second.id, third.id}) == 3
    assert third.wire()["occurred_at"] == (T - timedelta(hours=1)).isoformat()
    assert [e.id for e in store.events("pending")] == [first.id, second.id, third.id]
    assert store.counts() == {"pending": 3}


def test_a_time_without_an_offset_is_refused(store):
    with pytest.raises(ValueError, match="offset"):
        store.record("NOTE_ADDED", WELL, {"text": "a"}, occurred_at=datetime(2025, 3, 4))


def test_outcomes_are_kept_per_event_and_conflicts_surface(store):
    # GIVEN three sent events
    events = [store.record("NOTE_ADDED", WELL, {"text": str(n)}) for n in range(3)]
    # WHEN the server answers applied, duplicate-of-conflict, rejected
    store.save_outcomes([
        {"id": events[0].id, "status": "applied"},
        {"id": events[1].id, "status": "duplicate", "first_status": "conflict",
         "rule": "highest_value", "conflict_id": "c-1", "reason": "kept as history"},
        {"id": events[2].id, "status": "rejected", "reason": "well_id: not assigned to you"},
    ])  # fmt: skip
    # THEN nothing is pending; a duplicate counts as what it was the first time
    assert store.counts() == {"applied": 1, "conflict": 1, "rejected": 1}
    assert [e.id for e in store.conflicts()] == [events[1].id]
    assert [e.outcome for e in store.conflicts(include_rejected=True)] == ["conflict", "rejected"]
    # AND a resend makes them pending again
    assert store.requeue() == 3
    assert store.counts() == {"pending": 3}


def test_a_payload_changes_only_before_the_first_send(store):
    # GIVEN a photo event waiting for its upload, and a sent one
    photo = store.record("PHOTO_ATTACHED", WELL, {"content_type": "image/jpeg"}, photo_path="/p")
    sent = store.record("NOTE_ADDED", WELL, {"text": "x"})
    store.save_outcomes([{"id": sent.id, "status": "applied"}])
    # WHEN their payloads are completed
    store.set_payload(photo.id, {**photo.payload, "blob_key": "tenants/a/k.jpg"})
    # THEN the pending one changes; the sent one may not
    assert store.get(photo.id).payload["blob_key"] == "tenants/a/k.jpg"
    with pytest.raises(ValueError, match="not pending"):
        store.set_payload(sent.id, {"text": "edited"})


def test_pulled_changes_and_the_cursor_move_together(store):
    change = {"entity": "note", "entity_id": "n-1", "action": "note.added", "well_id": WELL,
              "at": T.isoformat(), "by": "u-1", "data": {"text": "hi"}}  # fmt: skip
    assert store.cursor is None
    store.add_changes([change], "c1-cursor")
    assert store.cursor == "c1-cursor"
    [kept] = store.changes()
    assert (kept["entity_id"], kept["data"]) == ("n-1", {"text": "hi"})


def test_backoff_grows_exponentially_up_to_its_cap():
    delays = list(Backoff(attempts=6, base_s=0.5, factor=2, max_s=5, jitter=False).delays())
    assert delays == [0.5, 1.0, 2.0, 4.0, 5.0]
    jittered = list(Backoff(attempts=4, base_s=1, jitter=True).delays())
    assert all(0 <= d <= cap for d, cap in zip(jittered, [1, 2, 4], strict=True))


def _client(tmp_path: Path, store: FieldStore, handler, sleeps: list[float]) -> FieldClient:
    profile = Profile(tmp_path / "profile", api_url="http://wellos.test", tenant="acme")
    profile.save()
    profile.save_credentials("token-1", "refresh-1")
    backoff = Backoff(attempts=4, base_s=0.5, jitter=False)
    return FieldClient(profile, store, httpx.MockTransport(handler), backoff, sleeps.append)


def _applied(request: httpx.Request) -> httpx.Response:
    events = json.loads(request.content)["events"]
    results = [{"id": e["id"], "status": "applied"} for e in events]
    return httpx.Response(200, json={"results": results, "cursor": "c"})


def test_sync_retries_a_dropped_connection_and_a_503_with_backoff(tmp_path, store):
    # GIVEN a server that drops the first connection and is busy for the second
    answers = iter([httpx.ConnectError("refused"), httpx.Response(503), None])
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        assert request.headers["X-WellOS-Tenant"] == "acme"
        return answer or _applied(request)

    store.record("NOTE_ADDED", WELL, {"text": "a"})
    # WHEN the device syncs
    report = _client(tmp_path, store, handler, sleeps).sync()
    # THEN it got through on the third try, waiting longer each time
    assert (report.sent, report.counts) == (1, {"applied": 1})
    assert sleeps == [0.5, 1.0]
    assert store.counts() == {"applied": 1}


def test_an_unreachable_server_leaves_every_event_pending(tmp_path, store):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no signal")

    store.record("NOTE_ADDED", WELL, {"text": "a"})
    sleeps: list[float] = []
    with pytest.raises(UnreachableError):
        _client(tmp_path, store, handler, sleeps).sync()
    assert sleeps == [0.5, 1.0, 2.0]
    assert store.counts() == {"pending": 1}


def test_a_refusal_is_not_retried_and_names_the_field(tmp_path, store):
    problem = {"detail": "events: field required", "field": "events"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json=problem)

    store.record("NOTE_ADDED", WELL, {"text": "a"})
    sleeps: list[float] = []
    with pytest.raises(ServerRefusedError) as refused:
        _client(tmp_path, store, handler, sleeps).sync()
    assert (refused.value.status, refused.value.field, sleeps) == (422, "events", [])


def test_a_refusal_for_the_tenant_is_not_split_and_leaves_everything_pending(tmp_path, store):
    # GIVEN a server that answers 400 for the tenant (no field), whatever the batch
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"detail": "unknown tenant", "code": "unknown_tenant"})

    for n in range(4):
        store.record("NOTE_ADDED", WELL, {"text": str(n)})
    # WHEN it syncs THEN the refusal comes back once, and no event is given up
    requests = []
    with pytest.raises(ServerRefusedError):
        _client(tmp_path, store, lambda r: requests.append(r) or handler(r), []).sync()
    assert len(requests) == 1
    assert store.counts() == {"pending": 4}


def test_a_batch_refused_as_too_deep_is_split_down_to_the_event_at_fault(tmp_path, store):
    # GIVEN a server that refuses any body holding the poisoned note as too deep
    def handler(request: httpx.Request) -> httpx.Response:
        if b"poison" in request.content:
            problem = {"detail": "the JSON is nested deeper than 32 levels", "field": "body"}
            return httpx.Response(422, json=problem)
        return _applied(request)

    events = [store.record("NOTE_ADDED", WELL, {"text": f"note {n}"}) for n in range(7)]
    store.set_payload(events[4].id, {"text": "poison"})
    # WHEN it syncs
    report = _client(tmp_path, store, handler, []).sync()
    # THEN the six others applied and the poisoned one is kept as rejected, with why
    assert report.counts == {"applied": 6, "rejected": 1}
    assert store.get(events[4].id).status == "rejected"
    assert "nested deeper than 32" in (store.get(events[4].id).reason or "")
    assert store.counts() == {"applied": 6, "rejected": 1}


def test_a_nan_an_app_let_through_is_sent_for_the_server_to_judge(tmp_path, store):
    # GIVEN a reading of NaN in the store (httpx's own encoder refuses NaN outright)
    store.record("WELL_READING_RECORDED", WELL, {"tag": "TP", "value": float("nan"), "unit": "psi"})
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return _applied(request)

    # WHEN it syncs THEN the batch goes out, NaN and all
    _client(tmp_path, store, handler, []).sync()
    assert b'"value": NaN' in bodies[0]


def test_an_expired_token_is_refreshed_once(tmp_path, store):
    # GIVEN a server that takes only the refreshed token
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/auth/refresh":
            assert json.loads(request.content) == {"refresh_token": "refresh-1"}
            return httpx.Response(200, json={"access_token": "token-2", "refresh_token": "r-2"})
        if request.headers["Authorization"] != "Bearer token-2":
            return httpx.Response(401, json={"detail": "expired"})
        return _applied(request)

    store.record("NOTE_ADDED", WELL, {"text": "a"})
    client = _client(tmp_path, store, handler, [])
    # WHEN it syncs
    report = client.sync()
    # THEN the new tokens are kept and the batch went through
    assert report.counts == {"applied": 1}
    assert client.profile.credentials() == {"access_token": "token-2", "refresh_token": "r-2"}
