"""SCADA: gateways, connections and tag mappings, readings, the drain, partitions."""

from __future__ import annotations

from dataclasses import dataclass

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
