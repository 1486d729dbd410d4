"""The composition root picks every adapter from Settings, and a cloud process that lacks
settings or server keys fails once at startup, naming them all.

AWS runs against moto server (Secrets Manager, SQS, S3, SES clients); Azure has no
emulator for Key Vault or Service Bus: its SDK objects are built for real, which
opens no connection.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import shared.bootstrap as bootstrap
from functions.api.app import create_app
from shared.adapters.aws.s3_blob_store import S3BlobStore
from shared.adapters.aws.secrets_manager import SecretsManagerSecrets
from shared.adapters.aws.sqs_queue import SqsQueue
from shared.adapters.azure.blob_store import AzureBlobStore
from shared.adapters.azure.key_vault_secrets import KeyVaultSecrets
from shared.adapters.azure.service_bus_queue import ServiceBusQueue
from shared.adapters.local.file_secrets import EnvFileSecrets
from shared.adapters.local.filesystem_blobs import FilesystemBlobStore
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.notify.acs import AcsEmailNotifier
from shared.adapters.notify.console import ConsoleNotifier
from shared.adapters.notify.ses import SesNotifier
from shared.adapters.notify.sms import ByChannel
from shared.adapters.notify.smtp import SmtpNotifier
from shared.bootstrap import PlatformHolder, StartupError, build_infrastructure, build_secrets
from shared.settings import Settings
from tests.emulators import AWS_REGION

MASTER_URL = "postgresql://wellos@db.internal:5432/wellos"  # never connected to here
SERVER_KEYS = ("jwt-signing-key", "ingest-signing-key", "totp-encryption-key")


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, moto_endpoint: str) -> str:
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        monkeypatch.setenv(name, value)
    return moto_endpoint


@pytest.fixture
def prefix() -> str:
    return f"wellos/t{uuid.uuid4().hex[:8]}/"


def aws_settings(endpoint: str, prefix: str, state_dir: Path, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "secrets_backend": "secretsmanager", "secrets_prefix": prefix,
        "database_url_secret": "database-url", "queue_backend": "sqs", "blob_backend": "s3",
        "blob_container": "wellos-blobs", "notifier": "ses", "notify_sender": "ops@example.com",
        "aws_region": AWS_REGION, "aws_endpoint_url": endpoint, "state_dir": state_dir,
        "secret_variables": {},
    }  # fmt: skip
    return Settings(**{**values, **changes})


def store_server_keys(aws_client: Any, prefix: str, names: tuple[str, ...]) -> None:
    client = aws_client("secretsmanager")
    for name in names:
        value = MASTER_URL if name == "database-url" else f"{name}-{uuid.uuid4().hex}"
        client.create_secret(Name=prefix + name, SecretString=value)


def test_locally_the_file_store_makes_the_keys_once_and_keeps_them(tmp_path: Path) -> None:
    # GIVEN local settings (the file secret store) with a master URL
    settings = Settings(state_dir=tmp_path, database_url=MASTER_URL, secret_variables={})
    # WHEN the infrastructure is built twice
    first, second = build_infrastructure(settings), build_infrastructure(settings)
    # THEN every adapter is the local one, and the keys made the first time are kept
    assert isinstance(first.secrets, EnvFileSecrets)
    assert isinstance(first.queue, SqliteQueue)
    assert isinstance(first.blobs.default, FilesystemBlobStore)
    assert first.served_blobs is first.blobs.default
    assert isinstance(first.notifier, ConsoleNotifier)
    assert first.keys == second.keys and first.keys.master_url == MASTER_URL
    assert (tmp_path / "secrets.json").exists()


def test_on_aws_every_adapter_and_key_comes_from_the_settings(
    aws_environment: str, aws_client: Any, prefix: str, tmp_path: Path
) -> None:
    # GIVEN the master URL and the server keys in Secrets Manager under the prefix
    store_server_keys(aws_client, prefix, ("database-url", *SERVER_KEYS))
    settings = aws_settings(aws_environment, prefix, tmp_path / "state")
    # WHEN the infrastructure is built
    infra = build_infrastructure(settings)
    # THEN secrets, queue, blobs and notifier are the AWS adapters on moto's endpoint
    assert isinstance(infra.secrets, SecretsManagerSecrets)
    assert isinstance(infra.queue, SqsQueue)
    assert infra.queue.client.meta.endpoint_url == aws_environment
    assert isinstance(infra.blobs.default, S3BlobStore)
    assert isinstance(infra.notifier, ByChannel)
    assert isinstance(infra.notifier.email, SesNotifier)
    # AND the master URL and JWT key are the vault's; nothing was written locally
    assert infra.keys.master_url == MASTER_URL
    stored = aws_client("secretsmanager").get_secret_value(SecretId=prefix + "jwt-signing-key")
    assert infra.keys.jwt_signing_key == stored["SecretString"]
    assert infra.keys.blob_token_key is None and infra.served_blobs is None
    assert not (tmp_path / "state").exists()


def test_a_cloud_process_missing_settings_and_keys_fails_once_naming_them_all(
    aws_environment: str, aws_client: Any, prefix: str, tmp_path: Path
) -> None:
    # GIVEN an AWS deployment whose vault holds only the JWT key, on a Service Bus queue
    # without its setting, an ACS notifier without its settings, and filesystem blobs
    store_server_keys(aws_client, prefix, ("jwt-signing-key",))
    settings = aws_settings(
        aws_environment, prefix, tmp_path / "state", queue_backend="servicebus",
        notifier="acs", blob_backend="filesystem",
    )  # fmt: skip
    # WHEN the infrastructure is built
    with pytest.raises(StartupError) as caught:
        build_infrastructure(settings)
    # THEN one error names every missing setting and secret
    error = caught.value
    assert error.missing_settings == (
        "WELLOS_SERVICE_BUS", "WELLOS_ACS_ENDPOINT", "WELLOS_ACS_ACCESS_KEY",
    )  # fmt: skip
    assert error.missing_secrets == (
        "database-url", "blob-token-key", "ingest-signing-key", "totp-encryption-key",
    )  # fmt: skip
    assert "missing secrets in secretsmanager: database-url, blob-token-key" in error.detail
    # AND no key was made: not in the vault, not in a local file
    listed = aws_client("secretsmanager").list_secrets()["SecretList"]
    assert sorted(s["Name"] for s in listed if s["Name"].startswith(prefix)) == [
        prefix + "jwt-signing-key"
    ]
    assert not (tmp_path / "state").exists()


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_api_answers_503_naming_the_gaps_and_logs_them_once(
    aws_environment: str, prefix: str, tmp_path: Path
) -> None:
    # GIVEN the API of a cloud process whose vault is empty
    settings = aws_settings(aws_environment, prefix, tmp_path, log_json=False)
    client = TestClient(create_app(settings=settings))
    startup_log, handler = logging.getLogger("wellos.startup"), Lines()
    startup_log.addHandler(handler)
    # WHEN health and an API route are called, twice each
    try:
        answers = [client.get(path) for path in ["/api/v1/health", "/api/v1/wells"] * 2]
    finally:
        startup_log.removeHandler(handler)
    # THEN each is a 503 problem naming the missing secrets, and the log says it once
    assert {a.status_code for a in answers} == {503}
    assert all("jwt-signing-key" in a.json()["detail"] for a in answers)
    assert answers[0].json()["code"] == "not_configured"
    assert len(handler.lines) == 1 and "database-url" in handler.lines[0]


def test_on_azure_the_real_sdk_objects_are_built_without_a_connection(tmp_path: Path) -> None:
    # GIVEN Azure settings: Key Vault, Service Bus and Blob Storage by identity, ACS Email
    settings = Settings(
        secrets_backend="keyvault", key_vault_url="https://wellos-test.vault.azure.net",
        database_url_secret="database-url", queue_backend="servicebus",
        service_bus="wellos-test.servicebus.windows.net", blob_backend="azure",
        azure_storage="https://wellostest.blob.core.windows.net", notifier="acs",
        acs_endpoint="https://wellos.communication.azure.com", acs_access_key="a2V5",
        notify_sender="ops@example.com", state_dir=tmp_path, secret_variables={},
    )  # fmt: skip
    # WHEN the secret store is built from the settings alone
    secrets = build_secrets(settings)
    # THEN it is Key Vault through a real SecretClient on the vault URL
    assert isinstance(secrets, KeyVaultSecrets)
    assert secrets._client.vault_url == "https://wellos-test.vault.azure.net"
    # AND, with the vault's keys at hand, the rest is Service Bus, Blob Storage and ACS
    vault = InMemorySecrets({"database-url": MASTER_URL, **{k: k * 8 for k in SERVER_KEYS}})
    infra = build_infrastructure(settings, vault)
    assert isinstance(infra.queue, ServiceBusQueue)
    assert infra.queue._client.fully_qualified_namespace == "wellos-test.servicebus.windows.net"
    assert isinstance(infra.blobs.default, AzureBlobStore)
    assert isinstance(infra.notifier, ByChannel)
    assert isinstance(infra.notifier.email, AcsEmailNotifier)
    assert infra.keys.master_url == MASTER_URL and not list(tmp_path.iterdir())


def test_smtp_is_chosen_by_its_settings(tmp_path: Path) -> None:
    settings = Settings(
        database_url=MASTER_URL, state_dir=tmp_path, notifier="smtp", smtp_host="mail.internal",
        notify_sender="ops@example.com", secret_variables={},
    )  # fmt: skip
    notifier = build_infrastructure(settings).notifier
    assert isinstance(notifier, ByChannel)
    assert isinstance(notifier.email, SmtpNotifier)


@pytest.fixture
def fresh_process_platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A new process-wide platform for this test (hosts build theirs on first use)."""
    holder: PlatformHolder[bootstrap.Platform] = PlatformHolder(
        bootstrap._build_serverless_platform
    )
    monkeypatch.setattr(bootstrap, "process_platform", holder)
    yield
    platform = holder.take()
    if platform is not None:
        platform.close()


