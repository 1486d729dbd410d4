"""Ports of ETL: the operator's source database (read-only) and the tenant-side store.

The source adapter reflects tables and reads them with bound values and
dialect-quoted names only; it never writes. The tenant-side store writes one
chunk per transaction: the rows, their quarantine, the watermark and the
run's counters commit together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol, Self

from shared.core.etl.model.fields import Entity
from shared.core.etl.model.mapping import RejectedRow
from shared.core.registry.model.tenants import Tenant


class ColumnKind(StrEnum):
    TEMPORAL = "temporal"
    DATE = "date"
    NUMERIC = "numeric"
    TEXT = "text"
    OTHER = "other"


@dataclass(frozen=True)
class SourceColumn:
    name: str
    kind: ColumnKind
    nullable: bool
    type_name: str


@dataclass(frozen=True)
class SourceTable:
    schema: str | None
    name: str
    columns: Mapping[str, SourceColumn]


@dataclass(frozen=True)
class ExtractRequest:
    """Read `columns` of a table ordered by `order` (cursor first, then keys), in chunks.

    `since`: only rows whose cursor >= since. `not_null`: rows with a null in any of
    these columns are left out (they come through `rows_with_nulls`).
    """

    schema: str | None
    table: str
    columns: tuple[str, ...]
    order: tuple[str, ...]
    cursor: str | None = None
    since: Any = None
    not_null: tuple[str, ...] = ()
    chunk_rows: int = 10_000


@dataclass(frozen=True)
class SourceInfo:
    dialect: str
    server_version: str
    read_only: bool


class SourceSession(Protocol):
    """One open read-only connection to a source database."""

    def info(self) -> SourceInfo: ...

    def describe(self, schema: str | None, table: str) -> SourceTable | None:
        """The reflected table, or None when there is no such table."""
        ...

    def chunks(self, request: ExtractRequest) -> Iterator[list[tuple[Any, ...]]]:
        """Keyset pagination on `order`; each chunk at most `chunk_rows` rows."""
        ...

    def rows_with_nulls(self, request: ExtractRequest, limit: int) -> list[tuple[Any, ...]]:
        """Rows with a null in `not_null` or in the cursor (since `since` where it applies)."""
        ...

    def count(self, request: ExtractRequest) -> int: ...


class SourceConnector(Protocol):
    def open(self, url: str) -> AbstractContextManager[SourceSession]:
        """Connect read-only; SourceUnavailableError if the source does not answer."""
        ...


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"


@dataclass
class EntityCounts:
    read: int = 0
    written: int = 0
    quarantined: int = 0
    duplicates: int = 0
    deleted: int = 0

    def add(self, other: EntityCounts) -> None:
        self.read += other.read
        self.written += other.written
        self.quarantined += other.quarantined
        self.duplicates += other.duplicates
        self.deleted += other.deleted


@dataclass
class RunRecord:
    id: str
    trigger: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None = None
    totals: EntityCounts = field(default_factory=EntityCounts)
    entities: dict[str, EntityCounts] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class QuarantinedRow:
    """A source row a transform or a rule refused, kept for the operator (once per content)."""

    entity: str
    run_id: str
    source_key: str
    field: str
    reason: str
    row_data: dict[str, Any]
    quarantined_at: datetime


@dataclass(frozen=True)
class Watermark:
    entity: Entity
    value: Any
    updated_at: datetime


class EtlUnitOfWork(Protocol):
    """One transaction on the tenant's database for ETL; rolls back unless committed."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def well_ids_by_api(self) -> dict[str, str]: ...

    def load(self, entity: Entity, rows: Sequence[Mapping[str, Any]], actor: str) -> int:
        """Upsert by business key; returns rows written."""
        ...

    def quarantine(self, entity: Entity, rows: Sequence[RejectedRow], run_id: str) -> int: ...

    def watermark(self, entity: Entity) -> Watermark | None: ...

    def save_watermark(self, entity: Entity, value: Any, run_id: str) -> None: ...

    def save_run(self, run: RunRecord) -> None: ...

    def runs(self, limit: int, offset: int) -> list[RunRecord]: ...

    def abandon_running(self, at: datetime) -> int:
        """Runs left `running` by a process that died: the lock holder calls this."""
        ...

    def quarantined(self, entity: Entity | None, limit: int, offset: int) -> list[QuarantinedRow]:
        """Newest first."""
        ...

    def remember_keys(self, entity: Entity, keys: Sequence[tuple[str, str]], run_id: str) -> None:
        """(source key, business key) pairs loaded, for deletion detection."""
        ...

    def mark_seen(self, entity: Entity, source_keys: Sequence[str], run_id: str) -> None: ...

    def flag_unseen(self, entity: Entity, run_id: str) -> int:
        """Keys not seen by run `run_id`'s scan: flagged (wells soft-deleted); returns count."""
        ...


class Lease(Protocol):
    """The tenant's ETL lock as held by one run."""

    @property
    def held(self) -> bool: ...

    def renew(self) -> None:
        """Push the expiry out (lease rows); a no-op for session locks."""
        ...


class EtlStore(Protocol):
    def unit_of_work(self) -> EtlUnitOfWork: ...

    def exclusive(self, holder: str, ttl_s: float) -> AbstractContextManager[Lease]:
        """Try the tenant's ETL lock for the block; `held` is False if another run has it."""
        ...


class EtlStores(Protocol):
    def for_tenant(self, tenant: Tenant) -> EtlStore: ...
