"""The in-memory twins of ETL's ports: the tenant-side stores and a source database.

`EtlData` is the ETL store of one tenant's `MemoryState`: runs, watermarks, the
quarantine (one row per entity and content, like the SQL upsert), the source
keys loaded and scanned for deletion detection, and the loaded rows by business
key (wells get an id; a flagged well is soft-deleted). `MemoryEtlStores` opens
units of work on it and holds each tenant's ETL lock; `MemoryImportStores` keeps
spreadsheet imports and their per-row results there, over the same rows.

`MemorySourceConnector` serves tables held in memory (rows as tuples, columns
described) at the URLs it is given, with the keyset pagination, the `since`
cursor and the null checks of the SQL source reader.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.adapters.memory.units_of_work import MemoryState, MemoryUnitOfWork
from shared.core.common.units_of_work import AuditEntry
from shared.core.etl.errors import SourceUnavailableError
from shared.core.etl.model.fields import BUSINESS_KEYS, Entity
from shared.core.etl.model.mapping import RejectedRow, jsonable, key_text
from shared.core.etl.ports.imports import (
    ImportRecord,
    ImportStatus,
    ImportUnitOfWork,
    RowResult,
    RowStatus,
)
from shared.core.etl.ports.runs import (
    EtlUnitOfWork,
    ExtractRequest,
    QuarantinedRow,
    RunRecord,
    RunStatus,
    SourceColumn,
    SourceInfo,
    SourceTable,
    Watermark,
)
from shared.core.registry.model.tenants import Tenant

ETL = "etl"


@dataclass
class SourceKey:
    target_key: str
    loaded_run_id: str
    deleted_at: datetime | None = None
    deleted_run_id: str | None = None


@dataclass
class EtlData:
    runs: dict[str, RunRecord] = field(default_factory=dict)
    watermarks: dict[Entity, Watermark] = field(default_factory=dict)
    quarantine: dict[tuple[str, str], QuarantinedRow] = field(default_factory=dict)
    source_keys: dict[tuple[str, str], SourceKey] = field(default_factory=dict)
    scanned: set[tuple[str, str, str]] = field(default_factory=set)
    """(run id, entity, source key) seen by a deletion scan."""
    loaded: dict[Entity, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """The rows loaded per entity, by business key (wells with their `id`)."""
    imports: dict[str, ImportRecord] = field(default_factory=dict)
    import_rows: dict[tuple[str, int], RowResult] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)


def _key(entity: Entity, row: Mapping[str, Any]) -> str:
    """The business key as text (`key_label`'s form: dates ISO)."""
    return "/".join(str(jsonable(row[name])) for name in BUSINESS_KEYS[entity])


def _load(data: EtlData, entity: Entity, rows: Sequence[Mapping[str, Any]], actor: str) -> int:
    """Upsert by business key; a well keeps its id (new ones get one)."""
    stored = data.loaded.setdefault(entity, {})
    for row in rows:
        key = _key(entity, row)
        before = stored.get(key, {})
        kept = {"id": before.get("id") or str(uuid.uuid4())} if entity is Entity.WELLS else {}
        stored[key] = {**before, **copy.deepcopy(dict(row)), **kept, "updated_by": actor}
    return len(rows)


def _well_ids_by_api(data: EtlData) -> dict[str, str]:
    return {
        str(row["api_number"]): str(row["id"])
        for row in data.loaded.get(Entity.WELLS, {}).values()
        if row.get("deleted_at") is None
    }


class MemoryEtlUnitOfWork(MemoryUnitOfWork):
    def __init__(self, state: MemoryState, clock: Callable[[], datetime]) -> None:
        super().__init__(state)
        self._clock = clock

    @property
    def _data(self) -> EtlData:
        return self.data(ETL, EtlData)

    def _wells(self) -> dict[str, dict[str, Any]]:
        return self._data.loaded.setdefault(Entity.WELLS, {})

    def well_ids_by_api(self) -> dict[str, str]:
        return _well_ids_by_api(self._data)

    def load(self, entity: Entity, rows: Sequence[Mapping[str, Any]], actor: str) -> int:
        return _load(self._data, entity, rows, actor)

    def quarantine(self, entity: Entity, rows: Sequence[RejectedRow], run_id: str) -> int:
        for rejected in rows:
            data = json.dumps(rejected.values, ensure_ascii=False, sort_keys=True, default=str)
            digest = hashlib.sha256(f"{entity.value}\x00{data}".encode()).hexdigest()
            self._data.quarantine[(entity.value, digest)] = QuarantinedRow(
                entity=entity.value,
                run_id=run_id,
                source_key=key_text(rejected.source_key)[:500],
                field=rejected.field[:200],
                reason=rejected.reason[:1000],
                row_data=json.loads(data),
                quarantined_at=self._clock(),
            )
        return len(rows)

    def quarantined(self, entity: Entity | None, limit: int, offset: int) -> list[QuarantinedRow]:
        rows = sorted(
            (row for (kind, _), row in self._data.quarantine.items() if entity in (None, kind)),
            key=lambda row: row.quarantined_at,
            reverse=True,
        )
        return rows[offset : offset + limit]

    def watermark(self, entity: Entity) -> Watermark | None:
        return self._data.watermarks.get(entity)

    def save_watermark(self, entity: Entity, value: Any, run_id: str) -> None:
        self._data.watermarks[entity] = Watermark(entity, value, self._clock())

    def save_run(self, run: RunRecord) -> None:
        self._data.runs[run.id] = copy.deepcopy(run)

    def runs(self, limit: int, offset: int) -> list[RunRecord]:
        ordered = sorted(self._data.runs.values(), key=lambda r: r.id)
        ordered.sort(key=lambda r: r.started_at, reverse=True)
        return [copy.deepcopy(r) for r in ordered[offset : offset + limit]]

    def abandon_running(self, at: datetime) -> int:
        running = [r for r in self._data.runs.values() if r.status is RunStatus.RUNNING]
        for run in running:
            run.status, run.finished_at = RunStatus.ABANDONED, at
        return len(running)

    def remember_keys(self, entity: Entity, keys: Sequence[tuple[str, str]], run_id: str) -> None:
        for source, target in keys:
            self._data.source_keys[(entity.value, source)] = SourceKey(target, run_id)

    def mark_seen(self, entity: Entity, source_keys: Sequence[str], run_id: str) -> None:
        self._data.scanned |= {(run_id, entity.value, key) for key in source_keys}

    def flag_unseen(self, entity: Entity, run_id: str) -> int:
        now = self._clock()
        flagged = [
            key
            for (kind, source), key in self._data.source_keys.items()
            if kind == entity.value
            and key.deleted_at is None
            and (run_id, kind, source) not in self._data.scanned
        ]
        for key in flagged:
            key.deleted_at, key.deleted_run_id = now, run_id
            well = self._wells().get(key.target_key) if entity is Entity.WELLS else None
            if well is not None and well.get("deleted_at") is None:
                well["deleted_at"] = now
        self._data.scanned = {s for s in self._data.scanned if s[1] != entity.value}
        return len(flagged)


@dataclass
class MemoryLease:
    held: bool

    def renew(self) -> None:
        """Nothing expires here."""


class MemoryEtlStore:
    def __init__(
        self, state: MemoryState, lock: threading.Lock, clock: Callable[[], datetime]
    ) -> None:
        self._state = state
        self._lock = lock
        self._clock = clock

    def unit_of_work(self) -> EtlUnitOfWork:
        return MemoryEtlUnitOfWork(self._state, self._clock)

    @contextmanager
    def exclusive(self, holder: str, ttl_s: float) -> Iterator[MemoryLease]:
        held = self._lock.acquire(blocking=False)
        try:
            yield MemoryLease(held)
        finally:
            if held:
                self._lock.release()


class MemoryEtlStores:
    """Each tenant's ETL store, on the states the tenant databases fake holds."""

    def __init__(
        self, state_of: Callable[[Tenant], MemoryState], clock: Callable[[], datetime]
    ) -> None:
        self._state_of = state_of
        self._clock = clock
        self._locks: dict[str, threading.Lock] = {}

    def for_tenant(self, tenant: Tenant) -> MemoryEtlStore:
        state = self._state_of(tenant)
        state.store(ETL, EtlData)
        lock = self._locks.setdefault(tenant.id, threading.Lock())
        return MemoryEtlStore(state, lock, self._clock)

    def loaded(self, tenant: Tenant, entity: Entity) -> dict[str, dict[str, Any]]:
        """The committed rows of `entity`, by business key (to inspect)."""
        state = self._state_of(tenant)
        state.store(ETL, EtlData)
        with MemoryEtlUnitOfWork(state, self._clock) as uow:
            return dict(uow.data(ETL, EtlData).loaded.get(entity, {}))


# --- spreadsheet imports ---------------------------------------------------------------


class MemoryImportUnitOfWork(MemoryUnitOfWork):
    """The import store over the same tenant tables as the ETL twin."""

    def __init__(self, state: MemoryState, clock: Callable[[], datetime]) -> None:
        super().__init__(state)
        self._clock = clock

    @property
    def _data(self) -> EtlData:
        return self.data(ETL, EtlData)

    def add(self, record: ImportRecord) -> None:
        self._data.imports[record.id] = copy.deepcopy(record)

    def get(self, import_id: str) -> ImportRecord | None:
        return copy.deepcopy(self._data.imports.get(import_id))

    def update(self, record: ImportRecord) -> None:
        if record.id in self._data.imports:
            self._data.imports[record.id] = copy.deepcopy(record)

    def recent(self, limit: int, offset: int) -> list[ImportRecord]:
        ordered = sorted(self._data.imports.values(), key=lambda r: r.id)
        ordered.sort(key=lambda r: r.created_at, reverse=True)
        return copy.deepcopy(ordered[offset : offset + limit])

    def find_by_sha256(self, sha256: str) -> list[ImportRecord]:
        found = [
            r
            for r in self._data.imports.values()
            if r.sha256 == sha256 and r.status is ImportStatus.SUCCEEDED
        ]
        return copy.deepcopy(sorted(found, key=lambda r: r.created_at))

    def add_results(self, import_id: str, results: Sequence[RowResult]) -> None:
        for result in results:
            self._data.import_rows[(import_id, result.line)] = copy.deepcopy(result)

    def _results(self, import_id: str) -> list[RowResult]:
        rows = [r for (owner, _), r in self._data.import_rows.items() if owner == import_id]
        return sorted(rows, key=lambda r: r.line)

    def results(
        self, import_id: str, status: RowStatus | None, limit: int, offset: int
    ) -> list[RowResult]:
        rows = [r for r in self._results(import_id) if status in (None, r.status)]
        return copy.deepcopy(rows[offset : offset + limit])

    def changes_before(self, import_id: str, line: int | None, limit: int) -> list[RowResult]:
        changes = (RowStatus.INSERTED, RowStatus.UPDATED)
        rows = [
            r
            for r in reversed(self._results(import_id))
            if r.status in changes and (line is None or r.line < line)
        ]
        return copy.deepcopy(rows[:limit])

    def well_ids_by_api(self) -> dict[str, str]:
        return _well_ids_by_api(self._data)

    def current(
        self, entity: Entity, rows: Sequence[Mapping[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        stored = self._data.loaded.get(entity, {})
        wanted = {_key(entity, row) for row in rows}
        return {key: copy.deepcopy(row) for key, row in stored.items() if key in wanted}

    def write(self, entity: Entity, rows: Sequence[Mapping[str, Any]], actor: str) -> int:
        return _load(self._data, entity, rows, actor)

    def remove(self, entity: Entity, row: Mapping[str, Any]) -> None:
        self._data.loaded.get(entity, {}).pop(_key(entity, row), None)

    def restore(self, entity: Entity, row: Mapping[str, Any]) -> None:
        self._data.loaded.setdefault(entity, {})[_key(entity, row)] = copy.deepcopy(dict(row))

    def audit(self, entry: AuditEntry) -> None:
        self._data.audit.append(entry)


class MemoryImportStore:
    def __init__(self, state: MemoryState, clock: Callable[[], datetime]) -> None:
        self._state = state
        self._clock = clock

    def unit_of_work(self) -> ImportUnitOfWork:
        return MemoryImportUnitOfWork(self._state, self._clock)


class MemoryImportStores:
    def __init__(
        self, state_of: Callable[[Tenant], MemoryState], clock: Callable[[], datetime]
    ) -> None:
        self._state_of = state_of
        self._clock = clock

    def for_tenant(self, tenant: Tenant) -> MemoryImportStore:
        state = self._state_of(tenant)
        state.store(ETL, EtlData)
        return MemoryImportStore(state, self._clock)


# --- the source database ---------------------------------------------------------------


@dataclass
class MemoryTable:
    columns: Mapping[str, SourceColumn]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    """Values in the order of `columns`."""


class MemorySourceSession:
    def __init__(
        self, tables: Mapping[tuple[str | None, str], MemoryTable], dialect: str = "postgresql"
    ) -> None:
        self._tables = tables
        self._dialect = dialect

    def info(self) -> SourceInfo:
        return SourceInfo(self._dialect, "memory", read_only=True)

    def describe(self, schema: str | None, table: str) -> SourceTable | None:
        found = self._tables.get((schema, table))
        return None if found is None else SourceTable(schema, table, found.columns)

    def _rows(self, request: ExtractRequest) -> list[dict[str, Any]]:
        table = self._tables[(request.schema, request.table)]
        names = list(table.columns)
        return [dict(zip(names, row, strict=True)) for row in table.rows]

    def _selected(self, request: ExtractRequest) -> list[tuple[Any, ...]]:
        cursor, since = request.cursor, request.since
        rows = [
            row
            for row in self._rows(request)
            if all(row[c] is not None for c in request.not_null)
            and (cursor is None or row[cursor] is not None)
            and (cursor is None or since is None or row[cursor] >= since)
        ]
        rows.sort(key=lambda row: tuple(row[c] for c in request.order))
        return [tuple(row[c] for c in request.columns) for row in rows]

    def chunks(self, request: ExtractRequest) -> Iterator[list[tuple[Any, ...]]]:
        rows = self._selected(request)
        for start in range(0, len(rows), request.chunk_rows):
            yield rows[start : start + request.chunk_rows]

    def rows_with_nulls(self, request: ExtractRequest, limit: int) -> list[tuple[Any, ...]]:
        checked = [*request.not_null, *([request.cursor] if request.cursor else [])]
        cursor, since = request.cursor, request.since
        rows = [
            tuple(row[c] for c in request.columns)
            for row in self._rows(request)
            if any(row[c] is None for c in checked)
            and (cursor is None or since is None or row[cursor] is None or row[cursor] >= since)
        ]
        return rows[:limit]

    def count(self, request: ExtractRequest) -> int:
        return len(self._selected(request))


class MemorySourceConnector:
    """Sources by URL; any other URL does not answer (SourceUnavailableError)."""

    def __init__(self, dialect: str = "postgresql") -> None:
        self.sources: dict[str, dict[tuple[str | None, str], MemoryTable]] = {}
        self.dialect = dialect

    def open(self, url: str) -> AbstractContextManager[MemorySourceSession]:
        tables = self.sources.get(url)
        if tables is None:
            raise SourceUnavailableError("connecting: the source database does not answer")
        return _opened(MemorySourceSession(tables, self.dialect))


@contextmanager
def _opened(session: MemorySourceSession) -> Iterator[MemorySourceSession]:
    yield session
