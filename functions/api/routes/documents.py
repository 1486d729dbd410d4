"""Documents attached to a well, lease, permit, AFE, work order or incident: ask for an
upload target (type, size and name checked), upload, complete (content checked and
virus-scanned), then list and download. A forbidden type is a 422 naming the field."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query, Request

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PlainText
from functions.api.schemas.operations import DocumentIn, DocumentOut, DocumentUploadOut

router = FeatureRouter(tags=["documents"], route_class=DeferredRoute)
BASE = "/api/v1/documents"


def _absolute(request: Request, url: str | None) -> str | None:
    if url is None or not url.startswith("/"):
        return url
    return str(request.base_url).rstrip("/") + url


@router.post(BASE, response_model=DocumentUploadOut, status_code=201)
def request_document_upload(
    body: DocumentIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.documents.request_upload(
        tenant, actor, body.owner_kind, str(body.owner_id), body.filename, body.content_type,
        body.size,
    )  # fmt: skip


@router.post(BASE + "/{document_id}/complete", response_model=DocumentOut)
def complete_document(
    document_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """After the upload: the content must match the type; then the virus scan."""
    return platform.operations.documents.complete(tenant, actor, str(document_id))


@router.get(BASE, response_model=list[DocumentOut])
def list_documents(
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    owner_kind: Annotated[PlainText, Query(max_length=16)],
    owner_id: uuid.UUID,
) -> list[dict[str, Any]]:
    found = platform.operations.documents.list(tenant, actor, owner_kind, str(owner_id))
    return [{**d, "download_url": _absolute(request, d.get("download_url"))} for d in found]


@router.get(BASE + "/{document_id}", response_model=DocumentOut)
def get_document(
    document_id: uuid.UUID,
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """With a short-lived download link unless it is quarantined."""
    found = platform.operations.documents.get(tenant, actor, str(document_id))
    return {**found, "download_url": _absolute(request, found.get("download_url"))}
