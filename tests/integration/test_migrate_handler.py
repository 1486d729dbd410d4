"""The migrate-on-deploy Lambda: every tenant reported, one failure does not stop the rest."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from functions.aws import migrate_handler
from functions.aws.queue_worker import PlatformRuntime
from shared.bootstrap import Platform
from shared.core.registry.services.tenants import CreateTenant
from shared.settings import Settings
from tests.conftest import drop_tenant_databases


@dataclass
class LambdaContext:
    function_name: str = "wellos-migrate"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:wellos-migrate"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


def context() -> Any:
    """A stand-in for the Lambda context object Powertools reads."""
    return LambdaContext()


@pytest.fixture
def two_tenants(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Platform:
    for slug in ("acme", "permian"):
        platform.tenants.create(
            CreateTenant(slug=slug, name=f"{slug.title()} Oil", admin_email=f"a@{slug}.test")
        )
    monkeypatch.setattr(migrate_handler, "runtime", PlatformRuntime(lambda: platform))
    return platform


def test_the_handler_migrates_master_and_every_tenant(two_tenants: Platform) -> None:
    report = migrate_handler.handler({}, context())
    assert report["failed"] == 0
    assert report["master_revision"]
    assert {t["slug"]: t["ok"] for t in report["tenants"]} == {"acme": True, "permian": True}
    assert all(t["revision"] for t in report["tenants"])


def test_the_handler_takes_a_list_of_tenants(two_tenants: Platform) -> None:
    report = migrate_handler.handler({"tenants": ["permian"]}, context())
    assert [t["slug"] for t in report["tenants"]] == ["permian"]


def test_a_failed_tenant_fails_the_invocation_with_the_whole_report(
    two_tenants: Platform, settings: Settings, pg_server_url: str
) -> None:
    # GIVEN a tenant whose database was dropped behind WellOS's back
    drop_tenant_databases(pg_server_url, settings.tenant_db_prefix + "acme")
    # WHEN the migration runs
    with pytest.raises(migrate_handler.MigrationFailedError) as failed:
        migrate_handler.handler({}, context())
    # THEN the other tenant still migrated, and the report names the failure and its reason
    report = json.loads(str(failed.value))
    outcome = {t["slug"]: t for t in report["tenants"]}
    assert outcome["permian"]["ok"] is True
    assert outcome["acme"]["ok"] is False
    assert outcome["acme"]["error"]
    assert report["failed"] == 1
    assert "postgresql://" not in str(failed.value)


def test_a_malformed_tenant_list_is_refused(two_tenants: Platform) -> None:
    with pytest.raises(ValueError, match="tenants"):
        migrate_handler.handler({"tenants": "acme"}, context())
