"""A rehearsal of the AWS deployment from the synthesized template (issue 12, "The proof").

For every Lambda function of the template, a host process imports the handler the
template names with exactly the environment variables the template sets, the
CloudFormation references among them (bucket name) replaced by the resources of a
moto server (SQS queues named as the template's, the S3 bucket, the Secrets Manager
secrets under the template's prefix with the master URL of a fresh database on the
local PostgreSQL). Besides the template's variables a host gets only what the Lambda
runtime gives every function (AWS region and credentials) and the endpoint override
`WELLOS_AWS_ENDPOINT_URL` that points boto3 at moto. Then the platform runs through
those hosts: migrate, a tenant made by the CLI with the same settings, API Gateway v2
requests, a gateway batch through the ingest queue, a field-sync job through its queue,
the ETL schedule, partition maintenance, the nightly scoring fan-out and chunks.

A setting the code needs that the template does not set stops a host with a
StartupError (the test names it); a queue the code uses that the template does not
declare is missing on moto, so sending to it fails.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest

from shared.core.analytics.services.nightly import SCORING_QUEUE
from shared.settings import Settings
from tests.conftest import drop_tenant_databases
from tests.deploy.conftest import ROOT, Synth
from tests.deploy.line_host import LineHost
from tests.deploy.rehearsal_steps import gateway_with_tag, signed_batch
from tests.emulators import AWS_REGION, free_port, wait_for_port

pytestmark = pytest.mark.slow

EVENTS = ROOT / "tests" / "events"
BUCKET = "wellos-rehearsal-blobs"
LAMBDA_RUNTIME = {  # what the Lambda runtime gives every function, and moto's dummy credentials
    "AWS_REGION": AWS_REGION,
    "AWS_DEFAULT_REGION": AWS_REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    resources = template["Resources"].items()
    return {k: v for k, v in resources if v["Type"] == "AWS::Lambda::Function"}


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _handler(function: dict[str, Any]) -> str:
    properties = function["Properties"]
    if "ImageConfig" in properties:
        return str(properties["ImageConfig"]["Command"][0])
    return str(properties["Handler"])


@dataclass
class Stack:
    """The template's resources made real on moto, and each handler's environment."""

    endpoint: str
    master_url: str
    secrets_prefix: str
    queue_urls: dict[str, str]
    environments: dict[str, dict[str, str]]  # handler -> its process environment
    template_variables: dict[str, dict[str, str]]  # handler -> the template's variables
    client: Callable[[str], Any]
    secret_values: tuple[str, ...] = ()


class Resolver:
    """Replaces the template's CloudFormation references with the moto resources."""

    def __init__(self, template: dict[str, Any], physical: dict[str, str]) -> None:
        self.template = template
        self.physical = physical

    def value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and "Ref" in value:
            return self.physical[value["Ref"]]
        if isinstance(value, dict) and "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(self.value(part) for part in parts)
        raise AssertionError(f"the rehearsal cannot stand in for {value!r}")


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    """A moto server of the rehearsal's own: the template's names would clash in a shared one."""
    pytest.importorskip("moto", reason="the rehearsal needs moto server (the aws extra)")
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        if not wait_for_port(port, 10):
            pytest.skip("moto server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def boto3_clients(endpoint: str) -> Callable[[str], Any]:
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    def make(service: str) -> Any:
        return boto3.client(
            service, region_name=AWS_REGION, endpoint_url=endpoint,
            aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(s3={"addressing_style": "path"}) if service == "s3" else None,
        )  # fmt: skip

    return make


@pytest.fixture(scope="module")
def stack(dev_synth: Synth, master_database: str, moto_server: str) -> Stack:
    endpoint = moto_server
    client = boto3_clients(endpoint)
    from shared.adapters.aws.sqs_queue import DLQ_SUFFIX

    template = dev_synth.template
    physical: dict[str, str] = {}
    sqs = client("sqs")
    queues = _of_type(template, "AWS::SQS::Queue")
    queue_urls: dict[str, str] = {}
    dead_letters_first = sorted(
        queues.items(), key=lambda item: not item[1]["Properties"]["QueueName"].endswith(DLQ_SUFFIX)
    )
    for logical_id, queue in dead_letters_first:
        properties = queue["Properties"]
        name = properties["QueueName"]
        attributes = {}
        if "RedrivePolicy" in properties:
            redrive = properties["RedrivePolicy"]
            dead = queue_urls[name + DLQ_SUFFIX]
            arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
            attributes["RedrivePolicy"] = json.dumps({
                "deadLetterTargetArn": arn["Attributes"]["QueueArn"],
                "maxReceiveCount": str(redrive["maxReceiveCount"]),
            })  # fmt: skip
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        queue_urls[name] = physical[logical_id] = url
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    for logical_id, bucket in _of_type(template, "AWS::S3::Bucket").items():
        physical[logical_id] = bucket["Properties"].get("BucketName", BUCKET)
    prefix = next(
        v["Properties"]["Environment"]["Variables"]["WELLOS_SECRETS_PREFIX"]
        for v in _functions(template).values()
    )
    secrets = client("secretsmanager")
    database_secret = None
    secret_values: list[str] = []
    for logical_id, secret in _of_type(template, "AWS::SecretsManager::Secret").items():
        name = secret["Properties"]["Name"]
        value = master_database if name.endswith("/database-url") else uuid.uuid4().hex * 2
        secret_values.append(value)
        if name.endswith("/database-url"):
            database_secret = name
        arn = secrets.create_secret(Name=name, SecretString=value)["ARN"]
        physical[logical_id] = arn
    assert database_secret is not None, "the template declares no database-url secret"
    resolver = Resolver(template, physical)
    environments: dict[str, dict[str, str]] = {}
    variables_of: dict[str, dict[str, str]] = {}
    for function in _functions(template).values():
        variables = function["Properties"]["Environment"]["Variables"]
        resolved = {name: resolver.value(value) for name, value in variables.items()}
        handler = _handler(function)
        variables_of[handler] = resolved
        environments[handler] = {
            **resolved,
            **LAMBDA_RUNTIME,
            "WELLOS_AWS_ENDPOINT_URL": endpoint,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "HOME": str(ROOT / ".rehearsal-home-unused"),
            "LANG": "C.UTF-8",
        }
    return Stack(
        endpoint, master_database, prefix, queue_urls, environments, variables_of, client,
        tuple(secret_values),
    )  # fmt: skip


@dataclass
class Host(LineHost):
    """One Lambda function's process: its handler imported with its environment."""

    handler: str
    process: subprocess.Popen[str]
    answers: IO[str]
    log: Path
    ready: dict[str, Any] = field(default_factory=dict)
    invocations: int = 0

    def invoke(self, event: dict[str, Any]) -> Any:
        self.invocations += 1
        return self.exchange(self.handler, event)


def spawn_host(stack: Stack, handler: str, log: Path) -> Host:
    """Starts the host; its first line (ready, or the startup error) is read by `wait_ready`."""
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.deploy.lambda_runner", handler],
            cwd=ROOT, env=stack.environments[handler], text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sink,
        )  # fmt: skip
    assert process.stdout is not None
    return Host(handler, process, process.stdout, log)


