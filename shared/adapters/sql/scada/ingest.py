"""The drain's units of work on tenant databases, with errors translated at the edge.

Any database failure inside a drain unit of work (connect, claim, COPY, commit)
leaves it as `IngestDatabaseError`, which the drain answers by abandoning that
tenant's messages.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError

from shared.adapters.sql.engines import TenantEngineCache
from shared.adapters.sql.scada.readings_copy import reading_writer_for
from shared.adapters.sql.scada.tables import ingested_batches, tag_mappings
from shared.adapters.sql.unit_of_work import leaves_connection_in_step
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.errors import IngestDatabaseError
from shared.core.scada.ports import BatchClaim, IngestedBatchLog, ReadingWriter, TagIds


class SqlTagIds:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def all_ids(self) -> frozenset[int]:
        return frozenset(int(i) for i in self._c.execute(sa.select(tag_mappings.c.id)).scalars())


def _claim_rows(claims: Sequence[BatchClaim]) -> list[dict[str, object]]:
    return [
        {
            "batch_id": str(claim.batch_id),
            "gateway_id": str(claim.gateway_id),
            "sequence": claim.sequence,
            "reading_count": claim.count,
            "ingested_at": claim.ingested_at,
        }
        for claim in claims
    ]


class SqlIngestedBatchLog:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def claim(self, claims: Sequence[BatchClaim]) -> set[uuid.UUID]:
        if not claims:
            return set()
        if self._c.dialect.name == "postgresql":
            return self._claim_on_conflict(claims)
        return self._claim_portable(claims)

    def _claim_on_conflict(self, claims: Sequence[BatchClaim]) -> set[uuid.UUID]:
        """ON CONFLICT waits for a concurrent claimer's commit, then skips its ids."""
        statement = (
            postgresql.insert(ingested_batches)
            .values(_claim_rows(claims))
            .on_conflict_do_nothing(index_elements=["batch_id"])
            .returning(ingested_batches.c.batch_id)
        )
        return {uuid.UUID(str(value)) for value in self._c.execute(statement).scalars()}

    def release(self, batch_ids: Collection[uuid.UUID]) -> None:
        if batch_ids:
            ids = sorted(str(batch_id) for batch_id in batch_ids)
            self._c.execute(ingested_batches.delete().where(ingested_batches.c.batch_id.in_(ids)))

    def _claim_portable(self, claims: Sequence[BatchClaim]) -> set[uuid.UUID]:
        """Check, then insert; a concurrent claimer makes the insert fail and the drain retry."""
        ids = [str(claim.batch_id) for claim in claims]
        known = self._c.execute(
            sa.select(ingested_batches.c.batch_id).where(ingested_batches.c.batch_id.in_(ids))
        ).scalars()
        seen = {uuid.UUID(str(value)) for value in known}
        fresh = [claim for claim in claims if claim.batch_id not in seen]
        if fresh:
            self._c.execute(ingested_batches.insert(), _claim_rows(fresh))
        return {claim.batch_id for claim in fresh}


class SqlIngestUnitOfWork:
    tags: TagIds
    batches: IngestedBatchLog
    readings: ReadingWriter

    def __init__(self, engines: TenantEngineCache, tenant: Tenant) -> None:
        self._engines = engines
        self._tenant = tenant
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        try:
            self._engine = self._engines.engine_for(self._tenant)
            self._connection = self._engine.connect()
            self._connection.begin()
        except SQLAlchemyError as exc:
            raise IngestDatabaseError(self._failure("connect", exc)) from exc
        self.tags = SqlTagIds(self._connection)
        self.batches = SqlIngestedBatchLog(self._connection)
        self.readings = reading_writer_for(self._connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            if exc is not None and not leaves_connection_in_step(exc):
                connection.invalidate()  # a COPY stream may have stopped mid-protocol
            try:
                connection.rollback()
                connection.close()
            except SQLAlchemyError:
                connection.invalidate()
        if exc is not None and self._is_database_error(exc):
            raise IngestDatabaseError(self._failure("write", exc)) from exc

    def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("unit of work is not open")
        try:
            self._connection.commit()
        except SQLAlchemyError as exc:
            raise IngestDatabaseError(self._failure("commit", exc)) from exc

    def _is_database_error(self, exc: BaseException) -> bool:
        if isinstance(exc, SQLAlchemyError):
            return True
        dbapi = self._engine.dialect.loaded_dbapi if self._engine is not None else None
        return dbapi is not None and isinstance(exc, dbapi.Error)

    def _failure(self, step: str, exc: BaseException) -> str:
        return f"tenant {self._tenant.slug}: {step} failed ({type(exc).__name__})"


class SqlIngestDatabases:
    def __init__(self, engines: TenantEngineCache) -> None:
        self._engines = engines

    def unit_of_work(self, tenant: Tenant) -> SqlIngestUnitOfWork:
        return SqlIngestUnitOfWork(self._engines, tenant)
