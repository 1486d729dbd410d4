"""The `wellos` CLI against a real PostgreSQL master database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from functions.cli.main import app
from shared.bootstrap import Platform, build_platform
from shared.settings import Settings


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    assert settings.database_url is not None
    return {
        "WELLOS_DATABASE_URL": settings.database_url.get_secret_value(),
        "WELLOS_STATE_DIR": str(settings.state_dir),
        "WELLOS_TENANT_DB_PREFIX": settings.tenant_db_prefix,
        "WELLOS_REGISTRY_CACHE_TTL_S": "0",
        "WELLOS_LOG_JSON": "false",
    }


@pytest.fixture
def wellos(cli_env: dict[str, str]):
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args), env=cli_env)

    return run


@pytest.fixture
def registry(settings: Settings) -> Iterator[Platform]:
    """The platform the CLI works on, to check what it did."""
    built = build_platform(settings)
    yield built
    built.close()


def create_tenant(wellos, slug: str, *extra: str) -> Result:
    return wellos(
        "tenant", "create", "--slug", slug, "--name", f"{slug.title()} Energy",
        "--admin-email", f"admin@{slug}.test", *extra,
    )  # fmt: skip


def test_tenant_create_prints_the_tenant_and_a_password_that_logs_in(wellos, registry):
    # WHEN an operator creates a tenant
    result = create_tenant(wellos, "acme", "--admin-name", "Dana Whitfield")

    # THEN it succeeds and shows the tenant and its one-time admin password
    assert result.exit_code == 0, result.output
    assert "acme" in result.stdout
    assert "admin@acme.test" in result.stdout
    password = next(
        line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if "password:" in line
    )
    # AND the password logs the admin in
    tenant = registry.tenants.get("acme")
    tokens = registry.auth.login(tenant, "admin@acme.test", password, "127.0.0.1")
    assert tokens.access_token


def test_tenant_create_json_includes_the_admin_password(wellos, registry):
    result = create_tenant(wellos, "permian", "--tier", "premium", "--json")

    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created["tenant"]["slug"] == "permian"
    assert created["tenant"]["tier"] == "premium"
    assert created["tenant"]["status"] == "ACTIVE"
    assert created["admin_email"] == "admin@permian.test"
    tenant = registry.tenants.get("permian")
    assert registry.auth.login(tenant, "admin@permian.test", created["admin_password"], "1.2.3.4")


def test_tenant_create_never_prints_the_connection_string(wellos, cli_env):
    result = create_tenant(wellos, "acme", "--json")

    assert result.exit_code == 0, result.output
    database_url = cli_env["WELLOS_DATABASE_URL"]
    assert database_url not in result.output
    assert "postgresql://" not in result.output


def test_duplicate_slug_exits_2_naming_the_slug(wellos):
    # GIVEN a tenant acme
    assert create_tenant(wellos, "acme").exit_code == 0

    # WHEN another tenant is created with the same slug
    result = create_tenant(wellos, "acme")

    # THEN a clear error names the field, without a traceback
    assert result.exit_code == 2
    assert "slug" in result.stderr
    assert "already exists" in result.stderr
    assert "Traceback" not in result.output


def test_an_existing_tenant_database_is_refused_naming_it_and_the_flag(
    wellos, registry, pg_server_url
):
    # GIVEN the database acme would get already exists on the server (left by another registry)
    from tests.conftest import _admin_engine

    name = registry.settings.tenant_db_prefix + "acme"
    with _admin_engine(pg_server_url).connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    # WHEN the operator creates acme, then again adopting the database on purpose
    refused = create_tenant(wellos, "acme")
    adopted = create_tenant(wellos, "acme", "--adopt-existing-database", "--json")

    # THEN the first exits 2 naming the database and the flag, registering nothing
    assert refused.exit_code == 2, refused.output
    assert f"database {name} already exists" in refused.stderr
    assert "--adopt-existing-database" in refused.stderr
    assert "Traceback" not in refused.output
    # AND the second adopts it, and says so
    assert adopted.exit_code == 0, adopted.output
    created = json.loads(adopted.stdout)
    assert (created["database_adopted"], created["database_created"]) == (True, False)
    assert created["database_name"] == name
    assert registry.tenants.get("acme").slug == "acme"


def test_reserved_slug_exits_2(wellos):
    result = create_tenant(wellos, "www")

    assert result.exit_code == 2
    assert "slug" in result.stderr
    assert "reserved" in result.stderr


def test_bad_admin_email_exits_2_naming_admin_email(wellos):
    result = wellos(
        "tenant", "create", "--slug", "acme", "--name", "Acme", "--admin-email", "not-an-email"
    )

    assert result.exit_code == 2
    assert "admin_email" in result.stderr
    assert result.stdout == ""


def test_tenant_list_json_lists_every_tenant(wellos):
    create_tenant(wellos, "acme")
    create_tenant(wellos, "permian")

    result = wellos("tenant", "list", "--json")

    assert result.exit_code == 0, result.output
    tenants = json.loads(result.stdout)
    assert [tenant["slug"] for tenant in tenants] == ["acme", "permian"]
    assert {tenant["database_kind"] for tenant in tenants} == {"postgresql"}


def test_tenant_list_shows_a_table(wellos):
    create_tenant(wellos, "acme")

    result = wellos("tenant", "list")

    assert result.exit_code == 0, result.output
    assert "acme" in result.stdout
    assert "Acme Energy" in result.stdout
    assert "ACTIVE" in result.stdout


def test_suspend_and_resume_change_the_status(wellos, registry):
    create_tenant(wellos, "acme")

    suspended = wellos("tenant", "suspend", "acme", "--json")
    assert suspended.exit_code == 0, suspended.output
    assert json.loads(suspended.stdout)["status"] == "SUSPENDED"
    assert registry.tenants.get("acme").status.value == "SUSPENDED"

    resumed = wellos("tenant", "resume", "acme")
    assert resumed.exit_code == 0, resumed.output
    assert "ACTIVE" in resumed.stdout
    assert registry.tenants.get("acme").status.value == "ACTIVE"


def test_suspending_an_unknown_tenant_exits_2(wellos):
    create_tenant(wellos, "acme")

    result = wellos("tenant", "suspend", "nobody")

    assert result.exit_code == 2
    assert "nobody" in result.stderr


def test_migrate_all_reports_every_tenant(wellos):
    create_tenant(wellos, "acme")
    create_tenant(wellos, "permian")

    result = wellos("migrate", "--all", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["master_revision"]
    assert report["failed"] == 0
    assert [t["slug"] for t in report["tenants"]] == ["acme", "permian"]
    assert all(t["ok"] and t["revision"] for t in report["tenants"])


def test_migrate_named_tenants_prints_a_result_table(wellos):
    create_tenant(wellos, "acme")
    create_tenant(wellos, "permian")

    result = wellos("migrate", "--tenant", "permian")

    assert result.exit_code == 0, (result.output, result.exception)
    assert "permian" in result.stdout
    assert "acme" not in result.stdout
    assert "1 migrated, 0 failed" in result.stdout


def test_migrate_exits_1_when_a_tenant_database_is_gone(wellos, registry, pg_server_url):
    # GIVEN a tenant whose database was dropped behind WellOS's back
    create_tenant(wellos, "acme")
    create_tenant(wellos, "permian")
    from tests.conftest import drop_tenant_databases

    drop_tenant_databases(pg_server_url, registry.settings.tenant_db_prefix + "acme")

    # WHEN all tenants are migrated
    result = wellos("migrate", "--all", "--json")

    # THEN the others still migrate, the failure is reported, and the exit code is 1
    assert result.exit_code == 1
    report = {t["slug"]: t for t in json.loads(result.stdout)["tenants"]}
    assert report["permian"]["ok"] is True
    assert report["acme"]["ok"] is False
    assert report["acme"]["error"]
    assert "postgresql://" not in result.output


def test_migrate_without_a_choice_explains_the_options(wellos):
    result = wellos("migrate")

    assert result.exit_code == 2
    assert "--tenant" in result.stderr
    assert "--all" in result.stderr


def test_commands_need_the_master_database_url(cli_env):
    env = {**cli_env, "WELLOS_DATABASE_URL": None}
    result = CliRunner().invoke(app, ["tenant", "list"], env=env)

    assert result.exit_code == 1
    assert "WELLOS_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.output


def test_an_unreachable_database_is_an_infrastructure_error(cli_env):
    env = {**cli_env, "WELLOS_DATABASE_URL": "postgresql://wellos:s3cret@127.0.0.1:9/master"}
    result = CliRunner().invoke(app, ["tenant", "list"], env=env)

    assert result.exit_code == 1
    assert "database" in result.stderr
    assert "s3cret" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["tenant", "create"],
        ["tenant", "list"],
        ["tenant", "suspend"],
        ["tenant", "resume"],
        ["migrate"],
        ["serve"],
        ["demo"],
        ["dca", "evaluate"],
        ["dca", "fit"],
        ["simulate-field"],
        ["queue", "dead-letters", "list"],
        ["queue", "dead-letters", "show"],
        ["queue", "dead-letters", "replay"],
        ["queue", "dead-letters", "purge"],
        ["keys", "rotate"],
        ["keys", "status"],
    ],
)
def test_every_command_has_help_with_examples(wellos, command):
    result = wellos(*command, "--help")

    assert result.exit_code == 0, result.output
    assert "Examples" in result.stdout
    assert "wellos " + command[0] in result.stdout


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("5:pump_off:2026-11-24T00:00Z", "well 5 is not one of the 3 wells"),
        ("2:meteor:2026-11-24T00:00Z", "unknown fault 'meteor'"),
        ("2:pump_off:2026-11-24T00:00", "needs a time zone"),
    ],
)
def test_simulate_field_refuses_a_bad_planned_fault_before_starting(wellos, spec, message):
    result = wellos("simulate-field", "--wells", "3", "--planned-fault", spec)

    assert result.exit_code == 2
    assert "--planned-fault" in result.stderr
    assert message in " ".join(result.stderr.replace("│", " ").split())
    assert "starting" not in result.stdout


def test_serve_answers_http_for_the_tenants_of_the_registry(wellos, cli_env):
    # GIVEN a tenant created with the CLI
    created = json.loads(create_tenant(wellos, "acme", "--json").stdout)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    # WHEN `wellos serve` runs
    server = subprocess.Popen(
        [sys.executable, "-m", "functions.cli.main", "serve", "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, **cli_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_http(base_url + "/api/v1/health")

        # THEN the admin logs in over HTTP with the one-time password
        response = httpx.post(
            base_url + "/api/v1/auth/login",
            json={"email": "admin@acme.test", "password": created["admin_password"]},
            headers={"X-WellOS-Tenant": "acme"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def wait_for_http(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"nothing answered on {url}")