def wait_ready(host: Host) -> Host:
    host.ready = host.read(host.handler)
    return host


def start_host(stack: Stack, handler: str, log: Path) -> Host:
    return wait_ready(spawn_host(stack, handler, log))


@pytest.fixture(scope="module")
def hosts(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Host]]:
    """Every function of the template, started once (a warm instance each)."""
    logs = tmp_path_factory.mktemp("lambda-logs")
    started: dict[str, Host] = {}
    try:
        for handler in sorted(stack.environments):  # cold starts side by side
            started[handler] = spawn_host(stack, handler, logs / f"{handler}.log")
        for host in started.values():
            wait_ready(host)
        yield started
    finally:
        for host in started.values():
            host.close()


# --- events -------------------------------------------------------------------------------


def http_event(
    method: str, path: str, host: str, body: Any = None, token: str | None = None,
    content_type: str = "application/json",
) -> dict[str, Any]:  # fmt: skip
    name = "apigw_v2_post.json" if method != "GET" else "apigw_v2_get.json"
    event: dict[str, Any] = copy.deepcopy(json.loads((EVENTS / name).read_text()))
    path, _, query = path.partition("?")
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["rawQueryString"] = query
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["domainName"] = host
    event["requestContext"]["domainPrefix"] = host.split(".")[0]
    headers = {k: v for k, v in event["headers"].items() if k != "content-length"}
    headers["host"] = host
    if token:
        headers["authorization"] = f"Bearer {token}"
    if body is None:
        event.pop("body", None)
        headers.pop("content-type", None)
    else:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
        headers["content-type"] = content_type
    event["headers"] = headers
    event["isBase64Encoded"] = False
    return event


