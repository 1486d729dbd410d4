"""The API's own blob route, for the local blob stores whose links point here.

`PUT /api/v1/blobs/{key}?token=…` stores an upload; `GET` serves a download.
The token (HMAC, see shared/adapters/local/blob_tokens.py) binds method, key,
expiry and, for uploads, the content type, the maximum size and a nonce, which
this route enforces: 403 for a bad or expired token, 415 for another content
type, 413 past the size, 409 for an upload token used before or a key that holds
a blob already (a retry of the same bytes answers 201 again). Downloads are
served as data, never as a page: `nosniff` (every response has it), a CSP that
allows nothing, and `attachment` for anything but the photo types.
Cloud stores hand out their own URLs (SAS, presigned) and never these.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol

from fastapi import HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import PlatformDep
from functions.api.feature_router import FeatureRouter
from shared.adapters.local.blob_tokens import BlobGrant
from shared.core.ports.blobs import BlobInfo, BlobStore
from shared.core.wells.model.photos import PHOTO_CONTENT_TYPES

router = FeatureRouter(tags=["blobs"], route_class=DeferredRoute)
PREFIX = "/api/v1/blobs/"
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""The body limit of this route; each token's own limit is checked as the bytes come."""
SERVED_INLINE = PHOTO_CONTENT_TYPES
"""Types a browser may show in place; anything else is served as a download."""
DOWNLOAD_HEADERS = {
    "Cache-Control": "private, max-age=60",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}

Token = Annotated[str, Query(min_length=1, max_length=4000, description="From the link")]


class TokenStore(BlobStore, Protocol):
    def verify_token(self, key: str, token: str, method: str = "PUT") -> BlobGrant: ...

    def put_once(self, grant: BlobGrant, data: bytes, content_type: str) -> BlobInfo: ...


def _store(platform: Any) -> TokenStore:
    store = platform.served_blobs
    if store is None:
        raise HTTPException(404, "this server's blob store hands out its own links")
    return store  # type: ignore[no-any-return]


@router.put("/api/v1/blobs/{key:path}", status_code=201, include_in_schema=False)
async def upload(key: str, token: Token, request: Request, platform: PlatformDep) -> dict[str, Any]:
    store = _store(platform)
    grant = store.verify_token(key, token, "PUT")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if grant.content_type is not None and content_type != grant.content_type:
        raise HTTPException(415, f"this link takes {grant.content_type}, not {content_type!r}")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if grant.max_bytes is not None and len(data) > grant.max_bytes:
            raise HTTPException(413, f"this link takes at most {grant.max_bytes} bytes")
    info = await run_in_threadpool(store.put_once, grant, bytes(data), content_type)
    return {"key": info.key, "size": info.size, "etag": info.etag}


@router.get("/api/v1/blobs/{key:path}", include_in_schema=False)
async def download(key: str, token: Token, platform: PlatformDep) -> Response:
    store = _store(platform)
    store.verify_token(key, token, "GET")
    info = await run_in_threadpool(store.head, key)
    data = await run_in_threadpool(store.get, key)
    media_type = (info.content_type if info else None) or "application/octet-stream"
    headers = dict(DOWNLOAD_HEADERS)
    if media_type not in SERVED_INLINE:
        headers["Content-Disposition"] = "attachment"
    return Response(data, media_type=media_type, headers=headers)
