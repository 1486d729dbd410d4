"""The Secrets port: one contract, run against the in-memory twin and every local adapter."""

from __future__ import annotations

import json
import os
import stat

import pytest

from shared.adapters.local.file_secrets import EnvFileSecrets, env_name
from shared.adapters.memory.secrets import InMemorySecrets
from shared.core.common.errors import SecretNotFoundError, WellOSError

DB_URL = "postgresql+pg8000://wellos:s3cr3t-pa55@db.internal:5432/wellos_t_acme"


@pytest.fixture(params=["memory", "env-file"])
def secrets(request, tmp_path):
    if request.param == "memory":
        return InMemorySecrets()
    return EnvFileSecrets(tmp_path / "state" / "secrets.json", environ={})


def test_a_set_secret_can_be_read_back(secrets):
    # GIVEN a secret stored under a registry-style name
    secrets.set("tenant-acme-database-url", DB_URL)
    # WHEN it is read THEN its value comes back unchanged
    assert secrets.get("tenant-acme-database-url") == DB_URL


def test_setting_again_overwrites(secrets):
    secrets.set("jwt-signing-key", "first")
    secrets.set("jwt-signing-key", "second")
    assert secrets.get("jwt-signing-key") == "second"


def test_names_are_independent(secrets):
    secrets.set("tenant-acme-database-url", "a")
    secrets.set("tenant-permian-database-url", "b")
    assert secrets.get("tenant-acme-database-url") == "a"
    assert secrets.get("tenant-permian-database-url") == "b"


def test_a_missing_secret_raises_secret_not_found(secrets):
    with pytest.raises(SecretNotFoundError) as caught:
        secrets.get("tenant-nope-database-url")
    assert caught.value.name == "tenant-nope-database-url"
    assert isinstance(caught.value, WellOSError)


def test_deleting_removes_and_deleting_again_is_not_an_error(secrets):
    secrets.set("tenant-acme-database-url", DB_URL)
    secrets.delete("tenant-acme-database-url")
    with pytest.raises(SecretNotFoundError):
        secrets.get("tenant-acme-database-url")
    secrets.delete("tenant-acme-database-url")
    secrets.delete("never-existed")


def test_values_never_appear_in_error_messages(secrets):
    # GIVEN stored secrets with sensitive values
    secrets.set("tenant-acme-database-url", DB_URL)
    secrets.set("jwt-signing-key", "k" * 48)
    # WHEN a neighbouring name is missing
    with pytest.raises(SecretNotFoundError) as caught:
        secrets.get("tenant-acme-database-ur")
    # THEN the error tells the name, never a value
    text = f"{caught.value} {caught.value.detail} {caught.value!r}"
    assert "s3cr3t-pa55" not in text
    assert "db.internal" not in text
    assert "k" * 48 not in text
    assert "tenant-acme-database-ur" in text


def test_values_with_unicode_and_quotes_survive(secrets):
    value = 'pa"ss\\wörd\n\ttab'
    secrets.set("odd", value)
    assert secrets.get("odd") == value


# EnvFileSecrets only: the environment override and the file on disk.


def test_an_environment_variable_wins_over_the_file(tmp_path):
    # GIVEN a file secret and an environment variable for the same name
    path = tmp_path / "secrets.json"
    environ = {env_name("tenant-acme-database-url"): "from-env"}
    secrets = EnvFileSecrets(path, environ=environ)
    secrets.set("tenant-acme-database-url", "from-file")
    # WHEN it is read THEN the environment's value wins
    assert env_name("tenant-acme-database-url") == "WELLOS_SECRET_TENANT_ACME_DATABASE_URL"
    assert secrets.get("tenant-acme-database-url") == "from-env"
    # AND a name only in the environment is found too
    environ[env_name("jwt-signing-key")] = "env-key"
    assert secrets.get("jwt-signing-key") == "env-key"


def test_the_file_is_private_and_survives_a_new_instance(tmp_path):
    path = tmp_path / "nested" / "secrets.json"
    EnvFileSecrets(path, environ={}).set("tenant-acme-database-url", DB_URL)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert EnvFileSecrets(path, environ={}).get("tenant-acme-database-url") == DB_URL
    assert json.loads(path.read_text()) == {"tenant-acme-database-url": DB_URL}


def test_the_file_stays_private_after_an_interrupted_write(tmp_path):
    # GIVEN a world-readable temporary file left behind by a crash mid-write
    path = tmp_path / "secrets.json"
    leftover = path.with_suffix(".tmp")
    leftover.write_text("{}")
    os.chmod(leftover, 0o644)
    # WHEN a secret is written
    EnvFileSecrets(path, environ={}).set("jwt-signing-key", "k" * 48)
    # THEN the secrets file is still readable by its owner only
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_file_stays_private_when_it_was_created_open(tmp_path):
    # GIVEN a secrets file someone created with mode 0644
    path = tmp_path / "secrets.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    # WHEN a secret is written THEN the file is private again
    EnvFileSecrets(path, environ={}).set("jwt-signing-key", "k" * 48)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
