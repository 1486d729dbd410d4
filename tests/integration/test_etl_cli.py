"""`wellos etl test|preview|run --tenant`: the operator's IT from a terminal."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from functions.cli.main import app
from shared.bootstrap import build_platform
from shared.core.registry.services.tenants import CreateTenant
from shared.settings import Settings
from tests.integration.etl_support import (
    configure,
    mysql_source,
    operator_config,
    seed_operator,
    source_networks,
)

pytestmark = pytest.mark.mysql


@pytest.fixture
def wellos(settings, mysql_server_url):
    """The CLI on a master registry with tenant `acme` synced from a MariaDB source."""
    allowed = source_networks(mysql_server_url)
    settings = settings.model_copy(
        update={"etl_allowed_networks": Settings(etl_allowed_networks=allowed).etl_allowed_networks}
    )
    platform = build_platform(settings)
    platform.migrate_master()
    tenant = platform.tenants.create(
        CreateTenant(slug="acme", name="Acme", admin_email="admin@acme.test")
    ).tenant
    env = {
        "WELLOS_DATABASE_URL": settings.database_url.get_secret_value(),
        "WELLOS_STATE_DIR": str(settings.state_dir),
        "WELLOS_TENANT_DB_PREFIX": settings.tenant_db_prefix,
        "WELLOS_LOG_JSON": "false",
        "WELLOS_ETL_ALLOWED_NETWORKS": allowed,
    }
    runner = CliRunner()
    with mysql_source(mysql_server_url) as source:
        seed_operator(source, days=4)
        configure(platform, tenant, operator_config(source.url))
        platform.close()
        yield lambda *args, **more: runner.invoke(app, list(args), env=env, **more)


def test_test_preview_and_run_answer_json(wellos):
    # WHEN the connection is tested
    tested = wellos("etl", "test", "--tenant", "acme", "--json")
    # THEN it is read-only and the tables are there
    assert tested.exit_code == 0, tested.output
    report = json.loads(tested.stdout)
    assert report["ok"] and report["read_only"]
    assert [t["found"] for t in report["tables"]] == [True, True]
    # WHEN wells are previewed
    previewed = wellos("etl", "preview", "--tenant", "acme", "--entity", "wells", "--json")
    assert previewed.exit_code == 0, previewed.output
    assert len(json.loads(previewed.stdout)["rows"]) == 3
    # WHEN a run goes
    ran = wellos("etl", "run", "--tenant", "acme", "--json")
    # THEN it answers the run record only (no progress bars on stdout)
    assert ran.exit_code == 0, ran.output
    run = json.loads(ran.stdout)
    assert (run["status"], run["trigger"], run["rows_written"]) == ("succeeded", "cli", 15)


def test_a_run_summarizes_a_queue_request_answers_and_mistakes_are_named(wellos):
    # WHEN a run goes for a person THEN it ends with a one-line summary
    ran = wellos("etl", "run", "--tenant", "acme")
    assert ran.exit_code == 0, ran.output
    assert "15 written, 0 quarantined" in ran.stdout
    # WHEN it is queued instead THEN the message id comes back
    queued = wellos("etl", "run", "--tenant", "acme", "--queue", "--json")
    assert json.loads(queued.stdout)["queued"] is True
    # WHEN the tenant does not exist THEN it says so, and --help shows examples
    missing = wellos("etl", "run", "--tenant", "nobody")
    assert missing.exit_code == 2 and "nobody" in missing.output
    helped = wellos("etl", "preview", "--help")
    assert "wellos etl preview --tenant acme --entity production" in helped.stdout


def test_configure_saves_a_configuration_from_a_file_or_stdin(wellos, mysql_server_url):
    # GIVEN another source, and its configuration as the API's JSON body
    with mysql_source(mysql_server_url) as source:
        seed_operator(source, days=2)
        body = json.dumps(operator_config(source.url))
        # WHEN it is configured from stdin
        saved = wellos("etl", "configure", "--tenant", "acme", "--file", "-", "--json", input=body)
        # THEN the stored configuration comes back without the URL, and a run reads the new source
        assert saved.exit_code == 0, saved.output
        stored = json.loads(saved.stdout)
        assert stored["connection_secret_ref"] == "tenant-acme-etl-source-url"
        assert "://" not in saved.stdout
        ran = wellos("etl", "run", "--tenant", "acme", "--json")
        assert json.loads(ran.stdout)["rows_read"] == 3 + 3 * 2
