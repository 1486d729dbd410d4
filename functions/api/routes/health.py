"""Liveness: answers without a tenant or a database; 503 when the process is not configured.

A cloud host (secrets in a vault) builds its platform here, so a missing setting
or server key fails health at once, naming them, instead of on the first request.
"""

from __future__ import annotations

from fastapi import Request

from functions.api.deferred_routes import DeferredRoute
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import ApiModel
from shared.settings import Settings

router = FeatureRouter(tags=["health"], route_class=DeferredRoute)


class HealthOut(ApiModel):
    status: str
    version: str


@router.get("/api/v1/health", response_model=HealthOut)
def health(request: Request) -> HealthOut:
    holder = request.app.state.platform_holder
    settings: Settings = request.app.state.settings
    if settings.cloud_secrets:
        error = holder.startup_error()
        if error is not None:
            raise error  # a 503 problem naming what is missing
    return HealthOut(status="ok", version="0.1.0")
