"""Permits (drilling, injection, disposal, flaring, air): agency, number, status,
conditions, expiry; the reminders due ahead of expiry for the compliance calendar.

Everyone who reads wells reads permits; admins and managers write them.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import CallerDep, PagingDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import Day, PageOut, id_text, page_out
from functions.api.schemas.operations import (
    ConditionMetIn,
    PermitApproveIn,
    PermitIn,
    PermitOut,
    PermitReminderOut,
    PermitStatusIn,
)
from shared.core.common.pages import Page
from shared.core.operations.model.permits import Condition
from shared.core.operations.services.permits import NewPermitInput

router = FeatureRouter(tags=["permits"], route_class=DeferredRoute)
BASE = "/api/v1/permits"
ITEM = BASE + "/{permit_id}"


@router.get(BASE, response_model=PageOut[PermitOut])
def list_permits(
    caller: CallerDep, paging: PagingDep, well_id: uuid.UUID | None = None
) -> dict[str, Any]:
    items, total = caller.platform.operations.permits.list(
        caller.tenant, caller.actor, id_text(well_id), paging.limit, paging.offset
    )
    return page_out(Page(items, total, paging.limit, paging.offset))


@router.get(BASE + "/reminders", response_model=list[PermitReminderOut])
def permit_reminders(caller: CallerDep, today: Day | None = None) -> list[dict[str, Any]]:
    """Expiring and expired permits and conditions due, as of `today` (default: now)."""
    when: date | None = today
    return [*caller.platform.operations.permits.reminders(caller.tenant, caller.actor, when)]


@router.post(BASE, response_model=PermitOut, status_code=201)
def create_permit(body: PermitIn, caller: CallerDep) -> dict[str, Any]:
    new = NewPermitInput(
        body.permit_type, body.agency, id_text(body.well_id), id_text(body.facility_id),
        [Condition(c.text, c.due_on) for c in body.conditions], id_text(body.renewal_of),
    )  # fmt: skip
    return caller.platform.operations.permits.create(caller.tenant, caller.actor, new)


@router.get(ITEM, response_model=PermitOut)
def get_permit(permit_id: uuid.UUID, caller: CallerDep) -> dict[str, Any]:
    return caller.platform.operations.permits.get(caller.tenant, caller.actor, str(permit_id))


@router.post(ITEM + "/status", response_model=PermitOut)
def change_permit_status(
    permit_id: uuid.UUID, body: PermitStatusIn, caller: CallerDep
) -> dict[str, Any]:
    return caller.platform.operations.permits.move(
        caller.tenant, caller.actor, str(permit_id), body.status
    )


@router.post(ITEM + "/approve", response_model=PermitOut)
def approve_permit(
    permit_id: uuid.UUID, body: PermitApproveIn, caller: CallerDep
) -> dict[str, Any]:
    return caller.platform.operations.permits.approve(
        caller.tenant, caller.actor, str(permit_id), body.number, body.issued_on, body.expires_on
    )


@router.post(ITEM + "/conditions-met", response_model=PermitOut)
def meet_permit_condition(
    permit_id: uuid.UUID, body: ConditionMetIn, caller: CallerDep
) -> dict[str, Any]:
    return caller.platform.operations.permits.meet_condition(
        caller.tenant, caller.actor, str(permit_id), body.index
    )
