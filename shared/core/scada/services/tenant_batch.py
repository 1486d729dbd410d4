"""One tenant's share of a drain: one transaction, decoding overlapped with the COPY.

1. Claim the batch ids (`ingested_batches`); ids claimed before, or twice in
   this drain, are duplicates and are not decoded at all.
2. A decoder thread turns the claimed batches into sorted column chunks while
   the database takes the previous chunk (json decoding holds the GIL, socket
   writes release it, so the two really overlap).
3. Batches naming a tag the cached mapping does not know wait until the COPY is
   done; then the mapping is reloaded once and they are written or rejected.
4. Claims of rejected batches are released; commit.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shared.core.registry.model.tenants import Tenant
from shared.core.scada.model.contract import BatchRejectedError, ReadingBatchEnvelope
from shared.core.scada.ports import BatchClaim, IngestUnitOfWork
from shared.core.scada.services.deliveries import Delivery
from shared.core.scada.services.tag_cache import TagIdCache

if TYPE_CHECKING:
    from shared.core.scada.model.columns import ReadingColumns

# The numpy columns are imported where a drain decodes, so that the API, which builds the
# same services, does not load numpy on a cold start.
CHUNK_ROWS = 100_000
FIRST_CHUNK_ROWS = 10_000
"""The first chunk goes out after about one batch, so the COPY starts while the rest decode."""
_END = object()


@dataclass
class Item:
    delivery: Delivery
    envelope: ReadingBatchEnvelope
    columns: ReadingColumns | None = None


@dataclass
class TenantResult:
    written: list[Item] = field(default_factory=list)
    duplicates: list[Item] = field(default_factory=list)
    rejected: list[tuple[Item, BatchRejectedError]] = field(default_factory=list)
    failed: list[Item] = field(default_factory=list)
    readings: int = 0


def write_tenant(
    tenant: Tenant,
    uow: IngestUnitOfWork,
    items: list[Item],
    tags: TagIdCache,
    claim_of: Callable[[ReadingBatchEnvelope], BatchClaim],
) -> TenantResult:
    result = TenantResult()
    fresh = _first_per_batch(items, result)
    claimed = uow.batches.claim([claim_of(item.envelope) for item in fresh])
    mine = [item for item in fresh if item.envelope.batch_id in claimed]
    result.duplicates += [item for item in fresh if item.envelope.batch_id not in claimed]
    decoder = _Decoder(mine, tags.known(tenant.id, uow.tags, set()))
    if mine:
        result.readings = uow.readings.write(decoder.chunks())
    result.written, result.rejected = decoder.accepted, decoder.rejected
    if decoder.deferred:
        _retry_deferred(tenant, uow, tags, decoder.deferred, result)
    uow.batches.release([item.envelope.batch_id for item, _ in result.rejected])
    uow.commit()
    return result


def _retry_deferred(
    tenant: Tenant,
    uow: IngestUnitOfWork,
    tags: TagIdCache,
    deferred: list[Item],
    result: TenantResult,
) -> None:
    """Reload the mapping once (a tag may be new); write what it knows, reject the rest."""
    from shared.core.scada.model.columns import ReadingColumns

    wanted = [_columns(item).tag_ids() for item in deferred]
    known = tags.known(tenant.id, uow.tags, set().union(*wanted))
    now_known = []
    for item, item_tags in zip(deferred, wanted, strict=True):
        unknown = sorted(item_tags - known)
        if unknown:
            shown = ", ".join(str(tag) for tag in unknown[:10])
            error = BatchRejectedError("unknown_tag", f"tag ids not mapped in this tenant: {shown}")
            result.rejected.append((item, error))
        else:
            now_known.append(item)
    if now_known:
        columns = ReadingColumns.concat([_columns(item) for item in now_known])
        result.readings += uow.readings.write([columns.sorted_by_tag_and_time()])
        result.written += now_known


def _columns(item: Item) -> ReadingColumns:
    assert item.columns is not None
    return item.columns


def _first_per_batch(items: list[Item], result: TenantResult) -> list[Item]:
    """The first message of each batch id; later copies in this drain are duplicates."""
    seen: set[object] = set()
    fresh = []
    for item in items:
        if item.envelope.batch_id in seen:
            result.duplicates.append(item)
        else:
            seen.add(item.envelope.batch_id)
            fresh.append(item)
    return fresh


class _Decoder:
    """Decodes items on a thread of its own into sorted chunks of about CHUNK_ROWS (the
    first of about FIRST_CHUNK_ROWS)."""

    def __init__(self, items: list[Item], known: frozenset[int]) -> None:
        self._items = items
        self._known = known
        self.accepted: list[Item] = []
        self.deferred: list[Item] = []
        self.rejected: list[tuple[Item, BatchRejectedError]] = []
        self._queue: queue.Queue[object] = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._error: BaseException | None = None

    def chunks(self) -> Iterator[ReadingColumns]:
        from shared.core.scada.model.columns import ReadingColumns

        thread = threading.Thread(target=self._run, name="wellos-ingest-decode", daemon=True)
        thread.start()
        try:
            while (chunk := self._queue.get()) is not _END:
                assert isinstance(chunk, ReadingColumns)
                yield chunk
        finally:
            self._stop.set()  # the consumer is gone (done or failed): let the thread end
            while thread.is_alive():
                self._drain_queue()
                thread.join(timeout=0.05)
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        from shared.core.scada.model.columns import ReadingColumns

        try:
            pending: list[ReadingColumns] = []
            size, limit = 0, FIRST_CHUNK_ROWS
            for item in self._items:
                columns = self._decode(item)
                if columns is not None:
                    pending.append(columns)
                    size += len(columns)
                if size >= limit:
                    self._put(ReadingColumns.concat(pending).sorted_by_tag_and_time())
                    pending, size, limit = [], 0, CHUNK_ROWS
            if pending:
                self._put(ReadingColumns.concat(pending).sorted_by_tag_and_time())
        except BaseException as exc:  # surfaces in the consumer, which rolls back
            self._error = exc
        finally:
            self._put(_END)

    def _decode(self, item: Item) -> ReadingColumns | None:
        from shared.core.scada.model.columns import decode_envelope_columns

        try:
            item.columns = decode_envelope_columns(item.envelope)
        except BatchRejectedError as rejected:
            self.rejected.append((item, rejected))
            return None
        if not item.columns.tag_ids() <= self._known:
            self.deferred.append(item)
            return None
        self.accepted.append(item)
        return item.columns

    def _put(self, chunk: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(chunk, timeout=0.05)
                return
            except queue.Full:
                continue

    def _drain_queue(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
