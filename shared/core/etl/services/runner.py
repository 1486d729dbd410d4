"""One ETL run of one tenant: per entity, chunks in, rows and quarantine out.

For each entity (wells, then equipment, then production): rows with a null key
or cursor are quarantined first (keyset pagination cannot page over nulls, and
they must not vanish); then the source is read in keyset chunks from the
watermark minus the look-back window. Each chunk is one transaction on the
tenant's database: upserted rows, quarantined rows, the watermark (the chunk's
last cursor) and the run's counters commit together, so the watermark never
runs ahead of the data. A run that dies resumes at the last committed
watermark; re-read rows upsert to the same values (nothing doubled).

The work on a chunk overlaps its neighbours': while chunk N commits on a worker
thread (the database's index maintenance, WAL and commit wait), chunk N+1 is
mapped here and chunk N+2 is read from the source (`SourceSession.chunks` reads
one ahead). Commits stay one at a time and in order (N+1 is handed over only
after N committed), so at most one chunk is committing and one read ahead; a
failure anywhere waits for the commit in flight before it leaves, so the run
stops at a committed watermark.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from types import TracebackType
from typing import Any

from shared.core.common.clock import Clock
from shared.core.etl.model.config import EntityMapping, EtlSettings
from shared.core.etl.model.fields import BUSINESS_KEYS, LOAD_ORDER, Entity
from shared.core.etl.model.mapping import MappedChunk, RowMapper, key_text
from shared.core.etl.ports.runs import (
    EntityCounts,
    EtlStore,
    ExtractRequest,
    Lease,
    RunRecord,
    SourceSession,
)

log = logging.getLogger("wellos.etl")
NULL_ROWS_LIMIT = 10_000
ETL_ACTOR = "etl"


@dataclass(frozen=True)
class Progress:
    entity: Entity
    phase: str
    counts: EntityCounts
    total: int | None = None


ProgressCallback = Callable[[Progress], None]


def since_for(watermark: Any, look_back_minutes: int) -> Any:
    """Where an incremental read starts: the watermark minus the look-back window."""
    if watermark is None or not look_back_minutes:
        return watermark
    if isinstance(watermark, datetime):
        return watermark - timedelta(minutes=look_back_minutes)
    if isinstance(watermark, date):
        return watermark - timedelta(days=math.ceil(look_back_minutes / 1440))
    return watermark  # numeric cursors (row versions, ids) have no time to look back over


def newer(current: Any, candidate: Any) -> Any:
    """The later of two cursor values (a look-back re-read never moves the watermark back)."""
    if current is None:
        return candidate
    try:
        return candidate if candidate > current else current
    except TypeError:
        return candidate


class EtlRun:
    def __init__(
        self,
        session: SourceSession,
        store: EtlStore,
        run: RunRecord,
        lease: Lease,
        clock: Clock,
        on_progress: ProgressCallback | None = None,
        with_totals: bool = False,
    ) -> None:
        self._session = session
        self._store = store
        self._run = run
        self._lease = lease
        self._clock = clock
        self._on_progress = on_progress
        self._with_totals = with_totals

    def execute(self, settings: EtlSettings) -> RunRecord:
        for entity in LOAD_ORDER:
            mapping = settings.entities.get(entity)
            if mapping is not None:
                self._entity(entity, mapping)
        return self._run

    def _entity(self, entity: Entity, mapping: EntityMapping) -> None:
        counts = self._run.entities.setdefault(entity.value, EntityCounts())
        with self._store.unit_of_work() as uow:
            wells = uow.well_ids_by_api() if entity is not Entity.WELLS else {}
            mark = uow.watermark(entity) if mapping.cursor_column else None
        watermark = mark.value if mark else None
        request = extract_request(mapping, since_for(watermark, mapping.look_back_minutes))
        mapper = mapper_for(entity, mapping, wells, self._clock().date())
        total = self._session.count(request) if self._with_totals else None
        self._quarantine_nulls(entity, mapping, request, mapper, counts)
        cursor_at = request.columns.index(mapping.cursor_column) if mapping.cursor_column else None
        with CommitBehind(
            lambda: self._report(Progress(entity, "extract", counts, total))
        ) as behind:
            for rows in self._session.chunks(request):
                chunk = mapper.map_chunk(rows)
                if cursor_at is not None:
                    watermark = newer(watermark, rows[-1][cursor_at])
                behind.submit(self._commit, entity, mapping, chunk, len(rows), watermark, counts)
        if mapping.detect_deletions:
            self._detect_deletions(entity, mapping, counts)

    def _quarantine_nulls(
        self,
        entity: Entity,
        mapping: EntityMapping,
        request: ExtractRequest,
        mapper: RowMapper,
        counts: EntityCounts,
    ) -> None:
        rows = self._session.rows_with_nulls(request, NULL_ROWS_LIMIT)
        if not rows:
            return
        cursor = [mapping.cursor_column] if mapping.cursor_column else []
        checked = [*mapping.key_columns, *cursor]
        chunk = MappedChunk()
        for row in rows:
            column = next(c for c in checked if row[request.columns.index(c)] is None)
            role = "cursor" if column == mapping.cursor_column else "key"
            chunk.rejected.append(mapper.rejection(row, column, f"{role} column is null"))
        self._commit(entity, mapping, chunk, len(rows), None, counts)

    def _commit(
        self,
        entity: Entity,
        mapping: EntityMapping,
        chunk: MappedChunk,
        read: int,
        watermark: Any,
        counts: EntityCounts,
    ) -> None:
        before = (copy.copy(counts), copy.copy(self._run.totals))
        step = EntityCounts(read=read, duplicates=chunk.duplicates)
        try:
            with self._store.unit_of_work() as uow:
                if chunk.rows:
                    step.written = uow.load(entity, chunk.rows, ETL_ACTOR)
                if chunk.rejected:
                    step.quarantined = uow.quarantine(entity, chunk.rejected, self._run.id)
                if mapping.detect_deletions and chunk.rows:
                    uow.remember_keys(entity, business_pairs(entity, chunk), self._run.id)
                if watermark is not None:
                    uow.save_watermark(entity, watermark, self._run.id)
                counts.add(step)
                self._run.totals.add(step)
                uow.save_run(self._run)
                uow.commit()
        except BaseException:
            counts.__dict__.update(before[0].__dict__)
            self._run.totals.__dict__.update(before[1].__dict__)
            raise
        self._lease.renew()

    def _detect_deletions(
        self, entity: Entity, mapping: EntityMapping, counts: EntityCounts
    ) -> None:
        """Scan every source key; loaded keys the scan did not see are flagged, not deleted."""
        keys = tuple(mapping.key_columns)
        request = ExtractRequest(
            mapping.source_schema, mapping.source_table, keys, keys, not_null=keys,
            chunk_rows=max(mapping.chunk_rows, 10_000),
        )  # fmt: skip
        seen = 0
        for rows in self._session.chunks(request):
            with self._store.unit_of_work() as uow:
                uow.mark_seen(entity, [key_text(row) for row in rows], self._run.id)
                uow.commit()
            seen += len(rows)
            self._lease.renew()
        if not seen:  # an empty source is more likely a broken view than every row deleted
            log.warning("deletion detection of %s skipped: the source has no keys", entity)
            return
        with self._store.unit_of_work() as uow:
            deleted = uow.flag_unseen(entity, self._run.id)
            counts.deleted += deleted
            self._run.totals.deleted += deleted
            uow.save_run(self._run)
            uow.commit()
        self._report(Progress(entity, "deletions", counts))

    def _report(self, progress: Progress) -> None:
        if self._on_progress is not None:
            self._on_progress(progress)


class CommitBehind:
    """Chunk commits on one worker thread, one at a time and in order, while the caller
    maps the next chunk. `submit` first waits for the previous commit (raising its
    failure, else calling `after`); leaving the block waits for the last one, and on
    an error the commit in flight still finishes (or fails) before the error leaves."""

    def __init__(self, after: Callable[[], None]) -> None:
        self._after = after
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="etl-commit")
        self._pending: Future[None] | None = None

    def __enter__(self) -> CommitBehind:
        return self

    def submit(self, commit: Callable[..., None], *args: Any) -> None:
        self.settle()
        self._pending = self._pool.submit(commit, *args)

    def settle(self) -> None:
        """Wait for the commit in flight; raises its failure."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()
            self._after()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc is None:
                self.settle()
            elif self._pending is not None:
                failed = self._pending.exception()  # waits; the first error is the one raised
                self._pending = None
                if failed is not None:
                    log.warning("ETL chunk commit failed as well: %s", type(failed).__name__)
        finally:
            self._pool.shutdown(wait=True)


