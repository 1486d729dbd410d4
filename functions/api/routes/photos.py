"""Well photos: an upload target for a new one, and read links for those linked."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.photos import PhotosOut, PhotoUploadIn, PhotoUploadOut

router = FeatureRouter(tags=["photos"], route_class=DeferredRoute)


@router.post("/api/v1/wells/{well_id}/photos", response_model=PhotoUploadOut, status_code=201)
def request_upload(
    well_id: uuid.UUID,
    body: PhotoUploadIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """Where to upload one photo (JPEG, PNG or HEIC, at most 15 MiB): send `upload.method`
    to `upload.url` with `upload.headers` and the bytes, before `upload.expires_at`. Then
    link it with a `PHOTO_ATTACHED` sync event whose `payload.blob_key` is `blob_key`;
    the link checks that the photo arrived and its size. The upload URL works once.
    Needs `field-data:write`."""
    made = platform.photos.request_upload(tenant, actor, str(well_id), body.content_type, body.size)
    target = made.target
    return {
        "photo_id": made.photo_id,
        "blob_key": made.blob_key,
        "content_type": made.content_type,
        "max_bytes": made.max_bytes,
        "upload": {
            "method": target.method,
            "url": target.url,
            "headers": dict(target.headers),
            "expires_at": target.expires_at,
        },
    }


@router.get("/api/v1/wells/{well_id}/photos", response_model=PhotosOut)
def list_photos(
    well_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Newest first")] = 100,
) -> dict[str, Any]:
    """The well's linked photos, newest first, each with a read URL valid for a few minutes."""
    photos = platform.photos.list(tenant, actor, str(well_id), limit)
    return {"items": [vars(photo) for photo in photos]}
