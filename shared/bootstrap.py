"""The only place that chooses adapters and wires the application services."""

from __future__ import annotations

import secrets as token_generator
from dataclasses import dataclass

from pydantic import SecretStr

from shared.adapters.local.file_secrets import EnvFileSecrets
from shared.adapters.local.filesystem_blobs import FilesystemBlobStore
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.adapters.network import is_own_address, resolve_host
from shared.adapters.security.passwords import Argon2PasswordHasher
from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.adapters.sql.analytics.store import SqlAnalyticsDatabases
from shared.adapters.sql.compliance.store import SqlComplianceDatabases
from shared.adapters.sql.engines import (
    PoolSettings,
    SqlMasterDatabase,
    SqlTenantDatabases,
    TenantEngineCache,
    create_engine,
)
from shared.adapters.sql.etl.imports import SqlImportStores
from shared.adapters.sql.etl.platform_databases import SqlPlatformDatabases
from shared.adapters.sql.etl.source import SqlSourceConnector
from shared.adapters.sql.etl.store import SqlEtlStores
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.scada.ingest import SqlIngestDatabases
from shared.adapters.sql.scada.partitions import SqlReadingMaintenance
from shared.adapters.sql.urls import normalize_url
from shared.adapters.sql.wells.activity import SqlWellActivityDatabases
from shared.core.analytics.services import (
    AlertService,
    AnalyticsServices,
    BenchmarkService,
    NotificationDispatcher,
    ScoringService,
)
from shared.core.common.errors import SecretNotFoundError
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
from shared.core.ports.blobs import BlobStore
from shared.core.ports.queue import Queue
from shared.core.ports.scoring import ModelScorer
from shared.core.ports.secrets import Secrets
from shared.core.registry.services.auth import AuthPolicy, AuthService
from shared.core.registry.services.routing import TenantResolver
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
from shared.core.sync.services.field_sync import SyncService
from shared.core.sync.services.jobs import SyncJobService
from shared.core.wells.services.activity import WellActivityService
from shared.core.wells.services.catalog import CatalogService
from shared.core.wells.services.photos import PhotoService
from shared.core.wells.services.production import ProductionService
from shared.core.wells.services.wells import WellService
from shared.settings import Settings

JWT_SECRET_NAME = "jwt-signing-key"
BLOB_TOKEN_SECRET_NAME = "blob-token-key"


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
    etl: EtlService
    imports: ImportService
    analytics: AnalyticsServices
    well_activity: WellActivityService
    compliance: ComplianceServices

    def migrate_master(self) -> str:
        from shared.adapters.sql.migrate import upgrade  # Alembic: not on the cold-start path

        return upgrade(self.master.engine, "master")

    def close(self) -> None:
        self.tenant_databases.engines.dispose_all()
        self.master.engine.dispose()


def build_secrets(settings: Settings) -> Secrets:
    return EnvFileSecrets(settings.resolved_secrets_file)


