"""Decline-curve forecasts of one well: the numbers and the semi-log chart."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query, Response

from functions.api.charts import forecast_png
from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.well_activity import ForecastOut
from shared.core.decline.model.streams import Product

router = FeatureRouter(tags=["analytics"], route_class=DeferredRoute)

Months = Annotated[int, Query(ge=1, le=600, description="Months to forecast")]
EconomicLimit = Annotated[
    float, Query(gt=0, le=1e6, description="Rate (per day) below which the well is uneconomic")
]
ProductQuery = Annotated[Product, Query(description="Which stream to forecast")]


@router.get("/api/v1/wells/{well_id}/forecast", response_model=ForecastOut)
def well_forecast(
    well_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    months: Months = 120,
    economic_limit: EconomicLimit = 5.0,
    product: ProductQuery = "oil",
) -> dict[str, Any]:
    """Fitted Arps parameters, monthly forecast, EUR and remaining reserves."""
    result = platform.forecasts.forecast_well(
        tenant, actor, str(well_id), months, economic_limit, product
    )
    return {"well_id": str(well_id), **result.report}


@router.get(
    "/api/v1/wells/{well_id}/forecast.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def well_forecast_png(
    well_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    months: Months = 120,
    economic_limit: EconomicLimit = 5.0,
    product: ProductQuery = "oil",
) -> Response:
    """History and forecast on a semi-log plot."""
    result = platform.forecasts.forecast_well(
        tenant, actor, str(well_id), months, economic_limit, product
    )
    title = f"{result.report['model']} decline, EUR {result.report['eur']:,.0f}"
    return Response(forecast_png(result, title), media_type="image/png")
