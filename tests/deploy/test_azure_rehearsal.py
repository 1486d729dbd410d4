"""A rehearsal of the Azure deployment from the Bicep app settings (issue 12, "The proof").

The Function App's settings are the ones infra/bicep gives it: `app-settings.json`,
whose `{{placeholders}}` main.bicep fills from the resources it creates. Here each
placeholder is filled from the stand-in of that resource (as the AWS rehearsal replaces
CloudFormation references): Blob Storage is Azurite (the data account's connection
string where the blob endpoint goes), the Key Vault a file behind the `SecretClient`
surface (its `@Microsoft.KeyVault(SecretUri=...)` references resolved from it, as the
Functions platform does), Communication Services an address that refuses connections,
Service Bus the in-process namespace double with the queues of
`queues.json`, the PostgreSQL server the local one (the master URL is the vault's
`database-url`, as the Bicep `keyvault` module stores it). A host process
(tests/deploy/functions_runner.py) imports `function_app.py` with exactly those
settings and drives each function as the Functions worker does: `func.HttpRequest`,
`func.ServiceBusMessage`, `func.TimerRequest` handed to `get_user_function()`.

A setting the code needs that the Bicep app settings leave out stops the host with a
StartupError naming it; a queue the code uses that queues.json does not declare does
not exist in the namespace, so sending to or triggering from it fails.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest

from shared.settings import Settings
from tests.conftest import drop_tenant_databases
from tests.deploy.azure_source import azure_triggers
from tests.deploy.line_host import LineHost
from tests.deploy.rehearsal_steps import gateway_with_tag, signed_batch
from tests.emulators import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BICEP = ROOT / "infra" / "bicep"
NAMESPACE = "sb-wellos-rehearsal.servicebus.windows.net"
VAULT_URL = "https://kv-wellos-rehearsal.vault.azure.net/"
SERVER_KEYS = ("jwt-signing-key", "ingest-signing-key", "totp-encryption-key")
ACS_KEY_SECRET = "acs-access-key"  # modules/communication.bicep stores the key under it
KEY_VAULT_REFERENCE = re.compile(r"^@Microsoft\.KeyVault\(SecretUri=(.+)\)$")
API_NUMBER = "42-501-20131"


def bicep_placeholders() -> dict[str, str]:
    """{{placeholder}} -> the Bicep expression main.bicep fills it with."""
    main = (BICEP / "main.bicep").read_text(encoding="utf-8")
    return dict(re.findall(r"'\{\{(\w+)\}\}',\s*([\w.]+)\)", main))


def bicep_parameter(name: str, environment: str = "dev") -> str:
    text = (BICEP / f"{environment}.bicepparam").read_text(encoding="utf-8")
    found = re.search(rf"^param {name} = '([^']*)'", text, re.MULTILINE)
    assert found, f"{environment}.bicepparam sets no {name}"
    return found.group(1)


def stand_ins(azurite: str) -> dict[str, str]:
    """What each Bicep expression names, here: the stand-in of that resource."""
    closed = free_port()  # telemetry exports to an address that refuses them
    insights = (
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
        f"IngestionEndpoint=http://127.0.0.1:{closed}/;LiveEndpoint=http://127.0.0.1:{closed}/"
    )
    return {
        "storage.outputs.hostAccountName": "devstoreaccount1",
        "monitoring.outputs.connectionString": insights,
        "serviceBus.outputs.fullyQualifiedNamespace": NAMESPACE,
        "baseDomain": bicep_parameter("baseDomain"),
        "storage.outputs.dataBlobEndpoint": azurite,
        "keyVault.outputs.vaultUri": VAULT_URL,
        "communication.outputs.endpoint": f"http://127.0.0.1:{closed}",
        "communication.outputs.sender": "DoNotReply@rehearsal.azurecomm.net",
        "communication.outputs.accessKeySecretUri": f"{VAULT_URL}secrets/{ACS_KEY_SECRET}",
    }


def resolve_references(settings: dict[str, str], vault: Any) -> dict[str, str]:
    """Each Key Vault reference replaced by the secret it names, as the platform does."""
    resolved = {}
    for name, value in settings.items():
        found = KEY_VAULT_REFERENCE.match(value)
        if found:
            uri = found.group(1)
            assert uri.startswith(f"{VAULT_URL}secrets/"), f"{name}: another vault: {uri}"
            value = vault.get_secret(uri.removeprefix(f"{VAULT_URL}secrets/")).value
        resolved[name] = value
    return resolved


def app_settings(azurite: str) -> dict[str, str]:
    """The Function App's settings as main.bicep makes them, with the stand-ins filled in."""
    settings: dict[str, str] = json.loads((BICEP / "app-settings.json").read_text())["settings"]
    resources = stand_ins(azurite)
    filled = {}
    for placeholder, expression in bicep_placeholders().items():
        assert expression in resources, f"the rehearsal has no stand-in for {expression}"
        filled[placeholder] = resources[expression]
    resolved = {}
    for name, value in settings.items():
        for placeholder, replacement in filled.items():
            value = value.replace("{{" + placeholder + "}}", replacement)
        assert "{{" not in value, f"{name}: a placeholder main.bicep does not fill: {value}"
        resolved[name] = value
    return resolved