def extract_request(mapping: EntityMapping, since: Any) -> ExtractRequest:
    keys = tuple(mapping.key_columns)
    cursor = mapping.cursor_column
    order = (cursor, *[k for k in keys if k != cursor]) if cursor else keys
    return ExtractRequest(
        schema=mapping.source_schema,
        table=mapping.source_table,
        columns=tuple(mapping.source_columns()),
        order=order,
        cursor=cursor,
        since=since,
        not_null=keys,
        chunk_rows=mapping.chunk_rows,
    )


def mapper_for(
    entity: Entity, mapping: EntityMapping, wells: dict[str, str], today: date
) -> RowMapper:
    columns = mapping.source_columns()
    indexes = [columns.index(name) for name in mapping.key_columns]
    source_key = _key_getter(indexes)
    return RowMapper(
        entity,
        columns,
        mapping.column_mapping,
        mapping.transforms,
        source_key,
        wells,
        today,
        key_indexes=indexes,
    )


def _key_getter(indexes: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    if len(indexes) == 1:
        index = indexes[0]
        return lambda row: (row[index],)
    getter = itemgetter(*indexes)
    return lambda row: tuple(getter(row))


def business_pairs(entity: Entity, chunk: MappedChunk) -> list[tuple[str, str]]:
    """(source key, business key) per loaded row; a one-column business key stays raw."""
    names = BUSINESS_KEYS[entity]

    def target(row: dict[str, Any]) -> str:
        return str(row[names[0]]) if len(names) == 1 else key_text([row[n] for n in names])

    return [
        (key_text(source), target(row))
        for source, row in zip(chunk.source_keys, chunk.rows, strict=True)
    ]
