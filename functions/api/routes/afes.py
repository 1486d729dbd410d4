"""AFEs: estimate by category, approval level by level by the policy's roles, actual
costs, budget versus actual with overruns, partners' elections.

Admins and managers only. A level decided by a role that does not hold it is a
403 naming `role`; a decision out of turn (not submitted, already decided) a 409.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PageOut, page_out
from functions.api.schemas.operations import (
    ActualIn,
    AfeIn,
    AfeOut,
    DecisionIn,
    ElectionIn,
    EstimateLineIn,
    ReviseIn,
)
from shared.core.common.pages import Page
from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model.afe import (
    ActualCost,
    AfeStatus,
    Election,
    EstimateLine,
    PartnerInterest,
)

router = FeatureRouter(tags=["afes"], route_class=DeferredRoute)
BASE = "/api/v1/afes"
ITEM = BASE + "/{afe_id}"


def _lines(lines: list[EstimateLineIn]) -> list[EstimateLine]:
    return [EstimateLine(line.category, line.amount, line.note) for line in lines]


@router.get(BASE, response_model=PageOut[AfeOut])
def list_afes(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    status: AfeStatus | None = None,
) -> dict[str, Any]:
    items, total = platform.operations.afes.list(
        tenant, actor, status.value if status else None, paging.limit, paging.offset
    )
    return page_out(Page(items, total, paging.limit, paging.offset))


@router.post(BASE, response_model=AfeOut, status_code=201)
def create_afe(
    body: AfeIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    partners = [PartnerInterest(p.partner_id, p.working_interest) for p in body.partners]
    return platform.operations.afes.create(
        tenant, actor, body.number, body.title, _lines(body.estimate),
        str(body.well_id) if body.well_id else None,
        str(body.lease_id) if body.lease_id else None,
        partners,
    )  # fmt: skip


@router.get(ITEM, response_model=AfeOut)
def get_afe(
    afe_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.afes.get(tenant, actor, str(afe_id))


@router.post(ITEM + "/submit", response_model=AfeOut)
def submit_afe(
    afe_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.afes.submit(tenant, actor, str(afe_id))


@router.post(ITEM + "/decision", response_model=AfeOut)
def decide_afe(
    afe_id: uuid.UUID, body: DecisionIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.afes.decide(tenant, actor, str(afe_id), body.approve, body.note)


@router.post(ITEM + "/revise", response_model=AfeOut)
def revise_afe(
    afe_id: uuid.UUID, body: ReviseIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    lines = None if body.estimate is None else _lines(body.estimate)
    return platform.operations.afes.revise(tenant, actor, str(afe_id), lines)


@router.post(ITEM + "/actuals", response_model=AfeOut)
def post_afe_actual(
    afe_id: uuid.UUID, body: ActualIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    posted = body.posted_at or datetime.now(UTC)
    cost = ActualCost(body.category, body.amount, posted, body.reference)
    return platform.operations.afes.post_actual(tenant, actor, str(afe_id), cost)


@router.post(ITEM + "/elections", response_model=AfeOut)
def elect_on_afe(
    afe_id: uuid.UUID, body: ElectionIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    try:
        election = Election(body.election)
    except ValueError:
        raise OperationsInputError("election", "must be consent or non_consent") from None
    return platform.operations.afes.elect(tenant, actor, str(afe_id), body.partner_id, election)


@router.post(ITEM + "/close", response_model=AfeOut)
def close_afe(
    afe_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.afes.close(tenant, actor, str(afe_id))
