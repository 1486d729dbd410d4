"""ETL sync from an operator's own database: configuration, tools, runs, the schedule.

Configuration lives in the master registry (`tenants.etl_config`), the source
URL in the Secrets store under `tenant-{slug}-etl-source-url`; runs, watermarks
and quarantine live in the tenant's own database. A run takes the tenant's ETL
lock first, so one tenant's runs never overlap (EtlRunningError otherwise).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, WellOSError
from shared.core.common.roles import Permission
from shared.core.etl.errors import EtlNotConfiguredError, EtlRunningError, SourcePolicyError
from shared.core.etl.model.config import EtlConfig, EtlConfigInput, EtlSettings
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.jobs import ETL_QUEUE, EtlJob, etl_message, is_due, parse_etl_job
from shared.core.etl.ports.registry import EtlMasterDatabase
from shared.core.etl.ports.runs import (
    EtlStores,
    QuarantinedRow,
    RunRecord,
    RunStatus,
    SourceConnector,
)
from shared.core.etl.services.checks import check_against_source, check_settings
from shared.core.etl.services.runner import EtlRun, ProgressCallback
from shared.core.etl.services.tools import (
    ConnectionReport,
    Preview,
    connection_report,
    preview_entity,
)
from shared.core.ports.queue import Queue
from shared.core.ports.secrets import Secrets
from shared.core.registry.errors import UnknownTenantError
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterAuditEntry

log = logging.getLogger("wellos.etl")
LEASE_TTL_S = 900.0


def source_secret_ref(slug: str) -> str:
    return f"tenant-{slug}-etl-source-url"


def failure_text(exc: BaseException) -> str:
    """What a run record says about a failure: our own messages, else the error type only."""
    return exc.detail if isinstance(exc, WellOSError) else type(exc).__name__


@dataclass(frozen=True)
class EtlDependencies:
    master: EtlMasterDatabase
    secrets: Secrets
    connector: SourceConnector
    stores: EtlStores
    queue: Queue


class EtlService:
    def __init__(self, deps: EtlDependencies, clock: Clock = utc_now) -> None:
        self._d = deps
        self._clock = clock

    # Configuration ---------------------------------------------------------------------

    def get_config(self, tenant: Tenant, actor: Actor) -> EtlConfig:
        require(actor, Permission.SETTINGS_READ)
        return self.config_of(tenant)

    def config_of(self, tenant: Tenant) -> EtlConfig:
        with self._d.master.unit_of_work() as uow:
            stored = uow.etl.get(tenant.id)
        if stored is None:
            raise EtlNotConfiguredError(tenant.slug)
        return EtlConfig.model_validate(stored.config)

    def put_config(self, tenant: Tenant, actor: Actor | None, given: EtlConfigInput) -> EtlConfig:
        """Check the URL against the connection policy and the names against the source's
        schema; store the URL in Secrets, the rest here. `actor` None: the ops CLI."""
        if actor is not None:
            require(actor, Permission.SETTINGS_WRITE)
        check_settings(given)
        ref = source_secret_ref(tenant.slug)
        url = self._url_for(tenant, given)
        with self._d.connector.open(url) as session:
            dialect = session.info().dialect
            if dialect != given.source_kind:
                raise InputError("source_kind", f"the connection is a {dialect} database")
            check_against_source(given, session.describe)
        if given.connection_url is not None:
            self._d.secrets.set(ref, url)
        settings = given.model_dump(mode="json", exclude={"connection_url"})
        config = EtlConfig.model_validate({**settings, "connection_secret_ref": ref})
        self._save(tenant, actor, config)
        return config

    def _url_for(self, tenant: Tenant, given: EtlConfigInput) -> str:
        if given.connection_url is not None:
            return given.connection_url.get_secret_value()
        try:
            current = self.config_of(tenant)
        except EtlNotConfiguredError:
            raise InputError("connection_url", "is required to configure ETL") from None
        return self._d.secrets.get(current.connection_secret_ref)

    def _save(self, tenant: Tenant, actor: Actor | None, config: EtlConfig) -> None:
        now = self._clock()
        with self._d.master.unit_of_work() as uow:
            before = uow.etl.get(tenant.id)
            document = config.model_dump(mode="json")
            uow.etl.save(tenant.id, document, now)
            uow.audit.record(
                MasterAuditEntry(
                    action="etl_config.updated",
                    entity="tenant",
                    entity_id=tenant.id,
                    actor=actor.email if actor else "ops",
                    at=now,
                    tenant_id=tenant.id,
                    before=before.config if before else None,
                    after=document,
                    request_id=actor.request_id if actor else "",
                )
            )
            uow.commit()

    # Tools -----------------------------------------------------------------------------

    def test_connection(
        self, tenant: Tenant, actor: Actor | None, url: str | None = None
    ) -> ConnectionReport:
        """Connect read-only and check the configured tables; failures are reported, not raised.

        A URL the connection policy refuses is an error (SourcePolicyError, 422), not a report.
        """
        if actor is not None:
            require(actor, Permission.SETTINGS_WRITE)
        settings: EtlSettings | None = None
        if url is None:
            config = self.config_of(tenant)
            settings, url = config, self._d.secrets.get(config.connection_secret_ref)
        try:
            with self._d.connector.open(url) as session:
                return connection_report(session, settings)
        except WellOSError as exc:
            if isinstance(exc, SourcePolicyError):
                raise
            if isinstance(exc, InputError) and exc.field != "connection_url":
                raise
            return ConnectionReport(False, error=exc.detail)

    def preview(self, tenant: Tenant, actor: Actor | None, entity: Entity) -> Preview:
        if actor is not None:
            require(actor, Permission.SETTINGS_WRITE)
        config = self.config_of(tenant)
        mapping = config.entities.get(entity)
        if mapping is None:
            raise InputError("entity", f"{entity} is not configured")
        with self._d.stores.for_tenant(tenant).unit_of_work() as uow:
            wells = uow.well_ids_by_api()
        url = self._d.secrets.get(config.connection_secret_ref)
        with self._d.connector.open(url) as session:
            return preview_entity(session, entity, mapping, wells, self._clock().date())

    # Runs ------------------------------------------------------------------------------

    def runs(self, tenant: Tenant, actor: Actor, limit: int, offset: int) -> list[RunRecord]:
        require(actor, Permission.SETTINGS_READ)
        with self._d.stores.for_tenant(tenant).unit_of_work() as uow:
            return uow.runs(limit, offset)

    def quarantined(
        self, tenant: Tenant, actor: Actor, entity: Entity | None, limit: int, offset: int
    ) -> list[QuarantinedRow]:
        require(actor, Permission.SETTINGS_READ)
        with self._d.stores.for_tenant(tenant).unit_of_work() as uow:
            return uow.quarantined(entity, limit, offset)

    def request_run(self, tenant: Tenant, actor: Actor) -> str:
        """Queue a run (the worker runs it); returns the message id."""
        require(actor, Permission.SETTINGS_WRITE)
        return self.enqueue_run(tenant, "manual")

    def enqueue_run(self, tenant: Tenant, trigger: str) -> str:
        self.config_of(tenant)
        message = etl_message(EtlJob(tenant.id, trigger), self._clock())
        self._d.queue.send(ETL_QUEUE, [message])
        return message.message_id

    def run_now(
        self, tenant: Tenant, actor: Actor, on_progress: ProgressCallback | None = None
    ) -> RunRecord:
        require(actor, Permission.SETTINGS_WRITE)
        return self.run_tenant(tenant, "manual", on_progress)

    def run_tenant(
        self,
        tenant: Tenant,
        trigger: str,
        on_progress: ProgressCallback | None = None,
        with_totals: bool = False,
    ) -> RunRecord:
        """Run every configured entity under the tenant's lock; raises after recording a failure."""
        config = self.config_of(tenant)
        url = self._d.secrets.get(config.connection_secret_ref)
        store = self._d.stores.for_tenant(tenant)
        run = RunRecord(str(uuid.uuid4()), trigger, RunStatus.RUNNING, self._clock())
        with store.exclusive(run.id, LEASE_TTL_S) as lease:
            if not lease.held:
                raise EtlRunningError(tenant.slug)
            with store.unit_of_work() as uow:
                uow.abandon_running(run.started_at)
                uow.save_run(run)
                uow.commit()
            try:
                with self._d.connector.open(url) as session:
                    worker = EtlRun(
                        session, store, run, lease, self._clock, on_progress, with_totals
                    )
                    worker.execute(config)
            except Exception as exc:
                self._finish(tenant, run, RunStatus.FAILED, failure_text(exc))
                raise
            self._finish(tenant, run, RunStatus.SUCCEEDED, None)
        return run

    def _finish(self, tenant: Tenant, run: RunRecord, status: RunStatus, error: str | None) -> None:
        run.status, run.error, run.finished_at = status, error, self._clock()
        try:
            with self._d.stores.for_tenant(tenant).unit_of_work() as uow:
                uow.save_run(run)
                uow.commit()
        except Exception as exc:  # the tenant database is down: the next run marks it abandoned
            log.warning(
                "ETL run %s of %s not recorded: %s", run.id, tenant.slug, type(exc).__name__
            )

    # Hosts: the timer and the queue ----------------------------------------------------

    def schedule_due(self, queue: Queue | None = None) -> list[str]:
        """Enqueue one run per tenant whose interval has elapsed; returns their slugs."""
        now = self._clock()
        with self._d.master.unit_of_work() as uow:
            stored = uow.etl.all_configured()
        enqueued = []
        for item in stored:
            config = EtlConfig.model_validate(item.config)
            if not (item.tenant.is_serving and config.enabled):
                continue
            if not is_due(item.last_enqueued_at, config.interval_minutes, now):
                continue
            try:
                (queue or self._d.queue).send(
                    ETL_QUEUE, [etl_message(EtlJob(item.tenant.id, "schedule"), now)]
                )
                with self._d.master.unit_of_work() as uow:
                    uow.etl.mark_enqueued(item.tenant.id, now)
                    uow.commit()
            except WellOSError as exc:
                log.warning("ETL run of %s not enqueued: %s", item.tenant.slug, exc.code)
                continue
            enqueued.append(item.tenant.slug)
        return enqueued

    def handle_job(self, body: bytes) -> RunRecord | None:
        """A queued run: None when there is nothing to do (tenant gone or suspended, run active)."""
        job = parse_etl_job(body)
        with self._d.master.unit_of_work() as uow:
            tenant = uow.tenants.get(job.tenant_id)
        if tenant is None or not tenant.is_serving:
            log.info("ETL job for tenant %s skipped: not serving", job.tenant_id)
            return None
        try:
            return self.run_tenant(tenant, job.trigger)
        except (EtlRunningError, EtlNotConfiguredError, UnknownTenantError) as exc:
            log.info("ETL job of %s skipped: %s", tenant.slug, exc.code)
            return None
        except SourcePolicyError as exc:  # recorded in the run history; retrying cannot help
            log.warning("ETL job of %s refused: %s (%s)", tenant.slug, exc.code, exc.field)
            return None
