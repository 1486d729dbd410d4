"""The drain: check reading batches, write each tenant's in one transaction, then settle.

For every message: parse the envelope, find its gateway in the master registry
(cached), check the gateway is active, the signature is its key's and the
envelope's tenant is the gateway's tenant. Per tenant, one transaction
(tenant_batch.py): claim the batch ids, decode the payloads and check their
tags while the COPY runs, commit. Anything invalid is dead-lettered with a
reason; only after the commit are the messages completed. A tenant whose
database fails has its messages abandoned; the other tenants go on (in
parallel, on up to `workers` threads).

Each run records metrics (shared/core/ports/metrics.py): every message's queue lag,
the readings written and their rate over the run, and the dead letters by reason.

`on_written`, if given, is called with each tenant's written readings after
their commit (the alarm evaluator); its failure is logged, never undoes or
abandons the readings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeAlias

from shared.core.common.clock import Clock, utc_now
from shared.core.ports.metrics import (
    DRAIN_READINGS,
    DRAIN_READINGS_RATE,
    Metrics,
    NoMetrics,
    Unit,
    record_dead_letter,
    record_queue_lag,
)
from shared.core.ports.queue import Queue
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.model.contract import (
    BatchRejectedError,
    ReadingBatchEnvelope,
    parse_envelope,
)
from shared.core.scada.ports import BatchClaim, GatewayStatus, IngestDatabases
from shared.core.scada.services.credentials import GatewayKeys
from shared.core.scada.services.deliveries import (
    INGEST_QUEUE,
    DeadLettered,
    Delivery,
    DrainReport,
    deliveries_from,
)
from shared.core.scada.services.directory import GatewayDirectory, GatewayRoute
from shared.core.scada.services.tag_cache import TagIdCache
from shared.core.scada.services.tenant_batch import Item, TenantResult, write_tenant

if TYPE_CHECKING:  # numpy loads when a drain decodes, not with the API
    from shared.core.scada.model.columns import ReadingColumns

log = logging.getLogger("wellos.ingest")

OnWritten: TypeAlias = "Callable[[Tenant, ReadingColumns], object]"
"""Called with a tenant's readings once they are committed (e.g. alarm evaluation)."""


class _RetryError(Exception):
    """The message cannot be decided now (tenant suspended): abandon it."""