@dataclass
class Deployment:
    settings: dict[str, str]  # exactly the app settings
    environment: dict[str, str]  # + what any process gets (PATH, PYTHONPATH, ...)
    vault: Path
    master_url: str
    secret_values: tuple[str, ...]


@pytest.fixture(scope="module")
def deployment(
    azurite_connection_string: str, master_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Deployment:
    from shared.adapters.azure.blob_store import blob_service_client
    from shared.adapters.azure.key_vault_secrets import KeyVaultSecrets
    from tests.deploy.functions_runner import FileVault

    settings = app_settings(azurite_connection_string)
    # the data account's container, as storage.bicep creates it
    service = blob_service_client(connection_string=azurite_connection_string)
    container = service.get_container_client(settings["WELLOS_BLOB_CONTAINER"])
    if not container.exists():
        container.create_container()
    # the vault: database-url from the keyvault module; the server keys an operator adds
    vault = tmp_path_factory.mktemp("vault") / "vault.json"
    secrets = KeyVaultSecrets(FileVault(vault, VAULT_URL))  # type: ignore[arg-type]
    secrets.set(settings["WELLOS_DATABASE_URL_SECRET"], master_database)
    values = [master_database]
    for name in SERVER_KEYS:
        values.append(uuid.uuid4().hex * 2)
        secrets.set(name, values[-1])
    # the communication module's secret, under its own vault name (not through the adapter)
    values.append(base64.b64encode(uuid.uuid4().bytes * 2).decode())
    FileVault(vault, VAULT_URL).set_secret(ACS_KEY_SECRET, values[-1])
    environment = {
        **resolve_references(settings, FileVault(vault, VAULT_URL)),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "HOME": str(ROOT / ".rehearsal-home-unused"),
        "LANG": "C.UTF-8",
    }
    return Deployment(settings, environment, vault, master_database, tuple(values))


@dataclass
class FunctionsHost(LineHost):
    process: subprocess.Popen[str]
    answers: IO[str]
    log: Path
    ready: dict[str, Any] = field(default_factory=dict)

    def send(self, op: str, **arguments: Any) -> Any:
        return self.exchange(op, {"op": op, **arguments})


def start_host(deployment: Deployment, environment: dict[str, str], log: Path) -> FunctionsHost:
    command = [sys.executable, "-m", "tests.deploy.functions_runner", str(deployment.vault), "host"]
    with log.open("w") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sink,
        )  # fmt: skip
    assert process.stdout is not None
    host = FunctionsHost(process, process.stdout, log)
    host.ready = host.read("the Functions host")
    return host


@pytest.fixture(scope="module")
def host(
    deployment: Deployment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FunctionsHost]:
    log = tmp_path_factory.mktemp("functions-logs") / "host.log"
    started = start_host(deployment, deployment.environment, log)
    try:
        yield started
    finally:
        started.close()


