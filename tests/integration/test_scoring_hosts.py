"""The scoring hosts: Azure blueprint (timer fan-out, Service Bus trigger), AWS SQS handler."""

from __future__ import annotations

import base64
import dataclasses
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import azure.functions as func
from azure.functions.timer import TimerRequest

from functions.aws import scoring_handler
from functions.azure import compliance as azure_compliance
from functions.azure import scoring as azure_scoring
from functions.local.scoring import dispatch_notifications, run_scoring_loop
from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.sql.compliance.store import SqlComplianceDatabases
from shared.bootstrap import Platform
from shared.core.analytics.services.nightly import SCORING_QUEUE, ScoringJob
from shared.core.compliance.services.reminders import ReminderService
from tests.integration.api_support import invite
from tests.integration.compliance_support import new_lease
from tests.integration.conftest import TenantSession
from tests.integration.test_scoring_support import NIGHT, build_field, rows_of


@dataclass
class LambdaContext:
    function_name: str = "wellos-scoring"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:wellos-scoring"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def sqs_record(body: str, own_id: str | None = None) -> dict[str, Any]:
    attributes = {}
    if own_id is not None:
        attributes = {"wellos-message-id": {"stringValue": own_id, "dataType": "String"}}
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "AQEB...",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": attributes,
        "md5OfBody": "x",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:scoring",
        "awsRegion": "us-east-1",
    }


def test_the_azure_blueprint_fans_out_scores_and_notifies(
    platform: Platform, acme: TenantSession, monkeypatch: Any
) -> None:
    # GIVEN the blueprint on a function app, a field with a faulty well, an in-memory queue
    build_field(platform, acme)
    queue, notifier = InMemoryQueue(), InMemoryNotifier()
    runtime = azure_scoring.ScoringRuntime(lambda: platform, lambda: queue, lambda: notifier)
    monkeypatch.setattr(azure_scoring, "runtime", runtime)
    monkeypatch.setattr(azure_scoring, "last_night", lambda now: NIGHT)
    app = func.FunctionApp()
    app.register_functions(azure_scoring.scoring_bp)
    functions = {f.get_function_name(): f for f in app.get_functions()}
    assert set(functions) == {"fan_out_nightly_scoring", "score_wells", "dispatch_notifications"}
    trigger = functions["score_wells"].get_bindings()[0].get_dict_repr()
    assert (trigger["type"], trigger["queueName"]) == ("serviceBusTrigger", SCORING_QUEUE)

    # WHEN the nightly timer fires and each queued job reaches the Service Bus trigger
    functions["fan_out_nightly_scoring"].get_user_function()(TimerRequest())
    for message in queue.receive(SCORING_QUEUE, 10, 30):
        body = func.ServiceBusMessage(body=message.body)
        functions["score_wells"].get_user_function()(body)
        queue.complete(SCORING_QUEUE, message)
    functions["dispatch_notifications"].get_user_function()(TimerRequest())

    # THEN alerts exist and their notifications went out once
    alerts = rows_of(platform, acme.slug, "alerts")
    assert alerts
    assert len(notifier.sent) == len(alerts)
    assert dispatch_notifications(platform, notifier).sent == 0


def test_the_notification_timers_of_both_clouds_send_identity_mail(
    platform: Platform, acme: TenantSession, monkeypatch: Any
) -> None:
    # GIVEN two invitations waiting in the outbox and each cloud's notification timer
    notifier = InMemoryNotifier()
    azure_runtime = azure_scoring.ScoringRuntime(
        lambda: platform, notifier_factory=lambda: notifier
    )
    aws_runtime = scoring_handler.ScoringRuntime(
        lambda: platform, notifier_factory=lambda: notifier
    )
    monkeypatch.setattr(azure_scoring, "runtime", azure_runtime)
    monkeypatch.setattr(scoring_handler, "runtime", aws_runtime)
    for name in ("first", "second"):
        body = {"email": f"{name}-{uuid.uuid4().hex[:6]}@acme.test", "full_name": "Pat Pumper"}
        invited = acme.client.post(
            "/api/v1/invitations", json={**body, "role": "FIELD_OPERATOR"}, headers=acme.headers
        )
        assert invited.status_code in (200, 201), invited.text

    # WHEN the Azure timer fires, then the AWS Notify function runs
    app = func.FunctionApp()
    app.register_functions(azure_scoring.scoring_bp)
    functions = {f.get_function_name(): f for f in app.get_functions()}
    functions["dispatch_notifications"].get_user_function()(TimerRequest())
    report = scoring_handler.notify_handler({}, LambdaContext())

    # THEN each invitation e-mail went out once, with its set-password link
    invitations = [m for m in notifier.sent if "invit" in m.subject.lower()]
    assert len(invitations) == 2
    assert all("token=" in m.body or "/invitation" in m.body for m in invitations)
    assert (report["mail_sent"], report["mail_failed"]) == (0, 0)


