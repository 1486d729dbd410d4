"""Cutting buffered readings into signed batches: by count, age and encoded bytes.

The byte limit is measured on the real message (`envelope.encode_v1`/`encode_v2`): a
batch over it is shrunk in proportion and re-encoded until it fits. A batch holds either
live or backfilled readings (version 1 flags the whole batch `historical`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from edge_gateway.buffer import NewBatch, ReadingBuffer, Row, StoredBatch
from edge_gateway.envelope import EnvelopeHeader, decode_v2, encode_v1, encode_v2
from edge_gateway.ids import uuid7
from shared.core.scada.model.contract import parse_envelope, verify_and_decode
from shared.core.scada.model.gateway_config import BatchSettings

ENVELOPE_MARGIN = 4096
"""Bytes kept free for message id, properties and the transport's own headers."""


@dataclass(frozen=True)
class Identity:
    tenant_id: uuid.UUID
    gateway_id: uuid.UUID
    secret: bytes
    envelope_version: int = 2


@dataclass(frozen=True)
class BatchLimits:
    max_readings: int
    max_age_s: float
    max_bytes: int


def limits_for(settings: BatchSettings, body_budget: int) -> BatchLimits:
    """The config's limits; the byte limit defaults to (and never exceeds) the queue's."""
    max_bytes = min(settings.max_bytes or body_budget, body_budget)
    return BatchLimits(settings.max_readings, settings.max_age_s, max_bytes)


def encode(
    identity: Identity, batch_id: uuid.UUID, sequence: int, rows: Sequence[Row], hist: bool
) -> bytes:
    header = EnvelopeHeader(identity.tenant_id, identity.gateway_id, batch_id, sequence, hist)
    if identity.envelope_version == 2:
        return encode_v2(header, rows, [int(hist)] * len(rows), identity.secret)
    return encode_v1(header, rows, identity.secret)


def fit(
    identity: Identity, sequence: int, rows: Sequence[Row], hist: bool, max_bytes: int
) -> NewBatch:
    """The largest leading slice of `rows` whose message fits `max_bytes`."""
    count = len(rows)
    while True:
        batch_id = uuid7()
        body = encode(identity, batch_id, sequence, rows[:count], hist)
        if len(body) <= max_bytes:
            return NewBatch(batch_id, sequence, count, hist, body)
        if count == 1:
            raise ValueError(f"one reading encodes to {len(body)} bytes, over {max_bytes}")
        count = max(1, min(count - 1, int(count * max_bytes / len(body) * 0.95)))


def decode_rows(body: bytes, secret: bytes) -> list[Row]:
    """The rows of a stored batch (either version), to re-cut it."""
    if b'"v":2' in body[:200]:
        return [(tag, t, st, value if vt in (10, 11) and not isinstance(value, str) else None,
                 q, vt, None if vt in (10, 11) and not isinstance(value, str) else value)
                for tag, t, st, vt, value, q, _ in decode_v2(body, secret)]  # fmt: skip
    readings = verify_and_decode(parse_envelope(body), secret).readings
    return [(r.tag_id, r.source_ts_us, r.server_ts_us, r.value, r.status, None, None)
            for r in readings]  # fmt: skip


class BatchCutter:
    """Runs in a worker thread; only one cutter per buffer."""

    def __init__(
        self,
        buffer: ReadingBuffer,
        identity: Callable[[], Identity],
        limits: Callable[[], BatchLimits],
        historical: Callable[[], bool],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._buffer = buffer
        self._identity = identity
        self._limits = limits
        self._historical = historical
        self._clock = clock

    def cut_ready(self, force: bool = False) -> list[NewBatch]:
        """Cut every batch that is due (full or old enough); all of them if `force`."""
        cut: list[NewBatch] = []
        while self._due(force):
            batch = self._cut_one()
            if batch is None:
                break
            cut.append(batch)
        return cut

    def _due(self, force: bool) -> bool:
        pending = self._buffer.pending_readings
        if pending == 0:
            return False
        if force or pending >= self._limits().max_readings:
            return True
        oldest = self._buffer.oldest_pending_at()
        return oldest is not None and self._clock() - oldest >= self._limits().max_age_s

    def _cut_one(self) -> NewBatch | None:
        limits = self._limits()
        with self._buffer.cutting():
            stored = self._buffer.peek_pending(limits.max_readings)
            if not stored:
                return None
            sequence = self._buffer.next_sequence()
            rows = [row[1:8] for row in stored]
            historical = bool(stored[0][8]) or self._historical()
            batch = fit(self._identity(), sequence, rows, historical, limits.max_bytes)
            self._buffer.commit_batch(batch, stored[batch.count - 1][0])
        return batch

    def split(self, stored: StoredBatch) -> None:
        """Replace a batch the queue refused as too large by two halves (new ids)."""
        identity = self._identity()
        rows = decode_rows(stored.body, identity.secret)
        half = max(1, len(rows) // 2)
        with self._buffer.cutting():
            sequence = self._buffer.next_sequence()
            first, second = (
                self._new(identity, sequence + i, part, stored.historical)
                for i, part in enumerate((rows[:half], rows[half:]))
            )
            self._buffer.replace(stored, first, second)

    @staticmethod
    def _new(identity: Identity, sequence: int, part: Sequence[Row], hist: bool) -> NewBatch:
        batch_id = uuid7()
        body = encode(identity, batch_id, sequence, part, hist)
        return NewBatch(batch_id, sequence, len(part), hist, body)
