"""Documents attached to a well, lease, permit, AFE, work order or incident.

1. `request_upload`: the declared type, size and file name are checked against
   the policy (rules/documents.json); the blob key is WellOS's own, under the
   tenant's prefix; the client gets a direct upload target.
2. `complete`: the stored blob's size and first bytes must match the declared
   type (a PNG named .pdf is refused, the blob deleted, the row gone: nothing
   half-written), then the `VirusScanner` port judges the bytes: clean →
   available, infected → quarantined (never served), no scanner → unscanned.
3. `list`/`get` give download links for available and unscanned documents only.

Writers attach documents; field operators only to their wells and to work orders
and incidents at their wells. Everyone who reads wells lists them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shared.core.common.access import audit, ensure_well_visible, require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import ConflictError, NotFoundError, PermissionDeniedError
from shared.core.common.roles import Permission, Role
from shared.core.operations.errors import DocumentRejectedError
from shared.core.operations.model.documents import (
    DocumentPolicy,
    DocumentStatus,
    check_upload_request,
    check_uploaded,
    default_document_policy,
    document_key,
    safe_filename,
    status_after_scan,
)
from shared.core.operations.ports import OperationsDatabases, OperationsUnitOfWork, VirusScanner
from shared.core.ports.blobs import BlobStore
from shared.core.registry.model.tenants import Tenant

WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.FIELD_OPERATOR})
FIELD_OWNERS = frozenset({"well", "work_order", "incident"})
PENDING = "pending"
SERVED = frozenset({DocumentStatus.AVAILABLE.value, DocumentStatus.UNSCANNED.value})
UPLOAD_TTL_S = 900
READ_TTL_S = 300


class DocumentService:
    def __init__(
        self,
        databases: OperationsDatabases,
        blobs: BlobStore,
        scanner: VirusScanner,
        clock: Clock = utc_now,
        policy: DocumentPolicy | None = None,
    ) -> None:
        self._databases = databases
        self._blobs = blobs
        self._scanner = scanner
        self._clock = clock
        self._policy = policy or default_document_policy()

    def request_upload(
        self,
        tenant: Tenant,
        actor: Actor,
        owner_kind: str,
        owner_id: str,
        filename: str,
        content_type: str,
        size: int,
    ) -> dict[str, Any]:
        if actor.role not in WRITERS:
            raise PermissionDeniedError(f"role {actor.role.value} may not attach documents")
        kind = check_upload_request(content_type, size, filename, self._policy)
        document_id = str(uuid.uuid4())
        key = document_key(tenant.slug, owner_kind, owner_id, document_id, kind, self._policy)
        now = self._clock()
        with self._databases.unit_of_work(tenant) as uow:
            self._owner(uow, actor, owner_kind, owner_id)
            row = {
                "id": document_id, "owner_kind": owner_kind, "owner_id": owner_id,
                "filename": safe_filename(filename), "content_type": kind.content_type,
                "size": size, "blob_key": key, "status": PENDING, "scan_engine": None,
                "scan_signature": None, "created_by": actor.email, "created_at": now,
                "updated_at": now,
            }  # fmt: skip
            uow.documents.add(row)
            uow.commit()
        target = self._blobs.upload_url(key, kind.content_type, size, UPLOAD_TTL_S)
        return {
            "document": self._public(row),
            "upload": {"method": target.method, "url": target.url, "headers": dict(target.headers)},
        }

    def complete(self, tenant: Tenant, actor: Actor, document_id: str) -> dict[str, Any]:
        """Check the uploaded bytes, scan them, and make the document available (or not)."""
        if actor.role not in WRITERS:
            raise PermissionDeniedError(f"role {actor.role.value} may not attach documents")
        with self._databases.unit_of_work(tenant) as uow:
            row = self._visible(uow, actor, document_id)
            if row["status"] != PENDING:
                raise ConflictError(f"document {document_id} is {row['status']} already")
            info = self._blobs.head(row["blob_key"])
            if info is None:
                raise ConflictError("upload the file first (nothing is stored yet)")
            data = self._blobs.get(row["blob_key"])
            try:
                check_uploaded(row["content_type"], len(data), data, self._policy)
            except DocumentRejectedError:
                self._blobs.delete(row["blob_key"])
                uow.documents.delete(document_id)
                uow.commit()
                raise
            result = self._scanner.scan(row["blob_key"], data)
            values = {
                "size": len(data),
                "status": status_after_scan(result).value,
                "scan_engine": result.engine[:64],
                "scan_signature": None if result.signature is None else result.signature[:200],
                "updated_at": self._clock(),
            }
            uow.documents.update(document_id, values)
            after = {**row, **values}
            well = self._well_of(uow, row["owner_kind"], row["owner_id"])
            audit(uow, self._clock, actor, "document.add", "document", document_id, None,
                  {**self._public(after), "well_id": well})  # fmt: skip
            uow.commit()
            return self._served(after)

    def list(
        self, tenant: Tenant, actor: Actor, owner_kind: str, owner_id: str
    ) -> list[dict[str, Any]]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            self._owner(uow, actor, owner_kind, owner_id)
            rows = uow.documents.of_owner(owner_kind, owner_id)
        return [self._served(row) for row in rows if row["status"] != PENDING]

    def get(self, tenant: Tenant, actor: Actor, document_id: str) -> dict[str, Any]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            row = self._visible(uow, actor, document_id)
        return self._served(row)

    # --- helpers -----------------------------------------------------------------------

    def _served(self, row: dict[str, Any]) -> dict[str, Any]:
        url = None
        if row["status"] in SERVED:
            url = self._blobs.download_url(row["blob_key"], READ_TTL_S)
        return {**self._public(row), "download_url": url}

    @staticmethod
    def _public(row: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in row.items() if k != "blob_key"}
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in shown.items()}

    def _visible(self, uow: OperationsUnitOfWork, actor: Actor, document_id: str) -> dict[str, Any]:
        row = uow.documents.get(document_id)
        if row is None:
            raise NotFoundError("document", document_id)
        try:
            self._owner(uow, actor, str(row["owner_kind"]), str(row["owner_id"]))
        except (NotFoundError, PermissionDeniedError):
            raise NotFoundError("document", document_id) from None
        return row

    def _owner(
        self, uow: OperationsUnitOfWork, actor: Actor, owner_kind: str, owner_id: str
    ) -> None:
        """The owner exists, and a field operator may see it."""
        if owner_kind not in self._policy.owners:
            raise DocumentRejectedError(
                "owner_kind", f"must be one of {', '.join(self._policy.owners)}"
            )
        try:
            uuid.UUID(owner_id)
        except ValueError:
            raise NotFoundError(owner_kind, owner_id) from None
        found: object
        if owner_kind == "well":
            found = uow.wells.get(owner_id)
        elif owner_kind == "lease":
            found = uow.leases.get(owner_id)
        elif owner_kind == "permit":
            found = uow.permits.get(owner_id)
        elif owner_kind == "afe":
            found = uow.afes.get(owner_id)
        elif owner_kind == "work_order":
            found = uow.work_orders.get(owner_id)
        else:
            found = uow.incidents.get(owner_id)
        if found is None:
            raise NotFoundError(owner_kind, owner_id)
        if actor.role is Role.FIELD_OPERATOR:
            well = self._well_of(uow, owner_kind, owner_id)
            if owner_kind not in FIELD_OWNERS or well is None:
                raise PermissionDeniedError("field operators attach documents to their wells")
            ensure_well_visible(uow, actor, well)

    @staticmethod
    def _well_of(uow: OperationsUnitOfWork, owner_kind: str, owner_id: str) -> str | None:
        if owner_kind == "well":
            return owner_id
        if owner_kind == "work_order":
            order = uow.work_orders.get(owner_id)
            return None if order is None else order[0].well_id
        if owner_kind == "incident":
            incident = uow.incidents.get(owner_id)
            return None if incident is None else incident[0].location.well_id
        return None
