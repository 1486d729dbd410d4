"""SCADA: gateways, connections and tag mappings, readings, the drain, partitions."""

from __future__ import annotations

from dataclasses import dataclass

from shared.core.application.scada.connections import ScadaConnectionService
from shared.core.application.scada.gateways import GatewayRegistered, GatewayService
from shared.core.application.scada.maintenance import PartitionRun, ReadingPartitionService
from shared.core.application.scada.readings import ReadingPage, ReadingRequest, ReadingService
from shared.core.application.scada.tags import TagMappingService
from shared.core.ingest.drain import DrainService

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
