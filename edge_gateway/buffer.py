"""The durable store-and-forward buffer: one SQLite file in WAL mode.

Readings land in `readings` before anything else happens to them. The cutter moves
them into `batches` (the signed message body, its id and sequence) in one
transaction, so a crash never loses a reading nor re-batches it under a new id. A
batch is deleted only after the queue acknowledged it. Above `max_bytes` the oldest
batches (then the oldest readings) are evicted, and the eviction is counted.

Size is accounted logically (body bytes plus `ROW_BYTES` per unbatched reading);
the file itself may be a few percent larger (pages, WAL).

Each reading row keeps what the envelope versions need: the float `v` (version 1), the
OPC-UA variant type `vt` and, for values a float cannot carry (integers, booleans,
strings, enumerations), the raw value `x`; `h` marks readings backfilled from the
server's history. `marks` holds, per tag, the newest source timestamp made durable,
written in the same transaction as the readings, so a backfill after a restart starts
exactly where the buffer ends.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.core.scada.model.contract import Reading

ROW_BYTES = 48
BATCH_ROW_BYTES = 96

SCHEMA = """
CREATE TABLE IF NOT EXISTS readings (
    id INTEGER PRIMARY KEY, tag_id INTEGER NOT NULL, t INTEGER NOT NULL, st INTEGER,
    v REAL, q INTEGER NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY, position REAL NOT NULL, sequence INTEGER NOT NULL UNIQUE,
    batch_id TEXT NOT NULL UNIQUE, count INTEGER NOT NULL, historical INTEGER NOT NULL,
    created_at REAL NOT NULL, body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS batches_position ON batches (position);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS marks (tag_id INTEGER PRIMARY KEY, t INTEGER NOT NULL);
"""
NEW_COLUMNS = {"vt": "INTEGER", "x": "", "h": "INTEGER NOT NULL DEFAULT 0"}
"""Columns added after the first release (older buffer files get them on open)."""

Row = tuple[int, int, int | None, float | None, int, int | None, Any]
"""(tag_id, source µs, server µs or None, float value or None, status, variant type, raw)."""
StoredRow = tuple[int, int, int, int | None, float | None, int, int | None, Any, int]
"""(row id, *Row, historical 0/1) as `peek_pending` returns them."""
_INSERT = "INSERT INTO readings (tag_id, t, st, v, q, vt, x, received_at, h) VALUES (?,?,?,?,?,?,?,"
_MARK = (
    "INSERT INTO marks (tag_id, t) SELECT tag_id, max(t) FROM readings WHERE id > ?"
    " GROUP BY tag_id ON CONFLICT (tag_id) DO UPDATE SET t = max(t, excluded.t)"
)


@dataclass(frozen=True)
class NewBatch:
    batch_id: uuid.UUID
    sequence: int
    count: int
    historical: bool
    body: bytes


@dataclass(frozen=True)
class StoredBatch:
    row_id: int
    position: float
    batch_id: uuid.UUID
    sequence: int
    count: int
    historical: bool
    body: bytes


@dataclass
class BufferCounters:
    """Running totals since start, read by /metrics."""

    evicted_readings: int = 0
    evicted_batches: int = 0


@dataclass(frozen=True)
class Eviction:
    readings: int
    batches: int


class ReadingBuffer:
    """Thread-safe (one connection, one lock); call it through `asyncio.to_thread`."""

    def __init__(
        self,
        path: Path,
        max_bytes: int,
        synchronous: str = "FULL",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._clock = clock
        self._lock = threading.RLock()
        self._sending: set[int] = set()
        self.counters = BufferCounters()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'FULL' else 'NORMAL'}")
        self._db.executescript(SCHEMA)
        self._add_columns()
        self._pending, self._batched_readings, self._batch_count, self._batch_bytes = self._totals()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _add_columns(self) -> None:
        present = {row[1] for row in self._db.execute("PRAGMA table_info(readings)")}
        for name, kind in NEW_COLUMNS.items():
            if name not in present:
                self._db.execute(f"ALTER TABLE readings ADD COLUMN {name} {kind}")

    def _totals(self) -> tuple[int, int, int, int]:
        pending = self._db.execute("SELECT count(*) FROM readings").fetchone()[0]
        row = self._db.execute(
            "SELECT count(*), coalesce(sum(count), 0),"
            f" coalesce(sum(length(body)), 0) + count(*) * {BATCH_ROW_BYTES} FROM batches"
        ).fetchone()
        return int(pending), int(row[1]), int(row[0]), int(row[2])

    # --- sizes -------------------------------------------------------------

    @property
    def size_bytes(self) -> int:
        return self._pending * ROW_BYTES + self._batch_bytes

    @property
    def pending_readings(self) -> int:
        return self._pending

    @property
    def batch_count(self) -> int:
        return self._batch_count

    @property
    def batched_readings(self) -> int:
        return self._batched_readings

    # --- readings ----------------------------------------------------------

    def append(self, readings: Sequence[Reading], historical: bool = False) -> Eviction:
        """Store contract readings (floats) durably; see `append_rows`."""
        rows = [(r.tag_id, r.source_ts_us, r.server_ts_us, r.value, r.status, None, None)
                for r in readings]  # fmt: skip
        return self.append_rows(rows, () if not historical else None)

    def append_rows(self, live: Sequence[Row], history: Sequence[Row] | None = ()) -> Eviction:
        """Store live and backfilled rows durably (one transaction) and advance the
        per-tag marks with them; then evict if over the bound.

        `history=None` stores `live` as backfilled (a shorthand for tests and tools).
        """
        if history is None:
            live, history = (), live
        # received_at is one literal per call: no per-row tuple rebuilding
        now = repr(float(self._clock()))
        with self._transaction() as db:
            last = db.execute("SELECT coalesce(max(id), 0) FROM readings").fetchone()[0]
            if live:
                db.executemany(f"{_INSERT}{now},0)", live)
            if history:
                db.executemany(f"{_INSERT}{now},1)", history)
            db.execute(_MARK, (last,))
            self._pending += len(live) + len(history)
        return self.evict_over_limit()

    def marks(self) -> dict[int, int]:
        """Per tag, the newest source timestamp (µs) ever made durable here."""
        with self._lock:
            return dict(self._db.execute("SELECT tag_id, t FROM marks").fetchall())

    def oldest_pending_at(self) -> float | None:
        with self._lock:
            row = self._db.execute(
                "SELECT received_at FROM readings ORDER BY id LIMIT 1"
            ).fetchone()
        return None if row is None else float(row[0])

    def peek_pending(self, limit: int) -> list[StoredRow]:
        """The oldest unbatched rows; a run of live or of backfilled rows, never both."""
        with self._lock:
            rows: list[StoredRow] = self._db.execute(
                "SELECT id, tag_id, t, st, v, q, vt, x, h FROM readings ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
        if rows:
            flag = rows[0][8]
            for index, row in enumerate(rows):
                if row[8] != flag:
                    return rows[:index]
        return rows

    def next_sequence(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'next_sequence'").fetchone()
        return 0 if row is None else int(row[0])

    @contextmanager
    def cutting(self) -> Iterator[None]:
        """Hold off eviction between `peek_pending` and `commit_batch`."""
        with self._lock:
            yield

    def commit_batch(self, batch: NewBatch, last_reading_id: int) -> None:
        """Move readings up to `last_reading_id` into `batch`, atomically."""
        with self._transaction() as db:
            moved = db.execute("DELETE FROM readings WHERE id <= ?", (last_reading_id,)).rowcount
            self._insert_batch(db, batch, float(batch.sequence))
            self._pending -= moved

    def _insert_batch(self, db: sqlite3.Connection, batch: NewBatch, position: float) -> None:
        db.execute(
            "INSERT INTO batches (position, sequence, batch_id, count, historical, created_at,"
            " body) VALUES (?,?,?,?,?,?,?)",
            (
                position,
                batch.sequence,
                str(batch.batch_id),
                batch.count,
                int(batch.historical),
                self._clock(),
                batch.body,
            ),
        )
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('next_sequence', ?) ON CONFLICT (key)"
            " DO UPDATE SET value = max(value, excluded.value)",
            (batch.sequence + 1,),
        )
        self._batch_count += 1
        self._batched_readings += batch.count
        self._batch_bytes += len(batch.body) + BATCH_ROW_BYTES

    # --- batches -----------------------------------------------------------

    def unsent(self, limit: int) -> list[StoredBatch]:
        """The oldest batches, marked as being sent (eviction skips them)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, position, batch_id, sequence, count, historical, body FROM batches"
                " ORDER BY position LIMIT ?",
                (limit,),
            ).fetchall()
            batches = [
                StoredBatch(r[0], r[1], uuid.UUID(r[2]), r[3], r[4], bool(r[5]), bytes(r[6]))
                for r in rows
            ]
            self._sending = {b.row_id for b in batches}
        return batches

    def acknowledge(self, batches: Sequence[StoredBatch]) -> None:
        """Delete batches the queue accepted."""
        with self._transaction() as db:
            for batch in batches:
                if db.execute("DELETE FROM batches WHERE id = ?", (batch.row_id,)).rowcount:
                    self._forget(batch.count, len(batch.body))
            self._sending.clear()

    def release(self) -> None:
        with self._lock:
            self._sending.clear()

    def replace(self, old: StoredBatch, first: NewBatch, second: NewBatch) -> None:
        """Swap one batch for two (same readings, same place in the order)."""
        with self._transaction() as db:
            after = db.execute(
                "SELECT min(position) FROM batches WHERE position > ?", (old.position,)
            ).fetchone()[0]
            db.execute("DELETE FROM batches WHERE id = ?", (old.row_id,))
            self._forget(old.count, len(old.body))
            upper = old.position + 1.0 if after is None else float(after)
            self._insert_batch(db, first, old.position)
            self._insert_batch(db, second, (old.position + upper) / 2)
            self._sending.discard(old.row_id)

    def _forget(self, count: int, body_bytes: int) -> None:
        self._batch_count -= 1
        self._batched_readings -= count
        self._batch_bytes -= body_bytes + BATCH_ROW_BYTES

    # --- eviction ----------------------------------------------------------

    def evict_over_limit(self) -> Eviction:
        """Delete the oldest data until the buffer fits `max_bytes`; counted."""
        readings = batches = 0
        with self._lock:
            while self.size_bytes > self.max_bytes:
                evicted = self._evict_oldest_batch() or self._evict_oldest_readings()
                if evicted == (0, 0):
                    break
                readings += evicted[0]
                batches += evicted[1]
        self.counters.evicted_readings += readings
        self.counters.evicted_batches += batches
        return Eviction(readings, batches)

    def _evict_oldest_batch(self) -> tuple[int, int] | None:
        row = self._db.execute(
            "SELECT id, count, length(body) FROM batches ORDER BY position LIMIT 1 OFFSET ?",
            (len(self._sending),),
        ).fetchone()
        if row is None:
            return None
        self._db.execute("DELETE FROM batches WHERE id = ?", (row[0],))
        self._forget(int(row[1]), int(row[2]))
        return int(row[1]), 1

    def _evict_oldest_readings(self) -> tuple[int, int]:
        excess = (self.size_bytes - self.max_bytes) // ROW_BYTES + 1
        moved = self._db.execute(
            "DELETE FROM readings WHERE id IN (SELECT id FROM readings ORDER BY id LIMIT ?)",
            (excess,),
        ).rowcount
        self._pending -= moved
        return moved, 0
