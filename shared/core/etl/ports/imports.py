"""Spreadsheet imports: their record, their per-row results, and the tenant-side store.

An import remembers, per row, what it did: `inserted` (undo removes the row),
`updated` with the values before and after (undo restores the before, if the
row still holds what the import wrote), `unchanged`, `duplicate` (a later row
of the file has the same key) or `rejected` with the field and reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol, Self

from shared.core.common.units_of_work import AuditEntry
from shared.core.etl.model.fields import Entity
from shared.core.registry.model.tenants import Tenant


class ImportStatus(StrEnum):
    PREVIEWED = "previewed"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNDONE = "undone"


class RowStatus(StrEnum):
    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass
class ImportCounts:
    processed: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    rejected: int = 0

    def count(self, status: RowStatus) -> None:
        self.processed += 1
        setattr(self, status.value, getattr(self, status.value) + 1)


@dataclass
class ImportRecord:
    id: str
    kind: Entity
    status: ImportStatus
    filename: str
    file_format: str
    size_bytes: int
    blob_prefix: str
    parts: int
    sha256: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    columns: list[str]
    suggested: dict[str, Any]
    mapping: dict[str, Any] | None = None
    counts: ImportCounts = field(default_factory=ImportCounts)
    error: str | None = None


@dataclass(frozen=True)
class RowResult:
    line: int
    status: RowStatus
    key: str | None = None
    field: str | None = None
    reason: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class ImportUnitOfWork(Protocol):
    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def add(self, record: ImportRecord) -> None: ...

    def get(self, import_id: str) -> ImportRecord | None: ...

    def update(self, record: ImportRecord) -> None: ...

    def recent(self, limit: int, offset: int) -> list[ImportRecord]: ...

    def find_by_sha256(self, sha256: str) -> list[ImportRecord]: ...

    def add_results(self, import_id: str, results: Sequence[RowResult]) -> None: ...

    def results(
        self, import_id: str, status: RowStatus | None, limit: int, offset: int
    ) -> list[RowResult]: ...

    def changes_before(self, import_id: str, line: int | None, limit: int) -> list[RowResult]:
        """Inserted and updated rows with a line below `line` (all if None), last line first."""
        ...

    def well_ids_by_api(self) -> dict[str, str]: ...

    def current(
        self, entity: Entity, rows: Sequence[Mapping[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        """The stored rows with the business keys of `rows` (typed or JSON), by `key_label`."""
        ...

    def write(self, entity: Entity, rows: Sequence[Mapping[str, Any]], actor: str) -> int: ...

    def remove(self, entity: Entity, row: Mapping[str, Any]) -> None:
        """Delete the row an import inserted (a referenced well is soft-deleted instead)."""
        ...

    def restore(self, entity: Entity, row: Mapping[str, Any]) -> None:
        """Put back a full row (JSON values) as it was before an import."""
        ...

    def audit(self, entry: AuditEntry) -> None: ...


class ImportStore(Protocol):
    def unit_of_work(self) -> ImportUnitOfWork: ...


class ImportStores(Protocol):
    def for_tenant(self, tenant: Tenant) -> ImportStore: ...
