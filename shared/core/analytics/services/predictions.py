"""A well's latest model outlook for the well page: the optimiser's choke advice and the
water-cut forecast, as the nightly scoring wrote them (``predictions`` rows).

Each part is the newest night's row of its model, or None when the model has not
scored the well yet (too little production, no choke size...). Field operators
see only their assigned wells (another well answers 404, as everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.analytics.model.scoring import OPTIMIZER_MODEL, WATER_CUT_MODEL
from shared.core.analytics.ports import AnalyticsDatabases, Prediction
from shared.core.common.access import ensure_well_visible, require
from shared.core.common.actor import Actor
from shared.core.common.errors import NotFoundError
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant


@dataclass(frozen=True)
class ModelOutlook:
    night: date
    model_version: str
    values: dict[str, Any]


@dataclass(frozen=True)
class WellOutlook:
    well_id: str
    optimizer: ModelOutlook | None
    water_cut: ModelOutlook | None


def _outlook(prediction: Prediction | None) -> ModelOutlook | None:
    if prediction is None:
        return None
    return ModelOutlook(prediction.night, prediction.model_version, dict(prediction.values))


class PredictionService:
    def __init__(self, databases: AnalyticsDatabases) -> None:
        self._databases = databases

    def outlook(self, tenant: Tenant, actor: Actor, well_id: str) -> WellOutlook:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            ensure_well_visible(uow, actor, well_id)
            if uow.wells.get(well_id) is None:
                raise NotFoundError("well", well_id)
            store = uow.analytics
            return WellOutlook(
                well_id,
                _outlook(store.latest_prediction(well_id, OPTIMIZER_MODEL)),
                _outlook(store.latest_prediction(well_id, WATER_CUT_MODEL)),
            )
