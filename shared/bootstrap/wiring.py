"""Wires the application services from the adapters, for every host (see shared/bootstrap).

Hosts (functions/azure, functions/aws, functions/local, functions/cli) call
`build_platform(settings)` and take every adapter from the Platform: one queue,
one blob router, one notifier, one secret store per process. `infrastructure`
builds the adapters from Settings, `startup` checks the server keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from shared.adapters.local.filesystem_blobs import FilesystemBlobStore
from shared.adapters.local.virus_scan import NoOpVirusScanner
from shared.adapters.network import is_own_address, resolve_host
from shared.adapters.security.entra import MsalEntraSignIn
from shared.adapters.security.oidc import HttpOidcProvider
from shared.adapters.security.passwords import Argon2PasswordHasher
from shared.adapters.security.secret_box import SecretBox
from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.adapters.security.totp import PyotpOneTimeCodes
from shared.adapters.sql.analytics.store import SqlAnalyticsDatabases
from shared.adapters.sql.compliance.store import SqlComplianceDatabases
from shared.adapters.sql.engines import (
    PoolSettings,
    SqlMasterDatabase,
    SqlTenantDatabases,
    TenantEngineCache,
    create_engine,
    tenant_connection_budget,
)
from shared.adapters.sql.etl.imports import SqlImportStores
from shared.adapters.sql.etl.platform_databases import SqlPlatformDatabases
from shared.adapters.sql.etl.source import SqlSourceConnector
from shared.adapters.sql.etl.store import SqlEtlStores
from shared.adapters.sql.operations.store import SqlOperationsDatabases
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.scada.ingest import SqlIngestDatabases
from shared.adapters.sql.scada.partitions import SqlReadingMaintenance
from shared.adapters.sql.urls import normalize_url
from shared.adapters.sql.wells.activity import SqlWellActivityDatabases
from shared.bootstrap.infrastructure import (
    Infrastructure,
    build_infrastructure,
)
from shared.bootstrap.startup import (
    JWT_SECRET_NAME,
    TOTP_SECRET_NAME,
)
from shared.bootstrap.telemetry import Telemetry
from shared.core.analytics.services import (
    AlertService,
    AnalyticsServices,
    BenchmarkService,
    NotificationDispatcher,
    NotificationSettingsService,
    PredictionService,
    PreferenceService,
    ScoringService,
)
from shared.core.compliance.services import (
    ComplianceServices,
    EmissionService,
    FormPrService,
    MonthEndService,
    RecordService,
    ReminderService,
    ReportService,
    SettingsService,
)
from shared.core.decline.services.forecast import ForecastService
from shared.core.etl.model.source_policy import Resolver, SourcePolicy
from shared.core.etl.model.spreadsheets.limits import SheetLimits
from shared.core.etl.services.etl import EtlDependencies, EtlService
from shared.core.etl.services.imports import ImportDependencies, ImportService
from shared.core.keys.services import ServerKeys as KeyRings
from shared.core.operations.model.alarm_eval import ReadingArrays
from shared.core.operations.ports import VirusScanner
from shared.core.operations.services import (
    AfeService,
    AlarmEvaluator,
    AlarmRuleService,
    DocumentService,
    IncidentService,
    OperationsServices,
    PermitService,
    WellTestService,
    WorkOrderService,
)
from shared.core.operations.services.field_work import OperationsFieldWork
from shared.core.operations.services.inspection_work_orders import InspectionWorkOrders
from shared.core.ports.blobs import BlobStore
from shared.core.ports.metrics import Metrics
from shared.core.ports.notifications import Notifier
from shared.core.ports.queue import Queue
from shared.core.ports.scoring import ModelScorer
from shared.core.ports.secrets import Secrets
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.services.api_keys import ApiKeyService
from shared.core.registry.services.audit import AuditService
from shared.core.registry.services.auth import AuthPolicy, AuthService
from shared.core.registry.services.invitations import InvitationService
from shared.core.registry.services.magic_links import MagicLinkService
from shared.core.registry.services.mail import IdentityMail, MailDispatcher
from shared.core.registry.services.mfa import MfaService
from shared.core.registry.services.passwords import PasswordService
from shared.core.registry.services.routing import TenantResolver
from shared.core.registry.services.sessions import SessionService
from shared.core.registry.services.sso import SsoService
from shared.core.registry.services.tenants import TenantService
from shared.core.registry.services.users import UserService
from shared.core.scada.services import (
    DrainService,
    GatewayService,
    ReadingPartitionService,
    ReadingService,
    ScadaConnectionService,
    ScadaServices,
    TagMappingService,
)
from shared.core.scada.services.credentials import GatewayKeys
from shared.core.scada.services.directory import GatewayDirectory
from shared.core.scada.services.drain import OnWritten
from shared.core.sync.services.field_sync import SyncService
from shared.core.sync.services.jobs import SyncJobService
from shared.core.wells.services.activity import WellActivityService
from shared.core.wells.services.catalog import CatalogService
from shared.core.wells.services.photos import PhotoService
from shared.core.wells.services.production import ProductionService
from shared.core.wells.services.wells import WellService
from shared.settings import Settings

if TYPE_CHECKING:  # numpy loads with the drain, not with the API
    from shared.core.scada.model.columns import ReadingColumns


@dataclass
class Platform:
    settings: Settings
    secrets: Secrets
    master: SqlMasterDatabase
    tenant_databases: SqlTenantDatabases
    resolver: TenantResolver
    tenants: TenantService
    auth: AuthService
    users: UserService
    invitations: InvitationService
    passwords: PasswordService
    magic_links: MagicLinkService
    sso: SsoService
    sessions: SessionService
    mfa: MfaService
    api_keys: ApiKeyService
    audit: AuditService
    mail: MailDispatcher
    wells: WellService
    catalog: CatalogService
    production: ProductionService
    forecasts: ForecastService
    sync: SyncService
    sync_jobs: SyncJobService
    photos: PhotoService
    scada: ScadaServices
    queue: Queue
    blobs: BlobStore
    served_blobs: FilesystemBlobStore | None
    notifier: Notifier
    telemetry: Telemetry
    etl: EtlService
    imports: ImportService
    analytics: AnalyticsServices
    well_activity: WellActivityService
    compliance: ComplianceServices
    operations: OperationsServices

    def migrate_master(self) -> str:
        from shared.adapters.sql.migrate import upgrade  # Alembic: not on the cold-start path

        return upgrade(self.master.engine, "master")

    def close(self) -> None:
        self.tenant_databases.engines.dispose_all()
        self.master.engine.dispose()


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def tenant_host_url(base: str, tenant: Tenant, base_domain: str) -> str:
    """A local server's own loopback address as the tenant's `{slug}.localhost` host.

    `wellos serve` and `wellos demo` answer every tenant on one loopback port, and a
    browser resolves `acme.localhost` there: a link or an SSO redirect on the tenant's
    own host lets the office app and the API know the tenant (and the SSO cookie set at
    the start reaches the callback). Any other base is kept as it is.
    """
    parts = urlsplit(base)
    if base_domain != "localhost" or parts.hostname not in LOOPBACK_HOSTS:
        return base
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{tenant.slug}.localhost{port}"))


def app_url(settings: Settings) -> Callable[[Tenant], str]:
    """Where e-mailed links point: the configured office app, else the tenant's own host."""

    def url(tenant: Tenant) -> str:
        if settings.public_app_url:
            return tenant_host_url(settings.public_app_url, tenant, settings.base_domain)
        return f"https://{tenant.slug}.{settings.base_domain}"

    return url


