"""Well photos: which files may be uploaded, and where a well's photos live in the blob store."""

from __future__ import annotations

import re

from shared.core.common.errors import InputError

PHOTO_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/heic"})
MAX_PHOTO_BYTES = 15 * 1024 * 1024
PHOTO_NAME = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jpg$")
"""The file name of a photo under its well's prefix: `{uuid}.jpg`."""


def photo_key_prefix(tenant_slug: str, well_id: str) -> str:
    """Where a well's photos live in the tenant's blob store."""
    return f"tenants/{tenant_slug}/wells/{well_id}/photos/"


def photo_key(tenant_slug: str, well_id: str, photo_id: str) -> str:
    return f"{photo_key_prefix(tenant_slug, well_id)}{photo_id}.jpg"


def check_photo_upload(content_type: str, size: int) -> None:
    """Raise InputError naming the field unless a photo of this type and size may be uploaded."""
    if content_type not in PHOTO_CONTENT_TYPES:
        allowed = ", ".join(sorted(PHOTO_CONTENT_TYPES))
        raise InputError("content_type", f"must be one of {allowed}")
    if size < 1 or size > MAX_PHOTO_BYTES:
        raise InputError("size", f"must be 1 to {MAX_PHOTO_BYTES} bytes (15 MiB)")
