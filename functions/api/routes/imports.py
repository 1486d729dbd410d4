"""Spreadsheet imports: upload (preview), confirm (queued job), progress and results, undo.

Uploads: `multipart/form-data` with a `file` part, or the raw file as the body
(`Content-Type: text/csv` or the XLSX type) with `?filename=`. This route alone
accepts bodies up to `WELLOS_IMPORT_MAX_BYTES` (100 MB by default; every other
route keeps `WELLOS_MAX_BODY_BYTES`). The body is spooled to a temporary file
(1 MB in memory at most) and stored in parts; nothing reads it whole. A file past
a parsing bound (unpacked size, shared strings, columns, rows, cell length; see
shared/core/etl/model/spreadsheets/limits.py) is a 422 problem on `file` naming the bound.
"""

from __future__ import annotations

import tempfile
import uuid
from typing import Annotated, Any, BinaryIO

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PlainText
from functions.api.schemas.etl import (
    ImportDetailOut,
    ImportKind,
    ImportOut,
    ImportPreviewOut,
    UndoOut,
    import_out,
    import_preview_out,
    row_out,
)
from shared.core.common.errors import InputError
from shared.core.etl.model.config import ImportMapping
from shared.core.etl.model.fields import Entity
from shared.core.etl.ports.imports import RowStatus

router = FeatureRouter(tags=["imports"], route_class=DeferredRoute)
BASE = "/api/v1/imports"
SPOOL_BYTES = 1024 * 1024
UPLOAD_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        },
    }
}


async def _spooled_body(request: Request) -> BinaryIO:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    async for chunk in request.stream():
        await run_in_threadpool(spool.write, chunk)
    spool.seek(0)
    return spool  # type: ignore[return-value]


async def _upload(request: Request, filename: str | None) -> tuple[BinaryIO, str]:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise InputError("file", "send the spreadsheet in a multipart part named 'file'")
        return part.file, filename or part.filename or "upload"
    return await _spooled_body(request), filename or "upload"


@router.post(
    BASE,
    response_model=ImportPreviewOut,
    response_model_by_alias=True,
    status_code=201,
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def upload(
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    kind: Annotated[ImportKind, Query(description="What the sheet holds")] = "production",
    filename: Annotated[PlainText | None, Query(max_length=255)] = None,
) -> dict[str, Any]:
    """Store a CSV or XLSX file and answer a preview: the columns, a mapping suggested from the
    headers and their units (`Water m3` converts to bbl), the first rows mapped, and problems."""
    stream, name = await _upload(request, filename)
    try:
        preview = await run_in_threadpool(
            platform.imports.upload, tenant, actor, Entity(kind), name, stream
        )
    finally:
        stream.close()
    return import_preview_out(preview)


@router.post(BASE + "/{import_id}/confirm", response_model=ImportOut, status_code=202)
def confirm(
    import_id: uuid.UUID,
    body: ImportMapping,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """Fix the mapping (the suggestion, edited) and queue the import; poll GET for progress."""
    return import_out(platform.imports.confirm(tenant, actor, str(import_id), body))


@router.get(BASE + "/{import_id}", response_model=ImportDetailOut)
def get_import(
    import_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    rows: Annotated[RowStatus | None, Query(description="Only rows with this result")] = None,
) -> dict[str, Any]:
    """Status, progress and counts, and a page of per-row results (by line)."""
    record = platform.imports.get(tenant, actor, str(import_id))
    results = platform.imports.results(
        tenant, actor, str(import_id), rows, paging.limit, paging.offset
    )
    return {
        **import_out(record),
        "rows": [row_out(result) for result in results],
        "rows_limit": paging.limit,
        "rows_offset": paging.offset,
    }


@router.post(BASE + "/{import_id}/undo", response_model=UndoOut, response_model_by_alias=True)
def undo(
    import_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """Remove the rows the import inserted and restore those it updated (unless changed since)."""
    report = platform.imports.undo(tenant, actor, str(import_id))
    return {
        "import": import_out(report.record),
        "reverted": report.reverted,
        "skipped": report.skipped,
    }
