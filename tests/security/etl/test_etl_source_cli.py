"""`wellos etl configure` refuses what the API refuses, naming the field (exit code 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from functions.cli.main import app
from shared.adapters.sql.urls import connectable
from shared.bootstrap import build_platform
from shared.core.common.clock import utc_now
from shared.core.registry.services.tenants import CreateTenant
from tests.security.etl.conftest import PASSWORD, source_config


@pytest.fixture
def wellos(settings, tmp_path):
    """The CLI on a master registry with tenant `acme`; writes a config file and runs a command."""
    platform = build_platform(settings)
    platform.migrate_master()
    platform.tenants.create(CreateTenant(slug="acme", name="Acme", admin_email="a@acme.test"))
    platform.close()
    env = {
        "WELLOS_DATABASE_URL": settings.database_url.get_secret_value(),
        "WELLOS_STATE_DIR": str(settings.state_dir),
        "WELLOS_TENANT_DB_PREFIX": settings.tenant_db_prefix,
        "WELLOS_LOG_JSON": "false",
        "WELLOS_ETL_ALLOWED_NETWORKS": "127.0.0.0/8",
    }
    return Cli(CliRunner(), env, tmp_path / "etl.json")


class Cli:
    def __init__(self, runner: CliRunner, env: dict[str, str], file: Path) -> None:
        self.runner, self.env, self.file = runner, env, file

    def run(self, *args: str):
        return self.runner.invoke(app, list(args), env=self.env)

    def configure(self, config: dict[str, object]):
        self.file.write_text(json.dumps(config))
        return self.run("etl", "configure", "--tenant", "acme", "--file", str(self.file))


def assert_refused(result, *named: str) -> None:
    assert result.exit_code == 2, result.output
    assert "invalid" in result.output
    for name in named:
        assert name in result.output
    assert PASSWORD not in result.output and "Traceback" not in result.output


def test_configure_refuses_file_access_and_sockets_naming_the_option(wellos):
    for options, named in (
        ("local_infile=1", "'local_infile'"),
        ("init_command=DROP", "'init_command'"),
        ("unix_socket=/run/mysqld/mysqld.sock", "'unix_socket'"),
    ):
        url = f"mysql+pymysql://root:{PASSWORD}@127.0.0.1:3306/erp?{options}"
        assert_refused(wellos.configure(source_config(url)), "connection_url", named)


def test_configure_refuses_wellos_databases_and_bad_settings(wellos, settings):
    master = sa.make_url(settings.database_url.get_secret_value())
    url = connectable(master.set(password=PASSWORD))
    assert_refused(wellos.configure(source_config(url)), "connection_url", "WellOS database")
    assert_refused(
        wellos.configure(source_config("sqlite:////tmp/x.db")), "connection_url", "'sqlite'"
    )
    bad = {**source_config(url), "interval_minutes": 1}
    assert_refused(wellos.configure(bad), "interval_minutes")


def test_a_stored_url_that_breaks_the_policy_is_refused_by_every_command(wellos, settings):
    # GIVEN a configuration stored before the policy, its URL allowing file requests
    platform = build_platform(settings)
    tenant = platform.tenants.get("acme")
    ref = "tenant-acme-etl-source-url"
    platform.secrets.set(ref, f"mysql://root:{PASSWORD}@127.0.0.1:3306/erp?local_infile=1")
    with platform.master.unit_of_work() as uow:
        uow.etl.save(tenant.id, {**source_config(None), "connection_secret_ref": ref}, utc_now())
        uow.commit()
    platform.close()
    # WHEN the connection is tested, wells previewed or a run started
    for command in (("test",), ("preview", "--entity", "wells"), ("run",)):
        result = wellos.run("etl", *command, "--tenant", "acme")
        # THEN each names the option and exits 2
        assert_refused(result, "connection_url", "'local_infile'")
