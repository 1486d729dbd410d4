"""Partition maintenance: every tenant's reading partitions created ahead of time."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shared.core.registry.ports import MasterDatabase
from shared.core.scada.ports import ReadingMaintenance

log = logging.getLogger("wellos.ingest")


@dataclass(frozen=True)
class PartitionRun:
    slug: str
    ok: bool
    created: int = 0
    error: str = ""


class ReadingPartitionService:
    def __init__(self, master: MasterDatabase, maintenance: ReadingMaintenance) -> None:
        self._master = master
        self._maintenance = maintenance

    def ensure_all(self, months_ahead: int = 2, months_behind: int = 1) -> list[PartitionRun]:
        """One tenant's failure (database down) does not stop the others."""
        with self._master.unit_of_work() as uow:
            tenants = [tenant for tenant in uow.tenants.list() if tenant.is_serving]
        runs = []
        for tenant in tenants:
            try:
                created = self._maintenance.ensure_partitions(tenant, months_ahead, months_behind)
                runs.append(PartitionRun(tenant.slug, True, created))
            except Exception as exc:
                log.warning("partitions of %s: %s", tenant.slug, type(exc).__name__)
                runs.append(PartitionRun(tenant.slug, False, error=type(exc).__name__))
        return runs
