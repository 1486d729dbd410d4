"""Spreadsheet imports: upload and preview, confirm (queued), run, read, undo.

The file goes to the BlobStore in parts of `PART_BYTES` under
`tenants/{slug}/imports/{id}/`; the preview reads the first rows only, the
queued job streams every row (bounded memory whatever the file's size).
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, BinaryIO

from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError
from shared.core.etl.errors import ImportStateError
from shared.core.etl.model.config import ImportMapping
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.jobs import IMPORTS_QUEUE, ImportJob, import_message, parse_import_job
from shared.core.etl.model.mapping import RowMapper
from shared.core.etl.model.spreadsheets.limits import SheetLimits
from shared.core.etl.model.spreadsheets.reader import Sheet, open_sheet
from shared.core.etl.model.suggest import suggest
from shared.core.etl.ports.imports import (
    ImportRecord,
    ImportStatus,
    ImportStores,
    ImportUnitOfWork,
    RowResult,
    RowStatus,
)
from shared.core.etl.services.import_job import CHUNK_ROWS, UndoCounts, apply_chunk, undo_changes
from shared.core.etl.services.import_preview import ImportPreview, preview_rows
from shared.core.etl.services.import_rules import (
    check_import_mapping,
    import_audit_entry,
    must_exist,
    require_import_reader,
    require_import_writer,
)
from shared.core.ports.blobs import BlobStore
from shared.core.ports.queue import Queue
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterDatabase

PART_BYTES = 4 * 1024 * 1024
SPOOL_BYTES = 1024 * 1024
PREVIEW_SCAN = 200
SUGGEST_SAMPLE = 50


@dataclass(frozen=True)
class ImportDependencies:
    master: MasterDatabase
    stores: ImportStores
    blobs: BlobStore
    queue: Queue
    max_bytes: int
    limits: SheetLimits = field(default_factory=SheetLimits)


@dataclass(frozen=True)
class UndoReport:
    record: ImportRecord
    reverted: int
    skipped: int


@dataclass
class _Upload:
    parts: int = 0
    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)


class ImportService:
    def __init__(self, deps: ImportDependencies, clock: Clock = utc_now) -> None:
        self._d = deps
        self._clock = clock

    def upload(
        self, tenant: Tenant, actor: Actor, kind: Entity, filename: str, stream: BinaryIO
    ) -> ImportPreview:
        """Store the file, detect its columns, suggest a mapping and map the first rows."""
        require_import_writer(actor)
        import_id = str(uuid.uuid4())
        prefix = f"tenants/{tenant.slug}/imports/{import_id}"
        upload = self._store_parts(prefix, stream)
        stream.seek(0)
        store = self._d.stores.for_tenant(tenant)
        with store.unit_of_work() as uow:
            wells = uow.well_ids_by_api()
            earlier = [r for r in uow.find_by_sha256(upload.digest.hexdigest()) if r.kind == kind]
        with open_sheet(stream, filename, self._d.limits) as sheet:
            sample = list(islice(sheet.rows, PREVIEW_SCAN))
            suggestion = suggest(kind, sheet.headers, [r.values for r in sample[:SUGGEST_SAMPLE]])
            now = self._clock()
            record = ImportRecord(
                import_id, kind, ImportStatus.PREVIEWED, filename[:255], sheet.file_format,
                upload.size, prefix, upload.parts, upload.digest.hexdigest(), actor.email,
                now, now, sheet.headers,
                {"column_mapping": suggestion.column_mapping, "transforms": suggestion.transforms},
            )  # fmt: skip
        with store.unit_of_work() as uow:
            uow.add(record)
            uow.commit()
        rows, problems = preview_rows(record, sample, wells, now.date())
        return ImportPreview(record, suggestion, sample[:3], rows, problems, earlier)

    def _store_parts(self, prefix: str, stream: BinaryIO) -> _Upload:
        upload = _Upload()
        while chunk := stream.read(PART_BYTES):
            upload.size += len(chunk)
            if upload.size > self._d.max_bytes:
                raise InputError("file", f"is larger than {self._d.max_bytes} bytes")
            upload.digest.update(chunk)
            key = f"{prefix}/part-{upload.parts:05d}"
            self._d.blobs.put(key, chunk, "application/octet-stream")
            upload.parts += 1
        if not upload.size:
            raise InputError("file", "is empty")
        return upload

    def confirm(
        self, tenant: Tenant, actor: Actor, import_id: str, mapping: ImportMapping
    ) -> ImportRecord:
        """Fix the mapping and queue the import (queue `imports`)."""
        require_import_writer(actor)
        store = self._d.stores.for_tenant(tenant)
        with store.unit_of_work() as uow:
            record = must_exist(uow.get(import_id), import_id)
            if record.status is not ImportStatus.PREVIEWED:
                raise ImportStateError(f"import {import_id} is {record.status.value}")
            check_import_mapping(record, mapping)
            record.mapping = mapping.model_dump(mode="json")
            record.status, record.updated_at = ImportStatus.QUEUED, self._clock()
            uow.update(record)
            uow.commit()
        self._d.queue.send(IMPORTS_QUEUE, [import_message(ImportJob(tenant.id, import_id))])
        return record

    def get(self, tenant: Tenant, actor: Actor, import_id: str) -> ImportRecord:
        require_import_reader(actor)
        with self._d.stores.for_tenant(tenant).unit_of_work() as uow:
            return must_exist(uow.get(import_id), import_id)

    def results(
        self,
        tenant: Tenant,
        actor: Actor,
        import_id: str,
        status: RowStatus | None,
        limit: int,
        offset: int,
    ) -> list[RowResult]:
        require_import_reader(actor)
        with self._d.stores.for_tenant(tenant).unit_of_work() as uow:
            must_exist(uow.get(import_id), import_id)
            return uow.results(import_id, status, limit, offset)

    def handle_job(self, body: bytes) -> ImportRecord | None:
        job = parse_import_job(body)
        with self._d.master.unit_of_work() as uow:
            tenant = uow.tenants.get(job.tenant_id)
        if tenant is None or not tenant.is_serving:
            return None
        return self.run(tenant, job.import_id)

    def run(self, tenant: Tenant, import_id: str) -> ImportRecord:
        """The queued job: apply every row (a redelivered job resumes after the last chunk)."""
        store = self._d.stores.for_tenant(tenant)
        with store.unit_of_work() as uow:
            record = must_exist(uow.get(import_id), import_id)
            if record.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
                return record
            record.status = ImportStatus.RUNNING
            self._save(uow, record)
            wells = uow.well_ids_by_api()
        try:
            self._apply_all(tenant, record, wells)
        except InputError as exc:  # the file itself is broken: retrying cannot help
            record.status, record.error = ImportStatus.FAILED, exc.detail
            with store.unit_of_work() as uow:
                self._save(uow, record)
            return record
        except Exception as exc:  # stays running: the redelivered job resumes after the last chunk
            record.error = f"interrupted ({type(exc).__name__}); retrying"
            with store.unit_of_work() as uow:
                self._save(uow, record)
            raise
        record.status, record.error = ImportStatus.SUCCEEDED, None
        with store.unit_of_work() as uow:
            self._audit(uow, record, "import.completed", record.created_by)
            self._save(uow, record)
        return record

    def _apply_all(self, tenant: Tenant, record: ImportRecord, wells: dict[str, str]) -> None:
        mapping = ImportMapping.model_validate(record.mapping)
        store = self._d.stores.for_tenant(tenant)
        actor = f"import:{record.created_by}"[:320]
        if not record.counts.processed:
            self._check_size(record)
        with self._spooled(record) as stream, self._open(stream, record) as sheet:
            mapper = RowMapper(
                record.kind, sheet.headers, mapping.column_mapping, mapping.transforms,
                lambda row: (), wells, self._clock().date(),
            )  # fmt: skip
            rows = islice(sheet.rows, record.counts.processed, None)
            while lines := list(islice(rows, CHUNK_ROWS)):
                with store.unit_of_work() as uow:
                    results = apply_chunk(uow, record.kind, mapper, lines, actor, record.counts)
                    uow.add_results(record.id, results)
                    self._save(uow, record)

    def _check_size(self, record: ImportRecord) -> None:
        """Read the whole file once before the first row is written: a file past a limit
        fails the import with nothing applied (a parse, no database work)."""
        with self._spooled(record) as stream, self._open(stream, record) as sheet:
            for _ in sheet.rows:
                pass

    def _open(self, stream: BinaryIO, record: ImportRecord) -> AbstractContextManager[Sheet]:
        return open_sheet(stream, record.filename, self._d.limits)

    @contextmanager
    def _spooled(self, record: ImportRecord) -> Iterator[BinaryIO]:
        """The file's parts in one seekable temporary file (on disk past a few MB)."""
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            for part in range(record.parts):
                spool.write(self._d.blobs.get(f"{record.blob_prefix}/part-{part:05d}"))
            spool.seek(0)
            yield spool  # type: ignore[misc]

    def undo(self, tenant: Tenant, actor: Actor, import_id: str) -> UndoReport:
        """Revert what the import inserted or updated, last row first."""
        require_import_writer(actor)
        store = self._d.stores.for_tenant(tenant)
        with store.unit_of_work() as uow:
            record = must_exist(uow.get(import_id), import_id)
        if record.status not in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            raise ImportStateError(f"import {import_id} is {record.status.value}")
        counts, line = UndoCounts(), None
        while True:
            with store.unit_of_work() as uow:
                changes = uow.changes_before(import_id, line, CHUNK_ROWS)
                if not changes:
                    break
                undo_changes(uow, record.kind, changes, counts)
                uow.commit()
            line = changes[-1].line
        record.status = ImportStatus.UNDONE
        with store.unit_of_work() as uow:
            self._audit(uow, record, "import.undone", actor.email, vars(counts))
            self._save(uow, record)
        return UndoReport(record, counts.reverted, counts.skipped)

    def _save(self, uow: ImportUnitOfWork, record: ImportRecord) -> None:
        record.updated_at = self._clock()
        uow.update(record)
        uow.commit()

    def _audit(
        self,
        uow: ImportUnitOfWork,
        record: ImportRecord,
        action: str,
        email: str,
        extra: dict[str, int] | None = None,
    ) -> None:
        uow.audit(import_audit_entry(record, action, email, self._clock(), extra))