def jwt_signing_key(settings: Settings, secrets: Secrets) -> str:
    """The configured key, else the one in the secret store, else a new one stored there."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    try:
        return secrets.get(JWT_SECRET_NAME)
    except SecretNotFoundError:
        key = token_generator.token_urlsafe(48)
        secrets.set(JWT_SECRET_NAME, key)
        return key


def stored_key(secrets: Secrets, name: str) -> str:
    """The key in the secret store under `name`, made and stored on first use."""
    try:
        return secrets.get(name)
    except SecretNotFoundError:
        key = token_generator.token_urlsafe(48)
        secrets.set(name, key)
        return key


def build_local_transport(settings: Settings, secrets: Secrets) -> tuple[Queue, BlobStore]:
    """The SQLite queue and filesystem blobs under the state directory (lazy: no I/O here).

    The blob store's links point at this API (`public_api_url`), or are relative to
    the request when that is unset (the API routes make them absolute).
    """
    queue = SqliteQueue(settings.state_dir / "queue.sqlite3")
    token_key = stored_key(secrets, BLOB_TOKEN_SECRET_NAME).encode()
    api_base = settings.public_api_url or ""
    blobs = FilesystemBlobStore(settings.state_dir / "blobs", token_key, api_base)
    return queue, blobs


def build_transport(settings: Settings, secrets: Secrets) -> tuple[Queue, BlobStore]:
    """The queue and blob store `queue_backend` and `blob_backend` name (lazy clients)."""
    queue, blobs = build_local_transport(settings, secrets)
    if settings.blob_backend != "local":
        blobs = _cloud_blobs(settings)
    if settings.queue_backend != "local":
        queue = _cloud_queue(settings)
    return queue, blobs


def _secret(value: SecretStr | None, name: str) -> str:
    if value is None:
        raise RuntimeError(f"WELLOS_{name.upper()} is not set")
    return value.get_secret_value()


def _cloud_blobs(settings: Settings) -> BlobStore:
    if settings.blob_backend == "aws":
        from shared.adapters.aws.clients import aws_client
        from shared.adapters.aws.s3_blob_store import S3BlobStore

        path_style = {"addressing_style": "path"} if settings.aws_endpoint_url else None
        s3 = aws_client(
            "s3", endpoint_url=settings.aws_endpoint_url, signature_version="s3v4", s3=path_style
        )
        return S3BlobStore(s3, settings.blob_container)
    from shared.adapters.azure.blob_store import AzureBlobStore, blob_service_client

    where = _secret(settings.azure_storage, "azure_storage")
    url = where if where.startswith("https://") else None
    service = blob_service_client(connection_string=None if url else where, account_url=url)
    return AzureBlobStore(service, settings.blob_container)


def _cloud_queue(settings: Settings) -> Queue:
    if settings.queue_backend == "aws":
        from shared.adapters.aws.clients import aws_client
        from shared.adapters.aws.sqs_queue import SqsQueue

        return SqsQueue(aws_client("sqs", endpoint_url=settings.aws_endpoint_url))
    from shared.adapters.azure.service_bus_queue import ServiceBusQueue, service_bus_client

    where = _secret(settings.service_bus, "service_bus")
    connection = where if where.startswith("Endpoint=") else None
    client = service_bus_client(
        connection_string=connection, fully_qualified_namespace=None if connection else where
    )
    return ServiceBusQueue(client)


def build_scada(
    settings: Settings,
    secrets: Secrets,
    master: SqlMasterDatabase,
    tenant_databases: SqlTenantDatabases,
) -> ScadaServices:
    keys = GatewayKeys(secrets)
    directory = GatewayDirectory(master, settings.registry_cache_ttl_s)
    engines = tenant_databases.engines
    return ScadaServices(
        gateways=GatewayService(master, tenant_databases, keys, directory, secrets),
        connections=ScadaConnectionService(tenant_databases, secrets),
        tags=TagMappingService(tenant_databases),
        readings=ReadingService(tenant_databases),
        drain=DrainService(directory, keys, SqlIngestDatabases(engines)),
        partitions=ReadingPartitionService(master, SqlReadingMaintenance(engines)),
    )


def build_source_policy(
    settings: Settings,
    master: SqlMasterDatabase,
    secrets: Secrets,
    resolve: Resolver = resolve_host,
) -> SourcePolicy:
    """The ETL source-connection policy: WellOS's own databases and the allowed networks."""
    platform = SqlPlatformDatabases(
        normalize_url(settings.require_database_url()),
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
    """Wire every service. Opens no connection: engines connect on first use."""
    settings = settings or Settings()
    secrets = secrets or build_secrets(settings)
    master_url = normalize_url(settings.require_database_url())
    pool = PoolSettings(
        pool_size=settings.tenant_pool_size,
        max_overflow=settings.tenant_pool_max_overflow,
        serverless=settings.serverless,
    )
    master = SqlMasterDatabase(
        create_engine(
            master_url, PoolSettings(pool_size=5, max_overflow=10, serverless=settings.serverless)
        )
    )
    tenant_databases = SqlTenantDatabases(
        TenantEngineCache(secrets, settings.tenant_engine_cache_size, pool)
    )
    hasher = Argon2PasswordHasher()
    provisioner = SqlTenantProvisioner(master_url, settings.tenant_db_prefix)
    policy = AuthPolicy(
        access_ttl_s=settings.access_token_ttl_s,
        refresh_ttl_s=settings.refresh_token_ttl_s,
        failure_window_s=settings.login_failure_window_s,
        max_failures_per_account=settings.login_max_failures_per_account,
        max_failures_per_address=settings.login_max_failures_per_address,
    )
    tokens = JwtAccessTokenCodec(jwt_signing_key(settings, secrets))
    auth = AuthService(master, hasher, tokens, policy)
    queue, blobs = build_transport(settings, secrets)
    sync = SyncService(tenant_databases, blobs=blobs)
    engines = tenant_databases.engines
    connector = SqlSourceConnector(build_source_policy(settings, master, secrets))
    etl = EtlDependencies(master, secrets, connector, SqlEtlStores(engines), queue)
    imports = ImportDependencies(
        master, SqlImportStores(engines), blobs, queue, settings.import_max_bytes,
        sheet_limits(settings),
    )  # fmt: skip
    return Platform(
        settings=settings,
        secrets=secrets,
        master=master,
        tenant_databases=tenant_databases,
        resolver=TenantResolver(master, settings.registry_cache_ttl_s),
        tenants=TenantService(master, tenant_databases, provisioner, secrets, hasher),
        auth=auth,
        users=UserService(master, hasher, on_user_changed=auth.forget_user),
        wells=WellService(tenant_databases, master),
        catalog=CatalogService(tenant_databases),
        production=ProductionService(tenant_databases),
        forecasts=ForecastService(tenant_databases),
        sync=sync,
        sync_jobs=SyncJobService(master, tenant_databases, sync, blobs, queue),
        photos=PhotoService(tenant_databases, blobs),
        scada=build_scada(settings, secrets, master, tenant_databases),
        queue=queue,
        blobs=blobs,
        etl=EtlService(etl),
        imports=ImportService(imports),
        analytics=build_analytics(master, tenant_databases),
        well_activity=WellActivityService(SqlWellActivityDatabases(engines)),
        compliance=build_compliance(master, tenant_databases),
    )
