"""Alarm rules: limits, rates of change and stale data per tag or per signal class.

Everyone who reads wells lists them; admins and managers write them. A rule
that cannot work (low above high, unknown tag, negative duration) is a 422
naming the field. The drain evaluates enabled rules as it writes each batch;
episodes appear in /api/v1/alerts with source "alarm".
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PlainText
from functions.api.schemas.operations import AlarmRuleFields, AlarmRuleIn, AlarmRuleOut

router = FeatureRouter(tags=["alarms"], route_class=DeferredRoute)
RuleId = Annotated[PlainText, Path(max_length=64, description="The rule's id")]
BASE = "/api/v1/alarm-rules"


@router.get(BASE, response_model=list[AlarmRuleOut])
def list_rules(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> list[dict[str, Any]]:
    return platform.operations.alarm_rules.list(tenant, actor)


@router.post(BASE, response_model=AlarmRuleOut, status_code=201)
def create_rule(
    body: AlarmRuleIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.alarm_rules.create(tenant, actor, body.rule_data(), body.enabled)


@router.get(BASE + "/{rule_id}", response_model=AlarmRuleOut)
def get_rule(
    rule_id: RuleId, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.operations.alarm_rules.get(tenant, actor, rule_id)


@router.put(BASE + "/{rule_id}", response_model=AlarmRuleOut)
def replace_rule(
    rule_id: RuleId,
    body: AlarmRuleFields,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    service = platform.operations.alarm_rules
    return service.replace(tenant, actor, rule_id, body.rule_data(), body.enabled)


@router.delete(BASE + "/{rule_id}", status_code=204)
def delete_rule(
    rule_id: RuleId, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Response:
    platform.operations.alarm_rules.delete(tenant, actor, rule_id)
    return Response(status_code=204)