def api_url(settings: Settings) -> Callable[[Tenant], str]:
    """This API's public base for a tenant (the SSO callback): the setting, else its host."""

    def url(tenant: Tenant) -> str:
        if settings.public_api_url:
            return tenant_host_url(settings.public_api_url, tenant, settings.base_domain)
        return f"https://{tenant.slug}.{settings.base_domain}"

    return url


def build_operations(
    tenant_databases: SqlTenantDatabases, blobs: BlobStore, scanner: VirusScanner | None = None
) -> OperationsServices:
    databases = SqlOperationsDatabases(tenant_databases.engines)
    return OperationsServices(
        alarm_rules=AlarmRuleService(databases),
        alarms=AlarmEvaluator(databases),
        work_orders=WorkOrderService(databases),
        afes=AfeService(databases),
        permits=PermitService(databases),
        well_tests=WellTestService(databases),
        incidents=IncidentService(databases),
        documents=DocumentService(databases, blobs, scanner or NoOpVirusScanner()),
    )


def alarm_hook(alarms: AlarmEvaluator) -> OnWritten:
    """The drain's after-write hook: evaluate the tenant's alarm rules over the readings."""

    def on_written(tenant: Tenant, columns: ReadingColumns) -> None:
        alarms.on_readings(
            tenant, ReadingArrays(columns.tag_id, columns.ts_us, columns.value, columns.status)
        )

    return on_written


