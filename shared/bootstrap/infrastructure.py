"""The infrastructure adapters, each chosen from Settings only: secrets, queue, blobs, notifier.

Cloud SDKs are imported inside the builder that needs them, so a host without an
extra (the local runner without azure-*, a Lambda without azure-*) never imports
them. Builders make clients but open no connection: the first call does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from shared.adapters.local.file_secrets import EnvFileSecrets
from shared.adapters.local.filesystem_blobs import FilesystemBlobStore
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.adapters.notify.console import ConsoleNotifier
from shared.adapters.tenant_blobs import TenantBlobStores
from shared.bootstrap.startup import BLOB_TOKEN_SECRET_NAME, ServerKeys, server_keys
from shared.bootstrap.telemetry import Telemetry, build_telemetry
from shared.core.keys.model import SigningKeys
from shared.core.keys.services import ServerKeys as KeyRings
from shared.core.ports.blobs import BlobStore
from shared.core.ports.notifications import Notifier
from shared.core.ports.queue import Queue
from shared.core.ports.secrets import Secrets
from shared.settings import Settings


def _value(secret: SecretStr | None) -> str:
    """A secret setting's value; only called once `missing_settings()` found it set."""
    if secret is None:
        raise ValueError("a required secret setting is unset")
    return secret.get_secret_value()


def aws(settings: Settings, service: str, **config: Any) -> Any:
    """A boto3 client of `service` in the settings' region and endpoint (default chain)."""
    from shared.adapters.aws.clients import aws_client

    return aws_client(
        service, region=settings.aws_region, endpoint_url=settings.aws_endpoint_url, **config
    )


def build_secrets(settings: Settings) -> Secrets:
    """The file store locally; Key Vault (DefaultAzureCredential) or Secrets Manager in a cloud."""
    if settings.secrets_backend == "keyvault":
        from shared.adapters.azure.key_vault_secrets import KeyVaultSecrets, secret_client

        if not settings.key_vault_url:
            raise ValueError("WELLOS_KEY_VAULT_URL is not set")
        return KeyVaultSecrets(secret_client(settings.key_vault_url), settings.secrets_prefix)
    if settings.secrets_backend == "secretsmanager":
        from shared.adapters.aws.secrets_manager import SecretsManagerSecrets

        return SecretsManagerSecrets(aws(settings, "secretsmanager"), settings.secrets_prefix)
    overrides = {
        name: value.get_secret_value() for name, value in settings.secret_variables.items()
    }
    return EnvFileSecrets(settings.resolved_secrets_file, overrides)


def build_queue(settings: Settings) -> Queue:
    """The one queue of this process: SQLite locally, Service Bus or SQS."""
    if settings.queue_backend == "servicebus":
        from shared.adapters.azure.service_bus_queue import ServiceBusQueue, service_bus_client

        where = _value(settings.service_bus)
        connection = where if where.startswith("Endpoint=") else None
        client = service_bus_client(
            connection_string=connection, fully_qualified_namespace=None if connection else where
        )
        return ServiceBusQueue(client)
    if settings.queue_backend == "sqs":
        from shared.adapters.aws.sqs_queue import SqsQueue

        return SqsQueue(aws(settings, "sqs"))
    return SqliteQueue(settings.state_dir / "queue.sqlite3")


TokenKey = bytes | Callable[[], SigningKeys]


def blob_token_source(settings: Settings, secrets: Secrets) -> Callable[[], SigningKeys]:
    """The blob-link key ring (current key signs, the previous one verifies during its grace)."""
    return KeyRings(secrets, settings.key_reload_s).source(BLOB_TOKEN_SECRET_NAME)


def filesystem_blobs(settings: Settings, token_key: TokenKey) -> FilesystemBlobStore:
    """Files under the state directory; links point at `public_api_url` (or are relative)."""
    api_base = settings.public_api_url or ""
    return FilesystemBlobStore(settings.state_dir / "blobs", token_key, api_base)


def build_cloud_blobs(settings: Settings, provider: str) -> BlobStore:
    """The container (`azure`) or bucket (`s3`) named by `blob_container`."""
    if provider == "s3":
        from shared.adapters.aws.s3_blob_store import S3BlobStore

        path_style = {"addressing_style": "path"} if settings.aws_endpoint_url else None
        return S3BlobStore(
            aws(settings, "s3", signature_version="s3v4", s3=path_style), settings.blob_container
        )
    from shared.adapters.azure.blob_store import AzureBlobStore, blob_service_client

    where = _value(settings.azure_storage)
    url = where if where.startswith("https://") else None
    service = blob_service_client(connection_string=None if url else where, account_url=url)
    return AzureBlobStore(service, settings.blob_container)