def wellos_cli(deployment: Deployment, *arguments: str) -> Any:
    """`wellos ...` as an operator runs it with the Function App's settings and vault."""
    command = [
        sys.executable, "-m", "tests.deploy.functions_runner", str(deployment.vault), "cli",
        *arguments,
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=deployment.environment, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    return json.loads(done.stdout)


@dataclass
class Api:
    """Requests to the HTTP function as the Functions host hands them over."""

    host: FunctionsHost
    domain: str
    token: str | None = None

    def call(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json"
    ) -> tuple[int, Any]:
        headers = {"host": self.domain, "x-client-ip": "203.0.113.7"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        text = ""
        if body is not None:
            text = body if isinstance(body, str) else json.dumps(body)
            headers["content-type"] = content_type
        answer = self.host.send(
            "http", method=method, url=f"https://{self.domain}{path}", headers=headers, body=text
        )
        return int(answer["status"]), json.loads(answer["body"]) if answer["body"] else None

    def ok(
        self, method: str, path: str, body: Any = None, status: int = 200,
        content_type: str = "application/json",
    ) -> Any:  # fmt: skip
        code, payload = self.call(method, path, body, content_type)
        assert code == status, f"{method} {path}: {code} {payload}"
        return payload


@pytest.fixture(scope="module")
def tenant_slug(pg_server_url: str) -> Iterator[str]:
    slug = f"azrehearsal{uuid.uuid4().hex[:6]}"
    yield slug
    drop_tenant_databases(pg_server_url, Settings.model_fields["tenant_db_prefix"].default + slug)


def count_rows(server_url: str, database: str, query: str, **params: Any) -> int:
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    from shared.adapters.sql.urls import normalize_url

    engine = sa.create_engine(normalize_url(server_url).set(database=database), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(query), params).scalar_one())
    finally:
        engine.dispose()


# --- the rehearsal ------------------------------------------------------------------------


def test_the_function_app_starts_with_exactly_the_bicep_app_settings(
    deployment: Deployment, host: FunctionsHost
) -> None:
    # THEN the host built its platform: no StartupError, no setting missing
    assert host.ready.get("ready") is True, host.ready
    assert host.ready["missing_settings"] == []
    # AND every WELLOS_* app setting is one the code reads
    readable = {"WELLOS_" + name.upper() for name in Settings.model_fields}
    assert {n for n in deployment.settings if n.startswith("WELLOS_")} - readable == set()
    # AND the functions the worker finds are the HTTP API and every trigger functions/azure
    # declares, each queue trigger on the connection the app settings name
    functions = {f["name"]: f for f in host.ready["functions"]}
    declared = {t.function: t for t in azure_triggers()}
    assert set(functions) == set(declared) | {"http_app_func"}
    for name, trigger in declared.items():
        found = functions[name]
        if trigger.kind == "timer":
            assert (found["type"], found["schedule"]) == ("timerTrigger", trigger.argument)
        else:
            assert (found["type"], found["queue"]) == ("serviceBusTrigger", trigger.argument)
            assert found["connection"] + "__fullyQualifiedNamespace" in deployment.settings
    # AND the code's own queue goes to the namespace the bindings listen on
    connection = deployment.settings["ServiceBusConnection__fullyQualifiedNamespace"]
    assert host.ready["namespaces"] == [connection]


def test_a_setting_bicep_leaves_out_stops_the_host_naming_it(
    deployment: Deployment, tmp_path: Path
) -> None:
    environment = dict(deployment.environment)
    del environment["WELLOS_KEY_VAULT_URL"]
    host = start_host(deployment, environment, tmp_path / "host.log")
    host.close()
    assert host.ready.get("startup_error") == "StartupError", host.ready
    assert "WELLOS_KEY_VAULT_URL" in host.ready["detail"]


def test_the_platform_runs_through_the_functions_of_function_app(
    deployment: Deployment, host: FunctionsHost, tenant_slug: str, pg_server_url: str,
    azurite_connection_string: str,
) -> None:  # fmt: skip
    from shared.core.analytics.services.nightly import SCORING_QUEUE
    from shared.core.etl.model.jobs import IMPORTS_QUEUE
    from shared.core.scada.services.deliveries import INGEST_QUEUE
    from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE

    slug = tenant_slug
    domain = deployment.settings["WELLOS_BASE_DOMAIN"]
    # 1. GIVEN the deploy pipeline's migration and a first tenant, by the CLI with the vault
    report = wellos_cli(deployment, "migrate", "--all", "--json")
    assert report["failed"] == 0
    created = wellos_cli(
        deployment, "tenant", "create", "--slug", slug, "--name", "Rehearsal Gas",
        "--admin-email", f"admin@{slug}.test", "--json",
    )  # fmt: skip

    # 2. WHEN the health route is asked on the base domain
    health = Api(host, f"api.{domain}").ok("GET", "/api/v1/health")
    # THEN it answers healthy
    assert health["status"] == "ok", health
    # AND the admin logs in on the tenant's subdomain, lists the wells and adds one
    api = Api(host, f"{slug}.{domain}")
    credentials = {"email": created["admin_email"], "password": created["admin_password"]}
    api.token = api.ok("POST", "/api/v1/auth/login", credentials)["access_token"]
    assert api.ok("GET", "/api/v1/wells")["items"] == []
    new_well = {"name": "Azure 1H", "well_type": "GAS", "api_number": API_NUMBER}
    well = api.ok("POST", "/api/v1/wells", {**new_well, "status": "PRODUCING"}, 201)
    assert [w["id"] for w in api.ok("GET", "/api/v1/wells")["items"]] == [well["id"]]

    # 3. GIVEN a gateway and a tag on the well; WHEN the gateway sends a signed batch to the
    # ingest queue, and something that is no batch lands there too
    gateway, tag = gateway_with_tag(
        api, "Azure gateway", well["id"], "ns=2;s=CP", "casing_pressure"
    )
    batch_id, body = signed_batch(created["tenant"]["id"], gateway, tag["tag_id"], 40, 200.0)
    encoded = base64.b64encode(body).decode()
    host.send("send", queue=INGEST_QUEUE, body=encoded, message_id=str(batch_id))
    garbage = "this is not a reading batch"
    host.send("send", queue=INGEST_QUEUE, body=base64.b64encode(garbage.encode()).decode())
    # AND the drain timer fires
    host.send("timer", function="drain_ingest")
    # THEN the readings are in the tenant's database, the queue is empty
    database = created["database_name"]
    query = "SELECT count(*) FROM scada_readings WHERE tag_id = :tag"
    assert count_rows(pg_server_url, database, query, tag=tag["tag_id"]) == 40
    assert host.send("queue_depth", queue=INGEST_QUEUE) == {"active": 0, "dead": 1}
    # AND the garbage is in the dead letters with the reason
    [parked] = host.send("dead_letters", queue=INGEST_QUEUE)["messages"]
    assert (parked["body"], parked["reason"]) == (garbage, "invalid_envelope")

    # 4. WHEN a field operator's tablet syncs more events than fit inline: a sync job
    email = f"pumper@{slug}.test"
    invited = api.ok(
        "POST", "/api/v1/users",
        {"email": email, "full_name": "Pumper", "role": "FIELD_OPERATOR"}, 201,
    )  # fmt: skip
    api.ok("PUT", f"/api/v1/wells/{well['id']}/assignments/{invited['id']}")
    operator = Api(host, api.domain)
    one_time = invited["one_time_password"]
    login = {"email": email, "password": one_time, "new_password": f"Field-{one_time}-2026"}
    operator.token = operator.ok("POST", "/api/v1/auth/login", login)["access_token"]
    moment = datetime(2025, 2, 1, tzinfo=UTC) + timedelta(hours=uuid.uuid4().int % 1000)
    events = [
        {
            "id": str(uuid.uuid4()), "device_seq": i, "type": "WELL_READING_RECORDED",
            "well_id": well["id"], "occurred_at": (moment + timedelta(seconds=i)).isoformat(),
            "payload": {"tag": "CP", "value": 100.0 + i % 50, "unit": "psi"},
        }
        for i in range(520)
    ]  # fmt: skip
    device = {"id": "azure-tablet", "platform": "android", "app_version": "1.0.0"}
    accepted = operator.ok("POST", "/api/v1/sync", {"device": device, "events": events}, 202)
    # AND the Service Bus trigger bound to sync-jobs gets the message
    assert host.send("deliver", queue=SYNC_JOBS_QUEUE) == {"handled": 1, "failed": []}
    # THEN the job is done, every event applied, its batch kept in the blob container
    job = operator.ok("GET", f"/api/v1/sync/jobs/{accepted['job_id']}")
    assert (job["status"], job["progress"]) == ("done", {"done": 520, "total": 520})
    from shared.adapters.azure.blob_store import blob_service_client

    container = blob_service_client(connection_string=azurite_connection_string)
    blobs = container.get_container_client(deployment.settings["WELLOS_BLOB_CONTAINER"])
    prefix = f"tenants/{slug}/sync-jobs/"
    assert [b.name for b in blobs.list_blobs(name_starts_with=prefix)] == [
        f"{prefix}{accepted['job_id']}.json"
    ]
    # AND the requeue timer finds nothing left behind
    host.send("timer", function="requeue_stale_sync_jobs")
    assert host.send("queue_depth", queue=SYNC_JOBS_QUEUE) == {"active": 0, "dead": 0}

    # 5. WHEN a production CSV is uploaded and confirmed: a job on the imports queue
    csv = "API #,Prod Date,Oil (bbl),Gas Mcf,Water m3\n" + "".join(
        f"{API_NUMBER},04/{day:02d}/2024,{20 + day},{300 + day},2.5\n" for day in (1, 2)
    )
    preview = api.ok(
        "POST", "/api/v1/imports?kind=production&filename=april.csv", csv, 201, "text/csv"
    )  # fmt: skip
    import_id = preview["import"]["id"]
    confirmed = api.ok(
        "POST", f"/api/v1/imports/{import_id}/confirm", preview["suggested_mapping"], 202
    )
    assert confirmed["status"] == "queued"
    # AND the trigger bound to the imports queue runs it
    assert host.send("deliver", queue=IMPORTS_QUEUE) == {"handled": 1, "failed": []}
    # THEN the import succeeded and its days are the well's production
    done = api.ok("GET", f"/api/v1/imports/{import_id}")
    assert (done["status"], done["counts"]["inserted"]) == ("succeeded", 2)
    days = api.ok("GET", f"/api/v1/wells/{well['id']}/production?from=2024-04-01&to=2024-04-30")
    assert [d["oil_bbl"] for d in days["items"]] == [21.0, 22.0]

    # 6. WHEN the timers of the night run: partitions, scoring fan-out, outbox, reminders
    host.send("timer", function="maintain_reading_partitions")
    host.send("timer", function="fan_out_nightly_scoring")
    fanned = host.send("queue_depth", queue=SCORING_QUEUE)["active"]
    scored = 0
    while (delivered := host.send("deliver", queue=SCORING_QUEUE, max=10))["handled"]:
        assert delivered["failed"] == []
        scored += delivered["handled"]
    # THEN every scoring job of the night went through the trigger
    assert scored == fanned >= 1
    host.send("timer", function="dispatch_notifications")
    host.send("timer", function="remind_compliance")
    host.send("timer", function="schedule_etl")
    assert host.send("queue_depth", queue=SCORING_QUEUE) == {"active": 0, "dead": 0}

    # 7. WHEN a message that is no scoring job reaches the scoring trigger
    host.send("send", queue=SCORING_QUEUE, body=base64.b64encode(b"{not json").decode())
    failures: list[str] = []
    for _ in range(20):
        delivered = host.send("deliver", queue=SCORING_QUEUE)
        if not delivered["failed"]:
            break
        failures += delivered["failed"]
    # THEN it fails each delivery, then lies in the dead letters with Service Bus's reason
    max_deliveries = json.loads((BICEP / "queues.json").read_text())["maxDeliveryCount"]
    assert len(failures) == max_deliveries
    [dead] = host.send("dead_letters", queue=SCORING_QUEUE)["messages"]
    assert (dead["body"], dead["reason"]) == ("{not json", "MaxDeliveryCountExceeded")

    # AND every function of function_app took part, but the ETL run: no tenant has an ETL
    # source, so the schedule enqueued nothing for it
    invoked = set(host.send("invocations")["functions"])
    assert {f["name"] for f in host.ready["functions"]} - invoked == {"run_etl"}
    # AND nothing logged the master URL or a server key
    logged = host.log.read_text()
    leaked = [n for n, value in enumerate(deployment.secret_values) if value in logged]
    assert leaked == [], "the host logged secret values"
