"""The ETL worker's hosts: the Azure blueprint, the AWS SQS handler, the schedule."""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import azure.functions as func
import pytest
from azure.functions.timer import TimerRequest

from functions.aws import etl_handler
from functions.azure import etl as azure_etl
from shared.adapters.memory.queue import InMemoryQueue
from shared.core.common.clock import utc_now
from shared.core.etl.model.jobs import ETL_QUEUE, EtlJob, etl_message
from shared.core.etl.ports.runs import RunStatus
from shared.core.etl.services.etl import EtlService
from shared.core.registry.services.tenants import CreateTenant
from tests.integration import etl_support
from tests.integration.etl_support import (
    admin_of,
    configure,
    mysql_source,
    operator_config,
    seed_operator,
)

pytestmark = pytest.mark.mysql
mod_platform = etl_support.mod_platform
EVENTS = Path(__file__).parents[1] / "events"


@pytest.fixture(scope="module")
def configured(mod_platform, mysql_server_url):
    """A tenant with a configured source (the module's only ETL tenant)."""
    slug = f"etlhost-{uuid.uuid4().hex[:6]}"
    tenant = mod_platform.tenants.create(
        CreateTenant(slug=slug, name="Hosted", admin_email=f"a@{slug}.test")
    ).tenant
    with mysql_source(mysql_server_url) as source:
        seed_operator(source, days=3)
        configure(mod_platform, tenant, operator_config(source.url))
        yield tenant


@dataclass
class LambdaContext:
    function_name: str = "wellos-etl"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:wellos-etl"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 600_000


def test_the_schedule_enqueues_a_tenant_once_per_interval(mod_platform, configured):
    # GIVEN the ETL service on a clock we move
    now = [utc_now()]
    service = EtlService(mod_platform.etl._d, clock=lambda: now[0])
    queue = InMemoryQueue()
    # WHEN the timer fires, then 10 minutes later, then 15 minutes after the first
    first = service.schedule_due(queue)
    now[0] += timedelta(minutes=10)
    second = service.schedule_due(queue)
    now[0] += timedelta(minutes=5)
    third = service.schedule_due(queue)
    # THEN the tenant is due at the first and third tick only, one message each
    assert (first, second, third) == ([configured.slug], [], [configured.slug])
    messages = queue.receive(ETL_QUEUE, 10, 30)
    assert [json.loads(m.body)["tenant_id"] for m in messages] == [configured.id] * 2


def test_the_azure_blueprint_schedules_and_runs_from_service_bus(
    mod_platform, configured, monkeypatch
):
    # GIVEN the blueprint on a function app, with an in-memory queue for the timer
    queue = InMemoryQueue()
    monkeypatch.setattr(
        azure_etl, "runtime", azure_etl.EtlRuntime(lambda: mod_platform, lambda: queue)
    )
    app = func.FunctionApp()
    app.register_functions(azure_etl.etl_bp)
    functions = {f.get_function_name(): f for f in app.get_functions()}
    timer = functions["schedule_etl"].get_bindings()[0].get_dict_repr()
    trigger = functions["run_etl"].get_bindings()[0].get_dict_repr()
    assert timer["schedule"] == "0 */15 * * * *"
    assert (trigger["type"], trigger["queueName"]) == ("serviceBusTrigger", "etl")
    # WHEN the timer fires (the tenant may have been scheduled by another test: force it due)
    with mod_platform.master.unit_of_work() as uow:
        uow.etl.mark_enqueued(configured.id, utc_now() - timedelta(hours=1))
        uow.commit()
    functions["schedule_etl"].get_user_function()(TimerRequest(past_due=False))
    [message] = queue.receive(ETL_QUEUE, 10, 30)
    # AND Service Bus delivers the message to the queue trigger
    functions["run_etl"].get_user_function()(func.ServiceBusMessage(body=message.body))
    # THEN the run is recorded, triggered by the schedule
    latest = mod_platform.etl.runs(configured, admin_of(configured), 1, 0)[0]
    assert (latest.trigger, latest.status) == ("schedule", RunStatus.SUCCEEDED)


def test_the_sqs_handler_fails_only_the_bad_record(mod_platform, configured, monkeypatch):
    # GIVEN an SQS event with a run of the configured tenant and a record that is no job
    monkeypatch.setattr(etl_handler, "runtime", etl_handler.EtlRuntime(lambda: mod_platform))
    event = copy.deepcopy(json.loads((EVENTS / "sqs_ingest.json").read_text()))
    good, bad = event["Records"][:2]
    event["Records"] = [good, bad]
    for record in (good, bad):
        record["eventSourceARN"] = record["eventSourceARN"].rsplit(":", 1)[0] + ":etl"
        record["messageAttributes"] = {}
    good["body"] = etl_message(EtlJob(configured.id, "schedule"), utc_now()).body.decode()
    bad["body"] = "not a job"
    # WHEN Lambda invokes the handler
    result = etl_handler.handler(event, LambdaContext())
    # THEN only the bad record is reported for retry (and, in the end, the DLQ)
    assert result == {"batchItemFailures": [{"itemIdentifier": bad["messageId"]}]}
    latest = mod_platform.etl.runs(configured, admin_of(configured), 1, 0)[0]
    assert latest.status is RunStatus.SUCCEEDED


def test_a_failing_run_raises_so_the_queue_retries(mod_platform, configured):
    # GIVEN the tenant's source secret pointing at a server that does not answer
    deps = mod_platform.etl._d
    config = mod_platform.etl.config_of(configured)
    real = mod_platform.secrets.get(config.connection_secret_ref)
    mod_platform.secrets.set(config.connection_secret_ref, "mysql+pymysql://root@127.0.0.1:9/x")
    try:
        body = etl_message(EtlJob(configured.id, "schedule"), utc_now()).body
        # WHEN the job runs
        with pytest.raises(Exception, match="source database: connect failed"):
            EtlService(replace(deps)).handle_job(body)
    finally:
        mod_platform.secrets.set(config.connection_secret_ref, real)
    # THEN the failed run is recorded without the URL
    latest = mod_platform.etl.runs(configured, admin_of(configured), 1, 0)[0]
    assert latest.status is RunStatus.FAILED
    assert "127.0.0.1" not in (latest.error or "") and "mysql" not in (latest.error or "")