def sqs_event(stack: Stack, queue: str, max_messages: int = 10) -> dict[str, Any]:
    """What the event-source mapping hands the function: the records moto gives out now."""
    sqs = stack.client("sqs")
    url = stack.queue_urls[queue]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    received = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=max_messages, WaitTimeSeconds=1,
        MessageAttributeNames=["All"], AttributeNames=["All"], VisibilityTimeout=60,
    ).get("Messages", [])  # fmt: skip
    records = []
    for message in received:
        attributes = {
            name: {
                "stringValue": value.get("StringValue"), "dataType": value["DataType"],
                "stringListValues": [], "binaryListValues": [],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        }  # fmt: skip
        records.append({
            "messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"], "attributes": message.get("Attributes", {}),
            "messageAttributes": attributes, "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs", "eventSourceARN": arn["QueueArn"], "awsRegion": AWS_REGION,
        })  # fmt: skip
    return {"Records": records}


def delete_handled(stack: Stack, queue: str, event: dict[str, Any], answer: Any) -> None:
    """As the mapping does: delete every record not reported as a batch item failure."""
    failed = {f["itemIdentifier"] for f in (answer or {}).get("batchItemFailures", [])}
    sqs = stack.client("sqs")
    for record in event["Records"]:
        if record["messageId"] not in failed:
            sqs.delete_message(
                QueueUrl=stack.queue_urls[queue], ReceiptHandle=record["receiptHandle"]
            )


def schedule_event() -> dict[str, Any]:
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
        "source": "aws.events", "account": "123456789012", "time": "2026-01-01T02:30:00Z",
        "region": AWS_REGION, "resources": ["arn:aws:events:us-east-1:123456789012:rule/r"],
        "detail": {},
    }  # fmt: skip


# --- the rehearsal ------------------------------------------------------------------------


def test_every_function_starts_with_exactly_the_settings_the_template_gives_it(
    stack: Stack, hosts: dict[str, Host]
) -> None:
    from shared.adapters.aws.sqs_queue import DLQ_SUFFIX
    from shared.core.etl.model.jobs import ETL_QUEUE, IMPORTS_QUEUE
    from shared.core.scada.services.deliveries import INGEST_QUEUE
    from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE

    # THEN the template declares the queues the code sends to, each with its dead letters
    used = {INGEST_QUEUE, SYNC_JOBS_QUEUE, ETL_QUEUE, IMPORTS_QUEUE, SCORING_QUEUE}
    assert set(stack.queue_urls) == used | {name + DLQ_SUFFIX for name in used}
    readable = {"WELLOS_" + name.upper() for name in Settings.model_fields}
    for handler, host in sorted(hosts.items()):
        # THEN each host built its platform: no StartupError, no setting missing
        assert host.ready.get("ready") is True, f"{handler}: {host.ready}"
        assert host.ready["missing_settings"] == []
        # AND every WELLOS_* variable the template sets is one the code reads
        wellos = {n for n in stack.template_variables[handler] if n.startswith("WELLOS_")}
        assert wellos - readable == set(), handler


