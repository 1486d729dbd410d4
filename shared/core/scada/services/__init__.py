"""SCADA: gateways, connections and tag mappings, readings, the drain, partitions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.core.common.lazy_exports import export

if TYPE_CHECKING:  # each imported on first use: see shared.core.common.lazy_exports
    from shared.core.scada.services.connections import ScadaConnectionService
    from shared.core.scada.services.drain import DrainService
    from shared.core.scada.services.gateways import GatewayRegistered, GatewayService
    from shared.core.scada.services.partitions import PartitionRun, ReadingPartitionService
    from shared.core.scada.services.readings import ReadingPage, ReadingRequest, ReadingService
    from shared.core.scada.services.tags import TagMappingService


__all__ = [
    "DrainService",
    "GatewayRegistered",
    "GatewayService",
    "PartitionRun",
    "ReadingPage",
    "ReadingPartitionService",
    "ReadingRequest",
    "ReadingService",
    "ScadaConnectionService",
    "ScadaServices",
    "TagMappingService",
]


@dataclass
class ScadaServices:
    """Everything SCADA, wired once in bootstrap (`platform.scada`)."""

    gateways: GatewayService
    connections: ScadaConnectionService
    tags: TagMappingService
    readings: ReadingService
    drain: DrainService
    partitions: ReadingPartitionService


EXPORTS = {
    "ScadaConnectionService": "shared.core.scada.services.connections",
    "DrainService": "shared.core.scada.services.drain",
    "GatewayRegistered": "shared.core.scada.services.gateways",
    "GatewayService": "shared.core.scada.services.gateways",
    "PartitionRun": "shared.core.scada.services.partitions",
    "ReadingPartitionService": "shared.core.scada.services.partitions",
    "ReadingPage": "shared.core.scada.services.readings",
    "ReadingRequest": "shared.core.scada.services.readings",
    "ReadingService": "shared.core.scada.services.readings",
    "TagMappingService": "shared.core.scada.services.tags",
}


def __getattr__(name: str) -> Any:
    return export(__name__, EXPORTS, name)
