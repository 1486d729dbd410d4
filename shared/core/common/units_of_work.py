"""The tenant unit of work: one transaction on one tenant's database, and its audit log.

Rows cross this boundary as typed records (frozen dataclasses: `AuditEntry` in,
`AuditRecord` out here; each feature's model for its own rows); the adapters map
them to tables, the API's pydantic models shape them on the way out.

`UnitOfWork` names no feature's repository: each feature's `ports.py` extends it
with the repositories that feature uses (`WellsUnitOfWork`, `SyncUnitOfWork`,
`ScadaUnitOfWork`, ...), and the adapters' tenant unit of work satisfies them all.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from shared.core.common.change_feed import ChangeLog


@dataclass(frozen=True)
class AuditEntry:
    action: str
    entity: str
    entity_id: str
    actor_id: str
    actor_email: str
    at: datetime
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    request_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    """An audit log entry as stored: numbered in the order written, values JSON-like
    (dates and times as ISO strings)."""

    id: int
    at: datetime
    actor_id: str
    actor_email: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit view; None matches anything. `since` inclusive, `until` exclusive."""

    entity: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def list(self, entity: str | None, entity_id: str | None, limit: int) -> list[AuditRecord]:
        """The newest `limit` entries of the entity (None: any), newest first."""
        ...

    def search(self, query: AuditQuery, limit: int) -> builtins.list[AuditRecord]:
        """The newest `limit` entries matching `query`, newest first."""
        ...

    def count(self, query: AuditQuery) -> int: ...


class UnitOfWork(Protocol):
    """One transaction on one database; rolls back unless committed.

    Each feature's `ports.py` extends it with the repositories that feature uses
    (e.g. `WellsUnitOfWork`); adapters satisfy the views structurally.
    """

    audit: AuditLog
    changes: ChangeLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested transaction: if the block raises, only its writes roll back.

        A write the database refuses (constraint, value out of range) leaves the
        block as ConflictError.
        """
        ...