def test_a_setting_the_template_leaves_out_stops_the_host_naming_it(
    stack: Stack, tmp_path: Path
) -> None:
    handler = "functions.aws.api_handler.handler"
    environment = dict(stack.environments[handler])
    del environment["WELLOS_DATABASE_URL_SECRET"]
    reduced = Stack(**{**stack.__dict__, "environments": {handler: environment}})
    host = start_host(reduced, handler, tmp_path / "api.log")
    host.close()
    assert host.ready.get("startup_error") == "StartupError", host.ready
    assert "WELLOS_DATABASE_URL" in host.ready["detail"]


API = "functions.aws.api_handler.handler"
MIGRATE = "functions.aws.migrate_handler.handler"
INGEST = "functions.aws.ingest_handler.handler"
SYNC_JOBS = "functions.aws.sync_jobs_handler.handler"
SYNC_REQUEUE = "functions.aws.sync_jobs_handler.requeue_handler"
ETL_SCHEDULE = "functions.aws.etl_handler.schedule_handler"
PARTITIONS = "functions.aws.partitions_handler.handler"
SCORING_FAN_OUT = "functions.aws.scoring_handler.fan_out_handler"
SCORING = "functions.aws.scoring_handler.handler"
NOTIFY = "functions.aws.scoring_handler.notify_handler"
REMIND = "functions.aws.scoring_handler.remind_handler"
ETL = "functions.aws.etl_handler.handler"
API_NUMBER = "42-501-20130"


@dataclass
class Api:
    """Requests to the API function as API Gateway v2 sends them, on the tenant's host."""

    host: Host
    domain: str
    token: str | None = None

    def call(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json"
    ) -> tuple[int, Any]:
        event = http_event(method, path, self.domain, body, self.token, content_type)
        answer = self.host.invoke(event)
        text = answer.get("body") or ""
        if answer.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        return int(answer["statusCode"]), json.loads(text) if text else None

    def ok(
        self, method: str, path: str, body: Any = None, status: int = 200,
        content_type: str = "application/json",
    ) -> Any:  # fmt: skip
        code, payload = self.call(method, path, body, content_type)
        assert code == status, f"{method} {path}: {code} {payload}"
        return payload


