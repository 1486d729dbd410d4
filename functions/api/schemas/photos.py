"""Well photos on the wire: an upload request and its target, and the linked photos."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from functions.api.schemas.common import ApiModel, StrictInput
from functions.api.schemas.limits import SafeText


class PhotoUploadIn(StrictInput):
    content_type: SafeText = Field(
        max_length=100, description="image/jpeg, image/png or image/heic", examples=["image/jpeg"]
    )
    size: int = Field(description="Bytes the photo has (at most 15 MiB)", examples=[2_400_000])


class UploadTargetOut(ApiModel):
    method: str = Field(examples=["PUT"])
    url: str = Field(description="Send the bytes here: a SAS URL, an S3 presigned PUT, or this API")
    headers: dict[str, str] = Field(description="Send these headers with the bytes")
    expires_at: datetime | None


class PhotoUploadOut(ApiModel):
    photo_id: uuid.UUID
    blob_key: str = Field(description="Link it with a PHOTO_ATTACHED event's payload.blob_key")
    content_type: str
    max_bytes: int
    upload: UploadTargetOut


class PhotoOut(ApiModel):
    event_id: uuid.UUID
    blob_key: str
    content_type: str
    caption: str | None
    occurred_at: datetime
    device_id: str
    recorded_by: str
    url: str = Field(description="GET it to read the photo, within url_expires_s seconds")
    url_expires_s: int


class PhotosOut(ApiModel):
    items: list[PhotoOut]
