"""The device's event store: one SQLite file, written offline, read at sync time.

An event is recorded once, with a new UUID and the device's next sequence
number, and never changes after its first send (the server keys on its id and
fingerprints its content). Its `state` is `pending` until an answer comes back
(`sent`), or `job` while a big batch it was part of is applied on the server.
Pulled changes go to the `changes` table, with the cursor to pull from next.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    device_seq INTEGER NOT NULL UNIQUE,
    type TEXT NOT NULL,
    well_id TEXT NOT NULL,
    equipment_id TEXT,
    occurred_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    photo_path TEXT,
    recorded_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    job_id TEXT,
    status TEXT,
    first_status TEXT,
    conflict_id TEXT,
    rule TEXT,
    reason TEXT,
    synced_at TEXT
);
CREATE INDEX IF NOT EXISTS events_state ON events (state, device_seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    well_id TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    data TEXT,
    pulled_at TEXT NOT NULL
);
"""

PENDING, JOB, SENT = "pending", "job", "sent"


@dataclass(frozen=True)
class LocalEvent:
    id: str
    device_seq: int
    type: str
    well_id: str
    equipment_id: str | None
    occurred_at: str
    payload: dict[str, Any]
    photo_path: str | None
    state: str
    job_id: str | None = None
    status: str | None = None
    first_status: str | None = None
    conflict_id: str | None = None
    rule: str | None = None
    reason: str | None = None

    @property
    def outcome(self) -> str | None:
        """What happened to it: a duplicate's first status is what counts."""
        return self.first_status or self.status

    def wire(self) -> dict[str, Any]:
        """The event as POST /api/v1/sync takes it."""
        body: dict[str, Any] = {
            "id": self.id,
            "device_seq": self.device_seq,
            "type": self.type,
            "well_id": self.well_id,
            "occurred_at": self.occurred_at,
            "payload": self.payload,
        }
        if self.equipment_id:
            body["equipment_id"] = self.equipment_id
        return body


def _now() -> datetime:
    return datetime.now(UTC).astimezone()