def build_scada(
    settings: Settings,
    secrets: Secrets,
    master: SqlMasterDatabase,
    tenant_databases: SqlTenantDatabases,
    on_written: OnWritten | None = None,
    metrics: Metrics | None = None,
) -> ScadaServices:
    keys = GatewayKeys(secrets)
    directory = GatewayDirectory(master, settings.registry_cache_ttl_s)
    engines = tenant_databases.engines
    return ScadaServices(
        gateways=GatewayService(master, tenant_databases, keys, directory, secrets),
        connections=ScadaConnectionService(tenant_databases, secrets),
        tags=TagMappingService(tenant_databases),
        readings=ReadingService(tenant_databases),
        drain=DrainService(
            directory, keys, SqlIngestDatabases(engines), on_written=on_written, metrics=metrics
        ),
        partitions=ReadingPartitionService(master, SqlReadingMaintenance(engines)),
    )


def build_source_policy(
    settings: Settings,
    master: SqlMasterDatabase,
    secrets: Secrets,
    resolve: Resolver = resolve_host,
    master_url: str | None = None,
) -> SourcePolicy:
    """The ETL source-connection policy: WellOS's own databases and the allowed networks."""
    platform = SqlPlatformDatabases(
        normalize_url(master_url or settings.require_database_url()),
        master,
        secrets,
        settings.tenant_db_prefix,
        resolve,
        settings.registry_cache_ttl_s,
    )
    return SourcePolicy(resolve, platform, settings.etl_allowed_networks, is_own_address)


def onnx_scorer() -> ModelScorer:
    from shared.adapters.onnx.scorer import OnnxModelScorer  # onnxruntime: scoring hosts only

    return OnnxModelScorer()


def build_analytics(
    master: SqlMasterDatabase, tenant_databases: SqlTenantDatabases
) -> AnalyticsServices:
    databases = SqlAnalyticsDatabases(tenant_databases.engines)
    return AnalyticsServices(
        scoring=ScoringService(master, databases, onnx_scorer),
        alerts=AlertService(databases),
        notifications=NotificationDispatcher(master, databases),
        benchmarks=BenchmarkService(databases),
        preferences=PreferenceService(databases),
        notification_settings=NotificationSettingsService(databases),
        predictions=PredictionService(databases),
    )


def build_compliance(
    master: SqlMasterDatabase, tenant_databases: SqlTenantDatabases
) -> ComplianceServices:
    databases = SqlComplianceDatabases(tenant_databases.engines)
    return ComplianceServices(
        records=RecordService(databases),
        month_end=MonthEndService(databases),
        form_pr=FormPrService(databases),
        reports=ReportService(databases),
        emissions=EmissionService(databases),
        settings=SettingsService(databases),
        reminders=ReminderService(master, databases),
    )


