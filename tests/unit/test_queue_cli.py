"""`wellos queue dead-letters list|show|replay|purge` on the local SQLite queue."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from functions.cli.main import app
from shared.adapters.aws.sqs_queue import SqsQueue, create_queue_with_dead_letters
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.ports.queue import OutgoingMessage

runner = CliRunner()
QUEUE = "sync-jobs"


@pytest.fixture
def queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SqliteQueue:
    """The queue the CLI opens (WELLOS_STATE_DIR/queue.sqlite3), two dead letters on it."""
    monkeypatch.setenv("WELLOS_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("WELLOS_QUEUE_BACKEND", "local")
    monkeypatch.delenv("WELLOS_DATABASE_URL", raising=False)
    local = SqliteQueue(tmp_path / "queue.sqlite3")
    local.send(
        QUEUE,
        [
            OutgoingMessage(b'{"job": "j-1"}', "job-1", {"tenant": "acme"}),
            OutgoingMessage(b"\xff\x00binary", "job-2"),
        ],
    )
    for got in local.receive(QUEUE, 10, 30):
        local.dead_letter(QUEUE, got, "SyncFailed", f"{got.message_id}: device offline")
    return local


def wellos(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["queue", "dead-letters", *args])
    return result.exit_code, result.output


def test_list_shows_reason_and_deliveries(queue: SqliteQueue) -> None:
    code, out = wellos("list", "--queue", QUEUE, "--json")
    assert code == 0
    listed = json.loads(out)["dead_letters"]
    assert [(d["message_id"], d["reason"], d["delivery_count"]) for d in listed] == [
        ("job-1", "SyncFailed", 1),
        ("job-2", "SyncFailed", 1),
    ]
    code, out = wellos("list", "--queue", QUEUE, "--limit", "1")
    assert code == 0
    assert "job-1" in out and "job-2" not in out
    assert "raise --limit" in out


def test_show_prints_body_reason_and_delivery_count(queue: SqliteQueue) -> None:
    code, out = wellos("show", "--queue", QUEUE, "job-1")
    assert code == 0
    assert '{"job": "j-1"}' in out
    assert "job-1: device offline" in out
    assert "delivery_count: 1" in out
    code, out = wellos("show", "--queue", QUEUE, "job-2", "--json")
    assert json.loads(out)["body_base64"]  # binary bodies are shown as base64


def test_show_of_an_unknown_id_exits_2_naming_it(queue: SqliteQueue) -> None:
    code, out = wellos("show", "--queue", QUEUE, "job-9")
    assert code == 2
    assert "job-9" in out


def test_replay_puts_the_message_back_on_its_queue(queue: SqliteQueue) -> None:
    code, out = wellos("replay", "--queue", QUEUE, "--message-id", "job-1", "--json")
    assert code == 0
    assert json.loads(out) == {"queue": QUEUE, "replayed": ["job-1"], "missing": []}
    [back] = queue.receive(QUEUE, 10, 30)
    assert (back.message_id, back.body, dict(back.properties)) == (
        "job-1",
        b'{"job": "j-1"}',
        {"tenant": "acme"},
    )
    code, out = wellos("list", "--queue", QUEUE, "--json")
    assert [d["message_id"] for d in json.loads(out)["dead_letters"]] == ["job-2"]


def test_replay_of_a_missing_id_exits_2(queue: SqliteQueue) -> None:
    code, out = wellos("replay", "--queue", QUEUE, "--message-id", "nope")
    assert code == 2
    assert "nope" in out


def test_replay_needs_ids_or_all(queue: SqliteQueue) -> None:
    code, out = wellos("replay", "--queue", QUEUE)
    assert code == 2
    assert "--all" in out


def test_purge_asks_for_yes_and_then_deletes(queue: SqliteQueue) -> None:
    code, out = wellos("purge", "--queue", QUEUE, "--all")
    assert code == 2
    assert "--yes" in out
    assert len(json.loads(wellos("list", "--queue", QUEUE, "--json")[1])["dead_letters"]) == 2
    code, out = wellos("purge", "--queue", QUEUE, "--all", "--yes")
    assert code == 0
    assert "2 dead letters purged" in out
    assert json.loads(wellos("list", "--queue", QUEUE, "--json")[1])["dead_letters"] == []
    assert queue.receive(QUEUE, 10, 30) == []


def test_a_bad_queue_name_names_the_field(queue: SqliteQueue) -> None:
    code, out = wellos("list", "--queue", "Bad Name")
    assert code == 2
    assert "queue" in out


def test_replay_on_sqs_through_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_client: Any, moto_endpoint: str
) -> None:
    # GIVEN the SQS backend (moto server) with a dead letter on sync-jobs
    sqs = aws_client("sqs")
    name = "q" + uuid.uuid4().hex[:12]
    create_queue_with_dead_letters(sqs, name)
    adapter = SqsQueue(sqs)
    adapter.send(name, [OutgoingMessage(b"job", "job-1")])
    [got] = adapter.receive(name, 1, 30, wait_s=1)
    adapter.dead_letter(name, got, "SyncFailed", "device offline")
    for variable, value in {
        "WELLOS_STATE_DIR": str(tmp_path),
        "WELLOS_QUEUE_BACKEND": "aws",
        "WELLOS_AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(variable, value)
    # WHEN the operator lists and replays it
    code, out = wellos("list", "--queue", name, "--json")
    assert code == 0, out
    [listed] = json.loads(out)["dead_letters"]
    assert (listed["message_id"], listed["reason"]) == ("job-1", "SyncFailed")
    code, out = wellos("replay", "--queue", name, "--all", "--json")
    # THEN it is back on the queue and no longer a dead letter
    assert json.loads(out)["replayed"] == ["job-1"]
    [back] = adapter.receive(name, 1, 30, wait_s=1)
    assert (back.message_id, back.body) == ("job-1", b"job")
    assert adapter.peek_dead_letters(name, 10) == []