def create_tenant_with_the_cli(stack: Stack, slug: str) -> dict[str, Any]:
    """`wellos tenant create` as an operator runs it with the deployment's settings."""
    command = [
        sys.executable, "-c", "from functions.cli.main import app; app()", "tenant", "create",
        "--slug", slug, "--name", "Rehearsal Oil", "--admin-email", f"admin@{slug}.test", "--json",
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=stack.environments[MIGRATE], capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    created: dict[str, Any] = json.loads(done.stdout)
    return created


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


@pytest.fixture(scope="module")
def tenant_slug(pg_server_url: str) -> Iterator[str]:
    slug = f"rehearsal{uuid.uuid4().hex[:6]}"
    yield slug
    drop_tenant_databases(pg_server_url, Settings.model_fields["tenant_db_prefix"].default + slug)


def test_the_platform_runs_through_the_handlers_the_template_names(
    stack: Stack, hosts: dict[str, Host], tenant_slug: str, pg_server_url: str
) -> None:
    from shared.adapters.aws.sqs_queue import SqsQueue
    from shared.core.etl.model.jobs import IMPORTS_QUEUE
    from shared.core.registry.services.tenants import secret_ref_for
    from shared.core.scada.services.deliveries import INGEST_QUEUE
    from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE

    slug = tenant_slug
    # 1. GIVEN the migration function run after the deploy, and a tenant made by the CLI
    report = hosts[MIGRATE].invoke({})
    assert report["master_revision"] and report["failed"] == 0
    created = create_tenant_with_the_cli(stack, slug)
    # THEN the tenant's database URL is a Secrets Manager secret under the template's prefix
    stored = stack.client("secretsmanager").get_secret_value(
        SecretId=stack.secrets_prefix + secret_ref_for(slug)
    )
    assert stored["SecretString"].endswith("/" + created["database_name"])
    # AND the migration function now migrates that tenant too
    report = hosts[MIGRATE].invoke({"tenants": [slug]})
    assert [(t["slug"], t["ok"]) for t in report["tenants"]] == [(slug, True)]

    # 2. WHEN the admin logs in through API Gateway on the tenant's subdomain
    domain = stack.template_variables[API]["WELLOS_BASE_DOMAIN"]
    api = Api(hosts[API], f"{slug}.{domain}")
    credentials = {"email": created["admin_email"], "password": created["admin_password"]}
    api.token = api.ok("POST", "/api/v1/auth/login", credentials)["access_token"]
    # THEN the wells list answers 200, and a new well is listed
    api.ok("GET", "/api/v1/wells")
    new_well = {"name": "Rehearsal 1H", "well_type": "OIL", "api_number": API_NUMBER}
    well = api.ok("POST", "/api/v1/wells", {**new_well, "status": "PRODUCING"}, 201)
    assert well["id"] in json.dumps(api.ok("GET", "/api/v1/wells"))

    # 3. GIVEN a gateway with a tag on that well, registered through the API
    gateway, tag = gateway_with_tag(
        api, "Rehearsal gateway", well["id"], "ns=2;s=TP", "tubing_pressure"
    )
    # WHEN the gateway sends a signed batch onto the ingest queue
    batch_id, body = signed_batch(created["tenant"]["id"], gateway, tag["tag_id"], 60, 100.0)
    from shared.core.ports.queue import OutgoingMessage

    SqsQueue(stack.client("sqs")).send(INGEST_QUEUE, [OutgoingMessage(body, str(batch_id))])
    # AND something that is no batch lands on that queue too
    garbage = "this is not a reading batch"
    stack.client("sqs").send_message(QueueUrl=stack.queue_urls[INGEST_QUEUE], MessageBody=garbage)
    # AND the event-source mapping hands both to the ingest function
    event = sqs_event(stack, INGEST_QUEUE)
    assert len(event["Records"]) == 2
    answer = hosts[INGEST].invoke(event)
    assert answer == {"batchItemFailures": []}
    delete_handled(stack, INGEST_QUEUE, event, answer)
    # THEN the garbage is parked in the template's dead-letter queue with its reason
    [parked] = SqsQueue(stack.client("sqs")).receive_dead_letters(INGEST_QUEUE, 10)
    assert (parked.body, parked.properties["dead_letter_reason"]) == (
        garbage.encode(), "invalid_envelope",
    )  # fmt: skip
    # THEN the readings are in the tenant's database
    database = created["database_name"]
    query = "SELECT count(*) FROM scada_readings WHERE tag_id = :tag"
    assert count_rows(pg_server_url, database, query, tag=tag["tag_id"]) == 60
    assert sqs_event(stack, INGEST_QUEUE)["Records"] == []

    # 4. GIVEN a field operator, invited and assigned to the well through the API
    email = f"pumper@{slug}.test"
    invited = api.ok(
        "POST", "/api/v1/users",
        {"email": email, "full_name": "Pumper", "role": "FIELD_OPERATOR"}, 201,
    )  # fmt: skip
    api.ok("PUT", f"/api/v1/wells/{well['id']}/assignments/{invited['id']}")
    operator = Api(hosts[API], api.domain)
    one_time = invited["one_time_password"]  # set by an admin: replaced at first sign-in
    login = {"email": email, "password": one_time, "new_password": f"Field-{one_time}-2026"}
    operator.token = operator.ok("POST", "/api/v1/auth/login", login)["access_token"]
    # WHEN their tablet syncs more events than fit inline: a job on the sync-jobs queue
    moment = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=uuid.uuid4().int % 1000)
    events = [
        {
            "id": str(uuid.uuid4()), "device_seq": i, "type": "WELL_READING_RECORDED",
            "well_id": well["id"], "occurred_at": (moment + timedelta(seconds=i)).isoformat(),
            "payload": {"tag": "LP", "value": 100.0 + i % 50, "unit": "psi"},
        }
        for i in range(520)
    ]  # fmt: skip
    device = {"id": "rehearsal-tablet", "platform": "android", "app_version": "1.0.0"}
    accepted = operator.ok("POST", "/api/v1/sync", {"device": device, "events": events}, 202)
    event = sqs_event(stack, SYNC_JOBS_QUEUE, 1)
    assert len(event["Records"]) == 1
    answer = hosts[SYNC_JOBS].invoke(event)
    assert answer == {"batchItemFailures": []}
    delete_handled(stack, SYNC_JOBS_QUEUE, event, answer)
    # THEN the job is done, every event applied, its batch kept in the bucket
    job = operator.ok("GET", f"/api/v1/sync/jobs/{accepted['job_id']}")
    assert (job["status"], job["progress"]) == ("done", {"done": 520, "total": 520})
    assert job["counts"] == {"applied": 520}
    listed = stack.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=f"tenants/{slug}/sync-jobs/")
    assert [o["Key"] for o in listed.get("Contents", [])] == [
        f"tenants/{slug}/sync-jobs/{accepted['job_id']}.json"
    ]
    assert hosts[SYNC_REQUEUE].invoke(schedule_event()) == {"requeued": 0}

    # 5. WHEN a production CSV is uploaded and confirmed: a job on the imports queue
    csv = "API #,Prod Date,Oil (bbl),Gas Mcf,Water m3\n" + "".join(
        f"{API_NUMBER},03/{day:02d}/2024,{10 + day},{100 + day},1.5\n" for day in (1, 2, 3)
    )
    preview = api.ok(
        "POST", "/api/v1/imports?kind=production&filename=march.csv", csv, 201, "text/csv"
    )  # fmt: skip
    import_id = preview["import"]["id"]
    mapping = preview["suggested_mapping"]
    assert (
        api.ok("POST", f"/api/v1/imports/{import_id}/confirm", mapping, 202)["status"] == "queued"
    )
    # AND the imports queue's mapping hands it to the ETL function
    event = sqs_event(stack, IMPORTS_QUEUE, 1)
    assert len(event["Records"]) == 1
    answer = hosts[ETL].invoke(event)
    assert answer == {"batchItemFailures": []}
    delete_handled(stack, IMPORTS_QUEUE, event, answer)
    # THEN the import succeeded and its days are the well's production
    done = api.ok("GET", f"/api/v1/imports/{import_id}")
    assert (done["status"], done["counts"]["inserted"]) == ("succeeded", 3)
    days = api.ok("GET", f"/api/v1/wells/{well['id']}/production?from=2024-03-01&to=2024-03-31")
    assert [d["oil_bbl"] for d in days["items"]] == [11.0, 12.0, 13.0]
    # AND the ETL schedule runs (no tenant has a source configured: nothing is due)
    assert hosts[ETL_SCHEDULE].invoke(schedule_event()) == {"enqueued": []}

    # 6. partition maintenance
    assert hosts[PARTITIONS].invoke(schedule_event())["tenants"] >= 1

    # 7. WHEN the nightly scoring fans out, and each chunk reaches the scoring function
    fanned = hosts[SCORING_FAN_OUT].invoke(schedule_event())
    handled = 0
    while (event := sqs_event(stack, SCORING_QUEUE))["Records"]:
        answer = hosts[SCORING].invoke(event)
        assert answer == {"batchItemFailures": []}
        delete_handled(stack, SCORING_QUEUE, event, answer)
        handled += len(event["Records"])
    # THEN every job of the night was scored, and the notifications go out
    assert handled == fanned["jobs"] >= 1
    assert hosts[NOTIFY].invoke(schedule_event())["failed"] == 0
    # AND the daily compliance reminders run for the tenant
    reminded = hosts[REMIND].invoke(schedule_event())
    assert (reminded["tenants"], reminded["failed"]) == (1, 0)
    # AND every function of the template took part
    assert {h for h, host in hosts.items() if host.invocations == 0} == set()
    # AND no function logged the master URL or a server key
    assert hosts[INGEST].log.read_text()  # the logs are captured
    for handler, host in hosts.items():
        logged = host.log.read_text()
        leaked = [n for n, value in enumerate(stack.secret_values) if value in logged]
        assert leaked == [], f"{handler} logged secret values"
