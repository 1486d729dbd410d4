"""The Secrets contract (as in test_secrets.py) for the cloud adapters, beside the twin.

memory (the twin), secrets-manager-moto (SecretsManagerSecrets on moto server),
key-vault-fake (KeyVaultSecrets on FakeSecretClient below: Key Vault has no
emulator; the fake keeps its rules: name charset, case-insensitive names,
soft delete with recovery, the SDK's azure.core exception types).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.keyvault.secrets import KeyVaultSecret, SecretProperties
from botocore.stub import Stubber

from shared.adapters.aws.secrets_manager import SecretsManagerSecrets
from shared.adapters.azure.key_vault_secrets import KeyVaultSecrets, key_vault_name
from shared.adapters.memory.secrets import InMemorySecrets
from shared.core.common.errors import InfrastructureError, InputError, SecretNotFoundError
from shared.core.ports.secrets import Secrets

VAULT = "https://wellos-test.vault.azure.net"
DB_URL = "postgresql+pg8000://wellos:s3cr3t-pa55@db.internal:5432/wellos_t_acme"
_VAULT_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")


@dataclass
class _Poller:
    """The two LROPoller methods callers use."""

    outcome: object

    def wait(self) -> None:
        return None

    def result(self) -> object:
        return self.outcome


class FakeSecretClient:
    """SecretClient's get/set/delete/recover on a soft-delete vault."""

    def __init__(self) -> None:
        self.active: dict[str, str] = {}
        self.deleted: dict[str, str] = {}

    def _key(self, name: str) -> str:
        if not _VAULT_NAME.match(name):
            raise HttpResponseError(message=f"BadParameter: invalid secret name {name!r}")
        return name.lower()  # Key Vault names ignore case

    def get_secret(self, name: str) -> KeyVaultSecret:
        key = self._key(name)
        if key not in self.active:
            raise ResourceNotFoundError(message=f"SecretNotFound: A secret with (name) {name}")
        properties = SecretProperties(None, f"{VAULT}/secrets/{key}/{uuid.uuid4().hex}")
        return KeyVaultSecret(properties, self.active[key])

    def set_secret(self, name: str, value: str) -> KeyVaultSecret:
        key = self._key(name)
        if key in self.deleted:
            raise ResourceExistsError(
                message=f"Conflict: Secret {name} is currently in a deleted but recoverable state"
            )
        self.active[key] = value
        return self.get_secret(name)

    def begin_delete_secret(self, name: str) -> _Poller:
        key = self._key(name)
        if key not in self.active:
            raise ResourceNotFoundError(message=f"SecretNotFound: A secret with (name) {name}")
        self.deleted[key] = self.active.pop(key)
        return _Poller(None)

    def begin_recover_deleted_secret(self, name: str) -> _Poller:
        key = self._key(name)
        if key not in self.deleted:
            raise ResourceNotFoundError(message=f"DeletedSecretNotFound: {name}")
        self.active[key] = self.deleted.pop(key)
        return _Poller(None)


@pytest.fixture(params=["memory", "secrets-manager-moto", "key-vault-fake"])
def secrets(request: pytest.FixtureRequest) -> Iterator[Secrets]:
    if request.param == "memory":
        yield InMemorySecrets()
    elif request.param == "secrets-manager-moto":
        # moto accepts PutSecretValue on a secret scheduled for deletion (AWS refuses it),
        # so the suite deletes at once here; the restore path is tested with a Stubber below.
        client = request.getfixturevalue("aws_client")("secretsmanager")
        prefix = f"wellos/t{uuid.uuid4().hex[:8]}/"
        yield SecretsManagerSecrets(client, prefix=prefix, recovery_window_days=None)
    else:
        yield KeyVaultSecrets(FakeSecretClient(), prefix="wellos-")


def test_a_set_secret_is_read_back(secrets: Secrets) -> None:
    # GIVEN a secret stored under a registry-style name
    secrets.set("tenant-acme-database-url", DB_URL)
    # WHEN it is read THEN its value comes back unchanged
    assert secrets.get("tenant-acme-database-url") == DB_URL