def sheet_limits(settings: Settings) -> SheetLimits:
    return SheetLimits(
        max_uncompressed_bytes=settings.import_max_uncompressed_bytes,
        max_shared_strings=settings.import_max_shared_strings,
        max_columns=settings.import_max_columns,
        max_rows=settings.import_max_rows,
    )


def build_platform(settings: Settings | None = None, secrets: Secrets | None = None) -> Platform:
    """Wire every service. Opens no connection: engines connect on first use.

    Raises StartupError (every missing setting and server key named) before wiring.
    """
    settings = settings or Settings()
    resolver: TenantResolver | None = None

    def provider_of(slug: str) -> str | None:
        tenant = resolver.lookup(slug) if resolver else None
        return tenant.storage_provider if tenant else None

    infra = build_infrastructure(settings, secrets, provider_of)
    infra.telemetry.start()
    master, tenant_databases = build_databases(settings, infra)
    resolver = TenantResolver(master, settings.registry_cache_ttl_s)
    return wire_services(settings, infra, master, tenant_databases, resolver)


def pool_settings(settings: Settings) -> tuple[PoolSettings, PoolSettings]:
    """The master registry's pool and each tenant engine's pool."""
    master = PoolSettings(
        pool_size=settings.master_pool_size,
        max_overflow=settings.master_pool_max_overflow,
        serverless=settings.serverless,
    )
    tenant = PoolSettings(
        pool_size=settings.tenant_pool_size,
        max_overflow=settings.tenant_pool_max_overflow,
        serverless=settings.serverless,
        overflow_linger_s=settings.tenant_pool_overflow_linger_seconds,
    )
    return master, tenant


def instance_connection_budget(settings: Settings) -> int:
    """The most connections one long-running instance can hold: the master pool and every
    cached tenant engine's pool, each full (docs/operations.md, "Connection budget").

    Serverless instances pool nothing; their budget is the pooler's (0 here)."""
    master, tenant = pool_settings(settings)
    if settings.serverless:
        return 0
    master_most = master.pool_size + master.max_overflow
    return master_most + tenant_connection_budget(settings.tenant_engine_cache_size, tenant)


def build_databases(
    settings: Settings, infra: Infrastructure
) -> tuple[SqlMasterDatabase, SqlTenantDatabases]:
    master_pool, pool = pool_settings(settings)
    master_engine = create_engine(normalize_url(infra.keys.master_url), master_pool)
    # the TOTP key ring (`wellos keys rotate totp`): the current key seals, older ones open
    totp_keys = KeyRings(infra.secrets, settings.key_reload_s).source(TOTP_SECRET_NAME)
    master = SqlMasterDatabase(master_engine, SecretBox(totp_keys))
    cache = TenantEngineCache(
        infra.secrets, settings.tenant_engine_cache_size, pool, settings.tenant_idle_seconds
    )
    return master, SqlTenantDatabases(cache)