def test_the_sqs_handler_fails_only_the_bad_records(
    platform: Platform, acme: TenantSession, monkeypatch: Any
) -> None:
    # GIVEN a good job (adapter-encoded), a body that is no job, and a job of an unknown tenant
    good = ScoringJob(acme.created.tenant.id, NIGHT, 0, ()).to_message()
    unknown = ScoringJob(str(uuid.uuid4()), NIGHT, 0, ()).to_message()
    records = [
        sqs_record(base64.b64encode(good.body).decode(), good.message_id),
        sqs_record("not a scoring job"),
        sqs_record(unknown.body.decode()),
    ]
    runtime = scoring_handler.ScoringRuntime(lambda: platform)
    monkeypatch.setattr(scoring_handler, "runtime", runtime)

    # WHEN Lambda invokes the handler
    result = scoring_handler.handler({"Records": records}, LambdaContext())

    # THEN the two bad records are batch item failures, the good one is not
    failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    assert failed == {records[1]["messageId"], records[2]["messageId"]}


def test_the_scoring_hosts_import_no_scikit_learn_pandas_or_scipy() -> None:
    # GIVEN a fresh interpreter
    code = (
        "import sys\n"
        "import functions.aws.scoring_handler, functions.azure.scoring, functions.local.scoring\n"
        "from shared.bootstrap import onnx_scorer\n"
        "onnx_scorer().load()\n"
        "print(','.join(m for m in ('sklearn', 'pandas', 'scipy') if m in sys.modules))\n"
    )
    # WHEN it imports the scoring hosts and opens every model
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # THEN none of the training-only libraries came with them
    assert done.stdout.strip() == ""


def test_the_local_loop_scores_the_night_once_and_sends_notifications(
    platform: Platform, acme: TenantSession
) -> None:
    # GIVEN a field with a faulty well, and the local loop on a clock the day after the night
    build_field(platform, acme)
    queue, notifier, stop = InMemoryQueue(), InMemoryNotifier(), threading.Event()
    ticks: list[int] = []

    def clock() -> datetime:
        ticks.append(1)
        if len(ticks) >= 3:
            stop.set()
        return datetime.combine(NIGHT + timedelta(days=1), time(3), UTC)

    # WHEN the loop ticks three times
    report = run_scoring_loop(platform, queue, notifier, stop, interval_s=0.0, clock=clock)

    # THEN the night was scored once and each alert notified once
    alerts = rows_of(platform, acme.slug, "alerts")
    assert report.alerts == len(alerts) > 0
    assert len(notifier.sent) == len(alerts)


def test_the_daily_compliance_timers_of_both_clouds_send_one_digest_a_day(
    platform: Platform, acme: TenantSession, monkeypatch: Any
) -> None:
    # GIVEN a lease under compliance, a manager, and each cloud's daily reminder timer
    new_lease(acme)
    manager = invite(acme, "MANAGER")
    reminders = ReminderService(
        platform.master,
        SqlComplianceDatabases(platform.tenant_databases.engines),
        clock=lambda: datetime(2026, 11, 25, 6, tzinfo=UTC),
    )
    compliance = dataclasses.replace(platform.compliance, reminders=reminders)
    monkeypatch.setattr(platform, "compliance", compliance)
    notifier = InMemoryNotifier()
    monkeypatch.setattr(
        azure_compliance,
        "runtime",
        azure_scoring.ScoringRuntime(lambda: platform, notifier_factory=lambda: notifier),
    )
    monkeypatch.setattr(
        scoring_handler,
        "runtime",
        scoring_handler.ScoringRuntime(lambda: platform, notifier_factory=lambda: notifier),
    )
    app = func.FunctionApp()
    app.register_functions(azure_compliance.compliance_bp)
    functions = {f.get_function_name(): f for f in app.get_functions()}
    timer = functions["remind_compliance"].get_bindings()[0].get_dict_repr()
    assert (timer["type"], timer["schedule"]) == ("timerTrigger", "0 0 6 * * *")

    # WHEN the Azure timer fires, then the AWS Remind function runs the same day
    functions["remind_compliance"].get_user_function()(TimerRequest())
    report = scoring_handler.remind_handler({}, LambdaContext())

    # THEN the office got the digest once: the second run sent nothing
    assert {n.recipient for n in notifier.sent} == {acme.created.admin_email, manager["email"]}
    assert "Form PR, monthly production report" in notifier.sent[0].body
    assert (report["sent"], report["failed"]) == (0, 0)
    assert report["tenants"] >= 1