def blob_builders(
    settings: Settings, token_key: TokenKey | None
) -> dict[str, Callable[[], BlobStore]]:
    """The blob stores this process can build, by `storage_provider` name.

    The default (`blob_backend`) always; the filesystem when a token key is at hand
    (locally, or when it is the default); Azure when a storage account is set; S3
    in an AWS deployment (its bucket needs no other setting).
    """
    builders: dict[str, Callable[[], BlobStore]] = {}
    if token_key is not None:
        builders["filesystem"] = lambda: filesystem_blobs(settings, token_key)
    if settings.blob_backend == "azure" or settings.azure_storage is not None:
        builders["azure"] = lambda: build_cloud_blobs(settings, "azure")
    aws_deployment = "sqs" == settings.queue_backend or settings.secrets_backend == "secretsmanager"
    if settings.blob_backend == "s3" or aws_deployment:
        builders["s3"] = lambda: build_cloud_blobs(settings, "s3")
    return builders


def needs_blob_token_key(settings: Settings) -> bool:
    """The filesystem store signs its own links: locally always, in a cloud only as default."""
    return settings.blob_backend == "filesystem" or not settings.cloud_secrets


def build_notifier(settings: Settings) -> Notifier:
    """Where notifications go: the log, SMTP, ACS Email or SES."""
    sender = settings.notify_sender or ""
    if settings.notifier == "smtp":
        from shared.adapters.notify.smtp import SmtpNotifier

        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        from shared.adapters.notify.sms import ByChannel

        return ByChannel(SmtpNotifier(
            settings.smtp_host or "", settings.smtp_port, sender,
            username=settings.smtp_username, password=password, starttls=settings.smtp_starttls,
        ))  # fmt: skip
    if settings.notifier == "acs":
        from shared.adapters.notify.acs import AcsEmailNotifier
        from shared.adapters.notify.sms import AcsSmsNotifier, ByChannel

        endpoint, key = settings.acs_endpoint or "", _value(settings.acs_access_key)
        sms = AcsSmsNotifier(endpoint, key, settings.sms_sender) if settings.sms_sender else None
        return ByChannel(AcsEmailNotifier(endpoint, key, sender), sms)
    if settings.notifier == "ses":
        from shared.adapters.notify.ses import SesNotifier
        from shared.adapters.notify.sms import ByChannel, SnsSmsNotifier

        sns = SnsSmsNotifier(lambda: aws(settings, "sns"), settings.sms_sender)
        return ByChannel(SesNotifier(sender, aws(settings, "ses")), sns)
    return ConsoleNotifier()


def build_local_transport(settings: Settings, secrets: Secrets) -> tuple[Queue, BlobStore]:
    """The SQLite queue and filesystem blobs under the state directory (lazy: no I/O here)."""
    token_key = blob_token_source(settings, secrets)
    return SqliteQueue(settings.state_dir / "queue.sqlite3"), filesystem_blobs(settings, token_key)


def build_transport(settings: Settings, secrets: Secrets) -> tuple[Queue, BlobStore]:
    """The queue and the default blob store `queue_backend` and `blob_backend` name."""
    blobs: BlobStore
    if settings.blob_backend == "filesystem":
        blobs = filesystem_blobs(settings, blob_token_source(settings, secrets))
    else:
        blobs = build_cloud_blobs(settings, settings.blob_backend)
    return build_queue(settings), blobs


@dataclass
class Infrastructure:
    """Every infrastructure adapter of one process, built from Settings only."""

    settings: Settings
    secrets: Secrets
    keys: ServerKeys
    queue: Queue
    blobs: TenantBlobStores
    notifier: Notifier
    telemetry: Telemetry

    @property
    def served_blobs(self) -> FilesystemBlobStore | None:
        """The store that serves its own links through the API, when this process has one."""
        if "filesystem" not in blob_builders(self.settings, self.keys.blob_token_key):
            return None
        store = self.blobs.store("filesystem")
        return store if isinstance(store, FilesystemBlobStore) else None


def build_infrastructure(
    settings: Settings,
    secrets: Secrets | None = None,
    provider_of: Callable[[str], str | None] = lambda slug: None,
) -> Infrastructure:
    """Secrets, keys, queue, blobs, notifier and telemetry, or one StartupError naming the gaps.

    `provider_of(slug)` is the tenant's `storage_provider` (None: unknown tenant).
    """
    if secrets is None:
        vault_unset = settings.secrets_backend == "keyvault" and not settings.key_vault_url
        secrets = None if vault_unset else build_secrets(settings)
    keys = server_keys(settings, secrets, needs_blob_token_key(settings))
    assert secrets is not None  # server_keys raised otherwise
    token_key = None if keys.blob_token_key is None else blob_token_source(settings, secrets)
    builders = blob_builders(settings, token_key)
    return Infrastructure(
        settings=settings,
        secrets=secrets,
        keys=keys,
        queue=build_queue(settings),
        blobs=TenantBlobStores(settings.blob_backend, builders, provider_of),
        notifier=build_notifier(settings),
        telemetry=build_telemetry(settings),
    )