def test_set_overwrites(secrets: Secrets) -> None:
    secrets.set("jwt-signing-key", "first")
    secrets.set("jwt-signing-key", "second")
    assert secrets.get("jwt-signing-key") == "second"


def test_a_missing_secret_raises_naming_it(secrets: Secrets) -> None:
    with pytest.raises(SecretNotFoundError) as missing:
        secrets.get("never-set")
    assert missing.value.name == "never-set"
    assert isinstance(missing.value, InfrastructureError)


def test_delete_removes_and_is_idempotent(secrets: Secrets) -> None:
    secrets.set("to-go", "v")
    secrets.delete("to-go")
    secrets.delete("to-go")
    secrets.delete("never-set")
    with pytest.raises(SecretNotFoundError):
        secrets.get("to-go")


def test_a_deleted_name_can_be_set_again(secrets: Secrets) -> None:
    # GIVEN a secret deleted (soft-deleted where the service keeps it recoverable)
    secrets.set("rotating", "old")
    secrets.delete("rotating")
    # WHEN the name is set again THEN the new value is served
    secrets.set("rotating", "new")
    assert secrets.get("rotating") == "new"


def test_names_with_case_slashes_and_dots_stay_distinct(secrets: Secrets) -> None:
    names = ["Tenant/Acme.DB", "tenant/acme.db", "tenant-acme-db", "tenant_acme_db"]
    for n, name in enumerate(names):
        secrets.set(name, f"value-{n}")
    assert [secrets.get(name) for name in names] == [f"value-{n}" for n in range(4)]


def test_values_never_appear_in_error_messages(secrets: Secrets) -> None:
    # GIVEN a stored secret with a sensitive value
    secrets.set("tenant-acme-database-url", DB_URL)
    # WHEN a neighbouring name is missing THEN the error tells the name, never a value
    with pytest.raises(SecretNotFoundError) as caught:
        secrets.get("tenant-acme-database-ur")
    text = f"{caught.value} {caught.value.detail} {caught.value!r}"
    assert "s3cr3t-pa55" not in text and "db.internal" not in text
    assert "tenant-acme-database-ur" in text


def test_values_with_unicode_and_quotes_survive(secrets: Secrets) -> None:
    value = 'pa"ss\\wörd\n\ttab'
    secrets.set("odd", value)
    assert secrets.get("odd") == value


def test_key_vault_names_use_the_vault_charset_one_to_one() -> None:
    names = ["Tenant/Acme.DB", "tenant/acme.db", "tenant-acme-db", "tenant--acme", "a-2f-b", "a/b"]
    encoded = [key_vault_name(name) for name in names]
    assert all(_VAULT_NAME.match(e) and e == e.lower() for e in encoded)
    assert len(set(encoded)) == len(names)
    assert key_vault_name("tenant/acme.db") == "tenant-2f-acme-2e-db"
    with pytest.raises(InputError) as refused:
        key_vault_name("/" * 40)
    assert refused.value.field == "name"


def test_secrets_manager_restores_a_secret_scheduled_for_deletion() -> None:
    # GIVEN AWS's answer to PutSecretValue on a secret inside its recovery window
    client = boto3.client(
        "secretsmanager", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    refused = "You can't perform this operation on the secret because it was marked for deletion."
    stubber.add_client_error("put_secret_value", "InvalidRequestException", refused)
    stubber.add_response("restore_secret", {"Name": "p/rotating"}, {"SecretId": "p/rotating"})
    expected = {"SecretId": "p/rotating", "SecretString": "new"}
    stubber.add_response("put_secret_value", {"Name": "p/rotating"}, expected)
    # WHEN the name is set again THEN the adapter restores it, then writes the value
    with stubber:
        SecretsManagerSecrets(client, prefix="p/").set("rotating", "new")
    stubber.assert_no_pending_responses()


def test_secrets_manager_delete_keeps_a_recovery_window(aws_client: Any) -> None:
    client = aws_client("secretsmanager")
    name = f"wellos/t{uuid.uuid4().hex[:8]}/db"
    SecretsManagerSecrets(client).set(name, "v")
    SecretsManagerSecrets(client).delete(name)
    described = client.describe_secret(SecretId=name)
    assert "DeletedDate" in described