def wire_services(
    settings: Settings,
    infra: Infrastructure,
    master: SqlMasterDatabase,
    tenant_databases: SqlTenantDatabases,
    resolver: TenantResolver,
) -> Platform:
    secrets, queue, blobs = infra.secrets, infra.queue, infra.blobs
    master_url = infra.keys.master_url
    hasher = Argon2PasswordHasher()
    provisioner = SqlTenantProvisioner(normalize_url(master_url), settings.tenant_db_prefix)
    policy = AuthPolicy(
        access_ttl_s=settings.access_token_ttl_s,
        refresh_ttl_s=settings.refresh_token_ttl_s,
        failure_window_s=settings.login_failure_window_s,
        max_failures_per_account=settings.login_max_failures_per_account,
        max_failures_per_address=settings.login_max_failures_per_address,
        session_cache_ttl_s=settings.session_check_ttl_s,
    )
    tokens = build_token_codec(settings, build_server_keys(settings, secrets))
    codes = PyotpOneTimeCodes()
    auth = AuthService(master, hasher, tokens, policy, codes=codes)
    mail = IdentityMail(app_url(settings))
    operations_databases = SqlOperationsDatabases(tenant_databases.engines)
    field_work = OperationsFieldWork(operations_databases)
    inspections = InspectionWorkOrders(operations_databases)
    metrics = infra.telemetry.metrics
    sync = SyncService(
        tenant_databases,
        blobs=blobs,
        field_work=field_work,
        inspections=inspections,
        metrics=metrics,
    )
    engines = tenant_databases.engines
    source_policy = build_source_policy(settings, master, secrets, master_url=master_url)
    connector = SqlSourceConnector(source_policy)
    etl = EtlDependencies(master, secrets, connector, SqlEtlStores(engines), queue)
    imports = ImportDependencies(
        master, SqlImportStores(engines), blobs, queue, settings.import_max_bytes,
        sheet_limits(settings),
    )  # fmt: skip
    operations = build_operations(tenant_databases, blobs)
    return Platform(
        settings=settings,
        secrets=secrets,
        master=master,
        tenant_databases=tenant_databases,
        resolver=resolver,
        tenants=TenantService(master, tenant_databases, provisioner, secrets, hasher),
        auth=auth,
        users=UserService(master, hasher, on_user_changed=auth.forget_user),
        invitations=InvitationService(master, hasher, auth, mail, on_user_changed=auth.forget_user),
        passwords=PasswordService(master, hasher, auth, mail, on_user_changed=auth.forget_user),
        magic_links=MagicLinkService(master, auth, mail),
        sso=SsoService(
            master,
            auth,
            secrets,
            HttpOidcProvider(
                refresh_cooldown_s=settings.sso_jwks_refresh_cooldown_s,
                ca_bundle=settings.sso_ca_bundle,
            ),
            api_url(settings),
            MsalEntraSignIn(ca_bundle=settings.sso_ca_bundle),
            allow_loopback_http=settings.sso_allow_loopback_http,
            entra_host=settings.sso_entra_authority_host,
        ),
        sessions=SessionService(master, auth.forget_sessions),
        mfa=MfaService(master, codes, auth, on_user_changed=auth.forget_user),
        api_keys=ApiKeyService(master, cache_ttl_s=settings.session_check_ttl_s),
        audit=AuditService(master, tenant_databases),
        mail=MailDispatcher(master),
        wells=WellService(tenant_databases, master),
        catalog=CatalogService(tenant_databases),
        production=ProductionService(tenant_databases),
        forecasts=ForecastService(tenant_databases),
        sync=sync,
        sync_jobs=SyncJobService(master, tenant_databases, sync, blobs, queue),
        photos=PhotoService(tenant_databases, blobs),
        scada=build_scada(
            settings, secrets, master, tenant_databases, alarm_hook(operations.alarms), metrics
        ),
        queue=queue,
        blobs=blobs,
        served_blobs=infra.served_blobs,
        notifier=infra.notifier,
        telemetry=infra.telemetry,
        etl=EtlService(etl),
        imports=ImportService(imports),
        analytics=build_analytics(master, tenant_databases),
        well_activity=WellActivityService(SqlWellActivityDatabases(engines)),
        compliance=build_compliance(master, tenant_databases),
        operations=operations,
    )


# --- operators' commands (issue 12): builders that need no database --------------------


def build_server_keys(settings: Settings, secrets: Secrets) -> KeyRings:
    """The JWT, blob-token and TOTP key rings in the secret store (`wellos keys rotate`)."""
    return KeyRings(secrets, settings.key_reload_s)


def build_token_codec(settings: Settings, keys: KeyRings) -> JwtAccessTokenCodec:
    """Signs with the ring's current key, accepts the previous one during its grace."""
    if settings.jwt_secret is not None:  # pinned by a setting: no rotation
        return JwtAccessTokenCodec(settings.jwt_secret.get_secret_value())
    return JwtAccessTokenCodec(keys.source(JWT_SECRET_NAME))
