"""Well photos: where a device uploads one, and short-lived links to those linked.

A device asks for an upload target (`request_upload`), sends the bytes straight
to the blob store (an Azure SAS URL, an S3 presigned PUT, or the WellOS API for
the local store), then links the photo with a `PHOTO_ATTACHED` sync event,
which checks that the blob is there and within the size limit. An upload that
link refuses for its size or type is deleted after the sync (`SyncService`),
unless a photo links it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shared.core.common.access import ensure_well_visible, require
from shared.core.common.actor import Actor
from shared.core.common.errors import NotFoundError
from shared.core.common.roles import Permission
from shared.core.ports.blobs import BlobStore, UploadTarget
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.model.photos import MAX_PHOTO_BYTES, check_photo_upload, photo_key
from shared.core.wells.ports import PhotosDatabases, WellsUnitOfWork

UPLOAD_TTL_S = 900
READ_TTL_S = 300


@dataclass(frozen=True)
class PhotoUpload:
    photo_id: str
    blob_key: str
    content_type: str
    max_bytes: int
    target: UploadTarget


@dataclass(frozen=True)
class Photo:
    event_id: str
    blob_key: str
    content_type: str
    caption: str | None
    occurred_at: datetime
    device_id: str
    recorded_by: str
    url: str
    url_expires_s: int


class PhotoService:
    def __init__(self, databases: PhotosDatabases, blobs: BlobStore) -> None:
        self._databases = databases
        self._blobs = blobs

    def request_upload(
        self, tenant: Tenant, actor: Actor, well_id: str, content_type: str, size: int
    ) -> PhotoUpload:
        """An upload target for one photo of a well the actor may write to."""
        require(actor, Permission.FIELD_DATA_WRITE)
        check_photo_upload(content_type, size)
        with self._databases.unit_of_work(tenant) as uow:
            _must_see(uow, actor, well_id)
        photo_id = str(uuid.uuid4())
        key = photo_key(tenant.slug, well_id, photo_id)
        target = self._blobs.upload_url(key, content_type, max_bytes=size, expires_s=UPLOAD_TTL_S)
        return PhotoUpload(photo_id, key, content_type, min(size, MAX_PHOTO_BYTES), target)

    def list(self, tenant: Tenant, actor: Actor, well_id: str, limit: int = 100) -> list[Photo]:
        """The well's linked photos, newest first, each with a read URL for a few minutes."""
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            _must_see(uow, actor, well_id)
            rows = uow.field_records.photos_for(well_id, limit)
        return [
            Photo(
                event_id=row.event_id,
                blob_key=row.blob_key,
                content_type=row.content_type,
                caption=row.caption,
                occurred_at=row.occurred_at,
                device_id=row.device_id,
                recorded_by=row.recorded_by,
                url=self._blobs.download_url(row.blob_key, expires_s=READ_TTL_S),
                url_expires_s=READ_TTL_S,
            )
            for row in rows
        ]


def _must_see(uow: WellsUnitOfWork, actor: Actor, well_id: str) -> None:
    if uow.wells.get(well_id) is None:
        raise NotFoundError("well", well_id)
    ensure_well_visible(uow, actor, well_id)
