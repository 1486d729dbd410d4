"""infra/bicep declares what the code uses, sets only settings the code reads, passes checkov.

No Bicep compiler can be installed here (its CLI is a downloaded binary), so the
checks are structural: the JSON files Bicep loads, the parameters and resources
as written, and checkov's Bicep scan with every skip explained.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from functions.azure.queue_worker import CONNECTION
from functions.local.office_app import API_PATHS, CSP
from shared.settings import Settings
from tests.deploy.azure_source import azure_triggers

ROOT = Path(__file__).resolve().parents[2]
BICEP = ROOT / "infra" / "bicep"
CHECKOV = ROOT / ".tools" / "checkov" / "bin" / "checkov"
CHECKOV_OFFLINE = ["-o", "json", "--quiet", "--skip-download"]  # no call to Prisma Cloud
HOST_SETTINGS = {
    "AzureWebJobsStorage__accountName",
    "AzureWebJobsStorage__credential",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    f"{CONNECTION}__fullyQualifiedNamespace",
}
ROLE_IDS = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",  # Storage Blob Data Owner (host account)
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe",  # Storage Blob Data Contributor (tenant blobs)
    "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",  # Azure Service Bus Data Sender
    "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",  # Azure Service Bus Data Receiver
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",  # Key Vault Secrets Officer
    "3913510d-42f4-4e42-8a64-420c390055eb",  # Monitoring Metrics Publisher
}


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((BICEP / name).read_text(encoding="utf-8"))
    return data


def _text(relative: str) -> str:
    return (BICEP / relative).read_text(encoding="utf-8")


def test_the_service_bus_queues_are_the_ones_the_code_names() -> None:
    config = _json("queues.json")
    triggered = {t.argument for t in azure_triggers() if t.kind == "service_bus"}
    names = {queue["name"] for queue in config["queues"]}
    assert names == triggered | {"ingest"}  # ingest is drained by a timer, not a trigger
    assert config["maxDeliveryCount"] == 10
    assert all(re.fullmatch(r"PT([1-5])M", q["lockDuration"]) for q in config["queues"])
    body = _text("modules/servicebus.bicep")
    assert "loadJsonContent('../queues.json')" in body
    assert "deadLetteringOnMessageExpiration: true" in body
    assert "disableLocalAuth: true" in body


def test_app_settings_come_from_one_json_file_and_the_code_reads_each() -> None:
    settings = _json("app-settings.json")["settings"]
    main = _text("main.bicep")
    assert "loadJsonContent('app-settings.json')" in main
    readable = {"WELLOS_" + name.upper() for name in Settings.model_fields}
    wellos = {name for name in settings if name.startswith("WELLOS_")}
    assert wellos - readable == set()
    assert Settings.model_validate(_wellos_values(settings)).missing_settings() == []
    assert set(settings) - wellos == HOST_SETTINGS
    assert "FUNCTIONS_WORKER_RUNTIME" not in settings  # Flex Consumption refuses it


def _wellos_values(settings: dict[str, str]) -> dict[str, str]:
    """The WELLOS_* app settings as Settings arguments (placeholders stand for the values)."""
    values = {k[7:].lower(): v for k, v in settings.items() if k.startswith("WELLOS_")}
    telemetry = "APPLICATIONINSIGHTS_CONNECTION_STRING"
    return {**values, telemetry: settings[telemetry]}


def test_every_placeholder_of_the_settings_is_filled_by_main_bicep() -> None:
    text = json.dumps(_json("app-settings.json")["settings"])
    placeholders = set(re.findall(r"\{\{(\w+)\}\}", text))
    filled = set(re.findall(r"'\{\{(\w+)\}\}'", _text("main.bicep")))
    assert placeholders and placeholders == filled


def _parameters(bicep: str) -> tuple[set[str], set[str]]:
    declared = dict(re.findall(r"^param (\w+) \w+( =)?", bicep, flags=re.MULTILINE))
    required = {name for name, default in declared.items() if not default}
    return set(declared), required


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_a_parameter_file_sets_every_required_parameter_and_nothing_else(environment: str) -> None:
    declared, required = _parameters(_text("main.bicep"))
    params = _text(f"{environment}.bicepparam")
    assert params.startswith("using './main.bicep'")
    given = set(re.findall(r"^param (\w+) =", params, flags=re.MULTILINE))
    assert required <= given <= declared
    assert "postgresAdminPassword = readEnvironmentVariable(" in params  # never in git


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_pooler_admits_every_connection_the_app_can_open(environment: str) -> None:
    """instances x (HTTP + Service Bus + timer invocations) x 2 connections <= PgBouncer clients."""
    values = dict(re.findall(r"^param (\w+) = (\d+)$", _text(f"{environment}.bicepparam"), re.M))
    host = json.loads((ROOT / "host.json").read_text())["extensions"]["serviceBus"]
    triggers = azure_triggers()
    service_bus = sum(t.kind == "service_bus" for t in triggers) * host["maxConcurrentCalls"]
    per_instance = int(values["httpPerInstanceConcurrency"]) + service_bus
    per_instance += sum(t.kind == "timer" for t in triggers)
    clients = int(values["functionMaxInstances"]) * per_instance * 2  # master + one tenant
    assert clients <= int(values["pgbouncerMaxClientConnections"])


def test_the_function_app_is_flex_consumption_python_311_with_its_own_identity() -> None:
    body = _text("modules/functionapp.bicep")
    assert "tier: 'FlexConsumption'" in body
    assert "runtime: { name: 'python', version: '3.11' }" in body
    assert "identity: { type: 'SystemAssigned' }" in body
    assert "authentication: { type: 'SystemAssignedIdentity' }" in body


def test_the_identity_gets_only_the_data_roles_it_needs() -> None:
    assigned = set(re.findall(r"'([0-9a-f-]{36})'", _text("modules/roles.bicep")))
    assert assigned == ROLE_IDS


def test_postgres_runs_pgbouncer_and_alerts_watch_dead_letters_and_failures() -> None:
    postgres = _text("modules/postgres.bicep")
    assert re.search(r"name: 'pgbouncer.enabled'\n\s+properties: \{ value: 'true'", postgres)
    assert "name: 'wellos_master'" in postgres
    alerts = _text("modules/alerts.bicep")
    assert "metricName: 'DeadletteredMessages'" in alerts
    assert "metricName: 'requests/failed'" in alerts
    assert "for queue in queueNames" in alerts


def _bicep_list(body: str, name: str) -> list[str]:
    found = re.search(rf"^var {name} = \[(.*)\]$", body, flags=re.MULTILINE)
    assert found, name
    return re.findall(r"'([^']*)'", found.group(1))


def test_the_office_app_is_a_static_website_behind_front_door_on_every_tenant_host() -> None:
    web = _text("modules/web.bicep")
    main = _text("main.bicep")
    assert "module web 'modules/web.bicep' = if (!empty(webCertificateSecretId))" in main
    assert "domainNames = [ '*.${baseDomain}', baseDomain ]" in web
    assert "sku: { name: 'Standard_AzureFrontDoor' }" in web
    assert web.count("customDomains: [for (domain, i) in domainNames: { id: domains[i].id }]") == 2
    assert "minimumTlsVersion: 'TLS12'" in web and "type: 'CustomerCertificate'" in web
    assert "allowBlobPublicAccess: false" in web and "allowSharedKeyAccess: false" in web
    # the app's routes get index.html; files and the API's paths do not
    spa = web[web.index("resource spaRoutes") : web.index("resource apiRoute")]
    assert "name: 'UrlFileExtension'" in spa and "negateCondition: true" in spa
    assert "destination: '/index.html'" in spa
    assert "ruleSets: [ { id: appRules.id } ]" in web.split("resource appRoute")[1]
    # its headers are the local host's, word for word
    csp = re.search(r"^var csp = '(.*)'$", web, flags=re.MULTILINE)
    assert csp and csp.group(1).replace("\\'", "'") == CSP


def test_the_apis_paths_reach_the_function_app_uncached_with_the_tenants_host() -> None:
    web = _text("modules/web.bicep")
    paths = _bicep_list(web, "apiPaths")
    assert {p.removesuffix("*") for p in paths} >= set(API_PATHS)
    api_route = web[web.index("resource apiRoute") : web.index("resource appRoute")]
    assert "patternsToMatch: apiPaths" in api_route
    assert "originGroup: { id: apiOrigins.id }" in api_route
    assert "cacheConfiguration" not in api_route.replace("// no cacheConfiguration", "")
    assert "supportedProtocols: [ 'Https' ]" in api_route
    api_origin = web[web.index("resource apiOrigin ") : web.index("resource appRules")]
    assert "hostName: functionHostName" in api_origin
    assert "originHostHeader:" not in api_origin  # the viewer's Host names the tenant


def _skips() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(BICEP.rglob("*.bicep")):
        for match in re.finditer(r"//checkov:skip=(\w+):(.*)", path.read_text(encoding="utf-8")):
            found.append((path.name, match.group(1), match.group(2).strip()))
    return found


def test_every_checkov_skip_says_why() -> None:
    assert all(len(reason) >= 20 for _, _, reason in _skips()), _skips()


@pytest.mark.skipif(not CHECKOV.exists(), reason="checkov is installed by `python3 dev.py test`")
def test_checkov_finds_no_failed_check_in_the_bicep_files() -> None:
    result = subprocess.run(
        [str(CHECKOV), "-d", str(BICEP), "--framework", "bicep", *CHECKOV_OFFLINE],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = json.loads(result.stdout)
    summary = report["summary"]
    failed = [
        (f["check_id"], f["file_path"], f["resource"]) for f in report["results"]["failed_checks"]
    ]
    assert failed == [] and summary["parsing_errors"] == 0
    assert summary["resource_count"] >= 40 and summary["skipped"] == len(_skips())


@pytest.mark.skipif(not CHECKOV.exists(), reason="checkov is installed by `python3 dev.py test`")
def test_checkov_finds_no_failed_check_in_the_gateway_dockerfile() -> None:
    dockerfile = ROOT / "edge_gateway" / "Dockerfile"
    result = subprocess.run(
        [str(CHECKOV), "-f", str(dockerfile), "--framework", "dockerfile", *CHECKOV_OFFLINE],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert report["summary"]["failed"] == 0 and report["summary"]["passed"] > 0


def test_notifications_go_through_acs_email_with_the_key_behind_a_vault_reference() -> None:
    settings = _json("app-settings.json")["settings"]
    # the acs notifier, its endpoint and sender from the communication module
    assert settings["WELLOS_NOTIFIER"] == "acs"
    assert settings["WELLOS_ACS_ENDPOINT"] == "{{acsEndpoint}}"
    assert settings["WELLOS_NOTIFY_SENDER"] == "{{acsSender}}"
    # the key is never a value in the settings: a reference the platform resolves
    reference = "@Microsoft.KeyVault(SecretUri={{acsAccessKeySecretUri}})"
    assert settings["WELLOS_ACS_ACCESS_KEY"] == reference
    main = _text("main.bicep")
    assert "module communication 'modules/communication.bicep'" in main
    assert "'{{acsAccessKeySecretUri}}', communication.outputs.accessKeySecretUri)" in main
    assert "keyVaultName: keyVault.outputs.vaultName" in main
    module = _text("modules/communication.bicep")
    # an Email Service with an Azure-managed domain, linked to the Communication Service
    assert "domainManagement: 'AzureManaged'" in module
    assert "linkedDomains: [ managedDomain.id ]" in module
    # whose key is stored as a vault secret under the name the reference points at
    assert "value: communication.listKeys().primaryKey" in module
    assert "var accessKeySecretName = 'acs-access-key'" in module
    assert "secrets/${accessKeySecretName}'" in module
    assert "output endpoint string = 'https://${communication.properties.hostName}'" in module
