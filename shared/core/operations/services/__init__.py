"""Operations services: alarm rules and their evaluation in the drain, work orders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.core.common.lazy_exports import export

if TYPE_CHECKING:  # each imported on first use: see shared.core.common.lazy_exports
    from shared.core.operations.services.afes import AfeService
    from shared.core.operations.services.alarms import AlarmEvaluator, AlarmRuleService
    from shared.core.operations.services.documents import DocumentService
    from shared.core.operations.services.incidents import IncidentService
    from shared.core.operations.services.permits import PermitService
    from shared.core.operations.services.well_tests import WellTestService
    from shared.core.operations.services.work_orders import WorkOrderService


__all__ = [
    "AfeService",
    "AlarmEvaluator",
    "AlarmRuleService",
    "DocumentService",
    "IncidentService",
    "OperationsServices",
    "PermitService",
    "WellTestService",
    "WorkOrderService",
]


@dataclass
class OperationsServices:
    alarm_rules: AlarmRuleService
    alarms: AlarmEvaluator
    work_orders: WorkOrderService
    afes: AfeService
    permits: PermitService
    well_tests: WellTestService
    incidents: IncidentService
    documents: DocumentService


EXPORTS = {
    "AfeService": "shared.core.operations.services.afes",
    "AlarmEvaluator": "shared.core.operations.services.alarms",
    "AlarmRuleService": "shared.core.operations.services.alarms",
    "DocumentService": "shared.core.operations.services.documents",
    "IncidentService": "shared.core.operations.services.incidents",
    "PermitService": "shared.core.operations.services.permits",
    "WellTestService": "shared.core.operations.services.well_tests",
    "WorkOrderService": "shared.core.operations.services.work_orders",
}


def __getattr__(name: str) -> Any:
    return export(__name__, EXPORTS, name)
