"""Permits (drilling, injection, disposal, flaring, air): agency, number, status,
conditions, expiry; the reminders due ahead of expiry for the compliance calendar.

Everyone who reads wells reads permits; admins and managers write them.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter

from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.schemas.common import Day, PageOut
from functions.api.schemas.operations import (
    ConditionMetIn,
    PermitApproveIn,
    PermitIn,
    PermitOut,
    PermitReminderOut,
    PermitStatusIn,
)
from shared.core.operations.model.permits import Condition
from shared.core.operations.services.permits import NewPermitInput

router = APIRouter(tags=["permits"])
BASE = "/api/v1/permits"
ITEM = BASE + "/{permit_id}"


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


@router.get(BASE, response_model=PageOut[PermitOut])
def list_permits(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    well_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    items, total = platform.operations.permits.list(
        tenant, actor, _text(well_id), paging.limit, paging.offset
    )
    following = paging.offset + paging.limit
    return {
        "items": items,
        "total": total,
        "limit": paging.limit,
        "offset": paging.offset,
        "next_offset": following if following < total else None,
    }


@router.get(BASE + "/reminders", response_model=list[PermitReminderOut])
def permit_reminders(
    platform: PlatformDep, tenant: TenantDep, actor: ActorDep, today: Day | None = None
) -> list[dict[str, Any]]:
    """Expiring and expired permits and conditions due, as of `today` (default: now)."""
    when: date | None = today
    return [*platform.operations.permits.reminders(tenant, actor, when)]


@router.post(BASE, response_model=PermitOut, status_code=201)
def create_permit(
    body: PermitIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    new = NewPermitInput(
        body.permit_type, body.agency, _text(body.well_id), _text(body.facility_id),
        [Condition(c.text, c.due_on) for c in body.conditions], _text(body.renewal_of),
    )  # fmt: skip
    return platform.operations.permits.create(tenant, actor, new)


@router.get(ITEM, response_model=PermitOut)
def get_permit(
    permit_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.permits.get(tenant, actor, str(permit_id))


@router.post(ITEM + "/status", response_model=PermitOut)
def change_permit_status(
    permit_id: uuid.UUID,
    body: PermitStatusIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return platform.operations.permits.move(tenant, actor, str(permit_id), body.status)


@router.post(ITEM + "/approve", response_model=PermitOut)
def approve_permit(
    permit_id: uuid.UUID,
    body: PermitApproveIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return platform.operations.permits.approve(
        tenant, actor, str(permit_id), body.number, body.issued_on, body.expires_on
    )


@router.post(ITEM + "/conditions-met", response_model=PermitOut)
def meet_permit_condition(
    permit_id: uuid.UUID,
    body: ConditionMetIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return platform.operations.permits.meet_condition(tenant, actor, str(permit_id), body.index)