def cloud_environment(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("WELLOS_"):
            monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def host_queues(runtimes: list[Any], api: Any) -> list[Any]:
    """Every queue a host's triggers and API use: the runtimes' and each platform's."""
    platforms = [runtime.platform for runtime in runtimes] + [api.state.platform_holder.get()]
    return (
        [runtime.queue for runtime in runtimes]
        + [p.queue for p in platforms]
        + [p.sync_jobs._queue for p in platforms]
    )


@pytest.mark.usefixtures("fresh_process_platform")
def test_every_aws_handler_of_a_process_uses_one_queue(
    monkeypatch: pytest.MonkeyPatch, aws_environment: str, aws_client: Any, prefix: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    # GIVEN the AWS stack's settings in the environment and its keys in Secrets Manager
    store_server_keys(aws_client, prefix, ("database-url", *SERVER_KEYS))
    cloud_environment(monkeypatch, {
        "WELLOS_SECRETS_BACKEND": "secretsmanager", "WELLOS_SECRETS_PREFIX": prefix,
        "WELLOS_DATABASE_URL_SECRET": "database-url", "WELLOS_QUEUE_BACKEND": "sqs",
        "WELLOS_BLOB_BACKEND": "s3", "WELLOS_AWS_ENDPOINT_URL": aws_environment,
        "WELLOS_AWS_REGION": AWS_REGION, "WELLOS_STATE_DIR": str(tmp_path),
    })  # fmt: skip
    from functions.aws import (
        api_handler,
        etl_handler,
        ingest_handler,
        scoring_handler,
        sync_jobs_handler,
    )

    modules = [etl_handler, ingest_handler, scoring_handler, sync_jobs_handler]
    for module in modules:
        monkeypatch.setattr(module, "runtime", type(module.runtime)())
    # WHEN every handler's runtime and the API get their platform
    queues = host_queues([module.runtime for module in modules], api_handler.app)
    # THEN they all hold the same SQS queue object, with no local file written
    assert isinstance(queues[0], SqsQueue)
    assert all(queue is queues[0] for queue in queues)
    assert ingest_handler.runtime.sqs is queues[0].client
    assert not list(tmp_path.iterdir())


@pytest.mark.usefixtures("fresh_process_platform")
def test_every_azure_trigger_of_a_process_uses_one_queue(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN the Bicep app settings (Key Vault's keys at hand: it has no emulator)
    cloud_environment(monkeypatch, {
        "WELLOS_SECRETS_BACKEND": "keyvault",
        "WELLOS_KEY_VAULT_URL": "https://wellos-test.vault.azure.net",
        "WELLOS_DATABASE_URL_SECRET": "database-url", "WELLOS_QUEUE_BACKEND": "servicebus",
        "WELLOS_SERVICE_BUS": "wellos-test.servicebus.windows.net",
        "WELLOS_BLOB_BACKEND": "azure",
        "WELLOS_AZURE_STORAGE": "https://wellostest.blob.core.windows.net",
        "WELLOS_STATE_DIR": str(tmp_path),
    })  # fmt: skip
    vault = InMemorySecrets({"database-url": MASTER_URL, **{k: k * 8 for k in SERVER_KEYS}})
    holder: PlatformHolder[bootstrap.Platform] = PlatformHolder(
        lambda: bootstrap.build_platform(bootstrap.serverless_settings(), vault)
    )
    monkeypatch.setattr(bootstrap, "process_platform", holder)
    import function_app
    from functions.azure import etl, ingest, scoring, sync_jobs

    modules = [etl, ingest, scoring, sync_jobs]
    for module in modules:
        monkeypatch.setattr(module, "runtime", type(module.runtime)())
    # WHEN every blueprint's runtime and the API get their platform
    queues = host_queues([module.runtime for module in modules], function_app.api)
    # THEN they all hold the same Service Bus queue object, and the NullPool default
    assert isinstance(queues[0], ServiceBusQueue)
    assert all(queue is queues[0] for queue in queues)
    assert scoring.runtime.platform.settings.serverless is True
    assert not list(tmp_path.iterdir())


def test_locally_the_master_url_may_come_from_the_secret_store(tmp_path: Path) -> None:
    # GIVEN no WELLOS_DATABASE_URL, but a secret naming it, set as WELLOS_SECRET_DATABASE_URL
    settings = Settings(
        state_dir=tmp_path, database_url_secret="database-url",
        secret_variables={"WELLOS_SECRET_DATABASE_URL": MASTER_URL},
    )  # fmt: skip
    # THEN the platform's master URL is the secret's
    assert build_infrastructure(settings).keys.master_url == MASTER_URL
    # AND without the secret the startup error names it
    with pytest.raises(StartupError, match="missing secrets in file: database-url"):
        build_infrastructure(settings.model_copy(update={"secret_variables": {}}))


@pytest.mark.usefixtures("fresh_process_platform")
def test_a_process_missing_its_keys_logs_it_once_for_all_its_triggers(
    monkeypatch: pytest.MonkeyPatch, aws_environment: str, prefix: str, tmp_path: Path
) -> None:
    # GIVEN an AWS process whose vault is empty, and two handlers' runtimes
    cloud_environment(monkeypatch, {
        "WELLOS_SECRETS_BACKEND": "secretsmanager", "WELLOS_SECRETS_PREFIX": prefix,
        "WELLOS_DATABASE_URL_SECRET": "database-url", "WELLOS_QUEUE_BACKEND": "sqs",
        "WELLOS_BLOB_BACKEND": "s3", "WELLOS_AWS_ENDPOINT_URL": aws_environment,
        "WELLOS_AWS_REGION": AWS_REGION, "WELLOS_STATE_DIR": str(tmp_path),
    })  # fmt: skip
    from functions.aws.queue_worker import PlatformRuntime

    runtimes = [PlatformRuntime(), PlatformRuntime()]
    startup_log, handler = logging.getLogger("wellos.startup"), Lines()
    startup_log.addHandler(handler)
    # WHEN each is asked for the platform twice
    try:
        errors = []
        for runtime in runtimes * 2:
            with pytest.raises(StartupError) as caught:
                _ = runtime.platform
            errors.append(caught.value)
    finally:
        startup_log.removeHandler(handler)
    # THEN every call fails with the same error, logged once for the process
    assert all(error is errors[0] for error in errors)
    assert len(handler.lines) == 1
