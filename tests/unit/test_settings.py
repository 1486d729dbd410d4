"""Settings: WELLOS_* variables, explicit arguments first, validated values."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.settings import Settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    import os

    for name in list(os.environ):
        if name.startswith("WELLOS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))


def test_defaults(tmp_path):
    settings = Settings()
    assert settings.database_url is None
    assert settings.base_domain == "localhost"
    assert settings.serverless is False
    assert settings.max_body_bytes == 10 * 1024 * 1024
    assert settings.login_max_failures_per_account == 5
    assert settings.login_max_failures_per_address == 30
    assert settings.tenant_db_prefix == "wellos_t_"
    assert settings.state_dir == tmp_path / "xdg" / "wellos"
    assert settings.resolved_secrets_file == tmp_path / "xdg" / "wellos" / "secrets.json"


def test_environment_variables_are_read_and_typed(monkeypatch):
    # GIVEN WELLOS_* variables
    monkeypatch.setenv("WELLOS_DATABASE_URL", "postgresql://u:pw@db:5432/wellos")
    monkeypatch.setenv("WELLOS_SERVERLESS", "true")
    monkeypatch.setenv("WELLOS_TENANT_ENGINE_CACHE_SIZE", "7")
    monkeypatch.setenv("WELLOS_REGISTRY_CACHE_TTL_S", "2.5")
    monkeypatch.setenv("WELLOS_BASE_DOMAIN", "  WellOS.Example.COM. ")
    monkeypatch.setenv("WELLOS_SECRETS_FILE", "/run/secrets/wellos.json")
    # WHEN settings are read
    settings = Settings()
    # THEN each has its type and normal form
    assert settings.require_database_url() == "postgresql://u:pw@db:5432/wellos"
    assert settings.serverless is True
    assert settings.tenant_engine_cache_size == 7
    assert settings.registry_cache_ttl_s == 2.5
    assert settings.base_domain == "wellos.example.com"
    assert settings.resolved_secrets_file == Path("/run/secrets/wellos.json")


def test_an_explicit_argument_beats_the_environment(monkeypatch):
    monkeypatch.setenv("WELLOS_BASE_DOMAIN", "env.example")
    monkeypatch.setenv("WELLOS_ACCESS_TOKEN_TTL_S", "600")
    settings = Settings(base_domain="arg.example", access_token_ttl_s=900)
    assert settings.base_domain == "arg.example"
    assert settings.access_token_ttl_s == 900


def test_the_database_url_is_secret_in_reprs(monkeypatch):
    settings = Settings(database_url="postgresql://u:hunter2@db/wellos")
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.model_dump())


def test_a_missing_database_url_says_how_to_fix_it():
    with pytest.raises(RuntimeError) as caught:
        Settings().require_database_url()
    assert "WELLOS_DATABASE_URL" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WELLOS_TENANT_DB_PREFIX", "Bad-Prefix"),
        ("WELLOS_TENANT_DB_PREFIX", "1abc"),
        ("WELLOS_TENANT_ENGINE_CACHE_SIZE", "0"),
        ("WELLOS_ACCESS_TOKEN_TTL_S", "10"),
        ("WELLOS_MAX_BODY_BYTES", "12"),
        ("WELLOS_LOGIN_MAX_FAILURES_PER_ACCOUNT", "0"),
        ("WELLOS_SERVERLESS", "maybe"),
        ("WELLOS_REGISTRY_CACHE_TTL_S", "-1"),
    ],
)
def test_invalid_values_are_refused_naming_the_setting(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert name.removeprefix("WELLOS_").lower() in str(caught.value)


def test_model_copy_overrides_one_setting_and_keeps_the_rest():
    base = Settings(base_domain="example.com", login_max_failures_per_account=5)
    copy = base.model_copy(update={"login_max_failures_per_account": 3})
    assert copy.login_max_failures_per_account == 3
    assert copy.base_domain == "example.com"


def test_cloud_backends_are_read_and_the_old_names_still_mean_the_same(monkeypatch):
    # GIVEN an AWS deployment's variables, with the queue and blob names of before
    monkeypatch.setenv("WELLOS_SECRETS_BACKEND", "secretsmanager")
    monkeypatch.setenv("WELLOS_SECRETS_PREFIX", "wellos/dev/")
    monkeypatch.setenv("WELLOS_DATABASE_URL_SECRET", "database-url")
    monkeypatch.setenv("WELLOS_QUEUE_BACKEND", "aws")
    monkeypatch.setenv("WELLOS_BLOB_BACKEND", "aws")
    monkeypatch.setenv("WELLOS_NOTIFIER", "ses")
    monkeypatch.setenv("WELLOS_NOTIFY_SENDER", "ops@example.com")
    monkeypatch.setenv("WELLOS_TELEMETRY", "powertools")
    # WHEN the settings are read
    settings = Settings()
    # THEN every backend is the cloud one, and nothing is missing
    assert (settings.secrets_backend, settings.secrets_prefix) == ("secretsmanager", "wellos/dev/")
    assert (settings.queue_backend, settings.blob_backend) == ("sqs", "s3")
    assert (settings.notifier, settings.telemetry) == ("ses", "powertools")
    assert settings.cloud_secrets and settings.missing_settings() == []


def test_missing_settings_name_every_variable_the_backends_need():
    settings = Settings(
        secrets_backend="keyvault", queue_backend="servicebus", blob_backend="azure",
        notifier="acs",
    )  # fmt: skip
    assert settings.missing_settings() == [
        "WELLOS_DATABASE_URL (or WELLOS_DATABASE_URL_SECRET)",
        "WELLOS_KEY_VAULT_URL",
        "WELLOS_SERVICE_BUS",
        "WELLOS_AZURE_STORAGE",
        "WELLOS_ACS_ENDPOINT",
        "WELLOS_ACS_ACCESS_KEY",
        "WELLOS_NOTIFY_SENDER",
    ]


def test_an_unknown_backend_is_refused_naming_the_field():
    with pytest.raises(ValidationError, match="secrets_backend"):
        Settings(secrets_backend="vault")


def test_secret_values_are_never_printed(monkeypatch):
    # GIVEN secrets in settings and a WELLOS_SECRET_* override
    monkeypatch.setenv("WELLOS_SECRET_JWT_SIGNING_KEY", "env-signing-key-value")
    settings = Settings(
        smtp_password="smtp-pass-value", acs_access_key="acs-key-value",
        service_bus="Endpoint=sb://x/;SharedAccessKey=sb-key-value",
    )  # fmt: skip
    # WHEN they are shown or dumped
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    # THEN no value appears, and the override is kept for the file store
    for value in ("smtp-pass-value", "acs-key-value", "sb-key-value", "env-signing-key-value"):
        assert value not in shown
    assert settings.secret_variables["WELLOS_SECRET_JWT_SIGNING_KEY"].get_secret_value() == (
        "env-signing-key-value"
    )


def test_a_serverless_host_pools_nothing_unless_the_setting_says_otherwise(monkeypatch):
    from shared.bootstrap import serverless_settings

    # GIVEN no WELLOS_SERVERLESS: a Functions/Lambda host uses NullPool
    assert serverless_settings().serverless is True
    # WHEN the deployment sets it to false, THEN that wins
    monkeypatch.setenv("WELLOS_SERVERLESS", "false")
    assert serverless_settings().serverless is False