class FieldStore:
    def __init__(self, path: Path, clock: Callable[[], datetime] = _now) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self.clock = clock

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def record(
        self,
        event_type: str,
        well_id: str,
        payload: Mapping[str, Any],
        occurred_at: datetime | None = None,
        equipment_id: str | None = None,
        photo_path: str | None = None,
    ) -> LocalEvent:
        """Keep one event offline; `occurred_at` defaults to the device's clock now."""
        moment = occurred_at or self.clock()
        if moment.tzinfo is None:
            raise ValueError("occurred_at needs a UTC offset")
        event_id = str(uuid.uuid4())
        with self._write() as db:
            seq = int(
                db.execute("SELECT COALESCE(MAX(device_seq), 0) + 1 FROM events").fetchone()[0]
            )
            db.execute(
                "INSERT INTO events (id, device_seq, type, well_id, equipment_id, occurred_at, "
                "payload, photo_path, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event_id,
                    seq,
                    event_type,
                    well_id,
                    equipment_id,
                    moment.isoformat(),
                    json.dumps(dict(payload)),
                    photo_path,
                    self.clock().isoformat(),
                ),
            )
        return self.get(event_id)

    def get(self, event_id: str) -> LocalEvent:
        row = self._db.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            raise KeyError(event_id)
        return _event(row)

    def events(self, state: str | None = None, limit: int | None = None) -> list[LocalEvent]:
        """Events in device order, all or in one state."""
        query = "SELECT * FROM events"
        args: list[Any] = []
        if state is not None:
            query += " WHERE state = ?"
            args.append(state)
        query += " ORDER BY device_seq"
        if limit is not None:
            query += " LIMIT ?"
            args.append(limit)
        return [_event(row) for row in self._db.execute(query, args)]

    def set_payload(self, event_id: str, payload: Mapping[str, Any]) -> None:
        """Complete a pending event (a photo's blob key, once uploaded); never after a send."""
        with self._write() as db:
            changed = db.execute(
                "UPDATE events SET payload = ? WHERE id = ? AND state = ?",
                (json.dumps(dict(payload)), event_id, PENDING),
            ).rowcount
        if changed != 1:
            raise ValueError(f"event {event_id} is not pending")

    def mark_job(self, event_ids: Sequence[str], job_id: str) -> None:
        with self._write() as db:
            db.executemany(
                "UPDATE events SET state = ?, job_id = ? WHERE id = ?",
                [(JOB, job_id, event_id) for event_id in event_ids],
            )

    def save_outcomes(self, outcomes: Sequence[Mapping[str, Any]]) -> int:
        """Store the server's answer for each event it names; returns how many matched."""
        at = self.clock().isoformat()
        rows = [
            (
                SENT,
                o["status"],
                o.get("first_status"),
                o.get("conflict_id"),
                o.get("rule"),
                o.get("reason"),
                at,
                o["id"],
            )
            for o in outcomes
            if o.get("id")
        ]
        with self._write() as db:
            before = db.total_changes
            db.executemany(
                "UPDATE events SET state = ?, status = ?, first_status = ?, conflict_id = ?, "
                "rule = ?, reason = ?, synced_at = ? WHERE id = ?",
                rows,
            )
            return db.total_changes - before

    def requeue(self, event_ids: Sequence[str] | None = None) -> int:
        """Make sent events pending again (a device restored from backup resends them)."""
        with self._write() as db:
            if event_ids is None:
                return db.execute(
                    "UPDATE events SET state = ?, job_id = NULL WHERE state != ?",
                    (PENDING, PENDING),
                ).rowcount
            db.executemany(
                "UPDATE events SET state = ?, job_id = NULL WHERE id = ?",
                [(PENDING, event_id) for event_id in event_ids],
            )
            return len(event_ids)

    def jobs(self) -> list[str]:
        """Ids of server jobs still applying events of this device."""
        rows = self._db.execute("SELECT DISTINCT job_id FROM events WHERE state = ?", (JOB,))
        return sorted(str(row[0]) for row in rows)

    def counts(self) -> dict[str, int]:
        """Pending and in-job events, and sent ones by outcome."""
        found: dict[str, int] = {}
        query = "SELECT state, COALESCE(first_status, status), COUNT(*) FROM events GROUP BY 1, 2"
        for state, outcome, count in self._db.execute(query):
            key = outcome if state == SENT else state
            found[key] = found.get(key, 0) + int(count)
        return found

    def conflicts(self, include_rejected: bool = False) -> list[LocalEvent]:
        """Sent events that met a conflict rule (and, if asked, those the server rejected)."""
        wanted = ["conflict", "rejected"] if include_rejected else ["conflict"]
        marks = ", ".join("?" for _ in wanted)
        query = (
            f"SELECT * FROM events WHERE state = ? AND COALESCE(first_status, status) IN ({marks})"
            " ORDER BY device_seq"
        )
        return [_event(row) for row in self._db.execute(query, [SENT, *wanted])]

    # --- pulled changes ---------------------------------------------------------------

    @property
    def cursor(self) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'cursor'").fetchone()
        return str(row[0]) if row else None

    def add_changes(self, changes: Sequence[Mapping[str, Any]], cursor: str) -> None:
        """Keep a page of changes and move the cursor past it, together."""
        at = self.clock().isoformat()
        rows = [
            (
                c["entity"],
                c["entity_id"],
                c["action"],
                c["well_id"],
                c["at"],
                c["by"],
                json.dumps(c.get("data")),
                at,
            )
            for c in changes
        ]
        with self._write() as db:
            db.executemany(
                "INSERT INTO changes (entity, entity_id, action, well_id, at, by, data, pulled_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('cursor', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (cursor,),
            )

    def changes(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest pulled changes, oldest of them first."""
        query = (
            "SELECT * FROM (SELECT * FROM changes ORDER BY position DESC LIMIT ?) ORDER BY position"
        )
        return [
            {**dict(row), "data": json.loads(row["data"]) if row["data"] else None}
            for row in self._db.execute(query, (limit,))
        ]


def _event(row: sqlite3.Row) -> LocalEvent:
    values = dict(row)
    values["payload"] = json.loads(values["payload"])
    for name in ("recorded_at", "synced_at"):
        values.pop(name, None)
    return LocalEvent(**values)