class DrainService:
    def __init__(
        self,
        directory: GatewayDirectory,
        keys: GatewayKeys,
        databases: IngestDatabases,
        tags: TagIdCache | None = None,
        workers: int = 4,
        clock: Clock = utc_now,
        on_written: OnWritten | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._on_written = on_written
        self._metrics = metrics or NoMetrics()
        self._directory = directory
        self._keys = keys
        self._databases = databases
        self._tags = tags or TagIdCache()
        self._workers = max(1, workers)
        self._clock = clock

    def drain(
        self,
        queue: Queue,
        queue_name: str,
        max_messages: int = 100,
        lock_s: float = 60.0,
        wait_s: float = 0.0,
    ) -> DrainReport:
        """The timer path: receive up to `max_messages` (peek-lock) and process them."""
        messages = queue.receive(queue_name, max_messages, lock_s, wait_s)
        return self.process(deliveries_from(queue, queue_name, messages), queue_name)

    def process(self, deliveries: Sequence[Delivery], queue: str = INGEST_QUEUE) -> DrainReport:
        started = self._clock()
        for delivery in deliveries:
            record_queue_lag(self._metrics, queue, delivery.enqueued_at, started)
        report = DrainReport(received=len(deliveries))
        by_tenant: dict[str, tuple[Tenant, list[Item]]] = {}
        for delivery in deliveries:
            self._screen(delivery, by_tenant, report)
        report.tenants = len(by_tenant)
        for result in self._write_all(list(by_tenant.values())):
            self._settle(result, report)
        self._touch(by_tenant)
        if deliveries:
            log.info("drain finished", extra={"drain": report.summary()})
            self._measure(report, queue, (self._clock() - started).total_seconds())
        return report

    def _measure(self, report: DrainReport, queue: str, elapsed_s: float) -> None:
        dimensions = {"queue": queue}
        written = report.readings_written
        self._metrics.add(DRAIN_READINGS, written, Unit.COUNT, dimensions)
        if elapsed_s > 0:
            rate = written / elapsed_s
            self._metrics.add(DRAIN_READINGS_RATE, rate, Unit.COUNT_PER_SECOND, dimensions)
        for item in report.dead_lettered:
            record_dead_letter(self._metrics, queue, item.reason)

    def _screen(
        self,
        delivery: Delivery,
        by_tenant: dict[str, tuple[Tenant, list[Item]]],
        report: DrainReport,
    ) -> None:
        try:
            route, envelope = self._check(delivery)
        except BatchRejectedError as rejected:
            _dead_letter(delivery, rejected, report)
            return
        except Exception as exc:  # registry down, tenant suspended: decide later
            log.warning("message %s abandoned: %s", delivery.message_id, type(exc).__name__)
            _settle_safely(delivery.settlement.abandon, report)
            report.abandoned += 1
            return
        by_tenant.setdefault(route.tenant.id, (route.tenant, []))[1].append(
            Item(delivery, envelope)
        )

    def _check(self, delivery: Delivery) -> tuple[GatewayRoute, ReadingBatchEnvelope]:
        envelope = parse_envelope(delivery.body)
        gateway_id = str(envelope.gateway_id)
        route = self._directory.route(gateway_id)
        if route is None:
            raise BatchRejectedError("unknown_gateway", f"gateway {gateway_id} is not registered")
        if route.gateway.status is not GatewayStatus.ACTIVE:
            raise BatchRejectedError("gateway_revoked", f"gateway {gateway_id} is revoked")
        from shared.core.scada.model.columns import check_signature

        check_signature(envelope, self._keys.secret_for(gateway_id).encode())
        if str(envelope.tenant_id) != route.tenant.id:
            raise BatchRejectedError(
                "tenant_mismatch", f"gateway {gateway_id} does not belong to that tenant"
            )
        if not route.tenant.is_serving:
            raise _RetryError(f"tenant {route.tenant.slug} is suspended")
        return route, envelope

    def _write_all(self, groups: list[tuple[Tenant, list[Item]]]) -> list[TenantResult]:
        if len(groups) <= 1 or self._workers == 1:
            return [self._write_guarded(tenant, items) for tenant, items in groups]
        with ThreadPoolExecutor(max_workers=min(self._workers, len(groups))) as pool:
            return list(pool.map(lambda group: self._write_guarded(*group), groups))

    def _write_guarded(self, tenant: Tenant, items: list[Item]) -> TenantResult:
        try:
            with self._databases.unit_of_work(tenant) as uow:
                result = write_tenant(tenant, uow, items, self._tags, self._claim)
        except Exception as exc:  # one tenant's failure must not stop the others
            log.warning(
                "tenant %s: %d messages abandoned (%s)", tenant.slug, len(items), type(exc).__name__
            )
            return TenantResult(failed=items)
        self._after_write(tenant, result)
        return result

    def _after_write(self, tenant: Tenant, result: TenantResult) -> None:
        written = [item.columns for item in result.written if item.columns is not None]
        if self._on_written is None or not written:
            return
        from shared.core.scada.model.columns import ReadingColumns

        try:
            self._on_written(tenant, ReadingColumns.concat(written))
        except Exception as exc:  # the readings stay committed; only their evaluation is lost
            log.warning("tenant %s: after-write hook failed (%s)", tenant.slug, type(exc).__name__)

    def _claim(self, envelope: ReadingBatchEnvelope) -> BatchClaim:
        return BatchClaim(
            batch_id=envelope.batch_id,
            gateway_id=envelope.gateway_id,
            sequence=envelope.sequence,
            count=envelope.count,
            ingested_at=self._clock(),
        )

    def _settle(self, result: TenantResult, report: DrainReport) -> None:
        for item in result.written + result.duplicates:
            _settle_safely(item.delivery.settlement.complete, report)
        for item, rejected in result.rejected:
            _dead_letter(item.delivery, rejected, report)
        for item in result.failed:
            _settle_safely(item.delivery.settlement.abandon, report)
        report.batches_written += len(result.written)
        report.readings_written += result.readings
        report.duplicates += len(result.duplicates)
        report.abandoned += len(result.failed)

    def _touch(self, by_tenant: dict[str, tuple[Tenant, list[Item]]]) -> None:
        seen = {str(i.envelope.gateway_id) for _, items in by_tenant.values() for i in items}
        try:
            self._directory.touch(seen, self._clock())
        except Exception as exc:  # last_seen_at is informative; never fail a drain for it
            log.warning("could not record gateways' last_seen_at: %s", type(exc).__name__)


def _dead_letter(delivery: Delivery, rejected: BatchRejectedError, report: DrainReport) -> None:
    log.warning("message %s dead-lettered: %s", delivery.message_id, rejected.reason)
    settle = delivery.settlement
    if _settle_safely(lambda: settle.dead_letter(rejected.reason, rejected.description), report):
        report.dead_lettered.append(
            DeadLettered(delivery.message_id, rejected.reason, rejected.description)
        )


def _settle_safely(action: Callable[[], None], report: DrainReport) -> bool:
    """Settle; a lost lock or queue error only means the message comes back (deduplicated)."""
    try:
        action()
    except Exception as exc:
        log.warning("settling a message failed: %s", type(exc).__name__)
        report.settle_errors += 1
        return False
    return True
