"""Queue on one SQLite file (WAL) for the local platform and the edge gateway.

All queues share one table with a `queue` column; a message is locked by moving
its `visible_at` into the future under a fresh lock token. Every read-modify-write
runs in `BEGIN IMMEDIATE`, so threads (one connection, a lock) and processes (SQLite
file locks, 30 s busy timeout) never lock the same message twice. Times are wall
clock (`time.time`), which every process on the machine shares.

A message is delivered at most `max_delivery_count` times; the receive after the
last moves it to the dead letters (reason `MaxDeliveryCountExceeded`). The default
size limit, 256 KiB, is the smallest cloud limit (Service Bus Standard), so what
works locally fits every cloud.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.core.common.errors import LockLostError, MessageTooLargeError, QueueError
from shared.core.ports.queue import (
    DEAD_LETTER_DESCRIPTION,
    DEAD_LETTER_REASON,
    MAX_DELIVERY_COUNT,
    MAX_DELIVERY_REASON,
    OutgoingMessage,
    ReceivedMessage,
    plain_size,
    validate_outgoing,
    validate_queue_name,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    dead INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL,
    body BLOB NOT NULL,
    properties TEXT NOT NULL,
    enqueued_at REAL NOT NULL,
    visible_at REAL NOT NULL,
    delivery_count INTEGER NOT NULL DEFAULT 0,
    lock_token TEXT,
    dead_letter_reason TEXT,
    dead_letter_description TEXT
);
CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, dead, visible_at, seq);
"""

_COLUMNS = "seq, message_id, body, properties, enqueued_at, delivery_count, lock_token, "
_COLUMNS += "dead_letter_reason, dead_letter_description"


class SqliteQueue:
    def __init__(
        self,
        path: Path,
        max_message_bytes: int = 262_144,
        max_delivery_count: int = MAX_DELIVERY_COUNT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._path = path
        self._max_bytes = max_message_bytes
        self._max_deliveries = max_delivery_count
        self._clock = clock
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()

    @property
    def max_message_bytes(self) -> int:
        return self._max_bytes

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            connection = self._connect()
            try:
                connection.execute("BEGIN IMMEDIATE")
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def _connect(self) -> sqlite3.Connection:
        if self._pid != os.getpid():  # forked: never share a connection across processes
            self._connection, self._pid = None, os.getpid()
        if self._connection is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self._path, timeout=30, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(SCHEMA)
            self._connection = connection
        return self._connection

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        validate_queue_name(queue)
        for message in messages:
            validate_outgoing(message)
            if plain_size(message) > self._max_bytes:
                raise MessageTooLargeError(queue, plain_size(message), self._max_bytes)
        now = self._clock()
        rows = [
            (queue, m.message_id, m.body, json.dumps(dict(m.properties)), now, now)
            for m in messages
        ]
        with self._translated(queue), self._transaction() as db:
            db.executemany(
                "INSERT INTO messages (queue, message_id, body, properties, enqueued_at,"
                " visible_at) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def receive(
        self, queue: str, max_messages: int, visibility_timeout_s: float, wait_s: float = 0
    ) -> list[ReceivedMessage]:
        deadline = time.monotonic() + wait_s
        pause = 0.02
        while True:
            with self._translated(queue), self._transaction() as db:
                self._expire_over_delivered(db, queue)
                found = self._lock_ready(db, queue, False, max_messages, visibility_timeout_s)
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
            pause = min(pause * 2, 0.25)

    def receive_dead_letters(
        self, queue: str, max_messages: int, visibility_timeout_s: float = 30
    ) -> list[ReceivedMessage]:
        with self._translated(queue), self._transaction() as db:
            return self._lock_ready(db, queue, True, max_messages, visibility_timeout_s)

    def peek_dead_letters(self, queue: str, max_messages: int) -> list[ReceivedMessage]:
        with self._translated(queue), self._transaction() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM messages WHERE queue = ? AND dead = 1"
                " ORDER BY seq LIMIT ?",
                (queue, max_messages),
            ).fetchall()
        return [replace(_view(row), receipt=None) for row in rows]

    def complete(self, queue: str, message: ReceivedMessage) -> None:
        self._settle(queue, message, "DELETE FROM messages", ())

    def abandon(self, queue: str, message: ReceivedMessage) -> None:
        update = "UPDATE messages SET visible_at = ?, lock_token = NULL"
        self._settle(queue, message, update, (self._clock(),))

    def dead_letter(
        self, queue: str, message: ReceivedMessage, reason: str, description: str
    ) -> None:
        update = (
            "UPDATE messages SET dead = 1, visible_at = ?, lock_token = NULL,"
            " dead_letter_reason = ?, dead_letter_description = ?"
        )
        self._settle(queue, message, update, (self._clock(), reason, description))

    def _settle(
        self, queue: str, message: ReceivedMessage, statement: str, params: tuple[object, ...]
    ) -> None:
        seq, token = _receipt(message)
        where = " WHERE seq = ? AND queue = ? AND lock_token = ? AND visible_at > ?"
        with self._translated(queue), self._transaction() as db:
            cursor = db.execute(statement + where, (*params, seq, queue, token, self._clock()))
        if cursor.rowcount != 1:
            raise LockLostError(f"message {message.message_id} is no longer locked on {queue}")

    def _expire_over_delivered(self, db: sqlite3.Connection, queue: str) -> None:
        db.execute(
            "UPDATE messages SET dead = 1, lock_token = NULL, dead_letter_reason = ?,"
            " dead_letter_description = 'delivered ' || delivery_count || ' times'"
            " WHERE queue = ? AND dead = 0 AND visible_at <= ? AND delivery_count >= ?",
            (MAX_DELIVERY_REASON, queue, self._clock(), self._max_deliveries),
        )

    def _lock_ready(
        self, db: sqlite3.Connection, queue: str, dead: bool, limit: int, lock_s: float
    ) -> list[ReceivedMessage]:
        now = self._clock()
        seqs = [
            row[0]
            for row in db.execute(
                "SELECT seq FROM messages WHERE queue = ? AND dead = ? AND visible_at <= ?"
                " ORDER BY seq LIMIT ?",
                (queue, int(dead), now, limit),
            )
        ]
        locked = []
        for seq in seqs:
            db.execute(
                "UPDATE messages SET delivery_count = delivery_count + 1, visible_at = ?,"
                " lock_token = ? WHERE seq = ?",
                (now + lock_s, uuid.uuid4().hex, seq),
            )
            row = db.execute(f"SELECT {_COLUMNS} FROM messages WHERE seq = ?", (seq,)).fetchone()
            locked.append(_view(row))
        return locked

    @contextmanager
    def _translated(self, queue: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise QueueError(f"SQLite queue {queue} failed: {type(exc).__name__}") from exc


def _view(row: Sequence[Any]) -> ReceivedMessage:
    seq, message_id, body, properties, enqueued_at, count, token, reason, description = row
    props: dict[str, str] = json.loads(str(properties))
    if reason is not None:
        props[DEAD_LETTER_REASON] = str(reason)
        props[DEAD_LETTER_DESCRIPTION] = str(description or "")
    return ReceivedMessage(
        body=bytes(body),
        message_id=str(message_id),
        properties=props,
        delivery_count=int(count),
        enqueued_at=datetime.fromtimestamp(float(enqueued_at), UTC),
        receipt=(seq, token),
    )


def _receipt(message: ReceivedMessage) -> tuple[int, str]:
    receipt = message.receipt
    if not (isinstance(receipt, tuple) and len(receipt) == 2):
        raise LockLostError(f"message {message.message_id} was not received from this queue")
    seq, token = receipt
    return int(seq), str(token)
